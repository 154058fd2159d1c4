"""verify's report in each format (text, json, markdown, github, junit); every name and value
from a document or an evidence file is escaped here, for its medium."""

from __future__ import annotations

import enum
import json
from collections.abc import Callable
from typing import IO
from xml.etree import ElementTree

from oasguard.report.escape import markdown, terminal, workflow_data, workflow_property, xml
from oasguard.verify import Outcome, State, Verification


class VerifyFormat(enum.Enum):
    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"
    GITHUB = "github"
    JUNIT = "junit"


def as_dict(result: Verification) -> dict:
    """The json report: `summary`, then each interaction with its problems."""
    return {
        "document": result.document,
        "summary": result.summary(),
        "interactions": [_interaction(outcome) for outcome in result.outcomes],
        "skipped": [
            {"file": s.source.file, "index": s.source.index, "description": s.description, "reason": s.reason}
            for s in result.skipped
        ],
    }


def _interaction(outcome: Outcome) -> dict:
    interaction = outcome.interaction
    found = {
        "consumer": interaction.consumer,
        "description": interaction.description,
        "file": interaction.source.file,
        "index": interaction.source.index,
        "line": interaction.source.line,
        "evidence": interaction.evidence.value,
        "request": f"{interaction.request.method.upper()} {interaction.request.path}",
        "operation": outcome.operation,
        "state": outcome.state.value,
        "problems": [
            {
                "id": p.id,
                "severity": p.severity.value,
                "message": p.message,
                "file": p.file,
                "pointer": p.pointer,
            }
            for p in outcome.problems
        ],
    }
    if outcome.already:
        found["already_failed_against_base"] = True
    return found


def _counts(result: Verification) -> str:
    s = result.summary()
    already = sum(1 for outcome in result.outcomes if outcome.already)
    before = f" ({already} already failed against BASE)" if already else ""
    return (
        f"{s['interactions']} interactions: {s['conforming']} conforming, {s['drifting']} drifting, "
        f"{s['unmatched']} unmatched{before}, {s['warnings']} warnings"
    )


def _where(outcome: Outcome) -> str:
    return str(outcome.interaction.source)


def text(result: Verification, out: IO[str]) -> None:
    """Grouped by consumer, then interaction; conforming interactions in one line each."""
    out.write(f"{terminal(result.document)}: {_counts(result)}\n")
    by_consumer: dict[str, list[Outcome]] = {}
    for outcome in result.outcomes:
        by_consumer.setdefault(outcome.interaction.consumer, []).append(outcome)
    for consumer, outcomes in by_consumer.items():
        out.write(f"\n{terminal(consumer)}\n")
        for outcome in outcomes:
            interaction = outcome.interaction
            mark = {State.CONFORMING: "ok", State.DRIFTING: "DRIFT", State.UNMATCHED: "UNMATCHED"}
            already = " (already failed against BASE)" if outcome.already else ""
            out.write(
                f"  {mark[outcome.state]:<9} {terminal(interaction.description)} "
                f"({terminal(_where(outcome))}){already}\n"
            )
            for p in outcome.problems:
                level = "error" if p.drift else "warning"
                out.write(f"    {level} {p.id}: {terminal(p.message)}\n")
                out.write(f"      at {terminal(p.file)}#{terminal(p.pointer)}\n")
    for skipped in result.skipped:
        out.write(f"note: skipped {terminal(str(skipped.source))}: {terminal(skipped.reason)}\n")


def as_json(result: Verification, out: IO[str]) -> None:
    out.write(json.dumps(as_dict(result), indent=2) + "\n")


def as_markdown(result: Verification, out: IO[str]) -> None:
    out.write(f"### oasguard verify: {markdown(result.document)}\n\n{markdown(_counts(result))}\n\n")
    failing = [o for o in result.outcomes if o.problems]
    if not failing:
        return
    out.write("| consumer | interaction | file | problem | document |\n|---|---|---|---|---|\n")
    for outcome in failing:
        interaction = outcome.interaction
        for p in outcome.problems:
            level = "drift" if p.drift else "warning"
            out.write(
                f"| {markdown(interaction.consumer)} | {markdown(interaction.description)} | "
                f"{markdown(_where(outcome))} | {level} `{p.id}`: {markdown(p.message)} | "
                f"{markdown(p.file)} {markdown(p.pointer)} |\n"
            )


def as_github(result: Verification, out: IO[str]) -> None:
    """A workflow annotation per problem, on the evidence file's line (else its first)."""
    for outcome in result.outcomes:
        source = outcome.interaction.source
        line = source.line or 1
        for p in outcome.problems:
            command = "error" if p.drift else "warning"
            title = f"{p.id}: {outcome.interaction.consumer}: {outcome.interaction.description}"
            message = f"{p.message} (document: {p.file}#{p.pointer})"
            out.write(
                f"::{command} file={workflow_property(source.file)},line={line},"
                f"title={workflow_property(title)}::{workflow_data(message)}\n"
            )
    out.write(f"{terminal(_counts(result))}\n")


def as_junit(result: Verification, out: IO[str]) -> None:
    """A test case per interaction: drift and unmatched are failures."""
    summary = result.summary()
    suites = ElementTree.Element("testsuites", name="oasguard verify")
    suite = ElementTree.SubElement(
        suites,
        "testsuite",
        name=xml(result.document),
        tests=str(summary["interactions"]),
        failures=str(summary["drifting"] + summary["unmatched"]),
        errors="0",
        skipped="0",
    )
    for outcome in result.outcomes:
        interaction = outcome.interaction
        case = ElementTree.SubElement(
            suite,
            "testcase",
            classname=xml(interaction.consumer),
            name=xml(f"{interaction.description} ({_where(outcome)})"),
        )
        drift = [p for p in outcome.problems if p.drift]
        if drift:
            failure = ElementTree.SubElement(
                case, "failure", message=xml(drift[0].message), type=xml(drift[0].id)
            )
            failure.text = xml("\n".join(f"{p.id}: {p.message} ({p.file}#{p.pointer})" for p in drift))
        warnings = [p for p in outcome.problems if not p.drift]
        if warnings:
            output = ElementTree.SubElement(case, "system-out")
            output.text = xml("\n".join(f"warning {p.id}: {p.message}" for p in warnings))
    ElementTree.indent(suites)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ElementTree.tostring(suites, encoding="unicode") + "\n")


RENDERERS: dict[VerifyFormat, Callable[[Verification, IO[str]], None]] = {
    VerifyFormat.TEXT: text,
    VerifyFormat.JSON: as_json,
    VerifyFormat.MARKDOWN: as_markdown,
    VerifyFormat.GITHUB: as_github,
    VerifyFormat.JUNIT: as_junit,
}


def render(result: Verification, format: VerifyFormat, out: IO[str]) -> None:
    RENDERERS[format](result, out)
