"""`if`/`then`/`else` and `not` (inside `not` every rule is judged reversed); an `allOf` keeps
every part's, each compared with its own former self (conjunction.py)."""

from __future__ import annotations

from oasguard.changes import Side
from oasguard.compare.keywords import conjunction
from oasguard.compare.keywords.base import Comparer, Edge, LocalFact, keywords, presence
from oasguard.model.nodes import Condition, Schema


def _applying(schema: Schema) -> tuple[Condition, ...]:
    """The conditions of `schema` that say something: an `if` with a `then` or an `else`."""
    return tuple(
        condition
        for condition in keywords(schema).conditions
        if condition.if_ is not None and (condition.then is not None or condition.else_ is not None)
    )


def check_conditional(
    c: Comparer, a: Schema, b: Schema, side: Side, facts: list[LocalFact], edges: list[Edge]
) -> None:
    """`if` with `then`/`else`: the branches are compared as any subschema; a changed `if`
    applies them to other values, which no rule can judge: a reviewer must look. Each
    condition is paired with the one of the same `if`, else the one in the same order."""
    pairs, gone, came = conjunction.pair(c, _applying(a), _applying(b), lambda condition: condition.if_)
    for old in gone:  # a whole condition removed
        presence("if", "if/then/else", old.holder, None, old.holder, b, facts, edges)
    for new in came:
        presence("if", "if/then/else", None, new.holder, a, new.holder, facts, edges)
    for old, new in pairs:
        if not c.equivalent(old.if_, new.if_):  # type: ignore[arg-type]
            facts.append(
                LocalFact(
                    ("request-condition-changed", "response-condition-changed"),
                    {},
                    new.holder.where.child("if"),
                )
            )
        presence("then", "then", old.then, new.then, old.holder, new.holder, facts, edges)
        presence("else", "else", old.else_, new.else_, old.holder, new.holder, facts, edges)


def check_not(
    c: Comparer, a: Schema, b: Schema, side: Side, facts: list[LocalFact], edges: list[Edge]
) -> None:
    """`not` added rejects what it names; below it, base and revision are compared swapped."""
    conjunction.each(c, "not", keywords(a).not_, keywords(b).not_, a, b, facts, edges, swap=True)
