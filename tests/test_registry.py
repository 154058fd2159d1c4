"""The rule registry: every rule documented, mirrored or waived, and docs/rules.md current."""

from __future__ import annotations

import re
import string
from pathlib import Path

from oasguard.rules.base import Area
from oasguard.rules.docs import render
from oasguard.rules.registry import ALL, RULES
from oasguard.rules.schema import WAIVERS

ROOT = Path(__file__).resolve().parents[1]


def test_ids_are_unique_stable_kebab_case():
    ids = [rule.id for rule in ALL]
    assert len(ids) == len(set(ids))
    for rule_id in ids:
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule_id), rule_id


def test_every_rule_has_a_message_and_a_docstring():
    for rule in ALL:
        assert rule.message.strip(), rule.id
        assert len(rule.summary) > 10, rule.id
        fields = {name for _, name, _, _ in string.Formatter().parse(rule.message) if name}
        assert fields <= {
            "side",
            "name",
            "subject",
            "old",
            "new",
            "value",
            "keyword",
            "variant",
            "what",
            "why",
            "in",
            "method",
            "path",
            "when",
            "sunset",
            "url",
            "media_type",
            "status",
            "requirement",
            "scheme",
            "scopes",
        }, rule.id


def test_every_request_schema_rule_has_its_response_mirror_or_a_waiver():
    for rule in ALL:
        if rule.area is Area.REQUEST_SCHEMA:
            mirror = "response-" + rule.id.removeprefix("request-")
        elif rule.area is Area.RESPONSE_SCHEMA:
            mirror = "request-" + rule.id.removeprefix("response-")
        else:
            continue
        assert mirror in RULES or rule.id in WAIVERS, f"{rule.id} has no mirror {mirror}"
    assert set(WAIVERS) <= set(RULES)


def test_docs_rules_md_is_current():
    current = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert current == render(), "run: python -m oasguard.rules.docs > docs/rules.md"
