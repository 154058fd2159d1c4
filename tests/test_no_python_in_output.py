"""No Python in the output (issue 21): a value is written as the document's language writes it,
in every message and format: `null` not `None`, `true` not `True`, a YAML `!!binary` value as its
base64 text (never `b'...'`), a `!!timestamp` as written, a `!!set` as the mapping it is."""

from __future__ import annotations

import datetime
import re
import string
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
@pytest.mark.parametrize("format", ["json", "text", "markdown", "github", "sarif", "junit", "gitlab"])
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


#: a value of every kind a fact may carry into a message, as Python holds it
KINDS = {
    "none": None,
    "true": True,
    "false": False,
    "float": 1.5,
    "big-float": 1e20,
    "integer": 7,
    "long-integer": 10**200,
    "bytes": b"hello",
    "date": datetime.date(2024, 1, 2),
    "datetime": datetime.datetime(2024, 1, 2, 3, 4, 5),
    "set": {"a", "b"},
    "mapping": {"a": None, "b": True},
    "list": [None, False, 1.0],
    "tuple": ("x", None),
}


@pytest.mark.parametrize("kind", KINDS)
def test_every_rule_message_writes_each_kind_of_value_as_json_would(kind: str):
    """The sweep: every rule of the catalogue, each of its message's fields given a value of
    `kind`; no message shows Python's spelling of it."""
    from oasguard.rules.classify import render_message
    from oasguard.rules.registry import RULES

    value = KINDS[kind]
    swept = 0
    for rule in set(RULES.values()):
        fields = {name for _, name, _, _ in string.Formatter().parse(rule.message) if name}
        message = render_message(rule, dict.fromkeys(fields, value))
        assert not PYTHON.search(message), f"{rule.id}: {message}"
        swept += bool(fields)
    assert swept > 100


def test_a_message_spells_values_as_json():
    from oasguard.rules.classify import render_message
    from oasguard.rules.registry import RULES

    rule = next(r for r in RULES.values() if "{old}" in r.message and "{new}" in r.message)
    message = render_message(rule, {"old": None, "new": True, "name": "q"})
    assert "null" in message and "true" in message
