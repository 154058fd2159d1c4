"""What plain equality of the two raw documents proves unchanged, found before either is normalised.

Between two revisions of a large API most of the document does not change: on Stripe v124 →
v125, `==` on the parsed trees finds 558 of 562 component schemas equal. A part that is equal
in both documents, and refers only to parts that are equal too, means the same to every client.
Both normalisers then share one node for it: it is built once, and the comparison meets the
same object on both sides and skips it. The work left is proportional to what changed.

All of it only in the entry file of documents of the same version:
- component schemas (`#/components/schemas/X`, `#/definitions/X`) whose raw content is equal
  and whose `$ref`s all lead to such components (decided for all of them at once) get one node
  for both sides;
- so does the schema of an operation's parameter, body, response or header at the same JSON
  pointer, equal in both documents and referring only to such components;
- a whole path item equal in both documents, referring only to unchanged parts (schemas, or
  parameter, response ... components equal in both) and inheriting the same document-wide
  security, servers and media types, is left out of both graphs.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from urllib.parse import unquote

from oasguard.load.document import Document, escape, lookup, lookup_tokens
from oasguard.model.nodes import METHODS, Api, LazySchema, Operation, Schema, Where, same_value, written_alike
from oasguard.model.schema import SchemaBuilder, is_mapping, raw_refs


def closure(
    candidates: Collection[str], dependencies: Mapping[str, Iterable[str]], dirty: Iterable[str]
) -> frozenset[str]:
    """The candidates still unchanged once every one that refers (through `dependencies`, however
    indirectly) to a `dirty` one is dirty too: whatever refers to a changed part has changed."""
    users: dict[str, set[str]] = {}
    for key in candidates:
        for dependency in dependencies.get(key, ()):
            users.setdefault(dependency, set()).add(key)
    changed: set[str] = set()
    pending = list(dirty)
    while pending:
        key = pending.pop()
        if key not in changed:
            changed.add(key)
            pending.extend(users.get(key, ()))
    return frozenset(key for key in candidates if key not in changed)


def unchanged_components(base: Api, rev: Api) -> frozenset[str]:
    """`$ref` targets of the two normalised graphs whose raw content is equal on both sides, and
    all they refer to as well: the comparison skips them (compare/schema.py: `same`).

    Wider than `Unchanged.keys` (the entry file's component schemas, found before normalising,
    whose nodes both sides share): any file's `$ref` targets, as the normalisers built them."""
    if base.version != rev.version:
        return frozenset()
    candidates = {  # a LazySchema not filled yet has no known dependencies: not a candidate
        key
        for key, node in base.components.items()
        if (other := rev.components.get(key)) is not None
        and not isinstance(node, LazySchema)
        and not isinstance(other, LazySchema)
        and same_value(node.raw, other.raw)
    }
    dirty = [
        key
        for key in candidates
        if any(d not in candidates for d in base.dependencies.get(key, ()))
        or base.dependencies.get(key) != rev.dependencies.get(key)
    ]
    return closure(candidates, base.dependencies, dirty)


