"""`oasguard verify` from arguments to a Verification: read the evidence, load the document
(and BASE's, to tell drift the change causes from drift that was already there)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from oasguard.consumers.read import Consumers
from oasguard.load import load
from oasguard.sources import Spec
from oasguard.verify import State, Verification, verify


def run(
    spec: str,
    evidence: Consumers,
    base: str | None = None,
    root: Path | None = None,
    dangling_as_empty: bool = False,
) -> Verification:
    """Verify the interactions of `evidence` against SPEC (a file or REF:PATH); with `base`,
    also against BASE, marking the drift that was already there."""
    from oasguard.sources import parse_spec

    return against(
        parse_spec(spec, root),
        evidence,
        parse_spec(base, root) if base is not None else None,
        dangling_as_empty,
    )


def against(
    revision: Spec, evidence: Consumers, base: Spec | None = None, dangling_as_empty: bool = False
) -> Verification:
    """Verify against `revision`; with `base`, mark each failing interaction that failed there too."""
    result = verify(load(revision, dangling_as_empty), evidence.interactions, evidence.skipped)
    if base is not None:
        before = verify(load(base, dangling_as_empty), evidence.interactions)
        result.outcomes = [
            replace(now, already=then.state is not State.CONFORMING)
            if now.state is not State.CONFORMING
            else now
            for now, then in zip(result.outcomes, before.outcomes, strict=True)
        ]
    return result
