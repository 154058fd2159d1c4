"""One side generated: its tree written into a temporary folder, the recipe run there (or its
document taken from the cache), the document checked and opened as a Spec; both sides of a pair
at once when a core is idle. Every temporary folder is removed on exit, also on error and Ctrl-C."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import stat
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Protocol

from oasguard.errors import OasguardError, SourceError
from oasguard.generate import cache
from oasguard.generate.process import Cancelled, Child, Finished, tail
from oasguard.generate.recipe import Recipe, inside
from oasguard.load.parse import looks_like_openapi
from oasguard.sources import FileTree, Spec

#: where a document printed on stdout is put in the temporary tree (so that its relative
#: `$ref`s resolve in the same tree)
STDOUT = PurePosixPath("(stdout)")


class GenerateError(OasguardError):
    """A side's document could not be generated. The first line names the side and the
    command; `lines` adds the end of the command's stderr, one line each."""

    def __init__(self, message: str, stderr: list[str] | None = None) -> None:
        if stderr:
            message += "; its stderr ends:"
        super().__init__(message)
        self.lines = [message, *(f"| {line}" for line in stderr)] if stderr else None


class Source(Protocol):
    """A tree to generate from (`trees.Revision`, `trees.WorkingTree`, `trees.Index`)."""

    top: Path

    @property
    def where(self) -> str: ...

    def write(self, child: Child, scratch: Path, into: Path) -> str: ...


@dataclass(frozen=True)
class Job:
    """One side to generate: `role` (base or revision) from `source` by `recipe`."""

    source: Source
    recipe: Recipe
    role: str

    @property
    def name(self) -> str:
        """How messages name the side: `base (origin/main)`."""
        return f"{self.role} ({self.source.where})"

    @property
    def label(self) -> str:
        """How reports name the side."""
        return f"{self.source.where} (generated)"


@dataclass(frozen=True)
class GeneratedTree(FileTree):
    """The temporary tree a document was generated in, named to the user by side and command
    rather than by its temporary path."""

    name: str = ""
    shown: str = ""
    document: PurePosixPath = STDOUT

    @property
    def label(self) -> str:
        return self.name

    def display(self, path: PurePosixPath) -> str:
        if path == STDOUT:
            return f"{self.name}: the output of `{self.shown}`"
        if path == self.document:
            return f"{self.name}: {path.as_posix()} written by `{self.shown}`"
        return f"{self.name}: {path.as_posix()}"


@dataclass
class Workspace:
    """A job's temporary folder and child process, for the time it is open."""

    job: Job
    child: Child = field(default_factory=Child)
    folder: Path | None = None

    def __enter__(self) -> Workspace:
        self.folder = Path(tempfile.mkdtemp(prefix="oasguard-generate-")).resolve()
        return self

    def __exit__(self, *exc: object) -> None:
        self.child.cancel()
        if self.folder is not None:
            remove(self.folder)

    def produce(self) -> Spec:
        """Write the tree, generate (or reuse) the document, check it, and open it."""
        assert self.folder is not None
        job, recipe = self.job, self.job.recipe
        tree = self.folder / "tree"
        tree.mkdir()
        key = self._write(tree)
        here = tree / recipe.folder
        if not here.is_dir():
            raise GenerateError(f"{job.name}: has no folder '{recipe.folder.as_posix()}' to run in")
        entry = cache.key(key, *recipe.parts()) if recipe.cache and cache.usable(job.source.top) else None
        document = cache.get(entry) if entry else None
        if document is None:
            document = self._generate(here)
            if entry:
                cache.put(entry, document)
        where = STDOUT if recipe.file is None else recipe.folder / inside(recipe.file, "--generated-file")
        target = tree / where
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(document)
        generated = GeneratedTree(tree, name=job.name, shown=recipe.shown, document=where)
        return Spec(generated, where, job.label)

    def _write(self, tree: Path) -> str:
        from oasguard.generate.trees import TreeError

        try:
            return self.job.source.write(self.child, self.folder, tree)  # type: ignore[arg-type]
        except TreeError as error:
            raise SourceError(f"{self.job.name}: {error}") from None

    def _generate(self, here: Path) -> bytes:
        """The document the recipe makes in `here`; GenerateError naming the side and the
        command when it fails, prints nothing, prints no OpenAPI or runs past its time."""
        job, recipe = self.job, self.job.recipe
        arguments, shell = recipe.arguments()
        if recipe.file is not None:  # a copy committed in the tree is not what the command made
            with contextlib.suppress(OSError):  # a folder of that name: the command's to replace
                (here / inside(recipe.file, "--generated-file")).unlink(missing_ok=True)
        try:
            done = self.child.run(arguments, here, recipe.environment(here), recipe.timeout, shell=shell)
        except OSError as error:
            program = recipe.interpreter() if recipe.command is None else "the shell"
            raise GenerateError(
                f"{job.name}: cannot run `{recipe.shown}`: {program}: {error.strerror}"
            ) from None
        return _document(job, done, here)


