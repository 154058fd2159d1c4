"""Parameter values as the consumer sends them (strings in a path, query, header or cookie),
decoded by the parameter's `style`/`explode` into the JSON values their schema is checked on."""

from __future__ import annotations

import re

from oasguard.model.nodes import Parameter, Schema

_ABSENT = object()


def _types(schema: Schema | None) -> frozenset[str]:
    if schema is None:
        return frozenset()
    types = set(schema.types or ())
    for branch in (*schema.one_of, *schema.any_of):
        types |= branch.types or frozenset()
    return frozenset(types)


def coerce(text: str, schema: Schema | None) -> object:
    """A primitive as the schema reads it: `5` is an integer where the schema wants one."""
    types = _types(schema)
    if "integer" in types and re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    if "number" in types:
        try:
            number = float(text)
        except ValueError:
            pass
        else:
            return int(number) if re.fullmatch(r"[+-]?\d+", text) else number
    if "boolean" in types and text in ("true", "false"):
        return text == "true"
    if "null" in types and text in ("", "null"):
        return None
    return text


def _items(schema: Schema | None) -> Schema | None:
    return schema.items if schema is not None else None


def _property(schema: Schema | None, name: str) -> Schema | None:
    if schema is None:
        return None
    found = schema.properties.get(name)
    if found is None and isinstance(schema.additional, Schema):
        return schema.additional
    return found


def _kind(schema: Schema | None) -> str:
    types = _types(schema)
    if "array" in types:
        return "array"
    if "object" in types or (schema is not None and schema.properties):
        return "object"
    return "primitive"


def _split(text: str, separator: str) -> list[str]:
    return text.split(separator) if text != "" else []


def _object(pairs: list[str], schema: Schema | None) -> dict:
    return {pairs[i]: coerce(pairs[i + 1], _property(schema, pairs[i])) for i in range(0, len(pairs) - 1, 2)}


def _exploded(parts: list[str], schema: Schema | None) -> dict:
    result = {}
    for part in parts:
        key, _, value = part.partition("=")
        result[key] = coerce(value, _property(schema, key))
    return result


def decode_simple(text: str, parameter: Parameter) -> object:
    """A path or header value (`simple`, `label` or `matrix` style)."""
    schema, style, explode = parameter.schema, parameter.style, parameter.explode
    if style == "label" and text.startswith("."):
        text, separator = text[1:], "." if explode else ","
    elif style == "matrix" and text.startswith(";"):
        prefix = f";{parameter.name}="
        if _kind(schema) == "primitive" or not explode:
            text = text[len(prefix) :] if text.startswith(prefix) else text[1:]
            separator = ","
        else:
            text, separator = text[1:], ";"
            if _kind(schema) == "array":
                return [coerce(part.partition("=")[2], _items(schema)) for part in _split(text, ";")]
    else:
        separator = ","
    kind = _kind(schema)
    if kind == "array":
        return [coerce(part, _items(schema)) for part in _split(text, separator)]
    if kind == "object":
        parts = _split(text, separator)
        if explode:
            return _exploded(parts, schema)
        return _object(parts, schema)
    return coerce(text, schema)


def decode_query(query: list[tuple[str, str]], parameter: Parameter) -> tuple[object, set[int]]:
    """The value of a query (or cookie) parameter from every pair of the query string, and the
    positions of the pairs it used; `_ABSENT` when it is not sent."""
    schema, style, explode, name = parameter.schema, parameter.style, parameter.explode, parameter.name
    kind = _kind(schema)
    if style == "deepObject":
        prefix = f"{name}["
        used = {i for i, (key, _) in enumerate(query) if key.startswith(prefix) and key.endswith("]")}
        if not used:
            return _ABSENT, used
        value = {}
        for i in sorted(used):
            key = query[i][0][len(prefix) : -1]
            value[key] = coerce(query[i][1], _property(schema, key))
        return value, used
    if kind == "object" and explode and style == "form":
        declared = set(schema.properties) if schema is not None else set()
        used = {i for i, (key, _) in enumerate(query) if key in declared}
        if not used:
            return _ABSENT, used
        return {query[i][0]: coerce(query[i][1], _property(schema, query[i][0])) for i in sorted(used)}, used
    if kind == "array" and name.endswith("[]") is False:
        used = {i for i, (key, _) in enumerate(query) if key in (name, f"{name}[]")}
    else:
        used = {i for i, (key, _) in enumerate(query) if key == name}
    if not used:
        return _ABSENT, used
    values = [query[i][1] for i in sorted(used)]
    if kind == "array":
        separator = {"spaceDelimited": " ", "pipeDelimited": "|", "tsv": "\t"}.get(style, ",")
        if explode and style == "form":
            return [coerce(v, _items(schema)) for v in values], used
        items = [part for v in values for part in _split(v, separator)]
        return [coerce(v, _items(schema)) for v in items], used
    if kind == "object":
        return _object(_split(values[0], ","), schema), used
    return coerce(values[0], schema), used


def query_pairs(query: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    """The readers give names and values decoded already."""
    return list(query)


def cookies(header: str | None) -> list[tuple[str, str]]:
    if not header:
        return []
    pairs = []
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key:
            pairs.append((key, value))
    return pairs


ABSENT = _ABSENT
