"""What every check of an operation is handed: the run it belongs to, and where it is (`Here`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from oasguard.compare.facts import Fact
from oasguard.compare.schema import SchemaComparer
from oasguard.model.nodes import Api, Where

#: one change of a security scheme: (rule id, message arguments, where, in the base?)
SchemeFact = tuple[str, dict[str, object], Where, bool]


@dataclass(frozen=True)
class Run:
    """The two documents of one comparison and what is shared by all its operations."""

    base: Api
    rev: Api
    schemas: SchemaComparer
    #: what changed in each security scheme defined on both sides (said per operation)
    scheme_changes: dict[str, list[SchemeFact]] = field(hash=False)


@dataclass(frozen=True)
class Here:
    """A place in the comparison: the operation (its title) and the location below it.

    Checks make their facts through it (`here.fact(RULE, args, where=...)`), so a fact always
    carries the operation and location of the check that found it."""

    run: Run
    #: "METHOD /path", or None when no operation is involved (servers, unused schemes)
    title: str | None
    location: tuple[str, ...] = ()

    def at(self, *segments: str) -> Here:
        """The place `segments` below this one."""
        return Here(self.run, self.title, (*self.location, *segments))

    def fact(
        self,
        rule: str,
        args: dict[str, object],
        *,
        where: Where,
        in_base: bool = False,
        below: tuple[str, ...] = (),
    ) -> Fact:
        """The fact that `rule` applies here (or at the segments `below` here), with the message
        arguments `args`; `where` is the node in the revision (or, `in_base`, in the base) that
        the fact points at."""
        location = (*self.location, *below) if below else self.location
        return Fact(rule, args, self.title, location, where, in_base)
