"""The checks of one interaction against its operation (SPEC 5.4): each a small function that
returns coded problems."""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import parse_qsl

from oasguard.consumers.model import ABSENT, Evidence, Interaction
from oasguard.errors import brief
from oasguard.model.nodes import Api, MediaType, Operation, Parameter, Schema, Where
from oasguard.model.nodes import Response as DocResponse
from oasguard.verify import params
from oasguard.verify import problems as ids
from oasguard.verify.locate import Locator
from oasguard.verify.matchers import Rules
from oasguard.verify.problems import Problem, problem
from oasguard.verify.schemas import READ, WRITE, Validators

#: request headers that carry the transport or are checked elsewhere: never "undeclared"
_TRANSPORT = frozenset(
    {"host", "content-length", "connection", "accept-encoding", "content-type", "authorization", "cookie"}
)
_TRANSPORT_RESPONSE = frozenset(
    {
        "content-type",
        "content-length",
        "date",
        "server",
        "connection",
        "transfer-encoding",
        "keep-alive",
        "vary",
    }
)
#: response-body keywords a consumer's expected body cannot break: it names what it reads (not
#: all the provider sends), and undeclared fields have their own, clearer problem
_NOT_IN_EXPECTATIONS = frozenset({"required", "additionalProperties", "unevaluatedProperties"})