def _document(job: Job, done: Finished, here: Path) -> bytes:
    """The document a finished run made, or the error that says why there is none."""
    recipe, said = job.recipe, f"{job.name}: `{job.recipe.shown}`"
    stderr = tail(done.stderr)
    if done.timed_out:
        raise GenerateError(
            f"{said} ran past --generate-timeout ({recipe.timeout:g} s) and was killed", stderr
        )
    if done.status != 0:
        how = f"exit status {done.status}" if done.status > 0 else f"killed by signal {-done.status}"
        raise GenerateError(f"{said} failed ({how})", stderr)
    if recipe.file is None:
        data, what = done.stdout, "printed something that"
    else:
        path = here / inside(recipe.file, "--generated-file")
        try:
            data, what = path.read_bytes(), f"wrote {recipe.file}, which"
        except OSError:
            raise GenerateError(f"{said} did not write {recipe.file}", stderr) from None
    if not data.strip():
        empty = "printed nothing" if recipe.file is None else f"wrote an empty {recipe.file}"
        raise GenerateError(f"{said} {empty}", stderr)
    if not looks_like_openapi(data):
        first = data.strip().splitlines()[0][:80].decode("utf-8", "replace")
        raise GenerateError(f"{said} {what} is not an OpenAPI document (it begins '{first}')", stderr)
    return data


def remove(folder: Path) -> None:
    """Remove `folder` and everything in it, read-only files and folders too."""

    def writable(function, path, _info) -> None:
        with contextlib.suppress(OSError):
            os.chmod(path, stat.S_IRWXU)
            parent = os.path.dirname(path)
            os.chmod(parent, stat.S_IRWXU)
            function(path)

    shutil.rmtree(folder, onerror=writable)
    if folder.exists():  # a process that left its group may still write: one more try
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def terminated_as_interrupted() -> Iterator[None]:
    """While the commands run, SIGTERM (a CI job cancelled, `kill`) is handled as Ctrl-C: their
    process groups are killed and the trees removed before oasguard ends (in the main thread
    only, where signals are handled; elsewhere the block runs as it is)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGTERM"):
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def generated(job: Job) -> Iterator[Spec]:
    """One side's document, open while in the block; its folder is removed on exit."""
    with Workspace(job) as workspace:
        with terminated_as_interrupted():
            spec = workspace.produce()
        yield spec


@contextlib.contextmanager
def generated_pair(base: Job, revision: Job) -> Iterator[tuple[Spec, Spec]]:
    """Both sides' documents, open while in the block; both folders are removed on exit."""
    with Workspace(base) as first, Workspace(revision) as second:
        with terminated_as_interrupted():
            specs = _both(first, second)
        yield specs


def _both(first: Workspace, second: Workspace) -> tuple[Spec, Spec]:
    """Both documents, generated side by side on a machine with two cores (each a child process
    that a thread waits for), else one after the other. A failing base stops the revision; on
    Ctrl-C both process groups are killed, and the threads seen to their end, before it goes on."""
    if not side_by_side():
        return first.produce(), second.produce()
    results: list[Spec | BaseException | None] = [None, None]
    threads = [
        threading.Thread(target=_produce, args=(space, results, i, other), daemon=True)
        for i, (space, other) in enumerate(((first, second), (second, first)))
    ]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:  # Ctrl-C here: stop both children, then wait for the threads to see it
        if any(thread.is_alive() for thread in threads):
            first.child.cancel()
            second.child.cancel()
            for thread in threads:
                thread.join()
    return _outcome(results)


def _produce(space: Workspace, results: list, index: int, other: Workspace) -> None:
    try:
        results[index] = space.produce()
    except BaseException as error:
        results[index] = error
        if index == 0 and not isinstance(error, Cancelled):
            # the base's error is the one reported: the revision's work is wasted. A failing
            # revision lets the base finish, so that which side is named never depends on
            # which one failed first
            other.child.cancel()


def _outcome(results: list) -> tuple[Spec, Spec]:
    """Both documents, or the base's error, else the revision's (never the stop that the
    base's failure caused the revision)."""
    errors = [result for result in results if isinstance(result, BaseException)]
    if errors:
        raise next((error for error in errors if not isinstance(error, Cancelled)), errors[0])
    return results[0], results[1]


def side_by_side() -> bool:
    """Whether the two sides run at once: on any machine with a second core, however busy. The
    work is in the two child processes (oasguard's threads only wait), so there is no result to
    send back as with worker processes; measured on a 2-core machine under a load average of 14,
    side by side took 3.2-3.6 s against 4.5-5.0 s one after the other (docs/decisions.md).
    OASGUARD_GENERATE_SIDE_BY_SIDE=1 or 0 decides instead (the tests run both ways)."""
    forced = os.environ.get("OASGUARD_GENERATE_SIDE_BY_SIDE")
    if forced in ("0", "1"):
        return forced == "1"
    return (os.cpu_count() or 1) >= 2
