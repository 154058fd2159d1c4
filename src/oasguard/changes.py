"""The classified change: what rules produce and every reporter consumes."""

from __future__ import annotations

import enum
import functools
import json
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

# `NamedTuple` from `oasguard.static`, not `typing`: `typing` is 2 ms of every start, and its
# NamedTuple also compiled each field's annotation written as a string (a `ForwardRef` each)
from oasguard.static import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from typing import Any, TypeVar

    T = TypeVar("T")


class Level(enum.Enum):
    BREAKING = "breaking"
    WARNING = "warning"
    SAFE = "safe"

    @property
    def rank(self) -> int:
        """Higher is more severe."""
        return _RANK[self._value_]


#: each level's rank, by its value: an enum member's hash is a call of Python (`Enum.__hash__`),
#: a string's is kept in the string
_RANK = {"breaking": 2, "warning": 1, "safe": 0}
#: the levels, most severe first
_SEVERE_FIRST = (Level.BREAKING, Level.WARNING, Level.SAFE)


class Side(enum.Enum):
    """Who reads the data a change touches.

    REQUEST: the client writes it and the API reads it (request parameters and bodies, and the
    responses a subscriber sends back to a callback). RESPONSE: the API writes it and the client
    reads it (responses, and the requests the API sends to callbacks and webhooks).
    """

    REQUEST = "request"
    RESPONSE = "response"

    @property
    def flipped(self) -> Side:
        return Side.RESPONSE if self is Side.REQUEST else Side.REQUEST


@dataclass(frozen=True)
class Source:
    """Where a change's element is written: a file (a path from the repository root, or from
    the document's folder outside a repository), its 1-based line, and which side it is read
    from ("revision", or "base" for something removed)."""

    file: str
    line: int | None
    side: str = "revision"


if TYPE_CHECKING:
    # what it stands for, generic in the value's type (`_once` cannot be: `typing.Generic`)
    _once = functools.cached_property
else:

    class _once:
        """`functools.cached_property` without its lock (Python 3.11 takes one on every first
        read): the value is computed on the first read and then found in the instance's
        `__dict__`."""

        def __init__(self, compute: Callable[[Any], object]) -> None:
            self.compute = compute
            self.name = compute.__name__
            self.__doc__ = compute.__doc__

        def __get__(self, instance: object, owner: type | None = None) -> object:
            if instance is None:  # read on the class (help(), inspect): the descriptor itself
                return self
            value = instance.__dict__[self.name] = self.compute(instance)
            return value


#: how each kind of step reads in a location; a kind not listed reads as its label (a property,
#: a media type, a variant, a keyword, a callback's "POST {$url}", "operationId")
_STEP_TEXT = {
    "servers": "servers",
    "security": "security",
    "body": "request body",
    "scheme": "security scheme {label}",
    "response": "response {label}",
    "header": "header {label}",
    "callback": "callback {label}",
    "parameter": "{at} parameter {label}",
    "items": "[]",
    "values": "*",
}


class Step(NamedTuple):
    """One step from an operation (or the document) down to what a change is about.

    `kind` is one of: servers, scheme (a security scheme), security (the requirements), field
    (`operationId`, `x-stability-level`), callback, operation (a callback's "POST {$url}"),
    parameter, body (the request body), response, header, media (one media type), media-types
    (several sharing one schema: "every media type", "a, b"), and below a media type, parameter
    or header the schema's steps: property, items, values, variant, keyword (compare/keywords).
    A named tuple, not a dataclass: the comparison makes one per parameter, response and media
    type it visits, changed or not, and a tuple is made at a third of the cost.
    """

    kind: str
    label: str = ""
    #: a parameter's `in` (query, header, path, cookie)
    at: str = ""

    def __str__(self) -> str:
        template = _STEP_TEXT.get(self.kind)
        return self.label if template is None else template.format(label=self.label, at=self.at)


def located(operation: str, place: str) -> str:
    """A location's text from its operation's and its place's (`Subject.location`; the JSON
    report joins their escaped texts)."""
    return f"{operation} › {place}"


