"""`enum` and `const` (`const: x` is `enum: [x]`; written `const`, it is named so)."""

from __future__ import annotations

from oasguard.changes import Side
from oasguard.compare.facts import canonical, show
from oasguard.compare.keywords.base import Comparer, Edge, LocalFact
from oasguard.model.nodes import Schema


def check_enum(
    c: Comparer, a: Schema, b: Schema, side: Side, facts: list[LocalFact], edges: list[Edge]
) -> None:
    if a.enum == b.enum and (
        a.enum is None or [canonical(v) for v in a.enum] == [canonical(v) for v in b.enum or ()]
    ):
        return
    if (_const(a) or _const(b)) and check_const(a, b, facts):
        return
    if a.enum is None or b.enum is None:
        old = "none" if a.enum is None else show(list(a.enum))
        new = "none" if b.enum is None else show(list(b.enum))
        kind = (
            ("request-bound-tightened", "response-bound-tightened")
            if a.enum is None
            else ("request-bound-loosened", "response-bound-loosened")
        )
        facts.append(LocalFact(kind, {"keyword": "enum", "old": old, "new": new}, b.where.child("enum")))
        return
    old_values = {canonical(v): v for v in a.enum}
    new_values = {canonical(v): v for v in b.enum}
    for value_key, value in old_values.items():
        if value_key not in new_values:
            facts.append(
                LocalFact(
                    ("request-enum-value-removed", "response-enum-value-removed"),
                    {"value": show(value)},
                    a.where.child("enum"),
                    in_base=True,
                )
            )
    for value_key, value in new_values.items():
        if value_key not in old_values:
            facts.append(
                LocalFact(
                    ("request-enum-value-added", "response-enum-value-added"),
                    {"value": show(value)},
                    b.where.child("enum"),
                )
            )


def _const(schema: Schema) -> bool:
    return schema.keywords is not None and schema.keywords.const


def check_const(a: Schema, b: Schema, facts: list[LocalFact]) -> bool:
    """A `const` added, removed or changed; False when the change is one of a longer enum."""
    old, new = a.enum, b.enum
    if old is None and new is not None and len(new) == 1:
        facts.append(
            LocalFact(
                ("request-constraint-added", "response-constraint-added"),
                {"keyword": f"const {show(new[0])}"},
                b.where.child("const"),
            )
        )
    elif new is None and old is not None and len(old) == 1:
        facts.append(
            LocalFact(
                ("request-constraint-removed", "response-constraint-removed"),
                {"keyword": f"const {show(old[0])}"},
                a.where.child("const"),
                in_base=True,
            )
        )
    elif old is not None and new is not None and len(old) == 1 and len(new) == 1:
        where = b.where.child("const" if _const(b) else "enum")
        facts.append(
            LocalFact(
                ("request-const-changed", "response-const-changed"),
                {"old": show(old[0]), "new": show(new[0])},
                where,
            )
        )
    else:
        return False
    return True
