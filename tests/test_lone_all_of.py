"""`allOf: [X]` with nothing beside it but documentation is X itself (model/schema.py), and what
beside it says more than documentation still counts: a wrapper's `nullable`, `x-nullable`,
`deprecated` or constraint is compared as before."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from conftest import run_cli


def _changes(tmp_path: Path, wrapper: dict) -> list[str]:
    """The rule ids of (a response property `x` as `$ref: S`) → (`x` as `allOf: [$ref: S]` with
    `wrapper` beside it)."""

    def document(x: dict) -> str:
        return yaml.safe_dump(
            {
                "openapi": "3.0.3",
                "info": {"title": "t", "version": "1"},
                "paths": {
                    "/a": {
                        "get": {
                            "responses": {
                                "200": {
                                    "description": "ok",
                                    "content": {
                                        "application/json": {
                                            "schema": {"type": "object", "properties": {"x": x}}
                                        }
                                    },
                                }
                            }
                        }
                    }
                },
                "components": {"schemas": {"S": {"type": "string", "maxLength": 10}}},
            }
        )

    ref = {"$ref": "#/components/schemas/S"}
    (tmp_path / "b.yaml").write_text(document(ref))
    (tmp_path / "r.yaml").write_text(document({"allOf": [ref], **wrapper}))
    run = run_cli("diff", str(tmp_path / "b.yaml"), str(tmp_path / "r.yaml"), "--format", "json")
    assert run.returncode in (0, 1), run.stderr
    return [change["id"] for change in json.loads(run.stdout)["changes"]]


@pytest.mark.parametrize(
    "wrapper",
    [{}, {"description": "the x"}, {"example": "abc", "externalDocs": {"url": "https://x"}}, {"x-vendor": 1}],
    ids=["alone", "description", "examples", "vendor-extension"],
)
def test_a_lone_all_of_with_documentation_is_its_schema(tmp_path: Path, wrapper: dict):
    assert _changes(tmp_path, wrapper) == []


@pytest.mark.parametrize(
    ("wrapper", "rule"),
    [
        ({"nullable": True}, "response-nullable-added"),
        ({"x-nullable": True}, "response-nullable-added"),
        ({"deprecated": True}, "response-schema-deprecated"),
        ({"maxLength": 5}, "response-bound-tightened"),
    ],
    ids=["nullable", "x-nullable", "deprecated", "constraint"],
)
def test_what_beside_a_lone_all_of_says_more_still_counts(tmp_path: Path, wrapper: dict, rule: str):
    assert _changes(tmp_path, wrapper) == [rule]
