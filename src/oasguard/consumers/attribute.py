"""Attribution (SPEC 5.3): which consumers each change breaks, joined to the changes after
policy. Request-side rules are judged by the values each consumer sends, response-side rules by
the fields it reads, operation-level rules by use of the operation; where the evidence cannot
settle it, every consumer of the operation is named (over-approximate, never under)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from http.cookies import CookieError, SimpleCookie
from urllib.parse import unquote

from oasguard.changes import Change, Ignored, Level, Report
from oasguard.consumers.match import OperationIndex
from oasguard.consumers.model import ABSENT, Interaction
from oasguard.consumers.read import Consumers
from oasguard.consumers.values import accepts, from_text
from oasguard.model.nodes import Api, Operation, Schema, path_key
from oasguard.rules.base import Area
from oasguard.rules.registry import RULES

#: rules a consumer is hit by when it does NOT send the thing (it becomes required, or the
#: value the server assumes in its place changes)
_WHEN_ABSENT = frozenset(
    {
        "required-request-parameter-added",
        "request-parameter-became-required",
        "required-request-parameter-renamed",
        "request-parameter-default-changed",
        "required-request-body-added",
        "request-body-became-required",
        "request-required-property-added",
        "request-property-became-required",
        "request-default-changed",
    }
)
#: request rules that hit whoever sends the thing, whatever its value
_WHEN_SENT = frozenset(
    {
        "request-parameter-removed",
        "request-parameter-removed-before-sunset",
        "request-parameter-location-changed",
        "request-parameter-style-changed",
        "request-parameter-renamed",
        "request-parameter-allow-empty-value-removed",
        "request-body-removed",
        "request-media-type-removed",
        "request-property-removed",
        "request-property-removed-from-closed-object",
        "request-property-became-read-only",
        "request-property-renamed",
        "request-stability-decreased",
    }
)
_PLACEHOLDER = re.compile(r"\{([^{}/]*)\}")
_ITEMS, _VALUES, _SKIP = object(), object(), object()
#: schema steps as body steps: map values and items expanded, keywords and variants passed through
_BODY_STEP = {"items": _ITEMS, "values": _VALUES, "variant": _SKIP, "keyword": _SKIP}


@dataclass(frozen=True)
class Unmatched:
    """An interaction that calls no operation of any document compared."""

    interaction: Interaction

    def as_dict(self) -> dict[str, object]:
        i = self.interaction
        return {
            "consumer": i.consumer,
            "description": i.description,
            "file": i.source.file,
            "index": i.source.index,
            "method": i.request.method,
            "path": i.request.path,
        }


@dataclass
class _Document:
    """One document's interactions by operation (base and revision matched), and its operations."""

    users: dict[str, list[Interaction]] = field(default_factory=dict)
    #: the path parameter values each interaction sends, by position in its template
    path_values: dict[int, tuple[str, ...]] = field(default_factory=dict)
    revision: dict[str, Operation] = field(default_factory=dict)
    base: dict[str, Operation] = field(default_factory=dict)
    bases: tuple[str, ...] = ("",)


def _key(method: str, path: str) -> str:
    return f"{method.upper()} {path_key(path)}"


def attribute(report: Report, consumers: Consumers, apis: Sequence[tuple]) -> Report:
    """`report` with every change's `consumers` filled, the unmatched interactions listed, and a
    note per interaction skipped on purpose. `apis`: (base Api, revision Api, document name, and
    the loaded base Document when the base Api leaves out what is unchanged) of each document
    compared (the name None for a single pair)."""
    documents: dict[str | None, _Document] = {}
    matched: set[int] = set()
    for base, revision, name, *loaded in apis:
        document = documents[name] = _Document()
        base_index = OperationIndex(base, loaded[0] if loaded else None)
        # the operations the comparison kept (the changed ones), by the shape of their path
        document.base = _by_shape(base)
        document.revision = _by_shape(revision)
        document.bases = base_index.bases
        for number, interaction in enumerate(consumers.interactions):
            # consumers were written against the base: an interaction is judged where it worked
            operation = base_index.match(interaction)
            if operation is None:
                continue
            matched.add(number)
            values = base_index.path_values(interaction, operation)
            if values is not None:
                document.path_values[id(interaction)] = values
            document.users.setdefault(_key(operation.method, operation.path), []).append(interaction)
    changes = [_attributed(change, documents) for change in report.changes]
    ignored = [Ignored(_attributed(i.change, documents), i.reason) for i in report.ignored]
    unmatched = [Unmatched(i) for n, i in enumerate(consumers.interactions) if n not in matched]
    notes = [
        *report.notes,
        *(
            f"unmatched interaction: {u.interaction.label} calls {u.interaction.request.method} "
            f"{u.interaction.request.path}, which no operation matches"
            for u in unmatched
        ),
        *(
            f"skipped {s.source}: {s.description or '(no description)'}: {s.reason}"
            for s in consumers.skipped
        ),
    ]
    return replace(
        report,
        changes=changes,
        ignored=ignored,
        notes=notes,
        unmatched=[u.as_dict() for u in unmatched],
        known_consumers=consumers.names,
        attributed=True,
    )


