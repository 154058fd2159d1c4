"""Compositions (`oneOf`/`anyOf`) compared by what their variants accept (SPEC 3.3.1).

A plain schema is a composition of one variant. Requests: each BASE variant is matched with a
REVISION variant that accepts everything it accepted; responses: each REVISION variant with a
BASE variant it only tightens or adds properties to. "Fits" means the walk of the pair finds
only safe facts on that side; it is memoised per node pair and side like every other
comparison. Only a variant left without a match is a change: the changes against the closest
variant on the other side (so a real change inside a variant still names the property), or
`variant-removed`/`variant-added` when no variant there is of a compatible type.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from oasguard.changes import Side
from oasguard.compare.facts import canonical
from oasguard.compare.keywords.base import Comparer, Edge, LocalFact, Token
from oasguard.compare.keywords.identity import disjoint, twins
from oasguard.model.nodes import MISSING, Keywords, Schema, Where
from oasguard.model.schema import ANNOTATION_KEYWORDS, is_empty
from oasguard.rules.registry import COMPATIBLE

#: a composition keyword, its variants as compared (nullability taken out), the variants as
#: written (for labels and keys), and whether the composition allows null
View = tuple[str, tuple[Schema, ...], tuple[Schema, ...], bool]


@dataclass(frozen=True)
class Variants:
    """One side of a composition as compared: its variants (nullability taken out), the variants
    as written (for labels and keys), and where its list is written (None: a plain schema, which
    has no list a removed or added variant could point at)."""

    compared: tuple[Schema, ...]
    written: tuple[Schema, ...]
    where: Where | None
    #: `oneOf` or `anyOf`, None for a plain schema
    keyword: str | None = None


def composition(c: Comparer, schema: Schema) -> View | None:
    """`schema` seen as a composition: it has `oneOf` or `anyOf` (not both) and no constraint of
    its own besides a type, nullability and a discriminator. None for anything else.

    Variants that are only enums of one type (`oneOf: [{enum: [a]}, {const: b}]`) are one enum
    of all their values. Null is a property of the whole composition (`nullable` beside the
    list, or a variant that allows null), compared once for it and not per variant.
    """
    if bool(schema.one_of) == bool(schema.any_of) or not _own_empty(schema):
        return None
    views = c.memo("composition views")
    known = views.get(id(schema))
    if known is not None:
        return known[1]
    keyword, variants = ("oneOf", schema.one_of) if schema.one_of else ("anyOf", schema.any_of)
    united = _enum_union(variants)
    nullable = schema.nullable or any(v.nullable for v in united)
    compared = tuple(_with_outside(c, strip_null(c, v), schema) for v in united)
    view = (keyword, compared, variants if len(compared) == len(variants) else compared, nullable)
    views[id(schema)] = (schema, view)  # the schema is kept so that its id stays its own
    return view


def plain(c: Comparer, schema: Schema) -> tuple[tuple[Schema, ...], tuple[Schema, ...], bool]:
    """A plain schema as a composition of one variant (the rest of a View)."""
    return (strip_null(c, schema),), (schema,), schema.nullable


def check_null(old_null: bool, new_null: bool, b: Schema, facts: list[LocalFact]) -> None:
    """Null allowed or no longer allowed by a whole composition (judged once, not per variant)."""
    if old_null != new_null:
        rule = (
            ("request-nullable-added", "response-nullable-added")
            if new_null
            else ("request-nullable-removed", "response-nullable-removed")
        )
        facts.append(LocalFact(rule, {}, b.where))


def _own_empty(schema: Schema) -> bool:
    """No constraint of its own besides a type, nullability and its composition; deprecation
    and stability say nothing of values."""
    return is_empty(schema, types=False, composition=False)


def _enum_union(variants: tuple[Schema, ...]) -> tuple[Schema, ...]:
    """Variants alike but for their enums (`oneOf: [{type: string, enum: [a]}, {const: b}]`),
    as one variant holding all their values."""
    if len(variants) < 2:
        return variants
    first = variants[0]
    for v in variants:
        if (
            v.enum is None
            or v.types != first.types
            or v.format != first.format
            or v.bounds != first.bounds
            or v.pattern != first.pattern
            or v.properties
            or v.items is not None
            or v.one_of
            or v.any_of
        ):
            return variants
    union: list[object] = []
    seen: set[str] = set()
    for v in variants:
        for value in v.enum or ():
            if canonical(value) not in seen:
                seen.add(canonical(value))
                union.append(value)
    return (replace(first, key=None, enum=tuple(union), nullable=any(v.nullable for v in variants)),)


def _with_outside(c: Comparer, schema: Schema, outer: Schema) -> Schema:
    """A variant given what is written beside its composition and says how the whole is used:
    the default, deprecation and stability (a copy, made once per variant and composition)."""
    default = outer.default if schema.default is MISSING else MISSING
    said = outer.keywords is not None and (outer.keywords.deprecated or outer.keywords.stability)
    own = schema.keywords is not None and (schema.keywords.deprecated or schema.keywords.stability)
    annotate = bool(said) and not own
    if default is MISSING and not annotate:
        return schema
    copies = c.memo("variants with what is outside")
    key = (id(schema), id(outer))
    known = copies.get(key)
    if known is None:
        changes: dict[str, object] = {"key": None}
        if default is not MISSING:
            changes["default"] = default
        if annotate:
            assert outer.keywords is not None
            mine = schema.keywords or Keywords(frozenset())
            changes["keywords"] = replace(
                mine,
                present=mine.present | (outer.keywords.present & ANNOTATION_KEYWORDS),
                deprecated=outer.keywords.deprecated,
                stability=outer.keywords.stability,
            )
        known = copies[key] = (schema, outer, replace(schema, **changes))  # type: ignore[arg-type]
    return known[2]


def strip_null(c: Comparer, schema: Schema) -> Schema:
    """`schema` without its nullability (a copy, made once), for a variant compared when null
    is judged for the whole composition."""
    if not schema.nullable:
        return schema
    copies = c.memo("variants without null")
    known = copies.get(id(schema))
    if known is None:
        # the key stays: an unchanged component is nullable on both sides, so stripped on both
        known = copies[id(schema)] = (schema, replace(schema, nullable=False))
    return known[1]


def fits(c: Comparer, old: Schema, new: Schema, side: Side) -> bool:
    """Whether the walk of (old, new) on `side` finds nothing but compatible facts: for
    requests, `new` accepts everything `old` accepted; for responses, `new` only tightens `old`
    or adds to it. A cheap test first (`_may_fit`), then the comparer's (memoised)."""
    if c.same(old, new):
        return True
    return _may_fit(old, new) and c.fits(old, new, side)


