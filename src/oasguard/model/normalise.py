"""Normalise a loaded document (Swagger 2.0, OpenAPI 3.0 or 3.1) into an Api graph."""

from __future__ import annotations

import re
from collections.abc import Mapping
from itertools import repeat

from oasguard.errors import LoadError
from oasguard.load.document import Document
from oasguard.model.nodes import (
    METHODS,
    Api,
    Body,
    Header,
    MediaType,
    Operation,
    Parameter,
    Requirement,
    Response,
    Schema,
    SecurityScheme,
    Where,
    path_key,
)
from oasguard.model.schema import SchemaBuilder, is_mapping, raw_refs
from oasguard.model.unchanged import Unchanged

_new = object.__new__
#: the `x-` names among keys joined by NULs, each after its NUL (`_extensions`)
_EXTENSION_NAMES = re.compile("\0(x-[^\0]*)").findall
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
#: Swagger 2.0 parameter keys that are not schema keywords
_V2_PARAMETER_KEYS = frozenset(
    {"name", "in", "required", "description", "collectionFormat", "allowEmptyValue", "schema"}
)
_V2_COLLECTION = {
    "csv": ("form", False),
    "ssv": ("spaceDelimited", False),
    "tsv": ("tabDelimited", False),
    "pipes": ("pipeDelimited", False),
    "multi": ("form", True),
}
#: where a request carries its parameters (Swagger 2.0 `body` and `formData` make its body)
_SENT = frozenset(("path", "query", "header", "cookie"))
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def normalise(document: Document, unchanged: Unchanged | None = None, side: int = 0) -> Api:
    """The Api graph of `document`: every operation, webhook, component schema and server.

    With `unchanged` (what equals the other document), `side` says which one this is (0 base,
    1 revision), and the parts found unchanged are shared with the other side's graph.
    """
    return _Normaliser(document, unchanged, side).run()


#: `_Normaliser.schema`'s schema is the document's own value at its place
_ITSELF = object()


class PathItems:
    """The operations of single path items of `document`, as `normalise` reads them, built on
    demand: attribution and verify reach path items that a diff left out as unchanged."""

    def __init__(self, document: Document) -> None:
        self._normaliser = _Normaliser(document, None, 0)

    def operations(self, path: str, raw: object) -> list[Operation]:
        where = Where(self._normaliser.entry, "").child("paths", path)
        return self._normaliser._path_item(path, raw, where)


