"""Bounds: `maximum`/`minimum` and their exclusive forms, lengths, sizes, `uniqueItems`,
`multipleOf`, `minContains`/`maxContains`; and `pattern` (an empty one is none)."""

from __future__ import annotations

from oasguard.changes import Side
from oasguard.compare.facts import show
from oasguard.compare.keywords.base import Comparer, Edge, LocalFact
from oasguard.model.nodes import Schema

#: bound keyword -> +1 when a larger value accepts more, -1 when it accepts less
_DIRECTION = {
    "maxLength": 1,
    "maxItems": 1,
    "maxProperties": 1,
    "minLength": -1,
    "minItems": -1,
    "minProperties": -1,
    "maxContains": 1,
    "minContains": -1,
}
#: what an absent bound means, where that is not "no bound"
_ABSENT = {"minContains": 1}


def check_bounds(
    c: Comparer, a: Schema, b: Schema, side: Side, facts: list[LocalFact], edges: list[Edge]
) -> None:
    if a.bounds == b.bounds:
        return

    def add(tightened: bool, keyword: str, old: object, new: object) -> None:
        facts.append(bound_fact(tightened, keyword, _show_bound(old), _show_bound(new), b))

    for keyword, direction in _DIRECTION.items():
        old, new = a.bounds.get(keyword), b.bounds.get(keyword)
        if keyword in _ABSENT:
            old, new = (_ABSENT[keyword] if v is None else v for v in (old, new))
        if old == new:
            continue
        if old is None:  # a bound appeared (a minimum of 0 is no bound)
            if direction > 0 or new:
                add(True, keyword, old, new)
        elif new is None:
            if direction > 0 or old:
                add(False, keyword, old, new)
        else:
            add((new - old) * direction < 0, keyword, old, new)  # type: ignore[operator]
    _check_limits(a, b, facts)
    if a.bounds.get("uniqueItems") != b.bounds.get("uniqueItems"):
        add(
            bool(b.bounds.get("uniqueItems")),
            "uniqueItems",
            bool(a.bounds.get("uniqueItems")),
            bool(b.bounds.get("uniqueItems")),
        )
    old_multiple, new_multiple = a.bounds.get("multipleOf"), b.bounds.get("multipleOf")
    if old_multiple != new_multiple:
        if new_multiple is None:
            loosened = True
        elif old_multiple is None:
            loosened = False
        else:
            loosened = _divides(new_multiple, old_multiple)
        add(not loosened, "multipleOf", old_multiple, new_multiple)


def bound_fact(tightened: bool, keyword: str, old: str, new: str, b: Schema) -> LocalFact:
    """A bound made tighter or looser (`old` and `new` as the message shows them)."""
    rule = (
        ("request-bound-tightened", "response-bound-tightened")
        if tightened
        else ("request-bound-loosened", "response-bound-loosened")
    )
    return LocalFact(rule, {"keyword": keyword, "old": old, "new": new}, b.where.child(keyword))


def _check_limits(a: Schema, b: Schema, facts: list[LocalFact]) -> None:
    """The effective upper and lower numeric bounds, however each side spells them."""
    for upper in (True, False):
        old_bound, new_bound = _limit(a.bounds, upper), _limit(b.bounds, upper)
        if old_bound == new_bound:
            continue
        keyword = (new_bound or old_bound)[2]  # type: ignore[index]
        old_show = _show_limit(old_bound, keyword)
        new_show = _show_limit(new_bound, keyword)
        if old_bound is None:
            tightened = True
        elif new_bound is None:
            tightened = False
        else:
            tightened = _tighter(new_bound, old_bound, upper)
        facts.append(bound_fact(tightened, keyword, old_show or "none", new_show or "none", b))


def _limit(bounds: dict[str, object], upper: bool) -> tuple[float, bool, str] | None:
    """The effective upper (or lower) numeric bound: (value, exclusive, keyword)."""
    plain, exclusive = ("maximum", "exclusiveMaximum") if upper else ("minimum", "exclusiveMinimum")
    candidates = []
    if plain in bounds:
        candidates.append((bounds[plain], False, plain))
    if exclusive in bounds:
        candidates.append((bounds[exclusive], True, exclusive))
    if not candidates:
        return None
    # the tightest of the two
    best = candidates[0]
    for candidate in candidates[1:]:
        if _tighter(candidate, best, upper):
            best = candidate
    return best  # type: ignore[return-value]


def _show_limit(bound: tuple | None, keyword: str) -> str | None:
    """A bound's value, naming its keyword only when it is not the one the message names."""
    if bound is None:
        return None
    value = _show_bound(bound[0])
    return value if bound[2] == keyword else f"{value} ({bound[2]})"


def _tighter(x: tuple, y: tuple, upper: bool) -> bool:
    """Whether bound x accepts strictly less than bound y."""
    if x[0] != y[0]:
        return x[0] < y[0] if upper else x[0] > y[0]
    return x[1] and not y[1]


def _divides(divisor: object, value: object) -> bool:
    try:
        ratio = value / divisor  # type: ignore[operator]
    except (TypeError, ZeroDivisionError):
        return False
    return abs(ratio - round(ratio)) < 1e-9


def _show_bound(value: object) -> str:
    return "none" if value is None else show(value)


def check_pattern(
    c: Comparer, a: Schema, b: Schema, side: Side, facts: list[LocalFact], edges: list[Edge]
) -> None:
    if a.pattern == b.pattern:
        return
    args = {"old": a.pattern, "new": b.pattern}
    if a.pattern is None:
        facts.append(
            LocalFact(("request-pattern-added", "response-pattern-added"), args, b.where.child("pattern"))
        )
    elif b.pattern is None:
        facts.append(
            LocalFact(
                ("request-pattern-removed", "response-pattern-removed"), args, a.where.child("pattern"), True
            )
        )
    else:
        facts.append(
            LocalFact(("request-pattern-changed", "response-pattern-changed"), args, b.where.child("pattern"))
        )
