"""Root causes first (issue 22): a change that is one fact in several operations (a shared
component's, reported once per operation that reaches it, SPEC 2) is listed once in Markdown and
text, with its operations folded under it and `— in N operations`; the headline says both counts;
JSON keeps one change per operation and gives a fact's changes one `group`.

`fixtures/annotations/` holds `Item.label` made nullable (15 operations), the shared path
parameter schema `Id` given a format (as `petId` in 2 operations, as `userId` in 1: two facts,
the names differ), `NewPet.tag` made required (2 operations) and 9 one-off removals."""

from __future__ import annotations

import json
import re
from functools import cache
from io import StringIO

import pytest

from conftest import GITHUB_GROUP, ROOT, github_outputs, run_cli
from formats_helpers import parse_markdown
from oasguard.changes import Change, Level, Report, Subject
from oasguard.report import Format, RenderOptions, render
from oasguard.report.markdown import GITHUB_LIMIT, MAX_ROWS, markdown_report

PAIR = ("fixtures/annotations/base.yaml", "fixtures/annotations/revision.yaml")


@cache
def diff(format: str, pair: tuple[str, str] = PAIR) -> str:
    result = run_cli("diff", "--format", format, *pair, cwd=ROOT, timeout=300, env={"NO_COLOR": "1"})
    assert result.returncode == 1 and not result.stderr, result
    return result.stdout


def groups(pair: tuple[str, str] = PAIR, report: str | None = None) -> list[list[dict]]:
    """The JSON report's changes (of `pair`, or the `report` given) by `group`, in the order each
    group first appears."""
    found: dict[str, list[dict]] = {}
    for change in json.loads(diff("json", pair) if report is None else report)["changes"]:
        found.setdefault(change["group"], []).append(change)
    return list(found.values())


def rows(markdown: str) -> list[list[str]]:
    """The rows of the change tables (operation, change, rule, where), headers left out."""
    page = parse_markdown(markdown)
    return [row for table in page.tables[1:] for row in table[1:]]


def fact_row(table: list[list[str]], members: list[dict]) -> list[str]:
    """The one row that tells the fact of `members`, a change in several operations, all of
    them listed (markdown-it drops the `<details>`, `<summary>` and `<br>` tags of the cell).
    Its message names what the first change's does, or the part of it every change shares
    (`license.url` for `repository.license.url`)."""
    operations = list(dict.fromkeys(change["operation"] for change in members))
    cell = f"{len(operations)} operations" + "".join(operations)
    names = _quoted(members[0]["message"])
    found = [
        row
        for row in table
        if row[0] == cell
        and row[2] == members[0]["id"]
        and len(_quoted(row[1])) == len(names)
        and all(name.endswith(part) for name, part in zip(names, _quoted(row[1]), strict=True))
    ]
    assert len(found) == 1, (members[0]["message"], found)
    return found[0]


def _quoted(message: str) -> list[str]:
    return re.findall(r"'([^']*)'", message)


def test_json_keeps_a_change_per_operation_and_a_shared_group_per_fact():
    changes = json.loads(diff("json"))["changes"]
    label = [c for c in changes if c["id"] == "response-nullable-added"]
    assert len(label) == 15 and len({c["operation"] for c in label}) == 15
    assert len({c["group"] for c in label}) == 1
    # the same schema change reached as `petId` and as `userId`: two facts
    narrowed = [c for c in changes if c["id"] == "request-format-narrowed"]
    by_name = {("petId" in c["message"], c["group"]) for c in narrowed}
    assert len(narrowed) == 3 and len(by_name) == 2 and len({g for _, g in by_name}) == 2
    # the same documents give the same groups; one-offs each their own
    assert [c["group"] for c in changes] == [c["group"] for c in json.loads(diff("json"))["changes"]]
    gone = [c["group"] for c in changes if c["id"] == "response-property-removed"]
    assert len(gone) == len(set(gone)) == 9


