"""Git revisions: REF:PATH and --base, every $ref read from the same revision, nothing written."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from conftest import run_cli

API = """\
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /users/{id}:
    get:
      parameters:
        - $ref: '../common/parameters.yaml#/UserId'
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '../common/schemas/%s#/User'}
"""
USER = """\
User:
  type: object
  required: [id, %s]
  properties:
    id: {type: integer}
    %s: {type: string}
"""
PARAMS = """\
UserId: {name: id, in: path, required: true, schema: {type: integer}}
"""


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


def commit(repo: Path, files: dict[str, str], message: str) -> None:
    for name, text in files.items():
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", message)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "monorepo"
    repo.mkdir()
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "dev@example.com")
    git(repo, "config", "user.name", "dev")
    commit(
        repo,
        {
            "api/v1/openapi.yaml": API % "user.yaml",
            "api/common/schemas/user.yaml": USER % ("email", "email"),
            "api/common/parameters.yaml": PARAMS,
        },
        "base",
    )
    git(repo, "tag", "v1")
    # the revision renames the required 'email' to 'name' and renames the schema file
    (repo / "api/common/schemas/user.yaml").unlink()
    commit(
        repo,
        {
            "api/v1/openapi.yaml": API % "person.yaml",
            "api/common/schemas/person.yaml": USER % ("name", "name"),
        },
        "revision",
    )
    return repo


def snapshot(repo: Path) -> tuple[str, str]:
    return git(repo, "status", "--porcelain", "--ignored"), git(repo, "rev-parse", "HEAD")


def test_ref_path_reads_every_ref_from_its_own_revision(repo):
    before = snapshot(repo)
    # the working tree disagrees with both revisions: it must not be read
    (repo / "api/common/schemas/person.yaml").write_text("garbage: [")
    result = run_cli(
        "diff", "v1:api/v1/openapi.yaml", "HEAD~0:api/v1/openapi.yaml", "--format", "json", cwd=repo / "api"
    )
    (repo / "api/common/schemas/person.yaml").write_text(USER % ("name", "name"))
    assert result.returncode == 1, result.stderr
    ids = {(c["id"], c["message"]) for c in json.loads(result.stdout)["changes"]}
    # the renamed schema file and the parameter file are no change; email -> name is a rename
    assert ids == {("response-property-renamed", "response property renamed from 'email' to 'name'")}
    assert snapshot(repo) == before


def test_base_option_compares_the_working_tree_with_a_revision(repo):
    (repo / "api/common/schemas/person.yaml").write_text(
        USER % ("name", "name") + "    age: {type: integer}\n"
    )
    result = run_cli("diff", "--base", "HEAD", "api/v1/openapi.yaml", "--format", "json", cwd=repo)
    assert result.returncode == 0, result.stderr
    changes = json.loads(result.stdout)["changes"]
    assert [c["id"] for c in changes] == ["response-property-added"]
    assert "'age'" in changes[0]["message"]
    # and from a sub-directory, with a path relative to it
    again = run_cli("diff", "--base", "v1", "v1/openapi.yaml", "--format", "json", cwd=repo / "api")
    assert again.returncode == 1, again.stderr


@pytest.mark.parametrize(
    ("args", "culprit"),
    [
        (("nope:api/v1/openapi.yaml", "HEAD:api/v1/openapi.yaml"), "'nope'"),
        (("HEAD:api/v1/missing.yaml", "HEAD:api/v1/openapi.yaml"), "api/v1/missing.yaml"),
        (("--", "--upload-pack=touch x:api/v1/openapi.yaml", "HEAD:api/v1/openapi.yaml"), "--upload-pack"),
        (("HEAD:../outside.yaml", "HEAD:api/v1/openapi.yaml"), "../outside.yaml"),
        (("--base", "-x", "api/v1/openapi.yaml"), "'-x'"),
        (("--base", "HEAD", "api/v1/nope.yaml"), "api/v1/nope.yaml"),
    ],
)
def test_bad_revisions_and_paths_exit_2_naming_the_culprit(repo, args, culprit):
    before = snapshot(repo)
    result = run_cli("diff", *args, cwd=repo)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and culprit in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(repo) == before
    assert not (repo / "x").exists()


def test_ref_path_outside_a_repository(tmp_path):
    result = run_cli("diff", "HEAD:a.yaml", "HEAD:b.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert "not inside a git repository" in result.stderr


def test_a_ref_that_leaves_the_repository_is_refused_at_a_revision(repo):
    commit(
        repo,
        {
            "api/v1/openapi.yaml": (API % "user.yaml").replace(
                "../common/parameters.yaml", "../../../outside.yaml"
            )
        },
        "escape",
    )
    result = run_cli("diff", "v1:api/v1/openapi.yaml", "HEAD:api/v1/openapi.yaml", cwd=repo)
    assert result.returncode == 2
    assert "leaves the root" in result.stderr and "../../../outside.yaml" in result.stderr


def test_shallow_clone_missing_the_base_says_how_to_fetch(repo, tmp_path):
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(clone)], check=True)
    result = run_cli("diff", "v1:api/v1/openapi.yaml", "HEAD:api/v1/openapi.yaml", cwd=clone)
    assert result.returncode == 2
    assert "'v1'" in result.stderr and "git fetch" in result.stderr


INLINE_ENTRY = """\
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /orders/{id}:
    get:
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '%s'}
components:
  schemas:
%s"""
ORDER = """\
Order:
  type: object
  required: [id, lines]
  properties:
    id: {type: integer}
    lines:
      type: array
      items: {$ref: '%s'}
"""
LINE = """\
Line:
  type: object
  properties:
    sku: {type: string}
    quantity: {type: integer, minimum: 1}
"""


def _indented(text: str, by: int) -> str:
    return "".join(" " * by + line + "\n" for line in text.splitlines())


def test_a_schema_moved_out_of_the_entry_file_into_its_own_files_is_no_change(tmp_path):
    repo = tmp_path / "shop"
    repo.mkdir()
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "dev@example.com")
    git(repo, "config", "user.name", "dev")
    # the base keeps both schemas in the entry file ...
    inline = _indented(ORDER % "#/components/schemas/Line", 4) + _indented(LINE, 4)
    commit(repo, {"api/openapi.yaml": INLINE_ENTRY % ("#/components/schemas/Order", inline)}, "inline")
    # ... the revision moves them two levels down, one file each, the second referred to from the first
    commit(
        repo,
        {
            "api/openapi.yaml": INLINE_ENTRY % ("models/orders/order.yaml#/Order", "    {}\n"),
            "api/models/orders/order.yaml": ORDER % "../lines/line.yaml#/Line",
            "api/models/lines/line.yaml": LINE,
        },
        "split",
    )
    before = snapshot(repo)
    moved = run_cli("diff", "HEAD~1:api/openapi.yaml", "HEAD:api/openapi.yaml", "--format", "json", cwd=repo)
    assert moved.returncode == 0, moved.stderr
    assert json.loads(moved.stdout)["changes"] == []
    # a real change in the deepest file, made in the working tree, is still seen through --base
    (repo / "api/models/lines/line.yaml").write_text(LINE.replace("minimum: 1", "minimum: 2"))
    changed = run_cli("diff", "--base", "HEAD~1", "openapi.yaml", "--format", "json", cwd=repo / "api")
    (repo / "api/models/lines/line.yaml").write_text(LINE)
    assert changed.returncode == 0, changed.stderr
    ids = [(c["id"], c["operation"]) for c in json.loads(changed.stdout)["changes"]]
    assert ids == [("response-bound-tightened", "GET /orders/{id}")]
    assert snapshot(repo) == before