class Texts(dict):  # type: ignore[type-arg]
    """Text made from a key once (`make`), then looked up: a shared component's change is the same
    steps below every operation that reaches it (Stripe: 23,780 steps in 2,001 changes, 86
    distinct). Bounded by `kept` where it outlives a run (a long-lived process diffs many times).
    A text may be a tuple of texts (a schema path's name and subject: compare/schema.describe)."""

    def __init__(self, make: Callable[[Any], Any], kept: int | None = None) -> None:
        super().__init__()
        self.make = make
        self.kept = kept

    def __missing__(self, key: Any) -> Any:
        if self.kept is not None and len(self) >= self.kept:
            self.clear()
        text = self[key] = self.make(key)
        return text


#: each step's text (`str(step)`), and each tuple of steps' (`Subject.place`)
_STEPS = Texts(Step.__str__, 20_000)
_PLACES = Texts(lambda steps: encodable(" › ".join(map(_STEPS.__getitem__, steps))), 20_000)
#: each operation's text, by (method, path) (`Subject.operation`)
_OPERATIONS = Texts(lambda operation: encodable(f"{operation[0]} {operation[1]}"), 20_000)


#: the steps of a schema below its root, as compare/keywords names them
SCHEMA_STEPS = frozenset({"property", "items", "values", "variant", "keyword"})


@dataclass(frozen=True)
class Subject:
    """What a change is about, from the comparison to the report: the operation (method and path
    template as written), the side that reads the data (None for the operation or document as a
    whole), and the steps below the operation. Consumers match interactions against it, policy
    and fingerprints read it; the location text reporters show is rendered from it, never parsed
    back."""

    #: upper case; None when no operation is involved (servers, a security scheme no one uses)
    method: str | None = None
    #: the path template (a webhook's name)
    path: str | None = None
    side: Side | None = None
    steps: tuple[Step, ...] = ()
    #: the name the last step had in the base, when the change is a rename
    former: str | None = None
    #: one of several templates of the same shape and method (which OpenAPI forbids, and some
    #: documents have): told apart from its twins by its parameter names
    twin: bool = False
    webhook: bool = False

    def below(self, *steps: Step, side: Side | None = None, former: str | None = None) -> Subject:
        """This subject `steps` further down (read by `side`, when it says)."""
        return Subject(
            self.method,
            self.path,
            side or self.side,
            (*self.steps, *steps),
            former,
            self.twin,
            self.webhook,
        )

    @_once
    def operation(self) -> str | None:
        """ "METHOD /path" as reports show it, or None: one text for every subject of an
        operation (an operation has many changes)."""
        return _OPERATIONS[self.method, self.path] if self.method is not None else None

    @_once
    def place(self) -> str:
        """The steps as reports show them below the operation ("response 200 › email")."""
        return _PLACES[self.steps]

    @_once
    def location(self) -> str:
        """The operation and the steps as reports show them ("GET /pets › response 200 › ...")."""
        if self.method is None:
            return self.place
        return located(self.operation, self.place) if self.steps else self.operation  # type: ignore[arg-type,return-value]

    def first(self, kind: str) -> Step | None:
        return next((step for step in self.steps if step.kind == kind), None)

    @property
    def callback(self) -> str | None:
        """The callback the change is in (a request the API sends), if any."""
        step = self.first("callback")
        return step.label if step else None

    @property
    def parameter(self) -> tuple[str, str] | None:
        """(in, name) of the parameter the change is about."""
        step = self.first("parameter")
        return (step.at, step.label) if step else None

    @property
    def status(self) -> str | None:
        """The response status ("200", "4XX", "default") the change is about."""
        step = self.first("response")
        return step.label if step else None

    @property
    def header(self) -> str | None:
        step = self.first("header")
        return step.label if step else None

    @property
    def body(self) -> bool:
        """Whether the change is about the request body (or below it)."""
        return self.first("body") is not None

    @property
    def media_type(self) -> str | None:
        """The one media type the change is about; None for several or none."""
        step = self.first("media")
        return step.label if step else None

    @property
    def below_operation(self) -> bool:
        """Whether the change is about something inside the operation, not the whole of it."""
        return bool(self.steps)

    @property
    def schema_path(self) -> tuple[Step, ...]:
        """The schema steps (property, items, values, variant, keyword) below the root schema."""
        return tuple(step for step in self.steps if step.kind in SCHEMA_STEPS)


