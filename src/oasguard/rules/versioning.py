"""Rules about the document's own version (SPEC 3.2.2): does `info.version` say what the change is?

Unlike every other family, these are judged after policy: whether the major version had to move
depends on the levels the changes ended with (a `levels` entry, a stability cap or an ignore entry
may have made a breaking change something else). `judge` is called once per document pair, by the
engine, with the changes policy kept; its changes then go through policy themselves (`levels`,
ignores), like any other.

Versions are read as semantic versions (`MAJOR.MINOR.PATCH`, with an optional pre-release
`-rc.1`, build `+5` and a leading `v`); anything else (`v1`, `1.0`, a date such as `2020-08-27`
or `2024.5.1`) says nothing about compatibility, and is not judged. Below 1.0.0 the minor plays
the major's part (`0.3.0 → 0.4.0` may break; semver calls anything below 1.0.0 unstable, and
Cargo and npm's `^` read it this way).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from oasguard.changes import Change, Level, Step, Subject
from oasguard.rules.base import Area, Rule, S, W

MAJOR_NOT_BUMPED = "api-major-version-not-bumped"
DECREASED = "api-version-decreased"
NOT_BUMPED = "api-version-not-bumped"

#: where these changes point (in the revision): no operation has them
POINTER = "/info/version"
LOCATION = "info.version"

RULES = (
    Rule(
        MAJOR_NOT_BUMPED,
        W,
        Area.VERSIONING,
        "info.version {what} with {value}: the {subject} should have increased",
        """
The document has breaking changes but its major version did not increase.

Clients pick a version range by its major (`^1.2.0`, "any 1.x"): a breaking change released as
a minor or patch version reaches them unannounced. Below 1.0.0 the minor is the major.
Before: `version: 1.2.0`. After: `version: 1.3.0`, and an operation removed.
""",
    ),
    Rule(
        DECREASED,
        W,
        Area.VERSIONING,
        "info.version went backwards from {old} to {new}",
        """
The document's version is lower than the base's.

A release older than the one it replaces confuses every tool that orders versions (caches,
client generators, changelogs); usually a merge took the wrong side.
Before: `version: 2.1.0`. After: `version: 2.0.9`.
""",
    ),
    Rule(
        NOT_BUMPED,
        S,
        Area.VERSIONING,
        "info.version stayed {old} with {value}: "
        "a changed contract needs a new version (increase the {subject})",
        """
The contract changed (a change at warning or above) and `info.version` did not move.

