"""Every rule is discoverable from the command line: `oasguard rules` (text and JSON) lists the
registry, `oasguard explain RULE-ID` prints its documentation with a before/after example, and
docs/rules.md is what the generator writes from the same registry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from oasguard.rules.docs import explain, render
from oasguard.rules.registry import ALL

ROOT = Path(__file__).resolve().parents[1]
IDS = [rule.id for rule in ALL]


def test_rules_json_lists_the_whole_registry(cli):
    run = cli("rules", "--format", "json")
    assert run.returncode == 0, run.stderr
    entries = json.loads(run.stdout)
    assert [entry["id"] for entry in entries] == IDS
    for entry, rule in zip(entries, ALL, strict=True):
        assert entry["level"] == rule.level.value
        assert entry["direction"] in ("request", "response", "both")
        assert entry["summary"] == rule.summary and len(entry["summary"]) > 10
    directions = {entry["id"]: entry["direction"] for entry in entries}
    assert directions["request-property-removed"] == "request"
    assert directions["response-enum-value-added"] == "response"
    assert directions["path-removed"] == "both"


def test_rules_text_has_one_line_per_rule(cli):
    run = cli("rules")
    assert run.returncode == 0
    lines = run.stdout.splitlines()
    assert len(lines) == len(IDS)
    for line, rule in zip(lines, ALL, strict=True):
        assert line.split()[:2] == [rule.id, rule.level.value]
        assert line.endswith(rule.summary)
    assert cli("rules", "--format", "xml").returncode == 2


def _check_explained(text: str, rule_id: str) -> None:
    rule = next(rule for rule in ALL if rule.id == rule_id)
    assert text.startswith(f"{rule_id}\n")
    assert f"Default level: {rule.level.value}." in text
    assert rule.summary in text
    assert "Before:" in text, f"{rule_id} has no before/after example"
    assert text.index("After:", text.index("Before:")) > 0


def test_every_rule_is_explained_with_a_before_after_example():
    for rule_id in IDS:  # in-process: one command per rule would cost a minute
        _check_explained(explain(rule_id), rule_id)


@pytest.mark.parametrize("rule_id", ["path-removed", "response-enum-value-added", "security-scope-removed"])
def test_explain_prints_documentation_with_a_before_after_example(cli, rule_id):
    run = cli("explain", rule_id)
    assert run.returncode == 0, run.stderr
    assert run.stdout == explain(rule_id)
    _check_explained(run.stdout, rule_id)


def test_explain_an_unknown_rule_suggests_the_nearest(cli):
    run = cli("explain", "request-property-remove")
    assert run.returncode == 2
    assert run.stderr == (
        "oasguard: explain: unknown rule id 'request-property-remove' "
        "(did you mean 'request-property-removed'?)\n"
    )


def test_docs_rules_md_matches_the_registry_and_the_command(cli):
    current = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert current == render(), "run: python -m oasguard.rules.docs > docs/rules.md"
    listed = json.loads(cli("rules", "--format", "json").stdout)
    for entry in listed:
        assert f"### {entry['id']}\n\n**{entry['level']}**. {entry['summary']}" in current
