"""Documents generated from code (SPEC 6, issue 20): the FastAPI application of
fixtures/generate in two revisions of a temporary repository, its document generated at each
side by `--fastapi-app`, by `--generate` (stdout, or `--generated-file`) and by the pre-commit
hook from the staged files; the diff reports what the catalogue says, and the repository is
left exactly as it was."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from conftest import run_cli
from generate_helpers import (
    APP_BREAKING,
    EXPORT_APP,
    PRINT_APP,
    app_repo,
    commit,
    git,
    new_repo,
    put,
    state,
    temporary_folder,
)

pytest.importorskip("fastapi")


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return app_repo(tmp_path_factory.mktemp("generate") / "service")


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, dict[str, str]]:
    """The run's temporary folders go to a folder of the test's own (then checked empty), its
    cache to another."""
    folder, env = temporary_folder(tmp_path)
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder, env


def breaking(report: dict) -> set[tuple[str, str]]:
    return {(c["id"], c["operation"]) for c in report["changes"] if c["level"] == "breaking"}


def report_of(run) -> dict:
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr
    return json.loads(run.stdout)


@pytest.mark.parametrize("side_by_side", ["1", "0"])
def test_fastapi_app_at_a_revision_against_the_working_tree(repo, scratch, side_by_side):
    folder, env = scratch
    put(repo, "revision")  # the pull request's change, not committed
    try:
        before = state(repo)
        run = run_cli(
            "diff", "--base", "main", "--fastapi-app", "app.main:app", "--format", "json",
            cwd=repo, env={**env, "OASGUARD_GENERATE_SIDE_BY_SIDE": side_by_side},
        )  # fmt: skip
        report = report_of(run)
        assert state(repo) == before  # nothing written into the working tree, the index or .git
    finally:
        git(repo, "checkout", "-q", "--", ".")
    assert breaking(report) == APP_BREAKING
    ids = {c["id"] for c in report["changes"]}
    assert "request-parameter-default-changed" in ids  # the default 'all' went with it
    renamed = [c for c in report["changes"] if c["id"] == "response-property-renamed"]
    assert all("'user_name'" in c["message"] and "'username'" in c["message"] for c in renamed)
    assert list(folder.iterdir()) == []  # both temporary trees removed


def test_generate_command_between_two_revisions(repo, scratch):
    folder, env = scratch
    before = state(repo)
    run = run_cli("diff", "main", "feature", "--generate", PRINT_APP, "--format", "json", cwd=repo, env=env)
    assert breaking(report_of(run)) == APP_BREAKING
    assert state(repo) == before
    assert list(folder.iterdir()) == []


def test_generated_file_written_by_the_projects_own_script(repo, scratch):
    folder, env = scratch
    args = ("--generate", EXPORT_APP, "--generated-file", "build/openapi.json", "--format", "json")
    run = run_cli("diff", "main", "feature", *args, cwd=repo, env=env)
    assert breaking(report_of(run)) == APP_BREAKING
    assert not (repo / "build").exists()  # the script wrote into the temporary trees only
    assert list(folder.iterdir()) == []


def test_the_same_revision_twice_is_no_change(repo, scratch):
    _, env = scratch
    run = run_cli("diff", "--base", "main", "--fastapi-app", "app.main:app", cwd=repo, env=env)
    assert run.returncode == 0, run.stderr
    assert "0 changes" in run.stdout or "no changes" in run.stdout.lower()


def test_every_format_reads_a_generated_pair(repo, scratch):
    _, env = scratch
    common = ("diff", "main", "feature", "--fastapi-app", "app.main:app")
    markdown = run_cli(*common, "--format", "markdown", cwd=repo, env=env)
    assert markdown.returncode == 1, markdown.stderr
    assert "Compared main (generated) with feature (generated)" in markdown.stdout
    github = run_cli(*common, "--format", "github", cwd=repo, env=env)
    assert github.stdout.count("::error ") == len(APP_BREAKING)
    sarif = run_cli(*common, "--format", "sarif", cwd=repo, env=env)
    results = json.loads(sarif.stdout)["runs"][0]["results"]
    assert {r["ruleId"] for r in results} >= {rule for rule, _ in APP_BREAKING}


def _configured_on_feature(repo: Path, config: Path, env: dict) -> subprocess.CompletedProcess[str]:
    """`oasguard diff --base main --config CONFIG` with the feature branch checked out (main is
    checked out again after, whatever the run did)."""
    git(repo, "checkout", "-q", "feature")
    try:
        return run_cli(
            "diff", "--base", "main", "--config", str(config), "--format", "json", cwd=repo, env=env
        )
    finally:
        git(repo, "checkout", "-q", "main")


def test_configuration_key_fastapi_app(repo, scratch, tmp_path):
    _, env = scratch
    config = tmp_path / "oasguard.yaml"
    config.write_text("fastapi-app: app.main:app\ngenerate-timeout: 60\n")
    assert breaking(report_of(_configured_on_feature(repo, config, env))) == APP_BREAKING


def test_from_a_subfolder_the_command_runs_in_that_folder(tmp_path, scratch):
    """A monorepo: `cd services/users && oasguard diff --base main --fastapi-app app.main:app`
    imports `app` from services/users of each tree."""
    _, env = scratch
    repo = new_repo(tmp_path / "mono")
    service = repo / "services" / "users"
    put(service, "base")
    (repo / "README.md").write_text("two services\n")
    commit(repo, "base")
    put(service, "revision")
    run = run_cli(
        "diff", "--base", "main", "--fastapi-app", "app.main:app", "--format", "json", cwd=service, env=env
    )
    assert breaking(report_of(run)) == APP_BREAKING
    at_top = run_cli("diff", "--base", "main", "--fastapi-app", "app.main:app", cwd=repo, env=env)
    assert at_top.returncode == 2  # at the top there is no `app` to import
    assert "No module named 'app'" in at_top.stderr


def test_hook_generates_from_the_staged_files(tmp_path, scratch):
    """The revision staged, the working tree back at the base: the hook sees what the commit
    will hold (the index), never the working tree; and leaves index and tree as they were."""
    folder, env = scratch
    repo = app_repo(tmp_path / "hooked")
    put(repo, "revision")
    git(repo, "add", "-A")
    put(repo, "base")  # unstaged: the working tree says nothing changed
    before = state(repo)
    run = run_cli("hook", "--fastapi-app", "app.main:app", cwd=repo, env=env)
    assert run.returncode == 1, run.stderr
    assert "the document generated by `--fastapi-app app.main:app` (staged) against HEAD" in run.stdout
    for rule, _ in APP_BREAKING:
        assert f"[{rule}]" in run.stdout
    assert state(repo) == before
    assert list(folder.iterdir()) == []
    # the working tree alone has no change: the same comparison through diff finds none
    clean = run_cli("diff", "--base", "HEAD", "--fastapi-app", "app.main:app", cwd=repo, env=env)
    assert clean.returncode == 0, clean.stderr


def test_hook_with_generate_and_a_commit_that_breaks_nothing(tmp_path, scratch):
    _, env = scratch
    repo = app_repo(tmp_path / "quiet")
    (repo / "README.md").write_text("docs only\n")
    git(repo, "add", "README.md")
    run = run_cli("hook", "--generate", PRINT_APP, cwd=repo, env=env)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 changes" in run.stdout or "no changes" in run.stdout.lower()


def test_hook_on_the_first_commit_has_nothing_to_compare(tmp_path, scratch):
    _, env = scratch
    repo = new_repo(tmp_path / "first")
    put(repo, "base")
    git(repo, "add", "-A")
    run = run_cli("hook", "--fastapi-app", "app.main:app", cwd=repo, env=env)
    assert run.returncode == 0, run.stderr
    assert "no commit yet" in run.stdout


@pytest.mark.parametrize("how", ["add-then-commit", "commit-a"])
def test_hook_through_pre_commit_with_the_change_staged(tmp_path, scratch, how):
    """`git commit` with the hook installed by the real pre-commit, as a `language: system`
    hook (the project's own environment imports the app): the breaking commit is refused,
    also with `git commit -a`, whose hooks read a temporary index (GIT_INDEX_FILE)."""
    bin_folder = Path(sys.executable).parent
    if not (bin_folder / "pre-commit").exists():
        pytest.skip("pre-commit is not installed")
    _, env = scratch
    repo = app_repo(tmp_path / "precommit")
    (repo / ".pre-commit-config.yaml").write_text(
        "repos:\n  - repo: local\n    hooks:\n      - id: oasguard\n        name: oasguard\n"
        f"        entry: {bin_folder / 'oasguard'} hook --fastapi-app app.main:app\n"
        "        language: system\n        types: [python]\n        pass_filenames: false\n"
    )
    commit(repo, "the hook")
    run_env = {**os.environ, **env, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    subprocess.run(
        [bin_folder / "pre-commit", "install"], cwd=repo, check=True, capture_output=True, env=run_env
    )
    put(repo, "revision")
    if how == "add-then-commit":
        git(repo, "add", "-A")
    flags = ["-a"] if how == "commit-a" else []
    done = subprocess.run(
        ["git", "commit", *flags, "-m", "break the clients"],
        cwd=repo,
        capture_output=True,
        text=True,
        env=run_env,
    )
    assert done.returncode != 0, done.stdout + done.stderr
    assert "[response-property-renamed]" in done.stdout + done.stderr  # git shows it on stderr
    assert git(repo, "rev-list", "--count", "HEAD").strip() == "2"  # the commit was refused


def test_the_readme_configuration_example(repo, scratch, tmp_path):
    """The Code-first section's `[tool.oasguard]` example, as a project's pyproject.toml."""
    from conftest import ROOT

    _, env = scratch
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Code-first APIs") :]
    start = section.index("```toml\n") + len("```toml\n")
    example = section[start : section.index("```", start)]
    assert 'fastapi-app = "app.main:app"' in example
    config = tmp_path / "pyproject.toml"
    config.write_text('[project]\nname = "users"\n\n' + example)
    assert breaking(report_of(_configured_on_feature(repo, config, env))) == APP_BREAKING
