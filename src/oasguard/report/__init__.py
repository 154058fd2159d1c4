"""Report: one reporter per format behind one interface (`Reporter`), chosen by `reporter`."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from oasguard.changes import Report
from oasguard.static import TYPE_CHECKING, Protocol, assert_never

if TYPE_CHECKING:
    from typing import TextIO


class Format(str, enum.Enum):
    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"
    GITHUB = "github"
    SARIF = "sarif"
    JUNIT = "junit"
    CHANGELOG = "changelog"
    GITLAB = "gitlab"
    HTML = "html"


@dataclass(frozen=True)
class RenderOptions:
    """What a caller may tell a reporter beyond the report itself."""

    #: URL prefix of the revision's files (e.g. https://github.com/o/r/blob/SHA): `file:line`
    #: becomes a link to PREFIX/file#Lline in the formats that link
    link: str | None = None
    #: the breaking changes were approved (e.g. by a pull-request label): what approved them
    approved: str | None = None
    #: `--annotations-limit`: the github format writes what a CI step shows (None: every change)
    annotations: Annotations | None = None
    #: `--shapes`: the text and JSON formats show the shape diffs too (Markdown always does)
    shapes: bool = False


@dataclass(frozen=True)
class Annotations:
    """What a CI step's annotations can hold: GitHub shows at most 10 of each kind per step
    and drops the rest unseen, so the github format then writes one per fact, the most useful
    first, at most `limit` of each kind, the last saying how many more the job summary has."""

    limit: int
    #: a notice for each safe fact too (off: safe changes are in the summary only)
    safe: bool = False
    #: the places (side, file, line) of changes whose element the pull request's diff touches
    touched: frozenset[tuple[str, str, int]] = frozenset()


@dataclass(frozen=True)
class Needs:
    """What a reporter shows that a run computes only when some format written asks for it."""

    #: `file:line` of each change (`Change.source`): finding lines costs a pass over the sources
    sources: bool = False
    #: the shape diffs (`Report.shapes`): built from both graphs while the engine has them
    shapes: bool = False

    def __or__(self, other: Needs) -> Needs:
        return Needs(sources=self.sources or other.sources, shapes=self.shapes or other.shapes)


class Reporter(Protocol):
    """One output format. It says what it needs computed and renders a diff report; a format
    that can also show another kind of report (a verify report) adds its own `render_KIND`
    method beside `render_diff`, with the same shape, and callers ask for it with `getattr`."""

    needs: Needs

    def render_diff(self, report: Report, out: TextIO, options: RenderOptions) -> None:
        """Write `report` (the changes of one run) to `out`."""


def reporter(format: Format) -> Reporter:
    """The reporter of `format` (each module is imported only when its format is used)."""
    match format:
        case Format.TEXT:
            from oasguard.report.text import TextReporter

            return TextReporter()
        case Format.JSON:
            from oasguard.report.json import JsonReporter

            return JsonReporter()
        case Format.MARKDOWN:
            from oasguard.report.markdown import MarkdownReporter

            return MarkdownReporter()
        case Format.GITHUB:
            from oasguard.report.github import GithubReporter

            return GithubReporter()
        case Format.SARIF:
            from oasguard.report.sarif import SarifReporter

            return SarifReporter()
        case Format.JUNIT:
            from oasguard.report.junit import JunitReporter

            return JunitReporter()
        case Format.CHANGELOG:
            from oasguard.report.changelog import ChangelogReporter

            return ChangelogReporter()
        case Format.GITLAB:
            from oasguard.report.gitlab import GitlabReporter

            return GitlabReporter()
        case Format.HTML:
            from oasguard.report.html import HtmlReporter

            return HtmlReporter()
        case _:
            assert_never(format)


def needs(*formats: Format) -> Needs:
    """What the formats a run writes (`--format` and every `--output`) need, together."""
    found = Needs()
    for format in formats:
        found = found | reporter(format).needs
    return found


def render(report: Report, format: Format, out: TextIO, options: RenderOptions | None = None) -> None:
    """Write the diff report `report` to `out` in `format`."""
    reporter(format).render_diff(report, out, options or RenderOptions())
