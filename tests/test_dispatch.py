"""The keyword checkers a node pair is compared with (compare/keywords `ALWAYS`, schema.py `_pair`).

A checker of `ALWAYS` is called only when either node holds one of its fields at other than the
field's default. That is a promise about each checker: with its fields at their defaults on both
sides it finds nothing and walks nothing. These tests hold every checker to it on every pair of
nodes that real diffs compare (every fixture pair, and corpus pairs), calling the checkers the
dispatch skipped, and check that a checker whose keyword is written is still called.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import CORPUS, FIXTURES, corpus_pairs
from oasguard.changes import Side, Step
from oasguard.compare import keywords
from oasguard.compare import schema as schema_module
from oasguard.compare.schema import SchemaComparer
from oasguard.engine import diff, run_deep
from oasguard.errors import OasguardError
from oasguard.model.nodes import Schema
from oasguard.sources import file_spec


class _Recording(SchemaComparer):
    """A comparer that keeps every node pair it compares, with its side."""

    def __init__(self) -> None:
        super().__init__()
        self.pairs: list[tuple[Schema, Schema, Side]] = []

    def _pair(self, a: Schema, b: Schema, side: Side):  # type: ignore[override]
        self.pairs.append((a, b, side))
        return super()._pair(a, b, side)


def _skipped(a: Schema, b: Schema) -> list[keywords.Checker]:
    """The checkers of ALWAYS whose fields both nodes hold at their defaults."""
    defaults = dict(zip((field for field, _ in schema_module._GATES), schema_module._ABSENT, strict=True))
    return [
        check
        for check, fields in keywords.ALWAYS
        if all(getattr(node, field) == defaults[field] for field in fields for node in (a, b))
    ]


def _assert_skipped_checkers_find_nothing(base: Path, revision: Path) -> int:
    """Diff the pair, then call every skipped checker on every compared pair; how many calls."""
    comparer = _Recording()
    # a pair the command refuses (the bad-input fixtures): what it compared still counts
    with contextlib.suppress(OasguardError):
        run_deep(lambda: diff(file_spec(str(base)), file_spec(str(revision)), schemas=comparer))
    calls = 0
    for a, b, side in comparer.pairs:
        for check in _skipped(a, b):
            facts: list = []
            edges: list = []
            check(comparer, a, b, side, facts, edges)
            calls += 1
            assert facts == [] and edges == [], (check.__name__, a, b, side, facts, edges)
    return calls


def _fixture_pairs() -> list[tuple[Path, Path]]:
    found = []
    for base in sorted(FIXTURES.rglob("base.*")):
        revisions = sorted(base.parent.glob("revision.*"))
        if len(revisions) == 1:
            found.append((base, revisions[0]))
    return found


def test_a_skipped_checker_has_nothing_to_say_on_any_fixture_pair():
    calls = sum(_assert_skipped_checkers_find_nothing(base, revision) for base, revision in _fixture_pairs())
    assert calls > 1000  # the fixtures do compare pairs whose checkers are skipped


@pytest.mark.corpus
@pytest.mark.parametrize("name", ["stripe-json", "kubernetes-swagger2", "elasticsearch-serverless-next"])
def test_a_skipped_checker_has_nothing_to_say_on_corpus_pairs(name: str):
    pair = next((p for p in corpus_pairs() if p["name"] == name), None)
    if pair is None:
        pytest.skip("the corpus (../shared/corpus) is not here")
    assert _assert_skipped_checkers_find_nothing(CORPUS / pair["base"], CORPUS / pair["revision"]) > 0


def test_every_checker_of_always_is_gated_by_fields_a_schema_has():
    names = {field for _, fields in keywords.ALWAYS for field in fields}
    assert names <= set(Schema.__dataclass_fields__), names - set(Schema.__dataclass_fields__)
    assert [check for check, _ in keywords.ALWAYS] == list(dict.fromkeys(schema_module._CHECKERS))


SCHEMAS = """\
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /a:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                code: %s
      responses:
        '204': {description: none}
