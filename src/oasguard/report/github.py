"""GitHub workflow commands: one `::error` / `::warning` / `::notice` annotation per change, or,
for a CI step (`--annotations-limit`), one per fact, the most useful first, within GitHub's cap.

Every line written is a workflow command that oasguard chose; document text only ever sits in a
property value or the message, escaped by GitHub's rules, so it cannot end the command or start
another one."""

from __future__ import annotations

from dataclasses import dataclass

from oasguard.changes import Change, Level, Report
from oasguard.report import Annotations, Needs, RenderOptions
from oasguard.report.common import place, side
from oasguard.report.escape import workflow_data, workflow_property
from oasguard.report.groups import Fact, facts
from oasguard.static import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import TextIO

_COMMAND = {Level.BREAKING: "error", Level.WARNING: "warning", Level.SAFE: "notice"}
#: what the last annotation of a kind counts: (a fact, anything else) in singular and plural
_NOUNS = {
    "error": (("breaking change", "breaking changes"), ("note", "notes")),
    "warning": (("warning", "warnings"), ("note", "notes")),
    "notice": (("safe change", "safe changes"), ("notice", "notices")),
}
#: operations a fact's annotation names before it only counts the rest
_NAMED_OPERATIONS = 5


def render_github(report: Report, out: TextIO) -> None:
    # GitHub shows only the first few annotations of each kind per step: the most severe first
    for change in sorted(report.changes, key=lambda c: -c.level.rank):
        out.write(annotation(change) + "\n")
    for note in report.notes:
        out.write(_note(note) + "\n")
    if report.ignored:
        out.write(_ignored(report) + "\n")


def _note(note: str) -> str:
    return f"::warning title=oasguard note::{workflow_data(note)}"


def _ignored(report: Report) -> str:
    count = len(report.ignored)
    return f"::notice title=oasguard::{count} change{'s' if count != 1 else ''} ignored by the configuration"


def annotation(change: Change) -> str:
    """`::LEVEL file=F,line=L,title=RULE-ID::MESSAGE` for one change; `line` only when known,
    `file` from the source, else the file the change's pointer refers into."""
    return f"::{_COMMAND[change.level]} {_properties(change)}::{workflow_data(message(change))}"


def _properties(change: Change) -> str:
    properties = []
    file, line = place(change)
    if file:
        properties.append(f"file={workflow_property(file)}")
        if line is not None:
            properties.append(f"line={int(line)}")
    properties.append(f"title={workflow_property(change.id)}")
    return ",".join(properties)


def message(change: Change) -> str:
    """The annotation's text: the message, where it is, on which side, whom it affects."""
    return " ".join([change.message, *_context(change, change.consumers)])


def _context(change: Change, consumers: tuple[str, ...]) -> list[str]:
    parts = [f"(at {change.location})"]
    if side(change) == "base":
        parts.append("(removed: the place is in the base)")
    if change.document:
        parts.append(f"[{change.document}]")
    if consumers:
        parts.append(f"affects {', '.join(consumers)}")
    return parts


def fact_annotation(fact: Fact) -> str:
    """The annotation of a fact: a change's own when it is one change; else at the first
    change's place, its message saying in how many operations (or places) it is."""
    if len(fact.changes) == 1:
        return annotation(fact.first)
    text = " ".join([fact.message, *_context(fact.first, fact.consumers), _spread(fact)])
    return f"::{_COMMAND[fact.level]} {_properties(fact.first)}::{workflow_data(text)}"


def _spread(fact: Fact) -> str:
    """`— in 50 operations: GET /a, GET /b, … (45 more)`, or `— in 3 places`."""
    operations = fact.operations
    if len(operations) < 2:
        return f"— in {len(fact.changes)} places"
    named = ", ".join(operations[:_NAMED_OPERATIONS])
    rest = len(operations) - _NAMED_OPERATIONS
    return f"— in {len(operations)} operations: {named}" + (f", … ({rest} more)" if rest > 0 else "")


@dataclass(frozen=True)
class _Line:
    """One annotation of a kind, and what it stands for: a fact's changes, or a note."""

    text: str
    changes: int = 0

    @property
    def is_fact(self) -> bool:
        return self.changes > 0


def render_limited(report: Report, out: TextIO, annotations: Annotations) -> None:
    """At most `limit` annotations of each kind (GitHub drops the rest of a step's unseen):
    one per fact, breaking before warning, within a kind the facts the pull request's diff
    touches first and then those in most places, safe facts only when asked; a kind that has
    more ends with one saying how many more the job summary holds."""
    grouped = facts(report.changes)
    kinds: dict[str, list[_Line]] = {"error": [], "warning": [], "notice": []}
    for level in (Level.BREAKING, Level.WARNING, Level.SAFE):
        if level is Level.SAFE and not annotations.safe:
            continue
        chosen = [fact for fact in grouped if fact.level is level]
        # what the pull request's diff touches first, then the widest reach (a shared component's
        # change in 50 operations before a one-off); ties keep the facts' own stable order
        chosen.sort(key=lambda fact: (not _touched(fact, annotations), -len(fact.changes)))
        kinds[_COMMAND[level]] += [_Line(fact_annotation(fact), len(fact.changes)) for fact in chosen]
    kinds["warning"] += [_Line(_note(note)) for note in report.notes]
    if report.ignored:
        kinds["notice"].append(_Line(_ignored(report)))
    for kind, lines in kinds.items():
        for line in _capped(kind, lines, annotations.limit):
            out.write(line + "\n")


def _touched(fact: Fact, annotations: Annotations) -> bool:
    for change in fact.changes:
        file, line = place(change)
        if line is not None and (side(change), file, line) in annotations.touched:
            return True
    return False


def _capped(kind: str, lines: list[_Line], limit: int) -> list[str]:
    if len(lines) <= limit:
        return [line.text for line in lines]
    shown, hidden = lines[: limit - 1], lines[limit - 1 :]
    return [line.text for line in shown] + [f"::{kind} title=oasguard::{_more(kind, hidden)}"]


def _more(kind: str, hidden: list[_Line]) -> str:
    """`48 more breaking changes (in 155 places) are in the job summary`."""
    (fact_noun, other_noun) = _NOUNS[kind]
    fact_lines = [line for line in hidden if line.is_fact]
    places = sum(line.changes for line in fact_lines)
    others = len(hidden) - len(fact_lines)
    parts = []
    if fact_lines:
        parts.append(f"{len(fact_lines)} more {fact_noun[len(fact_lines) != 1]}")
        if places != len(fact_lines):
            parts[-1] += f" (in {places} places)"
    if others:
        parts.append(f"{others} more {other_noun[others != 1]}")
    verb = "is" if len(hidden) == 1 else "are"
    return f"{' and '.join(parts)} {verb} in the job summary"


class GithubReporter:
    """GitHub workflow-command annotations."""

    needs = Needs(sources=True)

    def render_diff(self, report: Report, out: TextIO, options: RenderOptions) -> None:
        if options.annotations is None:
            render_github(report, out)
        else:
            render_limited(report, out, options.annotations)
