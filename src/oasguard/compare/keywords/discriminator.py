"""`discriminator`: added, removed, its `propertyName`, and its mapping value by value."""

from __future__ import annotations

from oasguard.changes import Side
from oasguard.compare.facts import show
from oasguard.compare.keywords.base import Comparer, Edge, LocalFact
from oasguard.model.nodes import Schema, Where


def _component_name(schema: Schema) -> str:
    """The last pointer token of a `$ref` target ("Cat"), or "" for an inline schema."""
    return schema.key.rsplit("/", 1)[-1] if schema.key is not None else ""


def _label(schema: Schema, index: int) -> str:
    """How a mapping target is named: its component name, else its title, else its position."""
    return _component_name(schema) or schema.title or f"#{index + 1}"


def check_discriminator(
    c: Comparer, a: Schema, b: Schema, side: Side, facts: list[LocalFact], edges: list[Edge]
) -> None:
    old, new = a.discriminator, b.discriminator
    if old is None and new is None:
        return
    if old is None or new is None:
        if new is not None:
            facts.append(
                LocalFact(
                    ("request-discriminator-added", "response-discriminator-added"),
                    {"new": show(new[0])},
                    b.where.child("discriminator"),
                )
            )
        else:
            facts.append(
                LocalFact(
                    ("request-discriminator-removed", "response-discriminator-removed"),
                    {"old": show(old[0])},
                    a.where.child("discriminator"),
                    True,
                )
            )
        return
    where = b.where.child("discriminator")
    if old[0] != new[0]:
        facts.append(
            LocalFact(
                (
                    "request-discriminator-property-name-changed",
                    "response-discriminator-property-name-changed",
                ),
                {"old": show(old[0]), "new": show(new[0])},
                where,
            )
        )
    old_values = _values(a, old[1])
    for value in sorted(_values(b, new[1]) - old_values):
        facts.append(
            LocalFact(
                ("request-discriminator-mapping-added", "response-discriminator-mapping-added"),
                {"value": show(value)},
                where,
            )
        )
    _check_mapping(c, old[1], new[1], where, facts)


def _check_mapping(
    c: Comparer,
    old: tuple[tuple[str, Schema], ...],
    new: tuple[tuple[str, Schema], ...],
    where: Where,
    facts: list[LocalFact],
) -> None:
    """Each mapping value of the base: removed, or mapped to another schema."""
    new_mapping = dict(new)
    for value, target in old:
        other = new_mapping.get(value)
        if other is None:
            facts.append(
                LocalFact(
                    ("request-discriminator-changed", "response-discriminator-changed"),
                    {"what": f"mapping {show(value)}", "old": show(_label(target, 0)), "new": "none"},
                    where,
                )
            )
        elif not c.equivalent(target, other) and _component_name(target) != _component_name(other):
            facts.append(
                LocalFact(
                    ("request-discriminator-changed", "response-discriminator-changed"),
                    {
                        "what": f"mapping {show(value)}",
                        "old": show(_label(target, 0)),
                        "new": show(_label(other, 0)),
                    },
                    where,
                )
            )


def _values(schema: Schema, mapping: tuple[tuple[str, Schema], ...]) -> set[str]:
    """The discriminator values `schema` maps: those of its mapping, and implicitly the component
    name of each `oneOf`/`anyOf` variant the mapping does not name (OpenAPI's implicit mapping)."""
    mapped = {id(target) for _, target in mapping} | {target.key for _, target in mapping}
    implicit = {
        _component_name(variant)
        for variant in (*schema.one_of, *schema.any_of)
        if variant.key is not None and id(variant) not in mapped and variant.key not in mapped
    }
    return {value for value, _ in mapping} | implicit
