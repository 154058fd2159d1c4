"""The schema search (compare/schema.py: `_search`): what it keeps of a pair it has compared.

Each compared pair's facts and children are kept (`_expand`) for every later visit. A pair met
again while its own comparison is under way (matching the variants of `Node` walks a variant,
whose `next` leads back to `Node`) has nothing to give yet: it is not kept as if it had nothing,
and the change below it is still found.

A pair from which no fact can be found (`_silent`: nothing below it, through components too, has
a fact, and all of it is compared) is not walked again: the reports are the same as a search
that walks it every time, with fewer visits.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import CORPUS, corpus_pairs
from oasguard.compare.schema import SchemaComparer, _settle
from oasguard.engine import diff, run_deep
from oasguard.sources import file_spec

#: a recursive schema whose variants are matched by `fits`: the walk of the object variant
#: leads back to `Node`, the pair being compared, and so does the array's
RECURSIVE_VARIANTS = """\
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /nodes:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Node'}
components:
  schemas:
    Node:
      oneOf:
        - type: object
          properties:
            next: {$ref: '#/components/schemas/Node'}
            name: {type: %s}
        - type: array
          items: {$ref: '#/components/schemas/Node'}
"""


def _changes(
    tmp_path: Path, base_type: str, revision_type: str
) -> tuple[list[tuple[str, str]], SchemaComparer]:
    base, revision = tmp_path / "base.yaml", tmp_path / "revision.yaml"
    base.write_text(RECURSIVE_VARIANTS % base_type)
    revision.write_text(RECURSIVE_VARIANTS % revision_type)
    comparer = SchemaComparer()
    report = run_deep(lambda: diff(file_spec(str(base)), file_spec(str(revision)), schemas=comparer))
    return [(c.id, c.location) for c in report.changes], comparer


def test_a_pair_met_again_while_it_is_compared_is_searched_once_it_is_known(tmp_path: Path):
    changes, comparer = _changes(tmp_path, "string", "integer")
    assert changes == [
        ("response-type-changed", "GET /nodes › response 200 › application/json › oneOf[#1] › name")
    ]
    assert comparer._request.in_progress == comparer._response.in_progress == set()  # all ended


@pytest.mark.parametrize("kind", ["string", "integer"])
def test_the_same_recursive_variants_report_nothing(tmp_path: Path, kind: str):
    changes, _ = _changes(tmp_path, kind, kind)
    assert changes == []


# --- pairs that reach no fact ----------------------------------------------------------------------

#: two components in a cycle, both changed (`x`, `y`), each with an unchanged inline part that is
#: still two nodes (its component changed): A's search meets B, whose search meets A under way
#: and walks it inline, so A's `meta` is reached twice, and B's `tags` too
CYCLE = """\
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /a:
    get:
      responses:
        '200':
          description: ok
          content: {application/json: {schema: {$ref: '#/components/schemas/A'}}}
  /b:
    post:
      requestBody:
        content: {application/json: {schema: {$ref: '#/components/schemas/B'}}}
      responses:
        '200':
          description: ok
          content: {application/json: {schema: {$ref: '#/components/schemas/B'}}}
components:
  schemas:
    A:
      type: object
      properties:
        b: {$ref: '#/components/schemas/B'}
        x: {type: %s}
        meta:
          type: object
          properties:
            created: {type: string, format: date-time}
            owner: {type: object, properties: {id: {type: string}, name: {type: string}}}
    B:
      type: object
      properties:
        a: {$ref: '#/components/schemas/A'}
        y: {type: %s}
        tags: {type: array, items: {type: object, properties: {key: {type: string}}}}
