"""The Markdown report: a pull-request comment or job summary (GitHub Flavored Markdown).

A headline verdict, a table of counts, the breaking changes and warnings by operation, the safe
changes folded away, then what the configuration ignored and the notes. What is shown is capped
so the whole stays under GitHub's 65,536-character comment limit, saying how much was left out.
Document text only reaches the output through `escape.markdown` (cut short first), so it cannot
end a table row, open HTML, format, link or mention anyone."""

from __future__ import annotations

from collections.abc import Iterable

from oasguard.changes import Change, Level, Report, Shape
from oasguard.report import Needs, RenderOptions
from oasguard.report.common import count, counted, place, shapes_by_operation, side, spread, verdict
from oasguard.report.escape import markdown, url, url_path, visible
from oasguard.report.groups import Fact, entries
from oasguard.static import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import TextIO

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
#: the operations a fact in several operations names, tried in turn until every fact of the
#: section fits: operation lists are cut before facts are (None: all of them)
OPERATIONS_SHOWN = (None, 25, 10, 5, 2, 0)

_ICON = {Level.BREAKING: "❌", Level.WARNING: "⚠️", Level.SAFE: "✅"}
_TITLE = {Level.BREAKING: "Breaking changes", Level.WARNING: "Warnings", Level.SAFE: "Safe changes"}
_FULL = "the full list: `oasguard diff --format json`"


def render_markdown(report: Report, out: TextIO, options: RenderOptions | None = None) -> None:
    out.write(markdown_report(report, options or RenderOptions()))


