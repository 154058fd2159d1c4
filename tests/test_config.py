"""Configuration files: `[tool.oasguard]` in pyproject.toml or `.oasguard.yaml`, the same keys in
both, found at the repository root or named by `--config`; the command line wins; every bad
configuration exits 2 with one line naming the file and the key."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from oasguard.config import load_settings
from repos import CONFIG_FILES, Repo, api, ids, op, query

SPEC = "api/openapi.yaml"
BASE = api({"/pets": {"get": op(parameters=[query("limit", schema={"type": "integer"})])}})
#: the limit parameter removed (warning) and a required owner added (breaking)
REVISION = api({"/pets": {"get": op(parameters=[query("owner", required=True)])}})


@pytest.fixture
def repo(tmp_path) -> Repo:
    repo = Repo(tmp_path / "repo")
    repo.write(SPEC, BASE)
    repo.commit()
    repo.write(SPEC, REVISION)
    return repo


def _config_file(repo: Repo, kind: str) -> str:
    return ".oasguard.yaml" if kind == "yaml" else "pyproject.toml"


@pytest.mark.parametrize("kind", CONFIG_FILES)
def test_without_configuration_the_defaults_apply(repo: Repo, kind: str):
    if kind == "pyproject":  # a pyproject.toml without [tool.oasguard] is no configuration
        repo.write("pyproject.toml", '[project]\nname = "demo"\n')
    status, report, _ = repo.json("--base", "HEAD", SPEC)
    assert ids(report) == ["request-parameter-removed", "required-request-parameter-added"]
    assert status == 1


def test_a_pyproject_that_never_names_oasguard_is_not_read(repo: Repo):
    """Not oasguard's configuration, so not oasguard's to judge: a broken pyproject.toml that never
    spells `oasguard` leaves the defaults (its build tool will complain); one that spells the
    table's name with a TOML escape is still read, and is judged."""
    repo.write("pyproject.toml", '[project]\nname = "demo\n')  # an unclosed string
    status, report, _ = repo.json("--base", "HEAD", SPEC)
    assert (status, ids(report)) == (1, ["request-parameter-removed", "required-request-parameter-added"])
    repo.write("pyproject.toml", '[project]\nname = "demo"\n\n[tool."\\u006fasguard"]\nfail-on = "none"\n')
    assert repo.json("--base", "HEAD", SPEC)[0] == 0
    repo.write("pyproject.toml", '[project\n\n[tool."\\u006fasguard"]\nfail-on = "none"\n')
    run = repo.oasguard("diff", "--base", "HEAD", SPEC)
    assert run.returncode == 2 and run.stderr.startswith("oasguard: pyproject.toml: invalid TOML"), run.stderr


@pytest.mark.parametrize("kind", CONFIG_FILES)
def test_fail_on_from_the_file_and_the_command_line_wins(repo: Repo, kind: str):
    repo.configure(kind, {"fail-on": "none"})
    status, report, _ = repo.json("--base", "HEAD", SPEC)
    assert status == 0 and report["summary"]["breaking"] == 1
    status, _, _ = repo.json("--base", "HEAD", SPEC, "--fail-on", "breaking")
    assert status == 1


@pytest.mark.parametrize("kind", CONFIG_FILES)
def test_configuration_is_found_from_a_subfolder_of_the_repository(repo: Repo, kind: str):
    repo.configure(kind, {"levels": {"required-request-parameter-added": "warning"}})
    run = repo.oasguard("diff", "--base", "HEAD", "openapi.yaml", "--format", "json", cwd=repo.root / "api")
    assert run.returncode == 0, run.stderr


@pytest.mark.parametrize("kind", CONFIG_FILES)
def test_config_option_names_another_file(repo: Repo, kind: str, tmp_path):
    elsewhere = Repo(tmp_path / "settings")
    settings = {"fail-on": "warning", "levels": {"required-request-parameter-added": "off"}}
    path = elsewhere.configure(kind, settings)
    run = repo.oasguard("diff", "--base", "HEAD", SPEC, "--format", "json", "--config", str(path))
    assert run.returncode == 1, run.stderr  # only the removal is left: a warning, and fail-on warning
    run = repo.oasguard("diff", "--base", "HEAD", SPEC, "--config", str(tmp_path / "missing.yaml"))
    assert run.returncode == 2
    assert run.stderr.strip() == f"oasguard: --config {tmp_path / 'missing.yaml'}: no such file"


def test_oasguard_yaml_wins_over_pyproject(repo: Repo):
    repo.configure("pyproject", {"fail-on": "warning"})
    repo.configure("yaml", {"fail-on": "none"})
    status, _, _ = repo.json("--base", "HEAD", SPEC)
    assert status == 0


