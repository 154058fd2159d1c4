"""The registry: every rule, one table, explicit. Adding a rule is one entry in a family module."""

from __future__ import annotations

from oasguard.rules import (
    parameters,
    paths,
    request_body,
    responses,
    schema,
    schema_2020,
    security,
    versioning,
)
from oasguard.rules.base import Rule

ALL: tuple[Rule, ...] = (
    *paths.RULES,
    *parameters.RULES,
    *request_body.RULES,
    *schema.RULES,
    *schema_2020.RULES,
    *responses.RULES,
    *security.RULES,
    *versioning.RULES,
)

RULES: dict[str, Rule] = {rule.id: rule for rule in ALL}
RULES.update({alias: rule for rule in ALL for alias in rule.aliases})

#: ids (and aliases) of the rules that no client notices (`Rule.compatible`): what the comparison
#: needs to know of a rule, where it would otherwise read a default level that policy may change
COMPATIBLE: frozenset[str] = frozenset(rule_id for rule_id, rule in RULES.items() if rule.compatible)

if len({rule.id for rule in ALL}) != len(ALL):  # pragma: no cover - guards the table itself
    raise RuntimeError("duplicate rule id in the registry")


def get(rule_id: str) -> Rule:
    return RULES[rule_id]
