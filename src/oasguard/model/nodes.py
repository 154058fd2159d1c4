"""The nodes of the normalised graph. A `$ref` is an edge: two uses share one Schema object."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import PurePosixPath

import orjson

from oasguard.load.document import escape, pointer_tokens


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING = _Missing()

#: the keys of a path item that are operations, in the order OpenAPI lists them
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class Where:
    """Where something is defined: a file of the side and a JSON pointer in it.

    Every node of a document gets one, and most pointers are never read: a child keeps its
    parent and tokens, and spells its pointer only when asked.
    """

    __slots__ = ("_parent", "_pointer", "_tokens", "file")

    def __init__(self, file: PurePosixPath, pointer: str | None = "", *, _parent=None, _tokens=()) -> None:
        self.file = file
        self._pointer = pointer
        self._parent: Where | None = _parent
        self._tokens: tuple[str, ...] = _tokens

    @property
    def pointer(self) -> str:
        if self._pointer is None:
            # iteratively: a chain of children can be thousands long
            chain, node = [], self
            while node._pointer is None:
                chain.append(node)
                node = node._parent  # type: ignore[assignment]
            spelled = node._pointer
            for link in reversed(chain):
                tokens = link._tokens
                if tokens:
                    spelled += "/" + "/".join(map(escape, tokens))
                link._pointer = spelled
                link._parent = None  # spelled out: the chain is no longer needed
        return self._pointer  # type: ignore[return-value]

    def tokens(self) -> tuple[str, ...]:
        """The reference tokens of `pointer`, unescaped, found without spelling it (what a walk
        of the raw document by `lookup_tokens` takes: `pointer_tokens(self.pointer)`)."""
        links, node = [], self
        while node._pointer is None:
            links.append(node._tokens)
            node = node._parent  # type: ignore[assignment]
        start = _pointer_tokens(node._pointer)
        if not links:
            return start
        links.append(start)
        return sum(reversed(links), ())

    def child(self, *tokens: str) -> Where:
        # made without __init__: the builder asks for one per schema it reads
        child = _new_where(Where)
        # one store each (four names assigned from a tuple build and unpack it: 230 instructions more)
        child.file = self.file
        child._pointer = None
        child._parent = self
        child._tokens = tokens
        return child

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Where) and self.file == other.file and self.pointer == other.pointer

    def __hash__(self) -> int:
        return hash((self.file, self.pointer))

    def __repr__(self) -> str:
        return f"Where({str(self.file)!r}, {self.pointer!r})"


_new_where = object.__new__
#: the tokens of the pointers places start from: the root's, and the targets of `$ref`s
_pointer_tokens = lru_cache(maxsize=4096)(pointer_tokens)


class _Nothing(dict):
    """The empty mapping of a schema that has no bounds, properties or property places: one for
    every node, so none may fill it (a node given entries is given a mapping of its own)."""

    __slots__ = ()

    def _refuse(self, *args: object, **kwargs: object) -> None:
        raise TypeError("a Schema's empty mapping is shared by every node: assign a new mapping")

    __setitem__ = __delitem__ = setdefault = update = pop = popitem = clear = __ior__ = _refuse  # type: ignore[assignment]


_NOTHING: dict = _Nothing()
_NO_NAMES: frozenset[str] = frozenset()


@dataclass(eq=False, init=False)
class Schema:
    """A normalised schema. Mutable only while the builder fills it (cycles need a placeholder).

    `types` never holds "null": nullability is `nullable`. `types` None means "any type".
    Bounds use one spelling for 3.0 and 3.1 (`exclusiveMinimum` is a number).
    """

    where: Where
    #: identity of a `$ref` target ("file#pointer"), None for an inline schema
    key: str | None = None
    types: frozenset[str] | None = None
    nullable: bool = False
    format: str | None = None
    #: enum values (never None/null), or None when there is no enum
    enum: tuple[object, ...] | None = None
    bounds: dict[str, object] = field(default_factory=dict)
    pattern: str | None = None
    properties: dict[str, Schema] = field(default_factory=dict)
    #: where each property is written (for a `$ref`'d property, not where its target is)
    property_where: dict[str, Where] = field(default_factory=dict)
    required: frozenset[str] = frozenset()
    #: None: unspecified (open); True/False; or the schema of every additional value
    additional: Schema | bool | None = None
    items: Schema | None = None
    one_of: tuple[Schema, ...] = ()
    any_of: tuple[Schema, ...] = ()
    #: (propertyName, ((value, target schema), ...)) or None
    discriminator: tuple[str, tuple[tuple[str, Schema], ...]] | None = None
    read_only: bool = False
    write_only: bool = False
    default: object = MISSING
    title: str | None = None
    #: the raw mapping it was built from (for the unchanged-subgraph fast path), else None
    raw: object = None
    #: the JSON Schema 2020-12 keywords and annotations beyond the 3.0 core, when it uses any
    keywords: Keywords | None = None

    def __init__(self, where: Where, key: str | None = None, **given: object) -> None:
        # written out (the dataclass's own binds 24 arguments, most at their defaults, and
        # calls three dict factories): the builder makes one per schema it opens, 10,000 on
        # Stripe. Every field is still the instance's own, so reading one stays the cheap read
        # of an instance attribute; the empty mappings are one shared, read-only `_NOTHING`.
        self.where = where
        self.key = key
        self.types = None
        self.nullable = False
        self.format = None
        self.enum = None
        self.bounds = _NOTHING
        self.pattern = None
        self.properties = _NOTHING
        self.property_where = _NOTHING
        self.required = _NO_NAMES
        self.additional = None
        self.items = None
        self.one_of = ()
        self.any_of = ()
        self.discriminator = None
        self.read_only = False
        self.write_only = False
        self.default = MISSING
        self.title = None
        self.raw = None
        self.keywords = None
        if given:  # `dataclasses.replace`, and the few nodes made with their fields
            for name, value in given.items():
                if name not in _SCHEMA_FIELDS:
                    raise TypeError(f"Schema() got an unexpected keyword argument {name!r}")
                setattr(self, name, value)

    def __repr__(self) -> str:
        return f"Schema({self.key or self.where.pointer})"


#: the fields a Schema takes by name (`__init__`)
_SCHEMA_FIELDS = frozenset(field.name for field in fields(Schema))
# `__init__` sets every field on the instance: the defaults `@dataclass` leaves on the class
# (`Schema.types = None` ...) would only keep CPython from specialising each read of a field
# (an attribute the class also has is looked up the slow way: ~90 instructions more a read)
for _name in _SCHEMA_FIELDS & Schema.__dict__.keys():
    delattr(Schema, _name)


@dataclass(eq=False)
class Keywords:
    """What a schema says with JSON Schema 2020-12 keywords beyond the OpenAPI 3.0 core, and its
    deprecation and stability. Most schemas use none of them, so a Schema holds one of these only
    when it does (`present` names the keywords written: the comparison dispatches on them)."""

    present: frozenset[str]
    #: the enum was written `const: x` (only the wording changes: `const: x` is `enum: [x]`)
    const: bool = False
    prefix_items: tuple[Schema, ...] | None = None
    #: how the entries were written: `prefixItems`, or `items` as a list (Draft 4, and the
    #: Swagger 2.0 and OpenAPI 3.0 documents that use that form)
    prefix_keyword: str = "prefixItems"
    #: The keywords below are each a conjunction: one schema writes one of each, but an `allOf`
    #: whose parts each write one must satisfy them all, so the merged node keeps every part's
    #: (`Applied`: the part that writes it, and the subschema).
    contains: tuple[Applied, ...] = ()
    property_names: tuple[Applied, ...] = ()
    pattern_properties: dict[str, Schema] = field(default_factory=dict)
    dependent_schemas: dict[str, Schema] = field(default_factory=dict)
    dependent_required: dict[str, frozenset[str]] = field(default_factory=dict)
    conditions: tuple[Condition, ...] = ()
    not_: tuple[Applied, ...] = ()
    #: None: absent; False; or the schema of every unevaluated property (item)
    unevaluated_properties: Schema | bool | None = None
    unevaluated_items: Schema | bool | None = None
    content_media_type: str | None = None
    content_encoding: str | None = None
    content_schema: tuple[Applied, ...] = ()
    deprecated: bool = False
    #: `x-stability-level` (draft, alpha, beta, stable), None when not written
    stability: str | None = None


#: a subschema keyword as one schema writes it: (that schema, whose `where` says where the
#: keyword is written, the subschema)
Applied = tuple[Schema, Schema]


@dataclass(frozen=True)
class Condition:
    """`if`/`then`/`else` as one schema writes them (`holder`): the branches apply together."""

    holder: Schema
    if_: Schema | None
    then: Schema | None
    else_: Schema | None


class LazySchema(Schema):
    """A Schema filled on first use: for parts equal in both documents, which the comparison
    usually never opens. Reading any field but `where`, `key` and `raw` fills it, and from then
    on it is a plain Schema (its class changes), with no cost on later reads."""

    def __init__(self, where: Where, key: str | None, raw: object, fill: Callable[[Schema], None]) -> None:
        self.__dict__.update(where=where, key=key, raw=raw, _fill=fill)

    def fill_now(self) -> None:
        held = self.__dict__
        fill = held["_fill"]
        # every field at its default in one copy of a dict (storing them one by one into this
        # instance's dict costs twice as much: it grows as it is filled)
        values = _FRESH.copy()
        values["where"], values["key"], values["raw"] = held["where"], held["key"], held["raw"]
        self.__class__ = Schema  # type: ignore[assignment]
        self.__dict__ = values
        fill(self)


class _FillOnRead:
    """A field of a LazySchema: reading it fills the schema first (dataclass defaults are class
    attributes, so a plain `__getattr__` would never be asked)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, schema: LazySchema | None, owner: type | None = None) -> object:
        if schema is None:
            return self
        schema.fill_now()
        return getattr(schema, self.name)