def markdown_report(report: Report, options: RenderOptions) -> str:
    listed = entries(report.changes)
    head = _headline(report, listed, options) + _consumers(report) + _counts(report, listed)
    tail = _ignored(report) + _notes(report)
    remaining = BUDGET - len(head) - len(tail)
    levels = [level for level in Level if report.summary[level.value]]
    several = len({c.document for c in report.changes}) > 1
    sections = []
    # a warning's row before a breaking fact's full list of operations
    compact = {
        level: _compact([f for f in listed if f.level is level], options, several, report.attributed)
        for level in levels
        if level is not Level.SAFE
    }
    for position, level in enumerate(levels):
        later = levels[position + 1 :]
        share = min(LATER_SECTION_MAX, remaining // LATER_SECTION_SHARE) * len(later)
        reserve = sum(max(share // len(later), compact.get(other, 0)) for other in later)
        # a later section's facts before this one's lists of operations, but never fewer of this
        # one's facts for a later one's sake (beyond the share each later section always has)
        budget = max(remaining - reserve, min(compact.get(level, 0), remaining - share))
        changes = [fact for fact in listed if fact.level is level]
        if report.attributed and level is not Level.SAFE:  # whom each change breaks: a column,
            # and the changes no known consumer uses folded apart
            used = [fact for fact in changes if fact.consumers]
            unused = [fact for fact in changes if not fact.consumers]
            section = _section(level, used, options, several, budget, True) if used else ""
            if unused:
                rest = budget - len(section)
                section += _section(level, unused, options, several, rest, True, unused=True)
        else:
            section = _section(level, changes, options, several, budget)
        remaining -= len(section)
        sections.append(section)
    # the shape diffs get what the changes left: they are cut first (a fact never is for them)
    shaped = _shaped_by_level(report)
    for index, level in enumerate(levels):
        if shaped.get(level):
            shapes = _shapes(shaped[level], remaining)
            remaining -= len(shapes)
            sections[index] += shapes
    return head + "".join(sections) + tail


def _shaped_by_level(report: Report) -> dict[Level, dict[tuple[str, str], list[Shape]]]:
    """The shape diffs of each operation, under the level of its most severe change."""
    worst: dict[tuple[str, str], Level] = {}
    for change in report.changes:
        key = (change.document or "", change.operation or "")
        if key not in worst or change.level.rank > worst[key].rank:
            worst[key] = change.level
    found: dict[Level, dict[tuple[str, str], list[Shape]]] = {}
    for key, shapes in shapes_by_operation(report.shapes).items():
        if key in worst:
            found.setdefault(worst[key], {})[key] = shapes
    return found


def _shapes(by_operation: dict[tuple[str, str], list[Shape]], budget: int) -> str:
    """After a section's table: a folded `<details>` per operation of `by_operation` (those whose
    most severe change is the section's level), holding its shape diffs as ```diff blocks; as
    many operations as fit in `budget`, then how many more there are."""
    parts: list[str] = []
    used = MORE_LINE
    for (document, operation), shapes in by_operation.items():
        named = f"{document}: {operation}" if document else operation
        block = f"<details>\n<summary>Shapes: {markdown(_cut(named))}</summary>\n\n"
        block += "".join(_diff_block(shape) for shape in shapes) + "</details>\n\n"
        if used + len(block) > budget:
            break
        parts.append(block)
        used += len(block)
    left = len(by_operation) - len(parts)
    if left:
        parts.append(
            f"*Shapes of {count(left, 'more operation')} not shown here (`oasguard diff --shapes`).*\n\n"
        )
    return "".join(parts)


def _diff_block(shape: Shape) -> str:
    """One shape as a ```diff block: `-`/`+` marks in the first column, its title above. The
    fence is longer than any run of backticks in the lines, so no name can close it; each line
    is made one line (`escape.visible`), so no name can add one."""
    lines = []
    for line in shape.lines:
        note = f"  ← {visible(line.note)}" if line.note else ""
        lines.append(f"{line.mark}{'  ' * line.depth}{visible(line.text)}{note}")
    body = "\n".join(lines)
    fence = "`" * max(3, _longest_backticks(body) + 1)
    return f"{markdown(_cut(shape.title))}\n\n{fence}diff\n{body}\n{fence}\n\n"


def _longest_backticks(text: str) -> int:
    longest = run = 0
    for char in text:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    return longest


def _compact(facts: list[Fact], options: RenderOptions, several: bool, consumers: bool) -> int:
    """The characters of a section's rows with no operation listed (as many as it shows)."""
    rows = facts[: MAX_ROWS[facts[0].level]] if facts else []
    return sum(len(_row(fact, options, several, consumers, 0)) for fact in rows) + 2 * MORE_LINE


def _headline(report: Report, listed: list[Fact], options: RenderOptions) -> str:
    """The verdict (`common.verdict`), its title marked by its level, or approved by whom."""
    level, title, text = verdict(report, listed)
    icon = _ICON[level or Level.SAFE]
    if level is Level.BREAKING and options.approved:
        breaking = spread(report, listed, Level.BREAKING)
        title = "oasguard: breaking changes approved"
        approved = counted(breaking, "breaking change") + ("," if breaking[0] != breaking[1] else "")
        text = f"{approved} approved by {markdown(_cut(options.approved))}."
        icon = _ICON[Level.SAFE]
    compared = ""
    if report.base and report.revision:
        compared = f"\n\nCompared {markdown(_cut(report.base))} with {markdown(_cut(report.revision))}."
    return f"## {icon} {title}\n\n{text}{compared}\n\n"


def _consumers(report: Report) -> str:
    """With consumer evidence (`--consumers`): who the breaking changes break, and per consumer
    how many changes hit it (SPEC 5.3)."""
    if not report.known_consumers:
        return ""
    known = report.known_consumers
    broken = sorted({n for c in report.changes if c.level is Level.BREAKING for n in c.consumers})
    names = ", ".join(markdown(_cut(n)) for n in broken[: MAX_ROWS[Level.SAFE]])
    if broken:
        line = f"Breaks {len(broken)} of {count(len(known), 'known consumer')}: {names}."
    else:
        line = f"Breaks none of the {count(len(known), 'known consumer')}."
    counts = report.per_consumer()
    rows = [
        f"| {markdown(_cut(name))} | {counts[name]['breaking']} | {counts[name]['warning']} |\n"
        for name in known[: MAX_ROWS[Level.SAFE]]
    ]
    table = "| consumer | breaking | warnings |\n|---|---:|---:|\n" + "".join(rows)
    unmatched = f"\n{count(len(report.unmatched), 'interaction')} matched no operation (see the notes).\n"
    return f"{line}\n\n{table}" + (unmatched if report.unmatched else "") + "\n"


def _counts(report: Report, listed: list[Fact]) -> str:
    """The table of counts; a `places` column only when some fact is in several operations."""
    spreads = {level: spread(report, listed, level) for level in Level}
    if all(facts == places for facts, places in spreads.values()):
        rows = [f"| {_ICON[level]} {level.value} | {spreads[level][1]} |" for level in Level]
        head, ignored = "| level | changes |\n|---|---:|\n", f"| ignored | {len(report.ignored)} |"
    else:
        rows = [f"| {_ICON[level]} {level.value} | {n} | {at} |" for level, (n, at) in spreads.items()]
        head = "| level | changes | places |\n|---|---:|---:|\n"
        ignored = f"| ignored | {len(report.ignored)} | {len(report.ignored)} |"
    if report.ignored:
        rows.append(ignored)
    return head + "\n".join(rows) + "\n\n"


def _section(
    level: Level,
    changes: list[Fact],
    options: RenderOptions,
    several: bool,
    budget: int,
    consumers: bool = False,
    unused: bool = False,
) -> str:
    """One level's table, a row per fact; with `consumers`, a column of who each change breaks;
    `unused`: the facts of that level that break no known consumer, folded apart. The lists of
    operations are cut shorter until every fact fits; only then are facts left out."""
    approved = " (approved)" if level is Level.BREAKING and options.approved else ""
    whose = (" no known consumer uses" if unused else " that known consumers use") if consumers else ""
    places = sum(len(fact.changes) for fact in changes)
    counts = f"{len(changes)}" + (f" in {places} places" if places != len(changes) else "")
    title = f"{_ICON[level]} {_TITLE[level]}{approved}{whose} ({counts})"
    if level is Level.SAFE or unused:
        start, end = f"<details>\n<summary>{title}</summary>\n\n", "\n</details>\n\n"
    else:
        start, end = f"### {title}\n\n", "\n"
    column, rule = (" consumers |", "---|") if consumers else ("", "")
    header = ("| document " if several else "") + f"| operation | change |{column} rule | where |\n"
    header += ("|---" if several else "") + f"|---|---|{rule}---|---|\n"
    room = budget - len(start) - len(end) - MORE_LINE
    for named in OPERATIONS_SHOWN:
        rows = (_row(fact, options, several, consumers, named) for fact in changes)
        table, shown = _fill(header, rows, room, MAX_ROWS[level])
        if shown == len(changes):
            break
    left_out = changes[shown:]
    more = ""
    if left_out:
        hidden = sum(len(fact.changes) for fact in left_out)
        where = f" (in {hidden} places)" if hidden != len(left_out) else ""
        counted = count(len(left_out), level.value + " change") + where
        more = f"\n*… and {counted} not shown here ({_FULL}).*\n"
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


def _row(
    fact: Fact, options: RenderOptions, several: bool, consumers: bool = False, named: int | None = None
) -> str:
    """A fact's row: a change's own when it is one change; else its operations folded in the
    operation column (the first `named` of them), `— in N operations` after its message, and
    only the shared element's `file:line` as where (the path to it differs per operation)."""
    change = fact.first
    document = f"| {markdown(_cut(change.document or ''))} " if several else ""
    single = len(fact.changes) == 1
    text = markdown(_cut(fact.message))
    if not single:
        text += f" — in {len(fact.operations)} operations"
    if consumers:  # a column of its own
        text += " | " + (", ".join(markdown(_cut(name)) for name in fact.consumers) or "—")
    elif fact.consumers:
        text += " (affects " + ", ".join(markdown(_cut(name)) for name in fact.consumers) + ")"
    operation = markdown(_cut(change.operation or "document")) if single else _operations(fact, named)
    where = _where(change, options, location=single)
    return f"{document}| {operation} | {text} | {markdown(change.id)} | {where} |\n"


def _operations(fact: Fact, named: int | None) -> str:
    """`<details>` holding a fact's operations, one a line; past `named`, how many more."""
    operations = fact.operations
    shown = operations if named is None else operations[:named]
    if not shown:
        return f"{len(operations)} operations"
    lines = [markdown(_cut(operation)) for operation in shown]
    if len(shown) < len(operations):
        lines.append(f"… and {len(operations) - len(shown)} more")
    return f"<details><summary>{len(operations)} operations</summary>{'<br>'.join(lines)}</details>"


def _where(change: Change, options: RenderOptions, location: bool = True) -> str:
    """The location below the operation (unless not `location`), then `file:line` (a link at
    the revision when the caller gave one; something removed is in the base, and says so)."""
    below = (change.subject.place if change.operation else change.location) if location else ""
    parts = [markdown(_cut(below))] if below else []
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
    ignored = len(report.ignored)
    more = ""
    if ignored > MAX_IGNORED:
        more = f"\n*… and {ignored - MAX_IGNORED} more not shown here ({_FULL}).*\n"
    return (
        f"<details>\n<summary>Ignored by the configuration ({ignored})</summary>\n\n"
        f"| operation | change | rule | reason |\n|---|---|---|---|\n{rows}{more}\n</details>\n\n"
    )


def _notes(report: Report) -> str:
    if not report.notes:
        return ""
    lines = "".join(f"- {markdown(_cut(note))}\n" for note in report.notes[:MAX_NOTES])
    if len(report.notes) > MAX_NOTES:
        lines += f"- … and {len(report.notes) - MAX_NOTES} more notes\n"
    return f"### Notes\n\n{lines}\n"


def _cut(text: str) -> str:
    return text if len(text) <= MAX_FIELD else text[: MAX_FIELD - 1] + "…"


class MarkdownReporter:
    """The Markdown report: a pull-request comment or job summary."""

    needs = Needs(sources=True, shapes=True)

    def render_diff(self, report: Report, out: TextIO, options: RenderOptions) -> None:
        render_markdown(report, out, options)
