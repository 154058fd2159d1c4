"""What every keyword checker shares: the step to a child, the local fact, the checker's shape."""

from __future__ import annotations

from dataclasses import dataclass

from oasguard.changes import Side
from oasguard.model.nodes import Keywords, Schema, Where
from oasguard.static import Protocol


@dataclass(frozen=True)
class Token:
    """One step from a schema to a child: a property, the items, map values, a variant, or the
    subschema of another keyword (`then`, `prefixItems[1]`, `not`: its label names it)."""

    kind: str  # "property" | "items" | "values" | "variant" | "keyword"
    label: str = ""
    #: the child is compared with base and revision swapped (inside `not`, what accepts less
    #: makes the whole accept more: every rule is judged reversed)
    swap: bool = False


#: the token of each property name met (a Token is a value: one per name serves every schema);
#: bounded, for long-lived processes that compare many documents
_PROPERTY_TOKENS: dict[str, Token] = {}
_MOST_TOKENS = 100_000


def property_token(name: str) -> Token:
    """`Token("property", name)`, made once per name."""
    token = _PROPERTY_TOKENS.get(name)
    if token is None:
        if len(_PROPERTY_TOKENS) >= _MOST_TOKENS:
            _PROPERTY_TOKENS.clear()
        token = _PROPERTY_TOKENS[name] = Token("property", name)
    return token


#: a fact's rule: its registry id on either side, as (request id, response id), or the one id of
#: a fact found on one side only (`request-property-became-read-only`)
Rules = tuple[str, str] | str


@dataclass(frozen=True)
class LocalFact:
    """A fact of one node pair's own keywords, before the walk says where below the root it is."""

    rule: Rules
    args: dict[str, object]
    where: Where
    in_base: bool = False
    #: the property this fact is about, below the pair being compared
    prop: str | None = None
    #: that property's name in the base, when it was renamed
    former: str | None = None

    def rule_on(self, side: Side) -> str:
        """The registry id of this fact when found on `side`."""
        rule = self.rule
        if isinstance(rule, str):
            return rule
        return rule[1] if side is Side.RESPONSE else rule[0]


Edge = tuple[Token, Schema, Schema]


class Found(Protocol):
    """A fact found by a walk (compare/facts.py: Fact), as a checker may read it."""

    @property
    def rule(self) -> str: ...


class Comparer(Protocol):
    """What a checker may ask of the comparison (compare/schema.py: SchemaComparer): a checker
    recurses only through these, the way a jsonschema keyword recurses through its validator."""

    def same(self, a: Schema, b: Schema) -> bool:
        """The same node, or one unchanged component on both sides."""
        ...

    def equivalent(self, a: Schema, b: Schema) -> bool:
        """No rule on either side sees a difference between `a` and `b`."""
        ...

    def walk(self, base: Schema, rev: Schema, side: Side, skip_root_default: bool = False) -> list[Found]:
        """Every fact reachable from the pair, memoised per root pair."""
        ...

    def fits(self, old: Schema, new: Schema, side: Side) -> bool:
        """The walk of the pair on `side` finds only compatible facts (rules/base.py: a rule's
        `compatible`); memoised, and assumed true while it is being decided (a cycle)."""
        ...

    def memo(self, name: str) -> dict:
        """A table, named by the checker that keeps it, that lives as long as the comparison."""
        ...


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
        rule = ("request-constraint-added", "response-constraint-added")
        facts.append(LocalFact(rule, {"keyword": label}, b.where.child(keyword)))
    elif new is None:
        rule = ("request-constraint-removed", "response-constraint-removed")
        facts.append(LocalFact(rule, {"keyword": label}, a.where.child(keyword), in_base=True))
    elif swap:
        edges.append((Token("keyword", label, swap=True), new, old))
    else:
        edges.append((Token("keyword", label), old, new))
