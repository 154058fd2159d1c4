"""The changelog: every change of a release as Markdown, for release notes.

One release per document, headed by its version move (`## 2.0.0 (from 1.4.2)`) and what the
versioning rules found (which part of `info.version` should have moved, SPEC 3.2.2); under it the
sections Breaking / Deprecated / Changed / Added, each grouped by operation; the same escaping
as the Markdown report (document text cannot format, link, open HTML or mention anyone)."""

from __future__ import annotations

from itertools import groupby

from oasguard.changes import Change, Level, Report
from oasguard.report import Needs, RenderOptions
from oasguard.report.escape import markdown
from oasguard.rules import versioning
from oasguard.static import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import TextIO

SECTIONS = ("Breaking", "Deprecated", "Changed", "Added")
#: the versioning rules: said under a release's heading, not listed as changes
_VERSIONING = frozenset({versioning.MAJOR_NOT_BUMPED, versioning.DECREASED, versioning.NOT_BUMPED})


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
    by_document: dict[str, list[Change]] = {}
    for change in report.changes:
        by_document.setdefault(change.document or "", []).append(change)
    for document in sorted(by_document):
        lines += _release(document, report.versions.get(document, (None, None)), by_document[document])
    return "\n".join(lines)


def _release(document: str, versions: tuple[str | None, str | None], changes: list[Change]) -> list[str]:
    """One document's changes under its version move, each section grouped by operation."""
    lines = [f"## {heading(document, *versions)}", ""]
    said = [change for change in changes if change.id in _VERSIONING]
    if len(said) > 1:  # "not bumped" repeats what the other versioning rules say more precisely
        said = [change for change in said if change.id != versioning.NOT_BUMPED]
    for change in said:
        level = " (warning)" if change.level is Level.WARNING else ""
        lines += [f"**Version**: {markdown(change.message)}{level}", ""]
    grouped: dict[str, list[Change]] = {name: [] for name in SECTIONS}
    for change in changes:
        if change.id not in _VERSIONING:
            grouped[section(change)].append(change)
    for name in SECTIONS:
        if grouped[name]:
            lines += [f"### {name}", "", *_operations(grouped[name])]
    return lines


def heading(document: str, base: str | None, revision: str | None) -> str:
    """`2.0.0 (from 1.4.2)`, `1.4.2 (unchanged)`; the document first when a run compares several."""
    if revision is None:
        title = "Changes"
    elif base is None:
        title = markdown(revision)
    elif base == revision:
        title = f"{markdown(revision)} (unchanged)"
    else:
        title = f"{markdown(revision)} (from {markdown(base)})"
    return f"{markdown(document)}: {title}" if document else title


def _operations(changes: list[Change]) -> list[str]:
    lines: list[str] = []
    ordered = sorted(changes, key=lambda c: (c.operation or "", -c.level.rank))
    for operation, group in groupby(ordered, key=lambda c: c.operation):
        lines += [f"#### {markdown(operation or 'Whole document')}", ""]
        for change in group:
            level = "" if change.level is not Level.WARNING else " (warning)"
            consumers = ""
            if change.consumers:
                consumers = " (affects " + ", ".join(markdown(c) for c in change.consumers) + ")"
            lines.append(f"- {markdown(change.message)}{level}{consumers}")
        lines.append("")
    return lines


class ChangelogReporter:
    """The Markdown changelog, for release notes."""

    needs = Needs()

    def render_diff(self, report: Report, out: TextIO, options: RenderOptions) -> None:
        render_changelog(report, out)
