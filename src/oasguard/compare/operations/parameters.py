"""Parameters: moved, renamed, removed, added, and each one's requirement, style and schema."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from oasguard.changes import Deprecated, Side, Step
from oasguard.compare.facts import Fact, canonical, show
from oasguard.compare.keywords.renames import alike
from oasguard.compare.operations.bodies import check_schema
from oasguard.compare.operations.context import Here
from oasguard.compare.text import Sent
from oasguard.model.nodes import MISSING, Operation, Parameter, Schema

_SHAPED = frozenset({"array", "object"})


def check_parameters(here: Here, old: Operation, new: Operation) -> Iterator[Fact]:
    """The parameters of an operation on both sides."""
    old_parameters, new_parameters = old.parameters, new.parameters
    if old_parameters.keys() == new_parameters.keys():  # most operations: nothing to pair up
        removed: dict[tuple[str, str], Parameter] = {}
        added: dict[tuple[str, str], Parameter] = {}
    else:
        removed = {k: p for k, p in old_parameters.items() if k not in new_parameters}
        added = {k: p for k, p in new_parameters.items() if k not in old_parameters}
    if removed and added:
        yield from check_moved(here, removed, added)
    for old_key, new_key in _renames(here, removed, added, old, new) if removed and added else ():
        old_p, new_p = removed.pop(old_key), added.pop(new_key)
        rule = (
            "required-request-parameter-renamed"
            if old_p.required or new_p.required
            else "request-parameter-renamed"
        )
        args = {"in": new_p.location, "old": old_p.name, "new": new_p.name}
        yield _at(here, new_p).fact(rule, args, where=new_p.where, former=old_p.name)
    for key in sorted(removed):
        p = removed[key]
        args = {"in": p.location, "name": p.name}
        deprecated = Deprecated(p.sunset) if p.deprecated else None
        yield _at(here, p).fact(
            "request-parameter-removed", args, where=p.where, in_base=True, deprecated=deprecated
        )
    for key in sorted(added):
        p = added[key]
        rule = "required-request-parameter-added" if p.required else "optional-request-parameter-added"
        yield _at(here, p).fact(rule, {"in": p.location, "name": p.name}, where=p.where)
    # A parameter component referred to by many operations is one node per side (normalise.py):
    # a pair of them found equal for one operation is equal for all (what `here` adds is only
    # the subject of the facts), and is not compared again.
    quiet = here.run.schemas.memo("parameters without facts")
    shared = old_parameters.keys() & new_parameters.keys()
    # the same set iterated twice, unchanged between: the same order
    olds, news = map(old_parameters.__getitem__, shared), map(new_parameters.__getitem__, shared)
    if quiet.keys() >= set(zip(map(id, olds), map(id, news), strict=True)):
        return  # every pair found without facts before (tested in C: most operations)
    for key in sorted(shared):
        old_p, new_p = old_parameters[key], new_parameters[key]
        pair = (id(old_p), id(new_p))
        if pair in quiet:
            continue
        # written the same with one schema node for both sides (model/unchanged.py): what
        # `check_parameter` tests first each, so it would find nothing (and no place is made)
        found = [] if _alike(old_p, new_p) else list(check_parameter(_at(here, new_p), old_p, new_p))
        if not found:
            quiet[pair] = (old_p, new_p)  # held: their ids stay theirs
        yield from found


def _alike(old: Parameter, new: Parameter) -> bool:
    """Whether `check_parameter` finds nothing at its first test of each kind: the same schema
    node, and the same requirement, deprecation, empty value, style and explode."""
    return (
        old.schema is new.schema
        and old.required == new.required
        and old.deprecated == new.deprecated
        and old.allow_empty == new.allow_empty
        and old.style == new.style
        and old.explode == new.explode
    )


def check_moved(here: Here, removed: dict, added: dict) -> Iterator[Fact]:
    """A parameter that moved: same name, another location (taken out of `removed`/`added`)."""
    for old_key, old_p in list(removed.items()):
        for new_key, new_p in list(added.items()):
            if old_p.name.lower() == new_p.name.lower() and old_p.location != new_p.location:
                args = {"name": new_p.name, "old": old_p.location, "new": new_p.location}
                yield _at(here, new_p).fact("request-parameter-location-changed", args, where=new_p.where)
                del removed[old_key], added[new_key]
                break


def _at(here: Here, parameter: Parameter) -> Here:
    return here.at(Step("parameter", parameter.name, parameter.location), side=Side.REQUEST)


def _renames(here: Here, removed: dict, added: dict, old: Operation, new: Operation) -> list[tuple]:
    """Pairs (removed, added) in the same location that are one parameter renamed, held to the
    evidence properties are held to (compare/keywords/renames.py): equivalent schemas, each fitting
    only the other, and names alike or a schema no other parameter of that location has. Two
    integer query parameters `page` → `limit` beside other integers are a removal and an addition."""
    equivalent = here.run.schemas.equivalent
    fits = [
        (ok, nk)
        for ok, o in removed.items()
        for nk, n in added.items()
        if o.location == n.location
        and o.location != "path"
        and o.schema is not None
        and n.schema is not None
        and equivalent(o.schema, n.schema)
    ]
    return [
        (ok, nk)
        for ok, nk in fits
        if sum(1 for o, _ in fits if o == ok) == 1
        and sum(1 for _, n in fits if n == nk) == 1
        and (
            alike(removed[ok].name, added[nk].name)
            or (_alone(equivalent, removed[ok], old) and _alone(equivalent, added[nk], new))
        )
    ]


def _alone(equivalent: Callable[[Schema, Schema], bool], parameter: Parameter, operation: Operation) -> bool:
    """No other parameter of `operation` in the same location has a schema equivalent to its."""
    return not any(
        other is not parameter
        and other.location == parameter.location
        and other.schema is not None
        and equivalent(other.schema, parameter.schema)
        for other in operation.parameters.values()
    )


def check_parameter(here: Here, old: Parameter, new: Parameter) -> Iterator[Fact]:
    """A parameter on both sides: required, deprecated, allowEmptyValue, style, default, schema."""
    args = {"in": new.location, "name": new.name}
    if new.required and not old.required:
        yield here.fact("request-parameter-became-required", args, where=new.where.child("required"))
    elif old.required and not new.required:
        yield here.fact("request-parameter-became-optional", args, where=new.where)
    if old.deprecated != new.deprecated:
        rule = "request-parameter-deprecated" if new.deprecated else "request-parameter-undeprecated"
        yield here.fact(rule, args, where=new.where.child("deprecated") if new.deprecated else new.where)
    if old.allow_empty != new.allow_empty:
        rule = (
            "request-parameter-allow-empty-value-added"
            if new.allow_empty
            else "request-parameter-allow-empty-value-removed"
        )
        where = new.where.child("allowEmptyValue") if new.allow_empty else new.where
        yield here.fact(rule, args, where=where)
    yield from check_style(here, old, new, args)
    yield from check_default(here, old, new, args)
    root = f"{new.location} parameter '{new.name}'"
    yield from check_schema(
        here, old.schema, new.schema, Side.REQUEST, root, skip_root_default=True, sent=Sent.PARAMETER
    )


def check_style(here: Here, old: Parameter, new: Parameter, args: dict[str, object]) -> Iterator[Fact]:
    """Style and explode, where they change how the value is written."""
    if old.style == new.style and old.explode == new.explode:
        # nothing changed (most parameters): the schemas are not read, and a schema both sides
        # share (model/unchanged.py) is not built for it
        return
    shaped = _shaped(old.schema) or _shaped(new.schema)
    # a primitive is written the same way in every style but label and matrix
    prefixed = bool({"label", "matrix"} & {old.style, new.style})
    if not (shaped or prefixed):
        return
    for what, before, after in (("style", old.style, new.style), ("explode", old.explode, new.explode)):
        if before != after and (shaped or what == "style"):
            changed = {**args, "what": what, "old": show(before), "new": show(after)}
            yield here.fact("request-parameter-style-changed", changed, where=new.where.child(what))


def check_default(here: Here, old: Parameter, new: Parameter, args: dict[str, object]) -> Iterator[Fact]:
    """The default of the parameter's schema (the schema walk skips the root's)."""
    if old.schema is new.schema:  # one node for both sides: the same default (and not built for it)
        return
    old_default = old.schema.default if old.schema is not None else MISSING
    new_default = new.schema.default if new.schema is not None else MISSING
    if (old_default is MISSING) != (new_default is MISSING) or (
        old_default is not MISSING and canonical(old_default) != canonical(new_default)
    ):
        changed = {
            **args,
            "old": "none" if old_default is MISSING else show(old_default),
            "new": "none" if new_default is MISSING else show(new_default),
        }
        yield here.fact("request-parameter-default-changed", changed, where=new.where)


def _shaped(schema: Schema | None) -> bool:
    return schema is None or schema.types is None or bool(schema.types & _SHAPED)
