"""Where a document comes from: a file tree on disk, a git revision or git's index, each with the
root that its `$ref`s may not leave."""

from __future__ import annotations

import contextlib
import os
import posixpath
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from oasguard.errors import MissingFileError, RefError, SourceError, brief, brief_path
from oasguard.static import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import subprocess

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
        try:
            return self._read(path)
        except (OSError, ValueError) as error:  # a name too long for the file system, a NUL
            reason = getattr(error, "strerror", None) or str(error)
            raise SourceError(f"{self.display(path)}: cannot read ({reason})") from None

    def _read(self, path: PurePosixPath) -> bytes:
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
            raise MissingFileError(f"{self.display(path)}: no such file") from None
        except OSError as error:
            raise SourceError(f"{self.display(path)}: cannot read ({error.strerror})") from None

    def contains(self, absolute: str) -> PurePosixPath | None:
        try:
            real = Path(absolute).resolve()
        except (OSError, ValueError):
            return None
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
    """A Spec for a file on disk. Its root: `root`, else the work tree enclosing where the file is
    (a symlink's own folder, not its target's), else its folder. A symlink whose target is outside
    that root is refused like a `$ref` that leaves it."""
    path = Path(argument)
    try:
        if not path.exists():
            raise SourceError(f"{argument}: no such file")
        if path.is_dir():
            raise SourceError(f"{argument}: is a directory, not an OpenAPI document")
        if not path.is_file():
            raise SourceError(f"{argument}: not a regular file")
        real = path.resolve()
        lexical = _lexical(argument)
    except (OSError, ValueError) as error:  # a name too long for the file system, a NUL
        reason = getattr(error, "strerror", None) or str(error)
        raise SourceError(f"{brief_path(argument)}: cannot be a file ({reason})") from None
    if root is not None:
        top = root.resolve()
        if not top.is_dir():
            raise SourceError(f"--root {root}: not a directory")
    else:
        top = enclosing_work_tree(lexical.parent) or lexical.parent
    if not lexical.is_relative_to(top):
        raise SourceError(f"{argument}: outside the root {top}")
    if not real.is_relative_to(top):
        raise RefError(f"{argument}: leaves the root {top} (a symlink to {real})")
    relative = PurePosixPath(real.relative_to(top).as_posix())
    return Spec(FileTree(top), relative, argument)


#: Git runs with no way to reach a remote: a partial clone never fetches a missing object on
#: demand (GIT_NO_LAZY_FETCH), no transport is allowed should anything try, nothing prompts, and
#: no optional lock or index refresh writes into the repository.
#: Every git command oasguard runs has these (`run_git`).
GIT_SAFE_ENV = {
    "GIT_NO_LAZY_FETCH": "1",
    "GIT_ALLOW_PROTOCOL": "none",
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_OPTIONAL_LOCKS": "0",
}
#: ... and where a path is one the user named, it is a path, never a pathspec pattern.
_GIT_ENV = {**GIT_SAFE_ENV, "GIT_LITERAL_PATHSPECS": "1"}
#: symlinks followed inside one revision before giving up (git's own limit)
_MAX_LINKS = 40


def run_git(top: Path, *args: str, patterns: bool = False) -> tuple[int, bytes, str]:
    """Exit status, stdout and stderr of `git ARGS` in `top`, never reaching a remote; with
    `patterns`, pathspecs are globs (`*.yaml`), else literal paths."""
    import subprocess  # only when git runs: a diff of two files never does

    try:
        done = subprocess.run(
            ["git", "-C", str(top), *args],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            env={**os.environ, **(GIT_SAFE_ENV if patterns else _GIT_ENV)},
        )
    except OSError as error:
        raise SourceError(f"cannot run git ({error.strerror})") from None
    return done.returncode, done.stdout, done.stderr.decode("utf-8", "replace")


