"""The clones CI really makes (depth 1, blobless, treeless), revision syntax, and symlinks in the
working tree: every case a report or one named line, never a fetch from a remote, nothing written.

Each clone is made from a local repository; afterwards its `origin` points at a script that leaves
a mark when git runs it, so any attempt to reach the remote is seen (and the test proves that the
detector works: git's own `fetch` trips it).
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest

from conftest import run_cli
from test_git import API, PARAMS, USER, commit, git

ENTRY = "api/v1/openapi.yaml"


@pytest.fixture(scope="module")
def origin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two commits: `v1` (required 'email') and HEAD (it becomes 'name', in another file)."""
    repo = tmp_path_factory.mktemp("origin") / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "dev@example.com")
    git(repo, "config", "user.name", "dev")
    git(repo, "config", "uploadpack.allowFilter", "true")  # let file:// clones be partial
    commit(
        repo,
        {
            ENTRY: API % "user.yaml",
            "api/common/schemas/user.yaml": USER % ("email", "email"),
            "api/common/parameters.yaml": PARAMS,
        },
        "base of the api",
    )
    git(repo, "tag", "v1")
    (repo / "api/common/schemas/user.yaml").unlink()
    commit(
        repo,
        {ENTRY: API % "person.yaml", "api/common/schemas/person.yaml": USER % ("name", "name")},
        "rename email",
    )
    return repo


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(path.relative_to(folder)): (path.lstat().st_size, path.lstat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
    }


class Clone:
    def __init__(self, path: Path, mark: Path) -> None:
        self.path = path
        self.mark = mark

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        """oasguard ARGS in the clone: nothing written, the remote never contacted."""
        before = _snapshot(self.path)
        result = run_cli(*args, cwd=self.path)
        assert not self.mark.exists(), f"oasguard made git contact the remote\n{result.stderr}"
        assert _snapshot(self.path) == before, "oasguard wrote into the clone"
        assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
        return result


