"""`--format gitlab`: GitLab's Code Quality report, validated against the schema GitLab's own
parser checks each issue with and against what GitLab's documentation requires of a report
(tests/schemas/), and compared with the JSON report of the same run: one issue per change,
its rule, its line, its fingerprint, severities as GitLab ranks them."""

from __future__ import annotations

import dataclasses
import json
import tempfile
import unicodedata
from functools import cache
from io import StringIO
from pathlib import Path

import pytest

from conftest import CORPUS, FIXTURES, ROOT, corpus_report, run_cli
from gitlab_helpers import assert_valid_code_quality
from oasguard.changes import Ignored, Level, Report
from oasguard.engine import diff_paths
from oasguard.report import Format, RenderOptions, render

PETSTORE = ("fixtures/petstore/base.yaml", "fixtures/petstore/revision.yaml")
HOSTILE = ("fixtures/hostile/base.yaml", "fixtures/hostile/revision.yaml")
KEYS = {"check_name", "description", "severity", "fingerprint", "location"}
SEVERITY = {"breaking": "major", "warning": "minor", "safe": "info"}


@cache
def petstore() -> tuple[list[dict], dict]:
    """The Code Quality report on stdout and the JSON report written by the same run."""
    path = Path(tempfile.mkdtemp(prefix="oasguard-gitlab-")) / "report.json"
    result = run_cli("diff", "--format", "gitlab", "--output", f"json={path}", *PETSTORE, cwd=ROOT)
    assert result.returncode == 1 and not result.stderr, result  # breaking changes: exit 1
    return assert_valid_code_quality(result.stdout), json.loads(path.read_text())


def written(report: Report, options: RenderOptions | None = None) -> list[dict]:
    out = StringIO()
    render(report, Format.GITLAB, out, options)
    return assert_valid_code_quality(out.getvalue())


def test_one_issue_per_change_with_its_rule_line_and_fingerprint():
    issues, report = petstore()
    changes = report["changes"]
    assert len(issues) == len(changes) == 19
    for issue, change in zip(issues, changes, strict=True):
        assert issue["check_name"] == change["id"]
        assert issue["fingerprint"] == change["fingerprint"]
        assert issue["location"]["path"] == change["source"]["file"]
        assert issue["location"]["lines"]["begin"] == change["source"]["line"]
        assert change["message"] in issue["description"]
    assert len({issue["fingerprint"] for issue in issues}) == len(issues)


def test_severities_rank_a_removed_operation_above_other_breaking_changes():
    issues, report = petstore()
    for issue, change in zip(issues, report["changes"], strict=True):
        expected = SEVERITY[change["level"]]
        if change["id"] == "operation-removed":
            expected = "critical"
        assert issue["severity"] == expected, (change["id"], issue["severity"])
    assert {issue["severity"] for issue in issues} == {"critical", "major", "minor", "info"}


def test_a_removed_element_is_placed_in_the_base_and_says_so():
    issues, _ = petstore()
    removed = next(i for i in issues if i["check_name"] == "operation-removed")
    assert removed["location"]["path"] == "fixtures/petstore/base.yaml"
    assert f"line {removed['location']['lines']['begin']} of the base" in removed["description"]
    # the operation named once, not as a prefix repeating the message
    assert removed["description"].count("DELETE /pets/{petId}") == 1
    added = next(i for i in issues if i["check_name"] == "required-request-parameter-added")
    assert added["description"].startswith("GET /pets: ")


def test_no_changes_is_an_empty_array():
    result = run_cli("diff", "--format", "gitlab", PETSTORE[0], PETSTORE[0], cwd=ROOT)
    assert result.returncode == 0 and result.stdout == "[]\n"
    assert assert_valid_code_quality(result.stdout) == []


def test_output_writes_the_same_report_as_format(tmp_path: Path):
    target = tmp_path / "gl-code-quality-report.json"
    result = run_cli("diff", "--output", f"gitlab={target}", *PETSTORE, cwd=ROOT)
    assert result.returncode == 1
    assert assert_valid_code_quality(target.read_text()) == petstore()[0]


