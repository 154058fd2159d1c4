"""Compare two normalised Apis: the entry point; the checks live in compare/operations/."""

from __future__ import annotations

from oasguard.compare.facts import Fact
from oasguard.compare.operations.context import Run
from oasguard.compare.operations.paths import check_paths
from oasguard.compare.operations.security import scheme_changes
from oasguard.compare.schema import SchemaComparer
from oasguard.model.nodes import Api
from oasguard.model.unchanged import unchanged_components


def compare(base: Api, rev: Api, schemas: SchemaComparer | None = None) -> list[Fact]:
    """Every fact that tells `base` from `rev`. `schemas` (default: a new one) compares the
    schemas; pass one to read its work counters afterwards."""
    schemas = schemas or SchemaComparer()
    schemas.unchanged = unchanged_components(base, rev)
    changes = scheme_changes(base.security_schemes, rev.security_schemes)
    # twins' fingerprints keep the parameter names that tell them apart (changes.py)
    twins = frozenset(f"{method.upper()} {path}" for path, method in base.twins | rev.twins)
    return list(check_paths(Run(base, rev, schemas, changes, twins)))