def _by_shape(api: Api) -> dict[str, Operation]:
    """The operations of `api` by "METHOD /shape" (the keys already hold the shape, except a
    twin's, which holds its literal template)."""
    return {
        _key(o.method, o.path) if (p, m) in api.twins else f"{m.upper()} {p}": o
        for (p, m), o in api.operations.items()
    }


def _attributed(change: Change, documents: dict[str | None, _Document]) -> Change:
    document = documents.get(change.document) or (next(iter(documents.values())) if documents else None)
    if document is None:
        return change
    names = _judge(change, document)
    return replace(change, consumers=tuple(sorted(names))) if names else change


def _judge(change: Change, document: _Document) -> set[str]:
    rule = RULES.get(change.id)
    if rule is not None and rule.level is Level.SAFE:
        return set()  # an addition or a loosening: no interaction fails for it
    if rule is not None and rule.area is Area.VERSIONING:
        return set()  # info.version: no interaction reads it (the changes it counts name theirs)
    subject = change.subject
    if subject.method is None or subject.path is None:  # document-wide (servers, schemes): every user
        return {i.consumer for users in document.users.values() for i in users}
    key = _key(subject.method, subject.path)
    users = document.users.get(key, [])
    if not users:
        return set()
    if subject.callback is not None or subject.webhook or not subject.below_operation:
        return _everyone(users)  # the operation as a whole, or a request the API sends
    operation = document.revision.get(key)
    if subject.parameter is not None:
        location, name = subject.parameter
        positions = _path_positions(document.base.get(key), operation, name)
        sent = {id(i): document.path_values.get(id(i)) for i in users}
        return _parameter(change, users, location, name, operation, positions, sent)
    if subject.body:
        return _request_body(change, users, operation)
    if subject.status is not None:
        return _response(change, users, subject.status, document.base.get(key))
    return _everyone(users)  # security, the operation's id or stability: every user of it


def _everyone(users: Iterable[Interaction]) -> set[str]:
    return {i.consumer for i in users}


# --- parameters: judged by the values sent -------------------------------------------------------


def _path_positions(base: Operation | None, revision: Operation | None, name: str) -> set[int]:
    """Where path parameter `name` stands in the template (the base's or the revision's names)."""
    positions = set()
    for operation in (base, revision):
        if operation is not None:
            names = _PLACEHOLDER.findall(operation.path)
            if name in names:
                positions.add(names.index(name))
    return positions


def _sent_parameter(
    interaction: Interaction,
    location: str,
    names: set[str],
    positions: set[int] = frozenset(),  # type: ignore[assignment]
    path_values: tuple[str, ...] | None = None,
) -> list[str] | None:
    """The values `interaction` sends for the parameter (any of `names`), None if it sends none
    (a path parameter is always sent: [] when its value is not known)."""
    request = interaction.request
    if location == "query":
        found = [value for key, value in request.query if key in names]
    elif location == "header":
        lower = {n.lower() for n in names}
        found = [value for key, value in request.headers if key.lower() in lower]
    elif location == "cookie":
        cookie = request.header("cookie")
        found = []
        if cookie:
            try:
                jar = SimpleCookie(cookie)
            except CookieError:
                return [cookie]  # cannot tell which: assume it is sent
            found = [jar[n].value for n in names if n in jar]
    else:  # a path parameter: always sent
        if path_values is None or len(positions) != 1:
            return []
        (position,) = positions
        return [unquote(path_values[position])] if position < len(path_values) else []
    return found or None


def _parameter(
    change: Change,
    users: list[Interaction],
    location: str,
    name: str,
    operation: Operation | None,
    positions: set[int],
    path_values: dict[int, tuple[str, ...] | None],
) -> set[str]:
    names = {name} if change.subject.former is None else {name, change.subject.former}
    names.discard("")
    hit: set[str] = set()
    schema = _parameter_schema(operation, location, name)
    for interaction in users:
        sent = _sent_parameter(interaction, location, names, positions, path_values.get(id(interaction)))
        if change.id in _WHEN_ABSENT:
            if sent is None:
                hit.add(interaction.consumer)
        elif change.id in _WHEN_SENT or schema is None or sent == []:
            if sent is not None:
                hit.add(interaction.consumer)
        elif sent is not None and any(
            accepts(schema, from_text(schema, value)) is not True for value in sent
        ):
            hit.add(interaction.consumer)
    return hit


def _parameter_schema(operation: Operation | None, location: str, name: str) -> Schema | None:
    if operation is None:
        return None
    for parameter in operation.parameters.values():
        same = parameter.name.lower() == name.lower() if location == "header" else parameter.name == name
        if parameter.location == location and same:
            return parameter.schema
    return None