class Checker:
    """Checks interactions against one normalised document, with its validators."""

    def __init__(self, api: Api, validators: Validators) -> None:
        self.api = api
        self.validators = validators
        self.locator = Locator(api, validators)
        self._display = validators.document.resolver.display

    def _at(self, where: Where) -> tuple[str, str]:
        return self._display(where.file), where.pointer or "/"

    # -- the operation ------------------------------------------------------------------------

    def unmatched(self, interaction: Interaction) -> Problem:
        request = interaction.request
        entry = self._at(Where(self.api.entry, "/paths"))
        methods = self.locator.other_methods(interaction)
        if methods:
            return problem(
                ids.METHOD_UNKNOWN,
                *entry,
                path=request.path,
                method=request.method.upper(),
                declared=", ".join(methods),
            )
        return problem(ids.PATH_UNKNOWN, *entry, path=request.path)

    def check(self, interaction: Interaction, operation: Operation) -> list[Problem]:
        found: list[Problem] = []
        status = interaction.response.status
        tests_rejection = status is not None and 400 <= status < 500
        if not tests_rejection:  # an expected 4xx may send what the document rejects
            found += self._parameters(interaction, operation)
            found += self._body(interaction, operation)
            found += self._security(interaction, operation)
        found += self._response(interaction, operation)
        return found

    # -- the request --------------------------------------------------------------------------

    def _parameters(self, interaction: Interaction, operation: Operation) -> Iterator[Problem]:
        request = interaction.request
        query = params.query_pairs(request.query)
        cookie = params.cookies(request.header("cookie"))
        used_query: set[int] = set()
        used_cookie: set[int] = set()
        declared_headers = set()
        path_values: dict[int, str] | None = None
        for key, parameter in operation.parameters.items():
            location = parameter.location
            if location in ("body", "formData"):
                continue
            value: object = params.ABSENT
            if location == "path":
                if request.path_pattern is not None:  # a WireMock pattern: no one value to check
                    continue
                if path_values is None:
                    path_values = self.locator.path_values(interaction, operation)
                position = key[1][1:] if key[1].startswith("#") else None
                if position is not None and position.isdigit() and int(position) in path_values:
                    value = params.decode_simple(path_values[int(position)], parameter)
            elif location == "query":
                value, used = params.decode_query(query, parameter)
                used_query |= used
            elif location == "cookie":
                value, used = params.decode_query(cookie, parameter)
                used_cookie |= used
            elif location == "header":
                declared_headers.add(parameter.name.lower())
                text = request.header(parameter.name)
                if text is not None:
                    value = params.decode_simple(text, parameter)
            if value is params.ABSENT:
                if parameter.required:
                    yield problem(
                        ids.PARAMETER_MISSING,
                        *self._at(parameter.where),
                        location=location,
                        name=parameter.name,
                    )
                continue
            yield from self._parameter_value(parameter, value)
        credentials = self._credentials(operation)
        for index, (name, _value) in enumerate(query):
            if index not in used_query and ("query", name) not in credentials:
                yield problem(
                    ids.PARAMETER_UNDECLARED, *self._at(operation.where), location="query", name=name
                )
        for name, _value in request.headers:
            lower = name.lower()
            if lower in declared_headers or lower in _TRANSPORT or lower.startswith(":"):
                continue
            if self._security_header(operation, lower):
                continue
            yield problem(ids.PARAMETER_UNDECLARED, *self._at(operation.where), location="header", name=name)

    def _parameter_value(self, parameter: Parameter, value: object) -> Iterator[Problem]:
        if parameter.schema is None:
            return
        if parameter.allow_empty and value == "":
            return
        for error in self.validators.errors(parameter.schema.where, value):
            yield problem(
                ids.PARAMETER_INCOMPATIBLE,
                *self._at(parameter.schema.where),
                location=parameter.location,
                name=parameter.name,
                value=brief(value),
                reason=error.reason,
            )

    def _security_header(self, operation: Operation, lower: str) -> bool:
        return ("header", lower) in {(where, name.lower()) for where, name in self._credentials(operation)}

    def _credentials(self, operation: Operation) -> set[tuple[str, str]]:
        """The (in, name) of each apiKey the operation's security may ask for."""
        found = set()
        for requirement in operation.security:
            for name, _scopes in requirement:
                scheme = self.api.security_schemes.get(name)
                if scheme is not None and scheme.type == "apiKey":
                    found.add((scheme.settings.get("in", "header"), scheme.settings.get("name", "")))
        return found

    def _body(self, interaction: Interaction, operation: Operation) -> Iterator[Problem]:
        request = interaction.request
        body = request.body
        declared = operation.body
        if body is ABSENT or body == "":
            if declared is not None and declared.required:
                yield problem(ids.BODY_MISSING, *self._at(declared.where))
            return
        if declared is None:
            yield problem(ids.BODY_UNDECLARED, *self._at(operation.where))
            return
        sent = request.content_type or ("application/json" if isinstance(body, (dict, list)) else None)
        if sent is None:
            return
        media = _media(declared.content, sent)
        if media is None:
            yield problem(
                ids.CONTENT_TYPE_UNKNOWN,
                *self._at(declared.where),
                media=sent,
                declared=", ".join(declared.content) or "nothing",
            )
            return
        if media.schema is None:
            return
        value = _decoded(body, sent, media.schema)
        if value is ABSENT:
            return
        rules = Rules(request.matchers.get("body"))
        for error in self.validators.errors(media.schema.where, value, WRITE):
            if rules.keep(error):
                yield problem(
                    ids.BODY_INCOMPATIBLE, *self._at(media.schema.where), at=error.at, reason=error.reason
                )

    def _security(self, interaction: Interaction, operation: Operation) -> Iterator[Problem]:
        if not operation.security or any(not requirement for requirement in operation.security):
            return
        request = interaction.request
        query = {name for name, _ in request.query}
        cookie = {name for name, _ in params.cookies(request.header("cookie"))}
        needs = []
        for requirement in operation.security:
            missing = []
            for name, _scopes in sorted(requirement, key=lambda item: item[0]):
                scheme = self.api.security_schemes.get(name)
                if scheme is None:
                    continue
                if scheme.type == "apiKey":
                    key, where = scheme.settings.get("name", ""), scheme.settings.get("in", "header")
                    present = (
                        request.header(key) is not None
                        if where == "header"
                        else key in query
                        if where == "query"
                        else key in cookie
                    )
                    if not present:
                        missing.append(f"the {where} '{key}' ({name})")
                elif scheme.type in ("http", "oauth2", "openIdConnect", "basic") and (
                    request.header("authorization") is None
                ):
                    missing.append(f"an Authorization header ({name})")
            if not missing:
                return
            needs.append(" and ".join(missing))
        if needs:
            where = operation.security_where or operation.where
            yield problem(ids.SECURITY_MISSING, *self._at(where), needed=" or ".join(needs))

    # -- the response -------------------------------------------------------------------------

    def _response(self, interaction: Interaction, operation: Operation) -> Iterator[Problem]:
        expected = interaction.response
        if expected.status is None:
            return
        documented = _status(operation.responses, expected.status)
        if documented is None:
            yield problem(
                ids.STATUS_UNKNOWN,
                *self._at(operation.where.child("responses")),
                status=expected.status,
                declared=", ".join(operation.responses) or "none",
            )
            return
        recording = interaction.evidence in (Evidence.HAR, Evidence.KEPLOY_TEST)
        for name, value in expected.headers:
            lower = name.lower()
            if lower in _TRANSPORT_RESPONSE:
                continue
            header = documented.headers.get(lower)
            if header is None:
                if not recording:  # a recording holds every header sent, not those it reads
                    yield problem(
                        ids.HEADER_UNKNOWN, *self._at(documented.where), name=name, status=expected.status
                    )
                continue
            if header.schema is not None:
                decoded = params.coerce(value, header.schema)
                for error in self.validators.errors(header.schema.where, decoded):
                    if Rules(expected.matchers.get("header")).at((name,)) and error.keyword != "type":
                        continue
                    yield problem(
                        ids.HEADER_INCOMPATIBLE,
                        *self._at(header.schema.where),
                        name=name,
                        value=brief(value),
                        reason=error.reason,
                    )
        yield from self._response_body(interaction, documented)

    def _response_body(self, interaction: Interaction, documented: DocResponse) -> Iterator[Problem]:
        expected = interaction.response
        body = expected.body
        if body is ABSENT or body == "":
            return
        if not documented.content:
            yield problem(ids.RESPONSE_BODY_UNKNOWN, *self._at(documented.where), status=expected.status)
            return
        media_type = expected.content_type
        if media_type is None:
            media = next(iter(documented.content.values())) if len(documented.content) == 1 else None
            media = media or _media(documented.content, "application/json")
        else:
            media = _media(documented.content, media_type)
            if media is None:
                yield problem(
                    ids.RESPONSE_CONTENT_TYPE_UNKNOWN,
                    *self._at(documented.where),
                    media=media_type,
                    status=expected.status,
                    declared=", ".join(documented.content),
                )
                return
        if media is None or media.schema is None:
            return
        value = _decoded(body, media.name, media.schema)
        if value is ABSENT:
            return
        rules = Rules(expected.matchers.get("body"))
        where = self._at(media.schema.where)
        for error in self.validators.errors(media.schema.where, value, READ):
            if error.keyword in _NOT_IN_EXPECTATIONS or not rules.keep(error):
                continue
            yield problem(ids.RESPONSE_BODY_INCOMPATIBLE, *where, at=error.at, reason=error.reason)
        for path, parent in undeclared(value, media.schema):
            file, pointer = self._at(parent.where)
            yield problem(
                ids.RESPONSE_FIELD_UNDECLARED, file, pointer.rstrip("/") + "/properties", at=_spell(path)
            )


