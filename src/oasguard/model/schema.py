"""Build normalised Schema nodes from raw schemas of any version; `$ref` targets become shared nodes."""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Mapping
from dataclasses import replace
from itertools import count, repeat
from pathlib import PurePosixPath

from oasguard.errors import LoadError
from oasguard.load.document import Document, escape
from oasguard.model.nodes import MISSING, Condition, Keywords, LazySchema, Schema, Where
from oasguard.static import Protocol

#: Schemas nested deeper than this (inline levels plus `$ref` hops on one path) are refused.
MAX_NESTING = 3000

_NUMERIC_BOUNDS = (
    "maxLength",
    "minLength",
    "maxItems",
    "minItems",
    "maxProperties",
    "minProperties",
    "multipleOf",
    "maxContains",
    "minContains",
)
#: keywords that are documentation only: a `$ref` with only these beside it is a plain `$ref`
_DOC_KEYWORDS = frozenset(
    {
        "description",
        "summary",
        "title",
        "example",
        "examples",
        "externalDocs",
        "deprecated",
        "$comment",
        "xml",
    }
)


#: (keyword, accepted Python types, how to say it) for the keywords whose shape the model relies on
SHAPES = (
    ("type", (str, list), "a string or a list"),
    ("properties", Mapping, "a mapping"),
    ("required", list, "a list"),
    ("allOf", list, "a list"),
    ("oneOf", list, "a list"),
    ("anyOf", list, "a list"),
    ("enum", list, "a list"),
    ("items", (Mapping, list, bool), "a schema"),
    ("additionalProperties", (Mapping, bool), "a schema or a boolean"),
    ("additionalItems", (Mapping, bool), "a schema or a boolean"),
    ("prefixItems", list, "a list"),
    ("patternProperties", Mapping, "a mapping"),
    ("dependentSchemas", Mapping, "a mapping"),
    ("dependentRequired", Mapping, "a mapping"),
)

#: keywords whose value is one subschema (2020-12 applicators and `not`), as the model names
#: them; each is kept as a conjunction (`Applied`: an `allOf` keeps every part's)
_SUBSCHEMA_KEYWORDS = {
    "contains": "contains",
    "propertyNames": "property_names",
    "not": "not_",
    "contentSchema": "content_schema",
}
#: `if`/`then`/`else`: kept together as one `Condition` per schema that writes them
_CONDITION_KEYWORDS = ("if", "then", "else")
#: the keywords a `Keywords` record is made for (the comparison dispatches on them)
KEYWORDS_2020 = frozenset(
    {
        *_SUBSCHEMA_KEYWORDS,
        *_CONDITION_KEYWORDS,
        "const",
        "prefixItems",
        "patternProperties",
        "dependentSchemas",
        "dependentRequired",
        "unevaluatedProperties",
        "unevaluatedItems",
        "contentMediaType",
        "contentEncoding",
        "deprecated",
        "x-stability-level",
    }
)


#: keywords that give a schema structure: `_fill_own` reads them only when one is written
_STRUCTURE = frozenset(
    {"properties", "required", "additionalProperties", "items", "additionalItems", "oneOf", "anyOf"}
    | {"discriminator"}
    | KEYWORDS_2020
)


def _short(pointer: str) -> str:
    """A pointer short enough for a one-line message."""
    return pointer if len(pointer) <= 120 else pointer[:60] + " … " + pointer[-50:]


def is_mapping(value: object) -> bool:
    """`isinstance(value, Mapping)`, decided at once for the plain values parsers give (the ABC's
    check costs several times more, and the builder asks it about every node it reads)."""
    cls = value.__class__
    return cls is dict or (cls not in _PLAIN and isinstance(value, Mapping))


#: the classes of parsed values that are not mappings (None, scalars, lists): no ABC check
_PLAIN = frozenset({type(None), str, int, float, bool, list})


#: what may stand beside a lone `allOf` member without making the schema more than it
_BESIDE_LONE_ALL_OF = _DOC_KEYWORDS - {"title", "deprecated"}
#: the extensions a schema's node reads (any other `x-` key is documentation to the comparison)
_READ_EXTENSIONS = frozenset({"x-nullable", "x-stability-level"})


def _lone_all_of(raw: Mapping) -> bool:
    """Whether `raw` is `allOf: [one schema]` with nothing beside it but documentation."""
    all_of = raw.get("allOf")
    return (
        isinstance(all_of, list)
        and len(all_of) == 1
        and is_mapping(all_of[0])
        and all(
            key == "allOf"
            or key in _BESIDE_LONE_ALL_OF
            or (str(key).startswith("x-") and key not in _READ_EXTENSIONS)
            for key in raw
        )
    )


_OBJECT = frozenset({"object"})
_ARRAY = frozenset({"array"})


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


#: keywords whose value is a list of schemas (`items` too: Draft 4 tuples)
_SCHEMA_LISTS = ("allOf", "oneOf", "anyOf", "prefixItems", "items")
#: keywords whose value is a schema, and those whose value maps names to schemas
_SCHEMA_VALUES = frozenset(
    {
        "items",
        "additionalItems",
        "additionalProperties",
        "unevaluatedItems",
        "unevaluatedProperties",
        *_SUBSCHEMA_KEYWORDS,
        *_CONDITION_KEYWORDS,
    }
)
_SCHEMA_MAPS = frozenset({"patternProperties", "dependentSchemas"})


