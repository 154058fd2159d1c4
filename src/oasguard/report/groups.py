"""Facts: the changes that are one fact, told once (a shared component's change is reported
once per operation that reaches it; a reviewer and an annotation want it once)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

from oasguard.changes import Change, Level
from oasguard.digest import sha256


@dataclass(frozen=True)
class Fact:
    """Changes that state the same fact: the same rule, level, document, file and pointer, and
    the same message once the operation is set aside. `changes` keeps the report's order."""

    #: stable within a report and between runs of the same documents: a hash of the fact's key
    id: str
    changes: tuple[Change, ...]

    @property
    def first(self) -> Change:
        return self.changes[0]

    @property
    def level(self) -> Level:
        return self.first.level

    @property
    def rule(self) -> str:
        return self.first.id

    @property
    def operations(self) -> list[str]:
        """The operations the fact is in, each once, in the report's order."""
        return list(dict.fromkeys(c.operation for c in self.changes if c.operation is not None))

    @property
    def consumers(self) -> tuple[str, ...]:
        """Every consumer any of its changes affects, in the order first named."""
        return tuple(dict.fromkeys(name for c in self.changes for name in c.consumers))

    @property
    def message(self) -> str:
        """The first change's message, with a property path cut to the part every change of
        the fact shares (`repository.license.url` and `[].license.url` → `license.url`): that
        part is the shared element's own; the rest is where each operation holds it."""
        first = self.first
        if len(self.changes) == 1:
            return first.message
        return self._methods(self._shared_name())

    def _shared_name(self) -> str:
        first = self.first
        names = [name for name in map(_name, self.changes) if name is not None]
        subject = first.args.get("subject")
        if len(names) < len(self.changes) or not isinstance(subject, str) or subject not in first.message:
            return first.message
        shared = _common_tail([name.split(".") for name in names])
        if not shared:
            return first.message
        return first.message.replace(subject, _renamed(subject, names[0], ".".join(shared)), 1)

    def _methods(self, message: str) -> str:
        """The message with the first operation's method, when it names it, as every method the
        fact is in (`path '/a' was removed (DELETE/GET no longer exists)`): the fact is one, the
        methods are not."""
        methods = list(dict.fromkeys(operation.split(" ", 1)[0] for operation in self.operations))
        if len(methods) < 2 or methods[0] not in message:
            return message
        return _word(methods[0]).sub("/".join(methods), message)


def facts(changes: Iterable[Change]) -> list[Fact]:
    """The changes as facts: the most severe level first, then in the order of each fact's first
    change (the report's order, so the same documents always give the same list)."""
    grouped: dict[tuple[str, ...], list[Change]] = {}
    for change in changes:
        grouped.setdefault(_key(change), []).append(change)
    found = [Fact(_digest(key), tuple(members)) for key, members in grouped.items()]
    return sorted(found, key=lambda fact: -fact.level.rank)  # stable: ties keep the report's order


def fact_id(change: Change) -> str:
    """The id of the fact `change` is part of (the `Fact.id` that `facts` gives it), from the
    change alone: the JSON report writes it per change without grouping the report.

    A fact is in many operations and its id the same in each: unless the message names the
    change's method (then the operation is set aside from it, `_message_aside_operation`), the id
    depends only on what `_IDS` is keyed by, and is looked up there (Stripe: 2,001 changes, 12
    facts; the key and its digest cost 9,000 instructions a change)."""
    method = change.subject.method
    message = change.message
    if method is not None and method in message:
        return _digest(_key(change))
    args = change.args
    name, subject = args.get("name"), args.get("subject")
    key = (
        change.id,
        change.level._value_,
        message,
        change.pointer,
        change.file,
        change.in_base,
        change.document,
        # what `_message_aside_operation` reads of the arguments, when it reads them
        (name, subject) if isinstance(name, str) and name and isinstance(subject, str) else None,
    )
    found = _IDS.get(key)
    if found is None:
        if len(_IDS) >= _IDS_KEPT:
            _IDS.clear()
        found = _IDS[key] = _digest(_key(change))
    return found


#: `fact_id` of the changes whose message does not name their method (bounded: a long-lived
#: process diffs many times); the method is upper case, and what `_message_aside_operation`
#: writes in a message has no upper-case letter, so it cannot make the method appear
_IDS: dict[tuple[object, ...], str] = {}
_IDS_KEPT = 20_000


def entries(changes: Iterable[Change]) -> list[Fact]:
    """What a human report lists, in the report's order: a fact in several operations once, at
    its first change; any other change on its own (a fact in one operation reads as before)."""
    listed = list(changes)
    grouped: dict[tuple[str, ...], list[Change]] = {}
    keys = [_key(change) for change in listed]
    for key, change in zip(keys, listed, strict=True):
        grouped.setdefault(key, []).append(change)
    # whether a group is in several operations: once per group, not once per member
    several = {
        key: len({c.subject.operation for c in members} - {None}) > 1 for key, members in grouped.items()
    }
    found: list[Fact] = []
    for key, change in zip(keys, listed, strict=True):
        if not several[key]:
            found.append(Fact(_digest(key), (change,)))
        elif grouped[key][0] is change:
            found.append(Fact(_digest(key), tuple(grouped[key])))
    return found


def _key(change: Change) -> tuple[str, ...]:
    return (
        change.id,
        change.level._value_,
        change.document or "",
        change.file,
        "base" if change.in_base else "revision",
        change.pointer,
        _message_aside_operation(change),
    )


def _name(change: Change) -> str | None:
    name = change.args.get("name")
    return name if isinstance(name, str) and name else None


def _message_aside_operation(change: Change) -> str:
    """The message without what only tells the operation apart: the operation itself, its
    method, and the property path up to the shared element (where each operation's body holds
    it). A parameter's name stays: two operations that name a shared schema differently are
    two facts (`path parameter 'petId'` and `path parameter 'userId'`)."""
    args = change.args
    name, subject = args.get("name"), args.get("subject")
    if isinstance(name, str) and name and isinstance(subject, str):
        text = _name_aside(change.message, subject, name)
    else:
        text = change.message
    operation = change.subject.operation
    if operation:
        method = operation.partition(" ")[0]
        # the operation starts with its method: a message without the method has neither (most
        # messages, and the same text for every operation that reaches a shared component)
        if method in text:
            text = text.replace(operation, "\x00operation")
            if method in text:  # rare after the operation is out: spare the regular expression
                text = _word(method).sub("\x00method", text)
    return text


@lru_cache(maxsize=4096)
def _name_aside(message: str, subject: str, name: str) -> str:
    """`message` with the property path `name` in its `subject` set aside: the same for every
    operation that reaches a shared component's change, so made once."""
    if subject not in message:
        return message
    return message.replace(subject, _renamed(subject, name, "\x00name"), 1)


@lru_cache(maxsize=4096)
def _digest(key: tuple[str, ...]) -> str:
    return sha256("\x1f".join(key).encode("utf-8", "replace")).hexdigest()[:12]


@cache
def _word(word: str) -> re.Pattern[str]:
    return re.compile(rf"\b{re.escape(word)}\b")


def _renamed(subject: str, name: str, new: str) -> str:
    """`subject` with its property path `name` (written last: `response property 'a.b'`) as `new`."""
    head, found, tail = subject.rpartition(name)
    return head + new + tail if found else subject


def _common_tail(paths: list[list[str]]) -> list[str]:
    """The longest list of trailing segments every path ends with."""
    shortest = min(len(path) for path in paths)
    size = 0
    while size < shortest and len({path[-1 - size] for path in paths}) == 1:
        size += 1
    return paths[0][len(paths[0]) - size :]