#: the fields of a Schema just made, as `__init__` sets them (`LazySchema.fill_now` copies it)
_FRESH = dict(vars(Schema(None)))  # type: ignore[arg-type]

for _field in fields(Schema):
    if _field.name not in ("where", "key", "raw"):
        _descriptor = _FillOnRead()
        _descriptor.__set_name__(LazySchema, _field.name)
        setattr(LazySchema, _field.name, _descriptor)


@dataclass(eq=False)
class MediaType:
    """One media type of a body or response (`application/json`) and its schema."""

    name: str
    schema: Schema | None
    where: Where


@dataclass(eq=False)
class Body:
    """An operation's request body: its media types, and whether a client must send it."""

    required: bool
    content: dict[str, MediaType]
    where: Where
    deprecated: bool = False


@dataclass(eq=False)
class Parameter:
    """A parameter of an operation, its path item's included, as a client sends it."""

    name: str
    #: "path", "query", "header" or "cookie"
    location: str
    required: bool
    style: str
    explode: bool
    schema: Schema | None
    where: Where
    deprecated: bool = False
    #: `allowEmptyValue: true`
    allow_empty: bool = False
    #: the `x-sunset` date as written (policy reads it when the parameter is removed)
    sunset: str | None = None

    @property
    def match_key(self) -> tuple[str, str]:
        """Identity within an operation: header names ignore case."""
        name = self.name.lower() if self.location == "header" else self.name
        return (self.location, name)


