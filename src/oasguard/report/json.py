"""The JSON report of SPEC 2: the contract other tools parse."""

from __future__ import annotations

import io
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator

from oasguard.changes import Change, Report, Shape, Texts, encodable, located
from oasguard.report import Needs, RenderOptions
from oasguard.report.groups import fact_id
from oasguard.static import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any, TextIO


def change_dict(change: Change) -> dict[str, object]:
    """A change as the JSON report writes it; the keys that features add only when known.
    `group` is shared by the changes that are one fact (a shared component's change, once per
    operation that reaches it): the human reports list such a fact once."""
    fields: dict[str, object] = {
        "id": change.id,
        "level": change.level.value,
        "message": change.message,
        "operation": change.operation,
        "location": change.location,
        "pointer": change.pointer,
        "fingerprint": change.fingerprint,
        "group": fact_id(change),
    }
    if change.source is not None:
        fields["source"] = {"file": change.source.file, "line": change.source.line}
    if change.document is not None:
        fields["document"] = change.document
    if change.consumers:
        fields["consumers"] = list(change.consumers)
    return fields


def shape_dict(shape: Shape) -> dict[str, object]:
    """A shape diff as the JSON report writes it (with `--shapes`)."""
    return {
        "operation": shape.operation,
        "document": shape.document,
        "title": shape.title,
        "lines": [{"mark": x.mark, "depth": x.depth, "text": x.text, "note": x.note} for x in shape.lines],
    }


def report_dict(report: Report, shapes: bool = False) -> dict[str, object]:
    """The whole report as `json_chunks` writes it (`ignored` and `notes` only when any, `shapes`
    only when asked for)."""
    document: dict[str, object] = {
        "summary": report.summary,
        "changes": [change_dict(c) for c in report.changes],
    }
    if report.ignored:
        document["ignored"] = [{**change_dict(i.change), "reason": i.reason} for i in report.ignored]
    if report.notes:
        document["notes"] = list(report.notes)
    if report.approved:
        document["approved"] = "; ".join(report.approved.values())
    if report.attributed:
        document["unmatched"] = list(report.unmatched)
        document["consumers"] = report.per_consumer()
    if shapes:
        document["shapes"] = [shape_dict(shape) for shape in report.shapes]
    return document


def render_json(report: Report, shapes: bool = False) -> str:
    """The report as one string (see `json_chunks`)."""
    return "".join(json_chunks(report, shapes))


def json_chunks(report: Report, shapes: bool = False) -> Iterator[str]:
    """The report as `json.dumps(report_dict(report, shapes), indent=2, ensure_ascii=False)` writes it,
    byte for byte, in pieces, with each value written by the C string encoder: the generic
    indenting encoder is pure Python and took 0.5 s for the 60,000 changes of a 4.5-year Stripe
    diff."""
    return _chunks(report, shapes, None)


def _chunks(report: Report, shapes: bool, encoded: Callable[[str], Any] | None) -> Iterator[Any]:
    """`json_chunks`, or with `encoded` its text encoded (`JsonReporter` writing bytes)."""
    final = _same if encoded is None else encoded
    summary = json.dumps(report.summary, indent=2, ensure_ascii=False).replace("\n", "\n  ")
    yield final(f'{{\n  "summary": {summary},\n  "changes": ')
    yield from _changes(report.changes, encoded)
    tail = []
    if report.ignored:
        tail.append(',\n  "ignored": ')
        tail.extend(_objects({**change_dict(i.change), "reason": i.reason} for i in report.ignored))
    if report.notes:
        tail.append(',\n  "notes": ' + _nested(list(report.notes), "  "))
    if report.approved:
        tail.append(',\n  "approved": ' + _encode_string("; ".join(report.approved.values())))
    if report.attributed:
        tail.append(',\n  "unmatched": ' + _nested(list(report.unmatched), "  "))
        tail.append(',\n  "consumers": ' + _nested(report.per_consumer(), "  "))
    if shapes:  # with `--shapes` only: every other key stays as it was
        tail.append(',\n  "shapes": ' + _nested([shape_dict(shape) for shape in report.shapes], "  "))
    tail.append("\n}\n")
    yield from map(final, tail)


def _same(text: str) -> str:
    return text


def _objects(objects: Iterable[dict[str, object]]) -> Iterator[str]:
    """A list of flat objects at the report's second level, as json.dumps(indent=2) writes it."""
    empty = True
    for fields in objects:
        body = ",\n".join(f"      {_encode_string(key)}: " + _value(value) for key, value in fields.items())
        yield ("[\n    {\n" if empty else ",\n    {\n") + body + "\n    }"
        empty = False
    yield "[]" if empty else "\n  ]"


