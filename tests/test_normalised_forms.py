"""Issue 21: what an `allOf` keeps, and forms that say the same thing, through the command.

Each case is a folder of fixtures/normalise/ holding base.yaml and revision.yaml. Three classes:
- **no silent miss**: an `allOf` whose parts each write `not`, `if`/`then`/`else`, `contains`,
  `propertyNames` or `contentSchema` keeps them all (a conjunction), so a change inside the
  second part is reported, with the rule and level of SPEC 3.2.1, pointing into that part;
  `items` as a list (Draft 4 tuples, used by Swagger 2.0 and OpenAPI 3.0 documents) with
  `additionalItems`, and `items: false`, are read;
- **one schema, two spellings** (`equivalent-…`: nothing at all is reported): a `oneOf`/`anyOf`
  of one variant inside an `allOf` or beside constraints, `enum`/`const` values without a
  `type` (they imply it), a type list split into one single-type `anyOf` variant per type;
- a real change still shows through each of those spellings.
"""

from __future__ import annotations

import copy
import json
import tempfile
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, NOWHERE, pointer_target
from oasguard.engine import diff_paths

CASES_DIR = FIXTURES / "normalise"

#: (case, {(rule id, level)}, a piece of the message, the end of the pointer) — pointer None:
#: not checked (the case reports nothing)
CASES: list[tuple[str, set[tuple[str, str]], str | None, str | None]] = [
    # --- each subschema keyword, changed inside the SECOND allOf part ----------------------
    (
        "request-allof-second-not",
        {("request-bound-tightened", "breaking")},
        "maxLength",
        "/code/allOf/1/not/maxLength",
    ),
    (
        "response-allof-second-then",
        {("response-bound-loosened", "warning")},
        "maxLength loosened from 5 to 10",
        "/allOf/1/then/properties/y/maxLength",
    ),
    ("request-allof-second-if", {("request-condition-changed", "warning")}, "if changed", "/allOf/1/if"),
    (
        "response-allof-second-else",
        {("response-bound-loosened", "warning")},
        "maxLength loosened from 5 to 8",
        "/allOf/1/else/properties/y/maxLength",
    ),
    (
        "response-allof-second-condition-removed",
        {("response-constraint-removed", "warning")},
        "if/then/else was removed",
        "/allOf/1/if",
    ),
    (
        "request-allof-second-contains",
        {("request-bound-tightened", "breaking")},
        "maxLength tightened from 5 to 3",
        "/tags/allOf/1/contains/maxLength",
    ),
    (
        "request-allof-second-propertynames",
        {("request-bound-tightened", "breaking")},
        "minLength tightened from 1 to 2",
        "/labels/allOf/1/propertyNames/minLength",
    ),
    (
        "response-allof-second-contentschema",
        {("response-bound-loosened", "warning")},
        "'payload.b' maximum loosened from 10 to 20",
        "/payload/allOf/1/contentSchema/properties/b/maximum",
    ),
    (
        "request-allof-not-added-as-third-part",
        {("request-constraint-added", "breaking")},
        "not was added",
        "/code/allOf/2/not",
    ),
    ("equivalent-allof-parts-reordered", set(), None, None),
    # --- items as a list (Draft 4), additionalItems, items: false ----------------------------
    (
        "request-items-list-second-entry",
        {("request-bound-tightened", "breaking")},
        "maximum tightened from 5 to 3",
        "/point/items/1/maximum",
    ),
    (
        "request-items-list-additional-items-closed",
        {("request-constraint-added", "breaking")},
        "additionalItems: false was added",
        "/point/additionalItems",
    ),
    (
        "response-additional-items-type-changed",
        {("response-type-changed", "breaking")},
        "from integer to boolean",
        "/point/additionalItems/type",
    ),
    (
        "request-items-false-added",
        {("request-constraint-added", "breaking")},
        "items: false was added",
        "/point/items",
    ),
    (
        "request-items-schema-added",
        {("request-constraint-added", "breaking")},
        "items was added",
        "/tags/items",
    ),
    (
        "response-items-false-removed",
        {("response-constraint-removed", "warning")},
        "items: false was removed",
        "/point/items",
    ),
    ("equivalent-items-list-as-prefixitems", set(), None, None),
    ("equivalent-items-empty-schema-added", set(), None, None),
    # --- compositions of one, implied types -------------------------------------------------
    ("equivalent-allof-oneof-of-one", set(), None, None),
    ("equivalent-anyof-of-one-beside-properties", set(), None, None),
    (
        "request-required-property-added-inside-allof-oneof-of-one",
        {("request-required-property-added", "breaking")},
        "'email' was added as required",
        "/allOf/0/properties/email",
    ),
    ("equivalent-enum-as-untyped-consts", set(), None, None),
    ("equivalent-enum-untyped", set(), None, None),
    (
        "response-enum-value-added-untyped-consts",
        {("response-enum-value-added", "warning")},
        "enum value 'c' was added",
        "/status/oneOf/0",
    ),
    # --- type lists and single-type variants ------------------------------------------------
    ("equivalent-type-list-split-request", set(), None, None),
    ("equivalent-type-list-split-response", set(), None, None),
    ("equivalent-type-list-split-30", set(), None, None),
    (
        "request-bound-tightened-inside-type-split",
        {("request-bound-tightened", "breaking")},
        "maxLength tightened from 5 to 3",
        "/value/anyOf/2/maxLength",
    ),
    (
        "response-variant-added-type-split",
        {("response-variant-added", "warning")},
        "variant '#3' was added",
        "/value/anyOf/2",
    ),
    ("response-type-list-gains-a-type", {("response-variant-added", "warning")}, "'boolean'", None),
    ("request-type-list-split-loses-a-type", {("request-variant-removed", "breaking")}, "'#1'", None),
]


