"""Hostile names through every format: `fixtures/hostile/` holds a property, a path, a parameter
and enum values written by an attacker (newlines, `::error ...` workflow commands, `%0A`, `|`,
backticks, HTML, `@team` mentions, terminal escape sequences, bidi overrides, bare URLs). Each
format's output is read back with that format's own parser: nothing may be injected."""

from __future__ import annotations

import json
import re
import unicodedata
import xml.etree.ElementTree as ET
from functools import cache

import pytest

from conftest import ROOT, run_cli
from formats_helpers import (
    WORKFLOW_COMMAND,
    assert_valid_junit,
    assert_valid_sarif,
    parse_markdown,
    workflow_properties,
)

PAIR = ("fixtures/hostile/base.yaml", "fixtures/hostile/revision.yaml")

#: what a hostile name must never bring into an output: a control character (ESC, CR, NUL,
#: C1 such as CSI), a format character (bidi overrides, zero-width marks), a line separator
_HIDDEN = {"Cc", "Cf", "Zl", "Zp", "Cs"}
#: what GitHub turns into a mention, an issue reference or a link in rendered text
MENTION = re.compile(r"(?<![\w`])@[A-Za-z0-9]")
REFERENCE = re.compile(r"(?<![\w&])#[0-9]")
BARE_URL = re.compile(r"(?i)https?://|www\.")


@cache
def output(format: str) -> str:
    result = run_cli("diff", "--format", format, *PAIR, cwd=ROOT)
    assert result.returncode == 1 and not result.stderr, result  # a report, with breaking changes
    return result.stdout


@cache
def changes() -> list[dict]:
    return json.loads(output("json"))["changes"]


def hidden(text: str, allowed: str = "\n") -> list[str]:
    return [
        f"U+{ord(char):04X}"
        for char in text
        if char not in allowed and unicodedata.category(char) in _HIDDEN and char != "\u2060"
    ]


def test_the_fixture_is_hostile():
    """The pair really carries the names the other tests defend against, in changes of every
    level."""
    raw = "\n".join(value for change in changes() for value in change.values() if value)
    for needle in ("\n::error", "%0A", "|", "`", "<script>", "@team", "\x1b[31m", "\u202e", "\r\n"):
        assert needle in raw, needle
    assert {c["level"] for c in changes()} == {"breaking", "warning", "safe"}


def test_json_keeps_the_names_exactly():
    assert any("\n::error file=app.py,line=1::owned" in c["operation"] for c in changes())
    assert any("\x1b[31m%0A\u202eevil" in c["location"] for c in changes())


def test_text_shows_no_control_character_and_starts_no_line_with_a_workflow_command():
    text = output("text")
    assert not hidden(text), hidden(text)
    assert not [line for line in text.splitlines() if line.startswith("::")]
    assert all(f"[{c['id']}]" in text for c in changes())
    assert "\\x1b[31m" in text and "\\u202e" in text  # shown, visibly
    assert "[red]rich[/red] :smile:" in text  # no rich markup or emoji code is interpreted


def test_text_on_a_terminal_with_colour_still_carries_only_its_own_escapes():
    result = run_cli("diff", *PAIR, cwd=ROOT, env={"FORCE_COLOR": "1", "TTY_COMPATIBLE": "1"})
    own = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)  # rich's colours (SGR) only
    assert "\x1b[" in result.stdout and not hidden(own), hidden(own)
    assert "\x1b[31m%0A" not in result.stdout


def test_github_writes_only_its_own_workflow_commands():
    lines = output("github").splitlines()
    ranked = sorted(changes(), key=lambda c: ["breaking", "warning", "safe"].index(c["level"]))
    for line, change in zip(lines, ranked, strict=True):
        match = WORKFLOW_COMMAND.match(line)
        assert match, line
        properties = workflow_properties(match["properties"])
        assert set(properties) <= {"file", "line", "title"}
        assert properties["title"] == change["id"]
        assert properties["file"] in PAIR
        data = match["data"].replace("%0A", "\n").replace("%0D", "\r").replace("%25", "%")
        assert "\n" not in data and "\r" not in data and not hidden(data), line
        assert "::error" in data or "::" not in change["message"]  # the name is kept, as text


def test_markdown_renders_no_html_no_formatting_no_extra_rows_and_pings_no_one():
    source = output("markdown")
    page = parse_markdown(source)
    assert all(block.startswith(("<details>", "</details>")) for block in page.html), page.html
    assert "<summary>" in page.html[0] and not any("script" in b or "img" in b for b in page.html)
    assert not page.inline_kinds, page.inline_kinds  # no emphasis, code, link, image, strike
    counts, *sections = page.tables
    levels = ["breaking", "warning", "safe"]
    assert [row[1] for row in counts[1:]] == [
        str(sum(c["level"] == level for c in changes())) for level in levels
    ]
    for table, level in zip(sections, levels, strict=True):
        expected = [c for c in changes() if c["level"] == level]
        assert len(table) == 1 + len(expected), table
        assert all(len(row) == 4 for row in table)
        assert [row[2] for row in table[1:]] == [c["id"] for c in expected]
    text = "\n".join(page.text)
    assert not MENTION.search(text) and not REFERENCE.search(text) and not BARE_URL.search(text)
    assert not hidden(text)
    assert "<script>alert(1)</script>" in text.replace("\u2060", "")  # shown as text
    # no math outside the shape diffs' code blocks (inside them, every character is literal)
    fences = re.compile(r"^(`{3,})diff\n.*?^\1\n", re.MULTILINE | re.DOTALL)
    assert not re.search(r"(?<!\\)\$", fences.sub("", source))
    assert page.fences and all(info == "diff" and not hidden(body) for info, body in page.fences)


def test_junit_is_valid_and_carries_the_names_as_text():
    text = output("junit")
    assert_valid_junit(text)
    root = ET.fromstring(text)
    values = [*root.itertext()] + [v for e in root.iter() for v in e.attrib.values()]
    assert not any(hidden(v) for v in values)
    assert any("<script>alert(1)</script>" in v for v in values)
    failures = [f.get("type") for f in root.iter("failure")]
    assert sorted(failures) == sorted(c["id"] for c in changes() if c["level"] == "breaking")


def test_sarif_is_valid_and_carries_no_hidden_characters():
    log = assert_valid_sarif(output("sarif"))
    results = log["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == [c["id"] for c in changes()]
    for result in results:
        assert not hidden(json.dumps(result, ensure_ascii=False)), result["message"]


@pytest.mark.parametrize("command", ["changelog"])
def test_changelog_renders_no_html_no_formatting_and_pings_no_one(command: str):
    result = run_cli(command, *PAIR, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    page = parse_markdown(result.stdout)
    assert not page.html and not page.inline_kinds and not page.tables
    text = "\n".join(page.text)
    assert not MENTION.search(text) and not REFERENCE.search(text) and not BARE_URL.search(text)
    assert not hidden(text)
    items = [line for line in result.stdout.splitlines() if line.startswith("- ")]
    assert len(items) == len(changes())  # one list item each, none split or added
