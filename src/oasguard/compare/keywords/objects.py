"""Objects beyond `properties`: `additionalProperties`, `patternProperties`, `propertyNames` (an
`allOf` keeps every part's: conjunction.py), `dependentSchemas`, `dependentRequired`,
`unevaluatedProperties`."""

from __future__ import annotations

from oasguard.changes import Side
from oasguard.compare.facts import show
from oasguard.compare.keywords import conjunction
from oasguard.compare.keywords.arrays import unevaluated
from oasguard.compare.keywords.base import Comparer, Edge, LocalFact, Token, keywords
from oasguard.model.nodes import Schema

#: the step to a map's values (one Token for every map: a value)
VALUES = Token("values")


def check_additional(
    c: Comparer, a: Schema, b: Schema, side: Side, facts: list[LocalFact], edges: list[Edge]
) -> None:
    old, new = a.additional, b.additional
    if old is new:
        return
    if new is False and old is not False:
        facts.append(
            LocalFact(
                ("request-additional-properties-closed", "response-additional-properties-closed"),
                {},
                b.where.child("additionalProperties"),
            )
        )
    elif old is False and new is not False:
        facts.append(
            LocalFact(
                ("request-additional-properties-opened", "response-additional-properties-opened"),
                {},
                b.where.child("additionalProperties"),
            )
        )
    elif isinstance(old, Schema) and isinstance(new, Schema):
        edges.append((VALUES, old, new))


def check_property_names(
    c: Comparer, a: Schema, b: Schema, side: Side, facts: list[LocalFact], edges: list[Edge]
) -> None:
    old, new = keywords(a).property_names, keywords(b).property_names
    conjunction.each(c, "propertyNames", old, new, a, b, facts, edges)


def check_schema_map(
    keyword: str, old: dict[str, Schema], new: dict[str, Schema], a: Schema, b: Schema, facts, edges
) -> None:
    """A map of schemas (`patternProperties`, `dependentSchemas`): each entry added, removed, or
    compared below `keyword 'name'`."""
    for name in old.keys() | new.keys():
        label = f"{keyword} {show(name)}"
        before, after = old.get(name), new.get(name)
        if before is None:
            facts.append(
                LocalFact(
                    ("request-constraint-added", "response-constraint-added"),
                    {"keyword": label},
                    b.where.child(keyword, name),
                )
            )
        elif after is None:
            facts.append(
                LocalFact(
                    ("request-constraint-removed", "response-constraint-removed"),
                    {"keyword": label},
                    a.where.child(keyword, name),
                    in_base=True,
                )
            )
        else:
            edges.append((Token("keyword", label), before, after))


def check_pattern_properties(
    c: Comparer, a: Schema, b: Schema, side: Side, facts: list[LocalFact], edges: list[Edge]
) -> None:
    old, new = keywords(a).pattern_properties, keywords(b).pattern_properties
    check_schema_map("patternProperties", old, new, a, b, facts, edges)


def check_dependent_schemas(
    c: Comparer, a: Schema, b: Schema, side: Side, facts: list[LocalFact], edges: list[Edge]
) -> None:
    old, new = keywords(a).dependent_schemas, keywords(b).dependent_schemas
    check_schema_map("dependentSchemas", old, new, a, b, facts, edges)


def check_dependent_required(
    c: Comparer, a: Schema, b: Schema, side: Side, facts: list[LocalFact], edges: list[Edge]
) -> None:
    old, new = keywords(a).dependent_required, keywords(b).dependent_required
    if old == new:
        return
    for name in sorted(old.keys() | new.keys()):
        before, after = old.get(name, frozenset()), new.get(name, frozenset())
        for needed, kind, schema, in_base in (
            (after - before, ("request-constraint-added", "response-constraint-added"), b, False),
            (before - after, ("request-constraint-removed", "response-constraint-removed"), a, True),
        ):
            for other in sorted(needed):
                label = f"dependentRequired {show(name)} -> {show(other)}"
                where = schema.where.child("dependentRequired", name)
                facts.append(LocalFact(kind, {"keyword": label}, where, in_base=in_base))


def check_unevaluated_properties(
    c: Comparer, a: Schema, b: Schema, side: Side, facts: list[LocalFact], edges: list[Edge]
) -> None:
    old, new = keywords(a).unevaluated_properties, keywords(b).unevaluated_properties
    unevaluated(a, b, "unevaluatedProperties", old, new, facts, edges)
