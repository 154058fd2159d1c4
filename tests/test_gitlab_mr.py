"""`python -m oasguard.gitlab_mr`, the component job's Python side, run as the job runs it (a
process in a clone, the merge request's variables in its environment) against the stub notes
API, without a CI emulation: these run wherever the tests do, Node or not."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import FIXTURES
from gitlab_helpers import MARKER, NotesApi, assert_valid_code_quality, serving

BASE = (FIXTURES / "petstore" / "base.yaml").read_text()
BREAKING = (FIXTURES / "petstore" / "revision.yaml").read_text()


@pytest.fixture
def notes_api() -> Iterator[NotesApi]:
    with serving() as api:
        yield api


@pytest.fixture
def clone(tmp_path: Path) -> tuple[Path, str]:
    """A repository with the merge request's two commits; returns it and the base commit."""
    repo = tmp_path / "repo"
    (repo / "api").mkdir(parents=True)

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout

    git("init", "-q", "-b", "main")
    for text, message in ((BASE, "base"), (BREAKING, "break")):
        (repo / "api" / "openapi.yaml").write_text(text)
        git("add", "-A")
        git("-c", "user.name=dev", "-c", "user.email=dev@example.com", "commit", "-qm", message)
    return repo, git("rev-parse", "HEAD~1").strip()


def job(repo: Path, base: str, api: NotesApi, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("CI_", "OASGUARD_"))}
    environ |= {
        "CI_MERGE_REQUEST_DIFF_BASE_SHA": base,
        "CI_API_V4_URL": api.url,
        "CI_PROJECT_ID": "group/petstore",
        "CI_MERGE_REQUEST_IID": "3",
        "CI_PROJECT_URL": "https://gitlab.example.com/group/petstore",
        "CI_COMMIT_SHA": "0123abc",
        "OASGUARD_SPECS": "api/*.yaml",
        "OASGUARD_ALLOW_LABEL": "breaking-change-approved",
        "OASGUARD_GITLAB_TOKEN": "stub-token",
        **env,
    }
    command = [sys.executable, "-m", "oasguard.gitlab_mr"]
    return subprocess.run(command, cwd=repo, env=environ, capture_output=True, text=True, timeout=120)


def test_breaking_changes_fail_the_job_with_every_report_and_a_note(clone, notes_api: NotesApi):
    repo, base = clone
    done = job(repo, base, notes_api)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "10 breaking, 3 warning: changes at or above fail-on" in done.stdout
    issues = assert_valid_code_quality((repo / "gl-code-quality-report.json").read_text())
    report = json.loads((repo / "oasguard-report" / "report.json").read_text())
    assert [i["check_name"] for i in issues] == [c["id"] for c in report["changes"]]
    assert {p.name for p in (repo / "oasguard-report").iterdir()} >= {"report.md", "report.json", "junit.xml"}
    # the project id is a path here: it is URL-encoded into the API's path
    (post,) = [r for r in notes_api.requests if r["method"] == "POST"]
    assert post["path"] == "/api/v4/projects/group%2Fpetstore/merge_requests/3/notes"
    (note,) = notes_api.notes
    assert note["body"].startswith(MARKER)
    assert "https://gitlab.example.com/group/petstore/-/blob/0123abc/api/openapi.yaml#L" in note["body"]


def test_the_label_approves_and_is_read_from_the_comma_separated_list(clone, notes_api: NotesApi):
    repo, base = clone
    labels = "backend,breaking-change-approved, docs"
    done = job(repo, base, notes_api, CI_MERGE_REQUEST_LABELS=labels, OASGUARD_COMMENT="false")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "approved by the merge request's label 'breaking-change-approved'" in done.stdout
    said = (repo / "oasguard-report" / "report.md").read_text()
    assert "approved by label breaking-change-approved" in said
    assert notes_api.requests == []
    # a label that only contains the allow-label's text does not approve
    done = job(repo, base, notes_api, CI_MERGE_REQUEST_LABELS="not-breaking-change-approved")
    assert done.returncode == 1


@pytest.mark.parametrize("status", [401, 403])
def test_a_refused_token_is_a_notice(clone, notes_api: NotesApi, status: int):
    repo, base = clone
    notes_api.refuse = status
    done = job(repo, base, notes_api, OASGUARD_FAIL_ON="none")
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"notice: the token may not write notes on this merge request (HTTP {status}" in done.stdout


def test_an_unreachable_api_is_a_warning_and_the_verdict_stands(clone, notes_api: NotesApi):
    repo, base = clone
    done = job(repo, base, notes_api, CI_API_V4_URL="http://127.0.0.1:9/api/v4")
    assert done.returncode == 1
    assert "warning: could not write the merge-request note" in done.stdout
    assert "stub-token" not in done.stdout + done.stderr


def test_no_token_no_note(clone, notes_api: NotesApi):
    repo, base = clone
    done = job(repo, base, notes_api, OASGUARD_GITLAB_TOKEN="")
    assert done.returncode == 1 and "no OASGUARD_GITLAB_TOKEN" in done.stdout
    assert notes_api.requests == []


def test_outside_a_merge_request_the_job_says_so(clone, notes_api: NotesApi):
    repo, _ = clone
    done = job(repo, "", notes_api)
    assert done.returncode == 2 and "merge-request pipeline" in done.stdout
    assert not (repo / "gl-code-quality-report.json").exists()


def test_the_options_of_other_issues_reach_oasguard_as_single_arguments(tmp_path: Path):
    """`generate`, `fastapi-app`, `consumers` and `args` become `oasguard diff` options; a
    command with spaces and quotes stays one argument, and specs come after `--`."""
    from oasguard.gitlab_mr import diff_arguments

    env = {
        "CI_MERGE_REQUEST_DIFF_BASE_SHA": "abc123",
        "OASGUARD_GENERATE": 'python -c "import app; app.dump()"',
        "OASGUARD_FASTAPI_APP": "app.main:app",
        "OASGUARD_CONSUMERS": "pacts/*.json  mobile=recordings/*.har",
        "OASGUARD_FAIL_ON_CONSUMERS": "true",
        "OASGUARD_ARGS": "--config api/oasguard.yaml",
        "OASGUARD_SPECS": "-rf nothing/*.yaml",
    }
    args = diff_arguments(env, tmp_path, approved=None)
    assert args[:3] == ["diff", "--base", "abc123"]
    assert args[args.index("--generate") + 1] == 'python -c "import app; app.dump()"'
    assert args[args.index("--fastapi-app") + 1] == "app.main:app"
    assert [args[i + 1] for i, a in enumerate(args) if a == "--consumers"] == [
        "pacts/*.json",
        "mobile=recordings/*.har",
    ]
    assert "--fail-on-consumers" in args and args[args.index("--config") + 1] == "api/oasguard.yaml"
    assert args[-3:] == ["--", "-rf", "nothing/*.yaml"]  # never read as options


def test_a_run_that_cannot_be_done_leaves_no_stale_report(clone, notes_api: NotesApi):
    """A shell runner keeps the folder: a report from an earlier job must not be published as
    this one's when this one could not compare."""
    repo, base = clone
    (repo / "gl-code-quality-report.json").write_text("[]\n")
    (repo / "oasguard-report").mkdir()
    (repo / "oasguard-report" / "report.md").write_text("old\n")
    done = job(repo, base, notes_api, OASGUARD_SPECS="api/missing.yaml")
    assert done.returncode == 2 and "could not be done" in done.stdout
    assert "missing.yaml" in done.stderr
    assert not (repo / "gl-code-quality-report.json").exists()
    assert not (repo / "oasguard-report" / "report.md").exists()
    assert notes_api.requests == []
