"""Unions on a query language (issue 21, SPEC 3.2.1 and 3.3.1), through the command line.

- A variant whose content changed is compared with its own former self, found by what names it
  (the properties it requires, the `const` it is told apart by, its title, its component's name)
  before what it accepts: never with a look-alike that happens to differ less.
- An `anyOf` variant that another of its variants accepts whole (`{enum: [...]}` beside
  `{type: string}`) changes nothing when it changes.
- `oneOf` <-> `anyOf` is judged by whether the variants overlap; a `discriminator` added to or
  removed from a response is a warning.
"""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, NOWHERE, pointer_target, run_cli

DSL = FIXTURES / "unions" / "query-dsl-deep-changes"


def _report(base: Path, revision: Path) -> tuple[int, list[dict]]:
    run = run_cli("diff", str(base), str(revision), "--format", "json")
    assert run.returncode in (0, 1), run.stderr
    # the fixtures keep info.version 1.0.0: the versioning rules' changes (of no operation) aside
    changes = json.loads(run.stdout)["changes"]
    return run.returncode, [c for c in changes if not c["id"].startswith("api-")]


def _where(change: dict) -> str:
    """The change's location below its operation."""
    return change["location"].removeprefix(f"{change['operation']} › ")


def _rows(changes: list[dict]) -> set[tuple[str, str, str, str]]:
    return {(c["operation"], c["id"], c["level"], _where(c)) for c in changes}


def _variant_rows(changes: list[dict]) -> list[tuple[str, str, str]]:
    """(id, the variant, the property) of changes below a request body's `oneOf`."""
    return sorted((c["id"], _where(c).split(" › ")[2], _where(c).split(" › ")[-1]) for c in changes)


def _write(tmp_path: Path, base: dict, revision: dict) -> tuple[Path, Path]:
    paths = tmp_path / "base.yaml", tmp_path / "revision.yaml"
    for path, doc in zip(paths, (base, revision), strict=True):
        path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return paths


def _api(schema: dict, side: str, components: dict | None = None) -> dict:
    """A document that sends `schema` in a request body (`side` "request") or returns it."""
    if side == "request":
        content = {"application/json": {"schema": schema}}
        op = {
            "requestBody": {"required": True, "content": content},
            "responses": {"204": {"description": "ok"}},
        }
    else:
        op = {
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}}
        }
    doc = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/q": {"post": op}}}
    if components:
        doc["components"] = {"schemas": components}
    return doc


# --- variants paired with their own former self ------------------------------------------------

REQ = "request body › application/json › query › oneOf"
RES = "response 200 › application/json › query › oneOf"
DSL_CHANGES = {
    # `match` changed three ways, `term` one way and gained a property, `range` gained one
    ("POST /_search", "request-enum-value-removed", "breaking", f"{REQ}[#1] › match › operator"),
    ("POST /_search", "request-bound-tightened", "breaking", f"{REQ}[#1] › match › fuzziness"),
    ("POST /_search", "request-property-became-required", "breaking", f"{REQ}[#1] › match › query"),
    ("POST /_search", "request-type-narrowed", "breaking", f"{REQ}[#9] › term › boost"),
    ("POST /_search", "request-property-added", "safe", f"{REQ}[#9] › term › case_insensitive"),
    ("POST /_search", "request-property-added", "safe", f"{REQ}[#12] › range › format"),
    # read back, every one of them is safe
    ("GET /_queries/{id}", "response-enum-value-removed", "safe", f"{RES}[#1] › match › operator"),
    ("GET /_queries/{id}", "response-bound-tightened", "safe", f"{RES}[#1] › match › fuzziness"),
    ("GET /_queries/{id}", "response-property-became-required", "safe", f"{RES}[#1] › match › query"),
    ("GET /_queries/{id}", "response-type-narrowed", "safe", f"{RES}[#9] › term › boost"),
    ("GET /_queries/{id}", "response-property-added", "safe", f"{RES}[#9] › term › case_insensitive"),
    ("GET /_queries/{id}", "response-property-added", "safe", f"{RES}[#12] › range › format"),
}


