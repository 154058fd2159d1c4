"""Precision on real APIs (issue 14): refactors real APIs make report nothing false, and their
recall twins, the same refactor with a real change inside, still report it.

Each case is a directory of fixtures/precision/ shaped like a case met in the corpus: GitHub's
enum split into `oneOf`, 3.1 `const` variants, a `/v1` prefix moved between `servers` and the
paths, Twilio's object turned into `oneOf` of supersets, GitHub's request variants merged and its
siblings sharing a `$ref`. Every change of every case, and of every corpus pair, points at
something that exists in the file it names, on the side it names.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, NOWHERE, pointer_target, run_cli
from oasguard.engine import diff_paths

CASES_DIR = FIXTURES / "precision"

# (case, the exact set of rule ids reported, a text each listed rule's message must hold)
CASES: list[tuple[str, set[str], dict[str, str]]] = [
    # --- an enum split into oneOf variants holding the same values ------------------------------
    ("request-enum-split-into-oneof", set(), {}),
    ("response-enum-split-into-oneof", set(), {}),
    (
        "request-enum-split-variant-changes-type",
        {"request-enum-value-removed", "request-variant-added"},
        {"request-enum-value-removed": "'ProductPricing'"},
    ),
    (
        "response-enum-split-variant-changes-type",
        {"response-type-changed", "response-enum-value-removed"},
        {"response-type-changed": "from string to integer"},
    ),
    # --- 3.1: an enum into const variants ---------------------------------------------------------
    ("request-enum-into-const-31", set(), {}),
    ("response-enum-into-const-31", set(), {}),
    (
        "request-enum-into-const-value-dropped-31",
        {"request-enum-value-removed"},
        {"request-enum-value-removed": "'ProductPricing'"},
    ),
    # --- a path prefix moved between the servers URL and the paths ---------------------------------
    ("prefix-moved-into-paths", set(), {}),
    ("prefix-moved-into-servers", set(), {}),
    ("prefix-moved-path-removed", {"path-removed"}, {"path-removed": "/pets/{petId}"}),
    # --- a response object into oneOf of supersets (Twilio) ----------------------------------------
    (
        "response-object-into-oneof-of-supersets",
        {"response-property-added", "response-additional-properties-closed"},
        {"response-property-added": "privacy_policy_url"},
    ),
    (
        "response-object-into-oneof-property-dropped",
        {
            "response-optional-property-removed",
            "response-property-added",
            "response-additional-properties-closed",
        },
        {"response-optional-property-removed": "'[].status'"},
    ),
    # --- request variants merged (GitHub labels) ---------------------------------------------------
    (
        "request-variants-merged",
        {"request-variant-added", "request-property-added"},
        {"request-property-added": "rationale"},
    ),
    ("request-variant-really-removed", {"request-variant-removed"}, {"request-variant-removed": "'#2'"}),
    # --- renames need evidence ----------------------------------------------------------------------
    (
        "response-siblings-share-ref",
        {"response-optional-property-removed", "response-property-added"},
        {
            "response-optional-property-removed": "'code_scanning_upload'",
            "response-property-added": "'copilot_usage_records'",
        },
    ),
    (
        "response-alike-names-share-ref",
        {"response-property-renamed"},
        {"response-property-renamed": "from 'created_at' to 'createdAt'"},
    ),
    (
        "response-distinctive-schema-renamed",
        {"response-property-renamed"},
        {"response-property-renamed": "from 'owner' to 'maintainer'"},
    ),
]
CASE_IDS = [case for case, _, _ in CASES]


def _pair(case: str) -> tuple[Path, Path]:
    return CASES_DIR / case / "base.yaml", CASES_DIR / case / "revision.yaml"


def test_table_and_fixture_directories_match():
    assert len(CASE_IDS) == len(set(CASE_IDS))
    assert {p.name for p in CASES_DIR.iterdir() if p.is_dir()} == set(CASE_IDS)


@pytest.mark.parametrize(("case", "expected", "texts"), CASES, ids=CASE_IDS)
def test_case(case: str, expected: set[str], texts: dict[str, str]):
    base, revision = _pair(case)
    result = run_cli("diff", str(base), str(revision), "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    changes = json.loads(result.stdout)["changes"]
    described = "\n".join(f"  {c['id']}: {c['message']} @ {c['location']}" for c in changes)

    assert {c["id"] for c in changes} == expected, described
    for rule, text in texts.items():
        assert any(c["id"] == rule and text in c["message"] for c in changes), (
            f"{rule} {text!r}:\n{described}"
        )
    breaking = any(c["level"] == "breaking" for c in changes)
    assert result.returncode == (1 if breaking else 0)


@pytest.mark.parametrize("case", CASE_IDS)
def test_case_pointers_resolve(case: str):
    base, revision = _pair(case)
    documents = {True: yaml.safe_load(base.read_text()), False: yaml.safe_load(revision.read_text())}
    for c in diff_paths(base, revision).changes:
        side = "base" if c.in_base else "revision"
        assert pointer_target(documents[c.in_base], c.pointer) is not NOWHERE, (
            f"{c.id}: {c.pointer} not in the {side}"
        )


def test_a_removed_path_points_at_its_entry_under_paths():
    base, revision = _pair("prefix-moved-path-removed")
    (change,) = diff_paths(base, revision).changes
    assert change.in_base and change.pointer == "/paths/~1pets~1{petId}"


# Every change of every corpus pair resolves in the file it names: tests/test_corpus_pointers.py