def git_reason(stderr: str, fallback: str = "git failed") -> str:
    """git's own reason, from its last `fatal:`/`error:` line (else its last line)."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in reversed(lines):
        for prefix in ("fatal: ", "error: "):
            if line.startswith(prefix):
                return line[len(prefix) :]
    return lines[-1] if lines else fallback


@dataclass(frozen=True)
class _Repository:
    """The git repository a revision is read from, as git described it once."""

    #: where git runs: the work tree's top level, or the git directory of a bare repository
    top: Path
    git_dir: Path
    shallow: bool
    #: False in a bare repository (where server-side hooks such as `pre-receive` run)
    work_tree: bool = True

    @property
    def partial(self) -> bool:
        code, out, _ = run_git(
            self.top, "config", "--get-regexp", r"^(extensions\.partialclone|remote\..*\.promisor)$"
        )
        return code == 0 and bool(out.strip())


def _repository(start: Path) -> _Repository:
    # one git process: in a bare repository `--show-toplevel` fails after the first three answers
    code, out, _ = run_git(
        start,
        "rev-parse",
        "--is-bare-repository",
        "--absolute-git-dir",
        "--is-shallow-repository",
        "--show-toplevel",
    )
    lines = out.decode("utf-8", "surrogateescape").splitlines()
    if code == 0 and len(lines) == 4:
        return _Repository(Path(lines[3]).resolve(), Path(lines[1]), lines[2] == "true")
    if len(lines) == 3:  # a bare repository, or inside a git directory: objects, no work tree
        git_dir = Path(lines[1])
        return _Repository(git_dir, git_dir, lines[2] == "true", work_tree=False)
    raise SourceError(f"{start}: not inside a git repository (needed for REF:PATH)")


def bare_repository(start: Path) -> Path | None:
    """The git directory when `start` is in a repository without a work tree (a bare one, where
    a `pre-receive` hook runs): REF:PATH works there, what compares the working tree or the index
    cannot."""
    try:
        repo = _repository(start)
    except SourceError:
        return None
    return None if repo.work_tree else repo.git_dir


def _commit(repo: _Repository, revision: str) -> str:
    """The commit `revision` names (any syntax git understands); git's reason when it names none."""
    if not revision or revision.startswith("-"):
        raise SourceError(f"'{revision}': not a git revision (it may not start with '-')")
    if "\0" in revision or "\n" in revision:
        raise SourceError(f"{brief(revision)}: not a git revision (it holds a control character)")
    code, out, _ = run_git(repo.top, "rev-parse", "--verify", "--quiet", revision)
    if code == 0:
        sha = out.decode().strip()
        code, out, err = run_git(repo.top, "rev-parse", "--verify", "--quiet", f"{sha}^{{commit}}")
        if code == 0:
            return out.decode().strip()
        code, kind, _ = run_git(repo.top, "cat-file", "-t", sha)
        if code == 0:
            raise SourceError(f"git revision '{revision}' names a {kind.decode().strip()}, not a commit")
        reason = f"its object {sha[:12]} is not in this clone"
    else:
        _, _, err = run_git(repo.top, "rev-parse", revision, "--")
        reason = git_reason(err)
    hint = ""
    if repo.shallow:
        hint = "; this clone is shallow: fetch its history with 'git fetch --unshallow'"
        if not any(char in revision for char in "~^@:{ "):  # a branch, tag or sha: fetch just that
            hint += f" or the commit with 'git fetch --depth=1 origin {revision}'"
    raise SourceError(f"unknown git revision '{revision}' ({reason}{hint})")


class _ObjectReader:
    """One `git cat-file --batch` process per commit's tree: objects by id, read in one round trip
    each (a multi-file document at a revision reads hundreds of files). git exits on an object a
    partial clone lacks (it may not fetch it): `get` then returns None, and the next call starts
    a new process."""

    def __init__(self, top: Path) -> None:
        self._top = top
        self._process: subprocess.Popen[bytes] | None = None

    def get(self, name: str) -> tuple[str, bytes] | None:
        """(type, content) of the object `name`, or None when git does not have it."""
        process = self._process
        if process is None or process.poll() is not None:
            import subprocess

            try:
                process = self._process = subprocess.Popen(
                    ["git", "-C", str(self._top), "cat-file", "--batch"],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    env={**os.environ, **_GIT_ENV},
                )
            except OSError as error:
                raise SourceError(f"cannot run git ({error.strerror})") from None
        try:
            process.stdin.write(name.encode() + b"\n")  # type: ignore[union-attr]
            process.stdin.flush()  # type: ignore[union-attr]
            header = process.stdout.readline()  # type: ignore[union-attr]
        except OSError:
            header = b""
        fields = header.split()
        if len(fields) != 3:  # "NAME missing", or git exited on a missing object
            if not header:
                self.close()
            return None
        size = int(fields[2])
        if size > MAX_FILE_BYTES:
            self.close()  # its content is still in the pipe
            raise _TooLarge(size)
        data = process.stdout.read(size + 1)[:size]  # type: ignore[union-attr]
        return fields[1].decode(), data

    def close(self) -> None:
        if self._process is not None:
            with contextlib.suppress(OSError):
                self._process.kill()
            self._process.wait()
            for stream in (self._process.stdin, self._process.stdout):
                with contextlib.suppress(OSError):
                    stream.close()  # type: ignore[union-attr]
            self._process = None

    def __del__(self) -> None:
        self.close()