def test_a_40_variant_query_union_reports_only_the_deep_changes():
    """Before: `match` was compared with `term` (it differed less), so the report said
    "'query.term' was added as required" and "'query.match' was removed"."""
    status, changes = _report(DSL / "base.yaml", DSL / "revision.yaml")
    assert _rows(changes) == DSL_CHANGES, json.dumps(changes, indent=1)
    assert status == 1
    assert all("match" in c["message"] or "term" in c["message"] or "range" in c["message"] for c in changes)
    documents = {
        True: yaml.safe_load((DSL / "base.yaml").read_text()),
        False: yaml.safe_load((DSL / "revision.yaml").read_text()),
    }
    for change in changes:
        in_base = change["id"].endswith(("enum-value-removed",))
        assert pointer_target(documents[in_base], change["pointer"]) is not NOWHERE, change


def _dsl() -> tuple[dict, dict]:
    return (
        yaml.safe_load((DSL / "base.yaml").read_text()),
        yaml.safe_load((DSL / "revision.yaml").read_text()),
    )


def test_a_reordered_union_with_the_same_deep_changes_reports_the_same(tmp_path):
    base, revision = _dsl()
    random.Random(21).shuffle(revision["components"]["schemas"]["QueryContainer"]["oneOf"])
    _, changes = _report(*_write(tmp_path, base, revision))
    found = {(op, rule, level, where.split(" › ", 4)[-1]) for op, rule, level, where in _rows(changes)}
    expected = {(op, rule, level, where.split(" › ", 4)[-1]) for op, rule, level, where in DSL_CHANGES}
    assert found == expected


def test_a_union_whose_variants_are_all_unchanged_reports_nothing(tmp_path):
    base, _ = _dsl()
    revision = copy.deepcopy(base)
    random.Random(7).shuffle(revision["components"]["schemas"]["QueryContainer"]["oneOf"])
    status, changes = _report(*_write(tmp_path, base, revision))
    assert (status, changes) == (0, [])


def _lookalikes(tag: str, changed: dict[str, int]) -> tuple[list[dict], list[dict]]:
    """Three variants alike but for what names them (`tag`: "const" or "title"; without a
    const, the format of `w`, so that none accepts another's values); in the revision, `a`
    tightens three properties and `b` one (so `a` differs less from `b`'s new self than from
    its own)."""

    def variant(name: str, tightened: int) -> dict:
        props = {p: {"type": "string"} for p in ("x", "y", "z")}
        if tag != "const":
            props["w"] = {"type": "string", "format": {"a": "date", "b": "email", "c": "uuid"}[name]}
        for p in list(props)[:tightened]:
            props[p]["maxLength"] = 4
        schema: dict = {"type": "object", "properties": props}
        if tag == "const":
            schema["required"] = ["kind"]
            props["kind"] = {"type": "string", "enum": [name]}
        else:
            schema["title"] = name
        return schema

    names = ("a", "b", "c")
    return [variant(n, 0) for n in names], [variant(n, changed.get(n, 0)) for n in names]


@pytest.mark.parametrize("tag", ["const", "title"])
def test_look_alike_variants_are_paired_by_their_const_or_title(tmp_path, tag):
    old, new = _lookalikes(tag, {"a": 3, "b": 1})
    base, revision = _api({"oneOf": old}, "request"), _api({"oneOf": new}, "request")
    _, changes = _report(*_write(tmp_path, base, revision))
    label = {"a": "#1", "b": "#2"} if tag == "const" else {"a": "a", "b": "b"}
    assert _variant_rows(changes) == [
        ("request-bound-tightened", f"oneOf[{label['a']}]", "x"),
        ("request-bound-tightened", f"oneOf[{label['a']}]", "y"),
        ("request-bound-tightened", f"oneOf[{label['a']}]", "z"),
        ("request-bound-tightened", f"oneOf[{label['b']}]", "x"),
    ]
    assert not any("const" in c["id"] or "required" in c["id"] for c in changes)


