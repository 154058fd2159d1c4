"""WireMock stub mappings: a single mapping or `{"mappings": [...]}`."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping

from oasguard.consumers.har import decode
from oasguard.consumers.model import ABSENT, Evidence, Interaction, Request, Response, Source

_URL_KEYS = ("url", "urlPath", "urlPattern", "urlPathPattern", "urlPathTemplate")


def is_wiremock(document: object) -> bool:
    if isinstance(document, dict) and isinstance(document.get("mappings"), list):
        return True
    return (
        isinstance(document, dict)
        and isinstance(document.get("request"), dict)
        and isinstance(document.get("response"), dict)
    )


def read_wiremock(
    document: Mapping, file: str, name: str
) -> tuple[list[Interaction], list[tuple[Source, str, str]]]:
    mappings = document.get("mappings", [document])
    found: list[Interaction] = []
    problems: list[tuple[Source, str, str]] = []
    for index, mapping in enumerate(mappings):
        source = Source(file, index)
        if not isinstance(mapping, dict) or not isinstance(mapping.get("request"), dict):
            problems.append((source, "", "a mapping without a request"))
            continue
        description = str(mapping.get("name") or mapping.get("id") or mapping.get("uuid") or "")
        request = mapping["request"]
        method = request.get("method")
        if not isinstance(method, str) or not method:
            problems.append((source, description, "the request has no method"))
            continue
        key = next((k for k in _URL_KEYS if isinstance(request.get(k), str)), None)
        if key is None:
            problems.append((source, description, "the request has no url, urlPath or pattern"))
            continue
        url: str = request[key]
        pattern = None
        if key in ("urlPattern", "urlPathPattern"):
            pattern = url.split("?", 1)[0] if key == "urlPattern" else url
            path = pattern
        else:
            path = url.split("?", 1)[0] if key == "url" else url
        query = []
        if key == "url" and "?" in url:
            from urllib.parse import parse_qsl

            query.extend(parse_qsl(url.split("?", 1)[1], keep_blank_values=True))
        for qname, rule in (request.get("queryParameters") or {}).items():
            query.append((str(qname), _example(rule)))
        headers = tuple((str(h), _example(rule)) for h, rule in (request.get("headers") or {}).items())
        body: object = ABSENT
        for rule in request.get("bodyPatterns") or []:
            if isinstance(rule, dict) and "equalToJson" in rule:
                value = rule["equalToJson"]
                body = decode(value, "json", None) if isinstance(value, str) else value
                break
        answer = mapping.get("response") if isinstance(mapping.get("response"), dict) else {}
        response_headers = tuple((str(k), str(v)) for k, v in (answer.get("headers") or {}).items())
        mime = next((v for k, v in response_headers if k.lower() == "content-type"), "")
        if "jsonBody" in answer:
            response_body: object = answer["jsonBody"]
        elif "body" in answer:
            response_body = decode(answer["body"], mime, None)
        elif isinstance(answer.get("base64Body"), str):
            try:
                response_body = decode(base64.b64decode(answer["base64Body"]).decode("utf-8"), mime, None)
            except (ValueError, UnicodeDecodeError):
                response_body = ABSENT
        else:
            response_body = ABSENT
        status = answer.get("status", 200)
        found.append(
            Interaction(
                consumer=name,
                source=source,
                description=description or f"{method} {url}",
                evidence=Evidence.WIREMOCK,
                request=Request(method.upper(), path, tuple(query), headers, body, path_pattern=pattern),
                response=Response(
                    status if isinstance(status, int) else None, response_headers, response_body
                ),
            )
        )
    return found, problems


def _example(rule: object) -> str:
    """The value a WireMock matcher stands for (`equalTo`), or the matcher as JSON."""
    if isinstance(rule, dict):
        for key in ("equalTo", "equalToIgnoreCase", "contains", "matches"):
            if key in rule:
                return str(rule[key])
        return json.dumps(rule, sort_keys=True)
    return str(rule)
