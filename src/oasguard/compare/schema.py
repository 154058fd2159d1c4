"""Compare two schema graphs for one side (request or response), once per pair of nodes.

The comparison of a pair of nodes is local (its own keywords) and names the pairs of children
to compare next; `walk` visits the reachable pairs breadth-first, each once, so cycles end and a
change inside a shared or recursive schema is reported once per walk. Local results are memoised
per (base node, revision node, side), so every operation that uses a schema reuses them, and a
pair proven to reach no fact at all is not walked again (`_silent`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import MISSING as MISSING_FIELD
from dataclasses import fields
from itertools import compress
from operator import attrgetter, ne, or_

from oasguard.changes import Side, Step, Texts
from oasguard.compare import keywords
from oasguard.compare.facts import Fact, subject
from oasguard.compare.keywords import Edge, LocalFact, Token, compare_types, compositions
from oasguard.compare.keywords.base import property_token
from oasguard.compare.keywords.compositions import Variants
from oasguard.compare.keywords.discriminator import check_discriminator
from oasguard.compare.paths import Path, join, materialise
from oasguard.errors import LoadError
from oasguard.model.nodes import Schema, Where
from oasguard.rules.registry import COMPATIBLE


class SchemaFact:
    """A fact while a search runs: the rule id, its message arguments, and its `path` from the
    root pair, which may be a `Joined` path sharing its tail with the facts below a `$ref`
    (compare/paths.py). `walk` hands out `Fact`s, their subject the steps of the path.

    A value, never changed once made; a plain class with slots, since one is made for every
    fact spliced below every route that reaches a component."""

    __slots__ = ("args", "former", "in_base", "path", "rule", "where")

    def __init__(
        self,
        rule: str,
        args: dict[str, object],
        path: Path,
        where: Where,
        in_base: bool,
        #: the property's name in the base, when the fact is a rename
        former: str | None = None,
    ) -> None:
        self.rule = rule
        self.args = args
        self.path = path
        self.where = where
        self.in_base = in_base
        self.former = former


#: the fields `keywords.ALWAYS` gates its checkers by, read in one call, their defaults, and the
#: checker of each
_GATES = [(field, check) for check, fields in keywords.ALWAYS for field in fields]
_READ = attrgetter(*(field for field, _ in _GATES))
_ABSENT = tuple(
    field.default_factory() if field.default is MISSING_FIELD else field.default  # type: ignore[misc]
    for name, _ in _GATES
    for field in fields(Schema)
    if field.name == name
)
_CHECKERS = tuple(check for _, check in _GATES)

#: How many facts a diff may splice in below the paths that reach components. A chain of `$ref`s
#: with a change at every level splices each fact once per level above it (N²/2, and the report
#: alone names N paths of up to N properties): past this it is an error, not an exhausted memory.
#: The corpus splices at most 120,000 (stripe-json-long, 60,742 changes).
SPLICE_BUDGET = 1_000_000
#: a parameter's default is compared by the parameter's own check (compare/operations)
_DEFAULTS = frozenset({"request-default-changed", "response-default-changed"})
#: a fact found by a search: (the node pair it is about, the route to that pair, the fact)
_Found = tuple[tuple[int, int], Path, SchemaFact]
#: a fact as a search yields it: found, or spliced from a component and not yet put below the
#: route that reached the component, (pair, route, the component's fact, that route's tokens,
#: flipped): `_settle` makes it a `_Found`, for the few that `_shortest` keeps
_Met = _Found | tuple[tuple[int, int], Path, SchemaFact, tuple[Token, ...], bool]
#: a pair's path from the root: (the parent's chain, the last token), the root's (None, None)
_Chain = tuple["_Chain", Token] | tuple[None, None]
#: a compared pair as searches use it (`SchemaComparer._expand`): its facts, each with its rule
#: on the side and its property's token; its children, each as (its pair of ids, base node,
#: revision node, token, swapped, a pair of `$ref` targets)
_Child = tuple[tuple[int, int], Schema, Schema, Token, bool, bool]
_Expansion = tuple[list[tuple[str, Token | None, LocalFact]], list[_Child]]
#: What a search queues: a visited pair's children as one batch (with its chain, `flipped` and
#: its pair). Queued one by one they would be taken out one after another with nothing in
#: between, so walking a batch meets them in the same order. `quiet` and `seen` are tested when
#: the batch is walked, not when it is queued: both only grow, and a pair that became quiet
#: meanwhile yields and compares nothing. A pair's path is a chain (parent chain, token), the
#: root's (None, None), made a tuple only for the pairs that yield.
_Batch = tuple[list[_Child], _Chain | None, bool, tuple[int, int] | None]
_RESPONSE = Side.RESPONSE


class _Kept:
    """What a comparer keeps for one side, each table keyed by a pair of node ids."""

    __slots__ = (
        "components",
        "expansions",
        "fits",
        "in_progress",
        "local",
        "loud",
        "quiet",
        "searching",
        "undecided",
        "walks",
    )

    def __init__(self) -> None:
        #: each compared pair's facts and edges (`_pair`), and the pairs being compared
        self.local: dict[tuple[int, int], tuple[list[LocalFact], list[Edge]]] = {}
        self.in_progress: set[tuple[int, int]] = set()
        #: each compared pair as `_search` uses it (`_expand`)
        self.expansions: dict[tuple[int, int], _Expansion] = {}
        #: each walk's facts, by its root pair and whether the root's default is left out
        self.walks: dict[tuple[int, int, bool], list[Fact]] = {}
        #: each component's search (`_component`), and the components being searched
        self.components: dict[tuple[int, int], list[_Found]] = {}
        self.searching: set[tuple[int, int]] = set()
        self.fits: dict[tuple[int, int], bool] = {}
        #: pairs proven to reach no fact (`_silent`), and pairs proven to reach one
        self.quiet: set[tuple[int, int]] = set()
        self.loud: set[tuple[int, int]] = set()
        #: a pair whose proof met a pair not compared yet: that pair (the proof waits for it)
        self.undecided: dict[tuple[int, int], tuple[int, int]] = {}


class SchemaComparer:
    """Compares schema pairs for both sides, sharing work across all the operations of a diff."""

    def __init__(self, unchanged: frozenset[str] = frozenset()) -> None:
        #: `$ref` targets whose whole reachable graph is identical in both documents
        self.unchanged = unchanged
        #: what is kept per side, keyed without the side (the `Side` enum hashes in Python)
        self._request, self._response = _Kept(), _Kept()
        self._equivalent: dict[tuple[int, int], bool] = {}
        #: the checkers' own tables (`memo`): compositions as compared, copies of variants
        self._memos: dict[str, dict] = {}
        #: how many node pairs were compared, and how many were visited by walks (counted so that a
        #: test can guard against quadratic work; see tests/test_growth.py)
        self.comparisons = 0
        self.visits = 0
        #: how many facts were spliced in below a path from a component's search (SPLICE_BUDGET)
        self.spliced = 0
        #: how many pairs the proofs that a pair reaches no fact walked (`_silent`)
        self.proved = 0

    def _kept(self, side: Side) -> _Kept:
        return self._response if side is _RESPONSE else self._request

    def same(self, a: Schema, b: Schema) -> bool:
        """The same node, or one unchanged component on both sides."""
        return a is b or (a.key is not None and a.key == b.key and a.key in self.unchanged)

    def memo(self, name: str) -> dict:
        """A table, named by the checker that keeps it, that lives as long as this comparer."""
        table = self._memos.get(name)
        if table is None:
            table = self._memos[name] = {}
        return table

    def fits(self, old: Schema, new: Schema, side: Side) -> bool:
        """Whether the walk of (old, new) on `side` finds only compatible facts (rules/base.py:
        `compatible`), stopping at the first that is not. Memoised; assumed true while being
        decided (a cycle back to the same pair)."""
        if self.same(old, new):
            return True
        table = (self._response if side is _RESPONSE else self._request).fits  # `_kept`, no call
        key = (id(old), id(new))
        known = table.get(key)
        if known is not None:
            return known
        table[key] = True
        result = all(fact.rule in COMPATIBLE for fact in self._walk(old, new, side, False))
        table[key] = result
        return result

    def walk(self, base: Schema, rev: Schema, side: Side, skip_root_default: bool = False) -> list[Fact]:
        """Every fact reachable from the pair (base, rev): each node pair's facts once, named by
        the shortest path found to that pair. A fact's subject is its side and the steps of that
        path below the pair; `Here.said` puts it below an operation.

        Remembered per root pair: the error schema shared by every operation is walked once.
        """
        walks = (self._response if side is _RESPONSE else self._request).walks  # `_kept`, no call
        key = (id(base), id(rev), skip_root_default)
        known = walks.get(key)
        if known is None:
            found = _shortest(self._search(base, rev, side, skip_root_default))
            known = walks[key] = [_fact(fact, side) for _, _, fact in found]
        return known

    def _walk(self, base: Schema, rev: Schema, side: Side, skip_root_default: bool) -> Iterator[SchemaFact]:
        """The facts of a search, spliced ones not yet below their route: their rules only."""
        return (item[2] for item in self._search(base, rev, side, skip_root_default))

    def _search(self, base: Schema, rev: Schema, side: Side, skip_root_default: bool) -> Iterator[_Met]:
        """Breadth-first from (base, rev): each pair once, with the facts of its own keywords.

        A pair of `$ref` targets met on the way is searched once for all walks (`_component`)
        and its facts are spliced in below the path that reached it (`_splice`, `_shortest`
        keeping one route per pair). Below a `not` the pair is (revision, base): its facts point
        into the other document than they say, so `in_base` is turned over (`flipped`). The
        queue holds batches of children (`_Batch`)."""
        if self.same(base, rev):
            return
        seen: set[tuple[int, int]] = set()
        kept = self._kept(side)
        expansions, quiet, loud, searching = kept.expansions, kept.quiet, kept.loud, kept.searching
        components, undecided, see = kept.components, kept.undecided, seen.add
        root: _Child = ((id(base), id(rev)), base, rev, None, False, False)  # type: ignore[assignment]
        queue: deque[_Batch] = deque([([root], None, False, None)])
        while queue:
            children, parent, parent_flipped, parent_pair = queue.popleft()
            silenced = False
            for pair, a, b, token, swap, component in children:
                if pair in quiet:
                    silenced = True
                    continue
                if pair in seen:
                    continue
                see(pair)
                chain = (parent, token)
                flipped = parent_flipped != swap
                if component:  # searched already, or being searched (walked through): no call
                    found = components.get(pair)
                    if found is None and pair not in searching:
                        found = self._component(a, b, side)
                    if found is not None:
                        if found:  # a component that reaches nothing has nothing to splice
                            yield from self._splice(found, b, chain, flipped)
                        continue
                expansion = expansions.get(pair)
                if expansion is None:
                    self.visits += 1
                    facts, edges = self._pair(a, b, side)
                    # kept by `_pair` with its result; not when the pair's comparison is under way
                    # (a cycle back to it: nothing known yet, and nothing to keep)
                    expansion = expansions.get(pair) or self._expand(facts, edges, side)
                elif pair not in loud:
                    # `_silent`'s test of a proof that waits, made here without a call
                    waits = undecided.get(pair)
                    if (waits is None or waits in expansions) and self._silent(pair, kept):
                        continue  # nothing below it, however reached
                    self.visits += 1
                else:
                    self.visits += 1
                own, below = expansion
                if own:
                    yield from _own(pair, own, chain, flipped, skip_root_default and parent is None)
                if below:
                    queue.append((below, chain, flipped, pair))
            if silenced:
                _forget(expansions, parent_pair, children, quiet)

    def _splice(self, found: list[_Found], b: Schema, chain: _Chain, flipped: bool) -> Iterator[_Met]:
        """A component's facts below the path that reached it, sharing the component's paths
        (`join`); an error past `SPLICE_BUDGET`."""
        self.spliced += len(found)
        if self.spliced > SPLICE_BUDGET:
            raise LoadError(
                f"{b.where.file}: more than {SPLICE_BUDGET:,} changes below nested $refs "
                f"(at {b.where.pointer}): too many to report"
            )
        if not found:
            return
        path = _tokens(chain)
        last = joined = None
        for inner, route, fact in found:
            if route is not last:  # the facts of one pair share its route: joined once
                last, joined = route, join(path, route)
            # the fact itself is put below `path` only if `_shortest` keeps it (`_settle`): most
            # spliced facts come by a longer route than one already met, and are dropped
            yield inner, joined, fact, path, flipped

    def _silent(self, pair: tuple[int, int], kept: _Kept) -> bool:
        """Whether no fact can be found from `pair`: neither it nor any pair below it, through
        components too, has a fact of its own, every one of them compared and kept.

        Skipping such a pair changes no search's result: it yields nothing, spliced or inline
        (a component's search yields only facts of pairs below it), and its whole closure is
        compared already, so no comparison is skipped or reordered and a component below it,
        searched later, finds nothing whatever searches are under way then. A pair being
        compared is not kept, so what depends on it stays undecided until it is.

        Proven by a walk of the kept pairs, remembered: quiet (the whole closure), loud (the
        pairs on the route to a fact), or undecided until the pair that stopped it is kept."""
        expansions, undecided, quiet, loud = kept.expansions, kept.undecided, kept.quiet, kept.loud
        if pair in quiet:
            return True
        waits = undecided.get(pair)
        if waits is not None and waits not in expansions:
            # the pair that stopped the last attempt is still not kept, and still reachable (only
            # quiet pairs are taken out of the kept ones, and nothing below them is uncompared):
            # the walk would meet it again, after as many steps, each time the pair comes up
            return False
        seen = {pair}
        # a depth-first walk: a stack of (pair, its children's iterator), so that the route to
        # a fact is on the stack when it is met
        stack = [(pair, iter(expansions[pair][1]))]
        if expansions[pair][0]:
            loud.add(pair)
            return False
        while stack:
            for child in stack[-1][1]:
                inner = child[0]
                if inner in seen or inner in quiet:
                    continue
                if inner in loud:
                    loud.update(p for p, _ in stack)
                    return False
                waits = undecided.get(inner)
                if waits is None or waits in expansions:
                    waits = None if inner in expansions else inner  # not compared yet, or being so
                if waits is not None:  # every pair on the route to it waits for the same pair
                    undecided.update((p, waits) for p, _ in stack)
                    return False
                expansion = expansions[inner]
                if expansion[0]:
                    loud.add(inner)
                    loud.update(p for p, _ in stack)
                    return False
                seen.add(inner)
                stack.append((inner, iter(expansion[1])))
                self.proved += 1
                break
            else:
                stack.pop()
        quiet.update(seen)
        return True

    def _expand(self, facts: list[LocalFact], edges: list[Edge], side: Side) -> _Expansion:
        """A compared pair as searches use it: each fact with its rule on `side` and the token of
        its property, and the children not the same on both sides, each marked when it is a pair
        of `$ref` targets (a component, searched once by `_component`)."""
        own = [
            (fact.rule_on(side), property_token(fact.prop) if fact.prop is not None else None, fact)
            for fact in facts
        ]
        unchanged = self.unchanged
        children = [
            ((id(a), id(b)), a, b, token, token.swap, a.key is not None and b.key is not None)
            for token, a, b in edges
            # not `same` (a is b, or one unchanged component), written out: a call per edge
            if a is not b and (a.key is None or a.key != b.key or a.key not in unchanged)
        ]
        return own, children

    def _component(self, a: Schema, b: Schema, side: Side) -> list[_Found] | None:
        """The facts reachable from a pair of `$ref` targets, searched once; None while that
        search is under way (a cycle back to it: the caller walks on through it instead)."""
        kept = self._kept(side)
        key = (id(a), id(b))
        known = kept.components.get(key)
        if known is None:
            if key in kept.searching:
                return None
            kept.searching.add(key)
            try:
                known = kept.components[key] = _shortest(self._search(a, b, side, False))
            finally:
                kept.searching.discard(key)
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

    def _pair(self, a: Schema, b: Schema, side: Side) -> tuple[list[LocalFact], list[Edge]]:
        kept = self._response if side is _RESPONSE else self._request  # `_kept`, without a call
        key = (id(a), id(b))
        cached = kept.local.get(key)
        if cached is not None:
            return cached
        if key in kept.in_progress:
            return [], []
        kept.in_progress.add(key)
        try:
            self.comparisons += 1
            facts: list[LocalFact] = []
            edges: list[Edge] = []
            old_view = new_view = None
            if a.one_of or a.any_of or b.one_of or b.any_of:  # else neither is a composition
                old_view, new_view = compositions.composition(self, a), compositions.composition(self, b)
            if old_view is not None or new_view is not None:
                self._compositions(a, b, (old_view, new_view), side, facts, edges)
            elif compare_types(a, b, side, facts):
                # the checkers of the fields either node holds at other than its default (C-level
                # tests; each checker once, in the order of ALWAYS)
                written = map(or_, map(ne, _READ(a), _ABSENT), map(ne, _READ(b), _ABSENT))
                for check in dict.fromkeys(compress(_CHECKERS, written)):
                    check(self, a, b, side, facts, edges)
                if a.keywords is not None or b.keywords is not None:
                    self._dispatch(a, b, side, facts, edges)
        finally:
            kept.in_progress.discard(key)
        kept.local[key] = (facts, edges)
        kept.expansions[key] = self._expand(facts, edges, side)
        return facts, edges

    def _compositions(
        self,
        a: Schema,
        b: Schema,
        views: tuple[compositions.View | None, compositions.View | None],
        side: Side,
        facts: list[LocalFact],
        edges: list[Edge],
    ) -> None:
        """A pair where either side is a composition: compared by what the variants accept."""
        old_view, new_view = views
        old, old_labels, old_null = old_view[1:] if old_view else compositions.plain(self, a)
        new, new_labels, new_null = new_view[1:] if new_view else compositions.plain(self, b)
        compositions.check_null(old_null, new_null, b, facts)
        if len(old) == 1 and len(new) == 1 and (old_view is None or new_view is None):
            # a plain schema and a composition of one: one schema on each side, however written
            inner_facts, inner_edges = self._pair(old[0], new[0], side)
            facts.extend(inner_facts)
            edges.extend(inner_edges)
            return
        keyword = (new_view or old_view)[0]  # type: ignore[index]
        old_keyword, new_keyword = old_view and old_view[0], new_view and new_view[0]
        before = Variants(old, old_labels, a.where.child(old_view[0]) if old_view else None, old_keyword)
        after = Variants(new, new_labels, b.where.child(new_view[0]) if new_view else None, new_keyword)
        compositions.compare(self, keyword, before, after, side, facts, edges)
        check_discriminator(self, a, b, side, facts, edges)

    def _dispatch(self, a: Schema, b: Schema, side: Side, facts: list[LocalFact], edges: list[Edge]) -> None:
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


def describe(path: tuple[Step, ...], side: Side, root: str) -> tuple[str, str]:
    """(name, subject) of a schema path: `address.city` and "request property 'address.city'".

    Remembered by value (the side by a bool: `Side` hashes in Python), bounded: a walk's fact
    is described below every operation that reaches it."""
    return _DESCRIBED[(path, side is _RESPONSE, root)]


def _describe(key: tuple[tuple[Step, ...], bool, str]) -> tuple[str, str]:
    path, response, root = key
    side = _RESPONSE if response else Side.REQUEST
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


#: `describe`'s results, by (path, response side, root)
_DESCRIBED = Texts(_describe, 100_000)


#: the step of each token met, by the token's id (the token kept with it, so that its id is not
#: another's while the entry lives): a token is a value, most of them one per property name, and
#: a `Step` a named tuple, so one serves every fact below that token; bounded, like the tokens
_STEPS: dict[int, tuple[Token, Step]] = {}
_MOST_STEPS = 100_000


def _fact(fact: SchemaFact, side: Side) -> Fact:
    """A fact of a walk as the walk hands it out: its path's tokens as the steps of its subject."""
    steps = []
    for token in materialise(fact.path):
        known = _STEPS.get(id(token))
        if known is None:
            if len(_STEPS) >= _MOST_STEPS:
                _STEPS.clear()
            known = _STEPS[id(token)] = (token, Step(token.kind, token.label))
        steps.append(known[1])
    return Fact(
        fact.rule,
        fact.args,
        subject(None, None, side, tuple(steps), fact.former, False, False),
        fact.where,
        fact.in_base,
    )


def _own(
    pair: tuple[int, int],
    facts: list[tuple[str, Token | None, LocalFact]],
    chain: _Chain,
    flipped: bool,
    skip_defaults: bool,
) -> Iterator[_Found]:
    """The facts of a visited pair's own keywords, below the path its chain spells."""
    path = _tokens(chain)
    for rule, prop, fact in facts:
        if skip_defaults and rule in _DEFAULTS:
            continue
        below = (*path, prop) if prop is not None else path
        found = SchemaFact(rule, fact.args, below, fact.where, fact.in_base, fact.former)
        yield pair, path, _flip(found) if flipped else found


def _forget(
    expansions: dict[tuple[int, int], _Expansion],
    pair: tuple[int, int] | None,
    children: list[_Child],
    quiet: set[tuple[int, int]],
) -> None:
    """A quiet child stays quiet: the kept pair forgets it, unless `children` is no longer the
    list kept (a pair being compared keeps nothing; another search may have forgotten first)."""
    expansion = expansions.get(pair)  # type: ignore[arg-type]
    if expansion is not None and expansion[1] is children:
        expansions[pair] = (expansion[0], [child for child in children if child[0] not in quiet])  # type: ignore[index]


def _tokens(chain: _Chain) -> tuple[Token, ...]:
    """The path a chain spells, root first."""
    tokens = []
    while chain[0] is not None:
        chain, token = chain  # type: ignore[assignment]
        tokens.append(token)
    tokens.reverse()
    return tuple(tokens)


def _flip(fact: SchemaFact) -> SchemaFact:
    """A fact found with base and revision swapped (below `not`), told the right way round: its
    place is in the other document, and its old and new values trade places."""
    args = fact.args
    if "old" in args and "new" in args:
        args = {**args, "old": args["new"], "new": args["old"]}
    return SchemaFact(fact.rule, args, fact.path, fact.where, not fact.in_base, fact.former)


def _shortest(found: Iterator[_Met]) -> list[_Found]:
    """The facts of each node pair once: those of the shortest route found to it (the first)."""
    best: dict[tuple[int, int], tuple[Path, int, list[_Met]]] = {}
    for item in found:
        pair, route = item[0], item[1]
        known = best.get(pair)
        if known is None:
            best[pair] = (route, len(route), [item])
        elif route is known[0]:  # the same visit's facts share their route
            known[2].append(item)
        else:
            length = len(route)
            if length < known[1]:
                best[pair] = (route, length, [item])
            elif length == known[1] and known[0] == route:  # token by token (paths.equal)
                known[2].append(item)
    return [_settle(item) for _, _, items in best.values() for item in items]


def _settle(item: _Met) -> _Found:
    """A fact as found: a spliced one put below the route that reached its component."""
    if len(item) == 3:
        return item  # type: ignore[return-value]
    inner, joined, fact, path, flipped = item  # type: ignore[misc]
    fact = SchemaFact(fact.rule, fact.args, join(path, fact.path), fact.where, fact.in_base, fact.former)
    return inner, joined, _flip(fact) if flipped else fact
