"""The Markdown report: a pull-request comment or job summary (GitHub Flavored Markdown).

A headline verdict, a table of counts, the breaking changes and warnings by operation, the safe
changes folded away, then what the configuration ignored and the notes. What is shown is capped
so the whole stays under GitHub's 65,536-character comment limit, saying how much was left out.
Document text only reaches the output through `escape.markdown` (cut short first), so it cannot
end a table row, open HTML, format, link or mention anyone."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TextIO

from oasguard.changes import Change, Level, Report
from oasguard.report import Needs, RenderOptions
from oasguard.report.common import place, side
from oasguard.report.escape import markdown, url, url_path

#: GitHub refuses a comment longer than this (characters); the tests hold the report under it
GITHUB_LIMIT = 65_536
#: what the report aims to stay under: 5.5k below GITHUB_LIMIT, room for a caller's own wrapping
#: (the action's marker comment and heading) and for the few lines that are not budgeted below
BUDGET = 60_000
#: at most this many rows per section, however short they are: past it, a table is not read;
#: more breaking changes than warnings, and more warnings than safe changes, are worth a row
MAX_ROWS = {Level.BREAKING: 250, Level.WARNING: 150, Level.SAFE: 100}
#: rows of the ignored changes and lines of notes shown: each is folded away or short, and a
#: long list of either says the configuration needs work, not that each entry must be read
MAX_IGNORED = 50
MAX_NOTES = 20
#: a document string longer than this is cut (a 10 kB enum value is not read in a comment)
MAX_FIELD = 300
#: what each later section is promised while an earlier one fills: a quarter of what is left,
#: at most this many characters, so that a flood of breaking changes still leaves the warnings
#: and safe changes a table of their own
LATER_SECTION_SHARE = 4
LATER_SECTION_MAX = 6_000
#: characters kept free in a section for its "… and N not shown" line (at most ~120)
MORE_LINE = 200

_ICON = {Level.BREAKING: "❌", Level.WARNING: "⚠️", Level.SAFE: "✅"}
_TITLE = {Level.BREAKING: "Breaking changes", Level.WARNING: "Warnings", Level.SAFE: "Safe changes"}
_FULL = "the full list: `oasguard diff --format json`"


def render_markdown(report: Report, out: TextIO, options: RenderOptions | None = None) -> None:
    out.write(markdown_report(report, options or RenderOptions()))


def markdown_report(report: Report, options: RenderOptions) -> str:
    head = _headline(report, options) + _consumers(report) + _counts(report)
    tail = _ignored(report) + _notes(report)
    remaining = BUDGET - len(head) - len(tail)
    levels = [level for level in Level if report.summary[level.value]]
    several = len({c.document for c in report.changes}) > 1
    sections = []
    for position, level in enumerate(levels):
        later = levels[position + 1 :]
        reserve = sum(min(LATER_SECTION_MAX, remaining // LATER_SECTION_SHARE) for _ in later)
        changes = [c for c in report.changes if c.level is level]
        if report.attributed and level is not Level.SAFE:  # whom each change breaks: a column,
            # and the changes no known consumer uses folded apart
            used = [c for c in changes if c.consumers]
            unused = [c for c in changes if not c.consumers]
            section = _section(level, used, options, several, remaining - reserve, True) if used else ""
            if unused:
                rest = remaining - reserve - len(section)
                section += _section(level, unused, options, several, rest, True, unused=True)
        else:
            section = _section(level, changes, options, several, remaining - reserve)
        remaining -= len(section)
        sections.append(section)
    return head + "".join(sections) + tail


def _headline(report: Report, options: RenderOptions) -> str:
    summary = report.summary
    breaking, warning, safe = (summary[level.value] for level in Level)
    if breaking and options.approved:
        title = "✅ oasguard: breaking changes approved"
        text = f"{_count(breaking, 'breaking change')} approved by {markdown(_cut(options.approved))}."
    elif breaking:
        title = "❌ oasguard: breaking"
        text = f"This change breaks clients: {_count(breaking, 'breaking change')}."
    elif warning:
        title = "⚠️ oasguard: needs review"
        text = f"No breaking changes; {_count(warning, 'warning')} for a reviewer to look at."
    elif safe:
        title = "✅ oasguard: safe"
        text = f"No breaking changes and no warnings: {_count(safe, 'safe change')}."
    else:
        title = "✅ oasguard: safe"
        text = "No changes to the API contract."
    compared = ""
    if report.base and report.revision:
        compared = f"\n\nCompared {markdown(_cut(report.base))} with {markdown(_cut(report.revision))}."
    return f"## {title}\n\n{text}{compared}\n\n"


def _consumers(report: Report) -> str:
    """With consumer evidence (`--consumers`): who the breaking changes break, and per consumer
    how many changes hit it (SPEC 5.3)."""
    if not report.known_consumers:
        return ""
    known = report.known_consumers
    broken = sorted({n for c in report.changes if c.level is Level.BREAKING for n in c.consumers})
    names = ", ".join(markdown(_cut(n)) for n in broken[: MAX_ROWS[Level.SAFE]])
    if broken:
        line = f"Breaks {len(broken)} of {_count(len(known), 'known consumer')}: {names}."
    else:
        line = f"Breaks none of the {_count(len(known), 'known consumer')}."
    counts = report.per_consumer()
    rows = [
        f"| {markdown(_cut(name))} | {counts[name]['breaking']} | {counts[name]['warning']} |\n"
        for name in known[: MAX_ROWS[Level.SAFE]]
    ]
    table = "| consumer | breaking | warnings |\n|---|---:|---:|\n" + "".join(rows)
    unmatched = f"\n{_count(len(report.unmatched), 'interaction')} matched no operation (see the notes).\n"
    return f"{line}\n\n{table}" + (unmatched if report.unmatched else "") + "\n"


def _counts(report: Report) -> str:
    rows = [f"| {_ICON[level]} {level.value} | {report.summary[level.value]} |" for level in Level]
    if report.ignored:
        rows.append(f"| ignored | {len(report.ignored)} |")
    return "| level | changes |\n|---|---:|\n" + "\n".join(rows) + "\n\n"


def _section(
    level: Level,
    changes: list[Change],
    options: RenderOptions,
    several: bool,
    budget: int,
    consumers: bool = False,
    unused: bool = False,
) -> str:
    """One level's table; with `consumers`, a column of who each change breaks; `unused`: the
    changes of that level that break no known consumer, folded apart."""
    approved = " (approved)" if level is Level.BREAKING and options.approved else ""
    whose = (" no known consumer uses" if unused else " that known consumers use") if consumers else ""
    title = f"{_ICON[level]} {_TITLE[level]}{approved}{whose} ({len(changes)})"
    if level is Level.SAFE or unused:
        start, end = f"<details>\n<summary>{title}</summary>\n\n", "\n</details>\n\n"
    else:
        start, end = f"### {title}\n\n", "\n"
    column, rule = (" consumers |", "---|") if consumers else ("", "")
    header = ("| document " if several else "") + f"| operation | change |{column} rule | where |\n"
    header += ("|---" if several else "") + f"|---|---|{rule}---|---|\n"
    rows = (_row(change, options, several, consumers) for change in changes)
    table, shown = _fill(header, rows, budget - len(start) - len(end) - MORE_LINE, MAX_ROWS[level])
    left_out = len(changes) - shown
    more = ""
    if left_out:
        more = f"\n*… and {_count(left_out, level.value + ' change')} not shown here ({_FULL}).*\n"
    return start + table + more + end


def _fill(header: str, rows: Iterable[str], budget: int, max_rows: int) -> tuple[str, int]:
    """The table with as many rows as fit in `budget` characters and `max_rows` rows."""
    parts = [header]
    used = len(header)
    shown = 0
    for row in rows:
        if shown >= max_rows or used + len(row) > budget:
            break
        parts.append(row)
        used += len(row)
        shown += 1
    return ("".join(parts) if shown else ""), shown


def _row(change: Change, options: RenderOptions, several: bool, consumers: bool = False) -> str:
    document = f"| {markdown(_cut(change.document or ''))} " if several else ""
    text = markdown(_cut(change.message))
    if consumers:  # a column of its own
        text += " | " + (", ".join(markdown(_cut(name)) for name in change.consumers) or "—")
    elif change.consumers:
        text += " (affects " + ", ".join(markdown(_cut(name)) for name in change.consumers) + ")"
    return (
        f"{document}| {markdown(_cut(change.operation or 'document'))} | {text} "
        f"| {markdown(change.id)} | {_where(change, options)} |\n"
    )


def _where(change: Change, options: RenderOptions) -> str:
    """The location below the operation, then `file:line` (a link at the revision when the
    caller gave one; something removed is in the base, and says so)."""
    location = change.subject.place if change.operation else change.location
    parts = [markdown(_cut(location))] if location else []
    file, line = place(change)
    if file:
        shown = markdown(_cut(file if line is None else f"{file}:{line}"))
        if side(change) == "base":
            parts.append(f"{shown} (base)")
        elif options.link:
            anchor = "" if line is None else f"#L{int(line)}"
            parts.append(f"[{shown}]({url(options.link.rstrip('/'))}/{url_path(file)}{anchor})")
        else:
            parts.append(shown)
    return " · ".join(parts)


def _ignored(report: Report) -> str:
    if not report.ignored:
        return ""
    rows = "".join(
        f"| {markdown(_cut(e.change.operation or 'document'))} | {markdown(_cut(e.change.message))} "
        f"| {markdown(e.change.id)} | {markdown(_cut(e.reason))} |\n"
        for e in report.ignored[:MAX_IGNORED]
    )
    count = len(report.ignored)
    more = ""
    if count > MAX_IGNORED:
        more = f"\n*… and {count - MAX_IGNORED} more not shown here ({_FULL}).*\n"
    return (
        f"<details>\n<summary>Ignored by the configuration ({count})</summary>\n\n"
        f"| operation | change | rule | reason |\n|---|---|---|---|\n{rows}{more}\n</details>\n\n"
    )


def _notes(report: Report) -> str:
    if not report.notes:
        return ""
    lines = "".join(f"- {markdown(_cut(note))}\n" for note in report.notes[:MAX_NOTES])
    if len(report.notes) > MAX_NOTES:
        lines += f"- … and {len(report.notes) - MAX_NOTES} more notes\n"
    return f"### Notes\n\n{lines}\n"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _cut(text: str) -> str:
    return text if len(text) <= MAX_FIELD else text[: MAX_FIELD - 1] + "…"


class MarkdownReporter:
    """The Markdown report: a pull-request comment or job summary."""

    needs = Needs(sources=True)

    def render_diff(self, report: Report, out: TextIO, options: RenderOptions) -> None:
        render_markdown(report, out, options)
