"""Untrusted text in error messages: names and values from a document, a file name or a revision
reach stderr escaped (`\\n`, `\\x1b`, `\\u202e` shown, never raw), on one line, and no line oasguard
writes starts with `::` (a GitHub workflow command such as `::error::` would create an annotation).

The text reporter's own escaping is tested with the reporters; this module covers the error path,
which every kind of bad input reaches.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from test_bad_inputs import BAD, assert_cannot_run, run

#: what a hostile contributor puts in a name: a workflow command after a newline, CSI and OSC
#: sequences, C1 controls, NUL, DEL and a bidi override
HOSTILE = [
    pytest.param("a\n::error file=app.py,line=1::owned", "\\n::error", id="workflow-command"),
    pytest.param("red\x1b[31mtext\x1b[0m", "\\x1b[31m", id="csi"),
    pytest.param("title\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07", id="osc"),
    pytest.param("c1\x9bcontrol", "\\x9b", id="c1"),
    pytest.param("del\x7fhere", "\\x7f", id="del"),
    pytest.param("bidi\u202etxt.exe", "\\u202e", id="bidi"),
    pytest.param("cr\rover", "\\r", id="carriage-return"),
]
RAW = ("\n", "\x1b", "\x07", "\x9b", "\x7f", "\u202e", "\r", "\0")


def _assert_escaped(line: str, shown: str) -> None:
    assert shown in line, f"the name must be shown escaped ({shown!r}): {line!r}"
    for char in RAW:
        assert char not in line, f"raw {char!r} on stderr: {line!r}"


def _document(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _valid(tmp_path: Path) -> Path:
    path = tmp_path / "valid.yaml"
    path.write_bytes((BAD / "valid.yaml").read_bytes())
    return path


@pytest.mark.parametrize(("name", "shown"), HOSTILE)
def test_a_hostile_ref_in_an_error_is_escaped(tmp_path: Path, name: str, shown: str):
    ref = "#/components/schemas/" + name
    text = (BAD / "ref-http.yaml").read_text().replace("'http://example.com/x.yaml'", _json_string(ref))
    assert _json_string(ref) in text
    document = _document(tmp_path, "revision.yaml", text)
    result = run("diff", str(_valid(tmp_path)), str(document), watch=(tmp_path,))
    _assert_escaped(assert_cannot_run(result, "revision.yaml", "dangling"), shown)


@pytest.mark.parametrize(("name", "shown"), HOSTILE)
def test_a_hostile_path_in_a_structural_error_is_escaped(tmp_path: Path, name: str, shown: str):
    text = (
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n"
        f"  {_json_string('/pets/' + name)}:\n    GET:\n      responses: {{'200': {{description: ok}}}}\n"
    )
    document = _document(tmp_path, "revision.yaml", text)
    result = run("diff", str(_valid(tmp_path)), str(document), watch=(tmp_path,))
    _assert_escaped(assert_cannot_run(result, "revision.yaml", "lower case"), shown)


@pytest.mark.parametrize(("name", "shown"), HOSTILE[1:])  # no ':': that would read as REF:PATH
def test_a_hostile_file_name_is_escaped(tmp_path: Path, name: str, shown: str):
    missing = tmp_path / f"{name}.yaml"
    result = run("diff", str(_valid(tmp_path)), str(missing), watch=(tmp_path,))
    _assert_escaped(assert_cannot_run(result, "no such file"), shown)


def test_no_error_line_starts_with_a_workflow_command(tmp_path: Path):
    document = _document(tmp_path, "::error::x.yaml", "openapi: [")
    result = run("diff", str(_valid(tmp_path)), "::error::x.yaml", cwd=tmp_path, watch=(tmp_path,))
    assert_cannot_run(result, "::error::x.yaml")
    assert document.exists()
    for line in (result.stdout + result.stderr).splitlines():
        assert not line.startswith("::"), line


def _json_string(text: str) -> str:
    """`text` as a YAML double-quoted scalar (JSON escapes are YAML escapes)."""
    return json.dumps(text)