@dataclass(frozen=True)
class Deprecated:
    """What a removed or newly deprecated thing said of its end: deprecated, and the `x-sunset`
    it gave (as written; None when none). Policy's input (policy.py), not the change's identity:
    a sunset pushed back is the same removal."""

    sunset: object = None


@dataclass(frozen=True, init=False)
class Change:
    """One classified difference between the base and the revision."""

    id: str
    level: Level
    message: str
    subject: Subject
    pointer: str
    #: the document the pointer refers into, relative to its root ("" for the entry document)
    file: str = ""
    #: True when the pointer refers into the base (something removed)
    in_base: bool = False
    #: the file and line of the element; filled only when a format needs it (a reporter's `needs.sources`)
    source: Source | None = field(default=None, compare=False)
    #: which spec the change belongs to when several are diffed (its path from the repository root)
    document: str | None = field(default=None, compare=False)
    #: names of the consumers the change affects (empty when none are known)
    consumers: tuple[str, ...] = field(default=(), compare=False)
    #: the fact's values (which property, which enum value) that fill the message template
    args: Mapping[str, object] = field(default_factory=dict, compare=False, hash=False)
    #: deprecated with this sunset, when a removal or a deprecation (policy reads it)
    deprecated: Deprecated | None = field(default=None, compare=False)
    #: the rule the comparison stated, when policy judged it another (a removal after its sunset)
    stated: str | None = field(default=None, compare=False)
    #: the how-manieth change saying the same thing at the same place (classify.py)
    occurrence: int = field(default=1, compare=False)

    def __init__(
        self,
        id: str,
        level: Level,
        message: str,
        subject: Subject,
        pointer: str,
        file: str = "",
        in_base: bool = False,
        source: Source | None = None,
        document: str | None = None,
        consumers: tuple[str, ...] = (),
        args: Mapping[str, object] | None = None,
        deprecated: Deprecated | None = None,
        stated: str | None = None,
        occurrence: int = 1,
    ) -> None:
        # what `@dataclass` would write, without 14 calls of `object.__setattr__` (a frozen
        # dataclass's way round its own `__setattr__`; 2 µs a change): as compare/facts.py's Fact
        fields = self.__dict__
        fields["id"] = id
        fields["level"] = level
        fields["message"] = message
        fields["subject"] = subject
        fields["pointer"] = pointer
        fields["file"] = file
        fields["in_base"] = in_base
        fields["source"] = source
        fields["document"] = document
        fields["consumers"] = consumers
        fields["args"] = {} if args is None else args
        fields["deprecated"] = deprecated
        fields["stated"] = stated
        fields["occurrence"] = occurrence

    @property
    def operation(self) -> str | None:
        """ "METHOD /path" as reports show it, or None when no operation is involved."""
        return self.subject.operation

    @property
    def location(self) -> str:
        """The operation and the steps below it as reports show them."""
        return self.subject.location

    @_once
    def fingerprint(self) -> str:
        """Stable identity of the change, so that an ignore entry keeps matching it.

        Made of what the change is, never of how or where it is written: the rule of the fact
        (an operation removed stays the same change the day its sunset date passes and policy
        calls it `...-after-sunset`), the operation and the location with path parameter names
        erased (`{id}` → `{userId}` is no change, SPEC 3.2), and the fact's own values (which
        enum value, which property). Not the message (wording changes), not the pointer or the
        line (they move with every unrelated edit), not the document's path (files move).

        The subject is hashed in its text form (the location), which is what fingerprints have
        always hashed: an ignore entry written against an older version keeps matching.
        """
        subject = self.subject
        operation = subject.operation or ""
        twin = subject.twin
        # a twin is told apart from its twins by its parameter names: they are kept
        erase = _parameter_names("" if twin else operation)
        erased = erase.operation(operation)
        values = _values(self.args, erase, twin, self.occurrence)
        # the key "rule \x1f operation \x1f location \x1f values", as UTF-8 from pieces each
        # encoded once (a shared component's change repeats its rule, place and values in every
        # operation, and an operation has many changes): UTF-8 encodes character by character,
        # so the pieces joined are the text joined, encoded. The location is the operation's
        # erased text, " › " and the place as it is, when nothing in the place can be erased nor
        # close a `{` of the operation's (the erasers' patterns stop at the `›` between them);
        # otherwise it is erased whole.
        place = subject.place
        if subject.method is not None and subject.steps and _UNTOUCHED[place]:
            location = (erased, _BEFORE_PLACE, _BYTES[place])
        else:
            location = (erase(subject.location).encode("utf-8", "replace"),)
        key = b"".join((_BYTES[self.stated or self.id], b"\x1f", erased, b"\x1f", *location, b"\x1f", values))
        return (_SHA256 or _sha256())(key).hexdigest()[:16]

    @_once
    def order(self) -> tuple[str, int, str, str, str]:
        """The report's order: by operation, most severe first, then by location, rule and message
        (made once a change: classification, policy and the combined report sort by it, through
        `ORDER`, which finds it made without a call of Python).

        The location is its place once the operations are equal: an operation's location is the
        operation alone or the operation, " › " and the place, and a location without operation
        is its place, so places order as locations do (the empty place first), without the
        location's text made, and a place is one text shared by the changes below it."""
        subject = self.subject
        return (subject.operation or "", -_RANK[self.level._value_], subject.place, self.id, self.message)