def raw_refs(raw: object, pointer: object, name: str, schemas_only: bool = False) -> list[tuple[object, str]]:
    """Every reference in the raw schema `raw` at `pointer` (its `str` is the pointer, made only
    when an error names it: model/unchanged.py hands a place's), with where it is: "schema" (a `$ref`
    the builder follows), "mapping" (a discriminator mapping target) or "other" (any other `$ref`
    value, such as inside `not` or an example). On the way it checks what the builder would
    check when building the schema: each keyword the model relies on has the right type
    (LoadError naming `name` and the pointer). With `pointer` None, `raw` is not a schema (a
    path item, a parameter component): every reference in it is found, and nothing is checked.

    With `schemas_only`, only the "schema" references are wanted: what is not a schema (an
    example, an extension's value) is not read at all, since nothing in it is one or is checked.

    It reads every node of every component, so it is written for speed: parsed documents hold
    plain dicts and lists, and a node's pointer is kept as (parent, token) until an error needs it.
    """
    found: list[tuple[object, str]] = []
    # (node, where: None outside schemas, else the pointer string or a (where, token) pair; a
    # token may be a mapping's key or a list's index as parsed, made text by `_spell`)
    stack: list[tuple[object, object]] = [(raw, pointer)]
    pop, push, extend = stack.pop, stack.append, stack.extend
    shape_keys, plain_shapes = _SHAPE_KEYS, _PLAIN_SHAPES
    while stack:
        node, at = pop()
        kind = type(node)
        # a list's scalars (enum values, examples) are popped too: no ABC check of a plain value
        if kind is dict or (kind not in _PLAIN and isinstance(node, Mapping)):
            if "$ref" in node:  # type: ignore[operator]
                found.append((node["$ref"], "other" if at is None else "schema"))  # type: ignore[index]
            if "discriminator" in node:  # type: ignore[operator]
                discriminator = node["discriminator"]  # type: ignore[index]
                if discriminator.__class__ is dict:
                    mapping = discriminator.get("mapping")
                    if mapping.__class__ is dict:
                        found.extend((target, "mapping") for target in mapping.values())
            if at is None:
                extend((value, None) for value in node.values() if value.__class__ in _CONTAINERS)  # type: ignore[attr-defined]
                continue
            for key, value in node.items():  # type: ignore[attr-defined]
                cls = value.__class__  # most values are strings and numbers: decided here
                if key in shape_keys and cls not in plain_shapes[key]:  # a keyword's shape
                    expected, what = _SHAPE_OF[key]
                    if not isinstance(value, expected):
                        raise LoadError(f"{name}: invalid schema at {_spell(at)}: '{key}' must be {what}")
                if cls is dict:
                    if key == "properties" and value.get("$ref").__class__ is not str:
                        extend(zip(value.values(), zip(repeat(at), repeat("properties"), value), strict=True))
                    elif key in _SCHEMA_VALUES:
                        push((value, (at, key)))
                    elif key in _SCHEMA_MAPS:
                        extend(zip(value.values(), zip(repeat(at), repeat(key), value), strict=True))
                    elif not schemas_only:
                        push((value, None))
                elif cls is list:
                    if key in _SCHEMA_LISTS:
                        extend(zip(value, zip(repeat(at), repeat(key), count()), strict=False))
                    elif not schemas_only:
                        push((value, None))
        elif kind is list:
            extend(zip(node, repeat(None)))  # type: ignore[call-overload]
        elif at is not None and kind is not bool:
            raise LoadError(
                f"{name}: invalid schema at {_spell(at)}: expected a mapping, found {type(node).__name__}"
            )
    return found


_CONTAINERS = (dict, list)


def _spell(at: object) -> str:
    """The pointer of a (parent, token, ...) chain of `raw_refs`, shortened for a message."""
    tokens: list[str] = []
    while isinstance(at, tuple):
        tokens.extend(reversed(at[1:]))
        at = at[0]
    return _short(str(at) + "".join("/" + escape(str(token)) for token in reversed(tokens)))


class SharedComponents(Protocol):
    """The component schemas equal in both documents, whose one node both sides' builders
    share (model/unchanged.py: Unchanged): all a builder asks of them."""

    @property
    def keys(self) -> frozenset[str]:
        """The `$ref` keys (as the builder spells them) of the shared components."""
        ...

    def component(self, key: str, make: Callable[[], Schema]) -> Schema:
        """The one node of the shared component `key`, made by `make` for the first to ask."""
        ...


