"""GitLab's Code Quality report: the JSON array a job publishes as `artifacts:reports:codequality`,
which GitLab shows in the merge request's widget and beside the changed lines of its diff.

GitLab reads a subset of the Code Climate issue format: `description`, `check_name`,
`fingerprint`, `severity` (info, minor, major, critical, blocker), `location.path` from the
repository root and `location.lines.begin`. Its parser stops at the first issue that does not
fit its schema, so every issue here has all of them."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator

from oasguard.changes import Change, Level, Report
from oasguard.report import Needs, RenderOptions
from oasguard.report.common import place, side
from oasguard.report.escape import visible
from oasguard.static import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import TextIO

_SEVERITY = {Level.BREAKING: "major", Level.WARNING: "minor", Level.SAFE: "info"}
#: rules whose breaking change takes a whole operation away from its clients: GitLab's
#: `critical`, one step above the other breaking changes (`major`)
_OPERATION_GONE = frozenset(
    {"path-removed", "operation-removed", "operation-removed-before-sunset", "webhook-removed"}
)


def severity(change: Change) -> str:
    """The Code Quality severity of a change: breaking → major (critical when an operation
    is gone), warning → minor, safe → info."""
    if change.level is Level.BREAKING and change.id in _OPERATION_GONE:
        return "critical"
    return _SEVERITY[change.level]


def code_quality(report: Report, options: RenderOptions | None = None) -> list[dict[str, object]]:
    """The report as Code Quality issues: every change, then each ignored change as `info`
    with its reason (kept visible, as SARIF keeps it suppressed, but weighing nothing)."""
    approved = options.approved if options else None
    issues = [_issue(change, _approval(change, approved)) for change in report.changes]
    issues += [_issue(entry.change, f"ignored: {entry.reason}", "info") for entry in report.ignored]
    for issue, fingerprint in zip(issues, _unique(issues), strict=True):
        issue["fingerprint"] = fingerprint
    return issues


def _approval(change: Change, approved: str | None) -> str | None:
    return f"approved by {approved}" if approved and change.level is Level.BREAKING else None


def _issue(change: Change, remark: str | None, forced: str | None = None) -> dict[str, object]:
    file, line = place(change)
    # the operation first, unless the message names it already ("operation GET /a was removed")
    named = not change.operation or change.operation in change.message
    parts = [change.message if named else f"{change.operation}: {change.message}"]
    if side(change) == "base":
        parts.append(f"(removed: line {line} of the base)" if line else "(removed: in the base)")
    if change.document:
        parts.append(f"[{change.document}]")
    if change.consumers:
        parts.append(f"(affects {', '.join(change.consumers)})")
    if remark:
        parts.append(f"({remark})")
    return {
        "type": "issue",
        "check_name": change.id,
        # controls, bidi overrides and line breaks made visible: GitLab shows this as one line
        "description": visible(" ".join(parts)),
        "categories": ["Compatibility"],
        "severity": forced or severity(change),
        "fingerprint": change.fingerprint,
        "location": {"path": file or ".", "lines": {"begin": max(int(line or 1), 1)}},
    }


def _unique(issues: list[dict[str, object]]) -> Iterator[str]:
    """The change's own fingerprint, unless an earlier issue already has it: GitLab shows
    issues of one fingerprint as one. That happens only across documents (a fingerprint leaves
    the document out, so that a moved file keeps its changes) and is settled by the path."""
    seen: set[str] = set()
    for issue in issues:
        fingerprint = str(issue["fingerprint"])
        path = str(issue["location"]["path"])  # type: ignore[index]
        count = 0
        while fingerprint in seen:
            count += 1
            key = f"{issue['fingerprint']}\x1f{path}\x1f{count}"
            fingerprint = hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()[:16]
        seen.add(fingerprint)
        yield fingerprint


def render_gitlab(report: Report, out: TextIO, options: RenderOptions | None = None) -> None:
    # one issue a line, each by json's C encoder (an indented dump is pure Python: seconds on a
    # report of 60,000 changes); ASCII only, so no byte order mark or encoding can matter
    issues = [json.dumps(issue, ensure_ascii=True) for issue in code_quality(report, options)]
    out.write("[\n" + ",\n".join(issues) + "\n]\n" if issues else "[]\n")


class GitlabReporter:
    """GitLab Code Quality (`artifacts:reports:codequality`)."""

    needs = Needs(sources=True)

    def render_diff(self, report: Report, out: TextIO, options: RenderOptions) -> None:
        render_gitlab(report, out, options)
