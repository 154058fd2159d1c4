"""Subschema keywords that an `allOf` keeps as a conjunction (model `Applied`, `Condition`).

One schema writes `not`, `contains`, `propertyNames`, `contentSchema` or `if`/`then`/`else`
once, but an `allOf` whose parts each write one must satisfy them all, so the merged node
keeps every part's. Each is compared with its own former self: the one it is equivalent to
(a part moved or reordered changes nothing), else the one written in the same order among the
rest; what is left over on either side was added or removed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from oasguard.compare.keywords.base import Comparer, Edge, LocalFact, presence
from oasguard.model.nodes import Applied, Schema
from oasguard.static import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import TypeVar

    T = TypeVar("T")


def pair(
    c: Comparer, old: Sequence[T], new: Sequence[T], key: Callable[[T], Schema | None]
) -> tuple[list[tuple[T, T]], list[T], list[T]]:
    """(pairs, old left over, new left over): equivalent entries first, then in order."""
    if len(old) == 1 and len(new) == 1:  # the common case: one written on each side
        return [(old[0], new[0])], [], []
    pairs: list[tuple[T, T]] = []
    rest_old, rest_new = list(old), list(new)
    for entry in list(rest_old):
        match = next((other for other in rest_new if _alike(c, key(entry), key(other))), None)
        if match is not None:
            pairs.append((entry, match))
            rest_old.remove(entry)
            rest_new.remove(match)
    shared = min(len(rest_old), len(rest_new))
    pairs.extend(zip(rest_old[:shared], rest_new[:shared], strict=True))
    return pairs, rest_old[shared:], rest_new[shared:]


def _alike(c: Comparer, a: Schema | None, b: Schema | None) -> bool:
    if a is None or b is None:
        return a is b
    return c.same(a, b) or c.equivalent(a, b)


def each(
    c: Comparer,
    keyword: str,
    old: tuple[Applied, ...],
    new: tuple[Applied, ...],
    a: Schema,
    b: Schema,
    facts: list[LocalFact],
    edges: list[Edge],
    swap: bool = False,
) -> None:
    """Every `keyword` of `a` compared with its own former self in `b` (added, removed, or
    walked below `keyword`), each pointed at the schema that writes it."""
    pairs, gone, came = pair(c, old, new, lambda applied: applied[1])
    for (holder_a, before), (holder_b, after) in pairs:
        presence(keyword, keyword, before, after, holder_a, holder_b, facts, edges, swap)
    for holder, before in gone:
        presence(keyword, keyword, before, None, holder, b, facts, edges, swap)
    for holder, after in came:
        presence(keyword, keyword, None, after, a, holder, facts, edges, swap)
