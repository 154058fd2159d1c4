"""The trees a document is generated from: a git revision, the working tree or the index, each
written into a temporary folder with git's own commands and never touching the repository."""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path

from oasguard.generate.process import Child
from oasguard.sources import GIT_SAFE_ENV, git_reason

#: variables that point git at a repository: a command running in a temporary tree must not
#: reach the user's (a hook runs with GIT_INDEX_FILE set by `git commit`)
REPOSITORY_VARIABLES = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
    "GIT_PREFIX",
)


class TreeError(Exception):
    """A tree cannot be written out: the message says why (git's reason)."""


def git(child: Child, top: Path, *args: str, index: Path | None = None) -> bytes:
    """stdout of `git ARGS` in `top` (with `index` as its index file, else the environment's),
    never fetching; TreeError with git's last line when it fails."""
    env = {**os.environ, **GIT_SAFE_ENV}
    if index is not None:
        env["GIT_INDEX_FILE"] = str(index)
    done = child.run(["git", "-C", str(top), *args], cwd=top, env=env, timeout=None)
    if done.status != 0:
        stderr = done.stderr.decode("utf-8", "replace")
        raise TreeError(git_reason(stderr, fallback=f"git {args[0]} failed"))
    return done.stdout


@dataclass(frozen=True)
class Revision:
    """The files of git revision `ref` of the repository at `top`."""

    top: Path
    ref: str

    @property
    def where(self) -> str:
        return self.ref

    def write(self, child: Child, scratch: Path, into: Path) -> str:
        """Write the revision's files into `into`; returns its tree's object id (the cache key).
        Read into a temporary index in `scratch` and checked out from there, as a checkout would
        write them (unlike `git archive`, which drops `export-ignore` files and rewrites
        `export-subst` ones); nothing is written into the repository."""
        if not self.ref or self.ref.startswith("-") or any(c in self.ref for c in "\0\n\r"):
            raise TreeError(f"'{self.ref}' is not a git revision")
        try:
            tree = git(child, self.top, "rev-parse", "--verify", "--quiet", f"{self.ref}^{{tree}}")
        except TreeError:
            raise TreeError(f"unknown git revision '{self.ref}'") from None
        tree_id = tree.decode().strip()
        index = scratch / "index"
        try:
            git(child, self.top, "read-tree", tree_id, index=index)
            git(child, self.top, "checkout-index", "--all", "--force", f"--prefix={into}/", index=index)
        except TreeError as error:  # a partial clone lacking a file (oasguard never fetches)
            raise TreeError(f"cannot write out the files of '{self.ref}' ({error})") from None
        return f"tree {tree_id}"


@dataclass(frozen=True)
class Index:
    """The files staged in the index of the repository at `top` (what the next commit holds;
    GIT_INDEX_FILE is honoured, as `git commit -a` hands its hooks a temporary index)."""

    top: Path

    @property
    def where(self) -> str:
        return "the staged files"

    def write(self, child: Child, scratch: Path, into: Path) -> str:
        """Write the staged files into `into` (`git checkout-index --prefix` neither locks nor
        refreshes the index); returns a digest of the index's entries (modes, blobs, paths)."""
        try:
            entries = git(child, self.top, "ls-files", "--stage", "-z")
            git(child, self.top, "checkout-index", "--all", "--force", f"--prefix={into}/")
        except TreeError as error:  # an unmerged path, a missing object
            raise TreeError(f"cannot write out the staged files ({error})") from None
        return "index " + hashlib.sha256(entries).hexdigest()


@dataclass(frozen=True)
class WorkingTree:
    """The working tree of the repository at `top` as it is: tracked files and untracked ones
    that are not ignored, copied, so that a command that writes files writes into the copy."""

    top: Path

    @property
    def where(self) -> str:
        return "the working tree"

    def write(self, child: Child, scratch: Path, into: Path) -> str:
        """Copy the files into `into`; returns a digest of their paths, modes and contents (the
        working tree has no object id: its key is what it holds)."""
        try:
            listing = git(child, self.top, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
        except TreeError as error:
            raise TreeError(f"cannot list the working tree's files ({error})") from None
        digest = hashlib.sha256()
        for name in sorted(set(listing.decode("utf-8", "surrogateescape").split("\0")) - {""}):
            mark = _copy(self.top / name, into / name)
            if mark is not None:
                digest.update(name.encode("utf-8", "surrogateescape") + b"\0" + mark + b"\0")
        return "files " + digest.hexdigest()


def _copy(source: Path, target: Path) -> bytes | None:
    """Copy one file or symlink (None: nothing there, a deleted file or a submodule's folder);
    returns what identifies it: its link target, or its mode and content digest."""
    try:
        info = source.lstat()
    except FileNotFoundError:
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    if stat.S_ISLNK(info.st_mode):
        link = os.readlink(source)
        os.symlink(link, target)
        return b"link " + os.fsencode(link)
    if not stat.S_ISREG(info.st_mode):
        return None
    digest = hashlib.sha256()
    with source.open("rb") as reader, target.open("wb") as writer:
        for block in iter(lambda: reader.read(1 << 20), b""):
            digest.update(block)
            writer.write(block)
    executable = info.st_mode & 0o111
    if executable:
        shutil.copymode(source, target)
    return (b"exec " if executable else b"file ") + digest.hexdigest().encode()