def test_variants_moved_into_another_file_are_paired_by_their_component_name(tmp_path):
    """The components move to `queries.yaml` (their keys change, their names stay) while two of
    them change inside: each is compared with its own former self."""
    old, new = _lookalikes("plain", {"a": 3, "b": 1})
    names = ("Alpha", "Beta", "Gamma")
    components = dict(zip(names, old, strict=True))
    for schema in components.values():
        del schema["title"]
    refs = [{"$ref": f"#/components/schemas/{n}"} for n in names]
    base = _api({"oneOf": refs}, "request", components)
    moved = {n: {k: v for k, v in s.items() if k != "title"} for n, s in zip(names, new, strict=True)}
    (tmp_path / "queries.yaml").write_text(yaml.safe_dump(moved))
    revision = _api({"oneOf": [{"$ref": f"queries.yaml#/{n}"} for n in names]}, "request")
    _, changes = _report(*_write(tmp_path, base, revision))
    assert _variant_rows(changes) == [
        ("request-bound-tightened", "oneOf[Alpha]", "x"),
        ("request-bound-tightened", "oneOf[Alpha]", "y"),
        ("request-bound-tightened", "oneOf[Alpha]", "z"),
        ("request-bound-tightened", "oneOf[Beta]", "x"),
    ]


def test_a_variant_really_removed_beside_changed_ones_is_still_removed(tmp_path):
    """Recall: pairing by name does not hide a variant that is gone."""
    base, revision = _dsl()
    variants = revision["components"]["schemas"]["QueryContainer"]["oneOf"]
    revision["components"]["schemas"]["QueryContainer"]["oneOf"] = [
        v for v in variants if v["required"] != ["wildcard"]
    ]
    _, changes = _report(*_write(tmp_path, base, revision))
    removed = [c for c in changes if c["id"].endswith("variant-removed")]
    assert sorted((c["id"], c["level"], c["message"]) for c in removed) == [
        (
            "request-variant-removed",
            "breaking",
            "oneOf variant '#15' was removed from request property 'query'",
        ),
        (
            "response-variant-removed",
            "safe",
            "oneOf variant '#15' was removed from response property 'query'",
        ),
    ]
    assert not any(c["id"].endswith("required-property-added") for c in changes)


# --- an open string beside an enum --------------------------------------------------------------


@pytest.mark.parametrize("side", ["request", "response"])
@pytest.mark.parametrize("typed", [False, True], ids=["untyped-enum", "string-enum"])
def test_an_enum_beside_an_open_string_gains_a_value_and_nothing_changes(tmp_path, side, typed):
    def union(values: list[str]) -> dict:
        enum: dict = {"enum": values, **({"type": "string"} if typed else {})}
        return {"type": "object", "properties": {"sort": {"anyOf": [{"type": "string"}, enum]}}}

    base, revision = _api(union(["asc", "desc"]), side), _api(union(["asc", "desc", "score"]), side)
    assert _report(*_write(tmp_path, base, revision)) == (0, [])


def test_the_open_string_removed_leaves_the_enum_and_narrows_the_request(tmp_path):
    """Recall: without the open string the union accepts only the enum's values."""
    schema = {"anyOf": [{"type": "string"}, {"enum": ["asc", "desc"]}]}
    base = _api({"type": "object", "properties": {"sort": schema}}, "request")
    revision = _api({"type": "object", "properties": {"sort": {"anyOf": [schema["anyOf"][1]]}}}, "request")
    status, changes = _report(*_write(tmp_path, base, revision))
    assert status == 1
    assert {(c["id"], c["level"]) for c in changes} == {("request-bound-tightened", "breaking")}
    assert "enum tightened" in changes[0]["message"]


