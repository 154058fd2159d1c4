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
    for fact in facts:
        own, other = (base, revision) if fact.in_base else (revision, base)
        if _resolves(own, fact.where):
            yield fact
        elif _resolves(other, across := _across(fact.where, own, other)):
            # the keyword only the other side has (also below `not`, where the sides trade places)
            yield replace(fact, where=across, in_base=not fact.in_base)
        else:
            yield replace(fact, where=_nearest(own, fact.where))


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