@dataclass(eq=False)
class Header:
    """A header of a response, as a client reads it."""

    name: str
    required: bool
    schema: Schema | None
    where: Where
    deprecated: bool = False
    #: a header is always `simple`; `explode` changes how an object is written
    style: str = "simple"
    explode: bool = False


@dataclass(eq=False)
class Response:
    """The response of one status (`200`, `4XX`, `default`): its headers and media types."""

    status: str
    #: keyed by lower-case name
    headers: dict[str, Header]
    content: dict[str, MediaType]
    where: Where


@dataclass(eq=False)
class SecurityScheme:
    """A security scheme of `components.securitySchemes` (2.0: `securityDefinitions`)."""

    name: str
    type: str
    #: what identifies the credential: apiKey `name`/`in`, http `scheme`, `openIdConnectUrl`
    settings: dict[str, str]
    #: oauth2 flows by name (2.0 `flow` names mapped to 3.x ones): their URLs and scopes
    flows: dict[str, tuple[dict[str, str], frozenset[str]]]
    where: Where


#: One security requirement: scheme name -> required scopes. An empty one means "anonymous".
Requirement = frozenset[tuple[str, frozenset[str]]]


@dataclass(eq=False)
class Operation:
    """One method of one path (or of a callback's), with all it inherits resolved."""

    method: str
    #: the path template as written
    path: str
    operation_id: str | None
    deprecated: bool
    sunset: str | None
    #: path parameters are keyed by their position in the template, others by match_key
    parameters: dict[tuple[str, str], Parameter]
    body: Body | None
    responses: dict[str, Response]
    #: effective security: alternatives, each a Requirement; None when nothing is required
    security: tuple[Requirement, ...]
    callbacks: dict[tuple[str, str, str], Operation]
    where: Where
    #: where the effective security is written (the operation's own, or the document's)
    security_where: Where | None = None
    #: `x-stability-level` as written (None: not given, which means stable)
    stability: str | None = None
    #: the `x-` extensions of the operation and its path item (the operation's win); policy
    #: reads them to exclude operations
    extensions: dict[str, object] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return f"{self.method.upper()} {self.path}"