def _best_fit(
    i: int,
    count: int,
    pair_fits: Callable[[int, int], bool],
    pair_cost: Callable[[int, int], tuple[int, int]],
) -> int | None:
    """Of the variants that fit variant `i`, the one at the same position, or else the one that
    differs least (the search ends at one that does not differ at all)."""
    if i < count and pair_fits(i, i):
        return i
    best: tuple[tuple[int, int], int] | None = None
    for j in (j for j in range(count) if j != i):
        if not pair_fits(i, j):
            continue
        cost = pair_cost(i, j)
        if cost == (0, 0):
            return j
        if best is None or cost < best[0]:
            best = (cost, j)
    return best[1] if best is not None else None


def _may_fit(old: Schema, new: Schema) -> bool:
    """A cheap necessary condition for `fits` on either side: compatible types, and every
    property of `old` still there (a property removed is never safe for a request or a response,
    unless it is read-only or write-only and so invisible on one side)."""
    if not _compatible(old, new):
        return False
    if new.one_of or new.any_of:  # its properties may be in its variants: the walk decides
        return True
    missing = old.properties.keys() - new.properties.keys()
    if not missing:
        return True
    return all(old.properties[name].read_only or old.properties[name].write_only for name in missing)


def _cost(c: Comparer, old: Schema, new: Schema, side: Side) -> tuple[int, int]:
    """How far apart two variants are: their incompatible facts, then all their facts."""
    facts = c.walk(old, new, side)
    return (sum(1 for f in facts if f.rule not in COMPATIBLE), len(facts))


