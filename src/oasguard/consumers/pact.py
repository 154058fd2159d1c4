"""Pact files, specification v1/v2, v3 and v4 (HTTP interactions): one parser per layout of the
request, of the body and of the matching rules, behind the one Interaction model."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator, Mapping
from urllib.parse import parse_qsl

from oasguard.consumers.model import (
    ABSENT,
    BodyPath,
    Evidence,
    Interaction,
    Matcher,
    Request,
    Response,
    Skipped,
    Source,
)

#: a wildcard step of a matching-rule path (`[*]`, `.*`)
ANY = "*"


class PactProblem(ValueError):
    """An interaction (or the file) that cannot be read; the reader adds file and index."""


def is_pact(document: object) -> bool:
    return (
        isinstance(document, dict)
        and isinstance(document.get("consumer"), dict)
        and isinstance(document.get("provider"), dict)
        and ("interactions" in document or "messages" in document)
    )


def spec_version(document: Mapping) -> int:
    """The major specification version the file declares (v2 when it declares none)."""
    metadata = document.get("metadata") or {}
    if not isinstance(metadata, dict):
        raise PactProblem("'metadata' is not an object")
    declared = None
    for key in ("pactSpecification", "pact-specification", "pactSpecificationVersion"):
        value = metadata.get(key)
        if isinstance(value, dict):
            value = value.get("version")
        if value is not None:
            declared = value
            break
    if declared is None:
        return 2
    match = re.match(r"v?(\d+)(\.|$)", str(declared))
    major = int(match[1]) if match else -1
    if major not in (1, 2, 3, 4):
        raise PactProblem(f"unknown Pact specification version '{declared}'")
    return 2 if major == 1 else major


def read_pact(
    document: Mapping, file: str, name: str | None
) -> tuple[list[Interaction], list[Skipped], list[tuple[Source, str, str]]]:
    """(interactions, skipped, problems): a problem is (source, description, why)."""
    version = spec_version(document)
    consumer = _name(document.get("consumer")) or name or ""
    provider = _name(document.get("provider"))
    found: list[Interaction] = []
    skipped: list[Skipped] = []
    problems: list[tuple[Source, str, str]] = []
    messages = document.get("messages")
    if isinstance(messages, list) and messages:
        for index, message in enumerate(messages):
            description = str(message.get("description", "")) if isinstance(message, dict) else ""
            skipped.append(Skipped(Source(file, index), description, "a message interaction, not HTTP"))
    interactions = document.get("interactions", [])
    if not isinstance(interactions, list):
        raise PactProblem("'interactions' is not a list")
    for index, raw in enumerate(interactions):
        source = Source(file, index)
        if not isinstance(raw, dict):
            problems.append((source, "", "an interaction is not an object"))
            continue
        description = str(raw.get("description", ""))
        kind = raw.get("type") if version == 4 else "Synchronous/HTTP"
        if kind != "Synchronous/HTTP":
            skipped.append(
                Skipped(
                    source,
                    description,
                    f"an interaction of type '{kind}', not HTTP" if kind else "an interaction with no type",
                )
            )
            continue
        try:
            found.append(
                Interaction(
                    consumer=consumer,
                    source=source,
                    description=description,
                    evidence=Evidence.PACT,
                    request=_request(raw.get("request"), version),
                    response=_response(raw.get("response"), version),
                    provider=provider,
                    states=_states(raw),
                )
            )
        except PactProblem as problem:
            problems.append((source, description, str(problem)))
    return found, skipped, problems


def _name(party: object) -> str | None:
    if isinstance(party, dict) and isinstance(party.get("name"), str) and party["name"]:
        return party["name"]
    return None


def _states(raw: Mapping) -> tuple[str, ...]:
    if isinstance(raw.get("providerState"), str):
        return (raw["providerState"],)
    states = raw.get("providerStates")
    if isinstance(states, list):
        return tuple(str(s.get("name", "")) if isinstance(s, dict) else str(s) for s in states)
    return ()


def _request(raw: object, version: int) -> Request:
    if not isinstance(raw, dict):
        raise PactProblem("no request")
    method, path = raw.get("method"), raw.get("path")
    if not isinstance(method, str) or not method:
        raise PactProblem("the request has no method")
    if not isinstance(path, str) or not path:
        raise PactProblem("the request has no path")
    headers = _headers(raw.get("headers"))
    return Request(
        method=method.upper(),
        path=path,
        query=_query(raw.get("query")),
        headers=headers,
        body=_body(raw, version, headers),
        matchers=_rules(raw.get("matchingRules"), version),
    )


def _response(raw: object, version: int) -> Response:
    if raw is None:
        return Response(None)
    if not isinstance(raw, dict):
        raise PactProblem("the response is not an object")
    status = raw.get("status")
    if status is not None and not (isinstance(status, int) and not isinstance(status, bool)):
        raise PactProblem(f"the response status {status!r} is not a number")
    headers = _headers(raw.get("headers"))
    return Response(
        status=status,
        headers=headers,
        body=_body(raw, version, headers),
        matchers=_rules(raw.get("matchingRules"), version),
    )


def _headers(raw: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(raw, dict):
        return ()
    out = []
    for key, value in raw.items():
        for each in value if isinstance(value, list) else [value]:
            out.append((str(key), str(each)))
    return tuple(out)


def _query(raw: object) -> tuple[tuple[str, str], ...]:
    if isinstance(raw, str):  # v2: the query string
        return tuple(parse_qsl(raw, keep_blank_values=True))
    if isinstance(raw, dict):  # v3/v4: name -> list of values
        return tuple(
            (str(key), str(each))
            for key, value in raw.items()
            for each in (value if isinstance(value, list) else [value])
        )
    return ()


def _body(raw: Mapping, version: int, headers: tuple[tuple[str, str], ...]) -> object:
    if "body" not in raw:
        return ABSENT
    body = raw["body"]
    if version < 4 or not isinstance(body, dict) or "content" not in body:
        return body
    content, encoded = body.get("content"), body.get("encoded")
    content_type = str(body.get("contentType") or "")
    if encoded == "base64" and isinstance(content, str):
        try:
            content = base64.b64decode(content).decode("utf-8", "replace")
        except ValueError:
            return content
        encoded = "json" if "json" in content_type else False
    if (encoded == "json" or "json" in content_type) and isinstance(content, str):
        try:
            return json.loads(content)
        except ValueError:
            return content
    return content


def _rules(raw: object, version: int) -> dict[str, dict[object, tuple[Matcher, ...]]]:
    """Matching rules as data: category -> place -> matchers (a BodyPath for bodies)."""
    if not isinstance(raw, dict):
        return {}
    rules: dict[str, dict[object, tuple[Matcher, ...]]] = {}
    if version == 2:  # flat: "$.body.a[*].b", "$.headers.X", "$.query.q", "$.path"
        for key, rule in raw.items():
            if not isinstance(key, str) or not isinstance(rule, dict):
                continue
            steps = parse_path(key)
            if not steps:
                continue
            head, rest = steps[0], steps[1:]
            category = {"headers": "header"}.get(str(head), str(head))
            place: object = rest if category == "body" else (f"$.{rest[0]}" if rest else "$")
            rules.setdefault(category, {})[place] = (_matcher(rule),)
        return rules
    for category, entries in raw.items():
        if not isinstance(entries, dict):
            continue
        category = {"headers": "header"}.get(category, category)
        if "matchers" in entries:  # `path` holds its matchers directly
            rules.setdefault(category, {})["$"] = _matchers(entries)
            continue
        for key, rule in entries.items():
            if not isinstance(rule, dict):
                continue
            place = parse_path(key) if category == "body" else f"$.{key.removeprefix('$.')}"
            rules.setdefault(category, {})[place] = _matchers(rule)
    return rules


def _matchers(rule: Mapping) -> tuple[Matcher, ...]:
    items = rule.get("matchers")
    if isinstance(items, list):
        return tuple(_matcher(item) for item in items if isinstance(item, dict))
    return (_matcher(rule),)


def _matcher(rule: Mapping) -> Matcher:
    kind = rule.get("match")
    if kind is None:
        kind = "regex" if "regex" in rule else "type"
    fmt = rule.get("format") or rule.get("date") or rule.get("time") or rule.get("timestamp")
    return Matcher(
        kind=str(kind),
        regex=rule.get("regex") if isinstance(rule.get("regex"), str) else None,
        format=fmt if isinstance(fmt, str) else None,
        min=rule.get("min") if isinstance(rule.get("min"), int) else None,
        max=rule.get("max") if isinstance(rule.get("max"), int) else None,
        value=rule.get("value"),
    )


_STEP = re.compile(r"""\.([^.\[\]]+)|\[(\d+|\*)\]|\['((?:[^'\\]|\\.)*)'\]|\["((?:[^"\\]|\\.)*)"\]""")


def parse_path(text: str) -> BodyPath:
    """A Pact matching-rule path (`$.body.items[*].name`, `$['a.b']`) as steps: keys, array
    positions and ANY for `*` / `[*]`."""
    text = text.strip()
    if text.startswith("$"):
        text = text[1:]
    elif text and not text.startswith((".", "[")):
        text = "." + text
    steps: list[str | int] = []
    for match in _STEP.finditer(text):
        key, position, single, double = match.groups()
        if key is not None:
            steps.append(key)
        elif position is not None:
            steps.append(ANY if position == "*" else int(position))
        else:
            steps.append(single if single is not None else double)
    return tuple(steps)


def walk(body: object) -> Iterator[tuple[BodyPath, object]]:
    """Every (path, value) of a parsed body, depth first, iteratively."""
    stack: list[tuple[BodyPath, object]] = [((), body)]
    while stack:
        path, value = stack.pop()
        yield path, value
        if isinstance(value, dict):
            stack.extend(((*path, str(key)), item) for key, item in value.items())
        elif isinstance(value, list):
            stack.extend(((*path, index), item) for index, item in enumerate(value))