def test_markdown_lists_a_shared_change_once_with_its_operations_folded():
    text = diff("markdown")
    assert "This change breaks clients: 13 breaking changes, in 29 places." in text
    table = rows(text)
    label = next(g for g in groups() if g[0]["id"] == "response-nullable-added")
    row = fact_row(table, label)
    assert row[1] == "response property 'label' became nullable — in 15 operations"
    assert row[3] == "fixtures/annotations/revision.yaml:333"  # the element's line, once
    assert "<details><summary>15 operations</summary>GET /shared/1<br>GET /shared/10<br>" in text
    assert sum(1 for r in table if "label" in r[1]) == 1


def test_a_fact_in_one_operation_is_shown_as_before():
    """Its own row: the operation, the message, the rule, the path below the operation."""
    table = rows(diff("markdown"))
    singles = [g[0] for g in groups() if len(g) == 1 and g[0]["level"] != "safe"]
    assert len(singles) == 12  # 9 removals, `userId`, 2 warnings
    for change in singles:
        row = [change["operation"], change["message"], change["id"]]
        (found,) = [r for r in table if r[:3] == row]
        assert found[3].startswith(change["location"].split(" › ", 1)[1])


def test_a_change_whose_message_names_the_operations_own_parameter_is_not_merged():
    table = rows(diff("markdown"))
    user = [r for r in table if "'userId'" in r[1]]
    pet = [r for r in table if "'petId'" in r[1]]
    assert [r[:3] for r in user] == [
        [
            "GET /users/{userId}",
            "path parameter 'userId' format narrowed from none to int64",
            "request-format-narrowed",
        ]
    ]
    assert len(pet) == 1 and pet[0][1].endswith("— in 2 operations")
    assert pet[0][0] == "2 operationsGET /pets/{petId}PUT /pets/{petId}"


def test_text_lists_a_shared_change_once_naming_the_first_operations():
    text = diff("text")
    assert text.count("became nullable") == 1
    block = text[text.index("Shared by 15 operations\n") :].split("\n\n", 1)[0].splitlines()
    assert block[1].endswith(
        "response property 'label' became nullable — in 15 operations  [response-nullable-added]"
    )
    assert [line.strip() for line in block[2:]] == [
        "in GET /shared/1",
        *(f"GET /shared/{n}" for n in (10, 11, 12, 13)),
        "… and 10 more",
    ]
    # the one-offs as before, under their operation, and both counts on the last line
    assert "GET /users/{userId}\n  ✗ breaking path parameter 'userId' format narrowed" in text
    assert text.rstrip().endswith("18 changes, in 48 places: 13 breaking, 2 warning, 3 safe")


def _shared(facts: int, operations: int) -> Report:
    """`facts` breaking facts, each the same change of a shared schema in `operations`
    operations with long paths: the operation lists alone are far over the comment's size."""
    changes = []
    for fact in range(facts):
        for operation in range(operations):
            path = f"/organisations/{{organisation}}/projects/{{project}}/resource-{operation:03}/items"
            message = f"response property 'field{fact}' became nullable"
            changes.append(
                Change(
                    "response-nullable-added",
                    Level.BREAKING,
                    message,
                    Subject("GET", path),
                    f"/components/schemas/Shared/properties/field{fact}",
                    args={"subject": f"response property 'field{fact}'", "name": f"field{fact}"},
                )
            )
    return Report(changes, "base.yaml", "revision.yaml")


def test_the_size_cap_cuts_operation_lists_before_facts():
    text = markdown_report(_shared(60, 40), RenderOptions())
    assert len(text) < GITHUB_LIMIT
    table = rows(text)
    assert [r[1] for r in table] == [
        f"response property 'field{n}' became nullable — in 40 operations" for n in range(60)
    ]
    assert "not shown here" not in text
    assert all(r[0].startswith("40 operations") and r[0].endswith(" more") for r in table)
    # past what even one row per fact holds, facts are cut and counted with their places
    text = markdown_report(_shared(MAX_ROWS[Level.BREAKING] + 10, 3), RenderOptions())
    assert len(rows(text)) == MAX_ROWS[Level.BREAKING]
    assert "*… and 10 breaking changes (in 30 places) not shown here" in text


