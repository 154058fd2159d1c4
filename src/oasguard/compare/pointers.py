"""Every fact's pointer resolves in the file it names, on the side it names.

The comparison points at where a thing is written; a few facts are about a keyword that one side
does not have (a `type` widened to any, an `enum` loosened to none). Such a fact points at the
keyword on the other side instead (what was there, or what is there now), and failing that at the
nearest enclosing node that exists: a pointer a reader can follow is worth more than one that
names the exact keyword.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace

from oasguard.compare.facts import Fact
from oasguard.errors import OasguardError
from oasguard.load.document import NOWHERE, Document, lookup
from oasguard.model.nodes import Where


def settle(facts: Iterable[Fact], base: Document, revision: Document) -> Iterator[Fact]:
    """`facts`, each with a pointer that resolves on its side (see the module docstring)."""
    # a shared component's fact comes once per operation that reaches it, at the same place:
    # each place is settled once (the table holds the places it is keyed by)
    settled: dict[tuple[int, bool], tuple[Where, Where | None, bool]] = {}
    for fact in facts:
        key = (id(fact.where), fact.in_base)
        known = settled.get(key)
        if known is None:
            known = settled[key] = (fact.where, *_settled(fact.where, fact.in_base, base, revision))
        where, in_base = known[1], known[2]
        yield fact if where is None else replace(fact, where=where, in_base=in_base)


def _settled(where: Where, in_base: bool, base: Document, revision: Document) -> tuple[Where | None, bool]:
    """Where a fact at `where` (in the base when `in_base`) points once settled, and on which
    side: (None, in_base) when it resolves as it is."""
    own, other = (base, revision) if in_base else (revision, base)
    if _resolves(own, where):
        return None, in_base
    if _resolves(other, across := _across(where, own, other)):
        # the keyword only the other side has (also below `not`, where the sides trade places)
        return across, not in_base
    return _nearest(own, where), in_base


def _across(where: Where, own: Document, other: Document) -> Where:
    """The same place in the other document: its entry file for the entry file (the two sides
    may be read from different roots), the file of the same path for any other."""
    file = other.spec.path if where.file == own.spec.path else where.file
    return Where(file, where.pointer)


def _content(document: Document, where: Where) -> object:
    try:
        return document.resolver.file_content(where.file)
    except OasguardError:
        return NOWHERE


def _resolves(document: Document, where: Where) -> bool:
    content = _content(document, where)
    return content is not NOWHERE and lookup(content, where.pointer) is not NOWHERE


def _nearest(document: Document, where: Where) -> Where:
    content = _content(document, where)
    pointer = where.pointer
    while pointer and (content is NOWHERE or lookup(content, pointer) is NOWHERE):
        pointer = pointer.rsplit("/", 1)[0]
    return Where(where.file, pointer)
