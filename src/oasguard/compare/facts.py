"""A fact: one difference found by the comparison, before the registry gives it a level."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields

from oasguard.changes import Deprecated, Side, Step, Subject
from oasguard.model.nodes import Where


@dataclass(frozen=True, init=False)
class Fact:
    """`rule` is a registry id; `args` fill its message template; `subject` is what it is about
    (the operation, the side, the steps below it), carried unchanged onto the change."""

    rule: str
    args: dict[str, object] = field(hash=False)
    subject: Subject
    where: Where
    #: True when `where` points into the base document (something removed)
    in_base: bool = False
    #: the thing removed or newly deprecated was deprecated, with this sunset (policy.py)
    deprecated: Deprecated | None = None

    def __init__(
        self,
        rule: str,
        args: dict[str, object],
        subject: Subject,
        where: Where,
        in_base: bool = False,
        deprecated: Deprecated | None = None,
    ) -> None:
        # what `@dataclass` would write, without six calls of `object.__setattr__` (a frozen
        # dataclass's way round its own `__setattr__`): a diff makes one Fact per change
        fields = self.__dict__
        fields["rule"] = rule
        fields["args"] = args
        fields["subject"] = subject
        fields["where"] = where
        fields["in_base"] = in_base
        fields["deprecated"] = deprecated


#: `Subject`'s fields, in the order `subject` takes them
_SUBJECT_FIELDS = ("method", "path", "side", "steps", "former", "twin", "webhook")
if tuple(f.name for f in fields(Subject)) != _SUBJECT_FIELDS:  # pragma: no cover
    raise ImportError("oasguard.changes.Subject's fields changed: update compare/facts.py")
_new = object.__new__


def subject(
    method: str | None,
    path: str | None,
    side: Side | None,
    steps: tuple[Step, ...],
    former: str | None,
    twin: bool,
    webhook: bool,
) -> Subject:
    """`Subject(method, path, side, steps, former, twin, webhook)`, the same value, made without
    the seven calls of `object.__setattr__` a frozen dataclass's `__init__` makes: the comparison
    makes one per operation and one per fact (a third of the cost)."""
    made = _new(Subject)
    values = made.__dict__
    values["method"] = method
    values["path"] = path
    values["side"] = side
    values["steps"] = steps
    values["former"] = former
    values["twin"] = twin
    values["webhook"] = webhook
    return made


#: what `json.dumps(value, sort_keys=True, default=str)` makes for each call, made once (the
#: comparison writes a value for every enum and default it compares)
_ENCODER = json.JSONEncoder(sort_keys=True, default=str)


def show(value: object) -> str:
    """A value as a message shows it: strings quoted, the rest as JSON."""
    if isinstance(value, str):
        return f"'{value}'"
    try:
        return _ENCODER.encode(value)
    except (TypeError, ValueError):
        return repr(value)


def canonical(value: object) -> str:
    """A stable key for comparing values of any JSON type: `true` is not `1` (JSON spells them
    apart), `1.0` is `1` (JSON Schema compares numbers by value), `"1"` is neither."""
    if type(value) is float and value.is_integer():
        value = int(value)
    try:
        return _ENCODER.encode(value)
    except (TypeError, ValueError):  # keys of mixed types, an integer too long to print
        return repr(value)