#: the sort key of the report's order (`Change.order`)
ORDER = operator.attrgetter("order")


def first_order(change: Change) -> tuple[str, int, str, str, str]:
    """`change.order` for a change just made (classification's sort), in one call: it, its
    subject's `operation` and its `place` are kept as their own first reads would keep them
    (one call of Python instead of six: three descriptors, three computations)."""
    subject = change.subject
    texts = subject.__dict__
    operation = texts.get("operation", _UNREAD)
    if operation is _UNREAD:
        operation = texts["operation"] = (
            _OPERATIONS[subject.method, subject.path] if subject.method is not None else None
        )
    place = texts.get("place")
    if place is None:
        place = texts["place"] = _PLACES[subject.steps]
    order = change.__dict__["order"] = (
        operation or "",
        -_RANK[change.level._value_],
        place,
        change.id,
        change.message,
    )
    return order


_UNREAD = object()


def _sha256() -> Callable[[bytes], Any]:
    """`digest.sha256`, imported when the first fingerprint is computed (an import statement
    in `fingerprint` itself cost 3.5 µs a change: a third of its time)."""
    global _SHA256
    if _SHA256 is None:
        from oasguard.digest import sha256 as _SHA256
    return _SHA256


_SHA256: Callable[[bytes], Any] | None = None


def encodable(text: str) -> str:
    """`text` as UTF-8 can carry it: a lone surrogate (JSON allows "\\ud800") becomes '?'."""
    if text.isascii():  # most text: no copy made to find out
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")
    return text


_PATH_PARAMETER = re.compile(r"\{([^{}/]*)\}")
_PATH_PARAMETER_NAME = re.compile(r"path parameter ('?)([^\s›']+)\1")