def _read(path: Path) -> object:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_table_and_fixture_folders_match() -> None:
    names = [case for case, *_ in CASES]
    assert len(names) == len(set(names))
    assert {p.name for p in CASES_DIR.iterdir() if p.is_dir()} == set(names)


@pytest.mark.parametrize(("case", "expected", "text", "pointer"), CASES, ids=[c[0] for c in CASES])
def test_case(cli, case: str, expected: set[tuple[str, str]], text: str | None, pointer: str | None) -> None:
    base, revision = CASES_DIR / case / "base.yaml", CASES_DIR / case / "revision.yaml"
    done = cli("diff", str(base), str(revision), "--format", "json")
    assert done.returncode in (0, 1), done.stderr
    changes = json.loads(done.stdout)["changes"]
    shown = "\n".join(f"  {c['id']} [{c['level']}] {c['message']} @ {c['pointer']}" for c in changes)
    assert {(c["id"], c["level"]) for c in changes} == expected, shown
    assert len(changes) == len(expected), shown
    assert done.returncode == (1 if any(level == "breaking" for _, level in expected) else 0)
    if text is not None:
        assert any(text in c["message"] for c in changes), shown
    if pointer is not None:
        (change,) = changes
        assert change["pointer"].endswith(pointer), shown
        document = _read(base if change["id"].endswith(("-removed",)) else revision)
        assert pointer_target(document, change["pointer"]) is not NOWHERE, shown


def test_reordered_parts_still_compare_each_with_its_own() -> None:
    """The conjunction is paired by equivalence first: reordering the parts and changing one
    reports that one change only (not a crosswise pairing of unrelated parts)."""
    base = _read(CASES_DIR / "equivalent-allof-parts-reordered" / "base.yaml")
    revision = copy.deepcopy(_read(CASES_DIR / "equivalent-allof-parts-reordered" / "revision.yaml"))
    code = revision["paths"]["/items"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    code["properties"]["code"]["allOf"][1]["not"]["maxLength"] = 4  # was 3; now the second part
    report = _diff_trees(base, revision)
    assert [(c.id, c.level.value) for c in report.changes] == [("request-bound-tightened", "breaking")]
    assert report.changes[0].pointer.endswith("/code/allOf/1/not/maxLength")


def _diff_trees(base: object, revision: object):
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for stem, tree in (("base", base), ("revision", revision)):
            path = Path(folder) / f"{stem}.yaml"
            path.write_text(yaml.safe_dump(tree, sort_keys=False), encoding="utf-8")
            paths.append(path)
        return diff_paths(*paths)
