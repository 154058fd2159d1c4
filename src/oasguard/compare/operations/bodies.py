"""Request bodies, the media types of any content, and the schemas below them."""

from __future__ import annotations

from collections.abc import Iterator
from operator import attrgetter

from oasguard.changes import Side, Step
from oasguard.compare.facts import Fact
from oasguard.compare.operations.context import Here
from oasguard.compare.schema import describe
from oasguard.compare.text import Sent, as_text, form_kind
from oasguard.model.nodes import Body, MediaType, Schema

_SCHEMA = attrgetter("schema")


def check_request_body(
    here: Here, old: Body | None, new: Body | None, flipped: bool = False
) -> Iterator[Fact]:
    """A request body added, removed, made required or optional, deprecated, and its content.
    In a callback (`flipped`) the API sends this body and the subscriber reads it."""
    if old is None and new is None:
        return
    here = here.at(Step("body"), side=Side.RESPONSE if flipped else Side.REQUEST)
    if flipped:
        old_content, new_content = old.content if old else {}, new.content if new else {}
        yield from check_content(here, old_content, new_content, Side.RESPONSE, "request body", status=None)
        return
    if old is None:
        assert new is not None
        rule = "required-request-body-added" if new.required else "optional-request-body-added"
        yield here.fact(rule, {}, where=new.where)
        return
    if new is None:
        yield here.fact("request-body-removed", {}, where=old.where, in_base=True)
        return
    if new.required and not old.required:
        yield here.fact("request-body-became-required", {}, where=new.where)
    elif old.required and not new.required:
        yield here.fact("request-body-became-optional", {}, where=new.where)
    if old.deprecated != new.deprecated:
        rule = "request-body-deprecated" if new.deprecated else "request-body-undeprecated"
        yield here.fact(rule, {}, where=new.where.child("deprecated") if new.deprecated else new.where)
    yield from check_content(here, old.content, new.content, Side.REQUEST, "request body", status=None)


def check_content(
    here: Here,
    old: dict[str, MediaType],
    new: dict[str, MediaType],
    side: Side,
    root: str,
    status: str | None,
) -> Iterator[Fact]:
    """Media types removed or added, a schema given or taken away, and each schema compared.

    Media types that share one schema on both sides (Swagger 2.0 `produces`) are compared once,
    and the location says which: all of them, or the list."""
    if old.keys() != new.keys():  # media types removed or added
        reading = side is Side.RESPONSE
        for name in sorted(old.keys() - new.keys()):
            rule = "response-media-type-removed" if reading else "request-media-type-removed"
            args = {"media_type": old[name].name, "status": status}
            yield here.fact(
                rule, args, where=old[name].where, in_base=True, below=(Step("media", old[name].name),)
            )
        for name in sorted(new.keys() - old.keys()):
            rule = "response-media-type-added" if reading else "request-media-type-added"
            args = {"media_type": new[name].name, "status": status}
            yield here.fact(rule, args, where=new[name].where, below=(Step("media", new[name].name),))
    groups = _groups(old, new)
    # any content on one side, a schema on the other: said by media type, in order of name
    changed: list[str] = []
    for names in groups:
        if (old[names[0]].schema is None) != (new[names[0]].schema is None):
            changed += names
    for name in sorted(changed):
        yield check_schema_presence(here, old[name], new[name], side, root)
    walk = here.run.schemas.walk
    for names in groups:
        first = names[0]
        old_schema, new_schema = old[first].schema, new[first].schema
        if old_schema is None or new_schema is None or not walk(old_schema, new_schema, side):
            # nothing below this media type (most of them): no place made for it. The walk is
            # remembered, so `check_schema` reads the same list when there is something.
            continue
        if len(names) == 1:
            step = Step("media", new[first].name)
        elif len(names) == len(old) == len(new):
            step = Step("media-types", "every media type")
        else:
            step = Step("media-types", ", ".join(new[name].name for name in names))
        sent = form_kind(names) if side is Side.REQUEST else None
        yield from check_schema(here.at(step), old_schema, new_schema, side, root, sent=sent)


def _groups(old: dict[str, MediaType], new: dict[str, MediaType]) -> list[list[str]]:
    """The media types of both sides, grouped by their pair of schemas, in order of name."""
    if old.keys() == new.keys():
        if len(old) == 1:
            return [list(old)]
        olds, news = set(map(_SCHEMA, old.values())), set(map(_SCHEMA, new.values()))
        if len(olds) == 1 and len(news) == 1:  # one schema for all (Swagger 2.0 `produces`)
            return [sorted(old)]
    groups: dict[tuple[int, int], list[str]] = {}
    for name in sorted(old.keys() & new.keys()):
        key = (id(old[name].schema), id(new[name].schema))
        names = groups.get(key)
        if names is None:
            groups[key] = [name]
        else:
            names.append(name)
    return list(groups.values())


def check_schema_presence(here: Here, before: MediaType, after: MediaType, side: Side, root: str) -> Fact:
    """A media type that had any content and now has a schema, or the other way round."""
    gone = after.schema is None
    if side is Side.RESPONSE:
        rule = "response-schema-removed" if gone else "response-schema-added"
    else:
        rule = "request-schema-removed" if gone else "request-schema-added"
    args = {"side": side.value, "subject": f"{root} ({after.name})"}
    where = before.where.child("schema") if gone else after.where.child("schema")
    return here.fact(rule, args, where=where, in_base=gone, below=(Step("media", after.name),))


def check_schema(
    here: Here,
    old: Schema | None,
    new: Schema | None,
    side: Side,
    root: str,
    skip_root_default: bool = False,
    sent: Sent | None = None,
) -> Iterator[Fact]:
    """The facts of the schema walk (compare/schema.py), each named for the thing it is about
    (`root`: "request body", "query parameter 'limit'") and placed below `here`; for a value
    `sent` as text, a type that widens as text is no type change (compare/text.py)."""
    if old is None or new is None:
        return
    schemas = here.run.schemas
    facts = schemas.walk(old, new, side, skip_root_default)
    if not facts:
        return
    if sent is None:
        # The walk of a shared schema is the same list for every operation that reaches it: its
        # facts are named (and their arguments made) once, and every operation says the same
        # arguments below its own place, so that a change reported N times is one computation
        # (its message, its fingerprint's values) and N subjects (docs/performance.md).
        table = schemas.memo("said")
        key = (id(facts), side is Side.RESPONSE, root)  # not the enum: it hashes in Python
        named = table.get(key)
        if named is None:
            named = table[key] = (facts, [_named(fact, side, root) for fact in facts])
        said = named[1]
    else:
        said = [_named(fact, side, root) for fact in as_text(facts, old, new, sent)]
    for fact, args in said:
        subject = fact.subject
        yield here.fact(
            fact.rule,
            args,
            where=fact.where,
            in_base=fact.in_base,
            below=subject.steps,
            former=subject.former,
        )


def _named(fact: Fact, side: Side, root: str) -> tuple[Fact, dict[str, object]]:
    """A walk's fact with the message arguments that name what it is about below `root`."""
    name, subject = describe(fact.subject.steps, side, root)
    return fact, {"side": side.value, "name": name, "subject": subject, **fact.args}