Informational: it breaks no client by itself, but two different contracts now carry one
version, so a client cannot tell which one it was built against.
Before: `version: 1.2.0`. After: `version: 1.2.0`, and a response enum value added.
""",
    ),
)

_BY_ID = {rule.id: rule for rule in RULES}

#: semantic versioning 2.0.0's own expression, with an optional `v` before it
_SEMVER = re.compile(
    r"[vV]?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?",
    re.ASCII,  # `\d` would take any script's digits (`١.٢.٣`)
)
#: a major in this range is a year: `2024.5.1` is a calendar version, not a semantic one
_YEARS = range(1900, 3000)
#: longer texts are not versions (and their numbers need not be read)
_MAX_LENGTH = 256


@dataclass(frozen=True)
class Version:
    """A semantic version as written in `info.version`."""

    text: str
    major: int
    minor: int
    patch: int
    #: pre-release identifiers (`rc.1` → ("rc", 1)); empty for a release
    pre: tuple[int | str, ...] = ()

    @property
    def precedence(self) -> tuple[object, ...]:
        """SemVer 2.0.0 precedence (11): the build part is ignored; a pre-release comes before
        its release; numeric identifiers are below alphanumeric ones."""
        pre = tuple((0, part, "") if isinstance(part, int) else (1, 0, part) for part in self.pre)
        return (self.major, self.minor, self.patch, 0 if self.pre else 1, pre)

    @property
    def compatibility(self) -> tuple[int, ...]:
        """The part that must move when clients may break: the major, or below 1.0.0 the minor."""
        return (self.major,) if self.major else (0, self.minor)

    @property
    def breaking_part(self) -> str:
        return "major version" if self.major else "minor version (the major's part below 1.0.0)"

    @property
    def compatible_part(self) -> str:
        return "minor version" if self.major else "patch version"


def parse(value: object) -> Version | None:
    """`value` as a semantic version, or None when it is not one (`v1`, `1.0`, a date)."""
    if not isinstance(value, str) or len(value) > _MAX_LENGTH:
        return None
    text = value.strip()
    match = _SEMVER.fullmatch(text)
    if match is None:
        return None
    major, minor, patch = (int(match[index]) for index in (1, 2, 3))
    if major in _YEARS:
        return None
    pre = tuple(int(part) if part.isdigit() else part for part in match[4].split(".")) if match[4] else ()
    return Version(text, major, minor, patch, pre)


@dataclass(frozen=True)
class Move:
    """How `info.version` moved from the base to the revision."""

    base: Version
    revision: Version

    @property
    def decreased(self) -> bool:
        return self.revision.precedence < self.base.precedence

    @property
    def unchanged(self) -> bool:
        return self.revision.precedence == self.base.precedence

    @property
    def major_increased(self) -> bool:
        """The part that announces breaking changes moved up (`1.4.2 → 2.0.0`, `0.3.0 → 0.4.0`,
        `1.9.0 → 2.0.0-rc.1`)."""
        return self.revision.compatibility > self.base.compatibility

    @property
    def may_break(self) -> bool:
        """Breaking changes are announced: the major moved up, or the base was a pre-release,
        which promised no compatibility (SemVer 9: `2.0.0-rc.1 → 2.0.0`)."""
        return not self.decreased and (self.major_increased or bool(self.base.pre))

    def described(self) -> str:
        if self.unchanged:
            return f"stayed {self.base.text}"
        return f"went from {self.base.text} to {self.revision.text}"


def move(base: object, revision: object) -> Move | None:
    """The move between two `info.version` values, or None when either is not a semantic version."""
    old, new = parse(base), parse(revision)
    return Move(old, new) if old is not None and new is not None else None


def info_version(document: Mapping[object, object]) -> str | None:
    """`info.version` of a parsed document, as text (None: absent, or not a scalar)."""
    info = document.get("info")
    value = info.get("version") if isinstance(info, Mapping) else None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    return str(value)


def judge(found: Move, changes: Iterable[Change]) -> list[Change]:
    """The versioning changes of one document pair, from the levels its changes ended with."""
    levels = [change.level for change in changes]
    breaking = levels.count(Level.BREAKING)
    warnings = levels.count(Level.WARNING)
    args = {"old": found.base.text, "new": found.revision.text, "what": found.described()}
    judged: list[Change] = []
    if found.decreased:
        judged.append(_change("api-version-decreased", args))
    if breaking and not found.may_break:
        counted = {**args, "value": _count(breaking, 0), "subject": found.base.breaking_part}
        judged.append(_change("api-major-version-not-bumped", counted))
    if (breaking or warnings) and found.unchanged:
        part = found.base.breaking_part if breaking else found.base.compatible_part
        counted = {**args, "value": _count(breaking, warnings), "subject": part}
        judged.append(_change("api-version-not-bumped", counted))
    return judged


def approval(found: Move, changes: Iterable[Change]) -> str | None:
    """What approves the breaking changes under `versioning: major-bump-approves`: the major
    increase, when there is one and something to approve."""
    if not found.major_increased or found.decreased:
        return None
    if not any(change.level is Level.BREAKING for change in changes):
        return None
    part = "major" if found.revision.major > found.base.major else "minor (the major below 1.0.0)"
    return f"the {part} version bump {found.base.text} → {found.revision.text}"


def _change(rule_id: str, args: dict[str, str]) -> Change:
    """A versioning change: about the whole document, at `info.version` in the revision. Only
    the two versions are its identity (its fingerprint), not how many changes it counted."""
    rule = _BY_ID[rule_id]
    return Change(
        id=rule.id,
        level=rule.level,
        message=rule.message.format_map(args),  # versions are ASCII: the semver expression says so
        subject=Subject(steps=(Step("field", LOCATION),)),
        pointer=POINTER,
        args={"old": args["old"], "new": args["new"]},
    )


def _count(breaking: int, warnings: int) -> str:
    parts = []
    if breaking:
        parts.append(f"{breaking} breaking change{'s' if breaking != 1 else ''}")
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    return " and ".join(parts)
