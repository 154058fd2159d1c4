"""What a rule is: an id, a default level, the side it judges, a message template and its doc."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from oasguard.changes import Level


class Area(enum.Enum):
    PATHS = "paths"
    PARAMETERS = "parameters"
    REQUEST_BODY = "request body"
    REQUEST_SCHEMA = "request schema"
    RESPONSES = "responses"
    RESPONSE_SCHEMA = "response schema"
    SECURITY = "security"
    VERSIONING = "versioning"


@dataclass(frozen=True)
class Rule:
    """One kind of change. `message` is a `str.format` template over the fact's arguments."""

    id: str
    level: Level
    area: Area
    message: str
    doc: str
    #: older ids that name this rule (kept when a rule is renamed, never reused)
    aliases: tuple[str, ...] = ()
    #: no client that worked before is hurt by this change, whatever level a policy gives it:
    #: a variant of a composition may differ from its counterpart by such facts and still fit
    #: (compare/keywords/compositions.py). By default: the rules whose default level is safe.
    compatible: bool | None = None

    def __post_init__(self) -> None:
        if self.compatible is None:
            object.__setattr__(self, "compatible", self.level is Level.SAFE)

    @property
    def checkers(self) -> tuple[str, ...]:
        """The code that finds it, `module:function` (rules/checkers.py: one table by id, read
        where asked for rather than copied into each rule at start, which cost every run half a
        millisecond of `dataclasses.replace`; imported here, as a diff never asks)."""
        from oasguard.rules.checkers import CHECKERS

        return CHECKERS.get(self.id, ())

    @property
    def summary(self) -> str:
        return self.doc.strip().splitlines()[0]


B, W, S = Level.BREAKING, Level.WARNING, Level.SAFE
