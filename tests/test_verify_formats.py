"""verify's markdown, github and junit reports on whole outputs, and hostile names from an
evidence file through every format."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import FIXTURES, run_cli
from formats_helpers import WORKFLOW_COMMAND, assert_valid_junit, parse_markdown, workflow_properties

VERIFY = FIXTURES / "verify"
ARGS = [str(VERIFY / "shop-3.0.yaml"), str(VERIFY / "pacts" / "checkout-shop.json")]
HOSTILE = "evil <b>x</b> | `code` @team #1\n::error::forged \x1b[31m\u202e"


def run(format: str, *args: str):
    done = run_cli("verify", *(args or ARGS), "--format", format)
    assert done.returncode == 1, done.stderr
    return done.stdout


def test_markdown_a_row_per_problem() -> None:
    found = parse_markdown(run("markdown"))
    assert found.headings and "oasguard verify" in found.headings[0]
    (table,) = found.tables
    assert table[0] == ["consumer", "interaction", "file", "problem", "document"]
    rows = table[1:]
    assert len(rows) == 5
    assert {row[1] for row in rows} >= {"order 7 with its stock count", "an invoice"}
    assert any("response.status.unknown" in row[3] for row in rows)


def test_github_an_annotation_per_problem_on_the_evidence_file() -> None:
    lines = run("github").splitlines()
    commands = [WORKFLOW_COMMAND.match(line) for line in lines if line.startswith("::")]
    assert len(commands) == 5 and all(commands)
    properties = [workflow_properties(c.group("properties")) for c in commands if c]
    assert {p["file"].rsplit("/", 1)[-1] for p in properties} == {"checkout-shop.json"}
    assert all(p["line"].isdigit() for p in properties)
    assert any(p["title"].startswith("request.path.unknown: checkout: an invoice") for p in properties)


def test_junit_a_case_per_interaction_valid_against_the_schema() -> None:
    text = run("junit")
    assert_valid_junit(text)
    assert text.count("<testcase ") == 6
    assert text.count("<failure ") == 5


def test_hostile_names_escaped_in_every_format(tmp_path: Path) -> None:
    pact = {
        "consumer": {"name": HOSTILE},
        "provider": {"name": "shop"},
        "interactions": [
            {
                "description": HOSTILE,
                "request": {"method": "GET", "path": "/api/orders/7"},
                "response": {"status": 200, "body": {"id": 7, HOSTILE: 1}},
            }
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(pact))
    args = (str(VERIFY / "shop-3.0.yaml"), str(path))
    for format in ("text", "github", "markdown", "junit", "json"):
        out = run(format, *args)
        assert "\x1b" not in out and "\u202e" not in out, format
        if format != "json":
            assert not any(line.startswith("::error::forged") for line in out.splitlines()), format
    markdown = parse_markdown(run("markdown", *args))
    assert not markdown.html and "html_inline" not in markdown.inline_kinds
    assert len(markdown.tables[0][1]) == 5  # the `|` did not split a cell
    assert_valid_junit(run("junit", *args))
    lines = [line for line in run("github", *args).splitlines() if line.startswith("::")]
    assert lines and all(WORKFLOW_COMMAND.match(line) for line in lines)
    assert json.loads(run("json", *args))["interactions"][0]["consumer"] == HOSTILE
