"""Paths the system refuses (issue 21): too long, a directory where a file is expected, a file
where a folder is expected, a NUL byte in a `$ref`: one line naming the path (shortened in the
middle when long), exit 2, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURES, run_cli

BASE = str(FIXTURES / "petstore" / "base.yaml")
LONG = "n" * 300 + ".yaml"


def refused(*args: str, cwd: Path | None = None) -> str:
    run = run_cli(*args, cwd=cwd)
    assert run.returncode == 2, (run.returncode, run.stderr)
    assert run.stdout == "" and "Traceback" not in run.stderr
    assert run.stderr.count("\n") == 1 and run.stderr.startswith("oasguard: "), run.stderr
    return run.stderr


@pytest.mark.parametrize("side", ["base", "revision"])
def test_a_name_too_long_for_the_file_system_is_named_shortened(side):
    args = (LONG, BASE) if side == "base" else (BASE, LONG)
    line = refused("diff", *args)
    assert "too long" in line and "nnnn" in line and "..." in line and len(line) < 300


def test_a_directory_where_a_document_is_expected(tmp_path):
    line = refused("diff", BASE, str(tmp_path))
    assert str(tmp_path) in line and "directory" in line


def test_a_file_where_a_folder_is_expected():
    line = refused("diff", BASE, BASE + "/inside.yaml")
    assert "inside.yaml" in line


def test_an_output_path_too_long_is_named_shortened(tmp_path):
    line = refused("diff", BASE, BASE, "--output", f"json={'o' * 300}", cwd=tmp_path)
    assert "--output" in line and "too long" in line and "..." in line and len(line) < 300
    assert list(tmp_path.iterdir()) == []


def test_an_output_path_that_is_a_directory(tmp_path):
    line = refused("diff", BASE, BASE, "--output", f"json={tmp_path}")
    assert str(tmp_path) in line and "directory" in line.lower()


def test_a_ref_to_a_directory_is_named(tmp_path):
    (tmp_path / "folder").mkdir()
    document = tmp_path / "api.yaml"
    document.write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n"
        "        '200':\n          description: ok\n"
        "          content: {application/json: {schema: {$ref: 'folder'}}}\n"
    )
    line = refused("diff", str(document), str(document))
    assert "folder" in line and "directory" in line


def test_a_ref_with_a_nul_byte_is_named(tmp_path):
    document = tmp_path / "api.yaml"
    document.write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n"
        "        '200':\n          description: ok\n"
        '          content: {application/json: {schema: {$ref: "a\\0b.yaml"}}}\n'
    )
    line = refused("diff", str(document), str(document))
    assert "NUL" in line
