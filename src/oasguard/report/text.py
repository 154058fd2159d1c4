"""The text report: changes grouped by operation, most severe first, one summary line. A change
that is one fact in several operations (a shared component's) is told once, before the
operations, with the operations it is in listed under it.

Every string that comes from a document goes through `escape.terminal` and into a line (`Text`,
rich's `Text` when styled; never into console markup), so no control sequence, markup or emoji
code of it is interpreted.

Lines are written by rich's `Console` only where rich would style them (a terminal, or
`FORCE_COLOR`): anywhere else rich writes each line's text as it is, and so does `_Plain`,
without rich (imported in 25 ms, and 0.1 ms a line: the GitHub pair's report took 0.19 s)."""

from __future__ import annotations

import os
import sys
from itertools import groupby

from oasguard.changes import Change, Level, Report, Shape
from oasguard.report import Needs, RenderOptions
from oasguard.report.common import shapes_by_operation
from oasguard.report.escape import terminal
from oasguard.report.groups import Fact, entries
from oasguard.static import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from typing import Any, TextIO

_STYLE = {Level.BREAKING: "bold red", Level.WARNING: "yellow", Level.SAFE: "green"}
_MARK = {Level.BREAKING: "✗", Level.WARNING: "!", Level.SAFE: "✓"}
_INDENT = " " * 13
#: the operations a fact in several operations names before it counts the rest
_NAMED_OPERATIONS = 5


class Text:
    """One line as rich's `Text` is made (a text and its style, then parts appended with theirs),
    written without rich (`_Plain`) or given to rich's console as its own `Text` (`__rich__`)."""

    __slots__ = ("parts", "style")

    def __init__(self, text: str = "", style: str = "") -> None:
        self.parts: list[tuple[str, str | None]] = [(text, None)]
        self.style = style

    def append(self, text: str, style: str | None = None) -> Text:
        self.parts.append((text, style))
        return self

    def __str__(self) -> str:
        return "".join([part for part, _ in self.parts])

    def __rich__(self) -> Any:
        from rich.text import Text as Rich

        first, *rest = self.parts
        line = Rich(first[0], style=self.style)
        for part, style in rest:
            line.append(part, style=style)
        return line


class _Plain:
    """What rich's console writes to a file that is not a terminal: each line's text and a
    newline (the text has no control character for rich to strip: `escape.terminal`)."""

    def __init__(self, out: TextIO) -> None:
        self.write = out.write

    def print(self, line: Text | str = "") -> None:
        self.write(f"{line}\n")


def _styled(out: TextIO) -> bool:
    """Whether rich's console would style what it writes to `out` (`Console.is_terminal`, read
    without importing rich); on Windows rich always decides."""
    if sys.platform == "win32":
        return True
    compatible = os.environ.get("TTY_COMPATIBLE", "")
    if compatible in ("0", "1"):
        return compatible == "1"
    forced = os.environ.get("FORCE_COLOR")
    if forced is not None:
        return forced != ""
    isatty = getattr(out, "isatty", None)
    try:
        return isatty is not None and bool(isatty())
    except ValueError:  # a closed file
        return False


class _Printer(Protocol):
    """Where lines go: rich's `Console`, or `_Plain`."""

    def print(self, line: Any = ...) -> None: ...


def _console(out: TextIO) -> _Printer:
    if not _styled(out):
        return _Plain(out)
    from rich.console import Console

    return Console(file=out, highlight=False, soft_wrap=True, emoji=False, markup=False)


def render_text(report: Report, out: TextIO, shapes: bool = False) -> None:
    """The report; with `shapes` (`--shapes`), each operation's shape diffs after its changes."""
    console = _console(out)
    documents = {change.document for change in report.changes}
    several = len(documents) > 1
    by_document = sorted(report.changes, key=lambda c: c.document or "") if several else report.changes
    pending = shapes_by_operation(report.shapes if shapes else ())
    for document, changes in groupby(by_document, key=lambda c: c.document or ""):
        if several:
            console.print(Text(f"== {terminal(document or 'document')}", style="bold underline"))
            console.print()
        _operations(console, list(changes), pending)
    _left_shapes(console, pending)
    _ignored(console, report)
    for note in report.notes:
        console.print(Text(f"note: {terminal(note)}", style="yellow"))
    for approval in report.approved.values():  # `versioning: major-bump-approves`
        console.print(Text(f"approved: the breaking changes, by {terminal(approval)}", style="green"))
    if report.attributed:
        _per_consumer(console, report)
    _summary(console, report)


def _summary(console: _Printer, report: Report) -> None:
    """`19 changes: 10 breaking, 3 warning, 6 safe`, counting facts, with the places they are
    in when a fact is in several (`603 changes, in 1752 places: 57 breaking, …`)."""
    total = len(report.changes)
    if not total:
        console.print("No changes to the API contract.")
        return
    listed = entries(report.changes)
    counts = {level: sum(1 for fact in listed if fact.level is level) for level in Level}
    places = f", in {total} places" if len(listed) != total else ""
    line = Text(f"{len(listed)} change{'s' if len(listed) != 1 else ''}{places}: ")
    for index, level in enumerate(Level):
        if index:
            line.append(", ")
        line.append(f"{counts[level]} {level.value}", style=_STYLE[level] if counts[level] else "")
    console.print(line)


