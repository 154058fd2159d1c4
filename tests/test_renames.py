"""Rename detection (SPEC 2 and 3.2, "renames" and "parameters"), fixture-driven.

Each case is a directory of fixtures/renames/ holding base.yaml and revision.yaml. Within one
object, a removed and an added property whose schemas are equivalent are one
`…-property-renamed` change naming both; a parameter renamed in the same location with an
equivalent schema is one `…-parameter-renamed` change. Two properties or parameters whose schemas
differ are never paired, nor are they when several candidates fit: those cases must come out as
plain removals and additions.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, NOWHERE, describe_changes, pointer_target, run_cli
from oasguard.engine import diff_paths
from oasguard.rules.registry import RULES

CASES_DIR = FIXTURES / "renames"

RQ_RENAMED, RS_RENAMED = "request-property-renamed", "response-property-renamed"
P_RENAMED, REQUIRED_P_RENAMED = "request-parameter-renamed", "required-request-parameter-renamed"
RENAME_IDS = {RQ_RENAMED, RS_RENAMED, P_RENAMED, REQUIRED_P_RENAMED}

# (case, the exact set of rule ids, the old and new names, how many changes in all). For a
# rename, one message names both; otherwise each name is in the message of its removal/addition.
CASES: list[tuple[str, set[str], tuple[str, str], int]] = [
    # --- properties renamed ---------------------------------------------------------------------
    ("request-snake-to-camel", {RQ_RENAMED}, ("created_at", "createdAt"), 1),
    ("response-snake-to-camel", {RS_RENAMED}, ("created_at", "createdAt"), 1),
    ("request-case-only", {RQ_RENAMED}, ("userName", "username"), 1),
    ("response-case-only", {RS_RENAMED}, ("userName", "username"), 1),
    ("response-ref-property", {RS_RENAMED}, ("owner", "ownedBy"), 1),
    # the old property $refs Owner, the new one writes the same object inline
    ("request-ref-property-inlined", {RQ_RENAMED}, ("owner", "ownedBy"), 1),
    ("response-array-items", {RS_RENAMED}, ("created_at", "createdAt"), 1),
    ("request-nested-three-deep", {RQ_RENAMED}, ("created_at", "createdAt"), 1),
    # one change for each of the two operations that return the component
    ("response-shared-component", {RS_RENAMED}, ("created_at", "createdAt"), 2),
    # still one change: no "required property added/removed" beside it
    ("request-required-renamed", {RQ_RENAMED}, ("created_at", "createdAt"), 1),
    ("response-required-renamed", {RS_RENAMED}, ("created_at", "createdAt"), 1),
    # the rename plus `id` integer -> string in the same object
    ("response-with-unrelated-change", {RS_RENAMED, "response-type-changed"}, ("created_at", "createdAt"), 2),
    # --- properties that must not be paired -----------------------------------------------------
    (
        "request-types-differ",
        {"request-property-removed", "request-property-added"},
        ("created_at", "createdAt"),
        2,
    ),
    (
        "response-types-differ",
        {"response-optional-property-removed", "response-property-added"},
        ("created_at", "createdAt"),
        2,
    ),
    (
        "response-formats-differ",
        {"response-optional-property-removed", "response-property-added"},
        ("created_at", "createdAt"),
        2,
    ),
    # first_name/last_name -> firstName/lastName, all plain strings: 2 removed + 2 added
    (
        "response-ambiguous-two-by-two",
        {"response-optional-property-removed", "response-property-added"},
        ("first_name", "firstName"),
        4,
    ),
    # nick -> nickname or alias? 1 removed + 2 added
    (
        "request-ambiguous-one-by-two",
        {"request-property-removed", "request-property-added"},
        ("nick", "nickname"),
        3,
    ),
    # --- parameters -----------------------------------------------------------------------------
    ("parameter-query-renamed", {P_RENAMED}, ("page_size", "pageSize"), 1),
    ("parameter-required-query-renamed", {REQUIRED_P_RENAMED}, ("tenant_id", "tenantId"), 1),
    # SPEC: breaking if either side is required
    ("parameter-renamed-became-required", {REQUIRED_P_RENAMED}, ("tenant_id", "tenantId"), 1),
    ("parameter-header-renamed", {P_RENAMED}, ("X-Request-Id", "X-Correlation-Id"), 1),
    (
        "parameter-schema-differs",
        {"request-parameter-removed", "optional-request-parameter-added"},
        ("page_size", "pageSize"),
        2,
    ),
    # query trace_id -> header X-Trace-Id: SPEC renames are "same location", moves keep the name
    (
        "parameter-renamed-and-moved",
        {"request-parameter-removed", "required-request-parameter-added"},
        ("trace_id", "X-Trace-Id"),
        2,
    ),
]

CASE_IDS = [case for case, _, _, _ in CASES]
RENAMING = [(case, ids) for case, ids, _, _ in CASES if ids & RENAME_IDS]
LEVELS = ("breaking", "warning", "safe")


def _pair(case: str) -> tuple[Path, Path]:
    return CASES_DIR / case / "base.yaml", CASES_DIR / case / "revision.yaml"


def _quoted(name: str) -> str:
    return f"'{name}'"


# --- the table itself -------------------------------------------------------------------------


def test_table_and_fixture_directories_match():
    assert len(CASE_IDS) == len(set(CASE_IDS)), "duplicate case in CASES"
    assert {p.name for p in CASES_DIR.iterdir() if p.is_dir()} == set(CASE_IDS)
    known = set().union(*(ids for _, ids, _, _ in CASES))
    assert known - set(RULES) == set(), "the table names ids the registry does not know"
    assert RENAME_IDS - known == set(), "every rename id has a case"


@pytest.mark.parametrize("case", CASE_IDS)
def test_fixture_pair_parses(case):
    for path in _pair(case):
        text = path.read_text()
        doc = yaml.safe_load(text)
        assert isinstance(doc, dict) and str(doc["openapi"]).startswith("3.")
    assert _pair(case)[0].read_text().startswith("# "), "base.yaml starts with a comment saying what it shows"


# --- the engine against the table -------------------------------------------------------------


@pytest.mark.parametrize(("case", "expected", "names", "count"), CASES, ids=CASE_IDS)
def test_rename(case: str, expected: set[str], names: tuple[str, str], count: int):
    base, revision = _pair(case)
    changes = list(diff_paths(base, revision).changes)
    described = f"{case} reported:\n{describe_changes(changes)}"

    assert {c.id for c in changes} == expected, described
    assert len(changes) == count, described
    for c in changes:
        assert c.level is RULES[c.id].level, described
    # SPEC 2: identical changes are not repeated within one operation
    keys = [(c.id, c.operation, c.location, c.message) for c in changes]
    assert len(keys) == len(set(keys)), described

    old, new = (_quoted(name) for name in names)
    renames = [c for c in changes if c.id in RENAME_IDS]
    if renames:
        for c in renames:
            assert old in c.message and new in c.message, described
            assert c.message.index(old) < c.message.index(new), f"old name first: {c.message!r}"
    else:
        assert any(old in c.message for c in changes), described
        assert any(new in c.message for c in changes), described


@pytest.mark.parametrize(("case", "expected", "names", "count"), CASES, ids=CASE_IDS)
def test_pointers_resolve(case: str, expected: set[str], names: tuple[str, str], count: int):
    base, revision = _pair(case)
    documents = {True: yaml.safe_load(base.read_text()), False: yaml.safe_load(revision.read_text())}
    for c in diff_paths(base, revision).changes:
        side = "base" if c.in_base else "revision"
        try:
            _at(documents[bool(c.in_base)], c.pointer)
        except KeyError:
            pytest.fail(f"{c.id}: pointer {c.pointer!r} is not in the {side}")


@pytest.mark.parametrize(("case", "expected"), RENAMING, ids=[case for case, _ in RENAMING])
def test_rename_pointer_names_the_new_property_or_parameter(case: str, expected: set[str]):
    """A rename points at the renamed thing in the revision, not at what it refers to."""
    _, new = next(names for c, _, names, _ in CASES if c == case)
    base, revision = _pair(case)
    document = yaml.safe_load(revision.read_text())
    for c in diff_paths(base, revision).changes:
        if c.id not in RENAME_IDS:
            continue
        assert not c.in_base, c
        if c.id in (P_RENAMED, REQUIRED_P_RENAMED):
            parameter = _at(document, c.pointer)
            assert isinstance(parameter, dict) and parameter.get("name") == new, (c.pointer, parameter)
        else:
            assert c.pointer.endswith("/properties/" + new.replace("~", "~0").replace("/", "~1")), (
                f"{c.id} points at {c.pointer!r}, not at the property {new!r}"
            )


@pytest.mark.parametrize(("case", "expected"), RENAMING, ids=[case for case, _ in RENAMING])
def test_rename_is_found_both_ways(case: str, expected: set[str]):
    """Diffing the pair the other way round is the opposite rename: the same ids, names swapped."""
    old, new = next(names for c, _, names, _ in CASES if c == case)
    base, revision = _pair(case)
    changes = list(diff_paths(revision, base).changes)
    renames = [c for c in changes if c.id in RENAME_IDS]
    assert {c.id for c in renames} == expected & RENAME_IDS, describe_changes(changes)
    for c in renames:
        assert c.message.index(_quoted(new)) < c.message.index(_quoted(old)), c.message


def test_shared_component_rename_is_reported_once_per_operation():
    changes = list(diff_paths(*_pair("response-shared-component")).changes)
    assert sorted((c.id, c.operation) for c in changes) == [
        (RS_RENAMED, "GET /users"),
        (RS_RENAMED, "GET /users/{id}"),
    ], describe_changes(changes)


# --- the same through `oasguard diff --format json` -------------------------------------------


@pytest.mark.parametrize(("case", "expected", "names", "count"), CASES, ids=CASE_IDS)
def test_rename_json(case: str, expected: set[str], names: tuple[str, str], count: int):
    base, revision = _pair(case)
    run = run_cli("diff", str(base), str(revision), "--format", "json")
    assert run.returncode in (0, 1), run.stderr
    report = json.loads(run.stdout)
    changes = report["changes"]
    shown = json.dumps(changes, indent=1)

    for c in changes:
        assert {"id", "level", "message", "operation", "location", "pointer"} <= c.keys(), c
        assert c["level"] == RULES[c["id"]].level.value, c
    assert {c["id"] for c in changes} == expected, shown
    assert len(changes) == count, shown
    counts = {level: sum(c["level"] == level for c in changes) for level in LEVELS}
    assert {level: report["summary"].get(level, 0) for level in LEVELS} == counts
    assert run.returncode == (1 if counts["breaking"] else 0)
    old, new = (_quoted(name) for name in names)
    if expected & RENAME_IDS:
        assert any(old in c["message"] and new in c["message"] for c in changes), shown


def _at(document: object, pointer: str) -> object:
    """What the pointer names in the document; KeyError when it names nothing."""
    found = pointer_target(document, pointer)
    if found is NOWHERE:
        raise KeyError(pointer)
    return found
