"""HAR 1.2 recordings: each entry's request and response, JSON bodies parsed, base64 decoded."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from urllib.parse import parse_qsl, urlsplit

from oasguard.consumers.model import ABSENT, Evidence, Interaction, Request, Response, Source


def is_har(document: object) -> bool:
    return (
        isinstance(document, dict) and isinstance(document.get("log"), dict) and "entries" in document["log"]
    )


def read_har(
    document: Mapping, file: str, name: str
) -> tuple[list[Interaction], list[tuple[Source, str, str]]]:
    """(interactions, problems): one interaction per entry, in order (linear in the file)."""
    entries = document["log"].get("entries")
    if not isinstance(entries, list):
        return [], [(Source(file), "", "'log.entries' is not a list")]
    found: list[Interaction] = []
    problems: list[tuple[Source, str, str]] = []
    for index, entry in enumerate(entries):
        source = Source(file, index)
        request = entry.get("request") if isinstance(entry, dict) else None
        if not isinstance(request, dict):
            problems.append((source, "", "the entry has no request"))
            continue
        description = str(entry.get("comment") or f"{request.get('method')} {request.get('url')}")
        missing = request_line_problem(request)
        if missing is not None:
            problems.append((source, description, missing))
            continue
        method, parts = request["method"], urlsplit(request["url"])
        headers = pairs(request.get("headers"))
        query = pairs(request.get("queryString")) or tuple(parse_qsl(parts.query, keep_blank_values=True))
        post = request.get("postData")
        body: object = ABSENT
        if isinstance(post, dict):
            mime = str(post.get("mimeType") or "")
            if "text" in post:
                body = decode(post.get("text"), mime, None)
            elif isinstance(post.get("params"), list):
                body = {str(p.get("name")): p.get("value") for p in post["params"] if isinstance(p, dict)}
            if mime and not any(key.lower() == "content-type" for key, _ in headers):
                headers = (*headers, ("Content-Type", mime))
        answer = entry.get("response")
        response = Response(None)
        if isinstance(answer, dict):
            content = answer.get("content") if isinstance(answer.get("content"), dict) else {}
            mime = str(content.get("mimeType") or "")
            status = answer.get("status")
            response = Response(
                status=status if isinstance(status, int) and status > 0 else None,
                headers=pairs(answer.get("headers")),
                body=decode(content.get("text"), mime, content.get("encoding"))
                if content.get("text")
                else ABSENT,
            )
        found.append(
            Interaction(
                consumer=name,
                source=source,
                description=description,
                evidence=Evidence.HAR,
                request=Request(method.upper(), parts.path or "/", query, headers, body),
                response=response,
            )
        )
    return found, problems


def request_line_problem(request: Mapping) -> str | None:
    """What a recorded request (HAR, Keploy: `method` and `url` keys) lacks, or None."""
    if not isinstance(request.get("method"), str) or not request["method"]:
        return "the request has no method"
    if not isinstance(request.get("url"), str) or not request["url"]:
        return "the request has no url"
    return None


def pairs(raw: object) -> tuple[tuple[str, str], ...]:
    """HAR's `[{"name": ..., "value": ...}]` lists as pairs."""
    if not isinstance(raw, list):
        return ()
    return tuple(
        (str(item.get("name", "")), str(item.get("value", ""))) for item in raw if isinstance(item, dict)
    )


def decode(text: object, mime: str, encoding: object) -> object:
    """A recorded body: base64 undone, JSON parsed when the media type says JSON (or it parses)."""
    if not isinstance(text, str):
        return ABSENT if text is None else text
    if encoding == "base64":
        try:
            text = base64.b64decode(text).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            return text
    if "json" in mime.lower() or text.lstrip()[:1] in ("{", "["):
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text
