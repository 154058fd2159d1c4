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

import copy
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from oasguard.changes import Level, Side
from oasguard.compare.facts import canonical
from oasguard.model.nodes import MISSING, Keywords, Schema, Where
from oasguard.model.schema import ANNOTATION_KEYWORDS, is_empty
from oasguard.rules import schema as kinds
from oasguard.rules.registry import RULES

if TYPE_CHECKING:
    from oasguard.compare.schema import LocalFact, SchemaComparer, _Edge

#: a composition keyword, its variants as compared (nullability taken out), the variants as
#: written (for labels and keys), and whether the composition allows null
View = tuple[str, tuple[Schema, ...], tuple[Schema, ...], bool]


def composition(c: SchemaComparer, schema: Schema) -> View | None:
    """`schema` seen as a composition: it has `oneOf` or `anyOf` (not both) and no constraint of
    its own besides a type, nullability and a discriminator. None for anything else.

    Variants that are only enums of one type (`oneOf: [{enum: [a]}, {const: b}]`) are one enum
    of all their values. Null is a property of the whole composition (`nullable` beside the
    list, or a variant that allows null), compared once for it and not per variant.
    """
    if bool(schema.one_of) == bool(schema.any_of) or not _own_empty(schema):
        return None
    known = c._views.get(id(schema))
    if known is not None:
        return known[1]
    keyword, variants = ("oneOf", schema.one_of) if schema.one_of else ("anyOf", schema.any_of)
    united = _enum_union(variants)
    nullable = schema.nullable or any(v.nullable for v in united)
    compared = tuple(_with_outside(c, strip_null(c, v), schema) for v in united)
    view = (keyword, compared, variants if len(compared) == len(variants) else compared, nullable)
    c._views[id(schema)] = (schema, view)  # the schema is kept so that its id stays its own
    return view


def plain(c: SchemaComparer, schema: Schema) -> tuple[tuple[Schema, ...], tuple[Schema, ...], bool]:
    """A plain schema as a composition of one variant (the rest of a View)."""
    return (strip_null(c, schema),), (schema,), schema.nullable


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
    merged = copy.copy(first)
    merged.key = None
    merged.enum = tuple(union)
    merged.nullable = any(v.nullable for v in variants)
    return (merged,)


def _with_outside(c: SchemaComparer, schema: Schema, outer: Schema) -> Schema:
    """A variant given what is written beside its composition and says how the whole is used:
    the default, deprecation and stability (a copy, made once per variant and composition)."""
    default = outer.default if schema.default is MISSING else MISSING
    said = outer.keywords is not None and (outer.keywords.deprecated or outer.keywords.stability)
    own = schema.keywords is not None and (schema.keywords.deprecated or schema.keywords.stability)
    annotate = bool(said) and not own
    if default is MISSING and not annotate:
        return schema
    key = (id(schema), id(outer))
    known = c._default_copies.get(key)
    if known is None:
        copied = copy.copy(schema)
        if default is not MISSING:
            copied.default = default
        if annotate:
            assert outer.keywords is not None
            mine = schema.keywords or Keywords(frozenset())
            copied.keywords = replace(
                mine,
                present=mine.present | (outer.keywords.present & ANNOTATION_KEYWORDS),
                deprecated=outer.keywords.deprecated,
                stability=outer.keywords.stability,
            )
        copied.key = None
        known = c._default_copies[key] = (schema, outer, copied)
    return known[2]


def strip_null(c: SchemaComparer, schema: Schema) -> Schema:
    """`schema` without its nullability (a copy, made once), for a variant compared when null
    is judged for the whole composition."""
    if not schema.nullable:
        return schema
    known = c._nullable_copies.get(id(schema))
    if known is None:
        copied = copy.copy(schema)
        # the key stays: an unchanged component is nullable on both sides, so stripped on both
        copied.nullable = False
        known = c._nullable_copies[id(schema)] = (schema, copied)
    return known[1]


def fits(c: SchemaComparer, old: Schema, new: Schema, side: Side) -> bool:
    """Whether the walk of (old, new) on `side` finds nothing but safe facts: for requests,
    `new` accepts everything `old` accepted; for responses, `new` only tightens `old` or adds
    to it. Memoised; assumed true while being decided (a cycle back to the same pair)."""
    if c.same(old, new):
        return True
    if not _may_fit(old, new):
        return False
    key = (id(old), id(new), side)
    known = c._fits.get(key)
    if known is not None:
        return known
    c._fits[key] = True
    result = all(RULES[fact.rule].level is Level.SAFE for fact in c._walk(old, new, side, False))
    c._fits[key] = result
    return result


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
    missing = old.properties.keys() - new.properties.keys()
    return all(old.properties[name].read_only or old.properties[name].write_only for name in missing)


def _cost(c: SchemaComparer, old: Schema, new: Schema, side: Side) -> tuple[int, int]:
    """How far apart two variants are: their non-safe facts, then all their facts."""
    facts = c.walk(old, new, side)
    return (sum(1 for f in facts if RULES[f.rule].level is not Level.SAFE), len(facts))