def _changes(changes: Iterable[Change], encoded: Callable[[str], Any] | None = None) -> Iterator[Any]:
    """`_objects(change_dict(change) for change in changes)`, written straight from each change:
    the report's 2,000 changes are its largest part. A shared component's change repeats its
    rule, message and pointer in every operation that reaches it, and an operation or a place
    below it is in many changes: each such text is escaped once (`Texts`). A location is
    its operation's and its place's escaped texts joined (escaping is per character); the
    fingerprint and the group are hexadecimal digits, which JSON writes as they are.

    With `encoded`, each change is written as bytes from pieces each encoded once (the texts,
    the lines a fact's changes share) and the change's own digits: a location holds `›`, and a
    text holding it costs about ten instructions a character to encode (UTF-8 encodes
    character by character, so the pieces encoded and joined are the text encoded)."""
    piece = _same if encoded is None else encoded
    join = "".join if encoded is None else b"".join
    text = Texts(_encode_string)  # each text as JSON writes it, escaped on its first use
    written = text if encoded is None else Texts(lambda value: piece(text[value]))
    # an operation's string without its closing quote, a place's without its opening quote
    opened = Texts(lambda operation: written[operation][:-1])
    closed = Texts(lambda place: written[place][1:])
    between = piece(located("", ""))
    # the lines a fact's changes share, made once: its rule, level and message; its pointer
    heads: dict[tuple[str, str, str], Any] = {}
    pointers: dict[str, Any] = {}
    first, then, where = piece("[\n    {\n"), piece(",\n    {\n"), piece(',\n      "location": ')
    null = piece("null")
    start = first
    for change in changes:
        subject = change.subject
        operation = subject.operation
        said = (change.id, change.level._value_, change.message)  # an enum's hash is a call of Python
        head = heads.get(said)
        if head is None:
            head = heads[said] = piece(
                f'      "id": {text[change.id]},\n'
                f'      "level": {text[change.level.value]},\n'
                f'      "message": {text[change.message]},\n'
                '      "operation": '
            )
        pointer = pointers.get(change.pointer)
        if pointer is None:
            pointer = pointers[change.pointer] = piece(
                f',\n      "pointer": {text[change.pointer]},\n      "fingerprint": "'
            )
        own = f'{change.fingerprint}",\n      "group": "{fact_id(change)}"'
        if change.source is not None or change.document is not None or change.consumers:
            extra = {key: value for key, value in change_dict(change).items() if key not in _FIRST}
            own += "".join(f",\n      {text[key]}: " + _value(value) for key, value in extra.items())
        own = piece(own + "\n    }")
        if operation is None:
            yield join((start, head, null, where, written[subject.location], pointer, own))
        elif subject.steps:
            place = subject.place
            quoted = written[operation]
            yield join((start, head, quoted, where, opened[operation], between, closed[place], pointer, own))
        else:
            quoted = written[operation]
            yield join((start, head, quoted, where, quoted, pointer, own))
        start = then
    yield piece("[]" if start is first else "\n  ]")


#: the keys `change_dict` always writes, in its order (`_changes` writes them itself)
_FIRST = frozenset({"id", "level", "message", "operation", "location", "pointer", "fingerprint", "group"})


def _value(value: object) -> str:
    """A value of a change's object as `_objects` writes it."""
    return (
        "null"
        if value is None
        else _encode_string(encodable(value))
        if isinstance(value, str)
        else _nested(value, "      ")
    )


def _nested(value: object, indent: str) -> str:
    """A value other than a string at `indent`, by the standard encoder (rare: sources, lists,
    notes), its texts as UTF-8 can carry them: a note or a consumer's name may quote a lone
    surrogate that a document or a contract spelled `\\ud800`."""
    return json.dumps(_carried(value), indent=2, ensure_ascii=False).replace("\n", "\n" + indent)


def _carried(value: object) -> object:
    """`value` with each text in it (keys too) made `encodable`."""
    if isinstance(value, str):
        return encodable(value)
    if isinstance(value, dict):
        return {_carried(key): _carried(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_carried(item) for item in value]
    return value


#: the encoder `json.dumps(..., ensure_ascii=False)` uses for strings (C when available)
_encode_string = json.encoder.encode_basestring


class JsonReporter:
    """The JSON report of SPEC 2."""

    needs = Needs()

    def render_diff(self, report: Report, out: TextIO, options: RenderOptions) -> None:
        raw = _raw(out)
        if raw is None:
            out.writelines(json_chunks(report, options.shapes))
            return
        encoding, errors = out.encoding, out.errors

        def encoded(text: str) -> bytes:
            return text.encode(encoding, errors)

        out.flush()  # what was written before, then the report's bytes after it
        raw.writelines(_chunks(report, options.shapes, encoded))


def _raw(out: TextIO) -> io.BufferedIOBase | None:
    """The byte stream under `out` when the report may be written to it as bytes, the same bytes
    as `out` would write: the interpreter's own standard output (which translates no newline
    but on Windows, and has no other setting that would change a byte) in UTF-8."""
    if out is not sys.__stdout__ or type(out) is not io.TextIOWrapper or os.linesep != "\n":
        return None
    if out.encoding.lower().replace("_", "-") not in ("utf-8", "utf8"):
        return None
    return out.buffer  # type: ignore[return-value]
