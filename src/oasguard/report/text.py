"""The text report: changes grouped by operation, most severe first, one summary line.

Every string that comes from a document goes through `escape.terminal` and into a rich `Text`
(never into console markup), so no control sequence, markup or emoji code of it is interpreted."""

from __future__ import annotations

from itertools import groupby
from typing import TextIO

from rich.console import Console
from rich.text import Text

from oasguard.changes import Change, Level, Report
from oasguard.report import Needs, RenderOptions
from oasguard.report.escape import terminal

_STYLE = {Level.BREAKING: "bold red", Level.WARNING: "yellow", Level.SAFE: "green"}
_MARK = {Level.BREAKING: "✗", Level.WARNING: "!", Level.SAFE: "✓"}
_INDENT = " " * 13


def render_text(report: Report, out: TextIO) -> None:
    console = Console(file=out, highlight=False, soft_wrap=True, emoji=False, markup=False)
    documents = {change.document for change in report.changes}
    several = len(documents) > 1
    by_document = sorted(report.changes, key=lambda c: c.document or "") if several else report.changes
    for document, changes in groupby(by_document, key=lambda c: c.document or ""):
        if several:
            console.print(Text(f"== {terminal(document or 'document')}", style="bold underline"))
            console.print()
        _operations(console, list(changes))
    _ignored(console, report)
    for note in report.notes:
        console.print(Text(f"note: {terminal(note)}", style="yellow"))
    for approval in report.approved.values():  # `versioning: major-bump-approves`
        console.print(Text(f"approved: the breaking changes, by {terminal(approval)}", style="green"))
    if report.attributed:
        _per_consumer(console, report)
    summary = report.summary
    total = len(report.changes)
    if not total:
        console.print("No changes to the API contract.")
        return
    line = Text(f"{total} change{'s' if total != 1 else ''}: ")
    for index, level in enumerate(Level):
        if index:
            line.append(", ")
        line.append(
            f"{summary[level.value]} {level.value}", style=_STYLE[level] if summary[level.value] else ""
        )
    console.print(line)


def _operations(console: Console, changes: list[Change]) -> None:
    groups: list[tuple[str, list[Change]]] = [
        (operation, list(group)) for operation, group in groupby(changes, key=lambda c: c.operation or "")
    ]
    groups.sort(key=lambda g: (-max(c.level.rank for c in g[1]), g[0]))
    for operation, group in groups:
        console.print(Text(terminal(operation or "document"), style="bold"))
        for change in sorted(group, key=lambda c: (-c.level.rank, c.location, c.id)):
            style = _STYLE[change.level]
            line = Text("  ")
            line.append(f"{_MARK[change.level]} {change.level.value:<8}", style=style)
            line.append(f" {terminal(change.message)}")
            line.append(f"  [{terminal(change.id)}]", style="dim")
            console.print(line)
            where = _where(change)
            if where:
                console.print(Text(f"{_INDENT}at {where}", style="dim"))
            if change.consumers:
                consumers = ", ".join(terminal(name) for name in change.consumers)
                console.print(Text(f"{_INDENT}breaks: {consumers}", style="dim"))
        console.print()


def _where(change: Change) -> str:
    """The location below the operation, and the file and line when known."""
    where = terminal(change.subject.place if change.operation else change.location)
    source = change.source
    if source is not None:
        place = source.file if source.line is None else f"{source.file}:{source.line}"
        side = " (base)" if source.side == "base" else ""
        where = f"{where} ({terminal(place)}{side})" if where else f"{terminal(place)}{side}"
    return where


def _per_consumer(console: Console, report: Report) -> None:
    """Whom the changes break: per known consumer, its changes by level."""
    counts = report.per_consumer()
    if not counts:
        return
    console.print(Text("Consumers:", style="bold"))
    for name, levels in counts.items():
        hit = [f"{levels[level.value]} {level.value}" for level in Level if levels[level.value]]
        console.print(f"  {terminal(name)}: {', '.join(hit) if hit else 'not affected'}")
    console.print()


def _ignored(console: Console, report: Report) -> None:
    if not report.ignored:
        return
    count = len(report.ignored)
    console.print(Text(f"Ignored by the configuration ({count}):", style="bold"))
    for entry in report.ignored:
        change = entry.change
        operation = terminal(change.operation or "document")
        console.print(
            Text(
                f"  - {operation}: {terminal(change.message)}  [{terminal(change.id)}]"
                f"  ({terminal(entry.reason)})",
                style="dim",
            )
        )
    console.print()


class TextReporter:
    """The text report, for a terminal or a CI log."""

    needs = Needs()

    def render_diff(self, report: Report, out: TextIO, options: RenderOptions) -> None:
        render_text(report, out)
