"""`if`/`then`/`else` and `not` (inside `not` every rule is judged reversed)."""

from __future__ import annotations

from oasguard.changes import Side
from oasguard.compare.keywords.base import Comparer, Edge, LocalFact, keywords, presence
from oasguard.model.nodes import Schema


def check_conditional(
    c: Comparer, a: Schema, b: Schema, side: Side, facts: list[LocalFact], edges: list[Edge]
) -> None:
    """`if` with `then`/`else`: the branches are compared as any subschema; a changed `if`
    applies them to other values, which no rule can judge: a reviewer must look."""
    old, new = keywords(a), keywords(b)
    old_if = old.if_ if old.then is not None or old.else_ is not None else None
    new_if = new.if_ if new.then is not None or new.else_ is not None else None
    if old_if is None or new_if is None:  # a whole condition added or removed (or none at all)
        presence("if", "if/then/else", old_if and a, new_if and b, a, b, facts, edges)
        return
    if not c.equivalent(old_if, new_if):
        facts.append(
            LocalFact(("request-condition-changed", "response-condition-changed"), {}, b.where.child("if"))
        )
    presence("then", "then", old.then, new.then, a, b, facts, edges)
    presence("else", "else", old.else_, new.else_, a, b, facts, edges)


def check_not(
    c: Comparer, a: Schema, b: Schema, side: Side, facts: list[LocalFact], edges: list[Edge]
) -> None:
    """`not` added rejects what it names; below it, base and revision are compared swapped."""
    presence("not", "not", keywords(a).not_, keywords(b).not_, a, b, facts, edges, swap=True)
