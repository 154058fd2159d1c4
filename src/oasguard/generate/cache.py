"""Generated documents kept between runs, outside the repository: a side whose tree and recipe
have not changed since the last run is not generated again."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path

#: entries kept; the least recently used beyond it are removed
KEEP = 64
#: bumped when what an entry holds changes meaning
_VERSION = "1"


def directory() -> Path:
    """`$XDG_CACHE_HOME/oasguard/generated`, else `~/.cache/oasguard/generated`."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "oasguard" / "generated"


def key(*parts: str) -> str:
    """The entry's name for a tree's key and a recipe's parts."""
    digest = hashlib.sha256(_VERSION.encode())
    for part in parts:
        digest.update(b"\0" + part.encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def usable(repository: Path) -> bool:
    """Whether the cache may be used for `repository`: never when it lies inside it (oasguard
    writes nothing into a repository)."""
    try:
        return not directory().resolve().is_relative_to(repository.resolve())
    except (OSError, RuntimeError):
        return False


def get(name: str) -> bytes | None:
    """The document stored under `name`, or None."""
    path = directory() / name
    try:
        data = path.read_bytes()
        os.utime(path)  # recently used: kept longest
    except OSError:
        return None
    return data


def put(name: str, data: bytes) -> None:
    """Store `data` under `name`, whole or not at all (written aside, then renamed); a cache that
    cannot be written is no reason to fail the run."""
    folder = directory()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, aside = tempfile.mkstemp(dir=folder, prefix=".writing-")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(aside, folder / name)
    except OSError:
        return
    _prune(folder)


def _prune(folder: Path) -> None:
    with contextlib.suppress(OSError):
        entries = sorted(
            (entry for entry in folder.iterdir() if not entry.name.startswith(".")),
            key=lambda entry: entry.stat().st_mtime,
        )
        for entry in entries[:-KEEP]:
            entry.unlink(missing_ok=True)
