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
from oasguard.compare import keywords, renames, variants
from oasguard.compare.keywords import Edge, LocalFact, Token, compare_types
from oasguard.compare.keywords.discriminator import check_discriminator
from oasguard.compare.paths import Path, join, materialise
from oasguard.errors import LoadError
from oasguard.model.nodes import Schema, Where
from oasguard.rules import schema as kinds


@dataclass(frozen=True)
class SchemaFact:
    """A fact found by a walk: the rule id, its message arguments and where it is.

    While a search runs, `path` may be a `Joined` path sharing its tail with the facts below a
    `$ref` (compare/paths.py); `walk` hands out plain tuples."""

    rule: str
    args: dict[str, object]
    path: Path
    where: Where
    in_base: bool


_Edge = Edge

#: How many facts a diff may splice in below the paths that reach components. A chain of `$ref`s
#: with a change at every level splices each fact once per level above it (N²/2, and the report
#: alone names N paths of up to N properties): past this it is an error, not an exhausted memory.
#: The corpus splices at most 120,000 (stripe-json-long, 60,742 changes).
SPLICE_BUDGET = 1_000_000
#: a fact found by a search: (the node pair it is about, the route to that pair, the fact)
_Found = tuple[tuple[int, int], Path, SchemaFact]


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
        self._default_copies: dict[tuple[int, int], tuple[Schema, Schema, Schema]] = {}
        self._fits: dict[tuple[int, int, Side], bool] = {}
        #: how many node pairs were compared, and how many were visited by walks (counted so that a
        #: test can guard against quadratic work; see tests/test_growth.py)
        self.comparisons = 0
        self.visits = 0
        #: how many facts were spliced in below a path from a component's search (SPLICE_BUDGET)
        self.spliced = 0

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
            known = self._walks[key] = [
                fact if isinstance(fact.path, tuple) else replace(fact, path=materialise(fact.path))
                for _, _, fact in found
            ]
        return known

    def _walk(self, base: Schema, rev: Schema, side: Side, skip_root_default: bool) -> Iterator[SchemaFact]:
        return (fact for _, _, fact in self._search(base, rev, side, skip_root_default))

    def _search(self, base: Schema, rev: Schema, side: Side, skip_root_default: bool) -> Iterator[_Found]:
        """Breadth-first from (base, rev): each pair once, with the facts of its own keywords.

        A pair of `$ref` targets met on the way is searched once for all walks (`_component`)
        and its facts are spliced in below the path that reached it: a changed component used by
        a thousand inline schemas is searched once, not a thousand times. A pair may then come
        up more than once, by different paths; `_shortest` keeps one. The spliced paths share
        the component's (`join`): a chain of 10,000 `$ref`s costs 10,000 short paths, not
        10,000 paths of up to 10,000 tokens.

        Below a `not` the pair is (revision, base): its facts point into the other document than
        they say, so `in_base` is turned over for them (`flipped`).
        """
        seen: set[tuple[int, int]] = set()
        queue: deque[tuple[Schema, Schema, tuple[Token, ...], bool]] = deque([(base, rev, (), False)])
        while queue:
            a, b, path, flipped = queue.popleft()
            pair = (id(a), id(b))
            if pair in seen or self.same(a, b):
                continue
            seen.add(pair)
            if path and a.key is not None and b.key is not None:
                found = self._component(a, b, side)
                if found is not None:
                    self.spliced += len(found)
                    if self.spliced > SPLICE_BUDGET:
                        raise LoadError(
                            f"{b.where.file}: more than {SPLICE_BUDGET:,} changes below nested $refs "
                            f"(at {b.where.pointer}): too many to report"
                        )
                    for inner, route, fact in found:
                        fact = SchemaFact(
                            fact.rule, fact.args, join(path, fact.path), fact.where, fact.in_base
                        )
                        yield inner, join(path, route), _flip(fact) if flipped else fact
                    continue
            self.visits += 1
            facts, edges = self._pair(a, b, side)
            for fact in facts:
                if skip_root_default and not path and fact.kind == kinds.DEFAULT_CHANGED:
                    continue
                full = (*path, Token("property", fact.prop)) if fact.prop is not None else path
                rule = f"{side.value}-{fact.kind}"
                found = SchemaFact(rule, fact.args, full, fact.where, fact.in_base)
                yield pair, path, _flip(found) if flipped else found
            for token, child_a, child_b in edges:
                queue.append((child_a, child_b, (*path, token), flipped != token.swap))

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
            elif compare_types(a, b, side, facts):
                for check in _CHECKS:
                    check(self, a, b, side, facts, edges)
                if a.keywords is not None or b.keywords is not None:
                    self._dispatch(a, b, side, facts, edges)
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
        check_discriminator(self, a, b, side, facts, edges)

    def _dispatch(self, a: Schema, b: Schema, side: Side, facts: list[LocalFact], edges: list[_Edge]) -> None:
        """Run the checker of each 2020-12 keyword either node writes, each checker once."""
        present = (a.keywords.present if a.keywords else frozenset()) | (
            b.keywords.present if b.keywords else frozenset()
        )
        done = set()
        for keyword in sorted(present):
            check = keywords.BY_KEYWORD.get(keyword)
            if check is not None and check not in done:
                done.add(check)
                check(self, a, b, side, facts, edges)


