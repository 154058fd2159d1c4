"""Equivalences (SPEC 3.3) and changes inside recursive schemas (SPEC 3.4), fixture-driven.

Each case is a directory of fixtures/equivalences/ holding base.* and revision.* (YAML or JSON;
`split-into-files` has more files beside them). The EQUIVALENT cases are two spellings of the same
API: nothing at all may be reported, whichever of the two is the base, and the command exits 0.
The CYCLE cases change one thing inside a recursive schema: it is reported exactly once for each
operation that uses it, however many times the cycle goes round. The single-schema equivalences
(inline vs `$ref`, a renamed schema component, a simple allOf split, 3.0 vs 3.1 nullable and
exclusive bounds, a re-serialised document) live in fixtures/schema/equivalent-*.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, NOWHERE, describe_changes, pointer_target, run_cli
from oasguard.engine import diff_paths
from oasguard.rules.registry import RULES

CASES_DIR = FIXTURES / "equivalences"

EQUIVALENT: list[str] = [
    # --- moved into components and $ref'ed (both directions: every case also runs reversed) ----
    "parameter-inline-to-ref",
    "response-inline-to-ref",
    "request-body-inline-to-ref",
    "header-inline-to-ref",
    # schemas, parameters, responses, request bodies and headers renamed at once
    "components-renamed-together",
    # one file vs schemas/user.yaml -> schemas/address.yaml -> ../common.yaml#/Country, common.yaml#/Problem
    "split-into-files",
    # --- parameters and headers ------------------------------------------------------------------
    "path-item-parameters-repeated",
    "path-parameter-renamed-in-template",
    "header-name-case",
    # --- serialisation ---------------------------------------------------------------------------
    "yaml-anchors-and-merge-keys",
    "yaml-comments-quoting-flow",
    "json-vs-yaml-petstore",
    # --- versions --------------------------------------------------------------------------------
    "swagger2-vs-openapi30",
    "openapi30-vs-openapi31",
    # --- allOf -----------------------------------------------------------------------------------
    "allof-merged-refs",
    "allof-nested",
    # --- recursion -------------------------------------------------------------------------------
    "recursive-tree-unchanged",
    "recursive-mutual-unchanged",
    "recursive-component-renamed",
    "recursive-unrolled-once",
]

# (case, the one rule id, the operations it must be reported for: exactly once each)
CYCLES: list[tuple[str, str, list[str]]] = [
    ("cycle-required-property-added", "request-required-property-added", ["POST /trees", "PUT /trees/{id}"]),
    ("cycle-mutual-type-changed", "response-type-changed", ["GET /files/{id}", "GET /folders/{id}"]),
]

LEVELS = ("breaking", "warning", "safe")


def _one(case: str, stem: str) -> Path:
    found = sorted((CASES_DIR / case).glob(f"{stem}.*"))
    assert len(found) == 1, f"{case}: expected one {stem}.yaml or {stem}.json, found {found}"
    return found[0]


def _pair(case: str) -> tuple[Path, Path]:
    return _one(case, "base"), _one(case, "revision")


def _load(path: Path) -> object:
    text = path.read_text()
    return json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)


# --- the tables themselves --------------------------------------------------------------------


def test_tables_and_fixture_directories_match():
    names = EQUIVALENT + [case for case, _, _ in CYCLES]
    assert len(names) == len(set(names)), "duplicate case"
    assert {p.name for p in CASES_DIR.iterdir() if p.is_dir()} == set(names)
    assert {rule for _, rule, _ in CYCLES} <= set(RULES)


@pytest.mark.parametrize("case", EQUIVALENT + [case for case, _, _ in CYCLES])
def test_fixture_pair_parses(case):
    base, revision = _pair(case)
    for path in (base, revision):
        doc = _load(path)
        assert isinstance(doc, dict) and (doc.get("openapi") or doc.get("swagger")), path
        assert doc["paths"], path
    assert base.read_text().startswith("# "), "base.yaml starts with a comment saying what it shows"


# --- SPEC 3.3: nothing is reported ------------------------------------------------------------


@pytest.mark.parametrize("reverse", [False, True], ids=["forward", "reverse"])
@pytest.mark.parametrize("case", EQUIVALENT)
def test_equivalent_reports_nothing(case: str, reverse: bool):
    base, revision = _pair(case)
    if reverse:
        base, revision = revision, base
    changes = list(diff_paths(base, revision).changes)
    assert changes == [], (
        f"{case} ({'reverse' if reverse else 'forward'}) reported:\n{describe_changes(changes)}"
    )


@pytest.mark.parametrize("case", EQUIVALENT)
def test_equivalent_json_is_empty_and_exits_0(case: str):
    base, revision = _pair(case)
    run = run_cli("diff", str(base), str(revision), "--format", "json")
    assert run.returncode == 0, run.stdout + run.stderr
    report = json.loads(run.stdout)
    assert report["changes"] == [], json.dumps(report["changes"], indent=1)
    assert {level: report["summary"].get(level, 0) for level in LEVELS} == dict.fromkeys(LEVELS, 0)


# --- SPEC 3.4: a change inside a cycle, once per operation -------------------------------------


@pytest.mark.parametrize(("case", "rule", "operations"), CYCLES, ids=[c[0] for c in CYCLES])
def test_change_in_a_cycle_is_reported_once_per_operation(case: str, rule: str, operations: list[str]):
    base, revision = _pair(case)
    changes = list(diff_paths(base, revision).changes)
    described = f"{case} reported:\n{describe_changes(changes)}"

    assert sorted((c.id, c.operation) for c in changes) == [(rule, op) for op in operations], described
    document = _load(revision)
    for c in changes:
        assert c.level is RULES[c.id].level, described
        assert not c.in_base and pointer_target(document, c.pointer) is not NOWHERE, (
            f"{c.pointer!r} is not in the revision"
        )


@pytest.mark.parametrize(("case", "rule", "operations"), CYCLES, ids=[c[0] for c in CYCLES])
def test_change_in_a_cycle_json(case: str, rule: str, operations: list[str]):
    base, revision = _pair(case)
    run = run_cli("diff", str(base), str(revision), "--format", "json")
    report = json.loads(run.stdout)
    changes = report["changes"]
    assert sorted((c["id"], c["operation"]) for c in changes) == [(rule, op) for op in operations], (
        json.dumps(changes, indent=1)
    )
    level = RULES[rule].level.value
    assert report["summary"] == {**dict.fromkeys(LEVELS, 0), level: len(operations)}
    assert run.returncode == (1 if level == "breaking" else 0), run.stderr