@pytest.mark.corpus
@GITHUB_GROUP
def test_the_github_pair_shows_every_breaking_and_warning_fact_within_the_comment_limit():
    outputs = github_outputs()
    text = outputs["markdown"]
    assert len(text) < GITHUB_LIMIT
    assert "This change breaks clients: 57 breaking changes, in 164 places." in text
    table = rows(text)
    found = {"breaking": 0, "warning": 0}
    for members in groups(report=outputs["json"]):
        level = members[0]["level"]
        if level == "safe":
            continue
        found[level] += 1
        if len({change["operation"] for change in members}) == 1:
            change = members[0]
            assert [change["operation"], change["message"], change["id"]] in [r[:3] for r in table]
        else:
            assert fact_row(table, members)[1].endswith(f" — in {len(members)} operations")
    assert found == {"breaking": 57, "warning": 47}
    assert "breaking changes not shown" not in text and "warning changes not shown" not in text
    assert "response property 'license.url' became nullable — in 50 operations" in text


def test_a_later_sections_facts_come_before_an_earlier_sections_operation_lists():
    """145 long warnings after 30 breaking facts in 60 operations each: the breaking lists of
    operations are cut so that every warning keeps its row."""
    report = _shared(30, 60)
    note = "of a long description that goes on and on about the value and what it means for the clients of it"
    warnings = [
        Change(
            "response-enum-value-added",
            Level.WARNING,
            f"enum value 'v{n}' was added to response property 'status' {note}",
            Subject("GET", f"/warnings/{n}/with/a/longish/path"),
            f"/paths/~1warnings~1{n}/get",
        )
        for n in range(145)
    ]
    both = Report([*report.changes, *warnings], "base.yaml", "revision.yaml")
    text = markdown_report(both, RenderOptions())
    assert len(text) < GITHUB_LIMIT and "not shown here" not in text
    table = rows(text)
    assert sum(1 for r in table if r[2] == "response-enum-value-added") == 145
    assert sum(1 for r in table if r[1].endswith("— in 60 operations")) == 30


def test_a_facts_operations_are_escaped_in_markdown_and_text():
    """The folded operations are names from the document: escaped as every other cell is."""
    hostile = [
        "/a|b</details><script>x</script>",
        "/c @team `code` [l](http://x)",
        "/d\x1b[31mred\n::error::x",
    ]
    changes = [
        Change(
            "response-nullable-added",
            Level.BREAKING,
            "response property 'label' became nullable",
            Subject("GET", path),
            "/components/schemas/Item/properties/label",
            args={"subject": "response property 'label'", "name": "label"},
        )
        for path in hostile
    ]
    report = Report(changes, "base.yaml", "revision.yaml")
    text = markdown_report(report, RenderOptions())
    page = parse_markdown(text)
    (row,) = page.tables[1][1:]
    assert len(row) == 4 and row[1] == "response property 'label' became nullable — in 3 operations"
    listed = "".join(f"GET {path}" for path in hostile).replace("\x1b", "\\x1b").replace("\n", "\\n")
    assert row[0].replace("\u2060", "") == "3 operations" + listed  # word joiners: no mention, no link
    assert set(page.html) <= {"<details>", "<summary>", "</summary>", "<br>", "</details>"}
    assert not page.links and "@team" not in text
    out = StringIO()
    render(report, Format.TEXT, out)
    assert "\x1b" not in out.getvalue() and "\n::error" not in out.getvalue()
    assert "in GET /a|b</details><script>x</script>" in out.getvalue()
