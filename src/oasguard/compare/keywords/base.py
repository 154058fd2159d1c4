"""What every keyword checker shares: the step to a child, the local fact, the checker's shape."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from oasguard.changes import Side
from oasguard.model.nodes import Keywords, Schema, Where


@dataclass(frozen=True)
class Token:
    """One step from a schema to a child: a property, the items, map values, a variant, or the
    subschema of another keyword (`then`, `prefixItems[1]`, `not`: its label names it)."""

    kind: str  # "property" | "items" | "values" | "variant" | "keyword"
    label: str = ""
    #: the child is compared with base and revision swapped (inside `not`, what accepts less
    #: makes the whole accept more: every rule is judged reversed)
    swap: bool = False


@dataclass(frozen=True)
class LocalFact:
    kind: str
    args: dict[str, object]
    where: Where
    in_base: bool = False
    #: the property this fact is about, below the pair being compared
    prop: str | None = None


Edge = tuple[Token, Schema, Schema]


class Comparer(Protocol):
    """What a checker may ask of the comparison (compare/schema.py: SchemaComparer)."""

    def equivalent(self, a: Schema, b: Schema) -> bool: ...


class Checker(Protocol):
    """Compares one keyword (family) of a node pair: appends facts, and child pairs to walk."""

    def __call__(
        self, c: Comparer, a: Schema, b: Schema, side: Side, facts: list[LocalFact], edges: list[Edge]
    ) -> None: ...


#: the keywords of a schema that uses none
NO_KEYWORDS = Keywords(frozenset())


def keywords(schema: Schema) -> Keywords:
    """The 2020-12 keywords of `schema` (empty when it uses none)."""
    return schema.keywords or NO_KEYWORDS


def presence(
    kind_added: str,
    kind_removed: str,
    keyword: str,
    label: str,
    old: Schema | None,
    new: Schema | None,
    a: Schema,
    b: Schema,
    facts: list[LocalFact],
    edges: list[Edge],
    swap: bool = False,
) -> None:
    """One subschema keyword: added, removed, or both there and compared (walked) below `label`."""
    if old is None and new is None:
        return
    if old is None:
        facts.append(LocalFact(kind_added, {"keyword": label}, b.where.child(keyword)))
    elif new is None:
        facts.append(LocalFact(kind_removed, {"keyword": label}, a.where.child(keyword), in_base=True))
    elif swap:
        edges.append((Token("keyword", label, swap=True), new, old))
    else:
        edges.append((Token("keyword", label), old, new))
