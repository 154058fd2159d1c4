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
        try:
            size = real.stat().st_size
            if size > MAX_FILE_BYTES:
                raise SourceError(f"{self.display(path)}: file too large ({size} bytes)")
            return real.read_bytes()
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