def test_an_untyped_enum_is_its_values_type(tmp_path):
    """SPEC 3.3: `{enum: [a, b]}` is `{type: string, enum: [a, b]}`: writing the type is no change."""
    base = _api({"type": "object", "properties": {"sort": {"enum": ["asc", "desc"]}}}, "response")
    revision = _api(
        {"type": "object", "properties": {"sort": {"type": "string", "enum": ["asc", "desc"]}}}, "response"
    )
    assert _report(*_write(tmp_path, base, revision)) == (0, [])


# --- oneOf <-> anyOf ------------------------------------------------------------------------------

OVERLAPPING = [
    {"type": "object", "properties": {"name": {"type": "string"}, "email": {"type": "string"}}},
    {"type": "object", "properties": {"name": {"type": "string"}, "phone": {"type": "string"}}},
]
DISJOINT = {
    "by required property": [
        {"type": "object", "required": ["match"], "properties": {"match": {"type": "string"}}},
        {"type": "object", "required": ["term"], "properties": {"term": {"type": "string"}}},
    ],
    "by const": [
        {
            "type": "object",
            "required": ["kind"],
            "properties": {"kind": {"enum": ["cat"]}, "n": {"type": "string"}},
        },
        {
            "type": "object",
            "required": ["kind"],
            "properties": {"kind": {"enum": ["dog"]}, "n": {"type": "string"}},
        },
    ],
    "by type": [{"type": "string"}, {"type": "integer"}, {"type": "array", "items": {"type": "string"}}],
    "closed object": [
        {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}},
        {"type": "object", "properties": {"b": {"type": "string"}}, "additionalProperties": False},
    ],
}


@pytest.mark.parametrize(
    ("old", "new", "side", "rule", "level"),
    [
        ("oneOf", "anyOf", "request", "request-oneof-became-anyof", "safe"),
        ("oneOf", "anyOf", "response", "response-oneof-became-anyof", "warning"),
        ("anyOf", "oneOf", "request", "request-anyof-became-oneof", "breaking"),
        ("anyOf", "oneOf", "response", "response-anyof-became-oneof", "safe"),
    ],
)
def test_one_of_and_any_of_over_overlapping_variants(tmp_path, old, new, side, rule, level):
    base, revision = _api({old: OVERLAPPING}, side), _api({new: OVERLAPPING}, side)
    status, changes = _report(*_write(tmp_path, base, revision))
    assert [(c["id"], c["level"]) for c in changes] == [(rule, level)]
    assert changes[0]["pointer"].endswith(f"/schema/{new}")
    assert status == (1 if level == "breaking" else 0)


@pytest.mark.parametrize("how", sorted(DISJOINT))
@pytest.mark.parametrize("side", ["request", "response"])
@pytest.mark.parametrize(("old", "new"), [("oneOf", "anyOf"), ("anyOf", "oneOf")])
def test_one_of_and_any_of_over_disjoint_variants_is_no_change(tmp_path, how, side, old, new):
    variants = DISJOINT[how]
    base, revision = _api({old: variants}, side), _api({new: variants}, side)
    assert _report(*_write(tmp_path, base, revision)) == (0, [])


def test_the_40_variant_query_union_as_any_of_is_no_change(tmp_path):
    """Each clause requires its own property: `oneOf` and `anyOf` accept the same."""
    base, _ = _dsl()
    revision = copy.deepcopy(base)
    container = revision["components"]["schemas"]["QueryContainer"]
    container["anyOf"] = container.pop("oneOf")
    assert _report(*_write(tmp_path, base, revision)) == (0, [])


def test_one_of_to_any_of_beside_properties_of_its_own(tmp_path):
    """An object with properties of its own and a `oneOf` of what it must also match."""

    def schema(keyword: str) -> dict:
        return {"type": "object", "properties": {"id": {"type": "string"}}, keyword: OVERLAPPING}

    base, revision = _api(schema("anyOf"), "request"), _api(schema("oneOf"), "request")
    status, changes = _report(*_write(tmp_path, base, revision))
    assert [(c["id"], c["level"]) for c in changes] == [("request-anyof-became-oneof", "breaking")]
    assert status == 1