class _Normaliser:
    def __init__(self, document: Document, unchanged: Unchanged | None, side: int) -> None:
        self.document = document
        self.root = document.root
        self.v2 = document.version == "2.0"
        self.resolver = document.resolver
        self.schemas = SchemaBuilder(document, unchanged)
        self.entry = document.spec.path
        self.unchanged = unchanged
        self.side = side
        #: parameters written once and referred to (`$ref`) by many operations, by file, then the
        #: `$ref`'s spelling, with their `match_key` and whether the `$ref` leads to a part equal
        #: in both (`_clean`); the entry file's table also found by identity (`_parameters`), as
        #: the resolver finds its own (load/document.py)
        self._referred: dict[str, tuple[Parameter, tuple[str, str], bool]] = {}
        self._referred_by_file: dict[object, dict[str, tuple[Parameter, tuple[str, str], bool]]] = {
            self.entry: self._referred
        }
        #: the ids of the parameter lists read (`_parameters`) that hold a parameter of another
        #: location than a request's own (a Swagger 2.0 body or form field): an operation takes
        #: those out of its parameters (an id of a list gone may be reused: then it only costs a
        #: filter that takes nothing out)
        self._mixed: set[int] = set()
        #: while the base's normaliser builds a top-level path item's parameters or one of its
        #: operations, whether all it built is shared with the revision: every schema one node for
        #: both sides, every other `$ref` to a part equal in both (`Unchanged.clean`); else None
        self._sharing: bool | None = None
        #: `_clean` of each `$ref` spelling of the entry file
        self._clean_refs: dict[str, bool] = {}
        #: the document's `security` and where it is, once read
        self._document_security: tuple[tuple[Requirement, ...], Where] | None = None
        #: the document's own `consumes` and `produces` (Swagger 2.0), once read
        self._document_media: dict[str, list[str]] = {}
        #: the operation's own media types last read, for its other responses: (op, key, types)
        self._last_media: tuple[object, str, list[str]] = (None, "", [])

    # -- helpers ------------------------------------------------------------------------------

    def fail(self, where: Where, message: str) -> LoadError:
        return LoadError(
            f"{self.resolver.display(where.file)}: invalid document at {where.pointer or '/'}: {message}"
        )

    def deref(self, raw: object, where: Where) -> tuple[object, Where]:
        """Follow a `$ref` (if `raw` is one) to its content and location."""
        if is_mapping(raw) and "$ref" in raw:  # type: ignore[operator]
            if self._sharing and not self._clean(raw["$ref"], where.file):  # type: ignore[index]
                self._sharing = False
            target, file, pointer = self.resolver.deref(raw["$ref"], where.file)
            return target, Where(file, pointer)
        return raw, where

    def _clean(self, ref: object, file: object) -> bool:
        """Whether the `$ref` `ref` written in `file` leads to a part equal in both documents
        (`Unchanged.clean`), asked once per spelling (Kubernetes refers 13,000 times to 200
        parameters)."""
        entry = self.entry
        known = (
            self._clean_refs.get(ref) if (file is entry or file == entry) and ref.__class__ is str else False
        )
        if known is None:
            known = self._clean_refs[ref] = self.unchanged.clean(ref)  # type: ignore[union-attr,index]
        return known

    def _strings(self, raw: Mapping, key: str, where: Where) -> list[str] | None:
        """`raw[key]`, a list of strings (`consumes`, `schemes`), or None when absent."""
        value = raw.get(key)
        if value is None:
            return None
        if not isinstance(value, list) or not all(map(isinstance, value, repeat(str))):  # in C
            raise self.fail(where.child(key), f"'{key}' must be a list of strings")
        return value

    def _media_types(self, op: Mapping, key: str, where: Where | None) -> list[str]:
        """Swagger 2.0 `consumes`/`produces` of an operation (at `where`), else the document's."""
        last_op, last_key, last = self._last_media
        if last_op is op and last_key == key and where is not None:  # the operation's next response
            return last
        own = self._strings(op, key, where) if where is not None else op.get(key)
        if own:
            if where is not None:
                self._last_media = (op, key, own)
            return own
        known = self._document_media.get(key)
        if known is None:  # read once: every operation of a document may inherit it
            known = self._document_media[key] = self._strings(self.root, key, Where(self.entry, "")) or [
                "application/json"
            ]
        return known

    def mapping(self, raw: object, where: Where, what: str) -> tuple[Mapping, Where]:
        """`raw` (after its `$ref`, if any) as a mapping, and where that mapping is."""
        if raw.__class__ is dict and "$ref" not in raw:  # most: no `deref`, no `is_mapping`
            return raw, where
        raw, where = self.deref(raw, where)
        if not is_mapping(raw):
            raise self.fail(where, f"{what} must be a mapping")
        return raw, where  # type: ignore[return-value]

    def schema(self, raw: object, where: Where, own: object = _ITSELF) -> Schema:
        """The schema of a parameter, body, response or header: shared when unchanged.

        `own`: this side's document's value at `where`, which the caller holds: `raw` itself
        (by default), the Swagger 2.0 parameter or header whose mapping `raw` is made of; None
        when `raw` is not in the document (a default)."""
        if raw.__class__ is dict and len(raw) == 1 and "$ref" in raw:
            # what `slot` and `build` make of `{$ref: X}` (most response schemas): X's node,
            # asked of the builder without the three calls between
            node = self.schemas.ref(raw["$ref"], where)
        elif self.unchanged is None:
            return self.schemas.build(raw, where)
        else:
            node = self.unchanged.slot(self.side, where, raw, self.schemas, raw if own is _ITSELF else own)
        if self._sharing and not self.unchanged.shared(node):
            self._sharing = False
        return node

    # -- the document -------------------------------------------------------------------------

    def run(self) -> Api:
        root, top = self.root, Where(self.entry, "")
        self._components(top)
        operations: dict[tuple[str, str], Operation] = {}
        paths = root.get("paths") or {}
        self._check_paths(paths, top)
        twins, warnings = self._twins(paths, top)
        for path, item in paths.items():
            if path.startswith("x-"):
                continue  # an extension of the Paths object, not a path
            if self.unchanged is not None and self.unchanged.path_item(path):
                continue  # equal in both documents, and all it refers to as well: no change there
            where = top.child("paths", str(path))
            for operation in self._path_item(str(path), item, where, share=path):
                key = (str(path), operation.method)  # a twin keeps its template; the rest their shape
                operations[key if key in twins else (path_key(key[0]), key[1])] = operation
        webhooks: dict[tuple[str, str], Operation] = {}
        for name, item in (root.get("webhooks") or {}).items():
            where = top.child("webhooks", str(name))
            for operation in self._path_item(str(name), item, where):
                webhooks[(str(name), operation.method)] = operation
        return Api(
            version=self.document.version,
            operations=operations,
            webhooks=webhooks,
            servers=self._servers(),
            components=dict(self.schemas.by_key),
            dependencies=self.schemas.dependencies,
            entry=self.entry,
            security_schemes=self._security_schemes(top),
            twins=twins,
            warnings=warnings,
        )

    def _security_schemes(self, top: Where) -> dict[str, SecurityScheme]:
        """The security schemes, each with what identifies its credentials and its flows."""
        if self.v2:
            container, where = self.root.get("securityDefinitions"), top.child("securityDefinitions")
        else:
            container = (self.root.get("components") or {}).get("securitySchemes")
            where = top.child("components", "securitySchemes")
        schemes: dict[str, SecurityScheme] = {}
        if not isinstance(container, Mapping):
            return schemes
        for name, raw in container.items():
            raw, swhere = self.deref(raw, where.child(str(name)))
            if not isinstance(raw, Mapping):
                continue
            kind = str(raw.get("type", ""))
            settings = {
                key: str(raw[key]).lower() if key == "scheme" else str(raw[key])
                for key in ("name", "in", "scheme", "openIdConnectUrl")
                if isinstance(raw.get(key), str)
            }
            flows: dict[str, tuple[dict[str, str], frozenset[str]]] = {}
            if self.v2 and kind == "oauth2":  # one flow, named as 3.x names it
                flow = _V2_FLOWS.get(str(raw.get("flow")), str(raw.get("flow")))
                flows[flow] = _flow(raw)
            elif isinstance(raw.get("flows"), Mapping):
                for flow, spec in raw["flows"].items():
                    if isinstance(spec, Mapping):
                        flows[str(flow)] = _flow(spec)
            schemes[str(name)] = SecurityScheme(str(name), kind, settings, flows, swhere)
        return schemes

    def _check_paths(self, paths: Mapping, top: Where) -> None:
        """Every key of the Paths object is a path starting with '/' (or an `x-` extension)."""
        for path in paths:
            if not path.startswith(("/", "x-")):
                raise self.fail(top.child("paths", path), f"the path '{path}' must start with '/'")

    def _twins(self, paths: Mapping, top: Where) -> tuple[frozenset[tuple[str, str]], tuple[str, ...]]:
        """The (path, method) pairs declared under two or more templates that differ only in
        parameter names (`/a/{id}` and `/a/{name}`, both with PUT), and a warning for each set.

        OpenAPI forbids them (a server cannot tell which one a request reaches), yet vendors
        publish such documents and their users cannot fix them: each twin is keyed by its literal
        template instead of its shape, so the comparison pairs it with itself on the other side.
        Found on the raw paths, so that the warning does not depend on what changed."""
        shapes: dict[str, list[str]] = {}
        for path in paths:
            if isinstance(path, str) and not path.startswith("x-"):
                shapes.setdefault(path_key(path), []).append(path)
        twins: set[tuple[str, str]] = set()
        warnings = []
        for group in shapes.values():
            if len(group) < 2:
                continue
            declared: dict[str, list[str]] = {}
            for path in group:
                item, _ = self.deref(paths[path], top.child("paths", path))
                if isinstance(item, Mapping):
                    for method in METHODS:
                        if method in item:
                            declared.setdefault(method, []).append(path)
            for method, same in declared.items():
                if len(same) < 2:
                    continue
                twins.update((path, method) for path in same)
                named = f"'{same[0]}' and '{same[1]}'"
                if len(same) > 2:
                    named = f"'{same[0]}', '{same[1]}' and {len(same) - 2} more templates of that shape"
                warnings.append(
                    f"{named} differ only in parameter names and declare {method.upper()} each, "
                    "which OpenAPI forbids; each is compared by its own template"
                )
        return frozenset(twins), tuple(warnings)

    def _components(self, top: Where) -> None:
        """Check every named schema, so an invalid one or a dangling `$ref` anywhere in them is
        found even where no operation leads; their nodes are built only when compared."""
        if self.v2:
            container, prefix = self.root.get("definitions"), ("definitions",)
        else:
            container = (self.root.get("components") or {}).get("schemas")
            prefix = ("components", "schemas")
        if not isinstance(container, Mapping):
            return
        unchanged = self.unchanged.keys if self.unchanged is not None else frozenset()
        equal = self.unchanged.refs if self.unchanged is not None else {}
        name = self.resolver.display(self.entry)
        for component, raw in container.items():
            pointer = top.child(*prefix, str(component)).pointer
            if "#" + pointer in unchanged:
                continue  # checked once for both sides
            refs = equal.get(str(component))  # equal in both documents: read once, resolved here
            for ref, kind in raw_refs(raw, pointer, name, schemas_only=True) if refs is None else refs:
                if kind == "schema":
                    self.resolver.deref(ref, self.entry)

    def _servers(self) -> tuple[str, ...]:
        root = self.root
        if self.v2:
            host = root.get("host")
            base = str(root.get("basePath") or "")
            if not host:
                return (base,) if base else ()
            schemes = self._strings(root, "schemes", Where(self.entry, "")) or ["https"]
            return tuple(f"{scheme}://{host}{base}" for scheme in schemes)
        servers = root.get("servers")
        if servers is None:
            return ()
        where = Where(self.entry, "/servers")
        if not isinstance(servers, list):
            raise self.fail(where, "servers must be a list")
        urls = []
        for index, server in enumerate(servers):
            at = where.child(str(index))
            if not isinstance(server, Mapping) or not isinstance(server.get("url"), str):
                raise self.fail(at, "a server must be a mapping with a string 'url'")
            url = server["url"]
            variables = server.get("variables")
            if variables is not None and not isinstance(variables, Mapping):
                raise self.fail(at.child("variables"), "server variables must be a mapping")
            for name, variable in (variables or {}).items():
                if not isinstance(variable, Mapping):
                    raise self.fail(at.child("variables", name), "a server variable must be a mapping")
                if "default" in variable:
                    url = url.replace("{" + str(name) + "}", str(variable["default"]))
            urls.append(url.rstrip("/") or "/")
        return tuple(urls)

    # -- operations ---------------------------------------------------------------------------

    def _path_item(
        self,
        path: str,
        raw: object,
        where: Where,
        inherited_security: tuple[Requirement, ...] | None = None,
        share: object = None,
    ) -> list[Operation]:
        """The operations of a path item. With `share` (the path as the Paths object keys it), an
        operation equal in both documents and referring only to unchanged parts (`Unchanged.
        operation`) is one node for both graphs: the base's, which the revision's takes as is."""
        item, where = self.mapping(raw, where, "a path item")
        for key in item:
            if key not in METHODS and str(key).lower() in METHODS:
                raise self.fail(where.child(str(key)), f"the method '{key}' must be written in lower case")
        entry = self.entry
        unchanged = (
            self.unchanged if share is not None and (where.file is entry or where.file == entry) else None
        )
        # the base's side watches what it builds (`_sharing`), the revision's takes what it kept
        watch = unchanged is not None and self.side == 0 and unchanged.whole_paths
        if watch:
            self._sharing = True
        shared = self._parameters(item.get("parameters"), where.child("parameters"), path)
        inherits = bool(self._sharing)
        operations, kept = [], []
        for method in METHODS:
            if method in item:
                if unchanged is not None and self.side == 1:
                    known = unchanged.kept(share, method)
                    if known is not None:  # its extensions are the base's, merged already
                        kept.append(known)
                        continue
                if watch:
                    self._sharing = inherits
                operation = self._operation(
                    path, method, item[method], where.child(method), shared, inherited_security
                )
                if watch and self._sharing and unchanged.operation(share, method):  # type: ignore[union-attr]
                    unchanged.keep(share, method, operation)  # type: ignore[union-attr]
                operations.append(operation)
        if watch:
            self._sharing = None
        inherited = _extensions(item)
        if inherited:
            for operation in operations:
                operation.extensions = {**inherited, **operation.extensions}
        if kept:  # in the order of METHODS, as built
            order = {operation.method: operation for operation in (*operations, *kept)}
            return [order[method] for method in METHODS if method in order]
        return operations

    def _operation(
        self,
        path: str,
        method: str,
        raw: object,
        where: Where,
        shared: dict[tuple[str, str], Parameter],
        inherited_security: tuple[Requirement, ...] | None,
    ) -> Operation:
        if raw.__class__ is dict and "$ref" not in raw:  # `mapping`'s first test, without the call
            op = raw
        else:
            op, where = self.mapping(raw, where, "an operation")
        own = self._parameters(op.get("parameters"), where.child("parameters"), path)
        parameters = {**shared, **own}
        mixed = id(shared) in self._mixed or id(own) in self._mixed  # a body or form field among them
        body = self._body(op, where, parameters, mixed)
        if mixed:
            parameters = {key: p for key, p in parameters.items() if p.location in _SENT}
        responses_raw = op.get("responses") or {}
        responses_map, rwhere = self.mapping(responses_raw, where.child("responses"), "responses")
        responses = {}
        for status, response in responses_map.items():
            status_text = str(status).lower()
            if status_text.startswith("x-"):
                continue
            responses[status_text] = self._response(
                status_text, response, rwhere.child(str(status)), op, op_where=where
            )
        if "security" in op:
            security_where = where.child("security")
            security = self._security(op["security"], security_where)
        elif inherited_security is not None:
            security, security_where = inherited_security, None
        else:  # the document's: read once for all its operations
            if self._document_security is None:
                at = Where(self.entry, "/security")
                self._document_security = (self._security(self.root.get("security"), at), at)
            security, security_where = self._document_security
        callbacks: dict[tuple[str, str, str], Operation] = {}
        raw_callbacks = op.get("callbacks")
        if is_mapping(raw_callbacks) and not self.v2:
            for name, callback in raw_callbacks.items():
                cwhere = where.child("callbacks", str(name))
                expressions, cwhere = self.mapping(callback, cwhere, "a callback")
                for expression, item in expressions.items():
                    if str(expression).startswith("x-"):
                        continue  # an extension of the Callback object, not an expression
                    for cb in self._path_item(str(expression), item, cwhere.child(str(expression)), security):
                        callbacks[(str(name), str(expression), cb.method)] = cb
        sunset = op.get("x-sunset")
        stability = op.get("x-stability-level")
        return Operation(
            method=method,
            path=path,
            operation_id=op.get("operationId") if isinstance(op.get("operationId"), str) else None,
            deprecated=op.get("deprecated") is True,
            sunset=str(sunset) if sunset is not None else None,
            parameters=parameters,
            body=body,
            responses=responses,
            security=security,
            callbacks=callbacks,
            where=where,
            security_where=security_where,
            stability=str(stability) if stability is not None else None,
            extensions=_extensions(op),
        )

    def _security(self, raw: object, where: Where) -> tuple[Requirement, ...]:
        if raw is None:
            return ()
        if not isinstance(raw, list):
            raise self.fail(where, "security must be a list of requirements")
        alternatives = []
        for index, requirement in enumerate(raw):
            if not is_mapping(requirement):
                raise self.fail(where.child(str(index)), "a security requirement must be a mapping")
            for scheme, scopes in requirement.items():
                if scopes is not None and not isinstance(scopes, list):
                    raise self.fail(where.child(str(index), str(scheme)), "the scopes must be a list")
                for position, scope in enumerate(scopes or ()):
                    if not isinstance(scope, str):  # never turned into text: it may be an alias tree
                        raise self.fail(
                            where.child(str(index), str(scheme), str(position)), "a scope must be a string"
                        )
            alternatives.append(
                frozenset(
                    (str(scheme), frozenset(str(s) for s in scopes or ()))
                    for scheme, scopes in requirement.items()
                )
            )
        return tuple(alternatives)

    # -- parameters ---------------------------------------------------------------------------

    def _parameters(self, raw: object, where: Where, path: str) -> dict[tuple[str, str], Parameter]:
        if raw is None:
            return {}
        if not isinstance(raw, list):
            raise self.fail(where, "parameters must be a list")
        names = _PLACEHOLDER.findall(path) if "{" in path else ()
        result: dict[tuple[str, str], Parameter] = {}
        file = where.file
        # by spelling alone for the entry file (a key holding the file would hash its path in
        # Python on every use: Kubernetes' 16,000 parameter entries cost 2 % of normalising so);
        # the entry reached again through a `$ref` (another path object) finds its table by file
        referred = self._referred if file is self.entry else self._referred_by_file.setdefault(file, {})
        for index, item in enumerate(raw):
            ref = item.get("$ref") if item.__class__ is dict or is_mapping(item) else None
            if ref.__class__ is str:
                # one node for every operation that refers to the same parameter component
                # (Kubernetes refers 13,000 times to 200 of them): its schema is then one node,
                # compared once (compare/schema.py memoises by node), and the entry's own pointer
                # is not even spelled
                known = referred.get(ref)
                if known is None:
                    parameter = self._new_parameter(item, where.child(str(index)))
                    clean = self.unchanged is not None and self._clean(ref, file)
                    known = referred[ref] = (parameter, parameter.match_key, clean)
                parameter, key, clean = known
                if not clean and self._sharing:
                    self._sharing = False
            else:
                parameter = self._new_parameter(item, where.child(str(index)))
                key = parameter.match_key  # a body or form field's too: (location, name)
            location = parameter.location
            if location == "path":
                if parameter.name in names:
                    key = ("path", f"#{names.index(parameter.name)}")
            elif location not in _SENT:
                self._mixed.add(id(result))
            result[key] = parameter
        return result

    def _new_parameter(self, raw: object, where: Where) -> Parameter:
        if raw.__class__ is dict and "$ref" not in raw:  # `mapping`'s first test, without the call
            param = raw
        else:
            param, where = self.mapping(raw, where, "a parameter")
        name, location = param.get("name"), param.get("in")
        if not isinstance(name, str) or not isinstance(location, str):
            raise self.fail(where, "a parameter needs a string 'name' and 'in'")
        schema: Schema | None = None
        if self.v2:
            if location == "body":
                schema = self.schema(
                    param.get("schema", {}), where.child("schema"), _ITSELF if "schema" in param else None
                )
            else:
                schema = self.schema(_v2_schema(param), where, param)
            style, explode = _V2_COLLECTION.get(str(param.get("collectionFormat", "csv")), ("form", False))
            if location in ("path", "header"):
                style = "simple" if style == "form" else style
        else:
            if "schema" in param:
                schema = self.schema(param["schema"], where.child("schema"))
            elif is_mapping(param.get("content")):
                for media, content in param["content"].items():
                    if is_mapping(content) and "schema" in content:
                        schema = self.schema(content["schema"], where.child("content", str(media), "schema"))
                    break
            style = str(param.get("style") or ("form" if location in ("query", "cookie") else "simple"))
            explode = param.get("explode", style == "form") is True
        return Parameter(
            name=name,
            location=location,
            required=location == "path" or param.get("required") is True,
            style=style,
            explode=explode,
            schema=schema,
            where=where,
            deprecated=param.get("deprecated") is True,
            allow_empty=param.get("allowEmptyValue") is True,
            sunset=str(param["x-sunset"]) if param.get("x-sunset") is not None else None,
        )

    # -- bodies -------------------------------------------------------------------------------

    def _body(
        self, op: Mapping, where: Where, parameters: dict[tuple[str, str], Parameter], mixed: bool = True
    ) -> Body | None:
        """The request body: 3.x `requestBody`; Swagger 2.0 the `body` parameter or the form
        fields among `parameters` (`mixed` False: there is none, as `_parameters` found)."""
        if not self.v2:
            if "requestBody" not in op:
                return None
            bwhere = where.child("requestBody")
            body, bwhere = self.mapping(op["requestBody"], bwhere, "a request body")
            return Body(
                required=body.get("required") is True,
                content=self._content(body.get("content"), bwhere.child("content")),
                where=bwhere,
                deprecated=body.get("deprecated") is True,
            )
        consumes = self._media_types(op, "consumes", where)  # checked even when there is no body
        if not mixed:
            return None
        body_params = [p for p in parameters.values() if p.location == "body"]
        if body_params:
            param = body_params[0]
            content = {}
            for name in consumes:  # `MediaType(name, param.schema, param.where)`, as in `_response`
                media = _new(MediaType)
                media.name, media.schema, media.where = str(name), param.schema, param.where
                content[str(name)] = media
            return Body(required=param.required, content=content, where=param.where)
        form = [p for p in parameters.values() if p.location == "formData"]
        if not form:
            return None
        schema = Schema(
            form[0].where,
            types=frozenset({"object"}),
            properties={p.name: p.schema for p in form if p.schema is not None},
            required=frozenset(p.name for p in form if p.required),
        )
        has_file = any(p.schema is not None and p.schema.format == "binary" for p in form)
        media = [c for c in consumes if c in _FORM_TYPES] or (
            ["multipart/form-data"] if has_file else ["application/x-www-form-urlencoded"]
        )
        # a body made of form fields is written as the operation's `parameters`, not as its
        # first field: a change about the body points there
        fields = where.child("parameters") if "parameters" in op else where
        return Body(
            required=any(p.required for p in form),
            content={c: MediaType(c, schema, fields) for c in media},
            where=fields,
        )

    def _content(self, raw: object, where: Where) -> dict[str, MediaType]:
        if raw is None:
            return {}
        content, where = self.mapping(raw, where, "content")
        result = {}
        for media, item in content.items():
            mwhere = where.child(str(media))
            entry, mwhere = self.mapping(item, mwhere, "a media type")
            schema = self.schema(entry["schema"], mwhere.child("schema")) if "schema" in entry else None
            made = _new(MediaType)  # `MediaType(str(media), schema, mwhere)`, as in `_response`
            made.name, made.schema, made.where = str(media), schema, mwhere
            result[str(media).lower()] = made
        return result

    # -- responses ----------------------------------------------------------------------------

    def _response(
        self, status: str, raw: object, where: Where, op: Mapping, op_where: Where | None = None
    ) -> Response:
        if raw.__class__ is dict and "$ref" not in raw:  # `mapping`'s first test, without the call
            response = raw
        else:
            response, where = self.mapping(raw, where, "a response")
        headers: dict[str, Header] = {}
        raw_headers = response.get("headers")
        if is_mapping(raw_headers):
            for name, item in raw_headers.items():
                if str(name).lower() == "content-type":
                    continue
                hwhere = where.child("headers", str(name))
                header, hwhere = self.mapping(item, hwhere, "a header")
                if self.v2:
                    schema = self.schema(_v2_schema(header), hwhere, header)
                elif "schema" in header:
                    schema = self.schema(header["schema"], hwhere.child("schema"))
                else:
                    schema = None
                headers[str(name).lower()] = Header(
                    str(name),
                    header.get("required") is True,
                    schema,
                    hwhere,
                    deprecated=header.get("deprecated") is True,
                    explode=header.get("explode") is True,
                )
        if self.v2:
            content = {}
            if "schema" in response:
                swhere = where.child("schema")
                schema = self.schema(response["schema"], swhere)
                produces = self._media_types(op, "produces", op_where)
                for name in produces:  # Kubernetes: 9,500 a side, one schema and place each response
                    # what `MediaType(name, schema, swhere)` makes, without the call of its
                    # `__init__` (half its cost): the same fields, set in the same order
                    media = _new(MediaType)
                    media.name, media.schema, media.where = str(name), schema, swhere
                    content[str(name).lower()] = media
        else:
            content = self._content(response.get("content"), where.child("content"))
        return Response(status=status, headers=headers, content=content, where=where)


