"""Verify: interactions × one document → problems, with the validators built once per run (SPEC 5.4)."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field

from oasguard.consumers.model import Interaction, Skipped
from oasguard.load.document import Document
from oasguard.model.normalise import normalise
from oasguard.verify.checks import Checker
from oasguard.verify.problems import Problem, Severity
from oasguard.verify.schemas import Validators

__all__ = ["Outcome", "Problem", "Severity", "State", "Verification", "verify"]


class State(enum.Enum):
    CONFORMING = "conforming"
    DRIFTING = "drifting"
    UNMATCHED = "unmatched"


@dataclass(frozen=True)
class Outcome:
    """One interaction, the operation it belongs to (None: unmatched) and what does not hold."""

    interaction: Interaction
    operation: str | None
    problems: tuple[Problem, ...]
    #: against BASE too (`diff --verify`): the drift was already there before the change
    already: bool = False

    @property
    def state(self) -> State:
        if self.operation is None:
            return State.UNMATCHED
        return State.DRIFTING if any(p.drift for p in self.problems) else State.CONFORMING


@dataclass
class Verification:
    """Every interaction's outcome against one document."""

    document: str
    outcomes: list[Outcome]
    skipped: list[Skipped] = field(default_factory=list)

    def count(self, state: State) -> int:
        return sum(1 for outcome in self.outcomes if outcome.state is state)

    @property
    def failed(self) -> bool:
        return any(outcome.state is not State.CONFORMING for outcome in self.outcomes)

    def summary(self) -> dict[str, int]:
        return {
            "interactions": len(self.outcomes),
            "conforming": self.count(State.CONFORMING),
            "drifting": self.count(State.DRIFTING),
            "unmatched": self.count(State.UNMATCHED),
            "warnings": sum(1 for o in self.outcomes for p in o.problems if not p.drift),
        }


def verify(
    document: Document, interactions: Iterable[Interaction], skipped: Iterable[Skipped] = ()
) -> Verification:
    """Check each interaction against `document`."""
    checker = Checker(normalise(document), Validators(document))
    outcomes = []
    for interaction in interactions:
        operation = checker.locator.match(interaction)
        if operation is None:
            outcomes.append(Outcome(interaction, None, (checker.unmatched(interaction),)))
            continue
        outcomes.append(Outcome(interaction, operation.title, tuple(checker.check(interaction, operation))))
    return Verification(document.name, outcomes, list(skipped))