class Unchanged:
    """The parts of two documents that are equal, and the nodes both sides share for them."""

    def __init__(self, base: Document, revision: Document) -> None:
        self._roots = (base.root, revision.root)
        self._entries = (base.spec.path, revision.spec.path)
        self._name = base.name
        self.enabled = base.version == revision.version
        #: the references of each component schema equal in both documents (read once for both)
        self.refs: dict[str, list[tuple[object, str]]] = {}
        v2 = base.version == "2.0"
        self._prefix = "#/definitions/" if v2 else "#/components/schemas/"
        #: keys (as the schema builder spells them) of the component schemas found unchanged
        self.keys: frozenset[str] = self._components(v2) if self.enabled else frozenset()
        self._v2 = v2
        self._whole_paths = self.enabled and self._same_context()
        self._clean_refs: dict[tuple[str, bool], bool] = {}
        self._paths: dict[object, bool] = {}
        #: the paths whose path items are equal by `==` in both documents (whatever they refer
        #: to): every part inside is then `==` its counterpart at the same place
        self._equal_items: set[str] = set()
        self._nodes: dict[str, Schema] = {}
        self._slots: dict[tuple[str, ...], Schema | None] = {}
        #: whether the path item's own keys (all but its operations) are equal, by path
        self._rests: dict[object, bool] = {}
        #: the ids of the nodes both sides share (kept alive by `_nodes` and `_slots`)
        self._shared: set[int] = set()
        #: the base's operations proved unchanged, which the revision's graph holds too
        self._operations: dict[tuple[object, str], Operation] = {}

    # -- which parts are unchanged ------------------------------------------------------------

    def _components(self, v2: bool) -> frozenset[str]:
        sections = []
        for root in self._roots:
            section = root.get("definitions") if v2 else (root.get("components") or {}).get("schemas")
            sections.append(section if isinstance(section, Mapping) else {})
        base, revision = sections
        where = self._prefix[1:]
        base = {str(name): schema for name, schema in base.items()}  # a YAML key may be a number
        equal = {
            name
            for name, schema in base.items()
            if isinstance(schema, Mapping) and same_value(revision.get(name), schema)
        }
        targets: dict[str, set[str]] = {}
        dirty: set[str] = set()
        for name in equal:
            # only what the builder follows: a `$ref` in an example or an extension is data
            refs = self.refs[name] = raw_refs(base[name], where + escape(name), self._name, schemas_only=True)
            found = self._names(refs)
            if found is None or not found <= equal:
                dirty.add(name)
            else:
                targets[name] = found
        return frozenset("#" + where + escape(name) for name in closure(equal, targets, dirty))

    def _names(self, refs: list[tuple[object, str]]) -> set[str] | None:
        """The component names `refs` (from `raw_refs`) lead to; None if one leads elsewhere."""
        found: set[str] = set()
        for ref, kind in refs:
            if not self._add_target(found, ref, kind == "mapping"):
                return None
        return found

    def _add_target(self, found: set[str], ref: object, mapping: bool) -> bool:
        """Add the component `ref` names to `found`; False if it names anything else."""
        if not isinstance(ref, str):
            return False
        if ref.startswith(self._prefix):
            token = unquote(ref[len(self._prefix) :])
            if "/" in token:  # a pointer into a component, not the component itself
                return False
            found.add(token.replace("~1", "/").replace("~0", "~"))
            return True
        if mapping and not any(mark in ref for mark in "/#."):
            found.add(ref)  # a discriminator mapping may name a component bare
            return True
        return False

    # -- whole path items ----------------------------------------------------------------------

    def _same_context(self) -> bool:
        """Whether everything an operation inherits from outside its path item is equal: the
        document-wide security, servers, Swagger 2.0 consumes/produces/host, security schemes."""
        outside = {"paths", "webhooks", "components", "definitions", "parameters", "responses"}
        outside |= {"info", "tags", "externalDocs", "openapi", "swagger"}
        base, revision = self._roots
        for key in base.keys() | revision.keys():
            if key in outside or str(key).startswith("x-"):
                continue
            if not same_value(base.get(key), revision.get(key)):
                return False
        schemes = [(root.get("components") or {}).get("securitySchemes") for root in self._roots]
        return same_value(schemes[0], schemes[1])

    def path_item(self, path: object) -> bool:
        """True when the path item `path` is equal in both documents, inherits the same, and
        refers only to unchanged parts: it means the same to every client, and neither graph
        needs it."""
        if not self._whole_paths:
            return False
        known = self._paths.get(path)
        if known is None:
            items = [(root.get("paths") or {}).get(path) for root in self._roots]
            # `==` (C, it stops at the first difference), then the walk of its references (it
            # stops at the first to a changed part: on Stripe, every path item's), and only then
            # the two items written out by `same_value` to tell apart what `==` equates
            equal = isinstance(items[0], dict) and items[0] == items[1]
            if equal and path.__class__ is str:
                self._equal_items.add(path)
            known = self._paths[path] = (
                equal and self._clean_inside(items[0]) and same_value(items[0], items[1])
            )
        return known

    @property
    def whole_paths(self) -> bool:
        """Whether what operations inherit from outside their path items is equal in both."""
        return self._whole_paths

    def operation(self, path: object, method: str) -> bool:
        """Whether the operation `method` of the path item `path` is written the same in both
        documents, as is all it takes from its path item (parameters, servers, extensions:
        every key but the other operations). Asked by the base's normaliser of an operation it
        built from shared nodes only (model/normalise.py: `_path_item`): such an operation means
        the same to every client, like a whole path item that `path_item` proves, though another
        operation of its path item changed."""
        if not self._whole_paths:
            return False
        base, revision = ((root.get("paths") or {}).get(path) for root in self._roots)
        if type(base) is not dict or type(revision) is not dict or "$ref" in base or "$ref" in revision:
            return False
        rest = self._rests.get(path)
        if rest is None:
            own = [{k: v for k, v in item.items() if k not in METHODS} for item in (base, revision)]
            rest = self._rests[path] = same_value(own[0], own[1])
        return rest and same_value(base.get(method), revision.get(method))

    def shared(self, node: Schema) -> bool:
        """Whether `node` is one node for both sides: a component or a schema equal in both."""
        return id(node) in self._shared

    def clean(self, ref: object) -> bool:
        """Whether the `$ref` `ref` (of the entry file) leads to a part equal in both documents,
        referring only to such parts."""
        return self._clean(ref, False)

    def keep(self, path: object, method: str, operation: Operation) -> None:
        """Keep the base's node of an operation `operation` proved unchanged, for the revision."""
        self._operations[(path, method)] = operation

    def kept(self, path: object, method: str) -> Operation | None:
        """The base's node of the operation `method` of `path`, if it was proved unchanged."""
        return self._operations.get((path, method))

    def _all_clean(self, refs: list[tuple[object, str]]) -> bool:
        """Whether every reference (from `raw_refs`) leads to a part unchanged in both."""
        return all(self._clean(ref, kind == "mapping") for ref, kind in refs)

    def _clean_inside(self, raw: object) -> bool:
        """Whether every reference in `raw`, a part that is not a schema (a path item, a parameter
        component), leads to a part unchanged in both: `_all_clean(raw_refs(raw, None, ...))`,
        the references asked in the same order, but the walk stops at the first that does not
        (on Stripe, every path item's first: its `default` response's changed `error` schema)."""
        stack = [raw]
        pop, extend, clean = stack.pop, stack.extend, self._clean
        while stack:
            node = pop()
            kind = type(node)
            if kind is dict or (kind is not list and isinstance(node, Mapping)):
                if "$ref" in node and not clean(node["$ref"], False):  # type: ignore[operator,index]
                    return False
                discriminator = node.get("discriminator")  # type: ignore[attr-defined]
                if discriminator.__class__ is dict:
                    mapping = discriminator.get("mapping")
                    if mapping.__class__ is dict and not all(clean(to, True) for to in mapping.values()):
                        return False
                extend(value for value in node.values() if value.__class__ in (dict, list))  # type: ignore[attr-defined]
            elif kind is list:
                extend(node)  # type: ignore[arg-type]
        return True

    def _clean(self, ref: object, mapping: bool) -> bool:
        """Whether `ref` leads to a part equal in both documents, referring only to such parts."""
        if not isinstance(ref, str):
            return False
        known = self._clean_refs.get((ref, mapping))
        if known is not None:
            return known
        self._clean_refs[(ref, mapping)] = False  # while being decided: a cycle proves nothing
        found: set[str] = set()
        if self._add_target(found, ref, mapping):
            clean = all("#" + self._prefix[1:] + escape(name) in self.keys for name in found)
        else:
            clean = self._clean_component(ref)
        self._clean_refs[(ref, mapping)] = clean
        return clean

    def _clean_component(self, ref: str) -> bool:
        """A parameter, response, header, request body ... component: equal, and clean inside."""
        sections = ("parameters", "responses") if self._v2 else _COMPONENT_SECTIONS
        prefix = "#/" if self._v2 else "#/components/"
        if not ref.startswith(prefix):
            return False
        parts = ref[len(prefix) :].split("/")
        if len(parts) != 2 or parts[0] not in sections:
            return False
        pointer = unquote(ref[1:])
        base, revision = (lookup(root, pointer) for root in self._roots)
        if not isinstance(base, Mapping) or not same_value(base, revision):
            return False
        return self._clean_inside(base)

    # -- the shared nodes ---------------------------------------------------------------------

    def component(self, key: str, make: Callable[[], Schema]) -> Schema:
        """The one node of an unchanged component for both sides (made by the first to ask)."""
        node = self._nodes.get(key)
        if node is None:
            node = self._nodes[key] = make()
            self._shared.add(id(node))
        return node

    def slot(
        self, side: int, where: Where, raw: object, builder: SchemaBuilder, own: object = None
    ) -> Schema:
        """The schema `raw` at `where` in the entry file of side 0 (base) or 1 (revision): one
        node for both sides, filled only if opened, when it is equal in both documents and
        refers only to unchanged components; else its own node. `own`: the side's value at
        `where` when the caller holds it (`raw` itself, or the Swagger 2.0 parameter whose
        mapping `raw` is made of); None: it is looked up, as the other side's is."""
        entry = self._entries[side]
        if (
            not self.enabled
            or (where.file is not entry and where.file != entry)
            or (type(raw) is dict and "$ref" in raw)
        ):
            # a `$ref` is never shared this way (its target may be: `component`), whatever the
            # other side has: most response schemas are one, and need no look at the other side
            return builder.build(raw, where)
        # the place as its tokens, not its pointer spelled (and split again by `lookup`)
        tokens = where.tokens()
        node = self._slots.get(tokens, _UNKNOWN)
        if node is _UNKNOWN:
            if own is not None:  # this side's value is known: only the other side's is looked up
                other = lookup_tokens(self._roots[1 - side], tokens)
                base, revision = (own, other) if side == 0 else (other, own)
            else:
                base, revision = (lookup_tokens(root, tokens) for root in self._roots)
            clean = (
                is_mapping(base)
                and "$ref" not in base
                and (
                    # inside a path item `==` in both (Stripe: all but the changed ones), the
                    # place's two parts are `==` too: not compared again
                    written_alike(base, revision)
                    if tokens[0] == "paths" and len(tokens) > 2 and tokens[1] in self._equal_items
                    else same_value(base, revision)
                )
            )
            # raw, as the builder gets it (a Swagger 2.0 parameter without its own keys), is checked
            clean = clean and self._all_clean(raw_refs(raw, _Spelled(where), self._name, schemas_only=True))
            node = self._slots[tokens] = (
                LazySchema(where, None, None, lambda node: builder.fill(node, raw, where)) if clean else None
            )
            if clean:
                self._shared.add(id(node))
        return builder.build(raw, where) if node is None else node  # type: ignore[return-value]


#: `_slots` has not decided the place yet
_UNKNOWN = object()


class _Spelled:
    """The pointer of a place, spelled only if `raw_refs` must name it in an error."""

    __slots__ = ("where",)

    def __init__(self, where: Where) -> None:
        self.where = where

    def __str__(self) -> str:
        return self.where.pointer


_COMPONENT_SECTIONS = ("parameters", "responses", "requestBodies", "headers", "examples", "links")
_COMPONENT_SECTIONS += ("callbacks", "pathItems")