"""


def _report(base: Path, revision: Path, skip_quiet: bool) -> tuple[list[tuple], SchemaComparer]:
    """Every change as reports show it, and the comparer; `skip_quiet=False`: every pair walked
    every time it is reached (`_silent` never says a pair reaches no fact)."""
    comparer = SchemaComparer()
    if not skip_quiet:
        comparer._silent = lambda pair, kept: False  # type: ignore[method-assign]
    report = run_deep(lambda: diff(file_spec(str(base)), file_spec(str(revision)), schemas=comparer))
    changes = [
        (c.id, c.location, c.message, c.file, c.pointer, c.in_base, c.fingerprint) for c in report.changes
    ]
    return changes, comparer


def _assert_proofs_hold(comparer: SchemaComparer) -> None:
    """Every pair said quiet has no fact and only quiet children; every pair said loud reaches
    a pair with a fact."""
    for kept in (comparer._request, comparer._response):
        for pair in kept.quiet:
            facts, children = kept.expansions[pair]
            assert not facts and all(child[0] in kept.quiet for child in children), pair
        for pair in kept.loud:
            todo, reached = [pair], {pair}
            while todo and not kept.expansions[todo[-1]][0]:
                for child in kept.expansions[todo.pop()][1]:
                    if child[0] not in reached and child[0] in kept.expansions:
                        reached.add(child[0])
                        todo.append(child[0])
            assert todo, pair  # stopped at a pair with a fact


def test_a_pair_that_reaches_no_fact_is_walked_once(tmp_path: Path):
    base, revision = tmp_path / "base.yaml", tmp_path / "revision.yaml"
    base.write_text(CYCLE % ("string", "string"))
    revision.write_text(CYCLE % ("integer", "boolean"))
    skipping, comparer = _report(base, revision, skip_quiet=True)
    walking, plain = _report(base, revision, skip_quiet=False)
    assert skipping == walking
    assert [(id_, location) for id_, location, *_ in skipping] == [
        ("response-type-changed", "GET /a › response 200 › application/json › b › y"),
        ("response-type-changed", "GET /a › response 200 › application/json › x"),
        ("request-type-changed", "POST /b › request body › application/json › a › x"),
        ("request-type-changed", "POST /b › request body › application/json › y"),
        ("response-type-changed", "POST /b › response 200 › application/json › a › x"),
        ("response-type-changed", "POST /b › response 200 › application/json › y"),
    ]
    assert comparer.comparisons == plain.comparisons  # the same pairs compared
    assert comparer.visits < plain.visits, (comparer.visits, plain.visits)
    assert comparer._response.quiet  # `meta`, `owner`, `tags`... were found quiet
    _assert_proofs_hold(comparer)


def _pair_paths(name: str) -> tuple[Path, Path]:
    pair = next((p for p in corpus_pairs() if p["name"] == name), None)
    if pair is None:
        pytest.skip("the corpus (../shared/corpus) is not here")
    return CORPUS / pair["base"], CORPUS / pair["revision"]


@pytest.mark.corpus
@pytest.mark.parametrize("name", ["stripe-json", "elasticsearch-serverless-next"])
def test_skipping_pairs_that_reach_no_fact_changes_no_report(name: str):
    """The two corpus pairs whose components form long cycles: every change the same, in the
    same order, named by the same route; half the visits or fewer."""
    base, revision = _pair_paths(name)
    skipping, comparer = _report(base, revision, skip_quiet=True)
    walking, plain = _report(base, revision, skip_quiet=False)
    assert skipping == walking
    assert comparer.comparisons == plain.comparisons
    assert 2 * comparer.visits <= plain.visits, (comparer.visits, plain.visits)
    _assert_proofs_hold(comparer)


#: a cycle X → Y → X whose Y reaches the changed Q by two routes of one length: through `o`,
#: which also leads back to X, and through `p`, which leads only to Q
EQUAL_ROUTES = """\
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /x:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/X'}
components:
  schemas:
    X:
      type: object
      properties:
        y: {$ref: '#/components/schemas/Y'}
    Y:
      type: object
      properties:
        x: {$ref: '#/components/schemas/X'}
%s
    Q:
      type: object
      properties:
        v: {type: %s}
"""
_O = """\
        o:
          type: object
          properties:
            back: {$ref: '#/components/schemas/X'}
            q: {$ref: '#/components/schemas/Q'}
"""
_P = """\
        p:
          type: object
          properties:
            q: {$ref: '#/components/schemas/Q'}
