"""Facts: the changes that are one fact, told once (a shared component's change is reported
once per operation that reaches it; a reviewer and an annotation want it once)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from oasguard.changes import Change, Level


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
        names = [name for name in map(_name, self.changes) if name is not None]
        subject = first.args.get("subject")
        if len(names) < len(self.changes) or not isinstance(subject, str) or subject not in first.message:
            return first.message
        shared = _common_tail([name.split(".") for name in names])
        if not shared:
            return first.message
        return first.message.replace(subject, _renamed(subject, names[0], ".".join(shared)), 1)


def facts(changes: Iterable[Change]) -> list[Fact]:
    """The changes as facts: the most severe level first, then in the order of each fact's first
    change (the report's order, so the same documents always give the same list)."""
    grouped: dict[tuple[str, ...], list[Change]] = {}
    for change in changes:
        grouped.setdefault(_key(change), []).append(change)
    found = [Fact(_digest(key), tuple(members)) for key, members in grouped.items()]
    return sorted(found, key=lambda fact: -fact.level.rank)  # stable: ties keep the report's order


def _key(change: Change) -> tuple[str, ...]:
    return (
        change.id,
        change.level.value,
        change.document or "",
        change.file,
        "base" if change.in_base else "revision",
        change.pointer,
        _message_aside_operation(change),
    )


def _digest(key: tuple[str, ...]) -> str:
    return hashlib.sha256("\x1f".join(key).encode("utf-8", "replace")).hexdigest()[:12]


def _name(change: Change) -> str | None:
    name = change.args.get("name")
    return name if isinstance(name, str) and name else None


def _message_aside_operation(change: Change) -> str:
    """The message without what only tells the operation apart: the operation itself, its
    method, and the property path up to the shared element (where each operation's body holds
    it). A parameter's name stays: two operations that name a shared schema differently are
    two facts (`path parameter 'petId'` and `path parameter 'userId'`)."""
    text = change.message
    name, subject = _name(change), change.args.get("subject")
    if name is not None and isinstance(subject, str) and subject in text:
        text = text.replace(subject, _renamed(subject, name, "\x00name"), 1)
    if change.operation:
        text = text.replace(change.operation, "\x00operation")
        method = change.operation.split(" ", 1)[0]
        text = re.sub(rf"\b{re.escape(method)}\b", "\x00method", text)
    return text


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
