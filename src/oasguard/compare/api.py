"""Compare two normalised Apis: paths, operations, parameters, bodies, responses, security."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from oasguard.changes import Side
from oasguard.compare.facts import Fact, canonical, show
from oasguard.compare.schema import SchemaComparer, describe, location
from oasguard.model.nodes import (
    MISSING,
    Api,
    Body,
    Header,
    LazySchema,
    MediaType,
    Operation,
    Parameter,
    Requirement,
    Response,
    Schema,
    SecurityScheme,
    Where,
    path_key,
    same_value,
)
from oasguard.rules import parameters as P
from oasguard.rules import paths as PATHS
from oasguard.rules import request_body as RB
from oasguard.rules import responses as R
from oasguard.rules import schema as SCHEMA
from oasguard.rules import security as SEC

_METHOD_ORDER = {
    m: i for i, m in enumerate(("get", "put", "post", "delete", "options", "head", "patch", "trace"))
}
_SHAPED = frozenset({"array", "object"})


def compare(base: Api, rev: Api, schemas: SchemaComparer | None = None) -> list[Fact]:
    """Every fact that tells `base` from `rev`. `schemas` (default: a new one) compares the
    schemas; pass one to read its work counters afterwards."""
    comparison = _Comparison(base, rev, schemas)
    return list(comparison.run())


def unchanged_components(base: Api, rev: Api) -> frozenset[str]:
    """`$ref` targets whose raw content is equal on both sides, and all they refer to as well."""
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
    dependents: dict[str, set[str]] = {}
    for key in candidates:
        for dependency in base.dependencies.get(key, ()):
            dependents.setdefault(dependency, set()).add(key)
    pending = [
        k
        for k in candidates
        if any(d not in candidates for d in base.dependencies.get(k, ()))
        or base.dependencies.get(k) != rev.dependencies.get(k)
    ]
    changed: set[str] = set()
    while pending:
        key = pending.pop()
        if key in changed:
            continue
        changed.add(key)
        pending.extend(dependents.get(key, ()))
    return frozenset(candidates - changed)


class _Comparison:
    def __init__(self, base: Api, rev: Api, schemas: SchemaComparer | None) -> None:
        self.base, self.rev = base, rev
        self.schemas = schemas or SchemaComparer()
        self.schemas.unchanged = unchanged_components(base, rev)
        #: what changed in each security scheme defined on both sides (said per operation)
        self.scheme_changes = _scheme_changes(base.security_schemes, rev.security_schemes)

    def run(self) -> Iterator[Fact]:
        base_operations, rev_operations = self.base.operations, self.rev.operations
        moved = _moved_prefix(self.base.servers, self.rev.servers)
        if moved is not None:  # a path prefix moved between the servers and the paths?
            base_full = _prefixed(base_operations, moved[0])
            rev_full = _prefixed(rev_operations, moved[1])
            if len(base_full.keys() & rev_full.keys()) > len(base_operations.keys() & rev_operations.keys()):
                base_operations, rev_operations = base_full, rev_full  # matched by full URL
            else:
                moved = None  # the servers changed: a new version prefix is not a move
        if moved is None:
            yield from self._servers()
        yield from self._unused_schemes()
        order = _by_path
        if self.base.twins or self.rev.twins:
            base_operations, rev_operations = _pair_twins(base_operations, rev_operations)
            order = _by_shape
        base_paths = {key[0] for key in base_operations}
        rev_paths = {key[0] for key in rev_operations}
        keys = sorted(base_operations.keys() | rev_operations.keys(), key=order)
        for key in keys:
            old, new = base_operations.get(key), rev_operations.get(key)
            if old is not None and new is not None:
                yield from self._operation(old, new)
            elif old is not None:
                yield self._removed(old, path_gone=key[0] not in rev_paths)
            elif new is not None:
                rule = PATHS.OPERATION_ADDED if key[0] in base_paths else PATHS.PATH_ADDED
                yield Fact(rule, {"method": new.method.upper(), "path": new.path}, new.title, (), new.where)
        for key in sorted(self.base.webhooks.keys() | self.rev.webhooks.keys()):
            old, new = self.base.webhooks.get(key), self.rev.webhooks.get(key)
            title = f"{key[1].upper()} {key[0]}"
            if old is not None and new is not None:
                yield from self._operation(old, new, webhook=True)
            elif old is not None:
                yield Fact(
                    PATHS.WEBHOOK_REMOVED,
                    {"name": key[0], "method": key[1].upper()},
                    title,
                    (),
                    old.where,
                    in_base=True,
                )
            elif new is not None:
                yield Fact(
                    PATHS.WEBHOOK_ADDED, {"name": key[0], "method": key[1].upper()}, title, (), new.where
                )

    # -- servers and whole operations ---------------------------------------------------------

    def _servers(self) -> Iterator[Fact]:
        old, new = self.base.servers, self.rev.servers
        removed = [u for u in old if u not in new]
        added = [u for u in new if u not in old]
        where = Where(self.rev.entry, "/servers")
        if len(removed) == 1 and len(added) == 1:
            yield Fact(
                PATHS.SERVER_URL_CHANGED, {"old": removed[0], "new": added[0]}, None, ("servers",), where
            )
            return
        for url in removed:
            yield Fact(
                PATHS.SERVER_REMOVED,
                {"url": url},
                None,
                ("servers",),
                Where(self.base.entry, "/servers"),
                in_base=True,
            )
        for url in added:
            yield Fact(PATHS.SERVER_ADDED, {"url": url}, None, ("servers",), where)

    def _removed(self, old: Operation, path_gone: bool) -> Fact:
        """The fact only: what was removed, whether it was deprecated and its sunset date.
        Whether that removal was announced long enough is policy's to judge (policy.py)."""
        rule = PATHS.PATH_REMOVED if path_gone else PATHS.OPERATION_REMOVED
        args = {
            "method": old.method.upper(),
            "path": old.path,
            "deprecated": old.deprecated,
            "sunset": old.sunset,
        }
        # its entry under /paths in the base (where an operation's `$ref` is, not where it leads)
        tokens = ("paths", old.path) if path_gone else ("paths", old.path, old.method)
        return Fact(rule, args, old.title, (), Where(self.base.entry, "").child(*tokens), in_base=True)

    def _operation(
        self,
        old: Operation,
        new: Operation,
        webhook: bool = False,
        title: str | None = None,
        prefix: tuple[str, ...] = (),
        flipped: bool = False,
    ) -> Iterator[Fact]:
        title = title or new.title
        if old.operation_id and old.operation_id != new.operation_id and not flipped:
            yield Fact(
                PATHS.OPERATION_ID_CHANGED,
                {"old": old.operation_id, "new": new.operation_id or "none"},
                title,
                (*prefix, "operationId"),
                new.where.child("operationId"),
            )
        if new.deprecated and not old.deprecated and not flipped:
            yield Fact(
                PATHS.OPERATION_DEPRECATED,
                {"method": new.method.upper(), "path": new.path, "sunset": new.sunset},
                title,
                prefix,
                new.where.child("deprecated"),
            )
        if not flipped and _stability(old) != _stability(new):
            rule = (
                PATHS.OPERATION_STABILITY_DECREASED
                if _stability(new) < _stability(old)
                else PATHS.OPERATION_STABILITY_INCREASED
            )
            yield Fact(
                rule,
                {"old": old.stability or "stable", "new": new.stability or "stable"},
                title,
                (*prefix, "x-stability-level"),
                new.where.child("x-stability-level") if new.stability else new.where,
            )
        if not flipped:
            yield from self._parameters(old, new, title, prefix)
        request = Side.RESPONSE if flipped else Side.REQUEST
        yield from self._body(old.body, new.body, title, prefix, request)
        for status in _ordered(old.responses.keys() | new.responses.keys()):
            yield from self._response(
                old.responses.get(status), new.responses.get(status), title, prefix, request.flipped
            )
        if not flipped and not webhook:
            yield from self._security(old, new, title, prefix)
            yield from self._schemes(old, new, title, prefix)
        for key in sorted(old.callbacks.keys() & new.callbacks.keys()):
            name, expression, method = key
            yield from self._operation(
                old.callbacks[key],
                new.callbacks[key],
                title=title,
                flipped=True,
                prefix=(*prefix, f"callback {name}", f"{method.upper()} {expression}"),
            )

    # -- schemas ------------------------------------------------------------------------------

    def _schema(
        self,
        old: Schema | None,
        new: Schema | None,
        side: Side,
        title: str,
        prefix: tuple[str, ...],
        root: str,
        skip_root_default: bool = False,
    ) -> Iterator[Fact]:
        if old is None or new is None:
            return
        for fact in self.schemas.walk(old, new, side, skip_root_default):
            name, subject = describe(fact.path, side, root)
            args = {"side": side.value, "name": name, "subject": subject, **fact.args}
            yield Fact(fact.rule, args, title, (*prefix, *location(fact.path)), fact.where, fact.in_base)

    # -- parameters ---------------------------------------------------------------------------

    def _parameters(
        self, old: Operation, new: Operation, title: str, prefix: tuple[str, ...]
    ) -> Iterator[Fact]:
        removed = {k: p for k, p in old.parameters.items() if k not in new.parameters}
        added = {k: p for k, p in new.parameters.items() if k not in old.parameters}
        # a parameter that moved: same name, another location
        for old_key, old_p in list(removed.items()):
            for new_key, new_p in list(added.items()):
                if old_p.name.lower() == new_p.name.lower() and old_p.location != new_p.location:
                    yield Fact(
                        P.PARAMETER_LOCATION_CHANGED,
                        {"name": new_p.name, "old": old_p.location, "new": new_p.location},
                        title,
                        (*prefix, f"{new_p.location} parameter {new_p.name}"),
                        new_p.where,
                    )
                    del removed[old_key], added[new_key]
                    break
        for old_key, new_key in self._parameter_renames(removed, added):
            old_p, new_p = removed.pop(old_key), added.pop(new_key)
            rule = P.REQUIRED_PARAMETER_RENAMED if old_p.required or new_p.required else P.PARAMETER_RENAMED
            yield Fact(
                rule,
                {"in": new_p.location, "old": old_p.name, "new": new_p.name},
                title,
                (*prefix, f"{new_p.location} parameter {new_p.name}"),
                new_p.where,
            )
        for key in sorted(removed):
            p = removed[key]
            yield Fact(
                P.PARAMETER_REMOVED,
                {"in": p.location, "name": p.name, "deprecated": p.deprecated, "sunset": p.sunset},
                title,
                (*prefix, f"{p.location} parameter {p.name}"),
                p.where,
                in_base=True,
            )
        for key in sorted(added):
            p = added[key]
            rule = P.REQUIRED_PARAMETER_ADDED if p.required else P.OPTIONAL_PARAMETER_ADDED
            yield Fact(
                rule,
                {"in": p.location, "name": p.name},
                title,
                (*prefix, f"{p.location} parameter {p.name}"),
                p.where,
            )
        for key in sorted(old.parameters.keys() & new.parameters.keys()):
            yield from self._parameter(old.parameters[key], new.parameters[key], title, prefix)

    def _parameter_renames(self, removed: dict, added: dict) -> list[tuple]:
        fits = [
            (ok, nk)
            for ok, o in removed.items()
            for nk, n in added.items()
            if o.location == n.location
            and o.location != "path"
            and o.schema is not None
            and n.schema is not None
            and self.schemas.equivalent(o.schema, n.schema)
        ]
        return [
            (ok, nk)
            for ok, nk in fits
            if sum(1 for o, _ in fits if o == ok) == 1 and sum(1 for _, n in fits if n == nk) == 1
        ]

    def _parameter(
        self, old: Parameter, new: Parameter, title: str, prefix: tuple[str, ...]
    ) -> Iterator[Fact]:
        here = (*prefix, f"{new.location} parameter {new.name}")
        args = {"in": new.location, "name": new.name}
        if new.required and not old.required:
            yield Fact(P.PARAMETER_BECAME_REQUIRED, args, title, here, new.where.child("required"))
        elif old.required and not new.required:
            yield Fact(P.PARAMETER_BECAME_OPTIONAL, args, title, here, new.where)
        if old.deprecated != new.deprecated:
            rule = P.PARAMETER_DEPRECATED if new.deprecated else P.PARAMETER_UNDEPRECATED
            yield Fact(
                rule, args, title, here, new.where.child("deprecated") if new.deprecated else new.where
            )
        if old.allow_empty != new.allow_empty:
            rule = P.ALLOW_EMPTY_VALUE_ADDED if new.allow_empty else P.ALLOW_EMPTY_VALUE_REMOVED
            yield Fact(
                rule, args, title, here, new.where.child("allowEmptyValue") if new.allow_empty else new.where
            )
        shaped = _shaped(old.schema) or _shaped(new.schema)
        # a primitive is written the same way in every style but label and matrix
        prefixed = bool({"label", "matrix"} & {old.style, new.style})
        if shaped or prefixed:
            for what, before, after in (
                ("style", old.style, new.style),
                ("explode", old.explode, new.explode),
            ):
                if before != after and (shaped or what == "style"):
                    yield Fact(
                        P.PARAMETER_STYLE_CHANGED,
                        {**args, "what": what, "old": show(before), "new": show(after)},
                        title,
                        here,
                        new.where.child(what),
                    )
        old_default = old.schema.default if old.schema is not None else MISSING
        new_default = new.schema.default if new.schema is not None else MISSING
        if (old_default is MISSING) != (new_default is MISSING) or (
            old_default is not MISSING and canonical(old_default) != canonical(new_default)
        ):
            yield Fact(
                P.PARAMETER_DEFAULT_CHANGED,
                {
                    **args,
                    "old": "none" if old_default is MISSING else show(old_default),
                    "new": "none" if new_default is MISSING else show(new_default),
                },
                title,
                here,
                new.where,
            )
        yield from self._schema(
            old.schema,
            new.schema,
            Side.REQUEST,
            title,
            here,
            f"{new.location} parameter '{new.name}'",
            skip_root_default=True,
        )

    # -- bodies -------------------------------------------------------------------------------

    def _body(
        self, old: Body | None, new: Body | None, title: str, prefix: tuple[str, ...], side: Side
    ) -> Iterator[Fact]:
        here = (*prefix, "request body")
        if old is None and new is None:
            return
        if side is Side.RESPONSE:  # a callback: the API sends this body, the subscriber reads it
            yield from self._content(
                old.content if old else {},
                new.content if new else {},
                title,
                here,
                side,
                "request body",
                status=None,
            )
            return
        if old is None:
            assert new is not None
            rule = RB.REQUIRED_BODY_ADDED if new.required else RB.OPTIONAL_BODY_ADDED
            yield Fact(rule, {}, title, here, new.where)
            return
        if new is None:
            yield Fact(RB.BODY_REMOVED, {}, title, here, old.where, in_base=True)
            return
        if new.required and not old.required:
            yield Fact(RB.BODY_BECAME_REQUIRED, {}, title, here, new.where)
        elif old.required and not new.required:
            yield Fact(RB.BODY_BECAME_OPTIONAL, {}, title, here, new.where)
        if old.deprecated != new.deprecated:
            rule = RB.BODY_DEPRECATED if new.deprecated else RB.BODY_UNDEPRECATED
            yield Fact(rule, {}, title, here, new.where.child("deprecated") if new.deprecated else new.where)
        yield from self._content(old.content, new.content, title, here, side, "request body", status=None)

    def _content(
        self,
        old: dict[str, MediaType],
        new: dict[str, MediaType],
        title: str,
        here: tuple[str, ...],
        side: Side,
        root: str,
        status: str | None,
    ) -> Iterator[Fact]:
        reading = side is Side.RESPONSE
        removed_rule = R.MEDIA_TYPE_REMOVED if reading else RB.MEDIA_TYPE_REMOVED
        added_rule = R.MEDIA_TYPE_ADDED if reading else RB.MEDIA_TYPE_ADDED
        for name in sorted(old.keys() - new.keys()):
            yield Fact(
                removed_rule,
                {"media_type": old[name].name, "status": status},
                title,
                (*here, old[name].name),
                old[name].where,
                in_base=True,
            )
        for name in sorted(new.keys() - old.keys()):
            yield Fact(
                added_rule,
                {"media_type": new[name].name, "status": status},
                title,
                (*here, new[name].name),
                new[name].where,
            )
        # media types that share one schema on both sides (Swagger 2.0 `produces`) are compared
        # once, and the location says which: all of them, or the list
        groups: dict[tuple[int, int], list[str]] = {}
        for name in sorted(old.keys() & new.keys()):
            before, after = old[name], new[name]
            if (before.schema is None) != (after.schema is None):  # any content, or a schema
                kind = SCHEMA.SCHEMA_ADDED if before.schema is None else SCHEMA.SCHEMA_REMOVED
                gone = after.schema is None
                yield Fact(
                    f"{side.value}-{kind}",
                    {"side": side.value, "subject": f"{root} ({after.name})"},
                    title,
                    (*here, after.name),
                    before.where.child("schema") if gone else after.where.child("schema"),
                    in_base=gone,
                )
            groups.setdefault((id(before.schema), id(after.schema)), []).append(name)
        for names in groups.values():
            first = names[0]
            if len(names) == 1:
                label = new[first].name
            elif len(names) == len(old) == len(new):
                label = "every media type"
            else:
                label = ", ".join(new[name].name for name in names)
            yield from self._schema(old[first].schema, new[first].schema, side, title, (*here, label), root)

    # -- responses ----------------------------------------------------------------------------

    def _response(
        self, old: Response | None, new: Response | None, title: str, prefix: tuple[str, ...], side: Side
    ) -> Iterator[Fact]:
        if old is None and new is None:
            return
        status = (new or old).status  # type: ignore[union-attr]
        here = (*prefix, f"response {status}")
        if new is None:
            assert old is not None
            success = status.startswith("2") and side is Side.RESPONSE
            rule = R.SUCCESS_STATUS_REMOVED if success else R.STATUS_REMOVED
            yield Fact(rule, {"status": status}, title, here, old.where, in_base=True)
            return
        if old is None:
            yield Fact(R.STATUS_ADDED, {"status": status}, title, here, new.where)
            return
        for name in sorted(old.headers.keys() | new.headers.keys()):
            old_h, new_h = old.headers.get(name), new.headers.get(name)
            if new_h is None:
                assert old_h is not None
                rule = R.REQUIRED_HEADER_REMOVED if old_h.required else R.OPTIONAL_HEADER_REMOVED
                yield Fact(
                    rule,
                    {"name": old_h.name, "status": status},
                    title,
                    (*here, f"header {old_h.name}"),
                    old_h.where,
                    in_base=True,
                )
                continue
            hhere = (*here, f"header {new_h.name}")
            if old_h is None:
                yield Fact(R.HEADER_ADDED, {"name": new_h.name, "status": status}, title, hhere, new_h.where)
                continue
            if old_h.required and not new_h.required:
                yield Fact(
                    R.HEADER_BECAME_OPTIONAL,
                    {"name": new_h.name, "status": status},
                    title,
                    hhere,
                    new_h.where,
                )
            elif new_h.required and not old_h.required:
                yield Fact(
                    R.HEADER_BECAME_REQUIRED,
                    {"name": new_h.name, "status": status},
                    title,
                    hhere,
                    new_h.where,
                )
            yield from self._header(old_h, new_h, status, title, hhere)
            yield from self._schema(
                old_h.schema, new_h.schema, side, title, hhere, f"response header '{new_h.name}'"
            )
        yield from self._content(
            old.content, new.content, title, here, side, f"response {status} body", status=status
        )

    def _header(
        self, old: Header, new: Header, status: str, title: str, here: tuple[str, ...]
    ) -> Iterator[Fact]:
        """A response header's deprecation, and its serialisation where it changes the bytes."""
        args = {"name": new.name, "status": status}
        if old.deprecated != new.deprecated:
            rule = R.HEADER_DEPRECATED if new.deprecated else R.HEADER_UNDEPRECATED
            yield Fact(
                rule, args, title, here, new.where.child("deprecated") if new.deprecated else new.where
            )
        # `simple` writes an array the same either way; `explode` changes only objects (k=v)
        for what, before, after in (("style", old.style, new.style), ("explode", old.explode, new.explode)):
            if before != after and (what == "style" or _object(old.schema) or _object(new.schema)):
                yield Fact(
                    R.HEADER_STYLE_CHANGED,
                    {**args, "what": what, "old": show(before), "new": show(after)},
                    title,
                    here,
                    new.where.child(what),
                )

    # -- security schemes ---------------------------------------------------------------------

    def _schemes(self, old: Operation, new: Operation, title: str, prefix: tuple[str, ...]) -> Iterator[Fact]:
        """What changed in each scheme the operation requires (on both sides), said for it."""
        if not self.scheme_changes:
            return
        required = _scheme_names(old.security) & _scheme_names(new.security)
        for name in sorted(required & self.scheme_changes.keys()):
            for rule, args, where, in_base in self.scheme_changes[name]:
                yield Fact(rule, args, title, (*prefix, f"security scheme {name}"), where, in_base)

    def _unused_schemes(self) -> Iterator[Fact]:
        """Schemes added or removed that no requirement names: no client is affected."""
        old, new = self.base.security_schemes, self.rev.security_schemes
        if old.keys() == new.keys():
            return
        named = set()
        for api in (self.base, self.rev):
            for operation in api.operations.values():
                named |= _scheme_names(operation.security)
                for callback in operation.callbacks.values():
                    named |= _scheme_names(callback.security)
        for name in sorted(old.keys() - new.keys() - named):
            yield Fact(
                SEC.SCHEME_REMOVED,
                {"scheme": name},
                None,
                (f"security scheme {name}",),
                old[name].where,
                True,
            )
        for name in sorted(new.keys() - old.keys() - named):
            yield Fact(
                SEC.SCHEME_ADDED, {"scheme": name}, None, (f"security scheme {name}",), new[name].where
            )

    # -- security -----------------------------------------------------------------------------

    def _security(
        self, old_op: Operation, new_op: Operation, title: str, prefix: tuple[str, ...]
    ) -> Iterator[Fact]:
        old, new = old_op.security, new_op.security
        if set(old) == set(new):
            return
        # what is added points into the revision, what is removed into the base
        swhere = new_op.security_where or new_op.where
        bwhere = old_op.security_where or old_op.where
        here = (*prefix, "security")
        public_before = not old or frozenset() in old
        public_after = not new or frozenset() in new
        if public_before and not public_after:
            for requirement in new:
                yield Fact(
                    SEC.REQUIREMENT_ADDED, {"requirement": _show_req(requirement)}, title, here, swhere
                )
            return
        if public_after:
            if not public_before:
                for requirement in old:
                    yield Fact(
                        SEC.REQUIREMENT_REMOVED,
                        {"requirement": _show_req(requirement)},
                        title,
                        here,
                        bwhere,
                        True,
                    )
            return
        matched_new: set[Requirement] = set()
        for requirement in old:
            if requirement in new:
                matched_new.add(requirement)
                continue
            schemes = {scheme for scheme, _ in requirement}
            same_schemes = [n for n in new if {s for s, _ in n} == schemes and n not in old]
            if same_schemes:
                target = same_schemes[0]
                matched_new.add(target)
                old_scopes, new_scopes = dict(requirement), dict(target)
                for scheme in sorted(schemes):
                    gained = new_scopes[scheme] - old_scopes[scheme]
                    lost = old_scopes[scheme] - new_scopes[scheme]
                    if gained:
                        yield Fact(
                            SEC.SCOPE_ADDED,
                            {"scheme": scheme, "scopes": ", ".join(sorted(gained))},
                            title,
                            here,
                            swhere,
                        )
                    if lost:
                        yield Fact(
                            SEC.SCOPE_REMOVED,
                            {"scheme": scheme, "scopes": ", ".join(sorted(lost))},
                            title,
                            here,
                            swhere,
                        )
                continue
            wider = [
                n
                for n in new
                if n not in old and dict(requirement).items() <= dict(n).items() and n not in matched_new
            ]
            if wider:  # the same requirement now needs another scheme as well
                matched_new.add(wider[0])
                extra = frozenset(wider[0] - requirement)
                yield Fact(SEC.REQUIREMENT_ADDED, {"requirement": _show_req(extra)}, title, here, swhere)
                continue
            yield Fact(
                SEC.REQUIREMENT_REMOVED, {"requirement": _show_req(requirement)}, title, here, bwhere, True
            )
        for requirement in new:
            if requirement not in old and requirement not in matched_new:
                yield Fact(
                    SEC.ALTERNATIVE_ADDED, {"requirement": _show_req(requirement)}, title, here, swhere
                )