"""


@pytest.mark.parametrize(("first", "second", "named"), [(_O, _P, "o"), (_P, _O, "p")])
def test_of_equal_routes_inside_a_cycle_the_first_met_is_named(tmp_path: Path, first, second, named):
    """Why a pair's walk is not recorded once and replayed under later routes (docs/decisions.md,
    "Replaying a pair's walk"). `p`'s walk reaches nothing on the stack of searches (no back
    edge), and it is walked twice: once inside X's search, walking through Y while Y's search is
    under way, then in Y's own. Replayed at `p`'s visit, Q's facts would come out a level before
    the breadth-first search meets Q below `o`, and `p` would be named in both orders; the search
    names the route it meets first, here the first in document order."""
    base, revision = tmp_path / "base.yaml", tmp_path / "revision.yaml"
    base.write_text(EQUAL_ROUTES % (first + second, "string"))
    revision.write_text(EQUAL_ROUTES % (first + second, "integer"))
    changes, comparer = _report(base, revision, skip_quiet=True)
    assert [(id_, location) for id_, location, *_ in changes] == [
        ("response-type-changed", f"GET /x › response 200 › application/json › y › {named} › q › v")
    ]
    assert comparer.visits > comparer.comparisons  # the pairs of Y walked again, `p` among them


def _one_entry_per_pair(self, base, rev, side, skip_root_default):
    """The search as it was before its queue held batches (compare/schema.py `_search`): one
    queue entry per child, `quiet` and `seen` tested when it is queued and `seen` again when it
    is taken out (the root's chain is (None, None), as the batched search spells it). Kept here
    as the definition the batched search must match step for step."""
    from collections import deque

    from oasguard.compare.schema import _own

    if self.same(base, rev):
        return
    seen = set()
    kept = self._kept(side)
    expansions, quiet, loud, searching = kept.expansions, kept.quiet, kept.loud, kept.searching
    queue = deque([((id(base), id(rev)), base, rev, (None, None), False, False)])
    while queue:
        pair, a, b, chain, flipped, component = queue.popleft()
        if pair in seen:
            continue
        seen.add(pair)
        if component:
            found = kept.components.get(pair)
            if found is None and pair not in searching:
                found = self._component(a, b, side)
            if found is not None:
                if found:
                    yield from self._splice(found, b, chain, flipped)
                continue
        expansion = expansions.get(pair)
        if expansion is None:
            self.visits += 1
            facts, edges = self._pair(a, b, side)
            expansion = expansions.get(pair) or self._expand(facts, edges, side)
        elif pair not in loud and self._silent(pair, kept):
            continue
        else:
            self.visits += 1
        facts, children = expansion
        if facts:
            yield from _own(pair, facts, chain, flipped, skip_root_default and chain[0] is None)
        silenced = False
        for child, child_a, child_b, token, swap, child_component in children:
            if child in quiet:
                silenced = True
            elif child not in seen:
                queue.append((child, child_a, child_b, (chain, token), flipped != swap, child_component))
        if silenced and expansions.get(pair) is expansion:
            expansions[pair] = (facts, [child for child in children if child[0] not in quiet])


def _searched(base: Path, revision: Path, reference: bool) -> tuple[list, list, SchemaComparer]:
    """The report's changes, and what every search yielded, in the order the searches started
    and as far as each was taken (each fact's pair by its place, route and path as tokens, rule,
    arguments and side)."""
    from oasguard.compare.paths import materialise

    comparer = SchemaComparer()
    searches: list = []
    search = comparer._search
    if reference:
        search = _one_entry_per_pair.__get__(comparer)  # type: ignore[attr-defined]

    def recorded(*args):
        items: list = []
        searches.append(items)  # in the order the searches start; as far as each is taken
        pairs: dict = {}  # a pair's ids differ between runs: its place of first appearance
        for item in search(*args):
            pair, route, fact = _settle(item)
            items.append(
                (
                    pairs.setdefault(pair, len(pairs)),
                    tuple((t.kind, t.label) for t in materialise(route)),
                    tuple((t.kind, t.label) for t in materialise(fact.path)),
                    fact.rule,
                    repr(fact.args),
                    fact.in_base,
                )
            )
            yield item

    comparer._search = recorded  # type: ignore[method-assign]
    report = run_deep(lambda: diff(file_spec(str(base)), file_spec(str(revision)), schemas=comparer))
    changes = [(c.id, c.location, c.message, c.pointer, c.fingerprint) for c in report.changes]
    return changes, searches, comparer


def _assert_batches_search_as_one_entry_per_pair(base: Path, revision: Path) -> None:
    batched, batched_searches, comparer = _searched(base, revision, reference=False)
    single, single_searches, plain = _searched(base, revision, reference=True)
    assert batched == single
    assert len(batched_searches) == len(single_searches)
    for number, (mine, theirs) in enumerate(zip(batched_searches, single_searches, strict=True)):
        assert mine == theirs, number  # the same facts, in the same order, by the same routes
    assert comparer.comparisons == plain.comparisons
    assert comparer.visits <= plain.visits


@pytest.mark.parametrize(("first", "second"), [(_O, _P), (_P, _O)])
def test_a_batched_queue_meets_equal_routes_in_the_same_order(tmp_path: Path, first, second):
    """The search takes a visited pair's children out of its queue as one batch: the order in
    which pairs are met, and so which of two equally short routes names a fact, is unchanged."""
    base, revision = tmp_path / "base.yaml", tmp_path / "revision.yaml"
    base.write_text(EQUAL_ROUTES % (first + second, "string"))
    revision.write_text(EQUAL_ROUTES % (first + second, "integer"))
    _assert_batches_search_as_one_entry_per_pair(base, revision)


@pytest.mark.corpus
@pytest.mark.parametrize("name", ["stripe-json", "stripe-json-v126-v127", "elasticsearch-serverless-next"])
def test_a_batched_queue_searches_the_corpus_as_one_entry_per_pair(name: str):
    """Every search of the pairs whose components form long cycles (nested searches walking
    through the components under way) yields the same facts in the same order as the search
    with one queue entry per pair."""
    _assert_batches_search_as_one_entry_per_pair(*_pair_paths(name))


def test_a_remembered_description_keeps_sides_and_roots_apart():
    """`describe` is remembered by value: the same path below each side and root is named for
    that side and root, the first time and every time after."""
    from oasguard.changes import Side, Step
    from oasguard.compare.schema import describe

    city = (Step("property", "address"), Step("property", "city"))
    items = (Step("items", ""),)
    for _ in range(2):
        assert describe(city, Side.REQUEST, "body") == ("address.city", "request property 'address.city'")
        assert describe(city, Side.RESPONSE, "body") == ("address.city", "response property 'address.city'")
        assert describe(items, Side.REQUEST, "request body") == ("[]", "request body items")
        assert describe(items, Side.RESPONSE, "parameter 'q'") == ("[]", "parameter 'q' items")
