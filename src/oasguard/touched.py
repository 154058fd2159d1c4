"""Lines a pull request changed: which changes' elements meet a hunk of `git diff REF`, so that
what a reviewer sees in the pull request's diff is annotated first."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from pathlib import Path

from oasguard.sources import run_git

#: one place: the side ("base" or "revision"), the file from the repository's top, the line
Place = tuple[str, str, int]

_HUNK = re.compile(rb"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@", re.MULTILINE)


def touched(top: Path, ref: str, places: Iterable[Place]) -> frozenset[Place]:
    """Those of `places` whose element the working tree changed since `ref`: a changed line
    (`git diff --unified=0 REF -- FILE`, the base's lines for the base side) lies in the block
    the place's line heads (the line and the more indented ones after it, as YAML and
    pretty-printed JSON write an element's content). Read-only; a file git cannot diff has no
    touched place: this only orders annotations, it never fails a run."""
    by_file: dict[str, list[Place]] = {}
    for place in places:
        by_file.setdefault(place[1], []).append(place)
    if ref.startswith("-"):
        return frozenset()
    found: set[Place] = set()
    for file, wanted in by_file.items():
        found.update(_touched_in(top, ref, file, wanted))
    return frozenset(found)


def _touched_in(top: Path, ref: str, file: str, places: list[Place]) -> list[Place]:
    status, out, _ = run_git(top, "diff", "--unified=0", "--no-color", "--no-ext-diff", "--no-textconv",
                             ref, "--", file)  # fmt: skip
    if status != 0 or not out:
        return []
    changed = _changed_lines(out)
    texts: dict[str, list[str] | None] = {}
    found = []
    for place in places:
        side, _, line = place
        if side not in texts:
            texts[side] = _text(top, ref, file, side)
        lines = texts[side]
        if lines is not None and _meets(lines, line, changed[side]):
            found.append(place)
    return found


def _changed_lines(diff: bytes) -> dict[str, list[int]]:
    """The changed lines of each side of a `--unified=0` diff, sorted."""
    changed: dict[str, list[int]] = {"base": [], "revision": []}
    for match in _HUNK.finditer(diff):
        for side, start, count in (("base", match[1], match[2]), ("revision", match[3], match[4])):
            first, size = int(start), 1 if count is None else int(count)
            changed[side].extend(range(first, first + size))
    return {side: sorted(lines) for side, lines in changed.items()}


def _text(top: Path, ref: str, file: str, side: str) -> list[str] | None:
    if side == "revision":
        try:
            data = (top / file).read_bytes()
        except OSError:
            return None
    else:
        status, data, _ = run_git(top, "show", f"{ref}:{file}")
        if status != 0:
            return None
    return data.decode("utf-8", "replace").split("\n")


def _meets(lines: list[str], line: int, changed: list[int]) -> bool:
    """Whether the first changed line at or after `line` is inside the block `line` heads."""
    at = bisect.bisect_left(changed, line)
    if at == len(changed) or not 1 <= line <= len(lines):
        return False
    target = changed[at]
    head = lines[line - 1]
    indent = _indent(head)
    # YAML may write a key's list at the key's own indentation (`enum:` then `- a`)
    listed = head.rstrip().endswith(":")
    for number in range(line + 1, target + 1):
        text = lines[number - 1] if number <= len(lines) else ""
        if not text.strip():
            continue
        inner = _indent(text)
        if inner < indent or (inner == indent and not (listed and text.lstrip().startswith("- "))):
            return False
    return True


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))
