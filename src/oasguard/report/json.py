"""The JSON report of SPEC 2: the contract other tools parse."""

from __future__ import annotations

import json

from oasguard.changes import Change, Report


def change_dict(change: Change) -> dict[str, object]:
    return {
        "id": change.id,
        "level": change.level.value,
        "message": change.message,
        "operation": change.operation,
        "location": change.location,
        "pointer": change.pointer,
        "fingerprint": change.fingerprint,
    }


def render_json(report: Report) -> str:
    document = {
        "summary": report.summary,
        "changes": [change_dict(change) for change in report.changes],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
