"""Arrays: `items` (`false`: no item; Draft 4's list form is `prefixItems` and its
`additionalItems` is `items`), `prefixItems` (compared position by position), `contains` (an
`allOf` keeps every part's: conjunction.py), `unevaluatedItems`."""

from __future__ import annotations

from oasguard.changes import Side
from oasguard.compare.keywords import conjunction
from oasguard.compare.keywords.base import Comparer, Edge, LocalFact, Token, keywords, presence
from oasguard.model.nodes import Schema
from oasguard.model.schema import is_empty

#: the step to an array's items (one Token for every array: a value)
ITEMS = Token("items")


def _nothing(schema: Schema | None) -> bool:
    """`items: false` (or Draft 4 `additionalItems: false`): a schema no value satisfies."""
    return schema is not None and schema.types == frozenset() and not schema.nullable


def _items_keyword(schema: Schema) -> str:
    """How `schema` spells what every item (past the tuple's) must be."""
    written = keywords(schema)
    draft4 = written.prefix_items is not None and written.prefix_keyword == "items"
    return "additionalItems" if draft4 else "items"


def check_items(
    c: Comparer, a: Schema, b: Schema, side: Side, facts: list[LocalFact], edges: list[Edge]
) -> None:
    """Both item schemas compared below `[]`; `false` (no item at all) or a schema where there
    was none closes the array, the reverse opens it."""
    old, new = a.items, b.items
    if old is None and new is None:
        return
    if old is None or new is None:
        written = new if old is None else old
        if not _nothing(written) and is_empty(written):  # `items: {}` says nothing
            return
    elif _nothing(old) == _nothing(new):
        if not _nothing(old):
            edges.append((ITEMS, old, new))
        return
    unevaluated(
        a,
        b,
        "items",
        False if _nothing(old) else old,
        False if _nothing(new) else new,
        facts,
        edges,
        spelled=(_items_keyword(a), _items_keyword(b)),
    )


def check_prefix_items(
    c: Comparer, a: Schema, b: Schema, side: Side, facts: list[LocalFact], edges: list[Edge]
) -> None:
    old, new = keywords(a).prefix_items, keywords(b).prefix_items
    if old is None and new is None:
        return
    spelled_old, spelled_new = keywords(a).prefix_keyword, keywords(b).prefix_keyword
    if old is None or new is None:
        keyword = spelled_old if new is None else spelled_new
        presence(keyword, keyword, old and a, new and b, a, b, facts, edges)
        return
    for i, (old_item, new_item) in enumerate(zip(old, new, strict=False)):
        edges.append((Token("keyword", f"prefixItems[{i}]"), old_item, new_item))
    for i in range(len(old), len(new)):  # an entry appended: item i is now constrained
        facts.append(
            LocalFact(
                ("request-constraint-added", "response-constraint-added"),
                {"keyword": f"{spelled_new}[{i}]"},
                b.where.child(spelled_new, str(i)),
            )
        )
    for i in range(len(new), len(old)):
        facts.append(
            LocalFact(
                ("request-constraint-removed", "response-constraint-removed"),
                {"keyword": f"{spelled_old}[{i}]"},
                a.where.child(spelled_old, str(i)),
                in_base=True,
            )
        )


def check_contains(
    c: Comparer, a: Schema, b: Schema, side: Side, facts: list[LocalFact], edges: list[Edge]
) -> None:
    conjunction.each(c, "contains", keywords(a).contains, keywords(b).contains, a, b, facts, edges)


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
    spelled: tuple[str, str] | None = None,
) -> None:
    """`unevaluatedItems`/`unevaluatedProperties` (and `items`): `false` (or a schema) added
    closes what the other keywords leave open; two schemas are compared below. `spelled` says
    how each side writes the keyword, when not as `keyword`."""
    old = None if old is True else old
    new = None if new is True else new
    if old is new:
        return
    if isinstance(old, Schema) and isinstance(new, Schema):
        edges.append((Token("keyword", keyword), old, new))
        return
    old_keyword, new_keyword = spelled or (keyword, keyword)
    if new is False or old is None:  # closed, or a schema where there was none
        label = f"{new_keyword}: false" if new is False else new_keyword
        facts.append(
            LocalFact(
                ("request-constraint-added", "response-constraint-added"),
                {"keyword": label},
                b.where.child(new_keyword),
            )
        )
    else:
        label = f"{old_keyword}: false" if old is False else old_keyword
        facts.append(
            LocalFact(
                ("request-constraint-removed", "response-constraint-removed"),
                {"keyword": label},
                a.where.child(old_keyword),
                in_base=True,
            )
        )
