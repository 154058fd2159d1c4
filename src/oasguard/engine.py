"""The pipeline: load → normalise → compare → classify, for two specs."""

from __future__ import annotations

import datetime
import gc
import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from oasguard import policy
from oasguard.changes import ORDER, Change, Report
from oasguard.compare import compare
from oasguard.compare.pointers import settle
from oasguard.compare.schema import SchemaComparer
from oasguard.config import Settings
from oasguard.errors import LoadError
from oasguard.load import Document, load
from oasguard.model import normalise
from oasguard.model.unchanged import Unchanged
from oasguard.rules.classify import classify
from oasguard.rules.versioning import info_version
from oasguard.sources import Spec, file_spec, git_spec, parse_spec
from oasguard.static import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from typing import TypeVar

    T = TypeVar("T")

#: Deep documents recurse deeply; the work runs on a thread with room for it.
_STACK_BYTES = 256 * 1024 * 1024
_RECURSION_LIMIT = 60_000


@dataclass(frozen=True)
class RunOptions:
    """Everything a run is told besides which documents to compare: the same for every pair of
    the run, and plain data (but `progress`) so that a worker process can receive it."""

    #: the policy to apply (default: SPEC's levels)
    settings: Settings = field(default_factory=Settings)
    #: the day ignore entries' and sunsets' dates are judged against
    today: datetime.date = field(default_factory=datetime.date.today)
    #: read a `$ref` to nothing as an empty schema instead of failing
    dangling_as_empty: bool = False
    #: fill each change's `source` (file and line), which only some formats show
    sources: bool = False
    #: build the shape diffs (`Report.shapes`), which only some formats show (report/shapes.py)
    shapes: bool = False
    #: validate both documents against the OpenAPI schema before comparing them
    validate: bool = False
    #: hears each stage begin (never sent to a worker process)
    progress: Callable[[str], None] | None = None
    #: the consumers' evidence (`consumers.read.Consumers`): each change names the consumers it
    #: breaks, joined after policy; the run then stays in this process, beside its documents
    consumers: object | None = None


class Side(Protocol):
    """Where one side of a comparison comes from, opened only for the comparison: a side that
    makes something to read (a document generated into a temporary tree) removes it on exit,
    also on error."""

    @property
    def label(self) -> str:
        """What the user wrote to name it."""

    def open(self) -> AbstractContextManager[Spec]: ...

    def size(self) -> int:
        """Bytes of its entry document, as far as known without opening it (0: unknown)."""


@dataclass(frozen=True)
class Opened:
    """A side already opened by the caller (the hook's index, a test's Spec): nothing to close."""

    spec: Spec

    @property
    def label(self) -> str:
        return self.spec.label

    @contextmanager
    def open(self) -> Iterator[Spec]:
        yield self.spec

    def size(self) -> int:
        return 0


@dataclass(frozen=True)
class Argument:
    """A side as the command line names it: a file path, or GITREF:PATH (`sources.parse_spec`)."""

    text: str
    root: Path | None = None

    @property
    def label(self) -> str:
        return self.text

    @contextmanager
    def open(self) -> Iterator[Spec]:
        yield parse_spec(self.text, self.root)

    def size(self) -> int:
        return _file_size(Path(self.text))


@dataclass(frozen=True)
class File:
    """A file on disk (`sources.file_spec`): the working tree's side of `diff --base REF`."""

    path: str
    root: Path | None = None

    @property
    def label(self) -> str:
        return self.path

    @contextmanager
    def open(self) -> Iterator[Spec]:
        yield file_spec(self.path, self.root)

    def size(self) -> int:
        return _file_size(Path(self.path))


@dataclass(frozen=True)
class AtRevision:
    """`path` (from the top of the repository `top`) at git revision `ref`."""

    ref: str
    path: str
    top: Path

    @property
    def label(self) -> str:
        return f"{self.ref}:{self.path}"

    @contextmanager
    def open(self) -> Iterator[Spec]:
        yield git_spec(self.ref, self.path, cwd=self.top, label=self.label)

    def size(self) -> int:
        return 0


@dataclass(frozen=True)
class Generated:
    """A side whose document is generated from code (SPEC 6): `job` (a `generate.Job`) names
    the tree (a revision, the working tree or the index), the recipe and the side's role.
    Opening it writes the tree into a temporary folder and runs the recipe there; the folder
    is removed on exit, also on error and Ctrl-C."""

    job: object

    @property
    def label(self) -> str:
        return self.job.label  # type: ignore[attr-defined]

    def open(self) -> AbstractContextManager[Spec]:
        from oasguard.generate import generated

        return generated(self.job)  # type: ignore[arg-type]

    def size(self) -> int:
        return 0