class SchemaBuilder:
    """Turns raw schemas of one document into Schema nodes, memoised by `$ref` target."""

    def __init__(self, document: Document, unchanged: SharedComponents | None = None) -> None:
        self._document = document
        self._resolver = document.resolver
        self._version = document.version
        self._entry = document.spec.path
        #: the parts equal in both documents, whose nodes this side shares with the other
        self._unchanged = unchanged
        self.by_key: dict[str, Schema] = {}
        self.dependencies: dict[str, frozenset[str]] = {}
        self._building: set[int] = set()
        self._dependency_stack: list[set[str]] = []
        self._depth = 0
        self._inline: dict[int, tuple[Mapping, Schema]] = {}
        #: `$ref` spellings of the entry file (and of other files, by file) → (key, target, file, pointer)
        self._refs: dict[str, tuple[str, object, PurePosixPath, str]] = {}
        self._refs_elsewhere: dict[PurePosixPath, dict[str, tuple[str, object, PurePosixPath, str]]] = {}
        #: allOf merges waiting for a part that is still being built: id(node) → (node, parts, keep)
        self._pending: dict[int, tuple[Schema, list[Schema], bool]] = {}

    def build(self, raw: object, where: Where) -> Schema:
        """The node for `raw`, found at `where`."""
        # `_descend` and `_ascend` written out: this runs for every schema of every side
        self._depth += 1
        try:
            if self._depth > MAX_NESTING:
                raise self._too_deep(where)
            if raw.__class__ is not dict and not is_mapping(raw):  # a 3.1 boolean schema, or refused
                node = Schema(where)
            elif "$ref" in raw:
                return self._referred(raw, where)
            elif "allOf" in raw and _lone_all_of(raw):
                # `allOf: [X]` alone is X: the same node, as a `$ref` is its target (a component
                # wrapped so is then still that component, compared once for all its uses)
                return self.build(raw["allOf"][0], where.child("allOf", "0"))
            else:  # one node per raw mapping: YAML aliases share it
                inline = self._inline
                known = inline.get(id(raw))
                if known is not None:
                    return known[1]
                node = Schema(where)
                # the mapping is kept with its node, so its id cannot be reused by another
                inline[id(raw)] = (raw, node)
                if "allOf" not in raw:  # `_fill` of most schemas, written out
                    building = self._building
                    building.add(id(node))
                    try:
                        self._fill_own(node, raw, where)  # type: ignore[arg-type]
                    finally:
                        building.discard(id(node))
                    return node
            self._fill(node, raw, where)
            return node
        finally:
            self._depth -= 1
            if not self._depth and self._pending:
                self._finish_merges()

    def _referred(self, raw: Mapping, where: Where) -> Schema:
        """The node of a `$ref` schema: its target's, or, with keywords beside it that apply
        (3.1; any version: `deprecated`), their conjunction with the target."""
        target = self.ref(raw["$ref"], where)
        if len(raw) == 1:  # most uses: `{$ref: X}` and nothing beside it
            return target
        extra = {
            k: v
            for k, v in raw.items()
            if k != "$ref" and k not in _DOC_KEYWORDS and not str(k).startswith("x-")
        }
        if self._version != "3.1":
            extra = {}
        if raw.get("deprecated") is True:  # this use of the target is deprecated
            extra["deprecated"] = True
        if not extra:
            return target
        # keywords beside a $ref apply too, as if in an allOf with it
        node = Schema(where)
        own = Schema(where)
        self._fill(own, extra, where)
        self._merge_into(node, [own, target])
        return node

    def _descend(self, where: Where) -> None:
        """One level deeper; refuse schemas nested deeper than MAX_NESTING."""
        self._depth += 1
        if self._depth > MAX_NESTING:
            raise self._too_deep(where)

    def _too_deep(self, where: Where) -> LoadError:
        return LoadError(
            f"{self._resolver.display(where.file)}: schemas nested more than "
            f"{MAX_NESTING} levels deep at {_short(where.pointer)}"
        )

    def _ascend(self) -> None:
        """One level up; back at the top, do the allOf merges that waited for their parts."""
        self._depth -= 1
        if not self._depth and self._pending:
            self._finish_merges()

    def ref(self, ref: object, where: Where) -> Schema:
        """The shared node of the schema `ref` points to (from the file of `where`)."""
        file = where.file
        # what a `$ref` leads to, found once per spelling (Stripe writes 2,900 of them, to 560 targets)
        table = self._refs if file is self._entry else self._refs_elsewhere.setdefault(file, {})
        known = table.get(ref) if ref.__class__ is str else None
        if known is None:
            target, file, pointer = self._resolver.deref(ref, file)
            known = (f"{self._relative(file)}#{pointer}", target, file, pointer)
            if ref.__class__ is str:
                table[ref] = known  # type: ignore[index]
        key, target, file, pointer = known
        if self._dependency_stack:
            self._dependency_stack[-1].add(key)
        node = self.by_key.get(key)
        if node is not None:
            return node

        # filled when first read: a component no comparison opens is never built; one equal in
        # both documents has one node for both sides
        def make() -> Schema:
            return LazySchema(Where(file, pointer), key, target, self._fill_target)

        shared = self._unchanged is not None and key in self._unchanged.keys
        node = self.by_key[key] = self._unchanged.component(key, make) if shared else make()  # type: ignore[union-attr]
        return node

    def _fill_target(self, node: Schema) -> None:
        """Fill the node of a `$ref` target from its raw schema; note the keys it refers to."""
        self._dependency_stack.append(set())
        try:
            self._descend(node.where)
            self._fill(node, node.raw, node.where)
        finally:
            self.dependencies[node.key] = frozenset(self._dependency_stack.pop())  # type: ignore[index]
            self._ascend()

    def fill(self, node: Schema, raw: object, where: Where) -> None:
        """Fill `node`, made before (a LazySchema), from `raw` found at `where`."""
        try:
            self._descend(where)
            self._fill(node, raw, where)
        finally:
            self._ascend()

    def _relative(self, file: PurePosixPath) -> str:
        """A file as keys name it: "" for the entry document, else its path from the entry's
        folder, so the same component has the same key in both revisions wherever they live."""
        if file is self._entry or file == self._entry:
            return ""
        return posixpath.relpath(file.as_posix(), self._entry.parent.as_posix())

    # -- filling one node ---------------------------------------------------------------------

    def _fill(self, node: Schema, raw: object, where: Where) -> None:
        building = self._building
        building.add(id(node))
        try:
            if raw.__class__ is bool:  # 3.1 boolean schemas
                if raw is False:
                    node.types = frozenset()
                return
            if raw.__class__ is not dict and not is_mapping(raw):
                raise LoadError(
                    f"{self._resolver.display(where.file)}: invalid schema at "
                    f"{where.pointer or '/'}: expected a mapping, found {type(raw).__name__}"
                )
            if "allOf" in raw and isinstance(raw["allOf"], list) and raw["allOf"]:  # type: ignore[operator,index]
                all_of = raw["allOf"]  # type: ignore[index]
                own = Schema(where)
                self._fill_own(own, {k: v for k, v in raw.items() if k != "allOf"}, where)  # type: ignore[attr-defined]
                parts = [self.build(member, where.child("allOf", str(i))) for i, member in enumerate(all_of)]
                self._merge_into(node, [own, *parts])
            else:
                self._fill_own(node, raw, where)  # type: ignore[arg-type]
        finally:
            building.discard(id(node))

    def _check_shapes(self, raw: Mapping, where: Where) -> None:
        """Keywords of the wrong type make the document invalid, never a silent difference."""
        for keyword in _SHAPE_KEYS.intersection(raw):
            value = raw[keyword]
            if value.__class__ in _PLAIN_SHAPES[keyword]:  # decided without `isinstance`
                continue
            expected, what = _SHAPE_OF[keyword]
            if not isinstance(value, expected):
                raise LoadError(
                    f"{self._resolver.display(where.file)}: invalid schema at "
                    f"{where.pointer or '/'}: '{keyword}' must be {what}"
                )

    def _fill_own(self, node: Schema, raw: Mapping, where: Where) -> None:
        """Fill the fresh `node` (its fields at their defaults) from the keywords of `raw`.

        It runs for every schema the comparison opens (10,000 on Stripe), most of them a type
        and a description: the keywords it reads are found with one set operation, a keyword
        absent leaves its field at its default, and a schema without structure (properties,
        items, compositions, 2020-12 keywords) skips every test of them at once. After
        `_check_shapes` a keyword present has its type, so it is not asked again."""
        self._check_shapes(raw, where)
        keys = _FILL_KEYS.intersection(raw)
        if not keys:
            return  # documentation only: every field keeps its default
        if "type" in keys:
            written = raw["type"]
            known = _ONE_TYPE.get(written) if written.__class__ is str else None
            types, nullable = known if known is not None else _types(written, self._version)
        else:
            types, nullable = None, False
        if "nullable" in keys or "x-nullable" in keys:
            nullable = nullable or raw.get("nullable") is True or raw.get("x-nullable") is True
        if "format" in keys:
            node.format = raw["format"]  # a string (`_check_shapes`)
        if types is not None and "file" in types:  # Swagger 2.0 file parameters and responses
            types = (types - {"file"}) | {"string"}
            node.format = node.format or "binary"
        structure = not keys.isdisjoint(_STRUCTURE)
        if types is None and structure:
            if "properties" in keys or "additionalProperties" in keys:
                types = _OBJECT
            elif "items" in keys and raw["items"].__class__ is not bool:
                types = _ARRAY
        node.types, node.nullable = types, nullable

        if "const" in keys:  # `const: x` is `enum: [x]`
            enum: object = [raw["const"]]
        else:
            enum = raw["enum"] if "enum" in keys else None
        if enum is not None:  # a list (`_check_shapes`)
            if None in enum:  # type: ignore[operator]
                node.nullable = True
                node.enum = tuple(value for value in enum if value is not None)  # type: ignore[attr-defined]
            else:
                node.enum = tuple(enum)  # type: ignore[arg-type]

        found = _BOUND_KEYS.intersection(keys)
        if found:
            node.bounds = _bounds(raw, found)
        if "pattern" in keys and raw["pattern"]:  # '' matches every string: no pattern
            node.pattern = raw["pattern"]
        if "readOnly" in keys and raw["readOnly"] is True:
            node.read_only = True
        if "writeOnly" in keys and raw["writeOnly"] is True:
            node.write_only = True
        if "default" in keys:
            node.default = raw["default"]
        if "title" in keys:
            node.title = _text(raw["title"])
        if structure:
            self._structure(node, raw, where, keys)
        if node.enum:
            _imply_types(node)
        types = node.types
        if types is not None and len(types) > 1:
            _split_types(node)
        if node.one_of or node.any_of:
            self._one_schema(node, raw)

    def _structure(self, node: Schema, raw: Mapping, where: Where, keys: frozenset[str]) -> None:
        """The part of `_fill_own` for a schema with structure: properties, required, items,
        compositions, discriminator and the 2020-12 keywords (`keys`: what `raw` writes of
        `_FILL_KEYS`)."""
        if "properties" in keys:
            self._properties(node, raw["properties"], where)
        if "required" in keys:
            node.required = frozenset(map(str, raw["required"]))

        if "additionalProperties" in keys:
            additional = raw["additionalProperties"]
            if isinstance(additional, bool):
                node.additional = additional
            elif is_mapping(additional):
                node.additional = (
                    True if not additional else self.build(additional, where.child("additionalProperties"))
                )

        if "items" in keys or "additionalItems" in keys:
            node.items = self._items(raw, where)

        if "oneOf" in keys or "anyOf" in keys:
            for keyword in ("oneOf", "anyOf"):
                variants = raw.get(keyword)
                if variants:  # a list (`_check_shapes`)
                    built = tuple(
                        _as_variant(self.build(v, where.child(keyword, str(i))))
                        for i, v in enumerate(variants)
                    )
                    setattr(node, "one_of" if keyword == "oneOf" else "any_of", built)
        if node.one_of or node.any_of:
            self._fold_null_variants(node)
        if "discriminator" in keys:
            node.discriminator = self._discriminator(raw["discriminator"], where)
        present = KEYWORDS_2020.intersection(raw)
        if "items" in keys and _tuple_items(raw) is not None:
            present |= {"prefixItems"}
        if present:
            node.keywords = self._keywords(node, raw, where, present)

    def _properties(self, node: Schema, properties: object, where: Where) -> None:
        """`properties` (a mapping, or a `$ref` to one) of `node`, whose schema is at `where`."""
        pwhere = None
        if is_mapping(properties) and isinstance(properties.get("$ref"), str):  # type: ignore[attr-defined]
            properties, file, pointer = self._resolver.deref(properties["$ref"], where.file)  # type: ignore[index]
            pwhere = Where(file, pointer)
        if not is_mapping(properties):
            return
        if pwhere is None:
            pwhere = where.child("properties")
        # the node's own mappings from the start (a node has the shared empty one until then)
        own = node.properties = {}
        written = node.property_where = {}
        build = self.build
        for name, sub in properties.items():  # type: ignore[attr-defined]
            if name.__class__ is not str:
                name = str(name)
            slot = written[name] = pwhere.child(name)
            own[name] = build(sub, slot)

    def _items(self, raw: Mapping, where: Where) -> Schema | None:
        """The schema of every item (beyond `prefixItems`): `items` as a schema, or `false` (no
        item at all: a schema nothing satisfies); with `items` as a list (Draft 4 tuples, which
        `_keywords` reads as `prefixItems`), what `additionalItems` says, as 2020-12 `items` does."""
        keyword = "items" if _tuple_items(raw) is None else "additionalItems"
        items = raw.get(keyword)
        if is_mapping(items):
            return self.build(items, where.child(keyword))
        if items is False:
            return self.build(False, where.child(keyword))
        return None

    def _keywords(self, node: Schema, raw: Mapping, where: Where, present: frozenset[str]) -> Keywords:
        """The 2020-12 keywords, deprecation and stability of `raw` (which uses some), for `node`."""
        found = Keywords(present, const="const" in raw)
        for keyword, attribute in _SUBSCHEMA_KEYWORDS.items():
            sub = raw.get(keyword)
            if isinstance(sub, (Mapping, bool)):
                setattr(found, attribute, ((node, self.build(sub, where.child(keyword))),))
        branches = [
            self.build(raw[k], where.child(k)) if isinstance(raw.get(k), (Mapping, bool)) else None
            for k in _CONDITION_KEYWORDS
        ]
        if any(branch is not None for branch in branches):
            found.conditions = (Condition(node, *branches),)
        prefix, keyword = raw.get("prefixItems"), "prefixItems"
        if not isinstance(prefix, list):
            prefix, keyword = _tuple_items(raw), "items"
        if prefix is not None:
            found.prefix_keyword = keyword
            found.prefix_items = tuple(
                self.build(item, where.child(keyword, str(i))) for i, item in enumerate(prefix)
            )
        for keyword, attribute in (
            ("patternProperties", "pattern_properties"),
            ("dependentSchemas", "dependent_schemas"),
        ):
            subs = raw.get(keyword)
            if isinstance(subs, Mapping):
                setattr(
                    found,
                    attribute,
                    {
                        str(name): self.build(sub, where.child(keyword, str(name)))
                        for name, sub in subs.items()
                    },
                )
        dependent = raw.get("dependentRequired")
        if isinstance(dependent, Mapping):
            found.dependent_required = {
                str(name): frozenset(str(n) for n in names)
                for name, names in dependent.items()
                if isinstance(names, list)
            }
        for keyword, attribute in (
            ("unevaluatedProperties", "unevaluated_properties"),
            ("unevaluatedItems", "unevaluated_items"),
        ):
            value = raw.get(keyword)
            if isinstance(value, bool):
                setattr(found, attribute, value)
            elif isinstance(value, Mapping):
                setattr(found, attribute, True if not value else self.build(value, where.child(keyword)))
        found.content_media_type = _text(raw.get("contentMediaType"))
        found.content_encoding = _text(raw.get("contentEncoding"))
        found.deprecated = raw.get("deprecated") is True
        found.stability = _text(raw.get("x-stability-level"))
        return found

    def _fold_null_variants(self, node: Schema) -> None:
        """`anyOf: [X, {type: 'null'}]` (3.1) is X made nullable, as 3.0 writes it."""
        if not node.one_of and not node.any_of:
            return
        for attribute in ("one_of", "any_of"):
            variants: tuple[Schema, ...] = getattr(node, attribute)
            rest = tuple(v for v in variants if not _is_null_only(v))
            if len(rest) == len(variants):
                continue
            node.nullable = True
            setattr(node, attribute, ())
            only = rest[0] if len(rest) == 1 else None
            if only is not None and is_empty(node) and id(only) not in self._building:
                self._merge_into(node, [only], keep_nullable=True)
            else:
                setattr(node, attribute, rest)

    def _one_schema(self, node: Schema, raw: Mapping) -> None:
        """A `oneOf`/`anyOf` of one variant is that variant and what is written beside it, so
        it is merged where the comparison would otherwise see the difference: beside
        constraints of its own (`{properties: ..., oneOf: [X]}` is `allOf: [{properties: ...},
        X]`), and as a component written `oneOf: [{...}]` (which other compositions name as a
        variant: its nullability and properties are its variant's). Anywhere else alone, it is
        compared as the plain schema it is (compare/schema.py: a composition of one), with the
        name of a `$ref` in it kept (`anyOf: [{$ref: X}], nullable: true`); inside an `allOf`
        it is taken apart (`_unwrap`), and so it is as a variant (`_as_variant`)."""
        if "discriminator" in raw or bool(node.one_of) == bool(node.any_of):
            return
        variants = node.one_of or node.any_of
        if len(variants) != 1:
            return
        component = node.key is not None and variants[0].key is None
        if component or not is_empty(node, types=False, composition=False):
            self._merge_into(node, [replace(node, one_of=(), any_of=()), variants[0]])

    def _discriminator(self, raw: object, where: Where) -> tuple | None:
        if isinstance(raw, str):  # Swagger 2.0: just the property name
            return (raw, ())
        if not is_mapping(raw) or not isinstance(raw.get("propertyName"), str):
            return None
        mapping = raw.get("mapping")
        pairs: list[tuple[str, Schema]] = []
        if is_mapping(mapping):
            for value, target in sorted(mapping.items(), key=lambda item: str(item[0])):
                if not isinstance(target, str):
                    continue
                if "/" not in target and "#" not in target and "." not in target:
                    target = (
                        "#/definitions/" if self._version == "2.0" else "#/components/schemas/"
                    ) + target
                pairs.append((str(value), self.ref(target, where.child("discriminator"))))
        return (raw["propertyName"], tuple(pairs))

    # -- allOf --------------------------------------------------------------------------------

    def _merge_into(self, node: Schema, parts: list[Schema], keep_nullable: bool = False) -> None:
        """Fill `node` with the conjunction of `parts` (allOf): what every part requires.

        A part still being built (a cycle through this `allOf`) is not complete yet, so the merge
        waits until the outermost build returns (`_finish_merges`).
        """
        for part in parts:  # a LazySchema part is filled now, so what it waits for is known
            if isinstance(part, LazySchema):
                part.fill_now()
        parts = self._unwrap(parts)
        waiting = self._building.union(self._pending)
        if (
            id(parts[0]) in self._pending
            or any(id(part) in waiting for part in parts[1:])
            or any(id(sub) in waiting for part in parts for sub in part.properties.values())
        ):
            self._pending[id(node)] = (node, parts, keep_nullable)
            return
        self._merge_now(node, parts, keep_nullable)

    def _unwrap(self, parts: list[Schema]) -> list[Schema]:
        """The parts of an `allOf` with each `oneOf`/`anyOf` of one variant taken apart: such a
        part is its variant and what it says beside it (`allOf: [{oneOf: [X]}, Y]` is `allOf:
        [X, Y]`). A variant still being built stays where it is (it cannot be read yet), and so
        does one that a `nullable` beside it would widen (the part allows null, the variant not)."""
        out: list[Schema] = []
        pending = list(reversed(parts))
        while pending:
            part = pending.pop()
            only = _only_variant(part)
            if only is not None and isinstance(only, LazySchema):
                only.fill_now()
            if (
                only is None
                or id(only) in self._building
                or id(only) in self._pending
                or (part.nullable and not only.nullable)
            ):
                out.append(part)
                continue
            pending.extend((only, replace(part, one_of=(), any_of=())))
        return out

    def _finish_merges(self) -> None:
        """Do the merges that waited for their parts, each after the merges its parts wait for."""
        while self._pending:
            self._finish(next(iter(self._pending)), set())

    def _finish(self, key: int, visiting: set[int]) -> None:
        node, parts, keep_nullable = self._pending[key]
        visiting.add(key)
        for part in parts:
            if id(part) in self._pending and id(part) not in visiting:
                self._finish(id(part), visiting)
        self._pending.pop(key, None)
        self._merge_now(node, parts, keep_nullable)

    def _merge_now(self, node: Schema, parts: list[Schema], keep_nullable: bool) -> None:
        ready = [p for p in parts if id(p) not in self._building or p is parts[0]]
        types: frozenset[str] | None = None
        for part in ready:
            if part.types is not None:
                types = part.types if types is None else _intersect_types(types, part.types)
        node.types = types
        own = ready[0]
        # a part that says nothing of null allows it; a composition part says it by its variants
        typed = [p for p in ready[1:] if p.types is not None or p.one_of or p.any_of]
        node.nullable = keep_nullable or own.nullable or (bool(typed) and all(p.nullable for p in typed))
        node.format = next((p.format for p in ready if p.format), None)
        enums = [p.enum for p in ready if p.enum is not None]
        if enums:
            first = enums[0]
            node.enum = tuple(v for v in first if all(_contains(e, v) for e in enums[1:]))
        node.bounds = _merge_bounds([p.bounds for p in ready])
        node.pattern = next((p.pattern for p in ready if p.pattern), None)
        node.read_only = any(p.read_only for p in ready)
        node.write_only = any(p.write_only for p in ready)
        node.default = next((p.default for p in ready if p.default is not MISSING), MISSING)
        node.title = next((p.title for p in ready if p.title), None)
        node.required = frozenset().union(*(p.required for p in ready))
        grouped: dict[str, list[Schema]] = {}
        node.property_where = {}
        for part in ready:
            for name, sub in part.properties.items():
                grouped.setdefault(name, []).append(sub)
                node.property_where.setdefault(name, part.property_where.get(name, sub.where))
        node.properties = {}
        for name, subs in grouped.items():
            for sub in subs if len(subs) > 1 else ():
                if isinstance(sub, LazySchema):
                    sub.fill_now()
            if len(subs) == 1 or any(id(s) in self._building for s in subs):
                node.properties[name] = subs[0]
            else:
                for sub in subs:
                    if id(sub) in self._pending:
                        self._finish(id(sub), set())
                merged = Schema(subs[0].where)
                self._merge_now(merged, self._unwrap(subs), False)
                node.properties[name] = merged
        additional = [p.additional for p in ready if p.additional is not None]
        node.additional = (
            False
            if False in additional
            else next((a for a in additional if isinstance(a, Schema)), None)
            if additional
            else None
        )
        if node.additional is None and True in additional:
            node.additional = True
        items = [p.items for p in ready if p.items is not None]
        node.items = items[0] if items else None
        node.one_of = next((p.one_of for p in ready if p.one_of), ())
        node.any_of = next((p.any_of for p in ready if p.any_of), ())
        node.discriminator = next((p.discriminator for p in ready if p.discriminator), None)
        node.keywords = _merge_keywords([p.keywords for p in ready if p.keywords is not None])
        _imply_types(node)