@pytest.mark.parametrize("kind", CONFIG_FILES)
@pytest.mark.parametrize(
    ("settings", "key", "words"),
    [
        ({"fail_on": "none"}, "fail_on", ["unknown key", "did you mean 'fail-on'?"]),
        ({"level": {}}, "level", ["unknown key", "did you mean 'levels'?"]),
        ({"fail-on": "sometimes"}, "fail-on", ["unknown level 'sometimes'"]),
        (
            {"levels": {"request-parameter-remove": "safe"}},
            "levels.request-parameter-remove",
            ["unknown rule id", "did you mean 'request-parameter-removed'?"],
        ),
        ({"levels": {"request-parameter-removed": "fatal"}}, "levels.request-parameter-removed", ["'fatal'"]),
        (
            {"ignore": [{"rule": "request-parameter-removed"}]},
            "ignore[0].reason",
            ["needs a reason"],
        ),
        (
            {"ignore": [{"rule": "request-parameter-removed", "reason": "ok", "until": "next week"}]},
            "ignore[0].until",
            ["'next week' is not a date"],
        ),
        (
            {"ignore": [{"rule": "request-parameter-removed", "reason": "ok", "operaton": "GET /x"}]},
            "ignore[0].operaton",
            ["did you mean 'operation'?"],
        ),
        ({"ignore": [{"reason": "why not"}]}, "ignore[0].rule", ["needs a 'rule' or a 'fingerprint'"]),
        ({"specs": ["apis/*.yaml"]}, "specs[0]", ["'apis/*.yaml' matches no file"]),
        ({"stability": {"gamma": "safe"}}, "stability.gamma", ["unknown stability level"]),
        ({"stability": {"beta": "loud"}}, "stability.beta", ["unknown level 'loud'"]),
        ({"deprecation-days": -3}, "deprecation-days", ["not a whole number of days"]),
        ({"exclude": [42]}, "exclude[0]", ["neither an operation glob"]),
    ],
)
def test_bad_configuration_exits_2_naming_the_file_and_the_key(
    repo: Repo, kind: str, settings: dict, key: str, words: list[str]
):
    repo.configure(kind, settings)
    run = repo.oasguard("diff", "--base", "HEAD", SPEC, "--format", "json")
    assert run.returncode == 2, run.stdout + run.stderr
    assert run.stdout == ""
    lines = run.stderr.splitlines()
    assert len(lines) == 1, run.stderr
    prefix = "tool.oasguard." if kind == "pyproject" else ""
    assert lines[0].startswith(f"oasguard: {_config_file(repo, kind)}: {prefix}{key}: "), lines[0]
    for word in words:
        assert word in lines[0], lines[0]
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize(
    ("kind", "text", "culprit"),
    [
        ("yaml", "levels: [unclosed\n", ".oasguard.yaml:"),
        ("yaml", "- just\n- a list\n", ".oasguard.yaml: must be a mapping"),
        ("pyproject", "[tool.oasguard]\nfail-on = \n", "pyproject.toml: invalid TOML"),
    ],
)
def test_unreadable_configuration_exits_2(repo: Repo, kind: str, text: str, culprit: str):
    repo.write(_config_file(repo, kind), text)
    run = repo.oasguard("diff", "--base", "HEAD", SPEC)
    assert run.returncode == 2
    assert run.stderr.startswith(f"oasguard: {culprit}"), run.stderr
    assert len(run.stderr.splitlines()) == 1


@pytest.mark.parametrize("kind", CONFIG_FILES)
def test_dates_are_read_as_written_in_either_file(repo: Repo, kind: str):
    """`until` as a TOML or YAML date, or as a quoted string: the same entry."""
    for until in (datetime.date(2999, 1, 1), "2999-01-01"):
        entry = {"rule": "required-request-parameter-added", "reason": "agreed", "until": until}
        repo.configure(kind, {"ignore": [entry]})
        status, report, stderr = repo.json("--base", "HEAD", SPEC)
        assert ids(report) == ["request-parameter-removed"], stderr
        assert status == 0


def _readme_block(language: str) -> str:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Configuration and policy") :]
    start = section.index(f"```{language}\n") + len(language) + 4
    return section[start : section.index("```", start)]


def _users(properties: dict, required: list[str]) -> dict:
    schema = {"type": "object", "required": required, "properties": properties}
    ok = {"description": "ok", "content": {"application/json": {"schema": schema}}}
    return api({"/users/{id}": {"get": op(responses={"200": ok})}})


def test_the_readme_example_works_in_both_files(tmp_path):
    """The README's example, as pyproject.toml and as .oasguard.yaml, is one valid configuration
    that does what it says on a repository of services."""
    settings = []
    for kind, name, text in (
        ("pyproject", "pyproject.toml", _readme_block("toml")),
        ("yaml", ".oasguard.yaml", _readme_block("yaml")),
    ):
        repo = Repo(tmp_path / kind)
        repo.write("services/users/openapi.yaml", _users({"id": {}, "legacy_id": {}}, ["legacy_id"]))
        repo.commit()
        repo.write("services/users/openapi.yaml", _users({"id": {}}, []))
        repo.write(name, text)
        status, report, stderr = repo.json("--base", "HEAD")
        assert report["changes"] == [] and status == 0, (report, stderr)  # the removal is ignored
        assert stderr == ""
        settings.append(load_settings(repo.root / name))
    as_toml, as_yaml = settings
    assert as_toml.specs == as_yaml.specs == ("services/*/openapi.yaml",)
    for field in ("fail_on", "levels", "ignore", "exclude_operations", "exclude_extensions", "stability"):
        assert getattr(as_toml, field) == getattr(as_yaml, field), field
    assert as_toml.deprecation_days == as_yaml.deprecation_days == 90


def test_an_unquoted_off_in_yaml_is_off(repo: Repo):
    """YAML 1.1 reads `off` as false; a user who writes it means the level."""
    repo.write(".oasguard.yaml", "levels:\n  required-request-parameter-added: off\n")
    status, report, _ = repo.json("--base", "HEAD", SPEC)
    assert ids(report) == ["request-parameter-removed"] and status == 0
