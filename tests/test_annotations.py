"""`--format github --annotations-limit N`: what a CI step's annotations can hold. GitHub shows 10
of each kind per step and drops the rest unseen, so the Action asks for one annotation per fact
(changes that are one fact: a shared component's change in every operation that reaches it),
breaking first, what the pull request's diff touched first, at most N of each kind, the last
saying how many more the job summary holds; safe notices only when asked.

`fixtures/annotations/` is a pair with 13 breaking facts: `Item.label` became nullable (15
operations), the shared path parameter schema `Id` got a format (as `petId` in 2 operations, as
`userId` in 1: two facts, the names differ), `NewPet.tag` became required (2 operations; the
diff touches the `required` list, not `tag`'s own lines), and 9 one-off required response
properties removed; 2 warnings; 3 safe facts (17 safe changes)."""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import unicodedata
from functools import cache
from io import StringIO
from pathlib import Path

import pytest

from conftest import GITHUB_GROUP, ROOT, github_outputs, run_cli
from formats_helpers import WORKFLOW_COMMAND, workflow_properties
from oasguard.changes import Ignored, Level, Report
from oasguard.engine import diff_paths
from oasguard.report import Annotations, Format, RenderOptions, render
from oasguard.report.groups import facts
from oasguard.touched import touched

PAIR = ("fixtures/annotations/base.yaml", "fixtures/annotations/revision.yaml")
LIMIT = ("--format", "github", "--annotations-limit", "10")
HOSTILE = ("fixtures/hostile/base.yaml", "fixtures/hostile/revision.yaml")


@cache
def annotate(*extra: str, pair: tuple[str, str] = PAIR) -> list[dict]:
    """The annotations of `diff PAIR --format github --annotations-limit 10 EXTRA`, parsed."""
    result = run_cli("diff", *LIMIT, *extra, *pair, cwd=ROOT)
    assert result.returncode == 1 and not result.stderr, result
    return parsed(result.stdout)


def fixture_report() -> Report:
    return diff_paths(ROOT / PAIR[0], ROOT / PAIR[1])


def parsed(stdout: str) -> list[dict]:
    lines = []
    for line in stdout.splitlines():
        match = WORKFLOW_COMMAND.match(line)
        assert match, line
        data = match["data"].replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")
        lines.append({"command": match["command"], **workflow_properties(match["properties"]), "data": data})
    return lines


def of(kind: str, lines: list[dict]) -> list[dict]:
    return [line for line in lines if line["command"] == kind]


def test_ten_errors_breaking_facts_widest_first_the_tenth_counting_the_rest():
    lines = annotate()
    errors = of("error", lines)
    assert len(errors) == 10
    # errors, then warnings: GitHub lists them in the order written
    assert [line["command"] for line in lines] == ["error"] * 10 + ["warning"] * 2
    # the shared component's change once, in all 15 operations, the operation list cut short
    first = errors[0]
    assert first["title"] == "response-nullable-added"
    assert first["data"].startswith("response property 'label' became nullable (at GET /shared/1 ")
    assert "— in 15 operations: GET /shared/1, GET /shared/10, GET /shared/11, " in first["data"]
    assert first["data"].endswith(", … (10 more)")
    assert first["file"] == PAIR[1] and int(first["line"]) > 0
    # then the other facts in 2 operations, then the one-offs, as the report orders them
    assert [e["title"] for e in errors[1:3]] == [
        "request-format-narrowed",
        "request-property-became-required",
    ]
    assert "— in 2 operations: GET /pets/{petId}, PUT /pets/{petId}" in errors[1]["data"]
    assert [e["data"].split(" (at")[0] for e in errors[3:9]] == [
        f"response property 'gone{n}' was removed (it was required)" for n in range(1, 7)
    ]
    assert all(" — in " not in e["data"] for e in errors[3:9])  # a fact in one place: as before
    # the tenth: how many more (gone7, gone8, gone9, userId: one place each), where to find them
    assert errors[9] == {
        "command": "error",
        "title": "oasguard",
        "data": "4 more breaking changes are in the job summary",
    }


def test_no_notice_for_safe_changes_unless_asked():
    assert of("notice", annotate()) == []
    notices = of("notice", annotate("--annotations-safe"))
    assert [n["title"] for n in notices] == [
        "response-property-added",  # in 15 operations, then in the report's order:
        "operation-added",  # DELETE /pets/{petId}
        "optional-request-parameter-added",  # GET /one-off/3
    ]
    assert "— in 15 operations" in notices[0]["data"]
    assert of("error", annotate("--annotations-safe")) == of("error", annotate())


def test_a_smaller_limit_counts_places_as_well_as_facts():
    result = run_cli("diff", "--format", "github", "--annotations-limit", "2", *PAIR, cwd=ROOT)
    errors = of("error", parsed(result.stdout))
    assert [e["title"] for e in errors] == ["response-nullable-added", "oasguard"]
    # 12 more facts: petId (2), tag (2), 9 gone, userId: 14 places
    assert errors[1]["data"] == "12 more breaking changes (in 14 places) are in the job summary"
    warnings = of("warning", parsed(result.stdout))
    assert len(warnings) == 2 and warnings[1]["title"] != "oasguard"  # 2 fit: no count needed


