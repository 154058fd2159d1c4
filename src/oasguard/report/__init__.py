"""Report: one reporter per format behind one interface."""

from __future__ import annotations

import enum
from typing import TextIO

from oasguard.changes import Report


class Format(str, enum.Enum):
    TEXT = "text"
    JSON = "json"


def render(report: Report, format: Format, out: TextIO) -> None:
    """Write `report` to `out` in `format`."""
    if format is Format.JSON:
        from oasguard.report.json import json_chunks

        out.writelines(json_chunks(report))
    elif format is Format.TEXT:
        from oasguard.report.text import render_text

        render_text(report, out)
    else:  # pragma: no cover - every member is handled above
        raise AssertionError(format)
