"""What identifies a `oneOf`/`anyOf` variant, and whether the variants of a union overlap.

Search APIs describe a query language as one union of dozens of objects that look alike (a few
optional scalars) told apart only by the one property each requires (`match`, `term`, ...). When
something deep inside some of them changes, the variant that changed must be compared with its
own former self, not with whichever look-alike differs least: so a variant is first matched by
what names it (its component, its title, the `const` values it is told apart by, the properties
it requires), and only then by what it accepts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from oasguard.compare.facts import canonical
from oasguard.model.nodes import Schema

#: what may name a variant, strongest first
_Identity = Callable[[Schema], object]


def _component(schema: Schema) -> object:
    """The component name of a `$ref`'d variant (`Cat` of `#/components/schemas/Cat`)."""
    return schema.key.rsplit("/", 1)[-1] if schema.key is not None else None


def _title(schema: Schema) -> object:
    return schema.title or None


def _tags(schema: Schema) -> object:
    """The values that tell the variant apart: its own single value, and each property held to
    one value (`kind: {const: cat}`), as a discriminator would read them."""
    tags = {
        (name, canonical(prop.enum[0]))
        for name, prop in schema.properties.items()
        if prop.enum is not None and len(prop.enum) == 1
    }
    if schema.enum is not None and len(schema.enum) == 1:
        tags.add(("", canonical(schema.enum[0])))
    return frozenset(tags) or None


def _required(schema: Schema) -> object:
    return schema.required or None


IDENTITIES: tuple[_Identity, ...] = (_component, _title, _tags, _required)


def twins(homeless: Sequence[Schema], homes: Sequence[Schema], names: dict | None = None) -> dict[int, int]:
    """homeless index -> home index of the variant with the same identity: for the strongest
    identity that both have, the one variant on each side that has it (a name shared by two
    variants of one side names neither). `names`: a table that keeps each variant's names (its
    identities, in the order of IDENTITIES) for the next composition it is part of."""
    found: dict[int, int] = {}
    taken: set[int] = set()
    named = {} if names is None else names
    mine_all, theirs_all = _names(homeless, named), _names(homes, named)
    for position in range(len(IDENTITIES)):
        if len(found) == len(homeless) or len(taken) == len(homes):
            break  # every variant of one side has its twin: a weaker identity adds none
        mine = _by_name(mine_all, position)
        if not mine:
            continue
        theirs = _by_name(theirs_all, position)
        for name, indexes in mine.items():
            matches = theirs.get(name, [])
            if len(indexes) != 1 or len(matches) != 1:
                continue  # a name two variants share names neither
            if indexes[0] not in found and matches[0] not in taken:
                found[indexes[0]] = matches[0]
                taken.add(matches[0])
    return found


def _names(variants: Sequence[Schema], table: dict) -> list[tuple[object, ...]]:
    """Each variant's names, by each identity of IDENTITIES (kept in `table` by the variant's
    id, with the variant, so that the id stays its own)."""
    found = []
    for variant in variants:
        known = table.get(id(variant))
        if known is None:
            known = table[id(variant)] = (variant, tuple(identity(variant) for identity in IDENTITIES))
        found.append(known[1])
    return found


def _by_name(names: list[tuple[object, ...]], position: int) -> dict[object, list[int]]:
    """The indexes of the variants that the identity at `position` names, by name."""
    named: dict[object, list[int]] = {}
    for i, variant_names in enumerate(names):
        name = variant_names[position]
        if name is not None:
            named.setdefault(name, []).append(i)
    return named


# --- overlap ------------------------------------------------------------------------------------

_JSON_TYPES = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array", dict: "object"}


def _types(schema: Schema) -> frozenset[str] | None:
    """The types a variant admits (integer counted as a number); an enum's are its values'."""
    if schema.types is not None:
        found = set(schema.types)
    elif schema.enum is not None:
        found = {_JSON_TYPES.get(type(value), "string") for value in schema.enum}
    else:
        return None
    if "integer" in found:
        found.add("number")
    return frozenset(found)


def _excludes(v: Schema, w: Schema) -> bool:
    """No value matches both `v` and `w` (SPEC 3.2.1): they admit no common type, hold no common
    enum value, hold a property both know to different values where either requires it, or each
    requires a property the other does not declare (or one does and the other is closed)."""
    v_types, w_types = _types(v), _types(w)
    if v_types is not None and w_types is not None and not v_types & w_types:
        return True
    if _apart(v.enum, w.enum):
        return True
    for name in v.properties.keys() & w.properties.keys():
        held = name in v.required or name in w.required
        if held and _apart(v.properties[name].enum, w.properties[name].enum):
            return True
    v_own = v.required - w.properties.keys() - w.required
    w_own = w.required - v.properties.keys() - v.required
    return bool(v_own and (w_own or w.additional is False)) or bool(w_own and v.additional is False)


def _apart(a: tuple[object, ...] | None, b: tuple[object, ...] | None) -> bool:
    """Two enums with no value in common (False when either is not an enum)."""
    return a is not None and b is not None and not {canonical(x) for x in a} & {canonical(x) for x in b}


def disjoint(variants: Sequence[Schema]) -> bool:
    """Every variant excludes every other: `oneOf` and `anyOf` over them accept the same."""
    return all(_excludes(v, w) for i, v in enumerate(variants) for w in variants[i + 1 :])