#: what each type's own keywords are (a keyword constrains only the values of its type)
_OWN_BOUNDS = {
    "string": frozenset({"maxLength", "minLength"}),
    "number": frozenset({"maximum", "minimum", "exclusiveMaximum", "exclusiveMinimum", "multipleOf"}),
    "array": frozenset({"maxItems", "minItems", "uniqueItems", "maxContains", "minContains"}),
    "object": frozenset({"maxProperties", "minProperties"}),
    "boolean": frozenset(),
}
_OWN_BOUNDS["integer"] = _OWN_BOUNDS["number"]
_OWN_KEYWORDS = {
    "string": frozenset({"contentMediaType", "contentEncoding", "contentSchema"}),
    "array": frozenset({"prefixItems", "contains", "unevaluatedItems"}),
    "object": frozenset(
        {
            "propertyNames",
            "patternProperties",
            "dependentSchemas",
            "dependentRequired",
            "unevaluatedProperties",
        }
    ),
}


#: the `Keywords` fields of each type's own 2020-12 keywords
_OWN_FIELDS = {
    "prefixItems": ("prefix_items", "prefix_keyword"),
    "contains": ("contains",),
    "unevaluatedItems": ("unevaluated_items",),
    "propertyNames": ("property_names",),
    "patternProperties": ("pattern_properties",),
    "dependentSchemas": ("dependent_schemas",),
    "dependentRequired": ("dependent_required",),
    "unevaluatedProperties": ("unevaluated_properties",),
    "contentMediaType": ("content_media_type",),
    "contentEncoding": ("content_encoding",),
    "contentSchema": ("content_schema",),
}
_TYPED_KEYWORDS = frozenset(_OWN_FIELDS)


