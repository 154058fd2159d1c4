"""The pre-commit hook: staged content (and its $refs) from the index against HEAD, through the real
`pre-commit` package (`pre-commit run` and `git commit` with the hook installed from a snapshot of
this worktree) and the command."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, run_cli

BASE = (FIXTURES / "petstore" / "base.yaml").read_text()
BREAKING = (FIXTURES / "petstore" / "revision.yaml").read_text()
#: the base with a new optional query parameter: a safe change only
SAFE = BASE.replace(
    "      parameters:\n",
    "      parameters:\n        - {name: safe, in: query, required: false, schema: {type: string}}\n",
    1,
)
NOT_OPENAPI = "# a CI file, not an API\nopenapi_like: false\nsteps: [build, test]\n"

SPLIT_API = """\
openapi: 3.0.3
info: {title: split, version: '1'}
paths:
  /pets:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: 'schemas/pet.yaml#/Pet'}
"""
PET = """\
Pet:
  type: object
  required: [id, name]
  properties:
    id: {type: integer}
    name: {type: string}
"""
PET_WITHOUT_NAME = """\
Pet:
  type: object
  required: [id]
  properties:
    id: {type: integer}
"""


#: the tests that run the real `pre-commit` share one worker: the hook's environment, built into
#: the session's PRE_COMMIT_HOME for the snapshot's revision, is then built once, not once per
#: worker (`pre-commit try-repo` would build it again for every run, in a store of its own)
PRE_COMMIT = pytest.mark.xdist_group("pre-commit")


def git(
    repo: Path, *args: str, check: bool = True, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=repo, check=check, capture_output=True, text=True, env=env)


def write(repo: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One PRE_COMMIT_HOME for the session: pre-commit builds the hook's environment once per
    (repository, revision) and reuses it."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """This worktree as pre-commit installs it: a clone of its committed state with every
    tracked and untracked (not ignored) file of the working tree on top, in one commit."""
    snapshot = tmp_path_factory.mktemp("hook-repo") / "oasguard"
    snapshot.mkdir()
    listed = git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard").stdout
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            target = snapshot / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    git(snapshot, "init", "-q")
    git(snapshot, "add", "-A")
    git(snapshot, "-c", "user.email=ci@example.com", "-c", "user.name=ci", "commit", "-qm", "snapshot")
    return snapshot, git(snapshot, "rev-parse", "HEAD").stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository whose HEAD holds the petstore base and a non-OpenAPI YAML file."""
    repo = tmp_path / "api"
    repo.mkdir()
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "dev@example.com")
    git(repo, "config", "user.name", "dev")
    write(repo, {"api/openapi.yaml": BASE, "ci.yaml": NOT_OPENAPI})
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    return repo


def pre_commit(repo: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=600,
        env=_hook_env(home),
    )