def test_without_the_limit_every_change_is_an_annotation():
    result = run_cli("diff", "--format", "github", *PAIR, cwd=ROOT)
    report = json.loads(run_cli("diff", "--format", "json", *PAIR, cwd=ROOT).stdout)
    lines = parsed(result.stdout)
    assert len(lines) == len(report["changes"]) == 48
    assert len(of("notice", lines)) == report["summary"]["safe"] == 17
    assert len(of("error", lines)) == report["summary"]["breaking"] == 29


def test_facts_group_what_operations_share_and_keep_apart_what_they_name_differently():
    report = fixture_report()
    found = facts(report.changes)
    assert [f.level.value for f in found].count("breaking") == 13
    assert sum(len(f.changes) for f in found) == len(report.changes)
    label = next(f for f in found if f.rule == "response-nullable-added")
    # 'label' in the objects, '[].label' in the arrays: one fact, told by its own name
    assert {c.message for c in label.changes} == {
        "response property 'label' became nullable",
        "response property '[].label' became nullable",
    }
    assert label.message == "response property 'label' became nullable" and len(label.operations) == 15
    # the same schema as two path parameters' names: two facts, one per name
    narrowed = [f for f in found if f.rule == "request-format-narrowed"]
    assert [(f.message, f.operations) for f in narrowed] == [
        (
            "path parameter 'petId' format narrowed from none to int64",
            ["GET /pets/{petId}", "PUT /pets/{petId}"],
        ),
        ("path parameter 'userId' format narrowed from none to int64", ["GET /users/{userId}"]),
    ]
    # the group id: the same fact, the same id, run after run; every fact its own
    again = facts(fixture_report().changes)
    assert [f.id for f in again] == [f.id for f in found] and len({f.id for f in found}) == len(found)


def _repository(tmp_path: Path) -> Path:
    """A repository whose last commit holds the base, its working tree the revision."""
    repo = tmp_path / "repo"
    (repo / "api").mkdir(parents=True)

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    git("config", "user.email", "dev@example.com")
    git("config", "user.name", "dev")
    (repo / "api" / "openapi.yaml").write_bytes((ROOT / PAIR[0]).read_bytes())
    git("add", "-A")
    git("commit", "-qm", "base")
    (repo / "api" / "openapi.yaml").write_bytes((ROOT / PAIR[1]).read_bytes())
    return repo


