"""`contentMediaType`, `contentEncoding` and `contentSchema`: what a string carries."""

from __future__ import annotations

from oasguard.changes import Side
from oasguard.compare.facts import show
from oasguard.compare.keywords import conjunction
from oasguard.compare.keywords.base import Comparer, Edge, LocalFact, keywords
from oasguard.model.nodes import Schema


def check_content(
    c: Comparer, a: Schema, b: Schema, side: Side, facts: list[LocalFact], edges: list[Edge]
) -> None:
    old, new = keywords(a), keywords(b)
    for keyword, before, after in (
        ("contentMediaType", old.content_media_type, new.content_media_type),
        ("contentEncoding", old.content_encoding, new.content_encoding),
    ):
        if before != after:
            args = {"keyword": keyword, "old": _show(before), "new": _show(after)}
            facts.append(
                LocalFact(
                    ("request-content-changed", "response-content-changed"),
                    args,
                    (b if after else a).where.child(keyword),
                    not after,
                )
            )
    conjunction.each(c, "contentSchema", old.content_schema, new.content_schema, a, b, facts, edges)


def _show(value: str | None) -> str:
    return "none" if value is None else show(value)
