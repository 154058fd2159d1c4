"""Shape diffs: each affected body (and the parameters) of an operation before and after, as a
skeleton along the changed branches, built from both normalised graphs and the changes' subjects.

The changes say where to look (`Change.subject.steps`); the graphs say what is there. Only the
operations with a breaking change or a warning get shapes, and only their bodies (per status and
media type) and parameters that such a change is in; within one, every change's branch is drawn
(a safe property added beside a removed one is part of the picture). A property no change is
about shows only as context: the one before and the one after each changed property, `…` for
the others."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial

from oasguard.changes import Change, Level, Shape, ShapeLine, Step, encodable
from oasguard.compare.keywords.compositions import label as variant_label
from oasguard.model.nodes import MISSING, Api, MediaType, Operation, Parameter, Schema, path_key

#: lines of one shape at most; past it, a last `…` line says how many were left out
MAX_LINES = 60
#: a name, value or pattern longer than this is cut in a line (a shape is read, not parsed)
MAX_TEXT = 60
#: enum values named per side of a change before the rest are counted
MAX_VALUES = 5
#: how deep a closed line's type looks into array items (`[[string]]`); cycles stop here too
_BRIEF_DEPTH = 3
_ELLIPSIS = "…"
_MEDIA = ("media", "media-types")


@dataclass
class _Branch:
    """The changed branches below one slot: the children by step, and the changes that end here."""

    children: dict[tuple[str, str], _Branch] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    #: a child's name in the base when the change is a rename (by the child's key)
    former: dict[tuple[str, str], str] = field(default_factory=dict)

    def add(self, steps: tuple[Step, ...], change: Change) -> None:
        node = self
        for index, step in enumerate(steps):
            if step.kind == "keyword":  # a subschema of another keyword: told by the note
                break
            key = (step.kind, step.label)
            if index == len(steps) - 1 and change.subject.former is not None:
                node.former[key] = change.subject.former
            node = node.children.setdefault(key, _Branch())
        node.changes.append(change)


def build(changes: Iterable[Change], base: Api, revision: Api, document: str | None = None) -> list[Shape]:
    """The shapes of `changes` (one pair's, after policy) from the two sides' graphs: for each
    operation with a breaking change or a warning, one shape per affected body and one for its
    parameters, in the changes' operation order, parameters first, then the request body, then
    the responses by status."""
    by_operation: dict[tuple[str, str, bool], list[Change]] = {}
    for change in changes:
        subject = change.subject
        if subject.method is None or subject.path is None or not subject.steps:
            continue
        if subject.first("callback") is not None or subject.first("header") is not None:
            continue  # callbacks' and headers' shapes are not drawn (the change's row says it)
        by_operation.setdefault((subject.method, subject.path, subject.webhook), []).append(change)
    shapes: list[Shape] = []
    drawn: dict[tuple[object, ...], tuple[tuple[ShapeLine, ...], object, object]] = {}
    for (method, path, webhook), found in by_operation.items():
        if not any(c.level in (Level.BREAKING, Level.WARNING) for c in found):
            continue
        old = _operation(base, method, path, webhook)
        new = _operation(revision, method, path, webhook)
        if old is None or new is None:
            continue
        shapes.extend(_operation_shapes(found, old, new, found[0].operation or "", document, drawn))
    return shapes


def _operation(api: Api, method: str, path: str, webhook: bool) -> Operation | None:
    """The operation a change's subject names: webhooks by name, twins by their literal path,
    the others by the path's shape (`/a/{id}` and `/a/{petId}` are one)."""
    if webhook:
        return api.webhooks.get((path, method.lower()))
    found = api.operations.get((path, method.lower())) or api.operations.get((path_key(path), method.lower()))
    return found if found is not None and found.method.upper() == method else None


def _operation_shapes(
    changes: list[Change],
    old: Operation,
    new: Operation,
    operation: str,
    document: str | None,
    drawn: dict[tuple[object, ...], tuple[tuple[ShapeLine, ...], object, object]],
) -> list[Shape]:
    """One operation's shapes: the parameters, the request body, the responses (by status).

    A body's drawing depends only on its two schema nodes and, for each of its changes, what the
    drawing reads of it (its steps below the media type, its former name, rule, message and
    arguments): a shared component's changes draw the same lines in every operation that
    reaches it, so they are drawn once (`drawn`, for one `build`: keyed by the ids of the nodes,
    which it keeps, and of the arguments, which the changes keep)."""
    containers: dict[tuple[int, str, str], tuple[list[Change], bool]] = {}
    for change in changes:
        steps = change.subject.steps
        first = steps[0]
        if first.kind == "parameter":
            key = (0, "", "")
        elif (
            first.kind in ("body", "response")
            and len(steps) > 1
            and steps[1].kind in ("media", "media-types")
        ):
            key = (1 if first.kind == "body" else 2, first.label, steps[1].label)
        else:
            continue
        listed, serious = containers.get(key, ([], False))
        listed.append(change)
        containers[key] = (listed, serious or change.level is not Level.SAFE)
    shapes = []
    responses = list(new.responses)
    for key in sorted(containers, key=lambda k: (k[0], responses.index(k[1]) if k[1] in responses else 0, k)):
        listed, serious = containers[key]
        if not serious:
            continue
        kind, status, media = key
        if kind == 0:
            lines = _parameters(listed, old, new)
            if lines:
                shapes.append(Shape(operation, "parameters", _capped(lines), document))
            continue
        old_schema = _media(_content(old, kind == 1, status), media)
        new_schema = _media(_content(new, kind == 1, status), media)
        if old_schema is None or new_schema is None:
            continue  # a media type added or removed: its row says so, there is no before/after
        seen = (
            id(old_schema),
            id(new_schema),
            *((c.subject.steps[2:], c.subject.former, c.id, c.message, id(c.args)) for c in listed),
        )
        known = drawn.get(seen)
        if known is None:
            branch = _Branch()
            for change in listed:
                branch.add(change.subject.steps[2:], change)
            drawing = _Drawing().root(old_schema, new_schema, branch)
            # the nodes kept with their lines: their ids are not reused while listed
            known = drawn[seen] = (_capped(drawing) if drawing else (), old_schema, new_schema)
        capped = known[0]
        if capped:
            title = f"request body {media}" if kind == 1 else f"response {status} {media}"
            shapes.append(Shape(operation, title, capped, document))
    return shapes


def _content(operation: Operation, request: bool, status: str) -> dict[str, MediaType] | None:
    """The media types of the request body, or of the response `status`."""
    if request:
        return operation.body.content if operation.body is not None else None
    response = operation.responses.get(status)
    return response.content if response is not None else None


def _media(content: dict[str, MediaType] | None, label: str) -> Schema | None:
    """The schema of the media type `label` ("a, b" or "every media type": the first of them)."""
    if not content:
        return None
    found = content.get(label)
    if found is None:  # several sharing one schema: "a, b", or "every media type"
        names = [name.strip() for name in label.split(",") if name.strip() in content]
        if not names and label == "every media type":
            names = sorted(content)
        found = content[names[0]] if names else None
    return found.schema if found is not None else None


def _capped(lines: list[ShapeLine]) -> tuple[ShapeLine, ...]:
    if len(lines) <= MAX_LINES:
        return tuple(lines)
    kept = lines[: MAX_LINES - 1]
    return (*kept, ShapeLine(" ", 0, f"{_ELLIPSIS} {len(lines) - len(kept)} more lines"))


def _parameters(changes: list[Change], old: Operation, new: Operation) -> list[ShapeLine]:
    """`name (in): type` a line: the changed parameters, their neighbours as context."""
    branch = _Branch()
    for change in changes:
        branch.add(change.subject.steps[:1], change)
    changed: dict[tuple[str, str], tuple[_Branch, str | None]] = {}
    for (kind, name), child in branch.children.items():
        step = next(c.subject.steps[0] for c in child.changes) if child.changes else None
        at = step.at if step is not None else ""
        changed[(at, name)] = (child, branch.former.get((kind, name)))
    # a renamed parameter where its former name was, the others in the base's order
    renamed = {(at, former): (at, name) for (at, name), (_, former) in changed.items() if former}
    order: list[tuple[str, str]] = []
    for parameters in (old.parameters, new.parameters):
        for parameter in parameters.values():
            key = (parameter.location, parameter.name)
            key = renamed.get(key, key)
            if key not in order:
                order.append(key)
    for key in changed:
        if key not in order:
            order.append(key)
    formers = {former for former, name in renamed.items() if former not in order}
    olds = {(p.location, p.name): p for p in old.parameters.values()}
    news = {(p.location, p.name): p for p in new.parameters.values()}
    drawing = _Drawing()
    slots: list[_Slot] = []
    for key in order:
        if key in formers:
            continue  # drawn as the `-` line of its rename
        at, name = key
        if key in changed:
            child, former = changed[key]
            before = olds.get((at, former)) if former else olds.get(key)
            after = news.get(key)
            slots.append(("changed", drawing.parameter(at, name, former, before, after, child)))
        else:
            parameter = news.get(key) or olds[key]
            slots.append(("same", [ShapeLine(" ", 0, _parameter_text(parameter, parameter.name))]))
    return _with_context(slots)


def _parameter_text(parameter: Parameter, name: str) -> str:
    schema = parameter.schema
    required = ", required" if parameter.required and parameter.location != "path" else ""
    return f"{_cut(name)} ({parameter.location}): {_brief(schema) if schema is not None else 'any'}{required}"


#: a slot of `_with_context`: "changed" and its lines, or "same" and its line, or "same" and
#: what makes its line (a schema with hundreds of properties shows a few of them: only those
#: are written; Stripe's shapes wrote 173,000 property lines to show 9,600)
_Slot = tuple[str, "list[ShapeLine] | Callable[[], list[ShapeLine]]"]


def _with_context(slots: list[_Slot], depth: int = 0) -> list[ShapeLine]:
    """The changed slots' lines, each unchanged slot next to a changed one as context, one `…`
    line for each run of the others."""
    near = set()
    for index, (kind, _) in enumerate(slots):
        if kind == "changed":
            near.update((index - 1, index + 1))
    lines: list[ShapeLine] = []
    skipped = False
    for index, (kind, slot) in enumerate(slots):
        if kind == "changed" or index in near:
            if skipped:
                lines.append(ShapeLine(" ", depth, _ELLIPSIS))
                skipped = False
            lines.extend(slot() if callable(slot) else slot)
        else:
            skipped = True
    if skipped:
        lines.append(ShapeLine(" ", depth, _ELLIPSIS))
    return lines


class _Drawing:
    """Draws one shape; `seen` stops a walk that would go round a cycle of changed branches."""

    def __init__(self) -> None:
        self.seen: set[tuple[int, int]] = set()

    def root(self, old: Schema, new: Schema, branch: _Branch) -> list[ShapeLine]:
        return self.slot("", old, new, branch, 0, required=(False, False))

    def parameter(
        self,
        at: str,
        name: str,
        former: str | None,
        old: Parameter | None,
        new: Parameter | None,
        branch: _Branch,
    ) -> list[ShapeLine]:
        note = _notes(branch.changes) if former is not None else ""
        if old is None or new is None or former is not None or old.schema is None or new.schema is None:
            lines = []
            if old is not None:
                lines.append(ShapeLine("-", 0, _parameter_text(old, former or name), note))
            if new is not None:
                lines.append(ShapeLine("+", 0, _parameter_text(new, name), note))
            return lines
        prefix = f"{_cut(name)} ({at}): "
        return self.slot(prefix, old.schema, new.schema, branch, 0, (old.required, new.required), flat=True)

    def slot(
        self,
        prefix: str,
        old: Schema | None,
        new: Schema | None,
        branch: _Branch | None,
        depth: int,
        required: tuple[bool, bool],
        former: str | None = None,
        flat: bool = False,
    ) -> list[ShapeLine]:
        """The lines of one slot (the root, a property, the items, a variant, a parameter):
        one line if nothing below it changed, else an opening line, its children, a closing one."""
        if new is None or old is None or former is not None:
            note = _notes(branch.changes) if branch is not None and former is not None else ""
            lines = []
            if old is not None:
                old_prefix = _renamed(prefix, former) if former is not None else prefix
                lines.append(ShapeLine("-", depth, old_prefix + _brief(old), note))
            if new is not None:
                lines.append(ShapeLine("+", depth, prefix + _brief(new), note))
            return lines
        if branch is None:
            return [ShapeLine(" ", depth, prefix + _brief(new))]
        retyped = _kind(old) != _kind(new)
        differences = _differences(old, new, required)
        extra = ", " + ", ".join(differences) if differences else ""
        opens = bool(branch.children) or any(_is_variant_change(c) for c in branch.changes)
        expand = opens and not flat and (id(old), id(new)) not in self.seen
        # a changed line whose text does not show the change says it in its note
        own = [c for c in (branch.changes if expand else _all_changes(branch)) if not _is_variant_change(c)]
        note = _notes(own) if own and not differences and not retyped else ""
        lines: list[ShapeLine] = []
        if retyped:
            lines.append(ShapeLine("-", depth, prefix + _brief(old)))
            if not expand:
                lines.append(ShapeLine("+", depth, prefix + _brief(new) + extra))
                return lines
        if not expand:
            return [ShapeLine(" ", depth, prefix + _brief(new) + extra, note)]
        self.seen.add((id(old), id(new)))
        opener, closer = _brackets(branch)
        brief = _brief(new)
        if not opener:  # only the variants changed: the composition's line, its variants below
            head = prefix + _kind(new)
        elif brief in ("object", "array", "any") or brief.startswith("["):
            head = prefix + opener
        else:
            head = f"{prefix}{brief} {opener}"
        lines.append(ShapeLine("+" if retyped else " ", depth, (head.rstrip() + extra).rstrip(), note))
        lines.extend(self.children(old, new, branch, depth + 1))
        if closer:
            lines.append(ShapeLine(" ", depth, closer))
        self.seen.discard((id(old), id(new)))
        return lines

    def children(self, old: Schema, new: Schema, branch: _Branch, depth: int) -> list[ShapeLine]:
        kinds = {kind for kind, _ in branch.children}
        lines: list[ShapeLine] = []
        if "items" in kinds:
            child = branch.children[("items", "")]
            if old.items is not None and new.items is not None:
                lines.extend(self.slot("", old.items, new.items, child, depth, (False, False)))
            else:
                lines.append(ShapeLine(" ", depth, "", _notes(_all_changes(child))))
        if "values" in kinds:
            child = branch.children[("values", "")]
            before = old.additional if isinstance(old.additional, Schema) else None
            after = new.additional if isinstance(new.additional, Schema) else None
            lines.extend(self.slot("*: ", before, after, child, depth, (False, False)))
        if "property" in kinds:
            lines.extend(self.properties(old, new, branch, depth))
        if "variant" in kinds or any(_is_variant_change(c) for c in branch.changes):
            lines.extend(self.variants(old, new, branch, depth))
        return lines

    def properties(self, old: Schema, new: Schema, branch: _Branch, depth: int) -> list[ShapeLine]:
        changed = {label: child for (kind, label), child in branch.children.items() if kind == "property"}
        formers = {former: label for (kind, label), former in branch.former.items() if kind == "property"}
        # a renamed property where its former name was, the others in the base's order
        news = new.properties
        order = dict.fromkeys(name if name in news else formers.get(name, name) for name in old.properties)
        order.update(dict.fromkeys(news))
        order.update(dict.fromkeys(changed))
        # only a changed property and its neighbours are drawn (`_with_context`): a schema with
        # hundreds of properties reached from hundreds of operations draws a few of them each time
        names = list(order)
        shown = set()
        for index, name in enumerate(names):
            if name in changed:
                shown.update((index - 1, index, index + 1))
        slots: list[_Slot] = []
        for index, name in enumerate(names):
            if index not in shown:
                slots.append(("same", _UNSHOWN))
                continue
            before = old.properties.get(name)
            after = news.get(name)
            required = (name in old.required, name in new.required)
            if name in changed:
                former = branch.former.get(("property", name))
                if former is not None:
                    before = old.properties.get(former)
                    required = (former in old.required, required[1])
                prefix = f"{_name(name)}: "
                slots.append(
                    ("changed", self.slot(prefix, before, after, changed[name], depth, required, former))
                )
            else:
                schema = after if after is not None else before
                assert schema is not None
                slots.append(("same", partial(_same_property, name, schema, depth)))
        return _with_context(slots, depth)

    def variants(self, old: Schema, new: Schema, branch: _Branch, depth: int) -> list[ShapeLine]:
        """The alternatives of a `oneOf`/`anyOf`: `| Label: type` a line, those removed and added
        marked, those with a change below drawn open."""
        keyword = "oneOf" if new.one_of or old.one_of else "anyOf"
        old_variants = old.one_of if keyword == "oneOf" else old.any_of
        new_variants = new.one_of if keyword == "oneOf" else new.any_of
        old_labels = [variant_label(v, i) for i, v in enumerate(old_variants)]
        new_labels = [variant_label(v, i) for i, v in enumerate(new_variants)]
        gone = {
            str(c.args.get("variant", "")).strip("'")
            for c in branch.changes
            if c.id.endswith("variant-removed")
        }
        came = {
            str(c.args.get("variant", "")).strip("'")
            for c in branch.changes
            if c.id.endswith("variant-added")
        }
        inside = {label: child for (kind, label), child in branch.children.items() if kind == "variant"}
        lines = []
        for index, variant in enumerate(new_variants):
            name = new_labels[index]
            child = inside.get(f"{keyword}[{name}]")
            prefix = f"| {_cut(name)}: "
            if name in came:
                lines.append(ShapeLine("+", depth, prefix + _brief(variant)))
            elif child is not None:
                counterpart = _counterpart(name, index, old_labels, old_variants)
                lines.extend(self.slot(prefix, counterpart, variant, child, depth, (False, False)))
            else:
                lines.append(ShapeLine(" ", depth, prefix + _brief(variant)))
        for index, variant in enumerate(old_variants):
            name = old_labels[index]
            if name in gone:
                lines.append(ShapeLine("-", depth, f"| {_cut(name)}: {_brief(variant)}"))
        return lines


#: the lines of a slot `_with_context` does not show
_UNSHOWN: list[ShapeLine] = []


def _same_property(name: str, schema: Schema, depth: int) -> list[ShapeLine]:
    """The line of a property no change is about, shown as context."""
    return [ShapeLine(" ", depth, f"{_name(name)}: {_brief(schema)}")]


def _counterpart(name: str, index: int, labels: list[str], variants: tuple[Schema, ...]) -> Schema | None:
    if name in labels:
        return variants[labels.index(name)]
    return variants[index] if index < len(variants) else None


def _variants(branch: _Branch, how: str) -> set[str]:
    """The labels of the variants the changes at `branch` say were `how` (added, removed)."""
    ending = f"variant-{how}"
    return {str(c.args.get("variant", "")).strip("'") for c in branch.changes if c.id.endswith(ending)}


def _is_variant_change(change: Change) -> bool:
    return change.id.endswith(("variant-removed", "variant-added"))


def _all_changes(branch: _Branch) -> list[Change]:
    found = list(branch.changes)
    for child in branch.children.values():
        found.extend(_all_changes(child))
    return found


def _brackets(branch: _Branch) -> tuple[str, str]:
    kinds = {kind for kind, _ in branch.children}
    if "items" in kinds:
        return "[", "]"
    if "property" in kinds or "values" in kinds:
        return "{", "}"
    return "", ""


def _notes(changes: list[Change]) -> str:
    """What the comparison said of a line: each message once, in the changes' order."""
    return "; ".join(dict.fromkeys(change.message for change in changes))


def _renamed(prefix: str, former: str) -> str:
    return f"{_name(former)}: " if prefix.startswith('"') else prefix


def _name(name: str) -> str:
    return json.dumps(_cut(name), ensure_ascii=False)


def _cut(text: str) -> str:
    """`text` short enough for a line, and as UTF-8 can carry it (reporters escape it)."""
    text = encodable(text)
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + _ELLIPSIS


def _kind(schema: Schema) -> str:
    """What a line's type is, not looking inside: a change of it is a retype (`-`/`+` lines)."""
    if schema.one_of or schema.any_of:
        text = "oneOf" if schema.one_of else "anyOf"
    else:
        text = " | ".join(sorted(schema.types)) if schema.types is not None else "any"
        text += f" ({schema.format})" if schema.format else ""
    return text + (" | null" if schema.nullable else "")


def _brief(schema: Schema, depth: int = 0) -> str:
    """A schema's type as one line shows it: `string (date-time) | null`, `[integer]`, `oneOf
    Cat | Dog`, `any`."""
    variants = schema.one_of or schema.any_of
    if variants:
        keyword = "oneOf" if schema.one_of else "anyOf"
        labels = [variant_label(v, i) for i, v in enumerate(variants)]
        shown = " | ".join(_cut(label) for label in labels[:4]) + (" | …" if len(labels) > 4 else "")
        text = f"{keyword} {shown}"
    elif schema.types is None:
        text = "any"
    else:
        parts = []
        for kind in sorted(schema.types):
            if kind == "array" and schema.items is not None and depth < _BRIEF_DEPTH:
                parts.append(f"[{_brief(schema.items, depth + 1)}]")
            else:
                parts.append(kind)
        text = " | ".join(parts)
        if schema.format:
            text += f" ({_cut(schema.format)})"
    if schema.nullable:
        text += " | null"
    return text


def _differences(old: Schema, new: Schema, required: tuple[bool, bool]) -> list[str]:
    """What changed between two schemas of one slot, beside its type: `maxLength 100 → 50`,
    `enum +adopted`, `optional → required`, `readOnly`…"""
    found = []
    if required[0] != required[1]:
        found.append("optional → required" if required[1] else "required → optional")
    for keyword in sorted(old.bounds.keys() | new.bounds.keys()):
        before, after = old.bounds.get(keyword), new.bounds.get(keyword)
        if before != after:
            found.append(f"{keyword} {_value(before)} → {_value(after)}")
    if old.enum != new.enum and (old.enum is not None or new.enum is not None):
        found.append(_enum(old.enum, new.enum))
    if old.pattern != new.pattern:
        found.append(f"pattern {_value(old.pattern)} → {_value(new.pattern)}")
    for flag, before, after in (
        ("readOnly", old.read_only, new.read_only),
        ("writeOnly", old.write_only, new.write_only),
    ):
        if before != after:
            found.append(f"{flag} {'added' if after else 'removed'}")
    if old.default is not new.default and old.default != new.default:
        found.append(f"default {_value(old.default)} → {_value(new.default)}")
    closed = isinstance(old.additional, bool) or isinstance(new.additional, bool)
    if closed and old.additional is not new.additional:
        found.append(f"additionalProperties {_flag(old.additional)} → {_flag(new.additional)}")
    return found


def _flag(value: object) -> str:
    if isinstance(value, Schema):
        return "schema"
    return "none" if value is None else str(value).lower()


def _enum(old: tuple[object, ...] | None, new: tuple[object, ...] | None) -> str:
    if old is None:
        return "enum added"
    if new is None:
        return "enum removed"
    before, after = [_value(v) for v in old], [_value(v) for v in new]
    added = [v for v in after if v not in before]
    removed = [v for v in before if v not in after]
    parts = [f"+{v}" for v in added[:MAX_VALUES]] + [f"-{v}" for v in removed[:MAX_VALUES]]
    hidden = max(0, len(added) - MAX_VALUES) + max(0, len(removed) - MAX_VALUES)
    if hidden:
        parts.append(f"and {hidden} more")
    return "enum " + " ".join(parts) if parts else "enum reordered"


def _value(value: object) -> str:
    if value is None or value is MISSING:
        return "none"
    if isinstance(value, str):
        return _cut(value)
    try:
        return _cut(json.dumps(value, ensure_ascii=False, sort_keys=True, default=str))
    except (TypeError, ValueError):
        return _cut(str(value))