@dataclass(frozen=True)
class Pair:
    """The two sides of one comparison; `document` names it on each change when a run compares
    several (None: the run's only pair, and its report names both sides)."""

    base: Side
    revision: Side
    document: str | None = None

    @contextmanager
    def open(self) -> Iterator[tuple[Spec, Spec]]:
        """Both sides opened, and both closed on exit, whatever happens in between."""
        with ExitStack() as stack:
            if isinstance(self.base, Generated) and isinstance(self.revision, Generated):
                from oasguard.generate import generated_pair

                # both sides' commands side by side (generate/run.py)
                yield stack.enter_context(generated_pair(self.base.job, self.revision.job))  # type: ignore[arg-type]
                return
            yield stack.enter_context(self.base.open()), stack.enter_context(self.revision.open())

    def size(self) -> int:
        return self.base.size() + self.revision.size()


def against_revision(
    ref: str, top: Path, base_path: str, revision: str, root: Path | None, document: str | None
) -> Pair:
    """`base_path` at git `ref` against the working-tree file `revision` (`diff --base REF`):
    the one way such a pair is made, whether the user named SPEC or discovery found it."""
    return Pair(AtRevision(ref, base_path, top), File(revision, root), document)


def diff(
    base: Spec, revision: Spec, options: RunOptions | None = None, schemas: SchemaComparer | None = None
) -> Report:
    """Compare two opened specs, classify every difference and apply the policy of `options`;
    `schemas`, if given, is the schema comparer to use (to read its work counters after)."""
    pair = Pair(Opened(base), Opened(revision))
    options = options or RunOptions()
    outcome = judge(pair, options, schemas)
    return _attributed(combine([pair], [outcome], options), [outcome], options)


def judge(pair: Pair, options: RunOptions, schemas: SchemaComparer | None = None) -> policy.Outcome:
    """The changes of one pair of specs with the policy applied (the ignore list's notes are
    `combine`'s: an entry may match in another document of the same run)."""
    with pair.open() as (base, revision):
        if options.validate:
            _validate(base, revision)
        return _judge(base, revision, options, pair.document, schemas)


def _judge(
    base: Spec, revision: Spec, options: RunOptions, document: str | None, schemas: SchemaComparer | None
) -> policy.Outcome:
    step = options.progress or (lambda stage: None)
    step(f"reading {base.label}")
    base_document = load(base, options.dangling_as_empty)
    step(f"reading {revision.label}")
    revision_document = load(revision, options.dangling_as_empty)
    step("normalising")
    unchanged = Unchanged(base_document, revision_document)
    base_api = normalise(base_document, unchanged, side=0)
    revision_api = normalise(revision_document, unchanged, side=1)
    step("comparing")
    facts = settle(compare(base_api, revision_api, schemas), base_document, revision_document)
    changes = classify(facts)
    if options.sources:
        from oasguard.load.lines import with_sources

        step("finding source lines")
        changes = with_sources(changes, base_document, revision_document)
    elif _elsewhere(changes, base, revision):
        from oasguard.load.lines import with_sources  # a pointer into another file names it

        changes = with_sources(changes, base_document, revision_document, elsewhere_only=True)
    if document is not None:
        changes = [replace(change, document=document) for change in changes]
    facts_of = policy.operation_facts(base_api, revision_api)
    # classification's order: with_sources and `document` keep it
    outcome = policy.apply(changes, options.settings, facts_of, options.today, ordered=True)

    def placed(changes: list[Change]) -> list[Change]:  # the versioning changes, given the same
        return _placed(changes, base_document, revision_document, options, document)

    versions = (info_version(base_document.root), info_version(revision_document.root))
    outcome = policy.versioned(outcome, versions, options.settings, options.today, placed)
    if options.shapes:  # from both graphs, while they are in hand; never when not asked for
        from oasguard.report.shapes import build

        outcome = replace(outcome, shapes=tuple(build(outcome.changes, base_api, revision_api, document)))
    if options.consumers is not None:  # what attribution reads: kept only when it will run
        outcome = replace(outcome, apis=(base_api, revision_api, document, base_document))
    warnings = dict.fromkeys((*base_api.warnings, *revision_api.warnings))  # once when both say it
    if document is not None:
        warnings = {f"{document}: {warning}": None for warning in warnings}
    return replace(outcome, warnings=tuple(warnings))


def _elsewhere(changes: list[Change], base: Spec, revision: Spec) -> bool:
    """Whether a change's pointer is into a file other than its side's entry document (each
    distinct file and side checked once, not once per change)."""
    entry = (revision.path.as_posix(), base.path.as_posix())
    return any(file and file != entry[in_base] for file, in_base in {(c.file, c.in_base) for c in changes})


def _placed(
    changes: list[Change], base: Document, revision: Document, options: RunOptions, document: str | None
) -> list[Change]:
    """`changes` (of the entry document: the versioning rules') with what the comparison's changes
    were given above: their source lines (when a format shows them) and the document they belong
    to (when a run compares several)."""
    if options.sources and changes:
        from oasguard.load.lines import with_sources

        changes = with_sources(changes, base, revision)
    if document is not None:
        changes = [replace(change, document=document) for change in changes]
    return changes