# --- request bodies: judged by the values sent -----------------------------------------------------


def _steps(change: Change) -> list[object]:
    """The schema steps of a change's subject as body steps: keys, items, values (keywords and
    variants skipped)."""
    return [_BODY_STEP.get(step.kind, step.label) for step in change.subject.schema_path]


def _values_at(body: object, steps: Sequence[object]) -> list[object]:
    """Every value of `body` at `steps` (arrays and maps expanded; keywords pass through)."""
    current = [body]
    for step in steps:
        if step is _SKIP:
            continue
        following: list[object] = []
        for value in current:
            if step is _ITEMS:
                if isinstance(value, list):
                    following.extend(value)
            elif step is _VALUES:
                if isinstance(value, dict):
                    following.extend(value.values())
            elif isinstance(value, dict) and step in value:
                following.append(value[step])
        current = following
        if not current:
            break
    return current


def _schema_at(schema: Schema | None, steps: Sequence[object]) -> Schema | None:
    """The revision's schema at `steps`, None when the way cannot be followed plainly."""
    for step in steps:
        if schema is None:
            return None
        if step is _SKIP:
            return None
        if step is _ITEMS:
            schema = schema.items
        elif step is _VALUES:
            schema = schema.additional if isinstance(schema.additional, Schema) else None
        else:
            schema = schema.properties.get(step)  # type: ignore[call-overload]
    return schema


def _media_matches(content_type: str | None, media: str | None, has_body: bool) -> bool:
    """Whether a body sent or read with `content_type` is of `media` (unknown: yes, if any)."""
    if media is None:
        return True
    if content_type is None:
        return has_body
    if media == content_type or media in ("*/*", "application/*"):
        return True
    kind, _, sub = media.partition("/")
    return sub == "*" and content_type.startswith(kind + "/")


def _request_body(change: Change, users: list[Interaction], operation: Operation | None) -> set[str]:
    media = change.subject.media_type
    steps = _steps(change)
    hit: set[str] = set()
    schema = None
    if operation is not None and operation.body is not None and media in operation.body.content:
        schema = _schema_at(operation.body.content[media].schema, steps)  # type: ignore[index]
    former = change.subject.former
    for interaction in users:
        request = interaction.request
        body = request.body
        sends = body is not ABSENT
        if not _media_matches(request.content_type, media, sends) and media is not None and sends:
            continue
        if not steps:
            if change.id in _WHEN_ABSENT:
                if not sends:
                    hit.add(interaction.consumer)
            elif sends and (schema is None or change.id in _WHEN_SENT or accepts(schema, body) is not True):
                hit.add(interaction.consumer)
            continue
        if not sends:
            if change.id in _WHEN_ABSENT:
                hit.add(interaction.consumer)  # nothing sent where something is now required
            continue
        if change.id in _WHEN_ABSENT:
            *parents, last = steps
            holders = _values_at(body, parents)
            if any(not isinstance(h, dict) or last not in h for h in holders) or (
                not parents and not holders
            ):
                hit.add(interaction.consumer)
            continue
        values = _values_at(body, steps)
        if former is not None and steps:  # a property renamed: the consumer may send its old name
            values += _values_at(body, [*steps[:-1], former])
        if not values:
            continue
        if (
            change.id in _WHEN_SENT
            or schema is None
            or any(accepts(schema, value) is not True for value in values)
        ):
            hit.add(interaction.consumer)
    return hit


# --- responses: judged by the status, headers and fields read --------------------------------------


def _expects(interaction: Interaction, status: str, base: Operation | None) -> bool:
    """Whether the interaction expects the response documented as `status`."""
    got = interaction.response.status
    if got is None:
        return True  # the evidence does not say: over-approximate
    if status == str(got):
        return True
    if len(status) == 3 and status.upper().endswith("XX"):
        return str(got)[0] == status[0]
    if status == "default":
        documented = set(base.responses) if base is not None else set()
        return str(got) not in documented and f"{str(got)[0]}XX" not in documented
    return False


def _response(change: Change, users: list[Interaction], status: str, base: Operation | None) -> set[str]:
    hit: set[str] = set()
    readers = [i for i in users if _expects(i, status, base)]
    subject = change.subject
    if subject.header is not None:
        return {i.consumer for i in readers if i.response.header(subject.header) is not None}
    if subject.steps[-1].kind == "response":  # the status itself
        return _everyone(readers)
    media, steps = subject.media_type, _steps(change)
    former = subject.former
    for interaction in readers:
        expected = interaction.response
        has_body = expected.body is not ABSENT
        if not _media_matches(expected.content_type, media, has_body):
            continue
        if not steps or all(step is _SKIP for step in steps):
            hit.add(interaction.consumer)
            continue
        if not has_body:
            continue
        found = _values_at(expected.body, steps)
        if not found and former is not None and steps:
            found = _values_at(expected.body, [*steps[:-1], former])
        if found:
            hit.add(interaction.consumer)
    return hit
