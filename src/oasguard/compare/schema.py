"""Compare two schema graphs for one side (request or response), once per pair of nodes.

The comparison of a pair of nodes is local (its own keywords) and names the pairs of children
to compare next; `walk` visits the reachable pairs breadth-first, each once, so cycles end and a
change inside a shared or recursive schema is reported once per walk. Local results are memoised
per (base node, revision node, side), so every operation that uses a schema reuses them.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, replace

from oasguard.changes import Side
from oasguard.compare import renames, variants
from oasguard.compare.facts import canonical, show
from oasguard.model.nodes import MISSING, Schema, Where
from oasguard.rules import schema as kinds

#: (int32 → int64)-like format changes that accept every old value
_WIDER_FORMATS = {
    ("int32", "int64"),
    ("float", "double"),
    ("int32", "double"),
    ("float", "number"),
    ("int32", "number"),
    ("int64", "number"),
}


@dataclass(frozen=True)
class Token:
    """One step from a schema to a child: a property, the items, map values or a variant."""

    kind: str  # "property" | "items" | "values" | "variant"
    label: str = ""


@dataclass(frozen=True)
class LocalFact:
    kind: str
    args: dict[str, object]
    where: Where
    in_base: bool = False
    #: the property this fact is about, below the pair being compared
    prop: str | None = None


@dataclass(frozen=True)
class SchemaFact:
    """A fact found by a walk: the rule id, its message arguments and where it is."""

    rule: str
    args: dict[str, object]
    path: tuple[Token, ...]
    where: Where
    in_base: bool


_Edge = tuple[Token, Schema, Schema]
#: a fact found by a search: (the node pair it is about, the route to that pair, the fact)
_Found = tuple[tuple[int, int], tuple[Token, ...], SchemaFact]


class SchemaComparer:
    """Compares schema pairs for both sides, sharing work across all the operations of a diff."""

    def __init__(self, unchanged: frozenset[str] = frozenset()) -> None:
        #: `$ref` targets whose whole reachable graph is identical in both documents
        self.unchanged = unchanged
        self._local: dict[tuple[int, int, Side], tuple[list[LocalFact], list[_Edge]]] = {}
        self._in_progress: set[tuple[int, int, Side]] = set()
        self._equivalent: dict[tuple[int, int], bool] = {}
        self._walks: dict[tuple[int, int, Side, bool], list[SchemaFact]] = {}
        self._components: dict[tuple[int, int, Side], list[_Found]] = {}
        self._searching: set[tuple[int, int, Side]] = set()
        #: compositions as compared (compare/variants.py), by schema id, with the schema kept
        self._views: dict[int, tuple[Schema, variants.View | None]] = {}
        self._nullable_copies: dict[int, tuple[Schema, Schema]] = {}
        self._default_copies: dict[int, tuple[Schema, Schema]] = {}
        self._fits: dict[tuple[int, int, Side], bool] = {}
        #: how many node pairs were compared, and how many were visited by walks (counted so that a
        #: test can guard against quadratic work; see tests/test_growth.py)
        self.comparisons = 0
        self.visits = 0

    def same(self, a: Schema, b: Schema) -> bool:
        return a is b or (a.key is not None and a.key == b.key and a.key in self.unchanged)

    def walk(
        self, base: Schema, rev: Schema, side: Side, skip_root_default: bool = False
    ) -> list[SchemaFact]:
        """Every fact reachable from the pair (base, rev): each node pair's facts once, named by
        the shortest path found to that pair.

        Remembered per root pair: the error schema shared by every operation is walked once.
        """
        key = (id(base), id(rev), side, skip_root_default)
        known = self._walks.get(key)
        if known is None:
            found = _shortest(self._search(base, rev, side, skip_root_default))
            known = self._walks[key] = [fact for _, _, fact in found]
        return known

    def _walk(self, base: Schema, rev: Schema, side: Side, skip_root_default: bool) -> Iterator[SchemaFact]:
        return (fact for _, _, fact in self._search(base, rev, side, skip_root_default))

    def _search(self, base: Schema, rev: Schema, side: Side, skip_root_default: bool) -> Iterator[_Found]:
        """Breadth-first from (base, rev): each pair once, with the facts of its own keywords.

        A pair of `$ref` targets met on the way is searched once for all walks (`_component`)
        and its facts are spliced in below the path that reached it: a changed component used by
        a thousand inline schemas is searched once, not a thousand times. A pair may then come
        up more than once, by different paths; `_shortest` keeps one.
        """
        seen: set[tuple[int, int]] = set()
        queue: deque[tuple[Schema, Schema, tuple[Token, ...]]] = deque([(base, rev, ())])
        while queue:
            a, b, path = queue.popleft()
            pair = (id(a), id(b))
            if pair in seen or self.same(a, b):
                continue
            seen.add(pair)
            if path and a.key is not None and b.key is not None:
                found = self._component(a, b, side)
                if found is not None:
                    for inner, route, fact in found:
                        yield inner, (*path, *route), replace(fact, path=(*path, *fact.path))
                    continue
            self.visits += 1
            facts, edges = self._pair(a, b, side)
            for fact in facts:
                if skip_root_default and not path and fact.kind == kinds.DEFAULT_CHANGED:
                    continue
                full = (*path, Token("property", fact.prop)) if fact.prop is not None else path
                rule = f"{side.value}-{fact.kind}"
                yield pair, path, SchemaFact(rule, fact.args, full, fact.where, fact.in_base)
            for token, child_a, child_b in edges:
                queue.append((child_a, child_b, (*path, token)))

    def _component(self, a: Schema, b: Schema, side: Side) -> list[_Found] | None:
        """The facts reachable from a pair of `$ref` targets, searched once; None while that
        search is under way (a cycle back to it: the caller walks on through it instead)."""
        key = (id(a), id(b), side)
        known = self._components.get(key)
        if known is None:
            if key in self._searching:
                return None
            self._searching.add(key)
            try:
                known = self._components[key] = _shortest(self._search(a, b, side, False))
            finally:
                self._searching.discard(key)
        return known

    def equivalent(self, a: Schema, b: Schema) -> bool:
        """True when no rule on either side sees a difference between `a` and `b`."""
        if self.same(a, b):
            return True
        key = (id(a), id(b))
        known = self._equivalent.get(key)
        if known is not None:
            return known
        self._equivalent[key] = True  # assumed while it is being checked (cycles)
        result = all(next(self._walk(a, b, side, False), None) is None for side in Side)
        self._equivalent[key] = result
        return result

    def _pair(self, a: Schema, b: Schema, side: Side) -> tuple[list[LocalFact], list[_Edge]]:
        key = (id(a), id(b), side)
        cached = self._local.get(key)
        if cached is not None:
            return cached
        if key in self._in_progress:
            return [], []
        self._in_progress.add(key)
        try:
            self.comparisons += 1
            facts: list[LocalFact] = []
            edges: list[_Edge] = []
            old_view, new_view = variants.composition(self, a), variants.composition(self, b)
            if old_view is not None or new_view is not None:
                self._compositions(a, b, old_view, new_view, side, facts, edges)
            elif _compare_types(a, b, side, facts):
                for check in _CHECKS:
                    check(self, a, b, side, facts, edges)
        finally:
            self._in_progress.discard(key)
        self._local[key] = (facts, edges)
        return facts, edges

    def _compositions(
        self,
        a: Schema,
        b: Schema,
        old_view: variants.View | None,
        new_view: variants.View | None,
        side: Side,
        facts: list[LocalFact],
        edges: list[_Edge],
    ) -> None:
        """A pair where either side is a composition: compared by what the variants accept."""
        old, old_labels, old_null = old_view[1:] if old_view else variants.plain(self, a)
        new, new_labels, new_null = new_view[1:] if new_view else variants.plain(self, b)
        if old_null != new_null:
            facts.append(LocalFact(kinds.NULLABLE_ADDED if new_null else kinds.NULLABLE_REMOVED, {}, b.where))
        if len(old) == 1 and len(new) == 1 and (old_view is None or new_view is None):
            # a plain schema and a composition of one: one schema on each side, however written
            inner_facts, inner_edges = self._pair(old[0], new[0], side)
            facts.extend(inner_facts)
            edges.extend(inner_edges)
            return
        keyword = (new_view or old_view)[0]  # type: ignore[index]
        variants.compare(
            self,
            keyword,
            old,
            new,
            old_labels,
            new_labels,
            a.where.child(old_view[0]) if old_view else None,
            b.where.child(new_view[0]) if new_view else None,
            side,
            facts,
            edges,
        )
        _check_discriminator(self, a, b, side, facts, edges)


# -- keyword checks: each compares one aspect of a pair and appends facts or child edges ------


def _show_types(types: frozenset[str] | None) -> str:
    return "any" if types is None else "|".join(sorted(types)) or "nothing"


def _covered(t: str, types: frozenset[str]) -> bool:
    return t in types or (t == "integer" and "number" in types)


def _compare_types(a: Schema, b: Schema, side: Side, facts: list[LocalFact]) -> bool:
    """Compare types; False when they changed so much that nothing below is worth comparing."""
    if a.types == b.types:
        return True
    widened = b.types is None or (a.types is not None and all(_covered(t, b.types) for t in a.types))
    narrowed = a.types is None or (b.types is not None and all(_covered(t, a.types) for t in b.types))
    args = {"old": _show_types(a.types), "new": _show_types(b.types)}
    where = b.where.child("type")
    if widened and not narrowed:
        facts.append(LocalFact(kinds.TYPE_WIDENED, args, where))
        return True
    if narrowed and not widened:
        facts.append(LocalFact(kinds.TYPE_NARROWED, args, where))
        return True
    facts.append(LocalFact(kinds.TYPE_CHANGED, args, where))
    return False


def _check_nullable(
    c: SchemaComparer, a: Schema, b: Schema, side: Side, facts: list[LocalFact], edges: list[_Edge]
) -> None:
    if a.nullable == b.nullable or a.types is None or b.types is None:
        return
    kind = kinds.NULLABLE_ADDED if b.nullable else kinds.NULLABLE_REMOVED
    facts.append(LocalFact(kind, {}, b.where))


def _check_format(
    c: SchemaComparer, a: Schema, b: Schema, side: Side, facts: list[LocalFact], edges: list[_Edge]
) -> None:
    if a.format == b.format:
        return
    args = {"old": a.format or "none", "new": b.format or "none"}
    where = b.where.child("format")
    if b.format is None or (a.format, b.format) in _WIDER_FORMATS:
        facts.append(LocalFact(kinds.FORMAT_WIDENED, args, where))
    elif a.format is None or (b.format, a.format) in _WIDER_FORMATS:
        facts.append(LocalFact(kinds.FORMAT_NARROWED, args, where))
    else:
        facts.append(LocalFact(kinds.FORMAT_CHANGED, args, where))


def _check_enum(
    c: SchemaComparer, a: Schema, b: Schema, side: Side, facts: list[LocalFact], edges: list[_Edge]
) -> None:
    if a.enum == b.enum and (
        a.enum is None or [canonical(v) for v in a.enum] == [canonical(v) for v in b.enum or ()]
    ):
        return
    if a.enum is None or b.enum is None:
        old = "none" if a.enum is None else show(list(a.enum))
        new = "none" if b.enum is None else show(list(b.enum))
        kind = kinds.BOUND_TIGHTENED if a.enum is None else kinds.BOUND_LOOSENED
        facts.append(LocalFact(kind, {"keyword": "enum", "old": old, "new": new}, b.where.child("enum")))
        return
    old_values = {canonical(v): v for v in a.enum}
    new_values = {canonical(v): v for v in b.enum}
    for value_key, value in old_values.items():
        if value_key not in new_values:
            facts.append(
                LocalFact(
                    kinds.ENUM_VALUE_REMOVED, {"value": show(value)}, a.where.child("enum"), in_base=True
                )
            )
    for value_key, value in new_values.items():
        if value_key not in old_values:
            facts.append(LocalFact(kinds.ENUM_VALUE_ADDED, {"value": show(value)}, b.where.child("enum")))


#: bound keyword -> +1 when a larger value accepts more, -1 when it accepts less
_DIRECTION = {
    "maxLength": 1,
    "maxItems": 1,
    "maxProperties": 1,
    "minLength": -1,
    "minItems": -1,
    "minProperties": -1,
}


def _check_bounds(
    c: SchemaComparer, a: Schema, b: Schema, side: Side, facts: list[LocalFact], edges: list[_Edge]
) -> None:
    if a.bounds == b.bounds:
        return

    def add(tightened: bool, keyword: str, old: object, new: object) -> None:
        kind = kinds.BOUND_TIGHTENED if tightened else kinds.BOUND_LOOSENED
        facts.append(
            LocalFact(
                kind,
                {"keyword": keyword, "old": _show_bound(old), "new": _show_bound(new)},
                b.where.child(keyword),
            )
        )

    for keyword, direction in _DIRECTION.items():
        old, new = a.bounds.get(keyword), b.bounds.get(keyword)
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
        kind = kinds.BOUND_TIGHTENED if tightened else kinds.BOUND_LOOSENED
        facts.append(
            LocalFact(
                kind,
                {"keyword": keyword, "old": old_show or "none", "new": new_show or "none"},
                b.where.child(keyword),
            )
        )
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


def _check_pattern(
    c: SchemaComparer, a: Schema, b: Schema, side: Side, facts: list[LocalFact], edges: list[_Edge]
) -> None:
    if a.pattern == b.pattern:
        return
    args = {"old": a.pattern, "new": b.pattern}
    if a.pattern is None:
        facts.append(LocalFact(kinds.PATTERN_ADDED, args, b.where.child("pattern")))
    elif b.pattern is None:
        facts.append(LocalFact(kinds.PATTERN_REMOVED, args, a.where.child("pattern"), True))
    else:
        facts.append(LocalFact(kinds.PATTERN_CHANGED, args, b.where.child("pattern")))


def _check_default(
    c: SchemaComparer, a: Schema, b: Schema, side: Side, facts: list[LocalFact], edges: list[_Edge]
) -> None:
    if side is not Side.REQUEST or (a.default is MISSING and b.default is MISSING):
        return
    if a.default is not MISSING and b.default is not MISSING and canonical(a.default) == canonical(b.default):
        return
    facts.append(
        LocalFact(
            kinds.DEFAULT_CHANGED,
            {
                "old": "none" if a.default is MISSING else show(a.default),
                "new": "none" if b.default is MISSING else show(b.default),
            },
            b.where.child("default"),
        )
    )


def _visible(schema: Schema, side: Side) -> bool:
    """readOnly properties are not part of requests, writeOnly ones not part of responses."""
    return not (schema.read_only if side is Side.REQUEST else schema.write_only)


def _check_properties(
    c: SchemaComparer, a: Schema, b: Schema, side: Side, facts: list[LocalFact], edges: list[_Edge]
) -> None:
    if not a.properties and not b.properties and a.required == b.required:
        return
    request = side is Side.REQUEST
    removed, added = [], []
    for name, old in a.properties.items():
        new = b.properties.get(name)
        old_visible = _visible(old, side)
        if new is None:
            if old_visible:
                removed.append(name)
            continue
        new_visible = _visible(new, side)
        if old_visible and not new_visible:
            kind = kinds.PROPERTY_BECAME_READ_ONLY if request else kinds.PROPERTY_BECAME_WRITE_ONLY
            facts.append(LocalFact(kind, {}, _slot(b, name), prop=name))
            continue
        if not old_visible and new_visible:
            added.append(name)
            continue
        if not old_visible:
            continue
        was, now = name in a.required, name in b.required
        if was and not now:
            facts.append(LocalFact(kinds.PROPERTY_BECAME_OPTIONAL, {}, _slot(b, name), prop=name))
        elif now and not was:
            facts.append(LocalFact(kinds.PROPERTY_BECAME_REQUIRED, {}, _slot(b, name), prop=name))
        edges.append((Token("property", name), old, new))
    for name, new in b.properties.items():
        if name not in a.properties and (_visible(new, side) or request):
            added.append(name)

    for old_name, new_name in _renames(c, a, b, removed, added):
        removed.remove(old_name)
        added.remove(new_name)
        facts.append(
            LocalFact(
                kinds.PROPERTY_RENAMED,
                {"old": old_name, "new": new_name},
                _slot(b, new_name),
                prop=new_name,
            )
        )
    for name in removed:
        if request:
            kind = (
                kinds.PROPERTY_REMOVED_FROM_CLOSED_OBJECT if b.additional is False else kinds.PROPERTY_REMOVED
            )
            why = ""
        elif name in a.required:
            kind, why = kinds.PROPERTY_REMOVED, " (it was required)"
        else:
            kind, why = kinds.OPTIONAL_PROPERTY_REMOVED, ""
        facts.append(LocalFact(kind, {"why": why}, _slot(a, name), in_base=True, prop=name))
    for name in added:
        required = name in b.required and _visible(b.properties[name], side)
        kind = kinds.REQUIRED_PROPERTY_ADDED if required else kinds.PROPERTY_ADDED
        facts.append(LocalFact(kind, {}, _slot(b, name), prop=name))


def _slot(schema: Schema, name: str) -> Where:
    """Where property `name` of `schema` is written (not where a `$ref` of it leads)."""
    return schema.property_where.get(name) or schema.properties[name].where


def _renames(
    c: SchemaComparer, a: Schema, b: Schema, removed: list[str], added: list[str]
) -> list[tuple[str, str]]:
    """Pairs (removed, added) that are one property renamed (compare/renames.py)."""
    return renames.renames(c, a, b, removed, added)


def _check_additional(
    c: SchemaComparer, a: Schema, b: Schema, side: Side, facts: list[LocalFact], edges: list[_Edge]
) -> None:
    old, new = a.additional, b.additional
    if old is new:
        return
    if new is False and old is not False:
        facts.append(LocalFact(kinds.ADDITIONAL_PROPERTIES_CLOSED, {}, b.where.child("additionalProperties")))
    elif old is False and new is not False:
        facts.append(LocalFact(kinds.ADDITIONAL_PROPERTIES_OPENED, {}, b.where.child("additionalProperties")))
    elif isinstance(old, Schema) and isinstance(new, Schema):
        edges.append((Token("values"), old, new))


def _check_items(
    c: SchemaComparer, a: Schema, b: Schema, side: Side, facts: list[LocalFact], edges: list[_Edge]
) -> None:
    if a.items is not None and b.items is not None:
        edges.append((Token("items"), a.items, b.items))


def _component_name(schema: Schema) -> str:
    """The last pointer token of a `$ref` target ("Cat"), or "" for an inline schema."""
    return schema.key.rsplit("/", 1)[-1] if schema.key is not None else ""


def _variant_label(schema: Schema, index: int) -> str:
    return variants.label(schema, index)


def _check_variants(
    c: SchemaComparer, a: Schema, b: Schema, side: Side, facts: list[LocalFact], edges: list[_Edge]
) -> None:
    """The `oneOf`/`anyOf` of schemas that have constraints of their own as well (an object
    whose variants each require other properties): variants matched by what they accept."""
    for keyword, old_variants, new_variants in (("oneOf", a.one_of, b.one_of), ("anyOf", a.any_of, b.any_of)):
        if not old_variants and not new_variants:
            continue
        variants.compare(
            c,
            keyword,
            old_variants,
            new_variants,
            old_variants,
            new_variants,
            a.where.child(keyword),
            b.where.child(keyword),
            side,
            facts,
            edges,
        )


def _check_discriminator(
    c: SchemaComparer, a: Schema, b: Schema, side: Side, facts: list[LocalFact], edges: list[_Edge]
) -> None:
    old, new = a.discriminator, b.discriminator
    if old is None or new is None:
        return
    where = b.where.child("discriminator")
    if old[0] != new[0]:
        facts.append(
            LocalFact(
                kinds.DISCRIMINATOR_CHANGED,
                {"what": "propertyName", "old": show(old[0]), "new": show(new[0])},
                where,
            )
        )
    new_mapping = dict(new[1])
    for value, target in old[1]:
        other = new_mapping.get(value)
        if other is None:
            facts.append(
                LocalFact(
                    kinds.DISCRIMINATOR_CHANGED,
                    {"what": f"mapping {show(value)}", "old": show(_variant_label(target, 0)), "new": "none"},
                    where,
                )
            )
        elif not c.equivalent(target, other) and _component_name(target) != _component_name(other):
            facts.append(
                LocalFact(
                    kinds.DISCRIMINATOR_CHANGED,
                    {
                        "what": f"mapping {show(value)}",
                        "old": show(_variant_label(target, 0)),
                        "new": show(_variant_label(other, 0)),
                    },
                    where,
                )
            )


_CHECKS = (
    _check_nullable,
    _check_format,
    _check_enum,
    _check_bounds,
    _check_pattern,
    _check_default,
    _check_properties,
    _check_additional,
    _check_items,
    _check_variants,
    _check_discriminator,
)


def describe(path: tuple[Token, ...], side: Side, root: str) -> tuple[str, str]:
    """(name, subject) of a schema path: `address.city` and "request property 'address.city'"."""
    name = ""
    for token in path:  # a top-level array keeps its `[]` (`[].email`), as the location does
        if token.kind == "property":
            name = f"{name}.{token.label}" if name else token.label
        elif token.kind == "items":
            name += "[]"
        elif token.kind == "values":
            name += ".*" if name else "*"
    if not any(t.kind == "property" for t in path):
        suffix = {"items": " items", "values": " values"}
        return name, root + "".join(suffix.get(t.kind, "") for t in path)
    return name, f"{side.value} property '{name}'"


def location(path: tuple[Token, ...]) -> tuple[str, ...]:
    return tuple({"property": t.label, "items": "[]", "values": "*"}.get(t.kind, t.label) for t in path)


def _shortest(found: Iterator[_Found]) -> list[_Found]:
    """The facts of each node pair once: those of the shortest route found to it (the first)."""
    best: dict[tuple[int, int], tuple[tuple[Token, ...], list[_Found]]] = {}
    for item in found:
        pair, route = item[0], item[1]
        known = best.get(pair)
        if known is None or len(route) < len(known[0]):
            best[pair] = known = (route, [])
        if known[0] == route:
            known[1].append(item)
    return [item for _, items in best.values() for item in items]