def _compatible(old: Schema, new: Schema) -> bool:
    """Whether two variants may be one changed into the other: they share a type."""
    if old.types is None or new.types is None:
        return True
    numeric = {"integer": "number"}
    return bool({numeric.get(t, t) for t in old.types} & {numeric.get(t, t) for t in new.types})


def label(schema: Schema, index: int) -> str:
    if schema.key is not None:
        return schema.key.rsplit("/", 1)[-1]
    if schema.title:
        return schema.title
    return f"#{index + 1}"


def compare(
    c: SchemaComparer,
    keyword: str,
    old: tuple[Schema, ...],
    new: tuple[Schema, ...],
    old_labels: tuple[Schema, ...],
    new_labels: tuple[Schema, ...],
    old_where: Where,
    new_where: Where,
    side: Side,
    facts: list[LocalFact],
    edges: list[_Edge],
) -> None:
    """Match the variants of two compositions (either may be a plain schema: one variant) and
    append the edges to walk (matched and closest pairs) and the facts of variants left over.

    `old_where`/`new_where` are where each side's `keyword` list is written, or None for a
    plain schema (then it has no list a removed or added variant could point at).
    """
    from oasguard.compare.schema import LocalFact, Token

    # requests: every base variant needs a home; responses: every revision variant does
    request = side is Side.REQUEST
    homeless, homes = (old, new) if request else (new, old)

    def pair_fits(i: int, j: int) -> bool:
        return fits(c, homeless[i], homes[j], side) if request else fits(c, homes[j], homeless[i], side)

    def pair_cost(i: int, j: int) -> tuple[int, int]:
        return _cost(c, homeless[i], homes[j], side) if request else _cost(c, homes[j], homeless[i], side)

    pairs: list[tuple[int, int]] = []  # (homeless index, home index)
    left: list[int] = []
    # components are recognised by their keys as written (a nullable copy has none)
    homeless_keys, home_keys = [v.key for v in homeless], [v.key for v in homes]
    if len(old_labels) == len(old) and len(new_labels) == len(new):
        old_keys, new_keys = [v.key for v in old_labels], [v.key for v in new_labels]
        homeless_keys, home_keys = (old_keys, new_keys) if request else (new_keys, old_keys)
    for i in range(len(homeless)):
        key = homeless_keys[i]
        keyed = [j for j, other in enumerate(home_keys) if key is not None and other == key]
        if len(keyed) == 1:  # the same component: compared with itself, changed or not
            match: int | None = keyed[0]
        elif keyed:
            match = next((j for j in keyed if pair_fits(i, j)), keyed[0])
        else:
            match = _best_fit(i, len(homes), pair_fits, pair_cost)
        if match is None:
            left.append(i)
        else:
            pairs.append((i, match))
    # what is left is compared with the closest variant when that is clearly its successor: the
    # other side is one plain schema, this side is one, or as many are left on both sides
    # (changed in place); otherwise it is a variant removed (or, for responses, added)
    home_plain = (new_where if request else old_where) is None
    homeless_plain = (old_where if request else new_where) is None
    free = [j for j in range(len(homes)) if j not in {j for _, j in pairs}]
    unmatched: list[int] = []
    if home_plain:
        pairs.extend((i, 0) for i in left)
    else:
        if homeless_plain:
            free = list(range(len(homes)))
        elif len(left) != len(free):
            free = []
        for i in left:
            candidates = [j for j in free if _compatible(homeless[i], homes[j])]
            if not candidates:
                unmatched.append(i)
                continue
            best = min(candidates, key=lambda j: (*pair_cost(i, j), j))
            free.remove(best)
            pairs.append((i, best))

    used = {j for _, j in pairs}
    for i, j in sorted({(i, j) if request else (j, i) for i, j in pairs}):  # (old, new) indexes
        token = Token("variant", f"{keyword}[{label(new_labels[j], j)}]")
        edges.append((token, old[i], new[j]))

    gone, came = (unmatched, [j for j in range(len(homes)) if j not in used])
    if not request:
        gone, came = came, gone
    for i in gone:
        facts.append(
            LocalFact(
                kinds.VARIANT_REMOVED,
                {"keyword": keyword, "variant": f"'{label(old_labels[i], i)}'"},
                _at(old_where, old_labels, i),
                in_base=True,
            )
        )
    for j in came:
        facts.append(
            LocalFact(
                kinds.VARIANT_ADDED,
                {"keyword": keyword, "variant": f"'{label(new_labels[j], j)}'"},
                _at(new_where, new_labels, j),
            )
        )


def _at(where: Where | None, variants: tuple[Schema, ...], index: int) -> Where:
    """Where variant `index` is written: in its list, or the plain schema itself."""
    return where.child(str(index)) if where is not None else variants[index].where
