"""Turn facts into changes: the registry gives each its level and renders its message."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from dataclasses import replace

from oasguard.changes import Change, encodable, first_order
from oasguard.compare.facts import Fact
from oasguard.model.nodes import Where
from oasguard.rules.base import Rule
from oasguard.rules.registry import RULES


class _Args(dict):
    """Template arguments; a missing one renders as '?' rather than failing the run, and a value
    that is not text as JSON writes it (`null`, `true`, `1e+20`), never as Python would."""

    def __getitem__(self, key: str) -> str:
        if key not in self:
            return "?"
        value = dict.__getitem__(self, key)
        return value if isinstance(value, str) else _written(value)


def _written(value: object) -> str:
    try:
        return _ENCODER.encode(value)
    except (TypeError, ValueError):  # keys of mixed types, an integer too long to print
        try:
            return json.dumps(str(value), ensure_ascii=False)
        except ValueError:
            return "a number too long to print"


def _plain(value: object) -> object:
    """What a value that JSON cannot hold stands for in a document: bytes as YAML's `!!binary`
    writes them (base64), a date as written, a set as the list of its members."""
    if isinstance(value, (bytes, bytearray)):
        import base64

        return base64.b64encode(value).decode("ascii")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=str)
    return str(value)


#: `json.dumps(value, sort_keys=True, ensure_ascii=False, default=_plain)`'s encoder, made once
_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, default=_plain)


def classify(facts: Iterable[Fact]) -> list[Change]:
    """One change per fact, identical changes within an operation kept once, in a stable order."""
    seen: set[tuple[object, ...]] = set()
    changes = []
    # A shared component's change comes once per operation that reaches it, with the same
    # arguments and the same place: its message and its pointer's text are made once. (The
    # tables hold the arguments and places they are keyed by, so no id is reused meanwhile.)
    messages: dict[tuple[str, int], tuple[dict[str, object], str]] = {}
    places: dict[int, tuple[Where, str, str, tuple[str, str]]] = {}
    for fact in facts:
        rule = RULES[fact.rule]
        args = fact.args
        said = messages.get((rule.id, id(args)))
        if said is None:
            said = messages[rule.id, id(args)] = (args, render_message(rule, args))
        message = said[1]
        subject = fact.subject
        where = fact.where
        place = places.get(id(where))
        if place is None:
            file = where.file.as_posix()
            place = places[id(where)] = (where, encodable(where.pointer), file, (file, where.pointer))
        count = len(seen)  # the key hashed once: added, and kept if that made the set larger
        seen.add((subject.method, subject.path, rule.id, message, place[3]))  # place[3]: `where` as text
        if len(seen) == count:
            continue
        # Change(id, level, message, subject, pointer, file, in_base, source, document,
        # consumers, args, deprecated), its arguments in order (a call by keywords costs more)
        changes.append(
            Change(
                rule.id,
                rule.level,
                message,
                subject,
                place[1],
                place[2],
                fact.in_base,
                None,
                None,
                (),
                args,
                fact.deprecated,
            )
        )
    changes.sort(key=first_order)
    _number_repeats(changes)
    return changes


def _number_repeats(changes: list[Change]) -> None:
    """Changes that say the same thing at the same place from different places in the document
    (two equal `anyOf` variants removed) are numbered in document order, so that each has a
    fingerprint of its own. Such changes have one sort key (the rule gives the level), so in the
    sorted list they are next to each other."""
    previous: tuple[object, ...] = ()
    count = 1
    for index, change in enumerate(changes):
        key = change.order
        if key == previous:
            count += 1
            changes[index] = replace(change, occurrence=count)
        else:
            previous, count = key, 1


def render_message(rule: Rule, args: dict[str, object]) -> str:
    """The rule's message template filled with a fact's arguments."""
    return encodable(rule.message.format_map(_Args(args)))
