"""What every check of an operation is handed: the run it belongs to, and where it is (`Here`)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from oasguard.changes import Deprecated, Side, Step, Subject
from oasguard.compare.facts import Fact
from oasguard.compare.facts import subject as _subject
from oasguard.compare.schema import SchemaComparer
from oasguard.model.nodes import Api, Where

#: the subject of what is about no operation
DOCUMENT = Subject()


@dataclass(frozen=True)
class Run:
    """The two documents of one comparison and what is shared by all its operations."""

    base: Api
    rev: Api
    schemas: SchemaComparer
    #: what changed in each security scheme defined on both sides (said per operation, below it)
    scheme_changes: dict[str, list[Fact]] = field(hash=False)
    #: "METHOD /template" of the operations that are twins on either side (model/normalise.py)
    twins: frozenset[str] = frozenset()

    def operation(self, method: str, path: str, webhook: bool = False) -> Here:
        """The place of the operation (or webhook) `method` `path` as a whole."""
        method = method.upper()
        twin = f"{method} {path}" in self.twins
        return Here(self, _subject(method, path, None, (), None, twin, webhook))


class Here:
    """A place in the comparison: the subject of every fact found there (the operation, the side
    that reads the data, the steps below the operation).

    Checks make their facts through it (`here.fact(RULE, args, where=...)`), so a fact always
    carries the subject of the check that found it. The subject is made only with a fact: most
    places a walk visits (every parameter, response and media type) hold none.

    A value, never changed once made; a plain class with slots, not a frozen dataclass, because
    one is made for every parameter, response and media type of every operation, and a frozen
    dataclass sets each field through `object.__setattr__`. `origin` is the operation (no steps,
    no side), or the document as a whole (servers, unused schemes)."""

    __slots__ = ("origin", "run", "side", "steps")

    def __init__(
        self,
        run: Run,
        origin: Subject = DOCUMENT,
        steps: tuple[Step, ...] = (),
        side: Side | None = None,
    ) -> None:
        self.run = run
        self.origin = origin
        self.steps = steps
        self.side = side

    def __repr__(self) -> str:
        return f"Here({self.origin!r}, {self.steps!r}, {self.side!r})"

    def at(self, *steps: Step, side: Side | None = None) -> Here:
        """The place `steps` below this one (read by `side`, from there down)."""
        return Here(self.run, self.origin, (*self.steps, *steps), side or self.side)

    def fact(
        self,
        rule: str,
        args: dict[str, object],
        *,
        where: Where,
        in_base: bool = False,
        below: tuple[Step, ...] = (),
        former: str | None = None,
        deprecated: Deprecated | None = None,
    ) -> Fact:
        """The fact that `rule` applies here (or at the steps `below` here), with the message
        arguments `args`; `where` is the node in the revision (or, `in_base`, in the base) that
        the fact points at; `former` the base's name of a thing renamed."""
        origin = self.origin  # `origin.below(*self.steps, *below, side=..., former=former)`
        subject = _subject(
            origin.method,
            origin.path,
            self.side or origin.side,
            (*origin.steps, *self.steps, *below),
            former,
            origin.twin,
            origin.webhook,
        )
        return Fact(rule, args, subject, where, in_base, deprecated)

    def said(self, fact: Fact) -> Fact:
        """`fact`, found below no operation (a security scheme, a schema walk), said here: its
        steps below this place, read by its side if it has one."""
        found = fact.subject
        subject = self.origin.below(
            *self.steps, *found.steps, side=found.side or self.side, former=found.former
        )
        return replace(fact, subject=subject)
