"""The pipeline: load → normalise → compare → classify, for two specs."""

from __future__ import annotations

import datetime
import gc
import os
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from oasguard import policy
from oasguard.changes import Report
from oasguard.compare import compare
from oasguard.compare.pointers import settle
from oasguard.compare.schema import SchemaComparer
from oasguard.config import Settings
from oasguard.errors import LoadError
from oasguard.load import load
from oasguard.model import normalise
from oasguard.model.unchanged import Unchanged
from oasguard.rules.classify import classify
from oasguard.sources import Spec, file_spec, git_spec

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
    settings: Settings | None = None,
    document: str | None = None,
    apis: list | None = None,
) -> Report:
    """Compare two specs, classify every difference and apply the policy of `settings`
    (default: SPEC's levels); `progress` hears each stage begin; `schemas`, if given, is the
    schema comparer to use (to read its work counters after); `dangling_as_empty` reads a
    `$ref` to nothing as an empty schema instead of failing; `sources` fills each change's
    `source` (file and line), which only some formats show; `document` names the spec on each
    change when several are diffed; `apis`, if given, receives (base, revision, document, the
    loaded base): the normalised documents, for attribution (consumers/attribute.py)."""
    settings = settings or Settings()
    today = today or datetime.date.today()
    outcome = judge(
        base, revision, today, progress, schemas, dangling_as_empty, settings, document, sources, apis
    )
    return Report(
        outcome.changes,
        base.label,
        revision.label,
        ignored=outcome.ignored,
        notes=[*outcome.warnings, *policy.notes(settings, outcome.used, today)],
    )


def judge(
    base: Spec,
    revision: Spec,
    today: datetime.date,
    progress: Callable[[str], None] | None,
    schemas: SchemaComparer | None,
    dangling_as_empty: bool,
    settings: Settings,
    document: str | None = None,
    sources: bool = False,
    apis: list | None = None,
) -> policy.Outcome:
    """The changes of one pair of specs with the policy applied (notes are the caller's: an
    ignore entry may match in another document of the same run)."""
    step = progress or (lambda stage: None)
    step(f"reading {base.label}")
    base_document = load(base, dangling_as_empty)
    step(f"reading {revision.label}")
    revision_document = load(revision, dangling_as_empty)
    step("normalising")
    unchanged = Unchanged(base_document, revision_document)
    base_api = normalise(base_document, unchanged, side=0)
    revision_api = normalise(revision_document, unchanged, side=1)
    if apis is not None:
        apis.append((base_api, revision_api, document, base_document))
    step("comparing")
    facts = settle(compare(base_api, revision_api, schemas), base_document, revision_document)
    changes = classify(facts)
    twins = {f"{method.upper()} {path}" for path, method in base_api.twins | revision_api.twins}
    if twins:  # their fingerprints keep the parameter names that tell them apart
        changes = [
            replace(c, extra={**c.extra, "twin": True}) if c.operation in twins else c for c in changes
        ]
    if sources:
        from oasguard.load.lines import with_sources

        step("finding source lines")
        changes = with_sources(changes, base_document, revision_document)
    if document is not None:
        changes = [replace(change, document=document) for change in changes]
    outcome = policy.apply(changes, settings, policy.operation_facts(base_api, revision_api), today)
    warnings = dict.fromkeys((*base_api.warnings, *revision_api.warnings))  # once when both say it
    if document is not None:
        warnings = {f"{document}: {warning}": None for warning in warnings}
    return replace(outcome, warnings=tuple(warnings))


@dataclass(frozen=True)
class Job:
    """One document of a many-spec run, as plain data a worker process can receive:
    `base_path` at git `ref` vs the working-tree file `path`, both from the repository `top`."""

    ref: str
    base_path: str
    path: str
    top: Path
    root: Path | None = None

    def specs(self) -> tuple[Spec, Spec]:
        label = f"{self.ref}:{self.base_path}"
        base = git_spec(self.ref, self.base_path, cwd=self.top, label=label)
        return base, file_spec(str(self.top / self.path), self.root)


def diff_many(
    jobs: list[Job],
    settings: Settings,
    today: datetime.date | None = None,
    dangling_as_empty: bool = False,
    progress: Callable[[str], None] | None = None,
    workers: int | None = None,
    sources: bool = False,
) -> Report:
    """One combined report for many documents: each change names its document, `summary`
    counts all of them, and an ignore entry is unused only if no document used it. Documents
    are compared in `workers` processes (default: see `parallel_workers`)."""
    today = today or datetime.date.today()
    workers = parallel_workers(jobs) if workers is None else workers
    if workers > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
        # the largest documents first, so that no worker starts a large one last
        order = sorted(range(len(jobs)), key=lambda index: -_size(jobs[index]))
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            futures = {
                index: pool.submit(_run_job, jobs[index], settings, today, dangling_as_empty, sources)
                for index in order
            }
            outcomes = [futures[index].result() for index in range(len(jobs))]
    else:
        outcomes = [
            run_deep(
                lambda job=job: judge(
                    *job.specs(), today, progress, None, dangling_as_empty, settings, job.path, sources
                )
            )
            for job in jobs
        ]
    changes = sorted(
        (change for outcome in outcomes for change in outcome.changes),
        key=lambda change: (change.document or "", *change.sort_key()),
    )
    used = frozenset().union(*(outcome.used for outcome in outcomes))
    return Report(
        changes,
        ignored=[ignored for outcome in outcomes for ignored in outcome.ignored],
        notes=[*(w for outcome in outcomes for w in outcome.warnings), *policy.notes(settings, used, today)],
    )


#: below this many bytes of documents in all, one process is faster than a pool (its start,
#: ~40 ms, and sending the changes back cost more than the second core gives)
PARALLEL_FROM_BYTES = 2_000_000


def parallel_workers(jobs: list[Job]) -> int:
    """How many processes compare `jobs`: one per idle core, at most one per document, and
    only one for small documents or on a busy machine, where a second process only competes
    for the same core and pays for sending its changes back (docs/decisions.md, "Many specs")."""
    size = sum(_size(job) for job in jobs)
    if len(jobs) < 2 or size < PARALLEL_FROM_BYTES:
        return 1
    cores = os.cpu_count() or 1
    try:
        busy = os.getloadavg()[0]
    except (AttributeError, OSError):  # no load average (Windows): assume the cores are free
        busy = 0.0
    idle = int(cores - busy + 0.5)
    return max(1, min(len(jobs), idle))


def _size(job: Job) -> int:
    path = job.top / job.path
    return path.stat().st_size if path.is_file() else 0


def _run_job(
    job: Job, settings: Settings, today: datetime.date, dangling_as_empty: bool, sources: bool
) -> policy.Outcome:
    return run_deep(
        lambda: judge(*job.specs(), today, None, None, dangling_as_empty, settings, job.path, sources)
    )


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