# --- discriminator on a response -------------------------------------------------------------------

PETS = {
    "Cat": {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string"}}},
    "Dog": {
        "type": "object",
        "required": ["kind"],
        "properties": {"kind": {"type": "string"}, "bark": {"type": "boolean"}},
    },
}
PET_REFS = [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}]


@pytest.mark.parametrize(
    ("side", "added", "rule", "level"),
    [
        ("response", True, "response-discriminator-added", "warning"),
        ("response", False, "response-discriminator-removed", "warning"),
        ("request", True, "request-discriminator-added", "breaking"),
        ("request", False, "request-discriminator-removed", "breaking"),
    ],
)
def test_a_discriminator_added_or_removed(tmp_path, side, added, rule, level):
    plain = _api({"oneOf": PET_REFS}, side, PETS)
    tagged = _api({"oneOf": PET_REFS, "discriminator": {"propertyName": "kind"}}, side, PETS)
    base, revision = (plain, tagged) if added else (tagged, plain)
    status, changes = _report(*_write(tmp_path, base, revision))
    subject = "response 200 body" if side == "response" else "request body"
    how = "added" if added else "removed"
    assert [(c["id"], c["level"], c["message"]) for c in changes] == [
        (rule, level, f"{subject} discriminator 'kind' was {how}")
    ]
    assert status == (1 if level == "breaking" else 0)


@pytest.mark.parametrize(("side", "level"), [("response", "warning"), ("request", "breaking")])
def test_a_discriminator_property_name_changed(tmp_path, side, level):
    base = _api({"oneOf": PET_REFS, "discriminator": {"propertyName": "kind"}}, side, PETS)
    revision = _api({"oneOf": PET_REFS, "discriminator": {"propertyName": "type"}}, side, PETS)
    _, changes = _report(*_write(tmp_path, base, revision))
    assert [(c["id"], c["level"], c["message"]) for c in changes] == [
        (
            f"{side}-discriminator-property-name-changed",
            level,
            f"{'response 200' if side == 'response' else 'request'} body discriminator propertyName "
            "changed from 'kind' to 'type'",
        )
    ]


def test_variants_that_accept_the_same_both_stay(tmp_path):
    """GitHub's issue events: `assigned` and `unassigned` have one shape; when `assigned` gains a
    property, `unassigned` (now a strict part of it) is not reported removed, and two new events
    of one new shape (no old event has it) are each a variant added."""

    def event(what: str) -> dict:
        properties = {"id": {"type": "integer"}, "event": {"type": "string"}, what: {"type": "integer"}}
        return {"type": "object", "required": ["id", "event", what], "properties": properties}

    base_components = {name: event("assignee") for name in ("assigned", "unassigned")}
    revision_components = {
        **{name: event("assignee") for name in ("assigned", "unassigned")},
        **{name: event("blocked_by") for name in ("blocked", "unblocked")},
    }
    revision_components["assigned"]["properties"]["intent"] = {"type": "string"}

    def api(components: dict) -> dict:
        refs = [{"$ref": f"#/components/schemas/{name}"} for name in components]
        return _api({"type": "array", "items": {"anyOf": refs}}, "response", components)

    status, changes = _report(*_write(tmp_path, api(base_components), api(revision_components)))
    added = "was added to response 200 body items"
    assert sorted((c["id"], c["level"], c["message"]) for c in changes) == [
        ("response-property-added", "safe", "response property '[].intent' was added"),
        ("response-variant-added", "warning", f"anyOf variant 'blocked' {added}"),
        ("response-variant-added", "warning", f"anyOf variant 'unblocked' {added}"),
    ]
    assert status == 0
