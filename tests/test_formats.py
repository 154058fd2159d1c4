"""Every output format on real fixture output, read back with the format's own parser or schema:
SARIF against the official 2.1.0 schema, JUnit against junit-10.xsd, workflow commands against
their grammar, Markdown through a GFM parser; and the report's added parts (source lines,
documents, consumers, ignored changes, notes) in each format."""

from __future__ import annotations

import dataclasses
import json
import xml.etree.ElementTree as ET
from functools import cache
from io import StringIO
from pathlib import Path

import pytest

from conftest import FIXTURES, GITHUB_GROUP, ROOT, github_outputs, run_cli
from formats_helpers import (
    WORKFLOW_COMMAND,
    assert_valid_junit,
    assert_valid_sarif,
    parse_markdown,
    workflow_properties,
)
from oasguard.changes import Ignored, Level, Report, Source
from oasguard.engine import diff_paths
from oasguard.report import Format, RenderOptions, render
from oasguard.report.groups import entries
from oasguard.report.markdown import GITHUB_LIMIT
from oasguard.rules.registry import RULES

PETSTORE = ("fixtures/petstore/base.yaml", "fixtures/petstore/revision.yaml")
FORMATS = [f.value for f in Format]


@cache
def run(format: str, *extra: str, pair: tuple[str, str] = PETSTORE):
    """`oasguard diff PAIR --format FORMAT` run from the repository's top level, once a session."""
    return run_cli("diff", "--format", format, *extra, *pair, cwd=ROOT)


@cache
def petstore_json() -> dict:
    return json.loads(run("json").stdout)


def petstore_report() -> Report:
    return diff_paths(FIXTURES / "petstore" / "base.yaml", FIXTURES / "petstore" / "revision.yaml")


def written(report: Report, format: Format, options: RenderOptions | None = None) -> str:
    out = StringIO()
    render(report, format, out, options)
    return out.getvalue()


def with_lines(report: Report) -> Report:
    """The report with a source line on each change (what the `lines` feature fills): line N
    for the N-th change, on the side the change is in."""
    changes = [
        dataclasses.replace(c, source=Source(c.file, index + 1, "base" if c.in_base else "revision"))
        for index, c in enumerate(report.changes)
    ]
    return dataclasses.replace(report, changes=changes)


@pytest.mark.parametrize("format", FORMATS)
def test_every_format_is_accepted_and_keeps_the_exit_status(format: str):
    result = run(format)
    assert result.returncode == 1, result.stderr  # petstore has breaking changes
    assert result.stdout and not result.stderr


def test_an_unknown_format_names_it():
    result = run_cli("diff", "--format", "yaml", *PETSTORE, cwd=ROOT)
    assert result.returncode == 2 and "'yaml'" in result.stderr and "sarif" in result.stderr


# SARIF


