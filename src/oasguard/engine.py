"""The pipeline: load → normalise → compare → classify, for two specs."""

from __future__ import annotations

import datetime
import gc
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from oasguard.changes import Report
from oasguard.compare import compare
from oasguard.compare.pointers import settle
from oasguard.compare.schema import SchemaComparer
from oasguard.errors import LoadError
from oasguard.load import load
from oasguard.model import normalise
from oasguard.model.unchanged import Unchanged
from oasguard.rules.classify import classify
from oasguard.sources import Spec, file_spec

T = TypeVar("T")

#: Deep documents recurse deeply; the work runs on a thread with room for it.
_STACK_BYTES = 256 * 1024 * 1024
_RECURSION_LIMIT = 60_000


def diff(
    base: Spec,
    revision: Spec,
    today: datetime.date | None = None,
    progress: Callable[[str], None] | None = None,
    schemas: SchemaComparer | None = None,
    dangling_as_empty: bool = False,
    sources: bool = False,
) -> Report:
    """Compare two specs and classify every difference; `progress` hears each stage begin;
    `schemas`, if given, is the schema comparer to use (to read its work counters after);
    `dangling_as_empty` reads a `$ref` to nothing as an empty schema instead of failing;
    `sources` fills each change's `source` (file and line), which only some formats show."""
    step = progress or (lambda stage: None)
    step(f"reading {base.label}")
    base_document = load(base, dangling_as_empty)
    step(f"reading {revision.label}")
    revision_document = load(revision, dangling_as_empty)
    step("normalising")
    unchanged = Unchanged(base_document, revision_document)
    base_api = normalise(base_document, unchanged, side=0)
    revision_api = normalise(revision_document, unchanged, side=1)
    step("comparing")
    try:
        facts = settle(compare(base_api, revision_api, today, schemas), base_document, revision_document)
        changes = classify(facts)
    except MemoryError:  # a chain of 10,000 `$ref`s through properties: named, not a crash
        raise LoadError(
            f"{base.label} vs {revision.label}: not enough memory to compare them (nested too deeply?)"
        ) from None
    if sources:
        from oasguard.load.lines import with_sources

        step("finding source lines")
        changes = with_sources(changes, base_document, revision_document)
    return Report(changes, base.label, revision.label)


def diff_paths(
    base: Path, revision: Path, root: Path | None = None, today: datetime.date | None = None
) -> Report:
    """Compare two documents on disk (the API the tests and other tools use)."""
    return run_deep(lambda: diff(file_spec(str(base), root), file_spec(str(revision), root), today))


def run_deep(work: Callable[[], T]) -> T:
    """Run `work` on a thread with a large stack, so deep documents end in a result or a
    LoadError, never in a crash."""
    result: list[T] = []
    failure: list[BaseException] = []

    def target() -> None:
        try:
            result.append(work())
        except RecursionError:
            failure.append(LoadError("document nested too deeply to compare"))
        except BaseException as error:  # handed to the calling thread as it is
            failure.append(error)

    old_limit = sys.getrecursionlimit()
    old_size = threading.stack_size()
    collecting = gc.isenabled()
    try:
        threading.stack_size(_STACK_BYTES)
        sys.setrecursionlimit(max(old_limit, _RECURSION_LIMIT))
        # The work allocates millions of objects that all live until it ends: the cyclic
        # collector would only re-scan them (30% of the time on the GitHub pair).
        gc.disable()
        worker = threading.Thread(target=target, name="oasguard")
        worker.start()
        worker.join()
    finally:
        if collecting:
            gc.enable()
        threading.stack_size(old_size)
        sys.setrecursionlimit(old_limit)
    if failure:
        raise failure[0]
    return result[0]
