"""Paths, operations, webhooks and servers: what is added, removed or renamed as a whole."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from oasguard.changes import Deprecated, Step
from oasguard.compare.facts import Fact
from oasguard.compare.operations import bodies, parameters, responses, security
from oasguard.compare.operations.context import Here, Run
from oasguard.model.nodes import METHODS, Operation, Where, path_key

_METHOD_ORDER = {method: index for index, method in enumerate(METHODS)}
#: `x-stability-level` values in order; anything else (or nothing) reads as stable
_STABILITY = {"draft": 0, "alpha": 1, "beta": 2, "stable": 3}

Operations = dict[tuple[str, str], Operation]


def check_paths(run: Run) -> Iterator[Fact]:
    """Every fact of the two documents, in report order: servers, unused security schemes, then
    each operation by path and method, then webhooks."""
    base_operations, rev_operations, moved = _matched(run)
    if not moved:
        yield from check_servers(run)
    yield from security.check_unused_schemes(run)
    order = _by_path
    if run.base.twins or run.rev.twins:
        base_operations, rev_operations = _pair_twins(base_operations, rev_operations)
        order = _by_shape
    base_paths = {key[0] for key in base_operations}
    rev_paths = {key[0] for key in rev_operations}
    for key in sorted(base_operations.keys() | rev_operations.keys(), key=order):
        old, new = base_operations.get(key), rev_operations.get(key)
        if old is new:  # one node for both graphs (model/normalise.py): equal, in an equal context
            continue
        if old is not None and new is not None:
            yield from check_operation(run.operation(new.method, new.path), old, new)
        elif old is not None:
            here = run.operation(old.method, old.path)
            yield check_removed(here, old, path_gone=key[0] not in rev_paths)
        elif new is not None:
            args = {"method": new.method.upper(), "path": new.path}
            rule = "operation-added" if key[0] in base_paths else "path-added"
            yield run.operation(new.method, new.path).fact(rule, args, where=new.where)
    yield from check_webhooks(run)


def _matched(run: Run) -> tuple[Operations, Operations, bool]:
    """Both sides' operations by (path, method), and whether they are matched by full URL (a
    path prefix moved between the servers and the paths, SPEC 3.3)."""
    base_operations, rev_operations = run.base.operations, run.rev.operations
    moved = _moved_prefix(run.base.servers, run.rev.servers)
    if moved is None:
        return base_operations, rev_operations, False
    base_full = _prefixed(base_operations, moved[0])
    rev_full = _prefixed(rev_operations, moved[1])
    if len(base_full.keys() & rev_full.keys()) > len(base_operations.keys() & rev_operations.keys()):
        return base_full, rev_full, True
    return base_operations, rev_operations, False  # the servers changed: a new version prefix


def check_webhooks(run: Run) -> Iterator[Fact]:
    """Webhooks added, removed, or compared as operations the API sends."""
    for key in sorted(run.base.webhooks.keys() | run.rev.webhooks.keys()):
        old, new = run.base.webhooks.get(key), run.rev.webhooks.get(key)
        here = run.operation(key[1], key[0], webhook=True)
        args = {"name": key[0], "method": key[1].upper()}
        if old is not None and new is not None:
            yield from check_operation(here, old, new, webhook=True)
        elif old is not None:
            yield here.fact("webhook-removed", args, where=old.where, in_base=True)
        elif new is not None:
            yield here.fact("webhook-added", args, where=new.where)


def check_servers(run: Run) -> Iterator[Fact]:
    """Server URLs changed (one for one), removed or added."""
    old, new = run.base.servers, run.rev.servers
    removed = [u for u in old if u not in new]
    added = [u for u in new if u not in old]
    here = Here(run).at(Step("servers"))
    where = Where(run.rev.entry, "/servers")
    if len(removed) == 1 and len(added) == 1:
        yield here.fact("server-url-changed", {"old": removed[0], "new": added[0]}, where=where)
        return
    for url in removed:
        yield here.fact("server-removed", {"url": url}, where=Where(run.base.entry, "/servers"), in_base=True)
    for url in added:
        yield here.fact("server-added", {"url": url}, where=where)


def check_removed(here: Here, old: Operation, path_gone: bool) -> Fact:
    """The fact only: what was removed, whether it was deprecated and its sunset date.
    Whether that removal was announced long enough is policy's to judge (policy.py)."""
    args = {"method": old.method.upper(), "path": old.path}
    deprecated = Deprecated(old.sunset) if old.deprecated else None
    # its entry under /paths in the base (where an operation's `$ref` is, not where it leads)
    tokens = ("paths", old.path) if path_gone else ("paths", old.path, old.method)
    where = Where(here.run.base.entry, "").child(*tokens)
    rule = "path-removed" if path_gone else "operation-removed"
    return here.fact(rule, args, where=where, in_base=True, deprecated=deprecated)


