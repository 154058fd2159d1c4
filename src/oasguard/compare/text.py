"""Values sent as text: a parameter or form field whose type widens as text (SPEC 3.2).

A query parameter `limit=10` is the text `10` whatever its schema says: when its type becomes
`string` and nothing in the new schema (`pattern`, `format`, `enum`, a length) excludes the text of
a number or a boolean, every request that was accepted still is. The schema walk judges values
as JSON, where `10` and `"10"` differ; this module takes its word back for the places where the
value travels as text: parameters (their items and properties too), the fields of an
`application/x-www-form-urlencoded` body, and the top-level fields of a `multipart/form-data`
body (a part that holds an object is JSON by default, so only the fields themselves and the items
of an array field, each a part of its own, are text).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator
from dataclasses import replace

from oasguard.changes import Step, Subject
from oasguard.compare.keywords.types import implied_types
from oasguard.model.nodes import Schema
from oasguard.rules.schema import TYPE_CHANGED
from oasguard.static import Protocol

#: the fact this module reads (the walk states it; the id is spelled where it is made)
_REQUEST_TYPE_CHANGED = f"request-{TYPE_CHANGED}"

#: the types whose values, written as text, an unconstrained string accepts
TEXT_TYPES = frozenset({"integer", "number", "boolean"})
FORM_URLENCODED = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"


class Sent(enum.Enum):
    """How a value travels: which parts of its schema are text."""

    PARAMETER = "parameter"  # all of it
    URLENCODED = "urlencoded"  # all of it
    MULTIPART = "multipart"  # the top-level fields and the items of an array field


def form_kind(media_types: Iterable[str]) -> Sent | None:
    """How a request body of these media types (sharing one schema) sends its fields: as text
    when every one of them is a form, else None (JSON, or a mix)."""
    kinds = {name.split(";", 1)[0].strip().lower() for name in media_types}
    if kinds == {FORM_URLENCODED}:
        return Sent.URLENCODED
    if kinds and kinds <= {FORM_URLENCODED, MULTIPART}:
        return Sent.MULTIPART
    return None


class _Fact(Protocol):
    """A fact of the schema walk (compare/schema.py), as read here: its rule, and its subject's
    steps below the schema's root (property, items, values, variant, keyword)."""

    @property
    def rule(self) -> str: ...
    @property
    def subject(self) -> Subject: ...


def as_text(facts: Iterable[_Fact], old: Schema, new: Schema, sent: Sent) -> Iterator[_Fact]:
    """The walk's facts for a value sent as text: a type change that widens as text becomes
    `request-type-widened-as-text`; the rest as they are."""
    for fact in facts:
        if fact.rule == _REQUEST_TYPE_CHANGED:
            pair = _follow(old, new, fact.subject.steps, sent)
            if pair is not None and widened_as_text(*pair):
                fact = replace(fact, rule="request-type-widened-as-text")  # type: ignore[type-var]
        yield fact


def _follow(old: Schema, new: Schema, path: tuple[Step, ...], sent: Sent) -> tuple[Schema, Schema] | None:
    """The pair of schemas at `path` below (old, new), when that place is sent as text."""
    if sent is Sent.MULTIPART and (
        not path or path[0].kind != "property" or any(t.kind != "items" for t in path[1:])
    ):
        return None
    for token in path:
        if token.kind == "property":
            old, new = old.properties.get(token.label), new.properties.get(token.label)  # type: ignore[assignment]
        elif token.kind == "items":
            old, new = old.items, new.items  # type: ignore[assignment]
        elif token.kind == "values":
            old = old.additional if isinstance(old.additional, Schema) else None  # type: ignore[assignment]
            new = new.additional if isinstance(new.additional, Schema) else None  # type: ignore[assignment]
        else:  # a variant or a keyword's subschema: not followed
            return None
        if old is None or new is None:
            return None
    return old, new


def widened_as_text(old: Schema, new: Schema) -> bool:
    """`new` accepts, as text, every value `old` accepted: each type `old` had is kept or is a
    number or a boolean that `new`'s string takes whole (no `pattern`, `format` or `enum`, and no
    length bound that the text of an old value could fall outside)."""
    old_types, new_types = implied_types(old), new.types
    if old_types is None or new_types is None or "string" not in new_types:
        return False
    lost = old_types - new_types - ({"integer"} if "number" in new_types else set())
    if not lost or not lost <= TEXT_TYPES:
        return False
    if new.pattern or new.format is not None or new.enum is not None:
        return False
    return _lengths_fit(old, new, lost)


def _lengths_fit(old: Schema, new: Schema, lost: frozenset[str] | set[str]) -> bool:
    """Every old value of a `lost` type, written as text, is within `new`'s length bounds."""
    other = set(new.bounds) - {"minLength", "maxLength"}
    if other or _number(new.bounds.get("minLength"), 0) > 1:
        return False
    longest = new.bounds.get("maxLength")
    if longest is None:
        return True
    return all(_longest_text(old, t) <= _number(longest, 0) for t in lost)


def _longest_text(old: Schema, kind: str) -> float:
    """How long the text of an old value of type `kind` may be (infinite when unbounded)."""
    if kind == "boolean":
        return len("false")
    low = old.bounds.get("minimum", old.bounds.get("exclusiveMinimum"))
    high = old.bounds.get("maximum", old.bounds.get("exclusiveMaximum"))
    if kind != "integer" or not isinstance(low, (int, float)) or not isinstance(high, (int, float)):
        return float("inf")
    return max(len(str(int(low))), len(str(int(high))))


def _number(value: object, default: float) -> float:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else default