def path_key(path: str) -> str:
    """A path template with parameter names erased: `/users/{id}` and `/users/{userId}` match.
    A trailing slash is kept: `/a` and `/a/` are different paths (servers route them apart)."""
    if "{" not in path:
        return path or "/"
    return _erased(path)


@lru_cache(maxsize=8192)
def _erased(path: str) -> str:
    """`path_key` of a template with parameters (asked of each path several times a run)."""
    if _PLAIN_TEMPLATE.fullmatch(path):  # every `{` closed before the next: one substitution
        return _PARAMETER.sub("{}", path) or "/"
    out, depth = [], 0
    for char in path:
        if char == "{":
            depth += 1
            if depth == 1:
                out.append("{}")
            continue
        if char == "}" and depth:
            depth -= 1
            continue
        if not depth:
            out.append(char)
    return "".join(out) or "/"


#: a template whose braces are balanced and not nested, and one of its parameters
_PLAIN_TEMPLATE = re.compile(r"[^{}]*(?:\{[^{}]*\}[^{}]*)*")
_PARAMETER = re.compile(r"\{[^{}]*\}")


@dataclass(eq=False)
class Api:
    """One side, normalised: operations by (path key, method) (twins by their literal path),
    webhooks by (name, method)."""

    version: str
    operations: dict[tuple[str, str], Operation]
    webhooks: dict[tuple[str, str], Operation]
    servers: tuple[str, ...]
    #: every schema that is a `$ref` target, by key, and the keys each one refers to directly
    components: dict[str, Schema]
    dependencies: dict[str, frozenset[str]]
    entry: PurePosixPath
    security_schemes: dict[str, SecurityScheme] = field(default_factory=dict)
    #: operations declared under templates that differ only in parameter names (which OpenAPI
    #: forbids): these are keyed by their literal (path, method), not by the path's shape
    twins: frozenset[tuple[str, str]] = frozenset()
    #: what the user must hear about the document (it breaks a rule the comparison survives)
    warnings: tuple[str, ...] = ()


def same_value(a: object, b: object) -> bool:
    """Whether two parsed JSON/YAML values are the same document: Python's `==` first (C speed),
    then a check that it did not equate what JSON tells apart: `true` and `1`, `false` and `0`
    (Python's bool is an int), `1` and `1.0`, `0.0` and `-0.0`, and the order of keys. The check
    compares the values written by orjson (C speed, five times pickle's on GitHub's components);
    a value orjson cannot write (a key that is not text, an integer beyond 64 bits, more than
    254 levels) is compared by its pickles, which spell every type as well. A difference the check
    sees that `==` did not only sends the part down the full comparison."""
    if a is b:
        return True
    if a != b:
        return False
    return written_alike(a, b)


def written_alike(a: object, b: object) -> bool:
    """`same_value` of two values already known equal by `==` (parts at one place of two
    equal wholes): whether JSON tells them apart where `==` does not."""
    try:
        return orjson.dumps(a) == orjson.dumps(b)
    except TypeError:  # orjson.JSONEncodeError is one
        pass
    import pickle  # only for what orjson cannot write: most runs never need it (7 M instructions)

    try:
        return pickle.dumps(a, 5) == pickle.dumps(b, 5)
    except (RecursionError, pickle.PicklingError, TypeError):  # nested too deeply to tell cheaply
        return False
