"""JUnit XML (the Surefire dialect of `junit-10.xsd` that CI systems read): a test case per
operation, a failure per breaking change; warnings, safe and ignored changes in its system-out.
`failures` counts the test cases that failed, as Surefire does, not the breaking changes."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from oasguard.changes import Change, Level, Report
from oasguard.report import Needs, RenderOptions
from oasguard.report.common import place_text, side
from oasguard.report.escape import xml
from oasguard.static import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import TextIO

_DOCUMENT = "document"


def render_junit(report: Report, out: TextIO) -> None:
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    tree = ET.ElementTree(junit_element(report))
    ET.indent(tree, space="  ")
    tree.write(out, encoding="unicode")
    out.write("\n")


def junit_element(report: Report) -> ET.Element:
    cases: dict[tuple[str, str], list[tuple[Change, str | None]]] = {}
    for change in report.changes:
        cases.setdefault(_case_key(change), []).append((change, None))
    for entry in report.ignored:
        cases.setdefault(_case_key(entry.change), []).append((entry.change, entry.reason))
    if not cases:
        cases[("", _DOCUMENT)] = []
    failures = sum(
        any(reason is None and c.level is Level.BREAKING for c, reason in entries)
        for entries in cases.values()
    )
    label = f"{report.base} -> {report.revision}" if report.base or report.revision else ""
    name = xml(f"oasguard {label}".strip())
    root = ET.Element(
        "testsuites", name="oasguard", tests=str(len(cases)), failures=str(failures), errors="0"
    )
    suite = ET.SubElement(
        root,
        "testsuite",
        name=name,
        tests=str(len(cases)),
        failures=str(failures),
        errors="0",
        skipped="0",
    )
    properties = ET.SubElement(suite, "properties")
    for level, count in report.summary.items():
        ET.SubElement(properties, "property", name=level, value=str(count))
    for note in report.notes:
        ET.SubElement(properties, "property", name="note", value=xml(note))
    for (document, operation), entries in sorted(cases.items()):
        case = ET.SubElement(suite, "testcase", name=xml(operation), classname=xml(document or "oasguard"))
        lines = []
        for change, reason in sorted(entries, key=lambda e: (e[1] is not None, -e[0].level.rank)):
            if reason is None and change.level is Level.BREAKING:
                failure = ET.SubElement(case, "failure", message=xml(change.message), type=xml(change.id))
                failure.text = _details(change)
            else:
                prefix = f"ignored ({reason})" if reason is not None else change.level.value
                lines.append(f"{xml(prefix)} [{xml(change.id)}] {xml(change.message)}\n  {_details(change)}")
        if lines:
            ET.SubElement(case, "system-out").text = "\n".join(lines)
    return root


def _case_key(change: Change) -> tuple[str, str]:
    return change.document or "", change.operation or _DOCUMENT


def _details(change: Change) -> str:
    """Where the change is, one fact per line (XML-safe)."""
    where = place_text(change)
    details = [f"at {xml(change.location)}", f"pointer {xml(change.pointer)}"]
    if where:
        details.append(f"in {xml(where)}" + (" (base)" if side(change) == "base" else ""))
    if change.consumers:
        details.append("affects " + ", ".join(xml(name) for name in change.consumers))
    return "\n  ".join(details)


class JunitReporter:
    """JUnit XML for CI test views."""

    needs = Needs(sources=True)

    def render_diff(self, report: Report, out: TextIO, options: RenderOptions) -> None:
        render_junit(report, out)
