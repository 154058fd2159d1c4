"""Temporary git repositories for the generated-document tests (SPEC 6): the FastAPI application
of fixtures/generate in two revisions, and what a run must leave as it found it."""

from __future__ import annotations

import hashlib
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import FIXTURES

APP = FIXTURES / "generate" / "fastapi_app"
#: the rule ids the application's change from base to revision must give (fixtures/generate)
APP_BREAKING = {
    ("operation-removed", "DELETE /users/{user_id}"),
    ("request-parameter-became-required", "GET /users"),
    ("response-property-renamed", "GET /users"),
    ("response-property-renamed", "GET /users/{user_id}"),
}
#: `--generate` for the application: this interpreter (it has FastAPI) prints app.openapi(),
#: what the application prints as it is imported sent to stderr
PRINT_APP = f"{shlex.quote(sys.executable)} -c " + shlex.quote(
    "import contextlib, json, sys\n"
    "with contextlib.redirect_stdout(sys.stderr):\n    import app.main\n"
    "print(json.dumps(app.main.app.openapi()))"
)
#: ... the same, letting the application's banner reach stdout before the document
PRINT_APP_NOISILY = f"{shlex.quote(sys.executable)} -c " + shlex.quote(
    "import json, app.main; print(json.dumps(app.main.app.openapi()))"
)
#: ... and the project's own script, which writes build/openapi.json instead
EXPORT_APP = f"{shlex.quote(sys.executable)} export_openapi.py"


def git(repo: Path, *args: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        ["git", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "GIT_OPTIONAL_LOCKS": "0", **(env or {})},
    )
    return done.stdout


def new_repo(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    for key, value in (("user.email", "t@example.com"), ("user.name", "t"), ("commit.gpgsign", "false")):
        git(root, "config", key, value)
    return root


def put(repo: Path, version: str) -> None:
    """The application's files of `version` (base or revision) over the working tree."""
    shutil.copytree(APP / version, repo, dirs_exist_ok=True)


def commit(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def app_repo(root: Path) -> Path:
    """The application's base committed on main, and branch `feature` with the revision
    committed; main checked out, its working tree clean."""
    repo = new_repo(root)
    put(repo, "base")
    commit(repo, "base")
    git(repo, "checkout", "-q", "-b", "feature")
    put(repo, "revision")
    commit(repo, "revision")
    git(repo, "checkout", "-q", "main")
    return repo


def state(repo: Path) -> dict[str, object]:
    """What a run must not change: the working tree's and the index's status with ignored files,
    every ref, the worktrees, the stash, and every byte under .git."""
    git_dir = repo / ".git"
    files = {
        path.relative_to(git_dir).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(git_dir.rglob("*"))
        if path.is_file()
    }
    return {
        "status": git(repo, "status", "--porcelain", "--ignored", "--untracked-files=all"),
        "refs": git(repo, "for-each-ref"),
        "worktrees": git(repo, "worktree", "list", "--porcelain").replace(str(repo), "REPO"),
        "stash": git(repo, "stash", "list"),
        "git-dir": files,
        "tree": sorted(
            path.relative_to(repo).as_posix()
            for path in repo.rglob("*")
            if ".git" not in path.relative_to(repo).parts
        ),
    }


def temporary_folder(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A folder for the run's temporary trees (TMPDIR) and a cache folder, to see both after."""
    scratch, cache = tmp_path / "tmp", tmp_path / "cache"
    scratch.mkdir()
    return scratch, {"TMPDIR": str(scratch), "XDG_CACHE_HOME": str(cache), "NO_COLOR": "1"}