def _splits(node: Schema) -> bool:
    """Whether `node` is a type list whose every keyword constrains the values of one of its
    types (so that it is `anyOf` one schema per type). `integer` with `number`, a format two of
    its types could take, an enum or a composition beside it: left as written."""
    types = node.types
    if types is None or len(types) < 2 or {"integer", "number"} <= types:
        return False
    if node.one_of or node.any_of or node.discriminator is not None or node.enum is not None:
        return False
    present = node.keywords.present if node.keywords is not None else frozenset()
    if not present <= _TYPED_KEYWORDS | ANNOTATION_KEYWORDS:
        return False
    if node.format is not None and len(types & {"string", "number", "integer"}) != 1:
        return False
    own = frozenset().union(*(_OWN_BOUNDS.get(t, frozenset()) for t in types))
    own_keywords = frozenset().union(*(_OWN_KEYWORDS.get(t, frozenset()) for t in types))
    objects = node.properties or node.required or node.additional is not None
    return (
        node.bounds.keys() <= own
        and present - ANNOTATION_KEYWORDS <= own_keywords
        and (node.pattern is None or "string" in types)
        and (not objects or "object" in types)
        and (node.items is None or "array" in types)
    )


def _one_type(node: Schema, kind: str) -> Schema:
    """The variant of the type list `node` for the type `kind`: that type's own keywords (its
    title, the type, names it in reports as `anyOf[string]`)."""
    variant = Schema(node.where, types=frozenset({kind}), title=kind)
    variant.bounds = {k: v for k, v in node.bounds.items() if k in _OWN_BOUNDS.get(kind, frozenset())}
    if kind in ("string", "number", "integer"):
        variant.format = node.format
    if kind == "string":
        variant.pattern = node.pattern
    if kind == "object":
        variant.properties, variant.property_where = node.properties, node.property_where
        variant.required, variant.additional = node.required, node.additional
    if kind == "array":
        variant.items = node.items
    written = node.keywords
    mine = written.present & _OWN_KEYWORDS.get(kind, frozenset()) if written is not None else frozenset()
    if mine:
        variant.keywords = Keywords(mine)
        for keyword in mine:
            for attribute in _OWN_FIELDS[keyword]:
                setattr(variant.keywords, attribute, getattr(written, attribute))
    return variant


