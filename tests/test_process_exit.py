"""The command line leaves its process without the interpreter's clean-up (`__main__._leave`):
what it wrote still arrives whole, its exit status is the run's, and a reader that stops early
gets no traceback."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import GITHUB_PAIR, ROOT, run_process

PETSTORE = ROOT / "fixtures" / "petstore"


def test_a_report_arrives_whole_with_the_runs_status() -> None:
    pair = (str(PETSTORE / "base.yaml"), str(PETSTORE / "revision.yaml"))
    done = run_process("diff", *pair, "--format", "json")
    assert done.returncode == 1, done.stderr
    assert done.stderr == ""
    report = json.loads(done.stdout)
    assert report["summary"] == {"breaking": 10, "warning": 3, "safe": 6}


@pytest.mark.skipif(not GITHUB_PAIR[0].is_file(), reason="the corpus is not here")
def test_a_large_report_is_flushed_before_the_process_leaves() -> None:
    done = run_process("diff", *map(str, GITHUB_PAIR), "--format", "json", timeout=300)
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)  # 1,752 changes: megabytes, all of them written
    assert len(report["changes"]) == 1752


@pytest.mark.parametrize(
    "pair",
    [(PETSTORE / "base.yaml", PETSTORE / "revision.yaml"), GITHUB_PAIR],
    ids=["petstore", "github: a report larger than the pipe"],
)
def test_a_reader_that_stops_early_gets_no_traceback(pair) -> None:
    if not pair[0].is_file():
        pytest.skip("the corpus is not here")
    process = subprocess.Popen(
        [sys.executable, "-m", "oasguard", "diff", *map(str, pair), "--format", "json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    process.stdout.read(1)  # type: ignore[union-attr]
    process.stdout.close()  # type: ignore[union-attr]
    error = process.stderr.read()  # type: ignore[union-attr]
    assert process.wait(timeout=300) == 1
    assert error == b""


def test_a_usage_error_is_one_line_and_status_2() -> None:
    done = run_process("diff", "nope.yaml", str(PETSTORE / "revision.yaml"))
    assert (done.returncode, done.stdout, done.stderr) == (2, "", "oasguard: nope.yaml: no such file\n")
