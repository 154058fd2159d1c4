"""Every fact's pointer resolves in the file it names, on the side it names.

The comparison points at where a thing is written; a few facts are about a keyword that one side
does not have (a `type` widened to any, an `enum` loosened to none). Such a fact points at the
keyword in the base instead (what was there), and failing that at the nearest enclosing node that
exists: a pointer a reader can follow is worth more than one that names the exact keyword.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace

from oasguard.compare.facts import Fact
from oasguard.errors import OasguardError
from oasguard.load.document import _NOWHERE, Document, lookup
from oasguard.model.nodes import Where


def settle(facts: Iterable[Fact], base: Document, revision: Document) -> Iterator[Fact]:
    """`facts`, each with a pointer that resolves on its side (see the module docstring)."""
    for fact in facts:
        if _resolves(base if fact.in_base else revision, fact.where):
            yield fact
        elif not fact.in_base and _resolves(base, fact.where):
            yield replace(fact, in_base=True)
        else:
            yield replace(fact, where=_nearest(base if fact.in_base else revision, fact.where))


def _content(document: Document, where: Where) -> object:
    try:
        return document.resolver.file_content(where.file)
    except OasguardError:
        return _NOWHERE


def _resolves(document: Document, where: Where) -> bool:
    content = _content(document, where)
    return content is not _NOWHERE and lookup(content, where.pointer) is not _NOWHERE


def _nearest(document: Document, where: Where) -> Where:
    content = _content(document, where)
    pointer = where.pointer
    while pointer and (content is _NOWHERE or lookup(content, pointer) is _NOWHERE):
        pointer = pointer.rsplit("/", 1)[0]
    return Where(where.file, pointer)
