"""Whether a value a consumer sends is accepted by a normalised schema: True, False, or None when
the schema says something this check does not settle (the caller then over-approximates)."""

from __future__ import annotations

import re

from oasguard.model.nodes import Schema
from oasguard.model.schema import json_type

#: 2020-12 keywords this check reads; any other one present leaves a "yes" unsettled
_READ_KEYWORDS = frozenset({"const", "deprecated", "x-stability-level"})


def from_text(schema: Schema, text: str) -> object:
    """A parameter value as sent (text) read as the schema's type would read it."""
    types = schema.types or frozenset()
    if types & {"integer", "number"}:
        try:
            return int(text)
        except ValueError:
            try:
                number = float(text)
            except ValueError:
                return text
            return number if number == number and abs(number) != float("inf") else text
    if "boolean" in types and text in ("true", "false"):
        return text == "true"
    return text


def accepts(schema: Schema | None, value: object, depth: int = 0) -> bool | None:
    """Whether `value` (parsed JSON) is valid against `schema`; None: cannot tell."""
    if schema is None or depth > 60:
        return True if schema is None else None
    if value is None:
        return bool(schema.nullable or (schema.types is not None and "null" in schema.types))
    unsettled = False
    kind = json_type(value)
    if schema.types is not None:
        allowed = set(schema.types)
        if "number" in allowed:
            allowed.add("integer")
        if kind not in allowed:
            return False
    if schema.enum is not None and not any(_same(value, option) for option in schema.enum):
        return False
    bounds = schema.bounds
    if kind in ("integer", "number"):
        number = float(value)  # type: ignore[arg-type]
        checks = (
            ("minimum", lambda b: number >= b),
            ("maximum", lambda b: number <= b),
            ("exclusiveMinimum", lambda b: number > b),
            ("exclusiveMaximum", lambda b: number < b),
        )
        for keyword, holds in checks:
            if keyword in bounds and not holds(float(bounds[keyword])):  # type: ignore[arg-type]
                return False
        if "multipleOf" in bounds:
            step = float(bounds["multipleOf"])  # type: ignore[arg-type]
            if step and abs(number / step - round(number / step)) > 1e-9:
                return False
    elif kind == "string":
        text = str(value)
        if "minLength" in bounds and len(text) < bounds["minLength"]:  # type: ignore[operator]
            return False
        if "maxLength" in bounds and len(text) > bounds["maxLength"]:  # type: ignore[operator]
            return False
        if schema.pattern:
            try:
                if re.search(schema.pattern, text) is None:
                    return False
            except re.error:
                unsettled = True
        if schema.format:
            unsettled = unsettled or schema.format in ("date", "date-time", "uuid", "email", "uri", "ipv4")
    elif kind == "array":
        items: list = value  # type: ignore[assignment]
        if "minItems" in bounds and len(items) < bounds["minItems"]:  # type: ignore[operator]
            return False
        if "maxItems" in bounds and len(items) > bounds["maxItems"]:  # type: ignore[operator]
            return False
        if schema.items is not None:
            for item in items:
                verdict = accepts(schema.items, item, depth + 1)
                if verdict is False:
                    return False
                unsettled = unsettled or verdict is None
    elif kind == "object":
        mapping: dict = value  # type: ignore[assignment]
        if not schema.required <= mapping.keys():
            return False
        for key, item in mapping.items():
            sub = schema.properties.get(key)
            if sub is None:
                if schema.additional is False:
                    return False
                sub = schema.additional if isinstance(schema.additional, Schema) else None
            if sub is not None:
                if sub.read_only:
                    unsettled = True
                verdict = accepts(sub, item, depth + 1)
                if verdict is False:
                    return False
                unsettled = unsettled or verdict is None
    for variants in (schema.one_of, schema.any_of):
        if variants:
            verdicts = [accepts(variant, value, depth + 1) for variant in variants]
            if all(verdict is False for verdict in verdicts):
                return False
            unsettled = unsettled or True not in verdicts
    if schema.keywords is not None and not schema.keywords.present <= _READ_KEYWORDS:
        unsettled = True
    return None if unsettled else True


def _same(value: object, option: object) -> bool:
    if isinstance(value, bool) or isinstance(option, bool):
        return type(value) is type(option) and value == option
    return value == option
