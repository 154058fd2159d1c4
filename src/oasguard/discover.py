"""Which documents `oasguard diff --base REF` compares when no SPEC is named: the configured
`specs`, or every OpenAPI document git reports as changed, each only if it or a file it
`$ref`s changed between REF and the working tree."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from oasguard.errors import SourceError
from oasguard.load.parse import looks_like_openapi
from oasguard.sources import run_git

#: YAML: a top-level (unindented) `openapi:` / `swagger:` key with a version
#: JSON: the key anywhere (the parse then checks it is at the top level)
#: the file part of a `$ref` (`$ref: schemas/user.yaml#/User`); local refs (`#/...`) do not match
_FILE_REF = re.compile(rb'\$ref["\']?\s*:\s*["\']?([^"\'\s#}{,]+)')
#: files looked at for `$ref`s of a changed part, by name only (detection proper is by content)
_DATA_SUFFIXES = (".yaml", ".yml", ".json")
_MAX_SCAN_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class Pair:
    """One document to compare: `base_path` at the revision vs `path` in the working tree,
    both relative to the repository's top level."""

    base_path: str
    path: str


@dataclass(frozen=True)
class Found:
    pairs: list[Pair]
    #: things to tell the user (documents deleted since REF)
    notes: list[str]


def changed_documents(ref: str, top: Path, specs: list[Path] | None = None) -> Found:
    """The documents to compare against `ref`: those of `specs` (absolute paths) or, with none
    configured, every OpenAPI document in the work tree, that changed or whose `$ref`ed files
    changed. "Changed" is what `git diff REF` sees: committed, staged and unstaged edits of
    tracked files, renames followed; untracked files are new, and a new document has no clients
    to break, so it is not compared."""
    if not ref or ref.startswith("-"):
        raise SourceError(f"'{ref}': not a git revision (it may not start with '-')")
    renamed_from: dict[str, str] = {}
    changed: set[str] = set()
    deleted: set[str] = set()
    fields = _git(top, "diff", "--name-status", "-M", "-z", "--no-ext-diff", ref, "--").split("\0")
    index = 0
    while index < len(fields) and fields[index]:
        status = fields[index]
        if status.startswith(("R", "C")):
            old, new = fields[index + 1], fields[index + 2]
            changed.add(new)
            if status.startswith("R"):
                renamed_from[new] = old
            index += 3
            continue
        path = fields[index + 1]
        if status.startswith("D"):
            deleted.add(path)
        elif not status.startswith("A"):
            changed.add(path)
        index += 2
    configured = None if specs is None else [spec.resolve().relative_to(top).as_posix() for spec in specs]
    if configured is not None:
        candidates = configured
    else:
        candidates = [path for path in sorted(changed) if _is_openapi(top / path)]
        parts = {path for path in changed if path not in candidates and path.endswith(_DATA_SUFFIXES)}
        if parts:  # a changed $ref'd part: the documents that use it changed too
            tracked = _git(top, "ls-files", "-z", "--", *(f"*{suffix}" for suffix in _DATA_SUFFIXES))
            candidates += [
                path
                for path in sorted(set(tracked.split("\0")) - set(candidates))
                if path and _is_openapi(top / path)
            ]
    pairs = []
    notes = [
        f"{path}: deleted since {ref}; not compared"
        for path in sorted(deleted)
        if (path in configured if configured is not None else _was_openapi(top, ref, path))
    ]
    for path in candidates:
        if not (top / path).is_file():
            continue
        if not (_closure(top, path) & changed):
            continue
        base_path = renamed_from.get(path, path)
        if not _exists_at(top, ref, base_path):
            continue  # new since REF: nothing to break
        pairs.append(Pair(base_path, path))
    if not pairs and not notes:
        what = "document of `specs`" if configured is not None else "OpenAPI document"
        notes.append(f"no {what} changed since {ref}: nothing to compare")
    return Found(pairs, notes)


def _closure(top: Path, path: str) -> set[str]:
    """`path` and every file its `$ref`s reach (relative to `top`), read as text."""
    seen = {path}
    pending = [path]
    while pending:
        current = pending.pop()
        try:
            data = (top / current).read_bytes()[:_MAX_SCAN_BYTES]
        except OSError:
            continue
        folder = PurePosixPath(current).parent
        for match in _FILE_REF.finditer(data):
            target = match.group(1).decode("utf-8", "replace")
            if "://" in target:
                continue
            joined = os.path.normpath((folder / target).as_posix()).replace(os.sep, "/")
            if joined.startswith("..") or joined in seen:
                continue
            seen.add(joined)
            pending.append(joined)
    return seen


def _is_openapi(path: Path) -> bool:
    """True when the file is an OpenAPI or Swagger document by its content: JSON with an
    `openapi` or `swagger` key at the top level, or YAML with such a key unindented. YAML is
    not parsed here (it costs seconds on a large document, which the diff parses anyway)."""
    try:
        data = path.read_bytes()[:_MAX_SCAN_BYTES]
    except OSError:
        return False
    return looks_like_openapi(data)


def _was_openapi(top: Path, ref: str, path: str) -> bool:
    code, out, _ = run_git(top, "cat-file", "-p", f"{ref}:{path}")
    return code == 0 and looks_like_openapi(out)


def _exists_at(top: Path, ref: str, path: str) -> bool:
    return run_git(top, "cat-file", "-e", f"{ref}:{path}")[0] == 0


def _git(top: Path, *args: str) -> str:
    code, out, err = run_git(top, *args, patterns=True)
    if code != 0:
        message = err.strip().splitlines()
        if args[0] == "diff":
            raise SourceError(f"unknown git revision '{args[-2]}'")
        raise SourceError(f"git {args[0]} failed: {message[0] if message else code}")
    return out.decode("utf-8", "surrogateescape")
