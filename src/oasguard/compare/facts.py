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


#: A message shows at most this many characters of a value, then `…` (SPEC 4: hostile input is
#: bounded). A YAML alias bomb within the loader's expansion budget holds hundreds of megabytes of
#: text: written out whole in a `default` or an `enum` message, once per operation reaching the
#: schema, it made a report of gigabytes (a 412 KB Twilio document: 402 MB of JSON, 8.6 s). The
#: longest value the corpus and the fixtures show is 330 characters.
SHOWN_CHARACTERS = 1_000


def show(value: object) -> str:
    """A value as a message shows it: strings quoted, the rest as JSON; cut after
    SHOWN_CHARACTERS characters."""
    if isinstance(value, str):
        return f"'{value}'" if len(value) <= SHOWN_CHARACTERS else f"'{value[:SHOWN_CHARACTERS]}…'"
    if isinstance(value, list | dict):
        budget = [SHOWN_CHARACTERS + 1]
        trimmed = _trimmed(value, budget)
        if budget[0] <= 0:  # longer than shown: only what is shown is written
            value = trimmed
    try:
        text = _ENCODER.encode(value)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= SHOWN_CHARACTERS else text[:SHOWN_CHARACTERS] + "…"


def _trimmed(value: object, budget: list[int]) -> object:
    """`value`, or once it would write more than `budget[0]` characters (counted from below: a
    string its length, anything else one), a copy holding its beginning (the keys in the order the
    encoder sorts them), and `budget[0]` at 0 or less. Each level spends at least one character,
    so the walk goes no deeper than the budget."""
    if isinstance(value, str):
        budget[0] -= len(value) + 2
        return value
    if not isinstance(value, list | dict):
        budget[0] -= 1
        return value
    budget[0] -= 2
    if isinstance(value, list):
        items = []
        for item in value:
            if budget[0] <= 0:
                return items
            items.append(_trimmed(item, budget))
        return value if budget[0] > 0 else items
    try:
        keys = sorted(value)
    except TypeError:  # keys of mixed types: the encoder fails and repr writes them as they are
        keys = list(value)
    members = {}
    for key in keys:
        if budget[0] <= 0:
            return members
        budget[0] -= len(key) + 3 if isinstance(key, str) else 2
        members[key] = _trimmed(value[key], budget)
    return value if budget[0] > 0 else members


def canonical(value: object) -> str:
    """A stable key for comparing values of any JSON type: `true` is not `1` (JSON spells them
    apart), `1.0` is `1` (JSON Schema compares numbers by value), `"1"` is neither."""
    if type(value) is float and value.is_integer():
        value = int(value)
    try:
        return _ENCODER.encode(value)
    except (TypeError, ValueError):  # keys of mixed types, an integer too long to print
        return repr(value)