def _scheme_names(security: tuple[Requirement, ...]) -> set[str]:
    return {scheme for requirement in security for scheme, _ in requirement}


_SchemeFact = tuple[str, dict[str, object], Where, bool]


def _scheme_changes(
    old: dict[str, SecurityScheme], new: dict[str, SecurityScheme]
) -> dict[str, list[_SchemeFact]]:
    """Per scheme defined on both sides: (rule, args, where, in_base) of each change of it."""
    found: dict[str, list[_SchemeFact]] = {}
    for name in sorted(old.keys() & new.keys()):
        facts = _scheme_change(old[name], new[name])
        if facts:
            found[name] = facts
    return found


def _scheme_change(old: SecurityScheme, new: SecurityScheme) -> list[_SchemeFact]:
    facts: list[_SchemeFact] = []
    name = new.name
    if old.type != new.type:
        args = {"scheme": name, "what": "type", "old": show(old.type), "new": show(new.type)}
        return [(SEC.SCHEME_TYPE_CHANGED, args, new.where.child("type"), False)]
    for what in ("name", "in", "scheme", "openIdConnectUrl"):
        before, after = old.settings.get(what), new.settings.get(what)
        if before != after:
            args = {"scheme": name, "what": what, "old": _show_opt(before), "new": _show_opt(after)}
            facts.append((SEC.SCHEME_CHANGED, args, new.where.child(what), False))
    for flow in sorted(old.flows.keys() - new.flows.keys()):
        args = {"scheme": name, "what": flow}
        facts.append((SEC.SCHEME_FLOW_REMOVED, args, old.where.child("flows", flow), True))
    for flow in sorted(old.flows.keys() & new.flows.keys()):
        (old_urls, old_scopes), (new_urls, new_scopes) = old.flows[flow], new.flows[flow]
        where = new.where.child("flows", flow)
        for what in ("authorizationUrl", "tokenUrl", "refreshUrl"):
            before, after = old_urls.get(what), new_urls.get(what)
            if before != after:
                args = {
                    "scheme": name,
                    "what": f"{flow} {what}",
                    "old": _show_opt(before),
                    "new": _show_opt(after),
                }
                facts.append((SEC.SCHEME_URL_CHANGED, args, where.child(what), False))
        if old_scopes - new_scopes:
            args = {"scheme": name, "what": flow, "scopes": ", ".join(sorted(old_scopes - new_scopes))}
            facts.append((SEC.SCHEME_SCOPE_REMOVED, args, old.where.child("flows", flow, "scopes"), True))
        if new_scopes - old_scopes:
            args = {"scheme": name, "what": flow, "scopes": ", ".join(sorted(new_scopes - old_scopes))}
            facts.append((SEC.SCHEME_SCOPE_ADDED, args, where.child("scopes"), False))
    return facts


