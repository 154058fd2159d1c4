"""The pre-commit hook: each staged OpenAPI document (as the index holds it) against a revision."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, TextIO

from oasguard.changes import Level, Report
from oasguard.errors import MissingFileError, OasguardError, SourceError
from oasguard.load.parse import looks_like_openapi
from oasguard.report import Format, render
from oasguard.report.escape import terminal
from oasguard.sources import IndexTree, Spec, git_spec, run_git

if TYPE_CHECKING:
    from oasguard.engine import RunOptions
    from oasguard.generate import Recipe


@dataclass(frozen=True)
class Checked:
    """One staged document compared with the base."""

    path: PurePosixPath
    report: Report
    #: how the report's heading names it (default: the path)
    title: str | None = None


def check(
    files: list[str], base: str = "HEAD", cwd: Path | None = None, options: RunOptions | None = None
) -> tuple[list[Checked], list[str]]:
    """Compare every staged OpenAPI document among `files` with the same path at `base`, and
    every other OpenAPI document of the index that `$ref`s one of the other staged `files`.
    `options` hold the policy to apply (the repository's configuration).
    Returns the comparisons and one note per file passed over (and why)."""
    index = IndexTree.here(cwd)
    here = (cwd or Path.cwd()).resolve()
    first_commit = base == "HEAD" and not _has_commits(index.top)
    documents: list[PurePosixPath] = []
    others: set[PurePosixPath] = set()  # staged, not OpenAPI documents: perhaps $ref'd by one
    skipped: list[str] = []
    for name in files:
        inside = index.contains(str(here / name))
        if inside is None:
            raise SourceError(f"{name}: outside the git repository {index.top}")
        if not index.staged(inside):
            skipped.append(f"{inside}: not staged")
        elif looks_like_openapi(index.read(inside)):
            documents.append(inside)
        else:
            others.add(inside)
    checked: list[Checked] = []
    for path in documents:
        previous = None if first_commit else _previous(base, path, index.top)
        if previous is None:
            skipped.append(f"{path}: new since {base}, nothing to compare")
            continue
        checked.append(Checked(path, _diff(previous, Spec(index, path, f":{path}"), options)))
    if others and not first_commit:
        checked += _referring(index, base, others, set(documents), options)
    return checked, skipped


def _diff(previous: Spec, staged: Spec, options: RunOptions | None) -> Report:
    from oasguard.engine import diff, run_deep

    return run_deep(lambda: diff(previous, staged, options))


class _Reads:
    """A tree that remembers every file read through it."""

    def __init__(self, tree: IndexTree) -> None:
        self._tree = tree
        self.label = tree.label
        self.paths: set[PurePosixPath] = set()

    def read(self, path: PurePosixPath) -> bytes:
        self.paths.add(path)
        return self._tree.read(path)

    def contains(self, absolute: str) -> PurePosixPath | None:
        return self._tree.contains(absolute)

    def display(self, path: PurePosixPath) -> str:
        return self._tree.display(path)


def _referring(
    index: IndexTree,
    base: str,
    staged: set[PurePosixPath],
    done: set[PurePosixPath],
    options: RunOptions | None,
) -> list[Checked]:
    """The other OpenAPI documents of the index that read one of the `staged` files through a
    `$ref` (a schema file changed alone changes the API of the documents that use it)."""
    found: list[Checked] = []
    for path in index.grep(_GREP_KEYS, _GREP_FILES):
        if path in done or path in staged or not looks_like_openapi(index.read(path)):
            continue
        previous = _previous(base, path, index.top)
        if previous is None:
            continue
        tree = _Reads(index)
        try:
            report = _diff(previous, Spec(tree, path, f":{path}"), options)  # type: ignore[arg-type]
        except OasguardError:
            if tree.paths & staged:
                raise  # the staged file breaks the document that uses it
            continue  # a document this commit does not touch: not this commit's business
        if tree.paths & staged:
            found.append(Checked(path, report))
    return found


#: what `git grep` looks for to find OpenAPI documents in the index (looks_like_openapi confirms)
_GREP_KEYS = (r"^[\"']?(openapi|swagger)[\"']?[[:space:]]*:", r"\"(openapi|swagger)\"[[:space:]]*:")
_GREP_FILES = ("*.yaml", "*.yml", "*.json")


def _previous(base: str, path: PurePosixPath, top: Path) -> Spec | None:
    """The OpenAPI document at `path` in `base`, or None when there is none (it is new)."""
    try:
        spec = git_spec(base, path.as_posix(), cwd=top)
        return spec if looks_like_openapi(spec.tree.read(spec.path)) else None
    except MissingFileError:  # no such file at the base: the document is new
        return None


def _has_commits(top: Path) -> bool:
    return run_git(top, "rev-parse", "--verify", "--quiet", "HEAD")[0] == 0


def check_generated(
    made: Recipe, base: str = "HEAD", cwd: Path | None = None, options: RunOptions | None = None
) -> tuple[list[Checked], list[str]]:
    """The document `made` generates from the staged files against the one it generates from
    `base` (SPEC 6): both trees are written out of git into temporary folders, never the
    working tree. Returns the comparison, or a note when there is no commit yet."""
    from oasguard.engine import Generated, Pair
    from oasguard.generate.plan import hook_jobs

    jobs = hook_jobs(made, base, cwd)
    if jobs is None:
        return [], [f"the document generated by `{made.shown}`: no commit yet, nothing to compare"]
    with Pair(Generated(jobs[0]), Generated(jobs[1])).open() as (previous, staged):
        report = _diff(previous, staged, options)
    return [Checked(PurePosixPath(made.shown), report, f"the document generated by `{made.shown}`")], []


def run(
    files: list[str],
    base: str,
    fail_on: Level | None,
    out: TextIO,
    options: RunOptions | None = None,
    made: Recipe | None = None,
) -> int:
    """The hook's whole run: the text report of every compared document; 1 when something is at
    or above `fail_on` (the commit stops), else 0. With `made`, the documents are generated
    from the staged files and from `base` (the staged files' names do not matter)."""
    if made is not None:
        checked, skipped = check_generated(made, base, options=options)
    else:
        checked, skipped = check(files, base, options=options)
    failed = False
    for each in checked:
        failed = each.report.fails(fail_on) or failed
        out.write(f"{terminal(each.title or str(each.path))} (staged) against {terminal(base)}:\n")
        render(each.report, Format.TEXT, out)
        out.write("\n")
    for note in skipped:
        out.write(f"oasguard: skipped {terminal(note)}\n")
    if failed:
        out.write(f"oasguard: the staged changes break clients (--fail-on {fail_on.value}).\n")  # type: ignore[union-attr]
    return 1 if failed else 0
