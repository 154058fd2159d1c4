"""Which removed and added properties of one object are one property renamed (SPEC 3.2, renames).

A pair is a rename only with evidence: equivalent schemas, each fitting only the other, and
either names alike (`created_at` -> `createdAt`, `userName` -> `username`, a short edit) or a
schema that no other property of the object has. Otherwise it is a removal and an addition: two
unrelated names that share a `$ref` with their siblings (`core`, `search`,
`code_scanning_upload` all `RateLimit`) say nothing about each other.
"""

from __future__ import annotations

import re

from oasguard.compare.keywords.base import Comparer
from oasguard.model.nodes import Schema

#: properties compared pairwise for renames at most (removed × added)
MAX_PAIRS = 64
#: the longest edit (after case and separators are ignored, one letter) that keeps two names alike
_SHORT_EDIT = 1
_SEPARATORS = re.compile(r"[\s_\-.]+")


def renames(c: Comparer, a: Schema, b: Schema, removed: list[str], added: list[str]) -> list[tuple[str, str]]:
    """Pairs (removed, added) of `a` → `b` that are one property renamed."""
    if not removed or not added or len(removed) * len(added) > MAX_PAIRS:
        return []
    fits = {
        (old, new) for old in removed for new in added if c.equivalent(a.properties[old], b.properties[new])
    }
    pairs = []
    for old, new in sorted(fits):
        if sum(1 for o, _ in fits if o == old) != 1 or sum(1 for _, n in fits if n == new) != 1:
            continue
        if alike(old, new) or _distinctive(c, a, b, old, new):
            pairs.append((old, new))
    return pairs


def alike(old: str, new: str) -> bool:
    """Names that differ only in case, separators or a short edit."""
    x, y = _SEPARATORS.sub("", old).lower(), _SEPARATORS.sub("", new).lower()
    if x == y:
        return True
    return min(len(x), len(y)) > 3 and _distance(x, y, _SHORT_EDIT) <= _SHORT_EDIT


def _distance(x: str, y: str, limit: int) -> int:
    """Levenshtein distance, or limit + 1 once it exceeds `limit`."""
    if abs(len(x) - len(y)) > limit:
        return limit + 1
    previous = list(range(len(y) + 1))
    for i, cx in enumerate(x, 1):
        current = [i]
        for j, cy in enumerate(y, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (cx != cy)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def _distinctive(c: Comparer, a: Schema, b: Schema, old: str, new: str) -> bool:
    """No other property of either object has a schema equivalent to the pair's."""
    schema = b.properties[new]
    for name, other in b.properties.items():
        if name != new and c.equivalent(other, schema):
            return False
    old_schema = a.properties[old]
    return not any(name != old and c.equivalent(other, old_schema) for name, other in a.properties.items())