class _TooLarge(Exception):
    pass


def _tree_entries(data: bytes) -> dict[str, tuple[str, str]]:
    """A git tree object's entries: name -> (mode, object id)."""
    entries, at = {}, 0
    while at < len(data):
        space = data.index(b" ", at)
        nul = data.index(b"\0", space)
        name = data[space + 1 : nul].decode("utf-8", "surrogateescape")
        entries[name] = (data[at:space].decode(), data[nul + 1 : nul + 21].hex())
        at = nul + 21
    return entries


_KINDS = {"40000": "tree", "160000": "commit"}


class GitTree:
    """The files of one git commit; read from git's object store, never from the working tree,
    and never fetched: an object a partial clone lacks is an error that says how to fetch it."""

    def __init__(self, repo: _Repository, commit: str, revision: str) -> None:
        self._repo = repo
        self._commit = commit
        self._revision = revision
        self._objects = _ObjectReader(repo.top)
        self._trees: dict[str, dict[str, tuple[str, str]]] = {}
        self.label = f"{revision} ({commit[:12]})"

    def _object(self, name: str, path: PurePosixPath) -> tuple[str, bytes]:
        try:
            found = self._objects.get(name)
        except _TooLarge as large:
            raise SourceError(
                f"{self.display(path)}: file larger than {MAX_FILE_BYTES} bytes ({large})"
            ) from None
        if found is None:
            raise self._missing(path)
        return found

    def _tree(self, name: str, path: PurePosixPath) -> dict[str, tuple[str, str]]:
        entries = self._trees.get(name)
        if entries is None:
            kind, data = self._object(name, path)
            if kind != "tree":
                raise self._absent(path)
            entries = self._trees[name] = _tree_entries(data)
        return entries

    def _missing(self, path: PurePosixPath) -> SourceError:
        if self._repo.partial:
            return SourceError(
                f"{self.display(path)}: not in this partial clone (oasguard never fetches): fetch "
                f"revision '{self._revision}' first, e.g. 'git show {self._revision}:{path.as_posix()}', "
                "or clone without --filter"
            )
        return SourceError(
            f"{self.display(path)}: cannot read at revision '{self._revision}' (an object is missing)"
        )

    def _resolve(self, path: PurePosixPath) -> tuple[PurePosixPath, tuple[str, str, str]]:
        """`path` with every symlink in it followed inside this revision, and its (mode, type,
        object id); RefError if a symlink leaves the revision's tree, SourceError if there is no
        such file."""
        if "\0" in path.as_posix() or "\n" in path.as_posix():
            raise self._absent(path)
        for _ in range(_MAX_LINKS):
            tree = self._tree(f"{self._commit}^{{tree}}", path)
            parts = path.parts
            for index, part in enumerate(parts):
                entry = tree.get(part)
                if entry is None:
                    raise self._absent(path)
                mode, sha = entry
                here = PurePosixPath(*parts[: index + 1])
                if mode == "120000":
                    target = self._object(sha, here)[1].decode("utf-8", "surrogateescape")
                    joined = posixpath.normpath(
                        posixpath.join(here.parent.as_posix(), target, *parts[index + 1 :])
                    )
                    if target.startswith("/") or joined == ".." or joined.startswith("../"):
                        raise RefError(
                            f"{self.display(path)}: leaves the repository at revision "
                            f"'{self._revision}' (through a symlink)"
                        )
                    path = PurePosixPath(joined)
                    break
                kind = _KINDS.get(mode, "blob")
                if index == len(parts) - 1:
                    return path, (mode, kind, sha)
                if kind != "tree":
                    raise self._absent(path)
                tree = self._tree(sha, here)
            else:
                raise self._absent(path)
        raise SourceError(f"{self.display(path)}: too many levels of symbolic links")

    def real(self, path: PurePosixPath) -> PurePosixPath:
        """`path` with every symlink in it followed inside this revision."""
        return self._resolve(path)[0]

    def read(self, path: PurePosixPath) -> bytes:
        path, (_, kind, sha) = self._resolve(path)
        if kind == "tree":
            raise SourceError(f"{self.display(path)}: is a directory at revision '{self._revision}'")
        if kind != "blob":
            raise SourceError(f"{self.display(path)}: not a file at revision '{self._revision}'")
        return self._object(sha, path)[1]

    def contains(self, absolute: str) -> PurePosixPath | None:
        return None  # an absolute path names the disk, never a revision

    def _absent(self, path: PurePosixPath) -> MissingFileError:
        return MissingFileError(f"{self.display(path)}: no such file at revision '{self._revision}'")

    def display(self, path: PurePosixPath) -> str:
        return f"{self._revision}:{path.as_posix()}"