def _values(args: Mapping[str, object], erase: _ParameterNames, twin: bool, occurrence: int) -> bytes:
    """The fact's own values as a fingerprint hashes them (JSON, keys sorted, path parameter
    names erased; UTF-8). A shared component's change has the same arguments in every operation
    that reaches it (compare/operations/bodies.py): unless a value names a path parameter, the
    text is the same for all of them and is made once."""
    plain = not twin and occurrence == 1
    if plain:
        known = _VALUES.get(id(args))
        if known is not None and known[0] is args:
            return known[1]
    values: dict[str, object] = {
        key: value for key, value in args.items() if isinstance(value, (str, int, float, bool))
    }
    # `erase.touches`: when no value does, erasing gives each back as it is
    touched = any(isinstance(value, str) and _ParameterNames.touches(value) for value in values.values())
    if touched:
        values = {key: erase(value) if isinstance(value, str) else value for key, value in values.items()}
    if twin:
        values["twin"] = True
    if occurrence > 1:
        values["occurrence"] = occurrence
    text = _VALUES_ENCODER.encode(values).encode("utf-8", "replace")
    if plain and not touched:
        if len(_VALUES) >= _VALUES_KEPT:
            _VALUES.clear()
        _VALUES[id(args)] = (args, text)  # holds `args`: its id is not reused while listed
    return text


#: `json.dumps(..., sort_keys=True, ensure_ascii=False)`'s encoder, made once (`dumps` makes one a call)
_VALUES_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False)

#: `_values` of the arguments of recent changes, by their id (bounded: a long-lived process
#: diffs many times)
_VALUES: dict[int, tuple[Mapping[str, object], bytes]] = {}
_VALUES_KEPT = 50_000


class _ParameterNames:
    """Text of a change with the path parameters of its operation named by position: the names
    are the template's to choose (`{id}` → `{petId}` is no change, SPEC 3.2)."""

    def __init__(self, operation: str) -> None:
        names = _PATH_PARAMETER.findall(operation)
        self.position = {name: index for index, name in enumerate(names)}
        self._operations: dict[str, bytes] = {}

    def operation(self, text: str) -> bytes:
        """An operation's text erased, as UTF-8: made once per operation (it has many changes)."""
        erased = self._operations.get(text)
        if erased is None:
            erased = self._operations[text] = self(text).encode("utf-8", "replace")
        return erased

    @staticmethod
    def touches(text: str) -> bool:
        """Whether erasing may change `text`, whatever the operation."""
        return "{" in text or "path parameter" in text

    def __call__(self, text: str) -> str:
        if "{" not in text and "path parameter" not in text:
            return text
        text = _PATH_PARAMETER_NAME.sub(self._numbered, text)
        return _PATH_PARAMETER.sub(lambda match: f"{{#{self.position.get(match[1], match[1])}}}", text)

    def _numbered(self, match: re.Match[str]) -> str:
        name = match[2]
        return f"path parameter #{self.position[name]}" if name in self.position else match[0]


#: a text as UTF-8 ('?' for a lone surrogate), made once per text (rules, places)
_BYTES = Texts(lambda text: text.encode("utf-8", "replace"), 20_000)
#: whether a place is the same erased whatever its operation, and closes no `{` of it
_UNTOUCHED = Texts(lambda place: not _ParameterNames.touches(place) and "}" not in place, 20_000)
#: what joins an operation and its place in a location (`located`), as UTF-8
_BEFORE_PLACE = " › ".encode()


@functools.lru_cache(maxsize=4096)
def _parameter_names(operation: str) -> _ParameterNames:
    """The eraser of an operation's path parameter names, made once per operation."""
    return _ParameterNames(operation)


class ShapeLine(NamedTuple):
    """One line of a shape diff: a property, item or parameter as `name: type`, at its depth."""

    #: " " context (unchanged, shown to place the change), "-" only in the base, "+" only in the
    #: revision
    mark: str
    #: nesting: 0 a body's root (`{`, `[`, `oneOf`) and its closing bracket, or a parameter;
    #: 1 a top-level property; one more per object, array or variant opened
    depth: int
    #: what the line shows: `"userName": string`, `limit (query): integer, maximum 100 → 50`,
    #: `"tags": [`, `| Cat: object`, `…`; names raw (each reporter escapes them)
    text: str
    #: what the comparison said of it, where the text does not show it: a rename's message (on
    #: both its `-` and `+` lines), the change a line's type and constraints cannot spell
    note: str = ""