def _split_types(node: Schema) -> None:
    """A type list is `anyOf` one schema per type, each with its type's own keywords:
    `{type: [string, number], maxLength: 5}` is `anyOf: [{type: string, maxLength: 5}, {type:
    number}]` (a keyword constrains only the values of its type). Both are compared as that
    `anyOf`, by what its variants accept (SPEC 3.3.1). What says how the whole is used stays
    beside it: nullability, default, readOnly/writeOnly, deprecation."""
    if not _splits(node):
        return
    node.any_of = tuple(_one_type(node, kind) for kind in sorted(node.types))  # type: ignore[arg-type]
    node.types, node.format, node.bounds, node.pattern = None, None, {}, None
    node.properties, node.property_where, node.required = {}, {}, frozenset()
    node.additional, node.items = None, None
    if node.keywords is not None:
        kept = node.keywords.present & ANNOTATION_KEYWORDS
        annotations = Keywords(kept, deprecated=node.keywords.deprecated, stability=node.keywords.stability)
        node.keywords = annotations if kept else None


def _tuple_items(raw: Mapping) -> list | None:
    """`items` written as a list (Draft 4 tuples): what 2020-12 writes `prefixItems`."""
    items = raw.get("items")
    return items if isinstance(items, list) else None


def json_type(value: object) -> str:
    """The JSON type of a parsed value (an integral float is an integer, as JSON Schema says)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if value.is_integer() else "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, (list, tuple)) else "object"


_STR_ONLY = {str}
_STRING = frozenset({"string"})


def _imply_types(node: Schema) -> None:
    """`const` and `enum` values imply their type: `{enum: [a, b]}` is a string, as `{type:
    string, enum: [a, b]}` says (SPEC 3.3, 3.3.1). So an enum's type is never left open, and
    `number` whose every value is integral is `integer` (what the values are either way)."""
    if not node.enum:
        return
    # most enums are strings only: each value's type then told in C, not by `json_type`
    found = _STRING if {*map(type, node.enum)} == _STR_ONLY else frozenset(map(json_type, node.enum))
    if "number" in found:
        found -= {"integer"}
    if node.types is None:
        node.types = found
    elif "number" in node.types and "number" not in found and "integer" in found:
        node.types = (node.types - {"number"}) | {"integer"}


def _as_variant(variant: Schema) -> Schema:
    """An inline variant that is only a `oneOf`/`anyOf` of one is that one (`oneOf: [{oneOf:
    [X]}, Y]` is `oneOf: [X, Y]`), unless it says something beside it (a type, null, a
    default, readOnly or writeOnly)."""
    only = _only_variant(variant) if variant.key is None else None
    if (
        only is None
        or not is_empty(variant, composition=False)
        or variant.nullable
        or variant.default is not MISSING
        or variant.read_only
        or variant.write_only
    ):
        return variant
    return only


def _only_variant(schema: Schema) -> Schema | None:
    """The one variant of a `oneOf` or `anyOf` of one (with no discriminator), else None."""
    if schema.discriminator is not None or (schema.one_of and schema.any_of):
        return None
    variants = schema.one_of or schema.any_of
    return variants[0] if len(variants) == 1 else None


def _merge_keywords(parts: list[Keywords]) -> Keywords | None:
    """The 2020-12 keywords of an `allOf`: the subschema keywords and conditions of every part
    (a conjunction: each is compared), maps united, `false` wins, else the first part's."""
    if len(parts) <= 1:
        return parts[0] if parts else None
    merged = Keywords(frozenset().union(*(p.present for p in parts)))
    merged.const = any(p.const for p in parts)
    for attribute in ("contains", "property_names", "not_", "content_schema", "conditions"):
        every: list = []
        for part in parts:
            every.extend(each for each in getattr(part, attribute) if each not in every)
        setattr(merged, attribute, tuple(every))
    for attribute in ("content_media_type", "content_encoding", "stability"):
        setattr(
            merged,
            attribute,
            next((getattr(p, attribute) for p in parts if getattr(p, attribute) is not None), None),
        )
    tuples = next((p for p in parts if p.prefix_items is not None), None)
    if tuples is not None:
        merged.prefix_items, merged.prefix_keyword = tuples.prefix_items, tuples.prefix_keyword
    for attribute in ("pattern_properties", "dependent_schemas"):
        united: dict = {}
        for part in parts:
            for name, sub in getattr(part, attribute).items():
                united.setdefault(name, sub)
        setattr(merged, attribute, united)
    for part in parts:
        for name, names in part.dependent_required.items():
            merged.dependent_required[name] = merged.dependent_required.get(name, frozenset()) | names
    for attribute in ("unevaluated_properties", "unevaluated_items"):
        values = [getattr(p, attribute) for p in parts if getattr(p, attribute) is not None]
        setattr(
            merged,
            attribute,
            False
            if False in values
            else next((v for v in values if isinstance(v, Schema)), True if values else None),
        )
    merged.deprecated = any(p.deprecated for p in parts)
    return merged


