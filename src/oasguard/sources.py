"""Where a document comes from: a file tree on disk (later also a git revision), with its root."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Protocol

from oasguard.errors import RefError, SourceError

#: Largest file we read; a bigger one is refused before it is parsed.
MAX_FILE_BYTES = 256 * 1024 * 1024


class Tree(Protocol):
    """A read-only tree of files: the sandbox every document and `$ref` of one side is read from."""

    label: str

    def read(self, path: PurePosixPath) -> bytes:
        """Bytes of `path` (relative to the root); SourceError if it is missing."""
        ...

    def contains(self, absolute: str) -> PurePosixPath | None:
        """The root-relative path of an absolute filesystem path inside the root, else None."""
        ...

    def display(self, path: PurePosixPath) -> str:
        """How to name `path` to a user."""
        ...


@dataclass(frozen=True)
class FileTree:
    """Files on disk below `root`; nothing outside it can be read, not even through a symlink."""

    root: Path

    @property
    def label(self) -> str:
        return str(self.root)

    def read(self, path: PurePosixPath) -> bytes:
        full = self.root / Path(*path.parts)
        real = full.resolve()
        if not real.is_relative_to(self.root):
            raise RefError(f"{self.display(path)}: leaves the root {self.root} (through a symlink)")
        if real.is_dir():
            raise SourceError(f"{self.display(path)}: is a directory, not a file")
        if real.exists() and not real.is_file():
            raise SourceError(f"{self.display(path)}: not a regular file")
        try:
            with real.open("rb") as stream:
                data = stream.read(MAX_FILE_BYTES + 1)
            if len(data) > MAX_FILE_BYTES:
                raise SourceError(f"{self.display(path)}: file larger than {MAX_FILE_BYTES} bytes")
            return data
        except FileNotFoundError:
            raise SourceError(f"{self.display(path)}: no such file") from None
        except OSError as error:
            raise SourceError(f"{self.display(path)}: cannot read ({error.strerror})") from None

    def contains(self, absolute: str) -> PurePosixPath | None:
        real = Path(absolute).resolve()
        if not real.is_relative_to(self.root):
            return None
        return PurePosixPath(real.relative_to(self.root).as_posix())

    def display(self, path: PurePosixPath) -> str:
        full = self.root / Path(*path.parts)
        try:
            return os.path.relpath(full)
        except ValueError:  # pragma: no cover - another drive on Windows
            return str(full)


@dataclass(frozen=True)
class Spec:
    """One side of a diff: the entry document `path` inside `tree`."""

    tree: Tree
    path: PurePosixPath
    #: what the user wrote to name it
    label: str


def enclosing_work_tree(start: Path) -> Path | None:
    """The top of the git work tree containing `start`, found without running git."""
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def file_spec(argument: str, root: Path | None = None) -> Spec:
    """A Spec for a file on disk. Its root: `root`, else the enclosing work tree, else its folder."""
    path = Path(argument)
    if not path.exists():
        raise SourceError(f"{argument}: no such file")
    if path.is_dir():
        raise SourceError(f"{argument}: is a directory, not an OpenAPI document")
    if not path.is_file():
        raise SourceError(f"{argument}: not a regular file")
    real = path.resolve()
    if root is not None:
        top = root.resolve()
        if not top.is_dir():
            raise SourceError(f"--root {root}: not a directory")
    else:
        top = enclosing_work_tree(real.parent) or real.parent
    if not real.is_relative_to(top):
        raise SourceError(f"{argument}: outside the root {top}")
    relative = PurePosixPath(real.relative_to(top).as_posix())
    return Spec(FileTree(top), relative, argument)


class GitTree:
    """The files of one git commit; read from git's object store, never from the working tree."""

    def __init__(self, repo: object, commit: object, revision: str) -> None:
        self._repo = repo
        self._commit = commit
        self._revision = revision
        self.label = f"{revision} ({str(commit)[:12]})"

    def read(self, path: PurePosixPath) -> bytes:
        try:
            blob = self._commit.tree / path.as_posix()  # type: ignore[attr-defined]
        except KeyError:
            raise SourceError(f"{self.display(path)}: no such file at revision '{self._revision}'") from None
        if blob.type != "blob":
            raise SourceError(f"{self.display(path)}: is a directory at revision '{self._revision}'")
        if blob.size > MAX_FILE_BYTES:
            raise SourceError(f"{self.display(path)}: file too large ({blob.size} bytes)")
        return blob.data_stream.read()

    def contains(self, absolute: str) -> PurePosixPath | None:
        return None  # an absolute path names the disk, never a revision

    def display(self, path: PurePosixPath) -> str:
        return f"{self._revision}:{path.as_posix()}"


