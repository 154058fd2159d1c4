"""Which trees a run generates from, and with what recipe: the command line's options, else the
configuration's keys; `diff --base REF` (REF against the working tree), `diff BASE REVISION`
(two revisions) and the hook (the base against the index)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from oasguard.errors import SourceError, UsageError
from oasguard.generate.recipe import DEFAULT_TIMEOUT, Recipe
from oasguard.generate.run import Job
from oasguard.generate.trees import Index, Revision, WorkingTree
from oasguard.sources import run_git


@dataclass(frozen=True)
class Options:
    """The generate options of a command line, as given (None: not given)."""

    command: str | None = None
    fastapi_app: str | None = None
    python: str | None = None
    file: str | None = None
    timeout: float | None = None
    cache: bool = True

    @property
    def given(self) -> bool:
        return self.command is not None or self.fastapi_app is not None


def recipe(options: Options, settings, documents_named: bool, cwd: Path | None = None) -> Recipe | None:
    """The recipe of this run, or None when its documents are files. The command line's
    `--generate`/`--fastapi-app` win, and run in the current folder's place in the tree; the
    configuration's `generate`/`fastapi-app` apply when the command line names no document, and
    run in the configuration file's folder."""
    here = (cwd or Path.cwd()).resolve()
    if options.given:
        return _made(options, options.file, options.timeout, here, here)
    configured = settings.generate is not None or settings.fastapi_app is not None
    if configured and not documents_named:
        from_file = Options(settings.generate, settings.fastapi_app, options.python, cache=options.cache)
        timeout = options.timeout if options.timeout is not None else settings.generate_timeout
        file = options.file or settings.generated_file
        return _made(from_file, file, timeout, (settings.root or here).resolve(), here)
    for name, value in (
        ("--generated-file", options.file),
        ("--generate-timeout", options.timeout),
        ("--fastapi-python", options.python),
    ):
        if value is not None:
            raise UsageError(f"{name} goes with --generate COMMAND or --fastapi-app MODULE:ATTR")
    if not options.cache:
        raise UsageError("--no-generate-cache goes with --generate COMMAND or --fastapi-app MODULE:ATTR")
    return None


def _made(options: Options, file: str | None, timeout: float | None, folder: Path, here: Path) -> Recipe:
    """The recipe, run in `folder`'s place in the tree (its top when `folder`, a configuration
    file's, is outside the repository `here` is in)."""
    top = top_of(here)
    where = folder.relative_to(top) if folder.is_relative_to(top) else Path()
    return Recipe(
        command=options.command,
        fastapi_app=options.fastapi_app,
        python=options.python,
        file=file,
        timeout=DEFAULT_TIMEOUT if timeout is None else timeout,
        cache=options.cache,
        folder=PurePosixPath(where.as_posix()),
    )


def top_of(folder: Path) -> Path:
    """The top of the git work tree holding `folder`: generated documents come from its trees."""
    code, out, _ = run_git(folder, "rev-parse", "--show-toplevel")
    if code != 0:
        raise UsageError(f"{folder}: documents generated from code need a git repository (none here)")
    return Path(out.decode("utf-8", "surrogateescape").strip()).resolve()


def diff_jobs(
    made: Recipe, base_ref: str | None, arguments: list[str], cwd: Path | None = None
) -> tuple[Job, Job]:
    """`diff --base REF`: REF against the working tree (a SPEC, if one is named, is the file the
    command writes, as --generated-file); `diff BASE REVISION`: two revisions."""
    top = top_of((cwd or Path.cwd()).resolve())
    if base_ref is not None:
        if len(arguments) == 1 and made.command is not None and made.file is None:
            made = replace(made, file=arguments[0])  # `--generate "make openapi" build/openapi.json`
        elif arguments:
            raise UsageError(
                "--base REF with a generated document takes no SPEC but the file the command "
                f"writes: the document is what `{made.shown}` makes (two revisions: diff BASE "
                "REVISION --generate ...)"
            )
        return Job(Revision(top, base_ref), made, "base"), Job(WorkingTree(top), made, "revision")
    if len(arguments) != 2:
        raise UsageError("a generated document needs --base REF, or two revisions: diff BASE REVISION")
    return Job(Revision(top, arguments[0]), made, "base"), Job(Revision(top, arguments[1]), made, "revision")


def hook_jobs(made: Recipe, base: str, cwd: Path | None = None) -> tuple[Job, Job] | None:
    """The hook: `base` against the staged files; None when there is no commit to compare with."""
    top = top_of((cwd or Path.cwd()).resolve())
    if run_git(top, "rev-parse", "--verify", "--quiet", f"{base}^{{commit}}")[0] != 0:
        if base == "HEAD":
            return None  # the first commit: nothing before it
        raise SourceError(f"unknown git revision '{base}'")
    return Job(Revision(top, base), made, "base"), Job(Index(top), made, "revision")