def _types(raw: object, version: str) -> tuple[frozenset[str] | None, bool]:
    known = _ONE_TYPE.get(raw) if raw.__class__ is str else None  # type: ignore[call-overload]
    if known is not None:
        return known
    if isinstance(raw, str):
        names = {raw}
    elif isinstance(raw, list) and all(isinstance(t, str) for t in raw):
        names = set(raw)
    else:
        return None, False
    nullable = "null" in names
    return frozenset(names - {"null"}), nullable


#: `_types` of each JSON Schema type name written alone, the most common `type`
_ONE_TYPE = {
    name: (frozenset({name} - {"null"}), name == "null")
    for name in ("string", "number", "integer", "boolean", "array", "object", "null", "file")
}


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


# -- keywords of the wrong type, and keywords oasguard does not follow (issue 11) -----------------


class _NumberType(type):
    def __instancecheck__(cls, value: object) -> bool:
        return _is_number(value)


class _Number(metaclass=_NumberType):
    """`isinstance(value, _Number)`: an int or a float, never a bool (`maxLength: true` is no bound)."""


SHAPES = (
    *SHAPES,
    *((keyword, _Number, "a number") for keyword in (*_NUMERIC_BOUNDS, "maximum", "minimum")),
    *(
        (keyword, (bool, _Number), "a number or a boolean")
        for keyword in ("exclusiveMaximum", "exclusiveMinimum")
    ),
    ("pattern", str, "a string"),
    ("uniqueItems", bool, "a boolean"),
    ("nullable", bool, "a boolean"),
    ("readOnly", bool, "a boolean"),
    ("writeOnly", bool, "a boolean"),
    ("format", str, "a string"),
    ("$dynamicRef", (), "absent (oasguard does not follow $dynamicRef)"),
)
#: keyword -> (accepted types, how to say it), checked on every schema
_SHAPE_OF = {keyword: (expected, what) for keyword, expected, what in SHAPES}
_SHAPE_KEYS = frozenset(_SHAPE_OF)