def test_with_a_git_base_the_facts_the_diff_touches_come_first(tmp_path: Path):
    repo = _repository(tmp_path)
    result = run_cli("diff", *LIMIT, "--base", "HEAD", "api/openapi.yaml", cwd=repo)
    assert result.returncode == 1, result
    errors = of("error", parsed(result.stdout))
    assert len(errors) == 10
    # `tag` became required by an edit of the `required` list, not of `tag`'s lines: it goes
    # after every fact whose own lines changed, though it is in 2 operations
    titles = [e["title"] for e in errors]
    assert "request-property-became-required" not in titles
    assert titles[:2] == ["response-nullable-added", "request-format-narrowed"]
    assert [e["data"].split(" (at")[0] for e in errors[2:9]] == [
        f"response property 'gone{n}' was removed (it was required)" for n in range(1, 8)
    ]
    assert errors[9]["data"] == "4 more breaking changes (in 5 places) are in the job summary"
    # base-side facts point into the base's lines, and the run read git without changing it
    assert all(e["file"] == "api/openapi.yaml" for e in errors[:9])
    status = subprocess.run(["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True)
    assert status.stdout == " M api/openapi.yaml\n"


@pytest.mark.parametrize("value", ["0", "-3", "ten"])
def test_a_bad_limit_is_named(value: str):
    result = run_cli("diff", "--format", "github", "--annotations-limit", value, *PAIR, cwd=ROOT)
    assert result.returncode == 2 and result.stdout == ""
    assert "--annotations-limit" in result.stderr and len(result.stderr.splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_the_limit_leaves_the_other_formats_alone(tmp_path: Path):
    markdown = tmp_path / "report.md"
    result = run_cli("diff", *LIMIT, "--output", f"markdown={markdown}", *PAIR, cwd=ROOT)
    assert len(result.stdout.splitlines()) == 12
    plain = run_cli("diff", "--format", "markdown", *PAIR, cwd=ROOT)
    assert markdown.read_text(encoding="utf-8") == plain.stdout


def test_hostile_names_stay_in_their_annotation():
    lines = annotate("--annotations-safe", pair=HOSTILE)
    assert lines and {line["command"] for line in lines} == {"error", "warning", "notice"}
    for line in lines:
        assert set(line) <= {"command", "file", "line", "title", "data"}
        assert line.get("file", HOSTILE[0]) in HOSTILE
        text = line["data"]
        assert "\n" not in text and "\r" not in text
        assert not [
            c for c in text if unicodedata.category(c) in {"Cc", "Cf", "Zl", "Zp", "Cs"} and c != "\u2060"
        ]
    # the names are kept, as text: an operation named after a workflow command included
    assert any("::error file=app.py" in line["data"] for line in lines)


@pytest.mark.corpus
@GITHUB_GROUP
def test_the_github_corpus_pair_fits_in_what_github_shows():
    outputs = github_outputs()  # --format github --annotations-limit 10, as annotate() runs it
    report = json.loads(outputs["json"])
    lines = parsed(outputs["github"])
    # the count: 164 breaking changes are 57 facts (a rule at a pointer), 1,460 safe ones
    # get no notice
    breaking = [c for c in report["changes"] if c["level"] == "breaking"]
    assert len(breaking) == 164 and len({(c["id"], c["pointer"]) for c in breaking}) == 57
    assert of("notice", lines) == []
    errors, warnings = of("error", lines), of("warning", lines)
    assert len(errors) == len(warnings) == 10
    assert errors[0]["data"].startswith("response property 'license.url' became nullable")
    assert "— in 50 operations: " in errors[0]["data"]
    shown = sum(_places(e["data"]) for e in errors[:9])
    assert errors[9]["data"] == f"48 more breaking changes (in {164 - shown} places) are in the job summary"
    assert re.fullmatch(r"\d+ more warnings \(in \d+ places\) are in the job summary", warnings[9]["data"])


def _places(text: str) -> int:
    found = re.search(r" — in (\d+) (?:operations|places)", text)
    return int(found[1]) if found else 1


def rendered(report: Report, limit: int, safe: bool = False) -> list[dict]:
    out = StringIO()
    render(report, Format.GITHUB, out, RenderOptions(annotations=Annotations(limit, safe)))
    return parsed(out.getvalue())


def test_notes_and_ignored_changes_share_the_cap_after_the_facts():
    report = fixture_report()
    safe = next(c for c in report.changes if c.level is Level.SAFE)
    notes = [f"ignore entry 'rule-{n}' matched nothing" for n in range(12)]
    report = dataclasses.replace(report, notes=notes, ignored=[Ignored(safe, "accepted")])
    warnings = of("warning", rendered(report, 10))
    # the 2 warning facts, 7 notes, then the count of the 5 notes left
    assert [w["title"] for w in warnings] == [
        "response-enum-value-added",
        "response-optional-property-removed",
    ] + ["oasguard note"] * 7 + ["oasguard"]
    assert warnings[-1]["data"] == "5 more notes are in the job summary"
    assert of("warning", rendered(report, 2))[-1]["data"] == (
        "1 more warning and 12 more notes are in the job summary"
    )
    # no safe notices, but the ignored change is still said
    assert [n["data"] for n in of("notice", rendered(report, 10))] == [
        "1 change ignored by the configuration"
    ]


def test_a_fact_in_several_places_of_one_operation_says_so():
    report = fixture_report()
    label = [c for c in report.changes if c.id == "response-nullable-added"][:2]
    same = [
        dataclasses.replace(c, subject=dataclasses.replace(c.subject, method="GET", path="/shared/1"))
        for c in label
    ]
    (line,) = rendered(dataclasses.replace(report, changes=same), 10)
    assert line["data"].endswith(" — in 2 places")


def test_touched_means_a_changed_line_inside_the_block_a_place_heads(tmp_path: Path):
    """`touched.touched`: the block of an element is its line and the more indented lines after
    it (YAML, pretty-printed JSON), a YAML list written at its key's indentation included."""
    repo = tmp_path / "repo"
    repo.mkdir()
    for args in (
        ("init", "-q", "-b", "main"),
        ("config", "user.email", "d@e.f"),
        ("config", "user.name", "d"),
    ):
        subprocess.run(["git", *args], cwd=repo, check=True)
    before = {"a": {"type": "string", "enum": ["x"]}, "b": {"type": "string"}}
    (repo / "s.json").write_text(json.dumps(before, indent=2) + "\n")
    (repo / "s.yaml").write_text("a:\n  enum:\n  - x\n  type: string\nb:\n  type: string\n")
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    subprocess.run(["git", "commit", "-qm", "base"], cwd=repo, check=True)
    after = {"a": {"type": "string", "enum": ["x", "y"]}, "b": {"type": "string"}}
    (repo / "s.json").write_text(json.dumps(after, indent=2) + "\n")
    (repo / "s.yaml").write_text("a:\n  enum:\n  - x\n  - y\n  type: string\nb:\n  type: string\n")
    json_lines = (repo / "s.json").read_text().splitlines()
    a, b = json_lines.index('  "a": {') + 1, json_lines.index('  "b": {') + 1
    places = [
        ("revision", "s.json", a),  # "a" holds the new value
        ("revision", "s.json", b),  # "b" does not
        ("revision", "s.yaml", 2),  # `enum:` heads `- y`, written at its own indentation
        ("revision", "s.yaml", 5),  # `type: string` of `a`, after the change: not it
        ("base", "s.yaml", 3),  # `- x` in the base: unchanged
    ]
    assert touched(repo, "HEAD", places) == {places[0], places[2]}
    assert touched(repo, "no-such-ref", places) == frozenset()  # orders only: never fails