@dataclass(frozen=True)
class Shape:
    """A request or response body (or an operation's parameters) before and after, as a reviewer
    pictures it: the lines of a skeleton along the changed branches only (report/shapes.py)."""

    #: "METHOD /path" as reports show it (Change.operation)
    operation: str
    #: what the shape is of: "response 200 application/json", "request body application/json",
    #: "parameters"
    title: str
    lines: tuple[ShapeLine, ...]
    #: the document it belongs to when several are diffed (Change.document)
    document: str | None = None


@dataclass(frozen=True)
class Ignored:
    """A change the configuration ignores: listed apart with the reason, never counted."""

    change: Change
    reason: str


@dataclass(frozen=True)
class Report:
    """The result of one diff: every change, most severe first within each operation."""

    changes: list[Change]
    base: str = ""
    revision: str = ""
    #: changes an ignore entry matched (not in `changes`, not in `summary`)
    ignored: list[Ignored] = field(default_factory=list)
    #: things the user should hear about the run itself (an ignore entry that expired or matched
    #: nothing); every format shows them, and the command repeats them on stderr
    notes: list[str] = field(default_factory=list)
    #: with `--consumers`: the interactions that matched no operation (consumers/attribute.py)
    unmatched: list[dict[str, object]] = field(default_factory=list)
    #: with `--consumers`: every consumer the evidence names, sorted
    known_consumers: tuple[str, ...] = ()
    #: True when consumers' evidence was given (even with no HTTP interaction in it)
    attributed: bool = False
    #: per document (`Change.document`, "" for a run's only pair), what approved its breaking
    #: changes (`versioning: major-bump-approves`): still listed, never counted for the exit status
    approved: dict[str, str] = field(default_factory=dict)
    #: per document ("" for a run's only pair), `info.version` of the base and of the revision
    versions: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    #: with `--shapes` (or a format that shows them): the shape diffs of the operations that have
    #: a breaking change or a warning, in the report's operation order
    shapes: tuple[Shape, ...] = ()

    def per_consumer(self) -> dict[str, dict[str, int]]:
        """Per known consumer, how many changes of each level name it (SPEC 5.3)."""
        counts = {name: {level.value: 0 for level in Level} for name in self.known_consumers}
        for change in self.changes:
            for name in change.consumers:
                counts.setdefault(name, {level.value: 0 for level in Level})[change.level._value_] += 1
        return counts

    @property
    def summary(self) -> dict[str, int]:
        counts = {level.value: 0 for level in Level}
        for change in self.changes:
            counts[change.level._value_] += 1  # `.value` is a call of Python
        return counts

    def _approved(self, change: Change) -> bool:
        return change.level is Level.BREAKING and (change.document or "") in self.approved

    def approval(self) -> str | None:
        """What approved the breaking changes, when every document that has one was approved."""
        documents = {change.document or "" for change in self.changes if change.level is Level.BREAKING}
        if not documents or not documents <= set(self.approved):
            return None
        return "; ".join(dict.fromkeys(self.approved[document] for document in sorted(documents)))

    def worst(self) -> Level | None:
        return _worst(self.changes)

    def fails(self, threshold: Level | None, consumers_only: bool = False) -> bool:
        """Whether a change is at or above `threshold` (`--fail-on`; None: nothing fails); with
        `consumers_only` (`--fail-on-consumers`), only changes that break a known consumer count."""
        counted = [c for c in self.changes if c.consumers] if consumers_only else self.changes
        if self.approved:
            counted = [c for c in counted if not self._approved(c)]
        worst = _worst(counted)
        return threshold is not None and worst is not None and worst.rank >= threshold.rank


def _worst(changes: list[Change]) -> Level | None:
    """The most severe level of `changes` (None for none), by their levels' values: each level's
    rank is a call of Python."""
    present = {change.level._value_ for change in changes}
    return next((level for level in _SEVERE_FIRST if level._value_ in present), None)
