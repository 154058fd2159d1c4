"""Responses: statuses removed or added, their headers, and their content."""

from __future__ import annotations

from collections.abc import Iterator

from oasguard.changes import Side, Step
from oasguard.compare.facts import Fact, show
from oasguard.compare.operations.bodies import check_content, check_schema
from oasguard.compare.operations.context import Here
from oasguard.model.nodes import Header, Response, Schema


def check_response(
    here: Here, old: Response | None, new: Response | None, status: str, flipped: bool = False
) -> Iterator[Fact]:
    """One status of an operation. In a callback (`flipped`) the subscriber sends the response
    and the API reads it: its schemas are judged as requests."""
    if old is None and new is None:
        return
    if old is not None and new is not None and not (old.headers or new.headers or old.content or new.content):
        return  # a status that says nothing on either side (Kubernetes' 741 `401`s): no place made
    side = Side.REQUEST if flipped else Side.RESPONSE
    here = here.at(Step("response", status), side=side)
    if new is None:
        assert old is not None
        success = status.startswith("2") and side is Side.RESPONSE
        rule = "response-success-status-removed" if success else "response-status-removed"
        yield here.fact(rule, {"status": status}, where=old.where, in_base=True)
        return
    if old is None:
        yield here.fact("response-status-added", {"status": status}, where=new.where)
        return
    old_headers, new_headers = old.headers, new.headers
    if old_headers or new_headers:
        for name in sorted(old_headers.keys() | new_headers.keys()):
            yield from check_header(here, old_headers.get(name), new_headers.get(name), status, side)
    root = f"response {status} body"
    yield from check_content(here, old.content, new.content, side, root, status=status)


def check_header(
    here: Here, old: Header | None, new: Header | None, status: str, side: Side
) -> Iterator[Fact]:
    """A response header removed, added, made optional or required, and its schema."""
    if new is None:
        assert old is not None
        rule = "response-required-header-removed" if old.required else "response-optional-header-removed"
        args = {"name": old.name, "status": status}
        yield here.at(Step("header", old.name)).fact(rule, args, where=old.where, in_base=True)
        return
    here = here.at(Step("header", new.name))
    args = {"name": new.name, "status": status}
    if old is None:
        yield here.fact("response-header-added", args, where=new.where)
        return
    if old.required and not new.required:
        yield here.fact("response-header-became-optional", args, where=new.where)
    elif new.required and not old.required:
        yield here.fact("response-header-became-required", args, where=new.where)
    yield from check_header_style(here, old, new, status)
    yield from check_schema(here, old.schema, new.schema, side, f"response header '{new.name}'")


def check_header_style(here: Here, old: Header, new: Header, status: str) -> Iterator[Fact]:
    """A response header's deprecation, and its serialisation where it changes the bytes."""
    args = {"name": new.name, "status": status}
    if old.deprecated != new.deprecated:
        rule = "response-header-deprecated" if new.deprecated else "response-header-undeprecated"
        yield here.fact(rule, args, where=new.where.child("deprecated") if new.deprecated else new.where)
    # `simple` writes an array the same either way; `explode` changes only objects (k=v)
    for what, before, after in (("style", old.style, new.style), ("explode", old.explode, new.explode)):
        if before != after and (what == "style" or _object(old.schema) or _object(new.schema)):
            changed = {**args, "what": what, "old": show(before), "new": show(after)}
            yield here.fact("response-header-style-changed", changed, where=new.where.child(what))


def _object(schema: Schema | None) -> bool:
    """Whether values of `schema` may be objects (written differently when exploded)."""
    return schema is None or schema.types is None or "object" in schema.types