def _status(responses: dict[str, DocResponse], status: int) -> DocResponse | None:
    for key in (str(status), f"{status // 100}XX", f"{status // 100}xx", "default"):
        if key in responses:
            return responses[key]
    return None


def _media(content: dict[str, MediaType], sent: str) -> MediaType | None:
    """The media type of `content` that `sent` falls under (exact, then `type/*`, then `*/*`)."""
    sent = sent.split(";", 1)[0].strip().lower()
    lowered = {key.split(";", 1)[0].strip().lower(): media for key, media in content.items()}
    kind = sent.split("/", 1)[0]
    for key in (sent, f"{kind}/*", "*/*"):
        if key in lowered:
            return lowered[key]
    return None


def _json(media: str) -> bool:
    return media == "application/json" or media.endswith("+json") or "/json" in media


def _decoded(body: object, media: str, schema: Schema) -> object:
    """The body as its schema reads it: JSON parsed, a form's fields coerced; ABSENT when the
    media type is not one oasguard checks (multipart, binary, XML)."""
    media = media.split(";", 1)[0].strip().lower()
    if _json(media):
        if isinstance(body, (str, bytes)):
            try:
                return json.loads(body)
            except ValueError:
                return body
        return body
    if media == "application/x-www-form-urlencoded":
        if isinstance(body, str):
            return {key: params.coerce(value, schema.properties.get(key)) for key, value in parse_qsl(body)}
        return body
    if media.startswith("text/"):
        return body if isinstance(body, str) else ABSENT
    return ABSENT


def undeclared(value: object, schema: Schema | None, path: tuple = ()) -> Iterator[tuple[tuple, Schema]]:
    """The places of `value` (an expected body) holding a field its schema does not declare,
    each with the object schema that does not declare it.
    A free-form object (no properties declared anywhere) and a map (`additionalProperties` a
    schema) declare every key."""
    if schema is None:
        return
    branches = [schema, *schema.one_of, *schema.any_of]
    if isinstance(value, dict):
        declares = [b for b in branches if b.properties or _patterns(b)]
        maps = [b.additional for b in branches if isinstance(b.additional, Schema)]
        if not declares and not maps:
            return
        for key, item in value.items():
            found = next((b.properties[key] for b in declares if key in b.properties), None)
            if found is None:
                found = next((p for b in declares for p in _pattern_match(b, key)), None)
            if found is None and maps:
                found = maps[0]
            if found is None:
                yield (*path, key), declares[0] if declares else schema
                continue
            yield from undeclared(item, found, (*path, key))
    elif isinstance(value, list):
        items = next((b.items for b in branches if b.items is not None), None)
        for index, item in enumerate(value):
            yield from undeclared(item, items, (*path, index))


def _patterns(schema: Schema) -> dict[str, Schema]:
    return schema.keywords.pattern_properties if schema.keywords is not None else {}


def _pattern_match(schema: Schema, key: str) -> list[Schema]:
    import re

    found = []
    for pattern, sub in _patterns(schema).items():
        try:
            if re.search(pattern, key):
                found.append(sub)
        except re.error:
            found.append(sub)
    return found


def _spell(path: tuple) -> str:
    text = "$"
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text
