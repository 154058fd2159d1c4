"""Matching an interaction to the operation it calls (SPEC 5.1): method + path template, path
parameters checked against their schemas, server base paths stripped, the most specific
template winning."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from oasguard.consumers.model import Interaction
from oasguard.consumers.values import accepts, from_text
from oasguard.model.nodes import Api, Operation, Parameter

_PLACEHOLDER = re.compile(r"\{([^{}/]*)\}")


@dataclass(frozen=True)
class _Template:
    operation: Operation
    regex: re.Pattern[str]
    #: path parameter of each group, in order (None when the template names none)
    parameters: tuple[Parameter | None, ...]
    #: how specific: literal characters first, then fewer parameters
    rank: tuple[int, int]
    #: a sample path of the template (each parameter as "1"), for WireMock's path patterns
    sample: tuple[str, ...]


class OperationIndex:
    """The operations of one document, ready to match interactions (built once per run)."""

    def __init__(self, api: Api) -> None:
        self.api = api
        bases = {urlsplit(url).path.rstrip("/") for url in api.servers if isinstance(url, str)}
        # the longest base first: `/v1/pets` under servers `/v1`; "" always last
        self.bases = (*tuple(sorted((b for b in bases if b and "{" not in b), key=len, reverse=True)), "")
        self.templates: dict[tuple[str, int], list[_Template]] = {}
        self.all: list[_Template] = []
        for operation in api.operations.values():
            template = _template(operation)
            segments = operation.path.count("/")
            self.templates.setdefault((operation.method.lower(), segments), []).append(template)
            self.all.append(template)
        for templates in self.templates.values():
            templates.sort(key=lambda t: t.rank, reverse=True)

    def match(self, interaction: Interaction) -> Operation | None:
        """The operation `interaction` calls, or None (unmatched)."""
        request = interaction.request
        method = request.method.lower()
        if request.path_pattern is not None:
            return self._match_pattern(method, request.path_pattern)
        path = request.path.split("?", 1)[0].split("#", 1)[0] or "/"
        for base in self.bases:
            if base and not (path == base or path.startswith(base + "/")):
                continue
            rest = path[len(base) :] or "/"
            found = self._match_path(method, rest)
            if found is not None:
                return found
        return None

    def path_values(self, interaction: Interaction, operation: Operation) -> tuple[str, ...] | None:
        """The raw path segment of each path parameter of `operation` that `interaction` sends,
        in template order (None when the path is a pattern or does not fit the template)."""
        request = interaction.request
        if request.path_pattern is not None:
            return None
        template = _template(operation)
        path = request.path.split("?", 1)[0].split("#", 1)[0] or "/"
        for base in self.bases:
            if base and not (path == base or path.startswith(base + "/")):
                continue
            found = template.regex.fullmatch(path[len(base) :] or "/")
            if found is not None:
                return found.groups()
        return None

    def _match_path(self, method: str, path: str) -> Operation | None:
        methods = [method] if method not in ("any", "*") else ["get", "post", "put", "patch", "delete"]
        for each in methods:
            for template in self.templates.get((each, path.count("/")), ()):
                found = template.regex.fullmatch(path)
                if found is not None and _parameters_fit(template, found.groups()):
                    return template.operation
        return None

    def _match_pattern(self, method: str, pattern: str) -> Operation | None:
        try:
            regex = re.compile(pattern)
        except re.error:
            return None
        candidates = sorted(self.all, key=lambda t: t.rank, reverse=True)
        for template in candidates:
            if method not in ("any", "*") and template.operation.method.lower() != method:
                continue
            for base in self.bases:
                if any(regex.fullmatch(base + sample) for sample in template.sample):
                    return template.operation
        return None


def _template(operation: Operation) -> _Template:
    path = operation.path
    names = _PLACEHOLDER.findall(path)
    pieces, last = [], 0
    for found in _PLACEHOLDER.finditer(path):
        pieces.append(re.escape(path[last : found.start()]))
        pieces.append("([^/]+)")
        last = found.end()
    pieces.append(re.escape(path[last:]))
    parameters = tuple(operation.parameters.get(("path", f"#{index}")) for index in range(len(names)))
    literal = len(_PLACEHOLDER.sub("", path))
    samples = tuple(_PLACEHOLDER.sub(value, path) for value in ("1", "a1"))
    return _Template(operation, re.compile("".join(pieces)), parameters, (literal, -len(names)), samples)


def _parameters_fit(template: _Template, values: tuple[str, ...]) -> bool:
    """Whether every path segment matched is a value its parameter's schema accepts (a value
    that cannot be judged counts as fitting)."""
    for parameter, text in zip(template.parameters, values, strict=False):
        if parameter is None or parameter.schema is None:
            continue
        value = unquote(text)
        if accepts(parameter.schema, from_text(parameter.schema, value)) is False:
            return False
    return True