def _repository(start: Path) -> object:
    import git

    try:
        return git.Repo(start, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise SourceError(f"{start}: not inside a git repository (needed for REF:PATH)") from None


def _commit(repo: object, revision: str) -> object:
    import git

    if not revision or revision.startswith("-"):
        raise SourceError(f"'{revision}': not a git revision (it may not start with '-')")
    try:
        return repo.commit(revision)  # type: ignore[attr-defined]
    except (git.BadName, git.BadObject, ValueError, IndexError, git.GitCommandError):
        hint = ""
        if (Path(repo.git_dir) / "shallow").exists():  # type: ignore[attr-defined]
            hint = (
                f" (this clone is shallow: fetch it with 'git fetch --unshallow' or "
                f"'git fetch origin {revision}')"
            )
        raise SourceError(f"unknown git revision '{revision}'{hint}") from None


def git_spec(revision: str, path: str, cwd: Path | None = None, label: str | None = None) -> Spec:
    """A Spec for `path` (relative to the repository's top level) at git `revision`."""
    repo = _repository((cwd or Path.cwd()).resolve())
    commit = _commit(repo, revision)
    clean = PurePosixPath(os.path.normpath(path).replace(os.sep, "/")) if path else None
    if clean is None or clean.is_absolute() or clean.parts[:1] == ("..",) or str(clean) == ".":
        raise SourceError(f"{revision}:{path}: PATH must be a file inside the repository")
    tree = GitTree(repo, commit, revision)
    return Spec(tree, clean, label or f"{revision}:{path}")


def working_tree_path(argument: str) -> tuple[Path, PurePosixPath]:
    """The repository top of a working-tree file and the file's path relative to it."""
    path = Path(argument).resolve()
    if not path.is_file():
        raise SourceError(f"{argument}: no such file in the working tree")
    repo = _repository(path.parent)
    top = Path(repo.working_tree_dir).resolve()  # type: ignore[attr-defined]
    if not path.is_relative_to(top):
        raise SourceError(f"{argument}: outside the git repository {top}")
    return top, PurePosixPath(path.relative_to(top).as_posix())


def parse_spec(argument: str, root: Path | None = None) -> Spec:
    """A file path, or GITREF:PATH. An existing file wins over the REF:PATH reading."""
    if Path(argument).exists() or ":" not in argument:
        return file_spec(argument, root)
    revision, _, path = argument.partition(":")
    return git_spec(revision, path, label=argument)


class IndexTree:
    """The files staged in git's index (what the next commit will hold), read from the index and
    the object store, never from the working tree. Honours GIT_INDEX_FILE, as `git commit -a`
    and `git commit PATH` hand their hooks a temporary index."""

    def __init__(self, top: Path) -> None:
        self._top = top
        self._blobs: dict[str, str] | None = None
        self.label = f"the staged files of {top}"

    @classmethod
    def here(cls, cwd: Path | None = None) -> IndexTree:
        """The index of the repository that contains `cwd` (default: the current directory)."""
        folder = (cwd or Path.cwd()).resolve()
        top = _git_output(folder, "rev-parse", "--show-toplevel")
        if top is None:
            raise SourceError(f"{folder}: not inside a git work tree (needed to read staged files)")
        return cls(Path(top.decode().strip()).resolve())

    @property
    def top(self) -> Path:
        return self._top

    def _entries(self) -> dict[str, str]:
        if self._blobs is None:
            listing = _git_output(self._top, "ls-files", "--stage", "-z")
            if listing is None:
                raise SourceError(f"{self._top}: cannot read the git index")
            blobs: dict[str, str] = {}
            for entry in listing.decode("utf-8", "surrogateescape").split("\0"):
                if not entry:
                    continue
                fields, _, name = entry.partition("\t")
                mode, sha, stage = fields.split(" ")
                if mode == "160000":  # a submodule: no file here
                    continue
                # an unmerged path has stages 1-3 and no stage 0: there is no staged content to read
                blobs[name] = sha if stage == "0" else ""
            self._blobs = blobs
        return self._blobs

    def staged(self, path: PurePosixPath) -> bool:
        """Whether the index holds `path` (with merged content)."""
        return bool(self._entries().get(path.as_posix()))

    def read(self, path: PurePosixPath) -> bytes:
        sha = self._entries().get(path.as_posix())
        if sha is None:
            raise SourceError(f"{self.display(path)}: not in the git index (stage it with 'git add')")
        if not sha:
            raise SourceError(f"{self.display(path)}: unmerged in the git index (resolve the conflict)")
        data = _git_output(self._top, "cat-file", "blob", sha)
        if data is None:
            raise SourceError(f"{self.display(path)}: cannot read the staged content")
        if len(data) > MAX_FILE_BYTES:
            raise SourceError(f"{self.display(path)}: file larger than {MAX_FILE_BYTES} bytes")
        return data

    def contains(self, absolute: str) -> PurePosixPath | None:
        real = Path(absolute).resolve()
        if not real.is_relative_to(self._top):
            return None
        return PurePosixPath(real.relative_to(self._top).as_posix())

    def display(self, path: PurePosixPath) -> str:
        return f":{path.as_posix()}"  # git's own name for the staged file (`git show :PATH`)

    def grep(self, patterns: tuple[str, ...], globs: tuple[str, ...]) -> list[PurePosixPath]:
        """Staged files named by `globs` whose content matches one of the extended regular
        `patterns` (git grep on the index: no file is read here)."""
        expressions = [arg for pattern in patterns for arg in ("-e", pattern)]
        listing = _git_output(self._top, "grep", "--cached", "-lzIE", *expressions, "--", *globs)
        if not listing:  # git grep exits 1 when nothing matches
            return []
        names = listing.decode("utf-8", "surrogateescape").split("\0")
        return [PurePosixPath(name) for name in names if name]


def _git_output(cwd: Path, *args: str) -> bytes | None:
    """The stdout of `git ARGS` run in `cwd`, or None when git fails or is missing."""
    import subprocess

    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except OSError:
        return None
    return done.stdout if done.returncode == 0 else None
