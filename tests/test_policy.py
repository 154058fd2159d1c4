"""Policy through the command, in temporary git repositories, with either configuration file:
levels, ignores (and their notes), excludes, stability and deprecation-days."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from oasguard.config import load_settings
from oasguard.engine import RunOptions, diff, run_deep
from oasguard.sources import file_spec, git_spec
from repos import CONFIG_FILES, Repo, api, ids, op, query

SPEC = "api/openapi.yaml"
TODAY = datetime.date.today()


def _date(days: int) -> str:
    return (TODAY + datetime.timedelta(days=days)).isoformat()


def _repo(tmp_path: Path, base: dict, revision: dict) -> Repo:
    repo = Repo(tmp_path / "repo")
    repo.write(SPEC, base)
    repo.commit()
    repo.write(SPEC, revision)
    return repo


def _report(repo: Repo, config: Path | None = None):
    """The Report object of the same run (to read `ignored` and its reasons)."""
    settings = load_settings(config, start=repo.root)
    base = git_spec("HEAD", SPEC, cwd=repo.root)
    return run_deep(lambda: diff(base, file_spec(str(repo.root / SPEC)), RunOptions(settings=settings)))


#: GET /pets gains a required parameter (breaking) and loses `sort` (warning);
#: GET /internal/stats and GET /admin/users (x-internal) lose their 200 response (breaking)
BASE = api(
    {
        "/pets": {"get": op(parameters=[query("sort", schema={"type": "integer"})])},
        "/internal/stats": {"get": op()},
        "/admin/users": {"x-internal": True, "get": op()},
    }
)
REVISION = api(
    {
        "/pets": {"get": op(parameters=[query("owner", required=True)])},
        "/internal/stats": {"get": op(responses={"201": {"description": "made"}})},
        "/admin/users": {"x-internal": True, "get": op(responses={"201": {"description": "made"}})},
    }
)
ALL_IDS = [
    "request-parameter-removed",
    "required-request-parameter-added",
    "response-status-added",
    "response-status-added",
    "response-success-status-removed",
    "response-success-status-removed",
]


@pytest.fixture
def repo(tmp_path) -> Repo:
    return _repo(tmp_path, BASE, REVISION)


def test_the_scenario_without_policy(repo: Repo):
    status, report, _ = repo.json("--base", "HEAD", SPEC)
    assert ids(report) == ALL_IDS
    assert status == 1


@pytest.mark.parametrize("kind", CONFIG_FILES)
def test_levels_override_the_defaults_and_off_drops_a_rule(repo: Repo, kind: str):
    repo.configure(
        kind,
        {
            "levels": {
                "required-request-parameter-added": "warning",
                "response-success-status-removed": "off",
                "request-parameter-removed": "breaking",
            }
        },
    )
    status, report, _ = repo.json("--base", "HEAD", SPEC)
    levels = {c["id"]: c["level"] for c in report["changes"]}
    assert levels == {
        "required-request-parameter-added": "warning",
        "request-parameter-removed": "breaking",
        "response-status-added": "safe",
    }
    assert report["summary"] == {"breaking": 1, "warning": 1, "safe": 2}
    assert status == 1


@pytest.mark.parametrize("kind", CONFIG_FILES)
def test_exclude_by_operation_glob_and_by_extension_flag(repo: Repo, kind: str):
    repo.configure(kind, {"exclude": ["GET /internal/*", {"x-internal": True}]})
    status, report, _ = repo.json("--base", "HEAD", SPEC)
    assert {c["operation"] for c in report["changes"]} == {"GET /pets"}
    assert status == 1
    repo.configure(kind, {"exclude": ["/internal/*", "x-internal", "* /pets"]})
    status, report, _ = repo.json("--base", "HEAD", SPEC)
    assert report["changes"] == [] and status == 0


@pytest.mark.parametrize("kind", CONFIG_FILES)
def test_an_ignored_change_keeps_its_level_but_leaves_changes_and_summary(repo: Repo, kind: str):
    config = repo.configure(
        kind,
        {
            "ignore": [
                {
                    "rule": "response-success-status-removed",
                    "operation": "GET /internal/*",
                    "reason": "internal endpoint, agreed in review #12",
                },
                {
                    "rule": "required-request-parameter-added",
                    "contains": "'owner'",
                    "reason": "all clients send owner already",
                    "until": _date(30),
                },
            ]
        },
    )
    status, report, stderr = repo.json("--base", "HEAD", SPEC)
    assert ids(report) == [
        "request-parameter-removed",
        "response-status-added",
        "response-status-added",
        "response-success-status-removed",
    ]
    assert [c["operation"] for c in report["changes"] if c["id"] == "response-success-status-removed"] == [
        "GET /admin/users"
    ]
    assert report["summary"] == {"breaking": 1, "warning": 1, "safe": 2}
    assert stderr == ""  # both entries matched, none expired
    assert sorted((i["id"], i["level"], i["operation"], i["reason"]) for i in report["ignored"]) == [
        ("required-request-parameter-added", "breaking", "GET /pets", "all clients send owner already"),
        (
            "response-success-status-removed",
            "breaking",
            "GET /internal/stats",
            "internal endpoint, agreed in review #12",
        ),
    ]
    assert "notes" not in report
    ignored = _report(repo, config).ignored
    assert sorted((i.change.id, i.change.level.value, i.reason) for i in ignored) == [
        ("required-request-parameter-added", "breaking", "all clients send owner already"),
        ("response-success-status-removed", "breaking", "internal endpoint, agreed in review #12"),
    ]
    assert status == 1  # GET /admin/users still breaks


@pytest.mark.parametrize("kind", CONFIG_FILES)
def test_ignore_by_fingerprint(repo: Repo, kind: str):
    _, report, _ = repo.json("--base", "HEAD", SPEC)
    target = next(c for c in report["changes"] if c["id"] == "required-request-parameter-added")
    repo.configure(kind, {"ignore": [{"fingerprint": target["fingerprint"], "reason": "accepted"}]})
    _, after, stderr = repo.json("--base", "HEAD", SPEC)
    assert target["fingerprint"] not in {c["fingerprint"] for c in after["changes"]}
    assert len(after["changes"]) == len(report["changes"]) - 1
    assert stderr == ""


@pytest.mark.parametrize("kind", CONFIG_FILES)
def test_expired_and_unmatched_ignore_entries_are_reported(repo: Repo, kind: str):
    config_name = ".oasguard.yaml" if kind == "yaml" else "pyproject.toml"
    prefix = "tool.oasguard." if kind == "pyproject" else ""
    repo.configure(
        kind,
        {
            "ignore": [
                {"rule": "required-request-parameter-added", "reason": "was agreed", "until": "2020-01-01"},
                {"rule": "operation-removed", "operation": "DELETE /gone", "reason": "long ago"},
            ]
        },
    )
    status, report, stderr = repo.json("--base", "HEAD", SPEC)
    assert "required-request-parameter-added" in ids(report)  # expired: reported again
    assert status == 1
    assert stderr.splitlines() == [
        f"oasguard: {config_name}: {prefix}ignore[0] (rule 'required-request-parameter-added') expired "
        "on 2020-01-01; its changes are reported again",
        f"oasguard: {config_name}: {prefix}ignore[1] (rule 'operation-removed', operation "
        "'DELETE /gone') matched no change; remove it",
    ]
    assert report["notes"] == [line.removeprefix("oasguard: ") for line in stderr.splitlines()]
    assert "ignored" not in report
    assert len(_report(repo).notes) == 2
    run = repo.oasguard("diff", "--base", "HEAD", SPEC)  # the text format too
    assert "matched no change" in run.stderr and "matched no change" not in run.stdout.split("\n")[0]


def test_notes_on_stderr_are_escaped(tmp_path):
    repo = _repo(tmp_path, BASE, REVISION)
    repo.configure(
        "yaml", {"ignore": [{"rule": "operation-removed", "contains": "\x1b[2J::x", "reason": "r"}]}
    )
    run = repo.oasguard("diff", "--base", "HEAD", SPEC)
    assert "\x1b" not in run.stderr
    assert "\\x1b[2J::x" in run.stderr


# -- stability --------------------------------------------------------------------------------


def _stability_repo(tmp_path: Path, base_level: str | None, revision_level: str | None) -> Repo:
    def document(level: str | None, parameters: list) -> dict:
        extra = {"x-stability-level": level} if level else {}
        return api({"/pets": {"get": op(parameters=parameters, **extra)}, "/owners": {"get": op()}})

    return _repo(
        tmp_path,
        document(base_level, []),
        document(revision_level, [query("owner", required=True)]),
    )


@pytest.mark.parametrize("kind", CONFIG_FILES)
def test_changes_of_a_beta_operation_are_at_most_a_warning(tmp_path, kind: str):
    repo = _stability_repo(tmp_path, "beta", "beta")
    status, report, _ = repo.json("--base", "HEAD", SPEC)
    assert [(c["id"], c["level"]) for c in report["changes"]] == [
        ("required-request-parameter-added", "warning")
    ]
    assert status == 0
    repo.configure(kind, {"stability": {"beta": "safe"}})
    _, report, _ = repo.json("--base", "HEAD", SPEC)
    assert [c["level"] for c in report["changes"]] == ["safe"]
    repo.configure(kind, {"stability": {"beta": "off"}})
    _, report, _ = repo.json("--base", "HEAD", SPEC)
    assert report["changes"] == []
    repo.configure(kind, {"stability": {"beta": "breaking"}})
    status, report, _ = repo.json("--base", "HEAD", SPEC)
    assert [c["level"] for c in report["changes"]] == ["breaking"] and status == 1


def test_demoting_stable_to_beta_is_breaking_and_not_capped(tmp_path):
    repo = _stability_repo(tmp_path, None, "beta")
    status, report, _ = repo.json("--base", "HEAD", SPEC)
    levels = {c["id"]: c["level"] for c in report["changes"]}
    assert levels == {
        "operation-stability-decreased": "breaking",
        "required-request-parameter-added": "warning",
    }
    message = next(c["message"] for c in report["changes"] if c["id"] == "operation-stability-decreased")
    assert message == "stability of the operation lowered from stable to beta"
    assert status == 1


def test_promoting_alpha_to_stable_is_safe_and_its_changes_count_in_full(tmp_path):
    repo = _stability_repo(tmp_path, "alpha", "stable")
    status, report, _ = repo.json("--base", "HEAD", SPEC)
    levels = {c["id"]: c["level"] for c in report["changes"]}
    assert levels == {"operation-stability-increased": "safe", "required-request-parameter-added": "breaking"}
    assert status == 1


# -- deprecation --------------------------------------------------------------------------------


def _removal_repo(tmp_path: Path, **deprecation) -> Repo:
    return _repo(
        tmp_path,
        api({"/pets": {"get": op(), "delete": op(**deprecation)}}),
        api({"/pets": {"get": op()}}),
    )


@pytest.mark.parametrize(
    ("deprecation", "rule", "level"),
    [
        ({}, "operation-removed", "breaking"),
        ({"deprecated": True}, "operation-removed-before-sunset", "breaking"),
        ({"deprecated": True, "x-sunset": _date(10)}, "operation-removed-before-sunset", "breaking"),
        ({"deprecated": True, "x-sunset": _date(-1)}, "operation-removed-after-sunset", "warning"),
        ({"x-sunset": _date(-1)}, "operation-removed", "breaking"),  # a sunset without deprecation
    ],
)
@pytest.mark.parametrize("kind", CONFIG_FILES)
def test_removal_is_judged_by_deprecation_and_sunset(tmp_path, kind, deprecation, rule, level):
    repo = _removal_repo(tmp_path, **deprecation)
    repo.configure(kind, {"deprecation-days": 30})
    status, report, _ = repo.json("--base", "HEAD", SPEC)
    assert [(c["id"], c["level"]) for c in report["changes"]] == [(rule, level)]
    assert status == (1 if level == "breaking" else 0)


@pytest.mark.parametrize("kind", CONFIG_FILES)
def test_deprecation_days_asks_for_notice_when_an_operation_is_deprecated(tmp_path, kind: str):
    def deprecating(**fields) -> Repo:
        return _repo(
            tmp_path / str(len(fields)) / str(fields.get("x-sunset")),
            api({"/pets": {"get": op()}}),
            api({"/pets": {"get": op(deprecated=True, **fields)}}),
        )

    soon, later, never = (
        deprecating(**{"x-sunset": _date(10)}),
        deprecating(**{"x-sunset": _date(120)}),
        deprecating(),
    )
    for repo in (soon, later, never):  # the default, 0 days: a deprecation is always safe
        status, report, _ = repo.json("--base", "HEAD", SPEC)
        assert ids(report) == ["operation-deprecated"] and status == 0
        repo.configure(kind, {"deprecation-days": 90})
    status, report, _ = soon.json("--base", "HEAD", SPEC)
    assert ids(report) == ["operation-sunset-too-soon"] and status == 1
    assert f"with sunset date {_date(10)}, less than 90 days of notice" in report["changes"][0]["message"]
    _, report, _ = never.json("--base", "HEAD", SPEC)
    assert ids(report) == ["operation-sunset-too-soon"]
    assert "without a sunset date" in report["changes"][0]["message"]
    status, report, _ = later.json("--base", "HEAD", SPEC)
    assert ids(report) == ["operation-deprecated"] and status == 0


@pytest.mark.parametrize("kind", CONFIG_FILES)
def test_a_deprecated_parameter_removed(tmp_path, kind: str):
    def removing(**fields) -> Repo:
        return _repo(
            tmp_path / str(sorted(fields.items())),
            api({"/pets": {"get": op(parameters=[query("sort", **fields)])}}),
            api({"/pets": {"get": op()}}),
        )

    before = removing(deprecated=True, **{"x-sunset": _date(10)})
    after = removing(deprecated=True, **{"x-sunset": _date(-10)})
    unannounced = removing(deprecated=True)
    assert ids(before.json("--base", "HEAD", SPEC)[1]) == ["request-parameter-removed-before-sunset"]
    assert ids(after.json("--base", "HEAD", SPEC)[1]) == ["request-parameter-removed"]
    assert ids(unannounced.json("--base", "HEAD", SPEC)[1]) == ["request-parameter-removed"]
    unannounced.configure(kind, {"deprecation-days": 30})
    status, report, _ = unannounced.json("--base", "HEAD", SPEC)
    assert ids(report) == ["request-parameter-removed-before-sunset"] and status == 1
    assert "without a sunset date" in report["changes"][0]["message"]


def test_a_level_override_applies_to_the_rule_policy_chose(tmp_path):
    repo = _removal_repo(tmp_path, deprecated=True, **{"x-sunset": _date(-1)})
    repo.configure("yaml", {"levels": {"operation-removed-after-sunset": "safe"}})
    status, report, _ = repo.json("--base", "HEAD", SPEC, "--fail-on", "warning")
    assert [(c["id"], c["level"]) for c in report["changes"]] == [("operation-removed-after-sunset", "safe")]
    assert status == 0
