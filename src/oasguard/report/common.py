"""What several reporters read off a change the same way: where it is, on which side."""

from __future__ import annotations

from oasguard.changes import Change


def side(change: Change) -> str:
    """Which document the change's place is in: "base" (something removed) or "revision"."""
    if change.source is not None:
        return change.source.side
    return "base" if change.in_base else "revision"


def place(change: Change) -> tuple[str, int | None]:
    """The file (a path from the repository root; "" when unknown) and the 1-based line
    (None until source lines are computed) of the change's element."""
    if change.source is not None:
        return change.source.file, change.source.line
    return change.file, None


def place_text(change: Change) -> str:
    """`file:line`, or `file` alone while the line is unknown."""
    file, line = place(change)
    return file if line is None else f"{file}:{line}"
