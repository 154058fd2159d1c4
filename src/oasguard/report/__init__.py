"""Report: one reporter per format behind one interface."""

from __future__ import annotations

import enum
import sys
from dataclasses import dataclass
from typing import TextIO

if sys.version_info >= (3, 11):
    from typing import assert_never
else:  # pragma: no cover - Python 3.10
    from typing_extensions import assert_never

from oasguard.changes import Report


class Format(str, enum.Enum):
    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"
    GITHUB = "github"
    SARIF = "sarif"
    JUNIT = "junit"


@dataclass(frozen=True)
class RenderOptions:
    """What a caller may tell a reporter beyond the report itself."""

    #: URL prefix of the revision's files (e.g. https://github.com/o/r/blob/SHA): `file:line`
    #: becomes a link to PREFIX/file#Lline in the formats that link
    link: str | None = None
    #: the breaking changes were approved (e.g. by a pull-request label): what approved them
    approved: str | None = None


#: formats that show `file:line`: only these pay for computing source lines
NEEDS_SOURCES = frozenset({Format.MARKDOWN, Format.GITHUB, Format.SARIF, Format.JUNIT})


def needs_sources(*formats: Format) -> bool:
    """Whether any of the formats a run writes (`--format` and every `--output`) shows lines."""
    return any(format in NEEDS_SOURCES for format in formats)


def render(report: Report, format: Format, out: TextIO, options: RenderOptions | None = None) -> None:
    """Write `report` to `out` in `format`."""
    options = options or RenderOptions()
    if format is Format.JSON:
        from oasguard.report.json import json_chunks

        out.writelines(json_chunks(report))
    elif format is Format.TEXT:
        from oasguard.report.text import render_text

        render_text(report, out)
    elif format is Format.MARKDOWN:
        from oasguard.report.markdown import render_markdown

        render_markdown(report, out, options)
    elif format is Format.GITHUB:
        from oasguard.report.github import render_github

        render_github(report, out)
    elif format is Format.SARIF:
        from oasguard.report.sarif import render_sarif

        render_sarif(report, out)
    elif format is Format.JUNIT:
        from oasguard.report.junit import render_junit

        render_junit(report, out)
    else:
        assert_never(format)
