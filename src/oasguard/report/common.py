"""What several reporters read off a change the same way: where it is, on which side."""

from __future__ import annotations

from collections.abc import Iterable

from oasguard.changes import Change, Level, Report, Shape
from oasguard.static import TYPE_CHECKING

if TYPE_CHECKING:
    from oasguard.report.groups import Fact


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


def count(number: int, noun: str) -> str:
    """`1 change`, `2 changes`."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def spread(report: Report, listed: list[Fact], level: Level) -> tuple[int, int]:
    """(facts, changes) of a level: how many things changed, and in how many places."""
    return sum(1 for fact in listed if fact.level is level), report.summary[level.value]


def counted(spread: tuple[int, int], noun: str) -> str:
    """`57 breaking changes, in 164 places`; `3 breaking changes` when each is in one place."""
    facts, places = spread
    return count(facts, noun) + (f", in {places} places" if places != facts else "")


def verdict(report: Report, listed: list[Fact]) -> tuple[Level | None, str, str]:
    """The headline of a report that counts facts and places: (its worst level, None when
    nothing changed; its title; its sentence), as in `This change breaks clients: 57 breaking
    changes, in 164 places.`"""
    breaking, warning, safe = (spread(report, listed, level) for level in Level)
    if breaking[0]:
        text = f"This change breaks clients: {counted(breaking, 'breaking change')}."
        return Level.BREAKING, "oasguard: breaking", text
    if warning[0]:
        text = f"No breaking changes; {counted(warning, 'warning')} for a reviewer to look at."
        return Level.WARNING, "oasguard: needs review", text
    if safe[0]:
        text = f"No breaking changes and no warnings: {counted(safe, 'safe change')}."
        return Level.SAFE, "oasguard: safe", text
    return None, "oasguard: safe", "No changes to the API contract."


def shapes_by_operation(shapes: Iterable[Shape]) -> dict[tuple[str, str], list[Shape]]:
    """The shape diffs by (document, operation) ("" for a run's only document), in their order."""
    found: dict[tuple[str, str], list[Shape]] = {}
    for shape in shapes:
        found.setdefault((shape.document or "", shape.operation), []).append(shape)
    return found
