"""The changelog: every change of a release as Markdown, for release notes.

Sections Breaking / Deprecated / Changed / Added, each grouped by operation; the same escaping
as the Markdown report (document text cannot format, link, open HTML or mention anyone)."""

from __future__ import annotations

from itertools import groupby
from typing import TextIO

from oasguard.changes import Change, Level, Report
from oasguard.report import Needs, RenderOptions
from oasguard.report.escape import markdown

SECTIONS = ("Breaking", "Deprecated", "Changed", "Added")


def render_changelog(report: Report, out: TextIO) -> None:
    out.write(changelog(report))


def section(change: Change) -> str:
    """Which section a change belongs in: every breaking change under Breaking; then what was
    deprecated, what was added (a safe `…-added` rule), and everything else as Changed."""
    if change.level is Level.BREAKING:
        return "Breaking"
    if "deprecated" in change.id:
        return "Deprecated"
    if change.level is Level.SAFE and change.id.endswith("-added"):
        return "Added"
    return "Changed"


def changelog(report: Report) -> str:
    lines = ["# Changelog", ""]
    if report.base and report.revision:
        compared = f"from {markdown(report.base)} to {markdown(report.revision)}"
        lines += [f"Changes to the API contract {compared}.", ""]
    if not report.changes:
        lines += ["No changes to the API contract.", ""]
    grouped: dict[str, list[Change]] = {name: [] for name in SECTIONS}
    for change in report.changes:
        grouped[section(change)].append(change)
    for name in SECTIONS:
        changes = grouped[name]
        if not changes:
            continue
        lines += [f"## {name}", ""]
        ordered = sorted(changes, key=lambda c: (c.document or "", c.operation or "", -c.level.rank))
        for (document, operation), group in groupby(ordered, key=lambda c: (c.document, c.operation)):
            title = markdown(operation or "Whole document")
            if document:
                title = f"{markdown(document)}: {title}"
            lines += [f"### {title}", ""]
            for change in group:
                level = "" if change.level is not Level.WARNING else " (warning)"
                consumers = ""
                if change.consumers:
                    consumers = " (affects " + ", ".join(markdown(c) for c in change.consumers) + ")"
                lines.append(f"- {markdown(change.message)}{level}{consumers}")
            lines.append("")
    return "\n".join(lines)


class ChangelogReporter:
    """The Markdown changelog, for release notes."""

    needs = Needs()

    def render_diff(self, report: Report, out: TextIO, options: RenderOptions) -> None:
        render_changelog(report, out)