def _compatible(old: Schema, new: Schema) -> bool:
    """Whether two variants may be one changed into the other: they share a type."""
    if old.types is None or new.types is None:
        return True
    key = (old.types, new.types)
    known = _SHARE_A_TYPE.get(key)
    if known is None:
        numeric = {"integer": "number"}
        known = _SHARE_A_TYPE[key] = bool(
            {numeric.get(t, t) for t in old.types} & {numeric.get(t, t) for t in new.types}
        )
    return known


#: `_compatible` of two type sets (of the seven JSON types: a bounded table)
_SHARE_A_TYPE: dict[tuple[frozenset[str], frozenset[str]], bool] = {}


def label(schema: Schema, index: int) -> str:
    if schema.key is not None:
        return schema.key.rsplit("/", 1)[-1]
    if schema.title:
        return schema.title
    return f"#{index + 1}"


def compare(
    c: Comparer,
    keyword: str,
    old: Variants,
    new: Variants,
    side: Side,
    facts: list[LocalFact],
    edges: list[Edge],
) -> None:
    """Match the variants of two compositions (either may be a plain schema: one variant) and
    append the edges to walk (matched and closest pairs) and the facts of variants left over."""
    request = side is Side.REQUEST
    homes = new if request else old
    pairs, unmatched, used = _pair(c, old, new, side)
    for i, j in sorted({(i, j) if request else (j, i) for i, j in pairs}):  # (old, new) indexes
        token = Token("variant", f"{keyword}[{label(new.written[j], j)}]")
        edges.append((token, old.compared[i], new.compared[j]))
    gone, came = (unmatched, [j for j in range(len(homes.compared)) if j not in used])
    if not request:
        gone, came = came, gone
    for i in gone:
        facts.append(
            LocalFact(
                ("request-variant-removed", "response-variant-removed"),
                {"keyword": keyword, "variant": f"'{label(old.written[i], i)}'"},
                _at(old.where, old.written, i),
                in_base=True,
            )
        )
    for j in came:
        facts.append(
            LocalFact(
                ("request-variant-added", "response-variant-added"),
                {"keyword": keyword, "variant": f"'{label(new.written[j], j)}'"},
                _at(new.where, new.written, j),
            )
        )
    check_keyword(old, new, facts)


def _pair(
    c: Comparer, old: Variants, new: Variants, side: Side
) -> tuple[list[tuple[int, int]], list[int], set[int]]:
    """(homeless index, home index) pairs to compare, the homeless left without a home, and the
    homes that are accounted for. Requests: every base variant needs a home; responses: every
    revision variant does. A spare variant (another on its side accepts all it does) needs none,
    and its own former self is not reported gone: neither changes what the union accepts."""
    request = side is Side.REQUEST
    homeless, homes = (old, new) if request else (new, old)
    names = c.memo("variant names")
    matching = _Matching(
        c, side, homeless.compared, homes.compared, twins(homeless.compared, homes.compared, names)
    )
    spare = redundant(c, homeless), redundant(c, homes)
    keys = _keys(homeless, homes, old, new, request)
    pairs, left = matching.by_fit(*keys, spare[0])
    plain = (homes.where is None, homeless.where is None)
    pairs, unmatched = matching.leftovers(pairs, left, plain, spare[1])
    return pairs, unmatched, {j for _, j in pairs} | spare[1] | matching.selves(spare[0], *keys)


def _keys(
    homeless: Variants, homes: Variants, old: Variants, new: Variants, request: bool
) -> tuple[list[str | None], list[str | None]]:
    """The component keys of both sides' variants, by which the same component is recognised:
    as written (a nullable copy has none) when every variant was compared as written."""
    if len(old.written) == len(old.compared) and len(new.written) == len(new.compared):
        old_keys, new_keys = [v.key for v in old.written], [v.key for v in new.written]
        return (old_keys, new_keys) if request else (new_keys, old_keys)
    return [v.key for v in homeless.compared], [v.key for v in homes.compared]