def test_sarif_is_valid_and_has_one_rule_per_id_and_one_result_per_change():
    log = assert_valid_sarif(run("sarif").stdout)
    expected = petstore_json()["changes"]
    (sarif_run,) = log["runs"]
    rules = sarif_run["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == list(dict.fromkeys(c["id"] for c in expected))
    levels = {"breaking": "error", "warning": "warning", "safe": "note"}
    for rule in rules:
        documented = RULES[rule["id"]]
        assert rule["shortDescription"]["text"] == documented.summary
        assert documented.summary in rule["help"]["text"] and rule["fullDescription"]["text"]
        assert rule["defaultConfiguration"]["level"] == levels[documented.level.value]
    results = sarif_run["results"]
    assert len(results) == len(expected)
    for result, change in zip(results, expected, strict=True):
        assert result["ruleId"] == change["id"]
        assert rules[result["ruleIndex"]]["id"] == change["id"]
        assert result["level"] == levels[change["level"]]
        assert change["message"] in result["message"]["text"]
        assert result["partialFingerprints"] == {"oasguard/v1": change["fingerprint"]}
        (location,) = result["locations"]
        uri = location["physicalLocation"]["artifactLocation"]["uri"]
        assert (ROOT / uri).is_file(), uri


def test_sarif_fingerprints_are_stable_across_runs():
    first = json.loads(run("sarif").stdout)
    again = json.loads(run_cli("diff", "--format", "sarif", *PETSTORE, cwd=ROOT).stdout)
    assert first == again


def test_sarif_regions_carry_the_source_line_when_known():
    report = with_lines(petstore_report())
    log = assert_valid_sarif(written(report, Format.SARIF))
    for result, change in zip(log["runs"][0]["results"], report.changes, strict=True):
        physical = result["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"]["uri"] == change.source.file
        assert physical["region"] == {"startLine": change.source.line}


# JUnit


def test_junit_is_valid_with_a_test_case_per_operation_and_a_failure_per_breaking_change():
    text = run("junit").stdout
    assert_valid_junit(text)
    changes = petstore_json()["changes"]
    suite = ET.fromstring(text).find("testsuite")
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert set(cases) == {c["operation"] or "document" for c in changes}
    for name, case in cases.items():
        breaking = [c for c in changes if c["operation"] == name and c["level"] == "breaking"]
        failures = case.findall("failure")
        assert [(f.get("type"), f.get("message")) for f in failures] == [
            (c["id"], c["message"]) for c in breaking
        ]
        others = [c for c in changes if c["operation"] == name and c["level"] != "breaking"]
        out = case.findtext("system-out") or ""
        assert all(c["message"] in out for c in others)
    failed = sum(1 for case in cases.values() if case.find("failure") is not None)
    assert suite.get("failures") == str(failed) and suite.get("tests") == str(len(cases))


def test_junit_with_no_changes_is_one_passing_case():
    same = "fixtures/petstore/base.yaml"
    result = run_cli("diff", "--format", "junit", same, same, cwd=ROOT)
    assert result.returncode == 0
    assert_valid_junit(result.stdout)
    suite = ET.fromstring(result.stdout).find("testsuite")
    assert [case.get("name") for case in suite.iter("testcase")] == ["document"]
    assert suite.get("failures") == "0"


# GitHub workflow commands


def test_github_writes_one_workflow_command_per_change_at_a_real_file():
    result = run("github")
    lines = result.stdout.splitlines()
    # the most severe first: GitHub shows only the first annotations of each kind
    order = ["breaking", "warning", "safe"]
    changes = sorted(petstore_json()["changes"], key=lambda c: order.index(c["level"]))
    command = {"breaking": "error", "warning": "warning", "safe": "notice"}
    for line, change in zip(lines, changes, strict=True):
        match = WORKFLOW_COMMAND.match(line)
        assert match, line
        assert match["command"] == command[change["level"]]
        properties = workflow_properties(match["properties"])
        assert properties["title"] == change["id"]
        assert (ROOT / properties["file"]).is_file(), properties
        if "line" in properties:  # once source lines are known
            count = len((ROOT / properties["file"]).read_text().splitlines())
            assert 1 <= int(properties["line"]) <= count
        assert change["message"] in match["data"]


def test_github_puts_the_source_line_in_each_command_when_known():
    report = with_lines(petstore_report())
    lines = written(report, Format.GITHUB).splitlines()
    ranked = sorted(report.changes, key=lambda c: -c.level.rank)
    for line, change in zip(lines, ranked, strict=True):
        properties = workflow_properties(WORKFLOW_COMMAND.match(line)["properties"])
        assert properties["file"] == change.source.file
        assert properties["line"] == str(change.source.line)


# Markdown


def test_markdown_has_the_verdict_the_counts_and_every_breaking_change():
    """Every change is in a row: its own, or its fact's when the fact is in several operations
    (a shared component's change told once, the operations folded in the operation column)."""
    page = parse_markdown(run("markdown").stdout)
    summary = petstore_json()["summary"]
    assert "breaking" in page.headings[0].lower()
    counts = page.tables[0]
    assert counts[0] == ["level", "changes", "places"]  # 13 facts in 19 places
    assert {row[0].split()[-1]: row[2] for row in counts[1:]} == {
        level: str(count) for level, count in summary.items()
    }
    rows = [row for table in page.tables[1:] for row in table[1:]]
    changes = petstore_json()["changes"]
    groups = {change["group"]: [c for c in changes if c["group"] == change["group"]] for change in changes}
    assert {level: sum(1 for g in groups.values() if g[0]["level"] == level) for level in summary} == {
        row[0].split()[-1]: int(row[1]) for row in counts[1:]
    }
    for members in groups.values():
        first = members[0]
        if len(members) == 1:
            assert [first["operation"], first["message"], first["id"]] in [row[:3] for row in rows], first
            continue
        n = len(members)
        (row,) = [r for r in rows if r[0].startswith(f"{n} operations") and r[2] == first["id"]]
        assert row[1].endswith(f" — in {n} operations") and all(c["operation"] in row[0] for c in members)
    assert not page.links  # no --link: no links
    assert "<details>\n<summary>✅ Safe changes (4 in 6 places)</summary>\n" in page.html


@pytest.mark.parametrize("verdict", ["breaking", "needs review", "safe"])
def test_markdown_headline_says_breaking_needs_review_or_safe(verdict: str, tmp_path: Path):
    revision = FIXTURES / "petstore" / "revision.yaml"
    base = {"breaking": FIXTURES / "petstore" / "base.yaml", "safe": revision}.get(verdict)
    if base is None:  # the base without a response enum value: only warnings
        base = tmp_path / "base.yaml"
        text = revision.read_text()
        base.write_text(text.replace("enum: [available, pending, sold, adopted]", "enum: [available]"))
    result = run_cli("diff", "--format", "markdown", str(base), str(revision), cwd=ROOT)
    page = parse_markdown(result.stdout)
    assert verdict in page.headings[0]
    others = {"breaking", "needs review", "safe"} - {verdict}
    assert not any(word in page.headings[0] for word in others)


def test_markdown_links_each_line_at_the_revision_and_says_approved(tmp_path: Path):
    report = with_lines(petstore_report())
    options = RenderOptions(link="https://github.com/o/r/blob/0123abc", approved="label `breaking-ok`")
    page = parse_markdown(written(report, Format.MARKDOWN, options))
    assert "approved" in page.headings[0] and "breaking changes approved" in page.headings[0]
    assert any("breaking-ok" in text and "approved" in text for text in page.text)
    # a row per fact: a fact in several operations links its first change's line
    listed = [fact.first for fact in entries(report.changes)]
    assert page.links == [
        f"https://github.com/o/r/blob/0123abc/{c.file}#L{c.source.line}"
        for c in sorted(listed, key=lambda c: -c.level.rank)
        if not c.in_base
    ]
    rows = [row for table in page.tables[1:] for row in table[1:]]
    for fact in entries(report.changes):
        change = fact.first
        where = f"{change.source.file}:{change.source.line}"
        expected = f"{where} (base)" if change.in_base else where
        spread = f" — in {len(fact.changes)} operations" if len(fact.changes) > 1 else ""
        message = fact.message + spread
        assert any(row[1] == message and row[3].endswith(expected) for row in rows), change


def test_markdown_options_come_from_the_command_line():
    result = run("markdown", "--approved-by", "label api-break", "--link", "https://x.test/blob/s")
    assert result.returncode == 1  # approval is what the Action decides with; the status stays
    page = parse_markdown(result.stdout)
    assert "approved" in page.headings[0]
    assert any("label api-break" in text for text in page.text)
    at = "https://x.test/blob/s/fixtures/petstore/revision.yaml"  # with #Lline once lines are known
    assert page.links and all(link == at or link.startswith(at + "#L") for link in page.links)


@pytest.mark.corpus
@GITHUB_GROUP
def test_markdown_of_the_github_corpus_pair_stays_under_the_comment_limit():
    markdown = github_outputs()["markdown"]  # of a run that exited 1
    assert len(markdown) < GITHUB_LIMIT
    page = parse_markdown(markdown)
    # facts (a shared component's change once) and the places they are in
    summary = {row[0].split()[-1]: int(row[1]) for row in page.tables[0][1:]}
    places = {row[0].split()[-1]: int(row[2]) for row in page.tables[0][1:]}
    assert sum(places.values()) > 1700  # 164 breaking, 126 warning, 1462 safe
    assert sum(summary.values()) < sum(places.values())
    assert "breaking" in page.headings[0]
    shown = {level: 0 for level in summary}
    for table in page.tables[1:]:
        for row in table[1:]:
            shown[RULES[row[2]].level.value] += 1  # the default level: the registry's
    assert shown["breaking"] > 50 and shown["warning"] > 10 and shown["safe"] > 10
    left_out = [text for text in page.text if "not shown here" in text]
    for level, count in summary.items():
        if count > shown[level]:
            assert any(f"{count - shown[level]} {level} changes (in " in t for t in left_out), level


# JSON


def test_json_adds_source_document_consumers_ignored_and_notes_byte_for_byte():
    report = with_lines(petstore_report())
    first, second, *rest = report.changes
    first = dataclasses.replace(first, document="api/openapi.yaml", consumers=("mobile", "web"))
    report = dataclasses.replace(
        report,
        changes=[first, *rest],
        ignored=[Ignored(second, "known: ticket 12")],
        notes=["ignore entry 'x' expired on 2026-01-01"],
    )
    text = written(report, Format.JSON)
    document = json.loads(text)
    assert text == json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    head = document["changes"][0]
    assert head["source"] == {"file": first.source.file, "line": first.source.line}
    assert head["document"] == "api/openapi.yaml" and head["consumers"] == ["mobile", "web"]
    assert "document" not in document["changes"][1] and "consumers" not in document["changes"][1]
    plain = json.loads(written(with_lines(petstore_report()), Format.JSON))["changes"][1]
    assert document["ignored"] == [{**plain, "reason": "known: ticket 12"}]
    assert document["notes"] == ["ignore entry 'x' expired on 2026-01-01"]
    assert document["summary"] == report.summary and len(document["changes"]) == len(report.changes)


def test_json_without_the_added_parts_keeps_its_layout():
    text = run("json").stdout
    document = json.loads(text)
    assert list(document) == ["summary", "changes"]
    assert all("source" not in c and "consumers" not in c for c in document["changes"])
    assert text == json.dumps(document, indent=2, ensure_ascii=False) + "\n"


# Ignored changes, notes, consumers and documents in every format


def decorated() -> Report:
    """The petstore report with what configuration and consumers add: the first breaking change
    ignored, a note, consumers on one change, and the changes split over two documents."""
    report = petstore_report()
    ignored, consumed, *rest = report.changes
    consumed = dataclasses.replace(consumed, consumers=("billing-service", "mobile-app"))
    changes = [consumed] + [
        dataclasses.replace(c, document="specs/b.yaml" if i % 2 else "specs/a.yaml")
        for i, c in enumerate(rest)
    ]
    return dataclasses.replace(
        report,
        changes=changes,
        ignored=[Ignored(ignored, "accepted in ADR-7")],
        notes=["ignore entry 'old-rule' matched nothing"],
    )


def test_text_shows_ignored_changes_notes_consumers_and_documents():
    report = decorated()
    text = written(report, Format.TEXT)
    assert "Ignored by the configuration (1)" in text and "accepted in ADR-7" in text
    assert report.ignored[0].change.message in text
    assert "note: ignore entry 'old-rule' matched nothing" in text
    assert "breaks: billing-service, mobile-app" in text
    assert "== specs/a.yaml" in text and "== specs/b.yaml" in text


def test_markdown_shows_ignored_changes_notes_consumers_and_documents():
    page = parse_markdown(written(decorated(), Format.MARKDOWN))
    ignored = next(t for t in page.tables if t[0] == ["operation", "change", "rule", "reason"])
    assert ignored[1][1:] == [decorated().ignored[0].change.message, "operation-removed", "accepted in ADR-7"]
    assert "Notes" in page.headings
    assert "ignore entry 'old-rule' matched nothing" in page.text
    changes = [row for t in page.tables if t[0][0] == "document" for row in t[1:]]
    assert {row[0] for row in changes} >= {"specs/a.yaml", "specs/b.yaml"}
    assert any("(affects billing-service, mobile-app)" in row[2] for row in changes)


def test_sarif_and_junit_show_ignored_changes_notes_and_consumers():
    report = decorated()
    log = assert_valid_sarif(written(report, Format.SARIF))
    (sarif_run,) = log["runs"]
    suppressed = [r for r in sarif_run["results"] if r.get("suppressions")]
    assert len(suppressed) == 1
    assert suppressed[0]["suppressions"][0]["justification"] == "accepted in ADR-7"
    notes = sarif_run["invocations"][0]["toolExecutionNotifications"]
    assert [n["message"]["text"] for n in notes] == ["ignore entry 'old-rule' matched nothing"]
    assert sarif_run["results"][0]["properties"]["consumers"] == ["billing-service", "mobile-app"]
    xml = written(report, Format.JUNIT)
    assert_valid_junit(xml)
    root = ET.fromstring(xml)
    assert "ignored (accepted in ADR-7)" in "".join(root.itertext())
    assert "affects billing-service, mobile-app" in "".join(root.itertext())
    notes = [p.get("value") for p in root.iter("property") if p.get("name") == "note"]
    assert notes == ["ignore entry 'old-rule' matched nothing"]
    assert {c.get("classname") for c in root.iter("testcase")} >= {"specs/a.yaml", "specs/b.yaml"}


def test_github_shows_notes_and_consumers_and_never_annotates_ignored_changes():
    report = decorated()
    lines = written(report, Format.GITHUB).splitlines()
    assert all(WORKFLOW_COMMAND.match(line) for line in lines)
    assert len([line for line in lines if "title=oasguard note" in line]) == 1
    assert not any(report.ignored[0].change.message in line for line in lines)
    assert "affects billing-service, mobile-app" in lines[0]


# --output and the changelog


def test_output_writes_more_formats_from_one_run(tmp_path: Path):
    summary, sarif, junit = tmp_path / "summary.md", tmp_path / "r.sarif", tmp_path / "r.xml"
    result = run_cli(
        "diff", "--format", "github", "--output", f"markdown={summary}", "-o", f"sarif={sarif}",
        "--output", f"junit={junit}", *PETSTORE, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stdout == run("github").stdout
    assert summary.read_text(encoding="utf-8") == run("markdown").stdout
    assert json.loads(sarif.read_text(encoding="utf-8")) == json.loads(run("sarif").stdout)
    assert_valid_junit(junit.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("value", "culprit"),
    [("yaml=out.txt", "'yaml'"), ("markdown", "'markdown'"), ("json=/nonexistent/dir/r.json", "r.json")],
)
def test_a_bad_output_is_named(value: str, culprit: str):
    result = run_cli("diff", "--output", value, *PETSTORE, cwd=ROOT)
    assert result.returncode == 2 and culprit in result.stderr and "--output" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1


def test_changelog_lists_every_change_by_section_and_operation():
    result = run_cli("changelog", *PETSTORE, cwd=ROOT)
    assert result.returncode == 0 and not result.stderr
    page = parse_markdown(result.stdout)
    sections = [h for h in page.headings if h in ("Breaking", "Deprecated", "Changed", "Added")]
    assert sections == ["Breaking", "Changed", "Added"]
    changes = petstore_json()["changes"]
    items = [text for text in page.text if text]
    for change in changes:
        assert any(text.startswith(change["message"]) for text in items), change
    assert {c["operation"] for c in changes} <= set(page.headings)
    assert not page.html and not page.links


def test_changelog_needs_two_documents():
    result = run_cli("changelog", PETSTORE[0], cwd=ROOT)
    assert result.returncode == 2 and "BASE and REVISION" in result.stderr


def test_a_breaking_level_from_configuration_is_what_every_format_shows():
    """Reporters read the change's level (which policy may change), not the registry's."""
    report = petstore_report()
    safe = next(c for c in report.changes if c.level is Level.SAFE)
    raised = dataclasses.replace(safe, level=Level.BREAKING)
    report = dataclasses.replace(report, changes=[raised])
    assert WORKFLOW_COMMAND.match(written(report, Format.GITHUB))["command"] == "error"
    assert assert_valid_sarif(written(report, Format.SARIF))["runs"][0]["results"][0]["level"] == "error"
    assert ET.fromstring(written(report, Format.JUNIT)).find(".//failure") is not None


def test_github_escapes_a_file_name_that_holds_the_property_separators():
    report = petstore_report()
    odd = dataclasses.replace(report.changes[0], source=Source("specs/a,b:c%0A.yaml", 3))
    (line,) = written(dataclasses.replace(report, changes=[odd]), Format.GITHUB).splitlines()
    match = WORKFLOW_COMMAND.match(line)
    assert match, line
    assert workflow_properties(match["properties"]) == {
        "file": "specs/a,b:c%0A.yaml",
        "line": "3",
        "title": odd.id,
    }