def _plain(expected: object) -> frozenset[type]:
    """The classes of parsed values that `isinstance(value, expected)` accepts, decided once:
    the shape check of a keyword then asks `isinstance` (an ABC's or `_Number`'s, costly) only
    of a value of another class."""
    plain = {dict, list, str, int, float, bool, type(None)}
    return frozenset(cls for cls in plain if isinstance(_SAMPLES[cls], expected))  # type: ignore[arg-type]


_SAMPLES: dict[type, object] = {dict: {}, list: [], str: "", int: 0, float: 0.5, bool: True, type(None): None}
#: keyword -> the plain classes its value may have
_PLAIN_SHAPES = {keyword: _plain(expected) for keyword, (expected, _) in _SHAPE_OF.items()}


def _bounds(raw: Mapping, found: frozenset[str]) -> dict[str, object]:
    """The bounds `raw` writes (`found`: the keywords of `_BOUND_KEYS` it writes), in one
    spelling, each bound in the order of `_NUMERIC_BOUNDS` and the limits after. Read after
    `_check_shapes`: a bound written is a number (never a boolean), an `exclusiveMaximum` or
    `exclusiveMinimum` a number or a boolean, so a keyword present needs no test of its type."""
    numeric = _NUMERIC_SET.intersection(found)
    if not numeric:
        bounds: dict[str, object] = {}
    elif len(numeric) == 1:  # most schemas with a bound: one length
        (keyword,) = numeric
        bounds = {keyword: raw[keyword]}
    else:
        bounds = {keyword: raw[keyword] for keyword in _NUMERIC_BOUNDS if keyword in numeric}
    if "uniqueItems" in found and raw["uniqueItems"] is True:
        bounds["uniqueItems"] = True
    if _LIMIT_KEYS.isdisjoint(found):
        return bounds
    for plain, exclusive in _LIMITS:
        value, flag = raw.get(plain), raw.get(exclusive)
        if flag is True and value is not None:  # 3.0 / 2.0 spelling
            bounds[exclusive] = value
            continue
        if value is not None:
            bounds[plain] = value
        if flag is not None and flag.__class__ is not bool:  # 3.1 spelling
            bounds[exclusive] = flag
    return bounds


#: each limit and its exclusive flag (3.0, 2.0) or exclusive bound (3.1)
_LIMITS = (("maximum", "exclusiveMaximum"), ("minimum", "exclusiveMinimum"))
_LIMIT_KEYS = frozenset(key for pair in _LIMITS for key in pair)
_NUMERIC_SET = frozenset(_NUMERIC_BOUNDS)


#: every keyword `_bounds` reads
_BOUND_KEYS = frozenset(
    {*_NUMERIC_BOUNDS, "uniqueItems", "maximum", "minimum", "exclusiveMaximum", "exclusiveMinimum"}
)
#: every keyword `_fill_own` reads (a schema writing none of them is a node at its defaults)
_FILL_KEYS = frozenset(
    {"type", "nullable", "x-nullable", "format", "const", "enum", "pattern", "readOnly", "writeOnly"}
    | {"default", "title"}
    | _BOUND_KEYS
    | _STRUCTURE
)


def _merge_bounds(all_bounds: list[dict[str, object]]) -> dict[str, object]:
    merged: dict[str, object] = {}
    for bounds in all_bounds:
        for keyword, value in bounds.items():
            if keyword not in merged:
                merged[keyword] = value
            elif keyword.startswith("max") or keyword == "exclusiveMaximum":
                merged[keyword] = min(merged[keyword], value)  # type: ignore[type-var]
            elif keyword.startswith("min") or keyword == "exclusiveMinimum":
                merged[keyword] = max(merged[keyword], value)  # type: ignore[type-var]
    return merged


def _intersect_types(a: frozenset[str], b: frozenset[str]) -> frozenset[str]:
    result = set(a & b)
    if ("integer" in a and "number" in b) or ("number" in a and "integer" in b):
        result.add("integer")
    return frozenset(result)


def _contains(values: tuple[object, ...], value: object) -> bool:
    return any(v == value and type(v) is type(value) for v in values)


def _is_null_only(schema: Schema) -> bool:
    if isinstance(schema, LazySchema):  # judged by its raw schema: no need to build it for this
        raw = schema.raw
        return (
            isinstance(raw, Mapping)
            and raw.get("type") in ("null", ["null"])
            and all(key in _DOC_KEYWORDS or key == "type" for key in raw)
        )
    return schema.types == frozenset() and schema.nullable and is_empty(schema, types=False)


def is_empty(schema: Schema, types: bool = True, composition: bool = True) -> bool:
    """No constraint at all besides nullability (and, with `types` False, a type; with
    `composition` False, a `oneOf`/`anyOf` and its discriminator)."""
    return (
        (not types or schema.types is None)
        and schema.format is None
        and schema.enum is None
        and not schema.bounds
        and schema.pattern is None
        and not schema.properties
        and not schema.required
        and schema.additional is None
        and schema.items is None
        and (not composition or (not schema.one_of and not schema.any_of and schema.discriminator is None))
        and (schema.keywords is None or schema.keywords.present <= ANNOTATION_KEYWORDS)
    )


ANNOTATION_KEYWORDS = frozenset({"deprecated", "x-stability-level"})