@dataclass(frozen=True)
class _Matching:
    """Variants that need a home (`homeless`) matched with those on the other side (`homes`)."""

    c: Comparer
    side: Side
    homeless: tuple[Schema, ...]
    homes: tuple[Schema, ...]
    #: homeless index -> the home that is its former (or later) self by what names it
    twins: dict[int, int]

    def fits(self, i: int, j: int) -> bool:
        if self.side is Side.REQUEST:
            return fits(self.c, self.homeless[i], self.homes[j], self.side)
        return fits(self.c, self.homes[j], self.homeless[i], self.side)

    def cost(self, i: int, j: int) -> tuple[int, int]:
        if self.side is Side.REQUEST:
            return _cost(self.c, self.homeless[i], self.homes[j], self.side)
        return _cost(self.c, self.homes[j], self.homeless[i], self.side)

    def by_fit(
        self, homeless_keys: list[str | None], home_keys: list[str | None], spare: set[int]
    ) -> tuple[list[tuple[int, int]], list[int]]:
        """(homeless index, home index) pairs of the same component, of its twin when that fits,
        or of a variant that fits, and the homeless indexes left without one. A `spare` variant
        (another on its side accepts all it does) needs no home of its own."""
        pairs: list[tuple[int, int]] = []
        left: list[int] = []
        for i in range(len(self.homeless)):
            if i in spare:
                continue
            key = homeless_keys[i]
            keyed = [j for j, other in enumerate(home_keys) if key is not None and other == key]
            twin = self.twins.get(i)
            if len(keyed) == 1:  # the same component: compared with itself, changed or not
                match: int | None = keyed[0]
            elif keyed:
                match = next((j for j in keyed if self.fits(i, j)), keyed[0])
            elif twin is not None and self.fits(i, twin):
                match = twin
            else:
                match = _best_fit(i, len(self.homes), self.fits, self.cost)
            if match is None:
                left.append(i)
            else:
                pairs.append((i, match))
        return pairs, left

    def selves(
        self, spare: set[int], homeless_keys: list[str | None], home_keys: list[str | None]
    ) -> set[int]:
        """The homes that are the own former selves of the `spare` homeless variants: the same
        component, else the twin."""
        found: set[int] = set()
        for i in spare:
            keyed = [j for j, key in enumerate(home_keys) if key is not None and key == homeless_keys[i]]
            if len(keyed) == 1:
                found.add(keyed[0])
            elif i in self.twins:
                found.add(self.twins[i])
        return found

    def leftovers(
        self,
        pairs: list[tuple[int, int]],
        left: list[int],
        plain: tuple[bool, bool],
        spare: set[int],
    ) -> tuple[list[tuple[int, int]], list[int]]:
        """What is left is compared with its twin, or with the closest variant when that is
        clearly its successor: the other side is one plain schema, this side is one, or as many
        are left on both sides, `spare` homes aside (changed in place); otherwise it is a variant
        removed (or, for responses, added). `plain`: (home side, homeless side) is plain."""
        home_plain, homeless_plain = plain
        pairs = list(pairs)
        unmatched: list[int] = []
        if home_plain:
            pairs.extend((i, 0) for i in left)
            return pairs, unmatched
        # a variant whose twin is there is compared with it: its own changes, not a look-alike's
        pairs.extend((i, self.twins[i]) for i in left if i in self.twins)
        left = [i for i in left if i not in self.twins]
        free = [j for j in range(len(self.homes)) if j not in {j for _, j in pairs} and j not in spare]
        if homeless_plain:
            free = list(range(len(self.homes)))
        elif len(left) != len(free):
            free = []
        for i in left:
            candidates = [j for j in free if _compatible(self.homeless[i], self.homes[j])]
            if not candidates:
                unmatched.append(i)
                continue
            best = min(candidates, key=lambda j: (*self.cost(i, j), j))
            free.remove(best)
            pairs.append((i, best))
        return pairs, unmatched


