"""An enum's values imply its type (SPEC 3.3): an untyped enum holding `null` is the nullable
type of its other values, and no more."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from conftest import run_cli


def diff(tmp_path: Path, base: dict, revision: dict) -> list[dict]:
    def document(schema: dict) -> str:
        return yaml.safe_dump(
            {
                "openapi": "3.1.0",
                "info": {"title": "t", "version": "1"},
                "paths": {
                    "/a": {
                        "post": {
                            "requestBody": {"content": {"application/json": {"schema": schema}}},
                            "responses": {"200": {"description": "ok"}},
                        }
                    }
                },
            }
        )

    (tmp_path / "b.yaml").write_text(document(base))
    (tmp_path / "r.yaml").write_text(document(revision))
    run = run_cli("diff", str(tmp_path / "b.yaml"), str(tmp_path / "r.yaml"), "--format", "json")
    assert run.returncode in (0, 1), run.stderr
    return json.loads(run.stdout)["changes"]


def test_an_untyped_enum_with_null_is_a_nullable_string(tmp_path):
    assert diff(tmp_path, {"enum": ["a", None]}, {"type": ["string", "null"], "enum": ["a", None]}) == []


def test_an_object_beside_a_nullable_enum_is_still_a_change(tmp_path):
    changes = diff(tmp_path, {"enum": ["a", None]}, {"type": ["string", "object"], "enum": ["a", None]})
    assert changes, "null is not an object: the types differ"
