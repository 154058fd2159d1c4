"""No Python in the output (issue 21): a value is written as the document's language writes it,
in every message and format: `null` not `None`, `true` not `True`, a YAML `!!binary` value as its
base64 text (never `b'...'`), a `!!timestamp` as written, a `!!set` as the mapping it is."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import run_cli

#: (value written in YAML in the base, in the revision, what the report must show of the base's)
VALUES = {
    "null": ("null", "1", "null"),
    "true": ("true", "false", "true"),
    "float": ("1.5", "2.5", "1.5"),
    "big-float": ("1.0e+20", "2.0e+20", "1e+20"),
    "binary": ("!!binary aGVsbG8=", "!!binary d29ybGQ=", "'aGVsbG8='"),
    "timestamp": ("!!timestamp 2024-01-02", "!!timestamp 2024-01-03", "'2024-01-02'"),
    "set": ("!!set {a, b}", "!!set {a, c}", '{"a": null, "b": null}'),
}
PYTHON = re.compile(r"\bNone\b|\bTrue\b|\bFalse\b|\bb'|datetime|\{'|set\(")


def _document(value: str) -> str:
    return (
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      parameters:\n"
        "        - name: q\n          in: query\n          schema:\n"
        f"            default: {value}\n"
        f"            enum:\n            - {value}\n            - other\n"
        "      responses: {'200': {description: ok}}\n"
    )


@pytest.mark.parametrize("kind", VALUES)
@pytest.mark.parametrize("format", ["json", "text", "markdown", "github", "sarif", "junit"])
def test_values_are_written_as_the_document_writes_them(tmp_path: Path, kind: str, format: str):
    old, new, shown = VALUES[kind]
    base, revision = tmp_path / "base.yaml", tmp_path / "revision.yaml"
    base.write_text(_document(old))
    revision.write_text(_document(new))
    result = run_cli("diff", str(base), str(revision), "--format", format, env={"NO_COLOR": "1"})
    assert result.returncode in (0, 1) and result.stderr == "", result.stderr
    assert not PYTHON.search(result.stdout), result.stdout
    if format == "text":
        assert f"default of query parameter 'q' changed from {shown} to" in result.stdout, result.stdout
