"""`--validate` tells the truth (issue 21): a valid document deeper than the validator can walk
is reported as "too deep to validate (N levels)", never as invalid; a deep one that the
validator can walk (it runs on the comparison's deep stack) is validated."""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path

from conftest import run_cli
from oasguard.errors import LoadError
from oasguard.load import load
from oasguard.load.validate import violations
from oasguard.sources import file_spec


def _deep(tmp_path: Path, levels: int) -> Path:
    """A document whose one response schema nests `levels` objects, written as text: from Python
    3.12 `json.dumps` stops at its C recursion limit, whatever `sys.setrecursionlimit` says."""
    schema = '{"type": "object", "properties": {"a": ' * levels + '{"type": "string"}' + "}}" * levels
    document = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/a": {"get": {"responses": {"200": {"description": "ok", "content": "CONTENT"}}}}},
    }
    content = '{"application/json": {"schema": ' + schema + "}}"
    path = tmp_path / "deep.json"
    path.write_text(json.dumps(document).replace('"CONTENT"', content))
    return path


def test_a_deep_valid_document_is_validated(tmp_path: Path):
    """300 levels stopped the validator with a RecursionError reported as "invalid" in 0.2.0.
    600 levels are past Python's default recursion limit (the validator takes several frames a
    level); the validator's time grows faster than the depth past that (6 s at 2,000 levels), and
    from Python 3.12 the standard JSON parser stops at its C recursion limit, about 700 levels of
    this document (oasguard then says it is nested too deeply, SPEC 4)."""
    path = _deep(tmp_path, 600)
    result = run_cli("diff", str(path), str(path), "--validate")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_deeper_than_the_validator_can_walk_is_said_so_not_called_invalid(tmp_path: Path):
    path = _deep(tmp_path, 300)
    document = load(file_spec(str(path)))
    caught: list[BaseException] = []

    def validate_on_a_short_stack() -> None:  # what a document too deep for any stack meets
        old = sys.getrecursionlimit()
        sys.setrecursionlimit(400)
        try:
            violations(document)
        except BaseException as error:
            caught.append(error)
        finally:
            sys.setrecursionlimit(old)

    worker = threading.Thread(target=validate_on_a_short_stack)
    worker.start()
    worker.join()
    assert len(caught) == 1 and isinstance(caught[0], LoadError), caught
    message = str(caught[0])
    assert "too deep to validate (609 levels)" in message and "invalid" not in message
    assert "\n" not in message


def test_a_shallow_invalid_document_is_still_invalid(tmp_path: Path):
    path = _deep(tmp_path, 1)
    data = json.loads(path.read_text())
    data["paths"]["/a"]["get"]["responses"]["200"].pop("description")  # a required field
    path.write_text(json.dumps(data))
    result = run_cli("diff", str(path), str(path), "--validate")
    assert result.returncode == 2 and "/paths/~1a/get/responses/200" in result.stderr
    assert "too deep" not in result.stderr
