"""Arrays: `items`, `prefixItems` (compared position by position), `contains`, `unevaluatedItems`."""

from __future__ import annotations

from oasguard.changes import Side
from oasguard.compare.keywords.base import Comparer, Edge, LocalFact, Token, keywords, presence
from oasguard.model.nodes import Schema


def check_items(
    c: Comparer, a: Schema, b: Schema, side: Side, facts: list[LocalFact], edges: list[Edge]
) -> None:
    if a.items is not None and b.items is not None:
        edges.append((Token("items"), a.items, b.items))


def check_prefix_items(
    c: Comparer, a: Schema, b: Schema, side: Side, facts: list[LocalFact], edges: list[Edge]
) -> None:
    old, new = keywords(a).prefix_items, keywords(b).prefix_items
    if old is None and new is None:
        return
    if old is None or new is None:
        presence("prefixItems", "prefixItems", old and a, new and b, a, b, facts, edges)
        return
    for i, (old_item, new_item) in enumerate(zip(old, new, strict=False)):
        edges.append((Token("keyword", f"prefixItems[{i}]"), old_item, new_item))
    for i in range(len(old), len(new)):  # an entry appended: item i is now constrained
        facts.append(
            LocalFact(
                ("request-constraint-added", "response-constraint-added"),
                {"keyword": f"prefixItems[{i}]"},
                b.where.child("prefixItems", str(i)),
            )
        )
    for i in range(len(new), len(old)):
        facts.append(
            LocalFact(
                ("request-constraint-removed", "response-constraint-removed"),
                {"keyword": f"prefixItems[{i}]"},
                a.where.child("prefixItems", str(i)),
                in_base=True,
            )
        )


def check_contains(
    c: Comparer, a: Schema, b: Schema, side: Side, facts: list[LocalFact], edges: list[Edge]
) -> None:
    old, new = keywords(a).contains, keywords(b).contains
    presence("contains", "contains", old, new, a, b, facts, edges)


def check_unevaluated_items(
    c: Comparer, a: Schema, b: Schema, side: Side, facts: list[LocalFact], edges: list[Edge]
) -> None:
    unevaluated(
        a, b, "unevaluatedItems", keywords(a).unevaluated_items, keywords(b).unevaluated_items, facts, edges
    )


def unevaluated(
    a: Schema,
    b: Schema,
    keyword: str,
    old: Schema | bool | None,
    new: Schema | bool | None,
    facts: list[LocalFact],
    edges: list[Edge],
) -> None:
    """`unevaluatedItems`/`unevaluatedProperties`: `false` (or a schema) added closes what the
    other keywords leave open; two schemas are compared below."""
    old = None if old is True else old
    new = None if new is True else new
    if old is new:
        return
    if isinstance(old, Schema) and isinstance(new, Schema):
        edges.append((Token("keyword", keyword), old, new))
        return
    if new is False or old is None:  # closed, or a schema where there was none
        label = f"{keyword}: false" if new is False else keyword
        facts.append(
            LocalFact(
                ("request-constraint-added", "response-constraint-added"),
                {"keyword": label},
                b.where.child(keyword),
            )
        )
    else:
        label = f"{keyword}: false" if old is False else keyword
        facts.append(
            LocalFact(
                ("request-constraint-removed", "response-constraint-removed"),
                {"keyword": label},
                a.where.child(keyword),
                in_base=True,
            )
        )