#: Swagger 2.0 oauth2 `flow` names, as OpenAPI 3.x names the same flows
_V2_FLOWS = {"implicit": "implicit", "password": "password", "application": "clientCredentials"}
_V2_FLOWS["accessCode"] = "authorizationCode"


def _flow(raw: Mapping) -> tuple[dict[str, str], frozenset[str]]:
    """An oauth2 flow: its URLs and the names of its scopes."""
    urls = {key: str(raw[key]) for key in ("authorizationUrl", "tokenUrl", "refreshUrl") if key in raw}
    scopes = raw.get("scopes")
    return urls, frozenset(str(s) for s in scopes) if isinstance(scopes, Mapping) else frozenset()


def _v2_schema(raw: Mapping) -> dict:
    """A Swagger 2.0 parameter or header without its own keys: its schema, keys in the order
    written (a copy made in C, its few own keys deleted: Kubernetes writes 18,000 of them)."""
    schema = dict(raw)
    for key in _V2_PARAMETER_KEYS.intersection(schema):
        del schema[key]
    return schema


def _extensions(raw: Mapping) -> dict[str, object]:
    """The `x-` keys of a mapping (what `exclude` flags such as `x-internal: true` are read from).
    Most operations have none: that is told by one search of their keys joined (in C), the keys
    being text (a key that is not, from a mapping made by hand, is read one by one). When no key
    holds a NUL, the names are found in that text too (Kubernetes writes two on every operation:
    a third of the cost of testing each key)."""
    try:
        joined = "\0" + "\0".join(raw)
    except TypeError:
        joined = ""
    if joined:
        if "\0x-" not in joined:
            return {}
        if joined.count("\0") == len(raw):  # every NUL a separator: each match is one key
            return {name: raw[name] for name in _EXTENSION_NAMES(joined)}
    return {key: value for key, value in raw.items() if isinstance(key, str) and key.startswith("x-")}
