"""Parameter renames are held to the evidence property renames are held to (issue 21, SPEC 3.2
renames): equivalent schemas each fitting only the other, and names alike or a schema no other
parameter of that location has. Otherwise a removal and an addition, never a guess."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from conftest import run_cli


def document(parameters: list[dict]) -> str:
    return yaml.safe_dump(
        {
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {
                "/items": {"get": {"parameters": parameters, "responses": {"200": {"description": "ok"}}}}
            },
        }
    )


def q(name: str, kind: str = "integer") -> dict:
    return {"name": name, "in": "query", "schema": {"type": kind}}


def ids(tmp_path: Path, base: list[dict], revision: list[dict]) -> list[str]:
    (tmp_path / "b.yaml").write_text(document(base))
    (tmp_path / "r.yaml").write_text(document(revision))
    run = run_cli("diff", str(tmp_path / "b.yaml"), str(tmp_path / "r.yaml"), "--format", "json")
    assert run.returncode in (0, 1), run.stderr
    return sorted(c["id"] for c in json.loads(run.stdout)["changes"])


def test_unrelated_names_beside_siblings_of_the_same_schema_are_not_a_rename(tmp_path):
    """`page` → `limit`, both integers beside another integer: nothing says one became the other."""
    found = ids(tmp_path, [q("page"), q("offset")], [q("limit"), q("offset")])
    assert found == ["optional-request-parameter-added", "request-parameter-removed"]


@pytest.mark.parametrize(
    ("old", "new"), [("tenant_id", "tenantId"), ("userName", "username"), ("color", "colour")]
)
def test_names_alike_are_a_rename_even_beside_siblings(tmp_path, old, new):
    found = ids(tmp_path, [q(old, "string"), q("sort", "string")], [q(new, "string"), q("sort", "string")])
    assert found == ["request-parameter-renamed"]


def test_a_schema_no_other_parameter_has_is_evidence(tmp_path):
    """`verbose` → `debug`: the only boolean among strings, on both sides."""
    base = [q("verbose", "boolean"), q("sort", "string")]
    revision = [q("debug", "boolean"), q("sort", "string")]
    assert ids(tmp_path, base, revision) == ["request-parameter-renamed"]


def test_two_candidates_are_no_rename(tmp_path):
    found = ids(tmp_path, [q("a_flag", "boolean")], [q("b_flag", "boolean"), q("c_flag", "boolean")])
    assert "request-parameter-renamed" not in found
