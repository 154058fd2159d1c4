"""`type`, nullability (3.0 `nullable`, 3.1 `"null"` in `type`) and `format`."""

from __future__ import annotations

from oasguard.changes import Side
from oasguard.compare.keywords.base import Comparer, Edge, LocalFact
from oasguard.model.nodes import Schema

#: (int32 → int64)-like format changes that accept every old value
WIDER_FORMATS = {
    ("int32", "int64"),
    ("float", "double"),
    ("int32", "double"),
    ("float", "number"),
    ("int32", "number"),
    ("int64", "number"),
}


def _show_types(types: frozenset[str] | None) -> str:
    return "any" if types is None else "|".join(sorted(types)) or "nothing"


def _covered(t: str, types: frozenset[str]) -> bool:
    return t in types or (t == "integer" and "number" in types)


def _value_type(value: object) -> str:
    """The JSON type of an enum value (`1.0` is an integer, as JSON Schema counts it)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, (list, tuple)):
        return "array"
    return "object" if isinstance(value, dict) else "string"


def implied_types(schema: Schema) -> frozenset[str] | None:
    """The types a schema admits: its `type`, or with none written, the types of its `enum` or
    `const` values (`{enum: [a, b]}` admits strings only: SPEC 3.3 compares it as
    `{type: string, enum: [a, b]}`). None: any type."""
    if schema.types is not None or schema.enum is None:
        return schema.types
    return frozenset(_value_type(value) for value in schema.enum)


def compare_types(a: Schema, b: Schema, side: Side, facts: list[LocalFact]) -> bool:
    """Compare types; False when they changed so much that nothing below is worth comparing."""
    if a.types == b.types:
        return True
    old, new = implied_types(a), implied_types(b)
    if old == new:
        return True
    widened = new is None or (old is not None and all(_covered(t, new) for t in old))
    narrowed = old is None or (new is not None and all(_covered(t, old) for t in new))
    args = {"old": _show_types(old), "new": _show_types(new)}
    where = b.where.child("type")
    if widened and not narrowed:
        facts.append(LocalFact(("request-type-widened", "response-type-widened"), args, where))
        return True
    if narrowed and not widened:
        facts.append(LocalFact(("request-type-narrowed", "response-type-narrowed"), args, where))
        return True
    facts.append(LocalFact(("request-type-changed", "response-type-changed"), args, where))
    return False


def check_nullable(
    c: Comparer, a: Schema, b: Schema, side: Side, facts: list[LocalFact], edges: list[Edge]
) -> None:
    if a.nullable == b.nullable or a.types is None or b.types is None:
        return
    kind = (
        ("request-nullable-added", "response-nullable-added")
        if b.nullable
        else ("request-nullable-removed", "response-nullable-removed")
    )
    facts.append(LocalFact(kind, {}, b.where))


def check_format(
    c: Comparer, a: Schema, b: Schema, side: Side, facts: list[LocalFact], edges: list[Edge]
) -> None:
    if a.format == b.format:
        return
    args = {"old": a.format or "none", "new": b.format or "none"}
    where = b.where.child("format")
    if b.format is None or (a.format, b.format) in WIDER_FORMATS:
        facts.append(LocalFact(("request-format-widened", "response-format-widened"), args, where))
    elif a.format is None or (b.format, a.format) in WIDER_FORMATS:
        facts.append(LocalFact(("request-format-narrowed", "response-format-narrowed"), args, where))
    else:
        facts.append(LocalFact(("request-format-changed", "response-format-changed"), args, where))
