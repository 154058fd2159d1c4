"""SARIF 2.1.0, as GitHub code scanning ingests it: one rule per rule id used, one result per
change with its physical location and a stable fingerprint; ignored changes are results with an
external suppression, notes are tool notifications."""

from __future__ import annotations

import json
import textwrap

from oasguard import __version__
from oasguard.changes import Change, Level, Report, Texts, located
from oasguard.report import Needs, RenderOptions
from oasguard.report.common import place, side
from oasguard.report.escape import url_path, visible
from oasguard.rules.registry import RULES
from oasguard.static import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import TextIO

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_LEVEL = {Level.BREAKING: "error", Level.WARNING: "warning", Level.SAFE: "note"}
#: the same, by the level's value (an enum member's hash is a call of Python)
_LEVEL_OF = {level._value_: name for level, name in _LEVEL.items()}
#: the key of oasguard's own fingerprint in `partialFingerprints` (versioned, as SARIF advises)
FINGERPRINT_KEY = "oasguard/v1"


def render_sarif(report: Report, out: TextIO) -> None:
    # no indent: with one, json uses its pure-Python encoder (1.44x the json run on the GitHub
    # pair instead of 1.15x); SARIF is read by tools, and any JSON viewer indents it
    out.write(json.dumps(sarif_log(report), ensure_ascii=False))
    out.write("\n")


def sarif_log(report: Report) -> dict[str, object]:
    used = [c.id for c in report.changes] + [i.change.id for i in report.ignored]
    rule_ids = list(dict.fromkeys(used))
    index = {rule_id: position for position, rule_id in enumerate(rule_ids)}
    # each text made visible once: an operation, a place, a pointer and a message are in many
    # changes, and `visible` escapes character by character, so a location is its operation's
    # and its place's visible texts joined
    shown = Texts(visible)
    results = [_result(change, index, shown) for change in report.changes]
    for entry in report.ignored:
        result = _result(entry.change, index, shown)
        result["suppressions"] = [{"kind": "external", "justification": visible(entry.reason)}]
        results.append(result)
    run: dict[str, object] = {
        "tool": {
            "driver": {
                "name": "oasguard",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [_rule(rule_id) for rule_id in rule_ids],
            }
        },
        "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "The repository's top level."}}},
        "invocations": [
            {
                "executionSuccessful": True,
                "toolExecutionNotifications": [
                    {"level": "warning", "message": {"text": visible(note)}} for note in report.notes
                ],
            }
        ],
        "results": results,
        "columnKind": "unicodeCodePoints",
    }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def _rule(rule_id: str) -> dict[str, object]:
    rule = RULES.get(rule_id)
    if rule is None:  # an id the registry does not know (e.g. from a newer engine)
        return {"id": rule_id, "name": _name(rule_id), "shortDescription": {"text": rule_id}}
    doc = textwrap.dedent(rule.doc).strip()
    return {
        "id": rule.id,
        "name": _name(rule.id),
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": doc},
        "help": {"text": doc, "markdown": doc},
        "defaultConfiguration": {"level": _LEVEL[rule.level]},
        "properties": {"tags": ["openapi", rule.area.value], "level": rule.level.value},
    }


def _name(rule_id: str) -> str:
    """SARIF's `name` is an identifier: `response-property-removed` → `ResponsePropertyRemoved`."""
    return "".join(part.capitalize() for part in rule_id.split("-"))


def _result(change: Change, index: dict[str, int], shown: Texts) -> dict[str, object]:
    file, line = place(change)
    subject = change.subject
    operation = subject.operation
    if operation is None:
        where = shown[subject.location]
    elif subject.steps:
        where = located(shown[operation], shown[subject.place])
    else:
        where = shown[operation]
    location: dict[str, object] = {
        "logicalLocations": [
            {
                "name": shown[operation or "document"],
                "fullyQualifiedName": where,
                "kind": "member",
            }
        ]
    }
    if file:
        physical: dict[str, object] = {"artifactLocation": {"uri": url_path(file), "uriBaseId": "%SRCROOT%"}}
        if line is not None:
            physical["region"] = {"startLine": max(int(line), 1)}
        location["physicalLocation"] = physical
    level = change.level._value_
    found_in = side(change)
    properties: dict[str, object] = {
        "level": level,
        "operation": operation and shown[operation],
        "location": where,
        "pointer": shown[change.pointer],
        "side": found_in,
    }
    if change.document is not None:
        properties["document"] = shown[change.document]
    if change.consumers:
        properties["consumers"] = [shown[name] for name in change.consumers]
    text = shown[change.message]
    if found_in == "base":
        text += " (removed: the place is in the base)"
    return {
        "ruleId": change.id,
        "ruleIndex": index[change.id],
        "level": _LEVEL_OF[level],
        "message": {"text": text},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT_KEY: change.fingerprint},
        "properties": properties,
    }


class SarifReporter:
    """SARIF 2.1.0 for code scanning."""

    needs = Needs(sources=True)

    def render_diff(self, report: Report, out: TextIO, options: RenderOptions) -> None:
        render_sarif(report, out)
