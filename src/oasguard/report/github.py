"""GitHub workflow commands: one `::error` / `::warning` / `::notice` annotation per change.

Every line written is a workflow command that oasguard chose; document text only ever sits in a
property value or the message, escaped by GitHub's rules, so it cannot end the command or start
another one."""

from __future__ import annotations

from typing import TextIO

from oasguard.changes import Change, Level, Report
from oasguard.report import Needs, RenderOptions
from oasguard.report.common import place, side
from oasguard.report.escape import workflow_data, workflow_property

_COMMAND = {Level.BREAKING: "error", Level.WARNING: "warning", Level.SAFE: "notice"}


def render_github(report: Report, out: TextIO) -> None:
    # GitHub shows only the first few annotations of each kind per step: the most severe first
    for change in sorted(report.changes, key=lambda c: -c.level.rank):
        out.write(annotation(change) + "\n")
    for note in report.notes:
        out.write(f"::warning title=oasguard note::{workflow_data(note)}\n")
    if report.ignored:
        count = len(report.ignored)
        out.write(
            f"::notice title=oasguard::{count} change{'s' if count != 1 else ''} "
            "ignored by the configuration\n"
        )


def annotation(change: Change) -> str:
    """`::LEVEL file=F,line=L,title=RULE-ID::MESSAGE` for one change; `line` only when known,
    `file` from the source, else the file the change's pointer refers into."""
    properties = []
    file, line = place(change)
    if file:
        properties.append(f"file={workflow_property(file)}")
        if line is not None:
            properties.append(f"line={int(line)}")
    properties.append(f"title={workflow_property(change.id)}")
    return f"::{_COMMAND[change.level]} {','.join(properties)}::{workflow_data(message(change))}"


def message(change: Change) -> str:
    """The annotation's text: the message, where it is, on which side, whom it affects."""
    parts = [change.message, f"(at {change.location})"]
    if side(change) == "base":
        parts.append("(removed: the place is in the base)")
    if change.document:
        parts.append(f"[{change.document}]")
    if change.consumers:
        parts.append(f"affects {', '.join(change.consumers)}")
    return " ".join(parts)


class GithubReporter:
    """GitHub workflow-command annotations."""

    needs = Needs(sources=True)

    def render_diff(self, report: Report, out: TextIO, options: RenderOptions) -> None:
        render_github(report, out)
