"""`oasguard verify` from arguments to a Verification: read the evidence, load the document
(and BASE's, to tell drift the change causes from drift that was already there)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from oasguard.errors import UsageError
from oasguard.load import load
from oasguard.verify import State, Verification, verify


def run(
    spec: str,
    files: Sequence[str],
    consumers: Sequence[str],
    base: str | None = None,
    root: Path | None = None,
    dangling_as_empty: bool = False,
    cwd: Path | None = None,
) -> Verification:
    from oasguard.consumers.read import read_consumers
    from oasguard.sources import parse_spec

    cwd = cwd or Path.cwd()
    patterns = [*files, *consumers]
    if not patterns:
        raise UsageError("verify needs evidence: FILE arguments or --consumers [NAME=]GLOB")
    evidence = read_consumers(patterns, cwd)
    document = load(parse_spec(spec, root), dangling_as_empty=dangling_as_empty)
    result = verify(document, evidence.interactions, evidence.skipped)
    if base is not None:
        before = verify(
            load(parse_spec(base, root), dangling_as_empty=dangling_as_empty), evidence.interactions
        )
        result.outcomes = [
            replace(now, already=then.state is not State.CONFORMING)
            if now.state is not State.CONFORMING
            else now
            for now, then in zip(result.outcomes, before.outcomes, strict=True)
        ]
    return result
