"""Compare two normalised Apis: the entry point; the checks live in compare/operations/."""

from __future__ import annotations

from oasguard.compare.facts import Fact
from oasguard.compare.operations.context import Run
from oasguard.compare.operations.paths import check_paths
from oasguard.compare.operations.security import scheme_changes
from oasguard.compare.schema import SchemaComparer
from oasguard.model.nodes import Api, LazySchema, same_value


def compare(base: Api, rev: Api, schemas: SchemaComparer | None = None) -> list[Fact]:
    """Every fact that tells `base` from `rev`. `schemas` (default: a new one) compares the
    schemas; pass one to read its work counters afterwards."""
    schemas = schemas or SchemaComparer()
    schemas.unchanged = unchanged_components(base, rev)
    changes = scheme_changes(base.security_schemes, rev.security_schemes)
    return list(check_paths(Run(base, rev, schemas, changes)))


def unchanged_components(base: Api, rev: Api) -> frozenset[str]:
    """`$ref` targets whose raw content is equal on both sides, and all they refer to as well."""
    if base.version != rev.version:
        return frozenset()
    candidates = {  # a LazySchema not filled yet has no known dependencies: not a candidate
        key
        for key, node in base.components.items()
        if (other := rev.components.get(key)) is not None
        and not isinstance(node, LazySchema)
        and not isinstance(other, LazySchema)
        and same_value(node.raw, other.raw)
    }
    dependents: dict[str, set[str]] = {}
    for key in candidates:
        for dependency in base.dependencies.get(key, ()):
            dependents.setdefault(dependency, set()).add(key)
    pending = [
        k
        for k in candidates
        if any(d not in candidates for d in base.dependencies.get(k, ()))
        or base.dependencies.get(k) != rev.dependencies.get(k)
    ]
    changed: set[str] = set()
    while pending:
        key = pending.pop()
        if key in changed:
            continue
        changed.add(key)
        pending.extend(dependents.get(key, ()))
    return frozenset(candidates - changed)
