"""The progress spinner: on a terminal after a delay, never in a pipe or a CI log."""

from __future__ import annotations

import os
import pty
import subprocess
import sys

from conftest import FIXTURES, ROOT, drain, run_cli

PAIR = (str(FIXTURES / "petstore" / "base.yaml"), str(FIXTURES / "petstore" / "revision.yaml"))


def _on_a_terminal(env: dict[str, str]) -> tuple[int, str, str]:
    """Run the petstore diff with stderr on a pseudo-terminal; return (exit, stdout, terminal)."""
    master, slave = pty.openpty()
    environment = {k: v for k, v in os.environ.items() if k != "CI"} | {"TERM": "xterm"} | env
    process = subprocess.Popen(
        [sys.executable, "-m", "oasguard", "diff", *PAIR, "--format", "json"],
        stdout=subprocess.PIPE,
        stderr=slave,
        env=environment,
        cwd=ROOT,
    )
    os.close(slave)
    stdout = process.stdout.read() if process.stdout else b""
    process.wait(timeout=60)
    screen = drain(master)
    return process.returncode, stdout.decode(), screen.decode(errors="replace")


def test_a_slow_run_on_a_terminal_shows_its_stage():
    code, stdout, screen = _on_a_terminal({"OASGUARD_PROGRESS_AFTER": "0"})
    assert code == 1
    assert "oasguard: comparing" in screen or "oasguard: reading" in screen
    assert "oasguard:" not in stdout  # progress never reaches the report


def test_a_quick_run_shows_nothing_even_on_a_terminal():
    code, _, screen = _on_a_terminal({})
    assert code == 1
    assert screen == ""


def test_ci_logs_get_no_spinner_even_on_a_terminal():
    code, _, screen = _on_a_terminal({"OASGUARD_PROGRESS_AFTER": "0", "CI": "true"})
    assert code == 1
    assert screen == ""


def test_a_pipe_gets_no_spinner():
    done = run_cli("diff", *PAIR, env={"OASGUARD_PROGRESS_AFTER": "0", "CI": ""})
    assert done.returncode == 1
    assert done.stderr == ""