def redundant(c: Comparer, variants: Variants) -> set[int]:
    """The variants of an `anyOf` that another of its variants accepts whole (`{enum: [a, b]}`
    beside `{type: string}`): the union accepts the same without them, so they need no
    counterpart and their changes change nothing (an enum gaining a value beside an open
    string). Only a strict part counts: two variants that accept the same (GitHub's
    `labeled-issue-event` and `unlabeled-issue-event`) both stay, each a variant a reader may
    switch on. Not for `oneOf`, where a value of both is rejected; memoised per list."""
    compared = variants.compared
    if variants.keyword != "anyOf" or len(compared) < 2:
        return set()
    table = c.memo("redundant variants")
    known = table.get(id(compared))
    if known is None:
        inside = [
            [i != k and fits(c, v, w, Side.REQUEST) for k, w in enumerate(compared)]
            for i, v in enumerate(compared)
        ]
        spare = {
            i
            for i in range(len(compared))
            if any(inside[i][k] and not inside[k][i] for k in range(len(compared)))
        }
        known = table[id(compared)] = (compared, spare)
    return known[1]


def check_keyword(old: Variants, new: Variants, facts: list[LocalFact]) -> None:
    """`oneOf` <-> `anyOf` over the variants (SPEC 3.2.1): `oneOf` rejects a value that matches
    several variants, `anyOf` accepts it. Nothing changes when the `oneOf`'s variants are
    disjoint (each excludes the others: a type, a `const`, a required property the others lack);
    otherwise `oneOf` -> `anyOf` loosens and `anyOf` -> `oneOf` tightens."""
    if {old.keyword, new.keyword} != {"oneOf", "anyOf"}:
        return
    one = old if old.keyword == "oneOf" else new
    if disjoint(one.compared):
        return
    assert new.where is not None  # a composition's list
    if old.keyword == "oneOf":
        rule = ("request-oneof-became-anyof", "response-oneof-became-anyof")
    else:
        rule = ("request-anyof-became-oneof", "response-anyof-became-oneof")
    facts.append(LocalFact(rule, {}, new.where))


def _at(where: Where | None, variants: tuple[Schema, ...], index: int) -> Where:
    """Where variant `index` is written: in its list, or the plain schema itself."""
    return where.child(str(index)) if where is not None else variants[index].where


def check_variants(
    c: Comparer, a: Schema, b: Schema, side: Side, facts: list[LocalFact], edges: list[Edge]
) -> None:
    """The `oneOf`/`anyOf` of schemas that have constraints of their own as well (an object
    whose variants each require other properties): variants matched by what they accept. One
    list that changed keyword (`oneOf` -> `anyOf`) is compared as one list."""
    switched = _switched(a, b)
    if switched is not None:
        (old_keyword, old_variants), (new_keyword, new_variants) = switched
        old = Variants(old_variants, old_variants, a.where.child(old_keyword), old_keyword)
        new = Variants(new_variants, new_variants, b.where.child(new_keyword), new_keyword)
        compare(c, new_keyword, old, new, side, facts, edges)
        return
    for keyword, old_variants, new_variants in (("oneOf", a.one_of, b.one_of), ("anyOf", a.any_of, b.any_of)):
        if not old_variants and not new_variants:
            continue
        old = Variants(old_variants, old_variants, a.where.child(keyword), keyword)
        new = Variants(new_variants, new_variants, b.where.child(keyword), keyword)
        compare(c, keyword, old, new, side, facts, edges)


def _switched(a: Schema, b: Schema) -> tuple[tuple[str, tuple[Schema, ...]], ...] | None:
    """((old keyword, variants), (new keyword, variants)) when `a` writes only one of `oneOf`
    and `anyOf` and `b` only the other; None otherwise."""
    one_keyword_each = bool(a.one_of) != bool(a.any_of) and bool(b.one_of) != bool(b.any_of)
    if not one_keyword_each or bool(a.one_of) == bool(b.one_of):
        return None
    return (
        ("oneOf", a.one_of) if a.one_of else ("anyOf", a.any_of),
        ("oneOf", b.one_of) if b.one_of else ("anyOf", b.any_of),
    )