def git_spec(revision: str, path: str, cwd: Path | None = None, label: str | None = None) -> Spec:
    """A Spec for `path` (relative to the repository's top level) at git `revision`."""
    if not revision and path.startswith("/"):
        # `:/message:PATH`: the revision is the youngest commit whose message matches, up to the
        # last ':' (the message may hold one)
        message, _, path = path.rpartition(":")
        revision = ":" + message
    repo = _repository((cwd or Path.cwd()).resolve())
    commit = _commit(repo, revision)
    clean = PurePosixPath(os.path.normpath(path).replace(os.sep, "/")) if path else None
    if clean is None or clean.is_absolute() or clean.parts[:1] == ("..",) or str(clean) == ".":
        raise SourceError(f"{revision}:{path}: PATH must be a file inside the repository")
    tree = GitTree(repo, commit, revision)
    return Spec(tree, tree.real(clean), label or f"{revision}:{path}")


def _lexical(argument: str) -> Path:
    """The absolute path of `argument` with its folders' symlinks resolved, but not its own name:
    where the file is in the tree that holds it, even when it is a symlink to elsewhere."""
    path = Path(argument).absolute()
    return path.parent.resolve() / path.name


def working_tree_path(argument: str) -> tuple[Path, PurePosixPath]:
    """The repository top of a working-tree file and the file's path relative to it (the path of a
    symlink itself, not of its target: that is the path to compare at the base revision)."""
    try:
        if not Path(argument).is_file():
            raise SourceError(f"{argument}: no such file in the working tree")
        lexical = _lexical(argument)
    except (OSError, ValueError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise SourceError(f"{brief_path(argument)}: cannot be a file ({reason})") from None
    repo = _repository(lexical.parent)
    top = repo.top
    if not lexical.is_relative_to(top):
        raise SourceError(f"{argument}: outside the git repository {top}")
    real = lexical.resolve()
    if not real.is_relative_to(top):
        raise RefError(f"{argument}: leaves the git repository {top} (a symlink to {real})")
    return top, PurePosixPath(lexical.relative_to(top).as_posix())


def _exists(argument: str) -> bool:
    try:
        return Path(argument).exists()
    except (OSError, ValueError):  # a name too long for the file system: not a file, maybe REF:PATH
        return False


def parse_spec(argument: str, root: Path | None = None) -> Spec:
    """A file path, or GITREF:PATH. An existing file wins over the REF:PATH reading."""
    if _exists(argument) or ":" not in argument:
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
        if top is None and (bare := bare_repository(folder)) is not None:
            raise SourceError(
                f"{bare}: a bare repository has no staged files (compare REF:PATH with REF:PATH)"
            )
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
    """The stdout of `git ARGS` run in `cwd` (pathspecs are globs), or None when git fails."""
    code, out, _ = run_git(cwd, *args, patterns=True)
    return out if code == 0 else None