def test_ignored_changes_are_info_with_their_reason_and_approval_is_said():
    report = diff_paths(FIXTURES / "petstore" / "base.yaml", FIXTURES / "petstore" / "revision.yaml")
    first, *rest = report.changes
    report = dataclasses.replace(report, changes=rest, ignored=[Ignored(first, "accepted in ADR-7")])
    issues = written(report, RenderOptions(approved="label breaking-change-approved"))
    assert len(issues) == len(rest) + 1
    ignored = issues[-1]
    assert ignored["check_name"] == first.id and ignored["severity"] == "info"
    assert "(ignored: accepted in ADR-7)" in ignored["description"]
    breaking = [i for i, c in zip(issues, rest, strict=False) if c.level is Level.BREAKING]
    said = "(approved by label breaking-change-approved)"
    assert breaking and all(said in i["description"] for i in breaking)
    others = [i for i, c in zip(issues, rest, strict=False) if c.level is not Level.BREAKING]
    assert others and not any("approved" in i["description"] for i in others)


def test_fingerprints_stay_unique_when_two_documents_change_the_same_way():
    """A fingerprint leaves the document out (a moved file keeps its changes): two services
    with the same change share it, and GitLab would show them as one. Each keeps its own."""
    report = diff_paths(FIXTURES / "petstore" / "base.yaml", FIXTURES / "petstore" / "revision.yaml")
    twice = [
        dataclasses.replace(change, document=f"{name}/openapi.yaml", file=f"{name}/openapi.yaml")
        for name in ("a", "b")
        for change in report.changes
    ]
    issues = written(dataclasses.replace(report, changes=twice))
    fingerprints = [i["fingerprint"] for i in issues]
    assert len(set(fingerprints)) == len(fingerprints) == 2 * len(report.changes)
    # the first document's keep the change's own fingerprint, and the result is deterministic
    assert fingerprints[: len(report.changes)] == [c.fingerprint for c in report.changes]
    assert [i["fingerprint"] for i in written(dataclasses.replace(report, changes=twice))] == fingerprints
    assert all("[b/openapi.yaml]" in i["description"] for i in issues[len(report.changes) :])


def _hidden(text: str) -> list[str]:
    return [f"U+{ord(c):04X}" for c in text if unicodedata.category(c) in {"Cc", "Cf", "Zl", "Zp", "Cs"}]


def test_hostile_names_inject_nothing():
    """Names with newlines, workflow commands, HTML, mentions, terminal escapes and bidi
    overrides: every issue stays one line of visible text, its rule id is oasguard's."""
    result = run_cli("diff", "--format", "gitlab", *HOSTILE, cwd=ROOT)
    assert result.returncode == 1 and not result.stderr
    assert result.stdout.isascii()
    issues = assert_valid_code_quality(result.stdout)
    changes = json.loads(run_cli("diff", "--format", "json", *HOSTILE, cwd=ROOT).stdout)["changes"]
    assert [i["check_name"] for i in issues] == [c["id"] for c in changes]
    assert {i["location"]["path"] for i in issues} <= set(HOSTILE)
    for issue in issues:
        assert set(issue) == {*KEYS, "type", "categories"}
        assert not _hidden(issue["description"]), issue["description"]
    text = " ".join(i["description"] for i in issues)
    assert "\\x1b[31m" in text and "\\u202e" in text and "\\n::error" in text  # shown, visibly


@pytest.mark.corpus
def test_fingerprints_are_unique_on_a_real_pair():
    if not (CORPUS / "MANIFEST.json").exists():
        pytest.skip("the corpus (../shared/corpus) is not here")
    report = corpus_report("twilio-messaging-json")[0]
    issues = written(report)
    assert len(issues) == len(report.changes) > 0
    assert len({i["fingerprint"] for i in issues}) == len(issues)