# -- the checks that live here: properties (and renames) and oneOf/anyOf variants ------------


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
    if a.required != b.required:
        _check_undeclared_required(a, b, facts)


def _check_undeclared_required(a: Schema, b: Schema, facts: list[LocalFact]) -> None:
    """A `required` entry naming a property declared on neither side is still a requirement."""
    for name in sorted(a.required ^ b.required):
        if name in a.properties or name in b.properties:
            continue
        now = name in b.required
        kind = kinds.PROPERTY_BECAME_REQUIRED if now else kinds.PROPERTY_BECAME_OPTIONAL
        facts.append(
            LocalFact(kind, {}, (b if now else a).where.child("required"), in_base=not now, prop=name)
        )


def _slot(schema: Schema, name: str) -> Where:
    """Where property `name` of `schema` is written (not where a `$ref` of it leads)."""
    return schema.property_where.get(name) or schema.properties[name].where


def _renames(
    c: SchemaComparer, a: Schema, b: Schema, removed: list[str], added: list[str]
) -> list[tuple[str, str]]:
    """Pairs (removed, added) that are one property renamed (compare/renames.py)."""
    return renames.renames(c, a, b, removed, added)


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


#: the checkers of every pair: the keyword table's, and the two that live here
_CHECKS = (*keywords.ALWAYS, _check_properties, _check_variants)


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
        return name, root + "".join(
            suffix.get(t.kind, f" {t.label}" if t.kind == "keyword" else "") for t in path
        )
    return name, f"{side.value} property '{name}'"


def location(path: tuple[Token, ...]) -> tuple[str, ...]:
    return tuple({"property": t.label, "items": "[]", "values": "*"}.get(t.kind, t.label) for t in path)


def _flip(fact: SchemaFact) -> SchemaFact:
    """A fact found with base and revision swapped (below `not`), told the right way round: its
    place is in the other document, and its old and new values trade places."""
    args = fact.args
    if "old" in args and "new" in args:
        args = {**args, "old": args["new"], "new": args["old"]}
    return replace(fact, args=args, in_base=not fact.in_base)


def _shortest(found: Iterator[_Found]) -> list[_Found]:
    """The facts of each node pair once: those of the shortest route found to it (the first)."""
    best: dict[tuple[int, int], tuple[Path, list[_Found]]] = {}
    for item in found:
        pair, route = item[0], item[1]
        known = best.get(pair)
        if known is None or len(route) < len(known[0]):
            best[pair] = known = (route, [])
        if known[0] == route:  # by length, then token by token up to a shared tail (paths.equal)
            known[1].append(item)
    return [item for _, items in best.values() for item in items]