def _hook_env(home: Path) -> dict[str, str]:
    """The environment of pre-commit, run directly or by git's hook: the session's store (the
    default one, ~/.cache/pre-commit, would build the hook's environment again, and keep it)."""
    return {**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1", **_QUICK_PIP}


#: pip as pre-commit runs it to build the hook's environment (once, see PRE_COMMIT): no bytecode
#: compiled for 30 packages the hook imports a few of, no version check
_QUICK_PIP = {"PIP_NO_COMPILE": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}


def install(repo: Path, hook_repo: tuple[Path, str], home: Path) -> None:
    """A .pre-commit-config.yaml naming this project's hook at the snapshot's revision, installed
    as the repository's git pre-commit hook."""
    path, rev = hook_repo
    config = f"repos:\n  - repo: {path}\n    rev: {rev}\n    hooks:\n      - id: oasguard\n"
    write(repo, {".pre-commit-config.yaml": config})
    git(repo, "add", ".pre-commit-config.yaml")
    git(repo, "commit", "-qm", "pre-commit")
    done = pre_commit(repo, home, "install")
    assert done.returncode == 0, done.stderr


def head(repo: Path) -> str:
    return git(repo, "rev-parse", "HEAD").stdout.strip()


@PRE_COMMIT
def test_pre_commit_fails_on_a_staged_breaking_change(
    repo: Path, hook_repo: tuple[Path, str], pre_commit_home: Path
) -> None:
    install(repo, hook_repo, pre_commit_home)
    write(repo, {"api/openapi.yaml": BREAKING})
    git(repo, "add", "api/openapi.yaml")
    done = pre_commit(repo, pre_commit_home, "run")  # on what is staged
    assert done.returncode == 1, done.stdout + done.stderr
    assert "oasguard" in done.stdout and "Failed" in done.stdout
    # the text report: the breaking change, its rule id, the counts
    assert "response property 'name' was removed (it was required)" in done.stdout
    assert "[response-property-removed]" in done.stdout
    # the petstore change as facts: the shared Pet's change once for its 3 operations
    assert "13 changes, in 19 places: 8 breaking, 1 warning, 4 safe" in done.stdout


@PRE_COMMIT
def test_pre_commit_passes_a_safe_change_and_skips_other_yaml(
    repo: Path, hook_repo: tuple[Path, str], pre_commit_home: Path
) -> None:
    install(repo, hook_repo, pre_commit_home)
    write(repo, {"api/openapi.yaml": SAFE, "ci.yaml": NOT_OPENAPI + "broken: [\n", "data.json": "[1, 2]\n"})
    git(repo, "add", "-A")
    done = pre_commit(repo, pre_commit_home, "run")  # on what is staged
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Passed" in done.stdout
    # the hook did run on the three files (pre-commit says "Skipped" when no file matches)
    assert "no files to check" not in done.stdout


@PRE_COMMIT
def test_the_index_wins_over_the_working_tree(
    repo: Path, hook_repo: tuple[Path, str], pre_commit_home: Path
) -> None:
    install(repo, hook_repo, pre_commit_home)
    # staged: the breaking revision; working tree: back to the base. The index wins.
    write(repo, {"api/openapi.yaml": BREAKING})
    git(repo, "add", "api/openapi.yaml")
    write(repo, {"api/openapi.yaml": BASE})
    done = pre_commit(repo, pre_commit_home, "run", "--files", "api/openapi.yaml")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "[response-property-removed]" in done.stdout
    # and the other way round: a safe change staged, a breaking one only in the working tree
    write(repo, {"api/openapi.yaml": SAFE})
    git(repo, "add", "api/openapi.yaml")
    write(repo, {"api/openapi.yaml": BREAKING})
    done = pre_commit(repo, pre_commit_home, "run", "--files", "api/openapi.yaml")
    assert done.returncode == 0, done.stdout + done.stderr


@PRE_COMMIT
def test_git_commit_with_the_hook_installed(
    repo: Path, hook_repo: tuple[Path, str], pre_commit_home: Path
) -> None:
    install(repo, hook_repo, pre_commit_home)
    env = _hook_env(pre_commit_home)  # what git hands the hook it runs
    before = head(repo)
    write(repo, {"api/openapi.yaml": BREAKING})
    git(repo, "add", "api/openapi.yaml")
    done = git(repo, "commit", "-m", "break the API", check=False, env=env)
    assert done.returncode != 0, done.stdout + done.stderr
    assert "[response-property-removed]" in done.stdout + done.stderr
    assert head(repo) == before  # the commit was stopped
    # fixed: the safe change commits; a non-OpenAPI YAML file in the same commit is passed over
    write(repo, {"api/openapi.yaml": SAFE, "ci.yaml": NOT_OPENAPI + "more: [lint]\n"})
    git(repo, "add", "-A")
    done = git(repo, "commit", "-m", "a new optional parameter", check=False, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert head(repo) != before
    # `git commit -a` hands the hook a temporary index: it is the one read
    write(repo, {"api/openapi.yaml": BREAKING})
    done = git(repo, "commit", "-am", "break it with -a", check=False, env=env)
    assert done.returncode != 0, done.stdout + done.stderr


# The command itself (what the hook runs), without pre-commit in between.


def test_refs_are_read_from_the_index(tmp_path: Path) -> None:
    repo = tmp_path / "split"
    repo.mkdir()
    git(repo, "init", "-q")
    write(repo, {"openapi.yaml": SPLIT_API, "schemas/pet.yaml": PET})
    git(repo, "add", "-A")
    git(repo, "-c", "user.email=a@b.c", "-c", "user.name=a", "commit", "-qm", "base")
    # the referenced schema loses a required property in the index, not in the working tree
    write(repo, {"schemas/pet.yaml": PET_WITHOUT_NAME, "openapi.yaml": SPLIT_API + "# touched\n"})
    git(repo, "add", "-A")
    write(repo, {"schemas/pet.yaml": PET})
    done = run_cli("hook", "openapi.yaml", "schemas/pet.yaml", cwd=repo)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "response property 'name' was removed" in done.stdout
    assert "openapi.yaml (staged) against HEAD" in done.stdout
    # a $ref to a file that is only in the working tree is not part of the commit: an error
    write(repo, {"openapi.yaml": SPLIT_API.replace("schemas/pet.yaml", "schemas/new.yaml")})
    write(repo, {"schemas/new.yaml": PET})
    git(repo, "add", "openapi.yaml")
    done = run_cli("hook", "openapi.yaml", cwd=repo)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "schemas/new.yaml" in done.stderr
    assert "not in the git index" in done.stderr and "Traceback" not in done.stderr


def test_a_staged_schema_file_checks_the_documents_that_use_it(tmp_path: Path) -> None:
    repo = tmp_path / "split"
    repo.mkdir()
    git(repo, "init", "-q")
    write(
        repo,
        {
            "openapi.yaml": SPLIT_API,
            "schemas/pet.yaml": PET,
            "other/openapi.json": '{"openapi": "3.0.3", "info": {"title": "j", "version": "1"}, "paths": {}}',
            "other/api.yaml": BASE,
            "broken/openapi.yaml": "openapi: 3.0.3\npaths: [\n",  # broken at HEAD already
        },
    )
    git(repo, "add", "-A")
    git(repo, "-c", "user.email=a@b.c", "-c", "user.name=a", "commit", "-qm", "base")
    # only the schema file changes: the document that $refs it is compared, and only that one
    write(repo, {"schemas/pet.yaml": PET_WITHOUT_NAME})
    git(repo, "add", "-A")
    done = run_cli("hook", "schemas/pet.yaml", cwd=repo)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "openapi.yaml (staged) against HEAD" in done.stdout
    assert "response property 'name' was removed" in done.stdout
    assert "other/" not in done.stdout and "broken/" not in done.stdout
    # a schema change that breaks no one passes
    write(repo, {"schemas/pet.yaml": PET + "    nickname: {type: string}\n"})
    git(repo, "add", "-A")
    done = run_cli("hook", "schemas/pet.yaml", cwd=repo)
    assert done.returncode == 0, done.stdout + done.stderr


def test_new_documents_and_unstaged_files_pass(repo: Path) -> None:
    write(repo, {"api/second.yaml": BREAKING, "api/untracked.yaml": BREAKING})
    git(repo, "add", "api/second.yaml")
    done = run_cli("hook", "api/second.yaml", "api/untracked.yaml", "ci.yaml", cwd=repo)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "api/second.yaml: new since HEAD" in done.stdout
    assert "api/untracked.yaml: not staged" in done.stdout


def test_first_commit_has_nothing_to_compare(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    write(tmp_path, {"openapi.yaml": BREAKING})
    git(tmp_path, "add", "-A")
    done = run_cli("hook", "openapi.yaml", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "new since HEAD" in done.stdout


def test_base_argument_overrides_head(repo: Path) -> None:
    write(repo, {"api/openapi.yaml": BREAKING})
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "breaking, already committed")
    # against HEAD nothing is staged that changes the API; against HEAD~1 it breaks
    assert run_cli("hook", "api/openapi.yaml", cwd=repo).returncode == 0
    done = run_cli("hook", "--base", "HEAD~1", "api/openapi.yaml", cwd=repo)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "against HEAD~1" in done.stdout
    done = run_cli("hook", "--base", "HEAD~1", "--fail-on", "none", "api/openapi.yaml", cwd=repo)
    assert done.returncode == 0, done.stdout + done.stderr


def test_bad_input_is_one_line_and_exit_2(repo: Path, tmp_path: Path) -> None:
    done = run_cli("hook", "--base", "no-such-branch", "api/openapi.yaml", cwd=repo)
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert "no-such-branch" in done.stderr and "Traceback" not in done.stderr
    done = run_cli("hook", "--fail-on", "sometimes", "api/openapi.yaml", cwd=repo)
    assert done.returncode == 2 and "sometimes" in done.stderr
    # a staged OpenAPI document that does not parse stops the commit with its name and line
    write(repo, {"api/openapi.yaml": BASE + "  broken: [\n"})
    git(repo, "add", "-A")
    done = run_cli("hook", "api/openapi.yaml", cwd=repo)
    assert done.returncode == 2 and ":api/openapi.yaml" in done.stderr, done.stderr
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    done = run_cli("hook", "x.yaml", cwd=outside)
    assert done.returncode == 2 and "not inside a git work tree" in done.stderr


def test_the_repository_configuration_applies(repo: Path) -> None:
    """The hook reads the same configuration as `oasguard diff`: an ignore entry the team agreed
    on lets the commit through, and lists the change as ignored with its reason."""
    write(repo, {"api/openapi.yaml": BREAKING})
    git(repo, "add", "api/openapi.yaml")
    assert run_cli("hook", "api/openapi.yaml", cwd=repo).returncode == 1
    ids = sorted({line.split("[")[-1].rstrip("]") for line in _breaking_lines(repo)})
    ignores = "".join(f"  - {{rule: {rule_id}, reason: agreed in review}}\n" for rule_id in ids)
    write(repo, {".oasguard.yaml": f"ignore:\n{ignores}"})
    done = run_cli("hook", "api/openapi.yaml", cwd=repo)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "agreed in review" in done.stdout
    write(repo, {".oasguard.yaml": "fail-on: none\n"})
    assert run_cli("hook", "api/openapi.yaml", cwd=repo).returncode == 0


def _breaking_lines(repo: Path) -> list[str]:
    done = run_cli("hook", "api/openapi.yaml", cwd=repo)
    return [line.strip() for line in done.stdout.splitlines() if "breaking" in line and "[" in line]
