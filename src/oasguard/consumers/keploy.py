"""Keploy recordings (`kind: Http`): test sets (calls made to the service, one YAML document per
test) and `mocks.yaml` (the calls a service made to its providers, many documents)."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qsl, urlsplit

from oasguard.consumers.har import decode, request_line_problem
from oasguard.consumers.model import (
    ABSENT,
    Evidence,
    Interaction,
    Request,
    Response,
    Skipped,
    Source,
)


def is_keploy(document: object) -> bool:
    return (
        isinstance(document, dict)
        and str(document.get("version", "")).startswith("api.keploy.io/")
        and "kind" in document
    )


def read_keploy(
    documents: list[object], file: str, name: str, mocks: bool
) -> tuple[list[Interaction], list[Skipped], list[tuple[Source, str, str]]]:
    """Each document of the file; `mocks`: a mocks.yaml (the service's expectations of a provider)."""
    found: list[Interaction] = []
    skipped: list[Skipped] = []
    problems: list[tuple[Source, str, str]] = []
    evidence = Evidence.KEPLOY_MOCK if mocks else Evidence.KEPLOY_TEST
    for index, document in enumerate(documents):
        source = Source(file, index)
        if not isinstance(document, dict):
            problems.append((source, "", "a document is not a mapping"))
            continue
        description = str(document.get("name") or "")
        if document.get("kind") != "Http":
            skipped.append(
                Skipped(source, description, f"a Keploy {document.get('kind')} recording, not HTTP")
            )
            continue
        spec = document.get("spec") if isinstance(document.get("spec"), dict) else {}
        req, resp = spec.get("req"), spec.get("resp")
        if not isinstance(req, dict):
            problems.append((source, description, "no spec.req"))
            continue
        missing = request_line_problem(req)
        if missing is not None:
            problems.append((source, description, missing))
            continue
        method, url = req["method"], req["url"]
        parts = urlsplit(url)
        headers = _headers(req.get("header"))
        query = tuple(parse_qsl(parts.query, keep_blank_values=True))
        if not query and isinstance(req.get("url_params"), dict):
            query = tuple((str(k), str(v)) for k, v in req["url_params"].items())
        body = _body(req.get("body"), headers)
        response = Response(None)
        if isinstance(resp, dict):
            response_headers = _headers(resp.get("header"))
            status = resp.get("status_code")
            response = Response(
                status if isinstance(status, int) and status > 0 else None,
                response_headers,
                _body(resp.get("body"), response_headers),
            )
        found.append(
            Interaction(
                consumer=name,
                source=source,
                description=description or f"{method} {url}",
                evidence=evidence,
                request=Request(method.upper(), parts.path or "/", query, headers, body),
                response=response,
            )
        )
    return found, skipped, problems


def _headers(raw: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(raw, Mapping):
        return ()
    return tuple((str(k), str(v)) for k, v in raw.items())


def _body(raw: object, headers: tuple[tuple[str, str], ...]) -> object:
    if raw is None or raw == "":
        return ABSENT
    mime = next((v for k, v in headers if k.lower() == "content-type"), "")
    return decode(raw, mime, None) if isinstance(raw, str) else raw
