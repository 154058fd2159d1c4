"""Pact matching rules read as promises: which schema failures a matcher makes irrelevant (a
`type` matcher on `"abc"` promises any string, so the schema's `enum` cannot fail it)."""

from __future__ import annotations

import re

from oasguard.consumers.model import Matcher
from oasguard.verify.schemas import Error

#: keywords that constrain a value within its type: a matcher that promises "any value of this
#: type" (or of this pattern) makes them irrelevant to the example it carries
VALUE_KEYWORDS = frozenset(
    {
        "enum",
        "const",
        "pattern",
        "format",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
        "uniqueItems",
        "minProperties",
        "maxProperties",
    }
)
#: matchers that only promise a type (or a pattern, a substring, a date) of the value
_LOOSE = frozenset(
    {
        "type",
        "integer",
        "decimal",
        "number",
        "boolean",
        "include",
        "date",
        "time",
        "timestamp",
        "datetime",
        "values",
        "eachKey",
        "eachValue",
        "arrayContains",
        "notEmpty",
        "semver",
        "contentType",
    }
)

#: matchers that promise a date or time: the schema's `format` must agree
_DATES = frozenset({"date", "time", "timestamp", "datetime"})

BodyPath = tuple[str | int, ...]


def _parse(key: object) -> BodyPath | None:
    """A matcher's place as a tuple: tuples as given, `$.a[0].b` / `$.a[*]` strings parsed."""
    if isinstance(key, tuple):
        return key
    if not isinstance(key, str):
        return None
    text = key[1:] if key.startswith("$") else key
    parts: list[str | int] = []
    for name, bracket in re.findall(r"\.([^.\[]+)|\[([^\]]*)\]", text):
        if name:
            parts.append(name)
        else:
            inner = bracket.strip("'\"")
            parts.append(int(inner) if inner.isdigit() else inner)
    return tuple(parts)


def _covers(rule: BodyPath, path: BodyPath) -> bool:
    """Whether the rule written for `rule` applies at `path` (itself or a descendant: Pact's
    matchers cascade)."""
    if len(rule) > len(path):
        return False
    return all(r == "*" or r == p or str(r) == str(p) for r, p in zip(rule, path, strict=False))


class Rules:
    """The matching rules of one body, by place."""

    def __init__(self, rules: dict[object, tuple[Matcher, ...]] | None) -> None:
        self._rules = [
            (parsed, matchers)
            for key, matchers in (rules or {}).items()
            if (parsed := _parse(key)) is not None
        ]

    def __bool__(self) -> bool:
        return bool(self._rules)

    def at(self, path: BodyPath) -> tuple[Matcher, ...]:
        """The matchers in force at `path`: the most specific rule that covers it."""
        best: tuple[int, tuple[Matcher, ...]] | None = None
        for rule, matchers in self._rules:
            if _covers(rule, path) and (best is None or len(rule) >= best[0]):
                best = (len(rule), matchers)
        return best[1] if best else ()

    def keep(self, error: Error) -> bool:
        """Whether `error` still holds once the matchers at its place are read as promises."""
        if error.keyword not in VALUE_KEYWORDS:
            return True
        for matcher in self.at(error.path):
            if _bounds_conflict(matcher, error):
                return True  # `eachLike(min=N)` expects N items where the schema allows fewer
            if matcher.kind in _DATES and error.keyword == "format":
                return True  # a date matcher promises a date: the schema's format must be one
            if matcher.kind in _LOOSE:
                return False
            if matcher.kind == "regex":
                if error.keyword != "enum":
                    return False
                if isinstance(error.expected, list) and _any_matches(matcher.regex, tuple(error.expected)):
                    return False
        return True


def _bounds_conflict(matcher: Matcher, error: Error) -> bool:
    """Whether the matcher's own array bounds promise what the schema's forbid: a `min` above
    `maxItems` (the consumer relies on more items than the provider may return), or a `max`
    below `minItems`."""
    limit = error.expected
    if not isinstance(limit, int) or isinstance(limit, bool):
        return False
    if error.keyword == "maxItems" and matcher.min is not None:
        return matcher.min > limit
    if error.keyword == "minItems" and matcher.max is not None:
        return matcher.max < limit
    return False


def _any_matches(regex: str | None, values: tuple[object, ...]) -> bool:
    if not regex:
        return True
    try:
        compiled = re.compile(regex)
    except re.error:
        return True  # a regex Python cannot read: give the consumer the benefit of the doubt
    return any(isinstance(value, str) and compiled.fullmatch(value) for value in values)
