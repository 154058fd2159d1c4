"""Bare repositories, where server-side hooks run: REF:PATH works there, what needs a work tree
says so in one line, and the README's pre-receive hook gates a real push (issue 21)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, run_cli
from repos import Repo

PRE_RECEIVE = ROOT / "docs" / "examples" / "pre-receive"
BREAKING = (FIXTURES / "petstore" / "revision.yaml").read_text(encoding="utf-8")
BASE = (FIXTURES / "petstore" / "base.yaml").read_text(encoding="utf-8")


@pytest.fixture
def pushed(tmp_path: Path) -> tuple[Repo, Path]:
    """A work repository with the petstore's base committed and pushed to a bare `server.git`."""
    work = Repo(tmp_path / "work")
    work.write("openapi.yaml", BASE)
    work.commit("base")
    server = tmp_path / "server.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(work.root), str(server)], check=True)
    work.git("remote", "add", "origin", str(server))
    return work, server


def test_ref_path_pairs_work_in_a_bare_repository(pushed):
    work, server = pushed
    work.write("openapi.yaml", BREAKING)
    work.commit("break it")
    work.git("push", "-q", "origin", "main")
    run = run_cli("diff", "main~1:openapi.yaml", "main:openapi.yaml", "--format", "json", cwd=server)
    assert run.returncode == 1, run.stderr
    assert '"breaking": 10' in run.stdout


@pytest.mark.parametrize(
    "args",
    [("diff", "--base", "main", "openapi.yaml"), ("diff", "--base", "main"), ("hook", "openapi.yaml")],
    ids=["base-with-spec", "base-alone", "hook"],
)
def test_what_needs_a_work_tree_says_so_in_a_bare_repository(pushed, args):
    _, server = pushed
    run = run_cli(*args, cwd=server)
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr
    assert "bare repository" in run.stderr and str(server.resolve()) in run.stderr


@pytest.fixture
def guarded(pushed) -> tuple[Repo, Path]:
    """The server runs the README's pre-receive hook with oasguard on its PATH."""
    work, server = pushed
    if shutil.which("sh") is None:
        pytest.skip("no POSIX shell to run the hook")
    hook = server / "hooks" / "pre-receive"
    shutil.copy(PRE_RECEIVE, hook)
    hook.chmod(0o755)
    subprocess.run(["git", "-C", str(server), "config", "receive.advertisePushOptions", "true"], check=True)
    return work, server


def push(work: Repo, *options: str) -> subprocess.CompletedProcess[str]:
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""), "NO_COLOR": "1"}
    return subprocess.run(
        ["git", "push", *options, "origin", "main"],
        cwd=work.root,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def server_head(server: Path) -> str:
    return subprocess.run(
        ["git", "-C", str(server), "rev-parse", "main"], capture_output=True, text=True, check=True
    ).stdout.strip()


def test_the_pre_receive_hook_rejects_a_breaking_push(guarded):
    work, server = guarded
    before = server_head(server)
    work.write("openapi.yaml", BREAKING)
    work.commit("break it")
    done = push(work)
    assert done.returncode != 0
    assert "8 breaking" in done.stderr and "push rejected" in done.stderr
    assert server_head(server) == before


def test_the_pre_receive_hook_lets_a_safe_push_through(guarded):
    work, server = guarded
    work.write("openapi.yaml", BASE.replace("title:", "description: documented\n  title:", 1))
    work.commit("document it")
    done = push(work)
    assert done.returncode == 0, done.stderr
    assert server_head(server) == work.git("rev-parse", "main").strip()


@pytest.mark.parametrize("how", ["push-option", "trailer"])
def test_the_pre_receive_hook_lets_an_approved_breaking_push_through(guarded, how):
    work, server = guarded
    work.write("openapi.yaml", BREAKING)
    if how == "trailer":
        work.commit("break it\n\nBreaking-Change-Approved: the clients moved to v2")
        done = push(work)
    else:
        work.commit("break it")
        done = push(work, "-o", "breaking-change-approved")
    assert done.returncode == 0, done.stderr
    assert "breaking changes to openapi.yaml are approved" in done.stderr
    assert server_head(server) == work.git("rev-parse", "main").strip()


def test_the_pre_receive_hook_does_not_run_a_push_option(guarded, tmp_path):
    work, server = guarded
    before = server_head(server)
    work.write("openapi.yaml", BREAKING)
    work.commit("break it")
    marker = tmp_path / "ran"
    done = push(work, "-o", f"$(touch {marker})", "-o", f"`touch {marker}`")
    assert done.returncode != 0 and not marker.exists()
    assert server_head(server) == before