def _show_opt(value: str | None) -> str:
    return "none" if value is None else show(value)


def _object(schema: Schema | None) -> bool:
    """Whether values of `schema` may be objects (written differently when exploded)."""
    return schema is None or schema.types is None or "object" in schema.types


def _moved_prefix(old: tuple[str, ...], new: tuple[str, ...]) -> tuple[str, str] | None:
    """(base prefix, revision prefix) when the servers differ only in a path prefix that every
    server of a side shares (`https://api.example.com/v1` → `https://api.example.com`): the
    operations are then matched by their full URL (SPEC 3.3). None when there is nothing to
    move, or more than the prefix changed."""
    if old == new or not old or not new:
        return None
    old_split, new_split = [_split(url) for url in old], [_split(url) for url in new]
    old_prefixes, new_prefixes = {p for _, p in old_split}, {p for _, p in new_split}
    if len(old_prefixes) != 1 or len(new_prefixes) != 1 or old_prefixes == new_prefixes:
        return None
    if [origin for origin, _ in old_split] != [origin for origin, _ in new_split]:
        return None
    return old_prefixes.pop(), new_prefixes.pop()


def _split(url: str) -> tuple[str, str]:
    """A server URL as (scheme and host, path without a trailing slash)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else "", parts.path.rstrip("/")


def _by_path(key: tuple[str, str]) -> tuple[str, int]:
    return key[0], _METHOD_ORDER.get(key[1], 99)


def _by_shape(key: tuple[str, str]) -> tuple[str, int, str]:
    """Twins (keyed by their templates) beside the other operations of their shape."""
    return path_key(key[0]), _METHOD_ORDER.get(key[1], 99), key[0]


def _pair_twins(
    base: dict[tuple[str, str], Operation], rev: dict[tuple[str, str], Operation]
) -> tuple[dict[tuple[str, str], Operation], dict[tuple[str, str], Operation]]:
    """Both sides keyed so that twins (operations declared under templates that differ only in
    parameter names, keyed by their literal template) meet their own former selves: by literal
    template first, then, for what is left of a shape on both sides, in document order (a
    parameter renamed in the template is no change for clients)."""
    shapes: dict[tuple[str, str], tuple[list, list]] = {}
    for side, operations in enumerate((base, rev)):
        for key in operations:
            shapes.setdefault((path_key(key[0]), key[1]), ([], []))[side].append(key)
    keyed: tuple[dict, dict] = ({}, {})
    for (_, method), (base_keys, rev_keys) in shapes.items():
        if base_keys == rev_keys or not base_keys or not rev_keys:
            for side, keys in enumerate((base_keys, rev_keys)):
                keyed[side].update((key, (base, rev)[side][key]) for key in keys)
            continue
        literal = [
            {_literal(key, operations[key]): key for key in keys}
            for keys, operations in ((base_keys, base), (rev_keys, rev))
        ]
        same = [template for template in literal[0] if template in literal[1]]
        left = [[template for template in side if template not in same] for side in literal]
        pairs = [(template, template) for template in same] + list(zip(left[0], left[1], strict=False))
        for old, new in pairs:
            keyed[0][(old, method)] = base[literal[0][old]]
            keyed[1][(old, method)] = rev[literal[1][new]]
        for side, templates in enumerate(left):
            for template in templates[len(pairs) - len(same) :]:
                keyed[side][(template, method)] = (base, rev)[side][literal[side][template]]
    return keyed


def _literal(key: tuple[str, str], operation: Operation) -> str:
    """The literal template of the operation at `key`: a twin's key is its template already;
    a shape keeps the prefix it carries when operations are matched by full URL."""
    if path_key(key[0]) != key[0]:
        return key[0]
    shape = path_key(operation.path)
    return (key[0][: len(key[0]) - len(shape)] if key[0].endswith(shape) else "") + operation.path


def _prefixed(operations: dict[tuple[str, str], Operation], prefix: str) -> dict[tuple[str, str], Operation]:
    return {
        ((prefix + key if key != "/" else prefix) or "/", method): op
        for (key, method), op in operations.items()
    }


def _show_req(requirement: Requirement) -> str:
    parts = []
    for scheme, scopes in sorted(requirement, key=lambda item: item[0]):
        parts.append(f"'{scheme}'" + (f" [{', '.join(sorted(scopes))}]" if scopes else ""))
    return " + ".join(parts) or "'anonymous'"


def _shaped(schema: Schema | None) -> bool:
    return schema is None or schema.types is None or bool(schema.types & _SHAPED)


def _ordered(statuses: set[str]) -> list[str]:
    return sorted(statuses, key=lambda s: (s == "default", s))


#: `x-stability-level` values in order; anything else (or nothing) reads as stable
_STABILITY = {"draft": 0, "alpha": 1, "beta": 2, "stable": 3}


def _stability(operation: Operation) -> int:
    return _STABILITY.get(str(operation.stability).lower(), 3)