def check_operation(
    here: Here, old: Operation, new: Operation, webhook: bool = False, flipped: bool = False
) -> Iterator[Fact]:
    """An operation on both sides, and its callbacks (`flipped`: the API sends their requests).

    Each check is called only where it may find something (the tests below are the first each
    check makes): most of a thousand operations differ in a response or two, and a generator
    made and run for nothing is a cost per operation."""
    if not flipped:
        yield from check_identity(here, old, new)  # a list: mostly empty, no generator made
        yield from parameters.check_parameters(here, old, new)
    if old.body is not None or new.body is not None:
        yield from bodies.check_request_body(here, old.body, new.body, flipped=flipped)
    old_responses, new_responses = old.responses, new.responses
    for status in _ordered(old_responses.keys() | new_responses.keys()):
        yield from responses.check_response(
            here, old_responses.get(status), new_responses.get(status), status, flipped=flipped
        )
    if not flipped and not webhook:
        if old.security != new.security:  # else the same requirements, as sets too
            yield from security.check_security(here, old, new)
        yield from security.check_schemes(here, old, new)
    if not old.callbacks or not new.callbacks:
        return
    for key in sorted(old.callbacks.keys() & new.callbacks.keys()):
        name, expression, method = key
        inner = here.at(Step("callback", name), Step("operation", f"{method.upper()} {expression}"))
        yield from check_operation(inner, old.callbacks[key], new.callbacks[key], flipped=True)


def check_identity(here: Here, old: Operation, new: Operation) -> list[Fact]:
    """The operation's id, deprecation and stability level (a list, not a generator: it is asked
    of every operation on both sides, and finds nothing in almost all of them)."""
    facts: list[Fact] = []
    if old.operation_id and old.operation_id != new.operation_id:
        args = {"old": old.operation_id, "new": new.operation_id or "none"}
        where = new.where.child("operationId")
        facts.append(here.at(Step("field", "operationId")).fact("operation-id-changed", args, where=where))
    if new.deprecated and not old.deprecated:
        args = {"method": new.method.upper(), "path": new.path}
        where = new.where.child("deprecated")
        facts.append(here.fact("operation-deprecated", args, where=where, deprecated=Deprecated(new.sunset)))
    if old.stability != new.stability and _stability(old) != _stability(new):  # equal when unchanged
        rule = (
            "operation-stability-decreased"
            if _stability(new) < _stability(old)
            else "operation-stability-increased"
        )
        args = {"old": old.stability or "stable", "new": new.stability or "stable"}
        where = new.where.child("x-stability-level") if new.stability else new.where
        facts.append(here.at(Step("field", "x-stability-level")).fact(rule, args, where=where))
    return facts


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


def _pair_twins(base: Operations, rev: Operations) -> tuple[Operations, Operations]:
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


def _prefixed(operations: Operations, prefix: str) -> Operations:
    return {
        ((prefix + key if key != "/" else prefix) or "/", method): op
        for (key, method), op in operations.items()
    }


def _ordered(statuses: set[str]) -> list[str]:
    return sorted(statuses, key=lambda s: (s == "default", s))


def _stability(operation: Operation) -> int:
    return _STABILITY.get(str(operation.stability).lower(), 3)
