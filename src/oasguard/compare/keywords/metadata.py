"""Annotations that still matter to clients: `default`, `deprecated`, `x-stability-level`."""

from __future__ import annotations

from oasguard.changes import Side
from oasguard.compare.facts import canonical, show
from oasguard.compare.keywords.base import Comparer, Edge, LocalFact, keywords
from oasguard.model.nodes import MISSING, Schema

#: `x-stability-level` values, least stable first; a schema without one is stable
STABILITY = {"draft": 0, "alpha": 1, "beta": 2, "stable": 3}


def check_default(
    c: Comparer, a: Schema, b: Schema, side: Side, facts: list[LocalFact], edges: list[Edge]
) -> None:
    if a.default is MISSING and b.default is MISSING:
        return
    if a.default is not MISSING and b.default is not MISSING and canonical(a.default) == canonical(b.default):
        return
    facts.append(
        LocalFact(
            ("request-default-changed", "response-default-changed"),
            {
                "old": "none" if a.default is MISSING else show(a.default),
                "new": "none" if b.default is MISSING else show(b.default),
            },
            b.where.child("default"),
        )
    )


def check_deprecated(
    c: Comparer, a: Schema, b: Schema, side: Side, facts: list[LocalFact], edges: list[Edge]
) -> None:
    was, now = keywords(a).deprecated, keywords(b).deprecated
    if was != now:
        kind = (
            ("request-schema-deprecated", "response-schema-deprecated")
            if now
            else ("request-schema-undeprecated", "response-schema-undeprecated")
        )
        facts.append(LocalFact(kind, {}, (b.where.child("deprecated") if now else b.where)))


def check_stability(
    c: Comparer, a: Schema, b: Schema, side: Side, facts: list[LocalFact], edges: list[Edge]
) -> None:
    old, new = keywords(a).stability or "stable", keywords(b).stability or "stable"
    if old == new or old not in STABILITY or new not in STABILITY:
        return
    kind = (
        ("request-stability-decreased", "response-stability-decreased")
        if STABILITY[new] < STABILITY[old]
        else ("request-stability-increased", "response-stability-increased")
    )
    where = b.where.child("x-stability-level") if keywords(b).stability else b.where
    facts.append(LocalFact(kind, {"old": show(old), "new": show(new)}, where))
