"""Names made only of digits are text, whatever their length (issue 21): a component, property,
parameter, header or path segment named `1111…` (5,000 digits) works like any other name in
every format, and is never turned into a number (Python refuses to turn over 4,300 digits)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_cli

DIGITS = "1" * 5000


def _document(property_type: str) -> dict:
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            f"/a/{DIGITS}": {
                "get": {
                    "parameters": [{"name": DIGITS, "in": "query", "schema": {"type": "string"}}],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "headers": {DIGITS: {"schema": {"type": property_type}}},
                            "content": {
                                "application/json": {"schema": {"$ref": f"#/components/schemas/{DIGITS}"}}
                            },
                        }
                    },
                }
            }
        },
        "components": {
            "schemas": {DIGITS: {"type": "object", "properties": {DIGITS: {"type": property_type}}}}
        },
    }


@pytest.mark.parametrize("format", ["json", "text", "markdown", "sarif", "junit", "github", "gitlab"])
def test_a_5000_digit_name_is_a_name_in_every_format(tmp_path: Path, format: str):
    base, revision = tmp_path / "base.json", tmp_path / "revision.json"
    base.write_text(json.dumps(_document("string")))
    revision.write_text(json.dumps(_document("integer")))
    result = run_cli("diff", str(base), str(revision), "--format", format)
    assert result.returncode == 1, result.stderr
    assert result.stderr == ""
    if format == "json":
        changes = json.loads(result.stdout)["changes"]
        assert sorted(c["message"].split(" '")[0] for c in changes) == [
            "response header",
            "response property",
        ]
        assert all(c["id"] == "response-type-changed" and DIGITS in c["message"] for c in changes)
        assert all(c["operation"] == f"GET /a/{DIGITS}" for c in changes)


def test_a_pointer_with_a_5000_digit_token_into_an_array_is_nowhere(tmp_path: Path):
    """A `$ref` whose pointer walks into a list with a huge index is dangling, by name."""
    document = _document("string")
    document["components"]["schemas"]["list"] = {"allOf": [{"type": "object"}]}
    document["paths"][f"/a/{DIGITS}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] = {
        "$ref": f"#/components/schemas/list/allOf/{DIGITS}"
    }
    path = tmp_path / "base.json"
    path.write_text(json.dumps(document))
    result = run_cli("diff", str(path), str(path))
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert "base.json" in result.stderr and "Traceback" not in result.stderr
