"""`properties` and `required`: properties removed, added, renamed, made required or optional,
hidden by readOnly/writeOnly; each pair of properties on both sides is walked next."""

from __future__ import annotations

from operator import attrgetter

from oasguard.changes import Side
from oasguard.compare.keywords import renames
from oasguard.compare.keywords.base import Comparer, Edge, LocalFact, property_token
from oasguard.model.nodes import Schema, Where

_READ_ONLY, _WRITE_ONLY = attrgetter("read_only"), attrgetter("write_only")


def visible(schema: Schema, side: Side) -> bool:
    """readOnly properties are not part of requests, writeOnly ones not part of responses."""
    return not (schema.read_only if side is Side.REQUEST else schema.write_only)


def check_properties(
    c: Comparer, a: Schema, b: Schema, side: Side, facts: list[LocalFact], edges: list[Edge]
) -> None:
    if not a.properties and not b.properties and a.required == b.required:
        return
    removed, added = check_shared(a, b, side, facts, edges)
    for old_name, new_name in renames.renames(c, a, b, removed, added):
        removed.remove(old_name)
        added.remove(new_name)
        facts.append(
            LocalFact(
                ("request-property-renamed", "response-property-renamed"),
                {"old": old_name, "new": new_name},
                slot(b, new_name),
                prop=new_name,
                former=old_name,
            )
        )
    for name in removed:
        if side is Side.REQUEST:
            closed = b.additional is False
            rule = "request-property-removed-from-closed-object" if closed else "request-property-removed"
            why = ""
        elif name in a.required:
            rule, why = "response-property-removed", " (it was required)"
        else:
            rule, why = "response-optional-property-removed", ""
        facts.append(LocalFact(rule, {"why": why}, slot(a, name), in_base=True, prop=name))
    for name in added:
        required = name in b.required and visible(b.properties[name], side)
        kind = (
            ("request-required-property-added", "response-required-property-added")
            if required
            else ("request-property-added", "response-property-added")
        )
        facts.append(LocalFact(kind, {}, slot(b, name), prop=name))
    if a.required != b.required:
        check_undeclared_required(a, b, facts)


def check_shared(
    a: Schema, b: Schema, side: Side, facts: list[LocalFact], edges: list[Edge]
) -> tuple[list[str], list[str]]:
    """The properties visible on both sides (their requirement, and an edge to walk), and the
    names removed and added (as seen on `side`)."""
    request = side is Side.REQUEST
    hidden = _READ_ONLY if request else _WRITE_ONLY  # `visible`, read in C: once per property
    removed, added = [], []
    old_properties, new_properties = a.properties, b.properties
    old_required, new_required = a.required, b.required
    requirement = old_required != new_required
    for name, old in old_properties.items():
        new = new_properties.get(name)
        old_visible = not hidden(old)
        if new is None:
            if old_visible:
                removed.append(name)
            continue
        new_visible = not hidden(new)
        if old_visible and not new_visible:
            rule = "request-property-became-read-only" if request else "response-property-became-write-only"
            facts.append(LocalFact(rule, {}, slot(b, name), prop=name))
            continue
        if not old_visible:
            if new_visible:
                added.append(name)
            continue
        if requirement:
            was, now = name in old_required, name in new_required
            if was and not now:
                rule_pair = ("request-property-became-optional", "response-property-became-optional")
                facts.append(LocalFact(rule_pair, {}, slot(b, name), prop=name))
            elif now and not was:
                rule_pair = ("request-property-became-required", "response-property-became-required")
                facts.append(LocalFact(rule_pair, {}, slot(b, name), prop=name))
        edges.append((property_token(name), old, new))
    if not new_properties.keys() <= old_properties.keys():
        for name, new in new_properties.items():
            if name not in old_properties and (request or not hidden(new)):
                added.append(name)
    return removed, added


def check_undeclared_required(a: Schema, b: Schema, facts: list[LocalFact]) -> None:
    """A `required` entry naming a property declared on neither side is still a requirement."""
    for name in sorted(a.required ^ b.required):
        if name in a.properties or name in b.properties:
            continue
        now = name in b.required
        kind = (
            ("request-property-became-required", "response-property-became-required")
            if now
            else ("request-property-became-optional", "response-property-became-optional")
        )
        facts.append(
            LocalFact(kind, {}, (b if now else a).where.child("required"), in_base=not now, prop=name)
        )


def slot(schema: Schema, name: str) -> Where:
    """Where property `name` of `schema` is written (not where a `$ref` of it leads)."""
    return schema.property_where.get(name) or schema.properties[name].where
