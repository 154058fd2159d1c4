"""The text report: changes grouped by operation, most severe first, one summary line."""

from __future__ import annotations

from itertools import groupby
from typing import TextIO

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from oasguard.changes import Change, Level, Report

_STYLE = {Level.BREAKING: "bold red", Level.WARNING: "yellow", Level.SAFE: "green"}
_MARK = {Level.BREAKING: "✗", Level.WARNING: "!", Level.SAFE: "✓"}


def render_text(report: Report, out: TextIO) -> None:
    console = Console(file=out, highlight=False, soft_wrap=True)
    groups: list[tuple[str, list[Change]]] = [
        (operation, list(changes))
        for operation, changes in groupby(report.changes, key=lambda c: c.operation or "")
    ]
    groups.sort(key=lambda g: (-max(c.level.rank for c in g[1]), g[0]))
    for operation, changes in groups:
        console.print(Text(operation or "document", style="bold"))
        for change in sorted(changes, key=lambda c: (-c.level.rank, c.location, c.id)):
            style = _STYLE[change.level]
            line = Text("  ")
            line.append(f"{_MARK[change.level]} {change.level.value:<8}", style=style)
            line.append(f" {change.message}")
            line.append(f"  [{change.id}]", style="dim")
            console.print(line)
            where = change.location
            if operation and where.startswith(operation):
                where = where[len(operation) :].lstrip(" ›")
            if where:
                console.print(f"             [dim]at {escape(where)}[/dim]")
        console.print()
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