def _clone(origin: Path, tmp_path: Path, *options: str) -> Clone:
    path = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", *options, f"file://{origin}", str(path)], check=True)
    mark = tmp_path / "contacted"
    script = tmp_path / "remote.sh"
    script.write_text(f"#!/bin/sh\ntouch '{mark}'\nexit 1\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    git(path, "config", "protocol.ext.allow", "always")
    git(path, "remote", "set-url", "origin", f"ext::{script}")
    return Clone(path, mark)


def _one_line(result: subprocess.CompletedProcess[str], *culprits: str) -> str:
    assert result.returncode == 2, result
    assert result.stdout == "" and result.stderr.count("\n") == 1, result.stderr
    for culprit in culprits:
        assert culprit in result.stderr, result.stderr
    return result.stderr


def test_the_remote_detector_is_real(origin: Path, tmp_path: Path):
    clone = _clone(origin, tmp_path, "--filter=blob:none")
    subprocess.run(["git", "-C", str(clone.path), "fetch", "-q", "origin"], capture_output=True)
    assert clone.mark.exists()


def test_depth_1_clone_without_the_base_says_how_to_fetch(origin: Path, tmp_path: Path):
    clone = _clone(origin, tmp_path, "--depth", "1")
    line = _one_line(clone.run("diff", "--base", "HEAD~1", ENTRY), "'HEAD~1'", "git fetch")
    assert "shallow" in line
    sha = git(origin, "rev-parse", "v1").strip()
    _one_line(clone.run("diff", "--base", sha, ENTRY), sha, "git fetch")
    # what the clone has still works
    assert clone.run("diff", "--base", "HEAD", ENTRY).returncode == 0


@pytest.mark.parametrize("kind", ["blob:none", "tree:0"], ids=["blobless", "treeless"])
def test_partial_clone_never_fetches_a_missing_object(origin: Path, tmp_path: Path, kind: str):
    clone = _clone(origin, tmp_path, f"--filter={kind}")
    for args in (
        ("diff", "HEAD~1:" + ENTRY, "HEAD:" + ENTRY),
        ("diff", "--base", "v1", ENTRY),
    ):
        revision = "HEAD~1" if args[1] != "--base" else "v1"
        _one_line(clone.run(*args), f"{revision}:", "partial clone", "fetch")
    # the checked-out revision is complete: it gives a report
    same = clone.run("diff", "--base", "HEAD", ENTRY, "--format", "json")
    assert same.returncode == 0 and json.loads(same.stdout)["changes"] == [], same.stderr


def test_revisions_git_understands(origin: Path, tmp_path: Path):
    clone = _clone(origin, tmp_path)  # a full clone: main tracks origin/main
    (clone.path / "api/common/schemas/person.yaml").write_text(USER % ("name", "name") + "    age: {}\n")
    for base in ("@{u}", "HEAD@{1.day.ago}", "main@{0}", ":/rename"):
        result = clone.run("diff", "--base", base, ENTRY, "--format", "json")
        assert result.returncode == 0, (base, result.stderr)
        assert [c["id"] for c in json.loads(result.stdout)["changes"]] == ["response-property-added"], base
    # `:/message:PATH` as one side of a two-document diff
    result = clone.run("diff", ":/base of:" + ENTRY, "HEAD:" + ENTRY, "--format", "json")
    assert result.returncode == 1, result.stderr
    assert [c["id"] for c in json.loads(result.stdout)["changes"]] == ["response-property-renamed"]


def test_a_revision_git_rejects_gets_gits_reason(origin: Path, tmp_path: Path):
    clone = _clone(origin, tmp_path)
    git(clone.path, "checkout", "-q", "-b", "topic")  # no upstream
    _one_line(clone.run("diff", "--base", "@{u}", ENTRY), "'@{u}'", "no upstream")
    _one_line(clone.run("diff", "--base", "HEAD~7", ENTRY), "'HEAD~7'")
    _one_line(clone.run("diff", "--base", "HEAD^{tree}", ENTRY), "tree, not a commit")
    _one_line(clone.run("diff", "--base", "HEAD\n::error::x", ENTRY), "HEAD\\n::error::x")


def test_a_working_tree_symlink_out_of_the_repository_is_refused(origin: Path, tmp_path: Path):
    clone = _clone(origin, tmp_path)
    secret = tmp_path / "outside.yaml"
    secret.write_text((clone.path / ENTRY).read_text())
    (clone.path / "api/v1/link.yaml").symlink_to(secret)
    for args in (
        ("diff", "--base", "HEAD", "api/v1/link.yaml"),
        ("diff", ENTRY, "api/v1/link.yaml"),
    ):
        _one_line(clone.run(*args), "link.yaml", "leaves")


def test_base_compares_the_symlinks_own_path_at_the_revision(origin: Path, tmp_path: Path):
    """`openapi.yaml -> api/v1/openapi.yaml` committed as a symlink: `--base REF openapi.yaml`
    compares it with the same path at REF (the link, followed inside REF)."""
    clone = _clone(origin, tmp_path)
    (clone.path / "openapi.yaml").symlink_to(ENTRY)
    git(clone.path, "add", "openapi.yaml")
    git(clone.path, "commit", "-qm", "link")
    result = clone.run("diff", "--base", "HEAD", "openapi.yaml", "--format", "json")
    assert result.returncode == 0 and json.loads(result.stdout)["changes"] == [], result.stderr
    # a link in the revision that leaves the repository is refused
    os.remove(clone.path / "openapi.yaml")
    (clone.path / "openapi.yaml").symlink_to("../../outside.yaml")
    git(clone.path, "add", "openapi.yaml")
    git(clone.path, "commit", "-qm", "escape")
    _one_line(clone.run("diff", "HEAD:openapi.yaml", "HEAD~1:openapi.yaml"), "HEAD:openapi.yaml", "leaves")


@pytest.mark.parametrize("kind", ["blob:none", "tree:0"], ids=["blobless", "treeless"])
def test_discovery_in_a_partial_clone_never_fetches(origin: Path, tmp_path: Path, kind: str):
    """`diff --base REF` with no SPEC asks git which documents changed (rename detection reads
    blobs): in a partial clone that is a named error or a report, never a fetch."""
    clone = _clone(origin, tmp_path, f"--filter={kind}")
    result = clone.run("diff", "--base", "v1")
    assert result.returncode in (0, 1, 2), result
    if result.returncode == 2:
        _one_line(result, "v1")
