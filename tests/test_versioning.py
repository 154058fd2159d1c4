"""Versioning (SPEC 3.2.2): does `info.version` say what the change is? Through the command line:
the three rules with their levels, semantic versions only, the minor as the major below 1.0.0,
`versioning: major-bump-approves` approving a major increase, every format, `levels`, ignores,
and the changelog's version headings."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import run_cli
from formats_helpers import WORKFLOW_COMMAND, assert_valid_junit, assert_valid_sarif, parse_markdown

MAJOR = "api-major-version-not-bumped"
DECREASED = "api-version-decreased"
NOT_BUMPED = "api-version-not-bumped"
VERSIONING = {MAJOR, DECREASED, NOT_BUMPED}

#: what the revision changes: an operation removed (breaking), an operationId changed (warning),
#: an operation added (safe), or nothing
KINDS = ("breaking", "warning", "safe", "none")


def _document(version: object, kind: str = "none") -> dict:
    operation = {"responses": {"200": {"description": "ok"}}}
    paths = {
        "/pets": {"get": {"operationId": "getPets" if kind == "warning" else "listPets", **operation}},
        "/owners": {"get": {"operationId": "listOwners", **operation}},
    }
    if kind == "breaking":
        del paths["/owners"]
    if kind == "safe":
        paths["/stores"] = {"get": {"operationId": "listStores", **operation}}
    return {"openapi": "3.0.3", "info": {"title": "Pets", "version": version}, "paths": paths}


def _pair(tmp_path: Path, old: object, new: object, kind: str = "breaking") -> tuple[str, str]:
    base, revision = tmp_path / "base.json", tmp_path / "revision.json"
    base.write_text(json.dumps(_document(old)))
    revision.write_text(json.dumps(_document(new, kind)))
    return str(base), str(revision)


def _json(tmp_path: Path, old: object, new: object, kind: str = "breaking", *args: str):
    done = run_cli("diff", *_pair(tmp_path, old, new, kind), "--format", "json", *args, cwd=tmp_path)
    assert done.returncode in (0, 1), done.stderr
    return done, json.loads(done.stdout)


def _versioning(report: dict) -> list[dict]:
    return [change for change in report["changes"] if change["id"] in VERSIONING]


def _config(tmp_path: Path, text: str) -> None:
    (tmp_path / ".oasguard.yaml").write_text(text)


# --- the rules -----------------------------------------------------------------------------------


def test_a_breaking_change_released_as_a_minor_version_is_a_warning(tmp_path: Path):
    done, report = _json(tmp_path, "1.2.0", "1.3.0")
    (change,) = _versioning(report)
    assert change["id"] == MAJOR and change["level"] == "warning"
    assert change["message"] == (
        "info.version went from 1.2.0 to 1.3.0 with 1 breaking change: "
        "the major version should have increased"
    )
    assert change["operation"] is None and change["pointer"] == "/info/version"
    assert change["location"] == "info.version"
    assert report["summary"] == {"breaking": 1, "warning": 1, "safe": 0}
    assert done.returncode == 1  # the breaking change still fails the run


@pytest.mark.parametrize(("old", "new"), [("1.2.0", "1.2.1"), ("1.2.0", "1.2.0"), ("3.0.0", "3.9.9")])
def test_the_major_must_increase_for_breaking_changes(tmp_path: Path, old: str, new: str):
    _, report = _json(tmp_path, old, new)
    assert MAJOR in {change["id"] for change in _versioning(report)}


@pytest.mark.parametrize(("old", "new"), [("1.2.0", "2.0.0"), ("1.9.3", "4.0.0"), ("0.9.0", "1.0.0")])
def test_a_major_increase_announces_breaking_changes(tmp_path: Path, old: str, new: str):
    done, report = _json(tmp_path, old, new)
    assert _versioning(report) == []
    assert done.returncode == 1  # judged, not approved: that needs major-bump-approves


def test_below_1_0_0_the_minor_plays_the_major(tmp_path: Path):
    _, report = _json(tmp_path, "0.3.0", "0.4.0")
    assert _versioning(report) == []
    _, report = _json(tmp_path, "0.3.0", "0.3.1")
    (change,) = _versioning(report)
    assert change["id"] == MAJOR
    assert "the minor version (the major's part below 1.0.0) should have increased" in change["message"]


def test_a_version_that_moved_backwards_is_a_warning(tmp_path: Path):
    done, report = _json(tmp_path, "2.1.0", "2.0.9", "safe")
    (change,) = _versioning(report)
    assert change["id"] == DECREASED and change["level"] == "warning"
    assert change["message"] == "info.version went backwards from 2.1.0 to 2.0.9"
    assert done.returncode == 0
    # with no change at all, too: the version is what moved
    _, report = _json(tmp_path, "2.1.0", "2.0.9", "none")
    assert [change["id"] for change in report["changes"]] == [DECREASED]


def test_an_unchanged_version_with_a_warning_is_informational(tmp_path: Path):
    done, report = _json(tmp_path, "1.2.0", "1.2.0", "warning")
    (change,) = _versioning(report)
    assert change["id"] == NOT_BUMPED and change["level"] == "safe"
    assert change["message"] == (
        "info.version stayed 1.2.0 with 1 warning: a changed contract needs a new version "
        "(increase the minor version)"
    )
    assert done.returncode == 0


@pytest.mark.parametrize("kind", ["safe", "none"])
def test_safe_changes_need_no_new_version(tmp_path: Path, kind: str):
    _, report = _json(tmp_path, "1.2.0", "1.2.0", kind)
    assert _versioning(report) == []


def test_an_unchanged_version_with_a_breaking_change_gets_both_rules(tmp_path: Path):
    """SPEC's table: the major did not increase (warning), and a change at warning or above with
    the version unchanged (safe)."""
    _, report = _json(tmp_path, "1.2.0", "1.2.0", "breaking")
    found = {change["id"]: change for change in _versioning(report)}
    assert set(found) == {MAJOR, NOT_BUMPED}
    assert found[MAJOR]["message"].startswith("info.version stayed 1.2.0 with 1 breaking change")
    assert found[NOT_BUMPED]["message"].endswith("(increase the major version)")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("v1", "v2"),  # not semantic versions: a single number
        ("v1", "v1"),
        ("1.0", "1.0"),
        ("1.0", "1.1"),
        ("2020-08-27", "2021-01-15"),  # dates
        ("2024.5.1", "2024.6.0"),  # a calendar version, though it parses as three numbers
        ("10", "10"),
        (1.0, 1.0),  # YAML's unquoted 1.0 is a number
        ("latest", "latest"),
        ("1.2.0", "banana"),  # one side only
        ("01.2.3", "01.2.3"),  # leading zeros are not semver
        ("١.٢.٣", "١.٢.٣"),  # digits of another script
    ],
)
def test_other_versions_are_not_judged(tmp_path: Path, old: object, new: object):
    for kind in ("breaking", "warning"):
        _, report = _json(tmp_path, old, new, kind)
        assert _versioning(report) == [], (old, new, kind)


def test_pre_release_and_build_parts(tmp_path: Path):
    # build metadata is no part of the version's order: the same version
    _, report = _json(tmp_path, "1.2.0+build.1", "1.2.0+build.2", "warning")
    assert [change["id"] for change in _versioning(report)] == [NOT_BUMPED]
    # a pre-release promised no compatibility: breaking changes after it need no new major
    _, report = _json(tmp_path, "2.0.0-rc.1", "2.0.0")
    assert _versioning(report) == []
    # ... but a pre-release of the same major does not announce them
    _, report = _json(tmp_path, "1.2.0", "1.3.0-beta.1")
    assert [change["id"] for change in _versioning(report)] == [MAJOR]
    # a release's pre-release comes before it
    _, report = _json(tmp_path, "2.0.0", "2.0.0-rc.1", "safe")
    assert [change["id"] for change in _versioning(report)] == [DECREASED]


#: SemVer 2.0.0, item 11: each is lower than the next
SEMVER_ORDER = [
    "1.0.0-alpha",
    "1.0.0-alpha.1",
    "1.0.0-alpha.beta",
    "1.0.0-beta",
    "1.0.0-beta.2",
    "1.0.0-beta.11",
    "1.0.0-rc.1",
    "1.0.0",
    "1.0.1",
    "1.1.0",
    "2.0.0",
]


@pytest.mark.parametrize("index", range(len(SEMVER_ORDER) - 1), ids=lambda i: SEMVER_ORDER[i])
def test_versions_are_ordered_as_semver_says(tmp_path: Path, index: int):
    lower, higher = SEMVER_ORDER[index], SEMVER_ORDER[index + 1]
    _, forwards = _json(tmp_path, lower, higher, "safe")
    _, backwards = _json(tmp_path, higher, lower, "safe")
    assert _versioning(forwards) == []
    assert [change["id"] for change in _versioning(backwards)] == [DECREASED]


def test_a_v_prefix_is_read(tmp_path: Path):
    _, report = _json(tmp_path, "v1.2.3", "v1.3.0")
    (change,) = _versioning(report)
    assert change["id"] == MAJOR and "from v1.2.3 to v1.3.0" in change["message"]
    _, report = _json(tmp_path, "v1.2.3", "V2.0.0")
    assert _versioning(report) == []


def test_the_rules_count_levels_after_policy(tmp_path: Path):
    """A breaking change the configuration made a warning, or ignored, is not breaking."""
    _config(tmp_path, "levels: {path-removed: warning}\n")
    _, report = _json(tmp_path, "1.2.0", "1.3.0")
    assert _versioning(report) == []
    _config(tmp_path, "ignore: [{rule: path-removed, reason: nobody calls it}]\n")
    _, report = _json(tmp_path, "1.2.0", "1.3.0")
    assert _versioning(report) == [] and len(report["ignored"]) == 1


# --- policy: levels, ignores, approval ---------------------------------------------------------


def test_levels_can_raise_and_drop_them(tmp_path: Path):
    _config(tmp_path, "levels: {api-version-not-bumped: breaking, api-version-decreased: breaking}\n")
    done, report = _json(tmp_path, "1.2.0", "1.2.0", "warning")
    assert [(c["id"], c["level"]) for c in _versioning(report)] == [(NOT_BUMPED, "breaking")]
    assert done.returncode == 1
    done, report = _json(tmp_path, "2.1.0", "2.0.9", "safe")
    assert [(c["id"], c["level"]) for c in _versioning(report)] == [(DECREASED, "breaking")]
    assert done.returncode == 1
    _config(tmp_path, "levels: {api-major-version-not-bumped: 'off'}\n")
    _, report = _json(tmp_path, "1.2.0", "1.3.0")
    assert _versioning(report) == []


def test_an_ignore_entry_moves_them_aside(tmp_path: Path):
    _config(tmp_path, "ignore:\n  - {rule: api-major-version-not-bumped, reason: we release from tags}\n")
    done, report = _json(tmp_path, "1.2.0", "1.3.0")
    assert _versioning(report) == []
    (ignored,) = report["ignored"]
    assert ignored["id"] == MAJOR and ignored["reason"] == "we release from tags"
    assert "matched no change" not in done.stderr


def test_a_major_increase_approves_the_breaking_changes(tmp_path: Path):
    _config(tmp_path, "versioning: major-bump-approves\n")
    done, report = _json(tmp_path, "1.2.0", "2.0.0")
    assert done.returncode == 0, done.stdout
    assert report["summary"]["breaking"] == 1  # listed, and counted, but approved
    assert report["approved"] == "the major version bump 1.2.0 → 2.0.0"
    markdown = run_cli("diff", *_pair(tmp_path, "1.2.0", "2.0.0"), "--format", "markdown", cwd=tmp_path)
    assert markdown.returncode == 0
    assert "breaking changes approved" in markdown.stdout
    assert "1 breaking change approved by the major version bump 1.2.0 → 2.0.0." in markdown.stdout
    text = run_cli("diff", *_pair(tmp_path, "1.2.0", "2.0.0"), cwd=tmp_path)
    assert text.returncode == 0
    assert "approved: the breaking changes, by the major version bump 1.2.0 → 2.0.0" in text.stdout


def test_approval_needs_a_major_increase(tmp_path: Path):
    _config(tmp_path, "versioning: major-bump-approves\n")
    for old, new in (("1.2.0", "1.3.0"), ("v1", "v2"), ("2.0.0", "1.0.0"), ("1.2.0", "1.2.0")):
        done, report = _json(tmp_path, old, new)
        assert done.returncode == 1 and "approved" not in report, (old, new)
    done, report = _json(tmp_path, "0.3.0", "0.4.0")  # the minor is the major below 1.0.0
    assert done.returncode == 0 and report["approved"] == (
        "the minor (the major below 1.0.0) version bump 0.3.0 → 0.4.0"
    )
    done, report = _json(tmp_path, "1.9.0", "2.0.0-rc.1")
    assert done.returncode == 0 and "approved" in report
    done, report = _json(tmp_path, "0.9.0", "1.0.0")
    assert done.returncode == 0 and report["approved"] == "the major version bump 0.9.0 → 1.0.0"


def test_approval_covers_breaking_changes_only(tmp_path: Path):
    """Approved breaking changes do not count for the exit status; warnings still do."""
    _config(tmp_path, "versioning: major-bump-approves\nlevels: {operation-id-changed: warning}\n")
    base, revision = _pair(tmp_path, "1.2.0", "2.0.0")
    both = _document("2.0.0", "breaking")
    both["paths"]["/pets"]["get"]["operationId"] = "getPets"  # and a warning
    Path(revision).write_text(json.dumps(both))
    assert run_cli("diff", base, revision, cwd=tmp_path).returncode == 0
    assert run_cli("diff", base, revision, "--fail-on", "warning", cwd=tmp_path).returncode == 1


def test_the_command_line_option_overrides_the_configuration(tmp_path: Path):
    done, _ = _json(tmp_path, "1.2.0", "2.0.0", "breaking", "--versioning", "major-bump-approves")
    assert done.returncode == 0
    _config(tmp_path, "versioning: major-bump-approves\n")
    done, _ = _json(tmp_path, "1.2.0", "2.0.0", "breaking", "--versioning", "judge")
    assert done.returncode == 1


@pytest.mark.parametrize(
    ("args", "config", "culprit"),
    [
        (("--versioning", "sometimes"), "", "--versioning: unknown value 'sometimes'"),
        ((), "versioning: sometimes\n", ".oasguard.yaml: versioning: unknown value 'sometimes'"),
        ((), "versioning: [major-bump-approves]\n", ".oasguard.yaml: versioning: unknown value"),
    ],
)
def test_a_bad_versioning_value_is_named(tmp_path: Path, args: tuple[str, ...], config: str, culprit: str):
    if config:
        _config(tmp_path, config)
    done = run_cli("diff", *_pair(tmp_path, "1.2.0", "2.0.0"), *args, cwd=tmp_path)
    assert done.returncode == 2 and done.stdout == ""
    assert culprit in done.stderr and len(done.stderr.splitlines()) == 1, done.stderr
    assert "Traceback" not in done.stderr


# --- every format --------------------------------------------------------------------------------


def _run(tmp_path: Path, *args: str) -> str:
    done = run_cli("diff", *_pair(tmp_path, "1.2.0", "1.3.0"), *args, cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    return done.stdout


MESSAGE = "info.version went from 1.2.0 to 1.3.0 with 1 breaking change"


def test_text_shows_them(tmp_path: Path):
    out = _run(tmp_path)
    assert MESSAGE in out and f"[{MAJOR}]" in out


def test_markdown_shows_them(tmp_path: Path):
    out = _run(tmp_path, "--format", "markdown")
    page = parse_markdown(out)
    assert any(MESSAGE in text for text in page.text), out
    assert MAJOR in out


def test_github_annotates_the_version_line(tmp_path: Path):
    lines = _run(tmp_path, "--format", "github").splitlines()
    (line,) = [line for line in lines if MAJOR in line]
    match = WORKFLOW_COMMAND.match(line)
    assert match and match["command"] == "warning", line
    assert "revision.json" in line and MESSAGE in line


def test_sarif_carries_them(tmp_path: Path):
    sarif = assert_valid_sarif(_run(tmp_path, "--format", "sarif"))
    results = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == MAJOR]
    assert len(results) == 1 and results[0]["level"] == "warning"
    assert MESSAGE in results[0]["message"]["text"]


def test_junit_carries_them(tmp_path: Path):
    out = _run(tmp_path, "--format", "junit")
    assert_valid_junit(out)
    assert MESSAGE in "".join(ET.fromstring(out).itertext()) or MESSAGE in out


def test_json_and_every_output_of_one_run_agree(tmp_path: Path):
    names = ("json", "markdown", "sarif", "junit", "text", "gitlab", "changelog")
    outputs = {name: tmp_path / f"report.{name}" for name in names}
    args = [arg for name, path in outputs.items() for arg in ("--output", f"{name}={path}")]
    _run(tmp_path, "--format", "github", *args)
    for name, path in outputs.items():
        assert MESSAGE in path.read_text(encoding="utf-8"), name
    (issue,) = [i for i in json.loads(outputs["gitlab"].read_text()) if i["check_name"] == MAJOR]
    assert issue["location"] == {"path": "revision.json", "lines": {"begin": 1}}


# --- the changelog -------------------------------------------------------------------------------


def _changelog(tmp_path: Path, old: object, new: object, kind: str = "breaking") -> str:
    done = run_cli("changelog", *_pair(tmp_path, old, new, kind), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_changelog_heads_the_release_with_its_version_move(tmp_path: Path):
    out = _changelog(tmp_path, "1.4.2", "2.0.0")
    page = parse_markdown(out)
    assert "2.0.0 (from 1.4.2)" in page.headings
    assert page.headings.index("2.0.0 (from 1.4.2)") < page.headings.index("Breaking")
    assert "## 2.0.0 (from 1.4.2)\n" in out and "### Breaking\n" in out and "#### GET /owners\n" in out
    assert "should have" not in out


def test_the_changelog_says_which_part_should_have_moved(tmp_path: Path):
    out = _changelog(tmp_path, "1.4.2", "1.5.0")
    assert "## 1.5.0 (from 1.4.2)\n" in out
    assert "the major version should have increased" in out
    # said once, under the heading, not again as a change of the whole document
    assert out.count("should have increased") == 1 and "Whole document" not in out
    out = _changelog(tmp_path, "0.3.0", "0.3.1")
    assert "the minor version (the major's part below 1.0.0) should have increased" in out
    out = _changelog(tmp_path, "1.4.2", "1.4.2", "warning")
    assert "## 1.4.2 (unchanged)\n" in out and "(increase the minor version)" in out
    out = _changelog(tmp_path, "2.1.0", "2.0.9", "safe")
    assert "info.version went backwards from 2.1.0 to 2.0.9" in out


def test_the_changelog_heading_escapes_the_version_text(tmp_path: Path):
    out = _changelog(tmp_path, "1.0", "<img src=x onerror=alert(1)>@team")
    page = parse_markdown(out)
    assert not page.html and "<img" not in out and "@team" not in out
    assert any("img src=x" in heading for heading in page.headings)


# --- where the rules are documented ------------------------------------------------------------


@pytest.mark.parametrize("rule_id", sorted(VERSIONING))
def test_explain_finds_them(rule_id: str):
    done = run_cli("explain", rule_id)
    assert done.returncode == 0 and done.stdout.startswith(f"{rule_id}\n")
    assert "Before:" in done.stdout and "rules/versioning.py::judge" in done.stdout


# --- several documents in one run ---------------------------------------------------------------


def test_each_document_is_judged_and_approved_on_its_own(tmp_path: Path):
    """`diff --base REF A B`: each document's version speaks for its own changes only."""
    from repos import Repo

    repo = Repo(tmp_path / "repo")
    for name in ("a.json", "b.json"):
        repo.write(name, json.dumps(_document("1.0.0")))
    repo.write(".oasguard.yaml", "versioning: major-bump-approves\n")
    repo.commit()
    repo.write("a.json", json.dumps(_document("2.0.0", "breaking")))  # approved
    repo.write("b.json", json.dumps(_document("1.1.0", "breaking")))  # not
    args = ("diff", "--base", "main", "--format", "json", "a.json", "b.json")
    done = run_cli(*args, cwd=repo.root)
    assert done.returncode == 1, done.stderr  # b's breaking change is not approved
    report = json.loads(done.stdout)
    assert report["approved"] == "a.json: the major version bump 1.0.0 → 2.0.0"
    assert [(c["document"], c["id"]) for c in _versioning(report)] == [("b.json", MAJOR)]
    repo.write("b.json", json.dumps(_document("2.0.0", "breaking")))
    done = run_cli(*args, cwd=repo.root)
    assert done.returncode == 0, done.stdout
    changelog = run_cli("diff", "--base", "main", "--format", "changelog", "a.json", "b.json", cwd=repo.root)
    assert "## a.json: 2.0.0 (from 1.0.0)\n" in changelog.stdout
    assert "## b.json: 2.0.0 (from 1.0.0)\n" in changelog.stdout