def _operations(console: _Printer, changes: list[Change], shapes: dict[tuple[str, str], list[Shape]]) -> None:
    """A block per operation, and one per fact in several operations before the operations of
    its level (the root cause first); blocks by their most severe change."""
    single: list[Change] = []
    shared: list[Fact] = []
    for fact in entries(changes):
        if len(fact.changes) == 1:
            single.append(fact.first)
        else:
            shared.append(fact)
    blocks: list[tuple[tuple[int, int, str], Fact | list[Change]]] = [
        ((-fact.level.rank, 0, ""), fact) for fact in shared
    ]
    for operation, group in groupby(single, key=lambda c: c.operation or ""):
        members = list(group)
        blocks.append(((-max(c.level.rank for c in members), 1, operation), members))
    blocks.sort(key=lambda block: block[0])  # stable: the shared facts keep the report's order
    for _, block in blocks:
        if isinstance(block, Fact):
            _fact(console, block)
        else:
            _operation(console, block, shapes)


def _operation(console: _Printer, group: list[Change], shapes: dict[tuple[str, str], list[Shape]]) -> None:
    console.print(Text(terminal(group[0].operation or "document"), style="bold"))
    for change in sorted(group, key=lambda c: (-c.level.rank, c.location, c.id)):
        _line(console, change, change.message)
        where = _where(change)
        if where:
            console.print(Text(f"{_INDENT}at {where}", style="dim"))
        _consumers(console, change.consumers)
    first = group[0]
    for shape in shapes.pop((first.document or "", first.operation or ""), []):
        _shape(console, shape)
    console.print()


#: how each mark of a shape's line shows on a terminal
_SHAPE_STYLE = {"-": "red", "+": "green"}


def _shape(console: _Printer, shape: Shape) -> None:
    """A shape diff under its operation: its title, then a line each, `-` red and `+` green."""
    console.print(Text(f"{_INDENT}shape of {terminal(shape.title)}:", style="dim"))
    for line in shape.lines:
        text = Text(
            f"{_INDENT}{line.mark} {'  ' * line.depth}{terminal(line.text)}",
            style=_SHAPE_STYLE.get(line.mark, ""),
        )
        if line.note:
            text.append(f"  ← {terminal(line.note)}", style="dim")
        console.print(text)


def _left_shapes(console: _Printer, shapes: dict[tuple[str, str], list[Shape]]) -> None:
    """The shapes of operations whose changes are all told as facts shared with others."""
    for (document, operation), found in shapes.items():
        where = f"{terminal(document)}: " if document else ""
        console.print(Text(f"{where}{terminal(operation)} (shapes)", style="bold"))
        for shape in found:
            _shape(console, shape)
        console.print()


def _fact(console: _Printer, fact: Fact) -> None:
    """A fact in several operations: its message once, where the shared element is, then the
    operations (the first few, and how many more)."""
    operations = fact.operations
    console.print(Text(f"Shared by {len(operations)} operations", style="bold"))
    _line(console, fact.first, f"{fact.message} — in {len(operations)} operations")
    where = _where(fact.first, location=False)
    if where:
        console.print(Text(f"{_INDENT}at {where}", style="dim"))
    for index, operation in enumerate(operations[:_NAMED_OPERATIONS]):
        lead = "in " if index == 0 else "   "
        console.print(Text(f"{_INDENT}{lead}{terminal(operation)}", style="dim"))
    if len(operations) > _NAMED_OPERATIONS:
        console.print(Text(f"{_INDENT}   … and {len(operations) - _NAMED_OPERATIONS} more", style="dim"))
    _consumers(console, fact.consumers)
    console.print()


def _line(console: _Printer, change: Change, message: str) -> None:
    style = _STYLE[change.level]
    line = Text("  ")
    line.append(f"{_MARK[change.level]} {change.level.value:<8}", style=style)
    line.append(f" {terminal(message)}")
    line.append(f"  [{terminal(change.id)}]", style="dim")
    console.print(line)


def _consumers(console: _Printer, consumers: tuple[str, ...]) -> None:
    if consumers:
        names = ", ".join(terminal(name) for name in consumers)
        console.print(Text(f"{_INDENT}breaks: {names}", style="dim"))


def _where(change: Change, location: bool = True) -> str:
    """The location below the operation (unless not `location`: a fact's path to the shared
    element differs per operation), and the file and line when known."""
    where = terminal(change.subject.place if change.operation else change.location) if location else ""
    source = change.source
    if source is not None:
        place = source.file if source.line is None else f"{source.file}:{source.line}"
        side = " (base)" if source.side == "base" else ""
        where = f"{where} ({terminal(place)}{side})" if where else f"{terminal(place)}{side}"
    return where


def _per_consumer(console: _Printer, report: Report) -> None:
    """Whom the changes break: per known consumer, its changes by level."""
    counts = report.per_consumer()
    if not counts:
        return
    console.print(Text("Consumers:", style="bold"))
    for name, levels in counts.items():
        hit = [f"{levels[level.value]} {level.value}" for level in Level if levels[level.value]]
        console.print(f"  {terminal(name)}: {', '.join(hit) if hit else 'not affected'}")
    console.print()


def _ignored(console: _Printer, report: Report) -> None:
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
        render_text(report, out, options.shapes)
