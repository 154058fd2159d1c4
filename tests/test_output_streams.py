"""What a report is written to, and texts it cannot carry as they are.

A document or a contract may spell a lone surrogate (`"\\ud800"` is valid JSON), which UTF-8
cannot carry: JSON writes it as `?`, in a change, a note or a consumer's name alike, and the
formats people read show it escaped, as they show any character that is not printable. A
standard output that is closed is a one-line error; one in an encoding other than UTF-8's gets
each character it lacks as a backslash escape, which JSON reads back as that character."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, run_cli, run_process

PETSTORE = ("fixtures/petstore/base.yaml", "fixtures/petstore/revision.yaml")
DIFF_FORMATS = ("text", "json", "markdown", "github", "sarif", "junit", "gitlab", "html", "changelog")


def _twin_templates(path: Path, *more: str) -> Path:
    """Two templates alike but for their parameter's name, each declaring GET (a note names
    both), with a lone surrogate in their text (written `\\ud800`: json.dumps escapes it); and
    `more` paths."""
    get = {"responses": {"200": {"description": "ok"}}}
    paths: dict[str, object] = {
        f"/a\ud800/{{{name}}}": {
            "get": {**get, "parameters": [{"name": name, "in": "path", "required": True, "schema": {}}]}
        }
        for name in ("x", "y")
    }
    paths.update({more_path: {"get": get} for more_path in more})
    path.write_text(json.dumps({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths}))
    return path


@pytest.mark.parametrize("format", DIFF_FORMATS)
def test_a_lone_surrogate_in_a_note_is_carried_by_every_format(tmp_path: Path, format: str):
    base = _twin_templates(tmp_path / "base.json")
    revision = _twin_templates(tmp_path / "revision.json", "/added")
    result = run_cli("diff", "--format", format, str(base), str(revision))
    assert result.returncode == 0 and "internal error" not in result.stderr, result  # a path added: safe
    assert "/added" in result.stdout, result
    if format == "json":
        report = json.loads(result.stdout)
        assert [change["id"] for change in report["changes"]] == ["path-added"]
        assert any("'/a?/{x}' and '/a?/{y}'" in note for note in report["notes"]), report["notes"]


def test_a_lone_surrogate_in_a_consumers_name_is_carried_by_every_format(tmp_path: Path):
    pact = json.loads((ROOT / "fixtures/consumers/pacts/billing-petstore.json").read_text())
    pact["consumer"]["name"] = "bill\ud800ing"
    contract = tmp_path / "pact.json"
    contract.write_text(json.dumps(pact))
    for format in ("text", "json", "markdown", "sarif", "html"):
        result = run_cli("diff", "--format", format, *PETSTORE, "--consumers", str(contract), cwd=ROOT)
        assert result.returncode == 1 and "internal error" not in result.stderr, (format, result)
        assert ("bill?ing" if format == "json" else "bill") in result.stdout, format
    report = json.loads(
        run_cli("diff", "--format", "json", *PETSTORE, "--consumers", str(contract), cwd=ROOT).stdout
    )
    assert "bill?ing" in report["consumers"]


@pytest.mark.parametrize("args", [("diff", *PETSTORE), ("--version",)])
def test_a_closed_standard_output_is_a_one_line_error(args: tuple[str, ...]):
    result = subprocess.run(
        [sys.executable, "-m", "oasguard", *args],
        stdin=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
        cwd=ROOT,
        preexec_fn=lambda: os.close(1),  # `oasguard ... >&-`
    )
    assert (result.returncode, result.stderr) == (2, "oasguard: standard output is closed\n")


def test_an_output_in_latin_1_carries_every_character_as_an_escape():
    utf8 = run_process("diff", "--format", "json", *PETSTORE, cwd=ROOT)
    for env in (
        {"PYTHONIOENCODING": "latin-1"},
        {"LC_ALL": "C", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0"},
    ):
        latin = subprocess.run(
            [sys.executable, "-m", "oasguard", "diff", "--format", "json", *PETSTORE],
            capture_output=True,
            timeout=60,
            cwd=ROOT,
            env={**os.environ, **env},
        )
        assert (latin.returncode, latin.stderr) == (1, b""), (env, latin.stderr)
        assert b"\\u203a" in latin.stdout  # the location's `›`, escaped
        assert json.loads(latin.stdout.decode("latin-1")) == json.loads(utf8.stdout), env
        text = run_process("diff", *PETSTORE, env=env, cwd=ROOT)
        assert text.returncode == 1 and not text.stderr and "\\u2717 breaking" in text.stdout, (env, text)


def test_a_file_name_not_in_utf_8_is_its_bytes_in_a_sarif_uri(tmp_path: Path):
    """A file system's name is bytes: `caf\\xe9.yaml`, written in Latin-1, is read as a lone
    surrogate; SARIF's URI says the bytes, percent-encoded, as a URL names such a file."""
    name = os.fsdecode(b"caf\xe9.yaml")
    (tmp_path / name).write_bytes((ROOT / PETSTORE[0]).read_bytes())
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", str(tmp_path)]
    for step in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "base"]):
        subprocess.run([*git, *step], check=True, timeout=60)
    (tmp_path / name).write_bytes((ROOT / PETSTORE[1]).read_bytes())
    result = run_cli("diff", "--base", "HEAD", "--format", "sarif", name, cwd=tmp_path)
    assert result.returncode == 1 and not result.stderr, result
    uris = {
        location["physicalLocation"]["artifactLocation"]["uri"]
        for outcome in json.loads(result.stdout)["runs"][0]["results"]
        for location in outcome["locations"]
    }
    assert uris == {"caf%E9.yaml"}


def test_a_lone_surrogate_in_an_ignore_reason_is_carried_by_every_format(tmp_path: Path):
    for name in PETSTORE:
        (tmp_path / Path(name).name).write_bytes((ROOT / name).read_bytes())
    # YAML's double-quoted "\ud800" is a lone surrogate, as JSON's is
    (tmp_path / ".oasguard.yaml").write_text(
        'ignore:\n  - rule: operation-removed\n    reason: "bad \\ud800 reason"\n'
    )
    for format in DIFF_FORMATS:
        result = run_cli("diff", "--format", format, "base.yaml", "revision.yaml", cwd=tmp_path)
        assert result.returncode == 1 and "internal error" not in result.stderr, (format, result)
    report = json.loads(
        run_cli("diff", "--format", "json", "base.yaml", "revision.yaml", cwd=tmp_path).stdout
    )
    assert [entry["reason"] for entry in report["ignored"]] == ["bad ? reason"]