class InvalidDocuments(LoadError):
    """`--validate` found violations of the OpenAPI schema: one line each."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


def _validate(*specs: Spec) -> None:
    """Raise InvalidDocuments with every schema violation of `specs`, if there is any."""
    from oasguard.load.validate import violations

    found = [line for spec in specs for line in violations(load(spec))]
    if found:
        raise InvalidDocuments(found)


def combine(pairs: list[Pair], outcomes: list[policy.Outcome], options: RunOptions) -> Report:
    """One report of a run's outcomes, one per pair: changes by document, then as each
    document's are; every document's warnings; an ignore entry is unused only if no document
    used it. The report of a run's only, unnamed pair names its two sides."""
    changes = [change for outcome in outcomes for change in outcome.changes]
    if len({change.document for change in changes}) > 1:
        changes.sort(key=lambda change: (change.document or "", *change.order))
    elif len(outcomes) > 1:  # one document in several outcomes: its order alone
        changes.sort(key=ORDER)
    # (an outcome's changes are in the report's order: policy.apply and policy.versioned)
    used = frozenset().union(*(outcome.used for outcome in outcomes))
    notes = [
        *(w for outcome in outcomes for w in outcome.warnings),
        *policy.notes(options.settings, used, options.today),
    ]
    labels: dict[str, str] = {}
    if len(pairs) == 1 and pairs[0].document is None:
        labels = {"base": pairs[0].base.label, "revision": pairs[0].revision.label}
    named = [(pair.document or "", outcome) for pair, outcome in zip(pairs, outcomes, strict=True)]
    return Report(
        changes,
        **labels,
        ignored=[ignored for outcome in outcomes for ignored in outcome.ignored],
        notes=notes,
        approved={
            document: f"{document}: {outcome.approved}" if document else outcome.approved
            for document, outcome in named
            if outcome.approved
        },
        versions={document: outcome.versions for document, outcome in named},
        # each pair's in its operations' order; pairs by document, as the changes are
        shapes=tuple(
            shape
            for _, outcome in sorted(named, key=lambda pair: pair[0])
            for shape in sorted(outcome.shapes, key=lambda shape: shape.operation)
        ),
    )


def run(pairs: list[Pair], options: RunOptions, workers: int | None = None) -> Report:
    """One report for every pair (see `combine`). Pairs are compared in `workers` processes
    (default: see `parallel_workers`), else one after the other on a deep stack."""
    workers = parallel_workers(pairs) if workers is None else workers
    if workers > 1 and options.consumers is None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
        alone = replace(options, progress=None)  # a worker has no terminal to show it on
        # the largest documents first, so that no worker starts a large one last
        order = sorted(range(len(pairs)), key=lambda index: -pairs[index].size())
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            futures = {index: pool.submit(_run_pair, pairs[index], alone) for index in order}
            outcomes = [futures[index].result() for index in range(len(pairs))]
    else:
        outcomes = []
        for pair in pairs:
            if outcomes and not gc.isenabled():  # the command line's: the last pair's graphs
                gc.collect()  # are garbage now, and would stay until the process ends
            outcomes.append(_run_pair(pair, options))
    return _attributed(combine(pairs, outcomes, options), outcomes, options)


def _attributed(report: Report, outcomes: list[policy.Outcome], options: RunOptions) -> Report:
    """`report` with the consumers each change breaks, when the run was given their evidence:
    after policy, attribution joins the changes as they stand."""
    if options.consumers is None:
        return report
    from oasguard.consumers.attribute import attribute

    apis = [outcome.apis for outcome in outcomes]
    return run_deep(lambda: attribute(report, options.consumers, apis))


#: below this many bytes of documents in all, one process is faster than a pool (its start,
#: ~40 ms, and sending the changes back cost more than the second core gives)
PARALLEL_FROM_BYTES = 2_000_000


def parallel_workers(pairs: list[Pair]) -> int:
    """How many processes compare `pairs`: one per idle core, at most one per pair, and
    only one for small documents or on a busy machine, where a second process only competes
    for the same core and pays for sending its changes back (docs/decisions.md, "Many specs")."""
    size = sum(pair.size() for pair in pairs)
    if len(pairs) < 2 or size < PARALLEL_FROM_BYTES:
        return 1
    cores = os.cpu_count() or 1
    try:
        busy = os.getloadavg()[0]
    except (AttributeError, OSError):  # no load average (Windows): assume the cores are free
        busy = 0.0
    idle = int(cores - busy + 0.5)
    return max(1, min(len(pairs), idle))


def _file_size(path: Path) -> int:
    try:
        return path.stat().st_size if path.is_file() else 0
    except (OSError, ValueError):
        return 0


def _run_pair(pair: Pair, options: RunOptions) -> policy.Outcome:
    return run_deep(lambda: judge(pair, options))


def diff_paths(
    base: Path, revision: Path, root: Path | None = None, today: datetime.date | None = None
) -> Report:
    """Compare two documents on disk (the API the tests and other tools use)."""
    pair = Pair(File(str(base), root), File(str(revision), root))
    return run([pair], RunOptions(today=today or datetime.date.today()))


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