"""


@pytest.mark.parametrize(
    ("old", "new", "rule"),
    [
        ("{type: string}", "{type: string, pattern: '^a'}", "request-pattern-added"),
        ("{type: string, format: uuid}", "{type: string}", "request-format-widened"),
        ("{type: string}", "{type: string, enum: [a]}", "request-bound-tightened"),
        ("{type: string}", "{type: string, default: a}", "request-default-changed"),
        ("{type: integer}", "{type: integer, maximum: 5}", "request-bound-tightened"),
        ("{type: string}", "{type: string, nullable: true}", "request-nullable-added"),
        (
            "{type: object}",
            "{type: object, additionalProperties: false}",
            "request-additional-properties-closed",
        ),
        ("{type: object}", "{type: object, required: [x]}", "request-property-became-required"),
        ("{type: array}", "{type: array, items: {type: string, maxLength: 3}}", "request-constraint-added"),
    ],
)
def test_a_keyword_written_on_one_side_only_is_still_compared(tmp_path: Path, old: str, new: str, rule: str):
    base, revision = tmp_path / "base.yaml", tmp_path / "revision.yaml"
    base.write_text(SCHEMAS % old)
    revision.write_text(SCHEMAS % new)
    report = run_deep(lambda: diff(file_spec(str(base)), file_spec(str(revision))))
    assert rule in [c.id for c in report.changes], [c.id for c in report.changes]


def test_a_status_that_says_nothing_on_either_side_is_not_visited_and_would_say_nothing(monkeypatch):
    """`check_response` returns at once for a status with no headers and no content on either
    side (Kubernetes' 741 `401`s): the full check of what is below it, run on each such status
    of Kubernetes' pair, finds nothing there either. (The same test for a status whose content
    is one node on both sides, media type by media type, cost more than it saved.)"""
    from oasguard.compare.operations import responses

    pairs = {p["name"]: p for p in corpus_pairs()}
    if "kubernetes-swagger2" not in pairs:
        pytest.skip("the corpus is not here")
    check = responses.check_response
    skipped: list = []

    def recording(here, old, new, status, flipped=False):
        both = old is not None and new is not None
        if both and not (old.headers or new.headers or old.content or new.content):
            skipped.append((here, old, new, status, flipped))
        return check(here, old, new, status, flipped)

    monkeypatch.setattr("oasguard.compare.operations.paths.responses.check_response", recording)
    for name, least in (("kubernetes-swagger2", 700),):
        skipped.clear()
        base, revision = CORPUS / pairs[name]["base"], CORPUS / pairs[name]["revision"]
        run_deep(lambda: diff(file_spec(str(base)), file_spec(str(revision))))  # noqa: B023
        assert len(skipped) > least, name
        for here, old, new, status, flipped in skipped:
            # what the check did with such a status before the skip (with no headers, the only
            # check below it is the content's): a place, and no fact in it
            side = Side.REQUEST if flipped else Side.RESPONSE
            here = here.at(Step("response", status), side=side)
            assert list(responses.check_content(here, old.content, new.content, side, "", status)) == []


@pytest.mark.parametrize(
    "old, new, rule",
    [
        (
            "{description: no}",
            "{description: no, headers: {X-A: {schema: {type: string}}}}",
            "response-header-added",
        ),
        (
            "{description: no}",
            "{description: no, content: {application/json: {schema: {type: string}}}}",
            "response-media-type-added",
        ),
        ("{description: no, content: {text/plain: {}}}", "{description: no}", "response-media-type-removed"),
    ],
)
def test_a_status_gaining_or_losing_headers_or_content_is_still_compared(
    tmp_path: Path, old: str, new: str, rule: str
):
    document = (
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n"
        "paths:\n  /a:\n    get:\n      responses:\n        '401': %s\n"
    )
    base, revision = tmp_path / "base.yaml", tmp_path / "revision.yaml"
    base.write_text(document % old)
    revision.write_text(document % new)
    report = run_deep(lambda: diff(file_spec(str(base)), file_spec(str(revision))))
    assert rule in [c.id for c in report.changes], [c.id for c in report.changes]


def _twins_every_identity(homeless, homes):
    """`identity.twins` as written before it stopped early: every identity asked, every time."""
    from oasguard.compare.keywords import identity

    found, taken = {}, set()
    mine_all, theirs_all = identity._names(homeless, {}), identity._names(homes, {})
    for position in range(len(identity.IDENTITIES)):
        mine, theirs = identity._by_name(mine_all, position), identity._by_name(theirs_all, position)
        for name, indexes in mine.items():
            matches = theirs.get(name, [])
            if (
                len(indexes) == 1
                and len(matches) == 1
                and indexes[0] not in found
                and matches[0] not in taken
            ):
                found[indexes[0]] = matches[0]
                taken.add(matches[0])
    return found


def _variant(names: tuple) -> Schema:
    key, title, required = names
    node = Schema(None, key=None if key is None else f"#/components/schemas/{key}")  # type: ignore[arg-type]
    node.title = title
    node.required = frozenset(required)
    return node


_NAMES = st.tuples(
    st.one_of(st.none(), st.sampled_from("ABC")),
    st.one_of(st.none(), st.sampled_from(["a", "b"])),
    st.sets(st.sampled_from(["x", "y"]), max_size=2),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_NAMES, max_size=4), st.lists(_NAMES, max_size=4))
def test_variants_are_matched_as_when_every_identity_is_asked(old: list, new: list):
    """`twins` stops asking weaker identities once every variant of one side has its twin (or
    none of a side's variants has a name): what it matches is what asking all of them matches."""
    from oasguard.compare.keywords.identity import twins

    homeless, homes = [_variant(n) for n in old], [_variant(n) for n in new]
    assert twins(homeless, homes) == _twins_every_identity(homeless, homes)
