"""Matching an interaction to the operation it calls (SPEC 5.1): method + path template, path
parameters checked against their schemas, server base paths stripped, the most specific
template winning."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from oasguard.consumers.model import Interaction
from oasguard.consumers.values import accepts, from_text
from oasguard.load.document import Document
from oasguard.model.nodes import Api, Operation, Parameter, path_key
from oasguard.model.normalise import METHODS

_PLACEHOLDER = re.compile(r"\{([^{}/]*)\}")


@dataclass
class _Template:
    method: str
    path: str
    #: the literal text before the first parameter: a cheap test before the expression
    prefix: str
    #: how specific: literal characters first, then fewer parameters
    rank: tuple[int, int]
    #: the operation, or how to build it (a path item the comparison skipped as unchanged)
    built: Operation | None = None
    build: Callable[[], Operation | None] | None = None
    compiled: re.Pattern[str] | None = None
    #: the template's segments: a literal, None for a whole-segment parameter, or an
    #: expression for a segment that mixes text and parameters (`{name}.json`)
    segments: tuple[str | re.Pattern[str] | None, ...] | None = None

    def fit(self, parts: list[str]) -> tuple[str, ...] | None:
        """The parameter values when the path's `parts` (split at `/`) fit the template."""
        if self.segments is None:
            self.segments = tuple(_segment(part) for part in self.path.split("/"))
        if len(parts) != len(self.segments):
            return None
        values: list[str] = []
        for part, segment in zip(parts, self.segments, strict=True):
            if segment is None:
                if not part:
                    return None
                values.append(part)
            elif isinstance(segment, str):
                if part != segment:
                    return None
            else:
                found = segment.fullmatch(part)
                if found is None:
                    return None
                values.extend(found.groups())
        return tuple(values)

    @property
    def regex(self) -> re.Pattern[str]:
        """The template as an expression, compiled on first use (most never are)."""
        if self.compiled is None:
            pieces, last = [], 0
            for found in _PLACEHOLDER.finditer(self.path):
                pieces.append(re.escape(self.path[last : found.start()]))
                pieces.append("([^/]+)")
                last = found.end()
            pieces.append(re.escape(self.path[last:]))
            self.compiled = re.compile("".join(pieces))
        return self.compiled

    @property
    def sample(self) -> tuple[str, ...]:
        """Sample paths of the template (each parameter as `1`, as `a1`), for path patterns."""
        return tuple(_PLACEHOLDER.sub(value, self.path) for value in ("1", "a1"))

    @property
    def operation(self) -> Operation | None:
        if self.built is None and self.build is not None:
            self.built, self.build = self.build(), None
        return self.built

    @property
    def parameters(self) -> tuple[Parameter | None, ...]:
        """The path parameter of each group, in order (None when the template names none)."""
        operation = self.operation
        if operation is None:
            return ()
        count = len(_PLACEHOLDER.findall(self.path))
        return tuple(operation.parameters.get(("path", f"#{index}")) for index in range(count))


class OperationIndex:
    """The operations of one document, ready to match interactions (built once per run)."""

    def __init__(self, api: Api, document: Document | None = None) -> None:
        """`document`: the loaded document `api` was normalised from, when the comparison left
        out the path items equal in both sides (engine's Api): they are matched too, and built
        only when an interaction may call them."""
        self.api = api
        bases = {urlsplit(url).path.rstrip("/") for url in api.servers if isinstance(url, str)}
        # the longest base first: `/v1/pets` under servers `/v1`; "" always last
        self.bases = (*tuple(sorted((b for b in bases if b and "{" not in b), key=len, reverse=True)), "")
        #: by (method, segments, last segment when literal else None)
        self.templates: dict[tuple[str, int, str | None], list[_Template]] = {}
        self.all: list[_Template] = []
        # the Api's keys hold the path's shape (a twin's its literal template)
        known = {(path_key(p) if (p, m) in api.twins else p, m.lower()) for p, m in api.operations}
        self.by_operation: dict[int, _Template] = {}
        for operation in api.operations.values():
            template = _template(operation.method, operation.path, built=operation)
            self.by_operation[id(operation)] = template
            self._add(template)
        if document is not None:
            self._skipped(document, known)
        for templates in self.templates.values():
            templates.sort(key=lambda t: t.rank, reverse=True)

    def _add(self, template: _Template) -> None:
        last = template.path.rsplit("/", 1)[-1]
        key = (template.method, template.path.count("/"), None if "{" in last else last)
        self.templates.setdefault(key, []).append(template)
        self.all.append(template)

    def _skipped(self, document: Document, known: set[tuple[str, str]]) -> None:
        """Templates for the path items missing from the Api, each built on first use."""
        paths = document.root.get("paths") if isinstance(document.root, dict) else None
        if not isinstance(paths, dict):
            return
        items: dict[str, list[Operation]] = {}
        readers: list = []

        def build(path: str, method: str) -> Operation | None:
            if path not in items:
                if not readers:
                    from oasguard.model.normalise import PathItems  # a path item, as normalise reads it

                    readers.append(PathItems(document))
                items[path] = readers[0].operations(path, paths[path])
            return next((o for o in items[path] if o.method.lower() == method), None)

        for path, item in paths.items():
            if not isinstance(path, str) or path.startswith("x-") or not isinstance(item, dict):
                continue
            shape = path_key(path) if "{" in path else path
            for method in METHODS:
                if method in item and (shape, method) not in known:
                    self._add(_template(method, path, build=lambda p=path, m=method: build(p, m)))

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
        template = self.by_operation.get(id(operation))
        if template is None or template.operation is not operation:
            template = _template(operation.method, operation.path, built=operation)
        path = request.path.split("?", 1)[0].split("#", 1)[0] or "/"
        for base in self.bases:
            if base and not (path == base or path.startswith(base + "/")):
                continue
            found = template.fit((path[len(base) :] or "/").split("/"))
            if found is not None:
                return found
        return None

    def _match_path(self, method: str, path: str) -> Operation | None:
        methods = [method] if method not in ("any", "*") else ["get", "post", "put", "patch", "delete"]
        for each in methods:
            parts = path.split("/")
            literal = self.templates.get((each, len(parts) - 1, parts[-1]), [])
            other = self.templates.get((each, len(parts) - 1, None), [])
            candidates = sorted([*literal, *other], key=lambda t: t.rank, reverse=True) if literal else other
            for template in candidates:
                if not path.startswith(template.prefix):
                    continue
                found = template.fit(parts)
                if found is not None and _parameters_fit(template, found):
                    operation = template.operation
                    if operation is not None:
                        return operation
        return None

    def _match_pattern(self, method: str, pattern: str) -> Operation | None:
        try:
            regex = re.compile(pattern)
        except re.error:
            return None
        candidates = sorted(self.all, key=lambda t: t.rank, reverse=True)
        for template in candidates:
            if method not in ("any", "*") and template.method != method:
                continue
            for base in self.bases:
                fits = any(regex.fullmatch(base + sample) for sample in template.sample)
                if fits and template.operation is not None:
                    return template.operation
        return None


def _template(
    method: str,
    path: str,
    built: Operation | None = None,
    build: Callable[[], Operation | None] | None = None,
) -> _Template:
    names = _PLACEHOLDER.findall(path)
    literal = len(_PLACEHOLDER.sub("", path))
    prefix = path.split("{", 1)[0]
    return _Template(method.lower(), path, prefix, (literal, -len(names)), built, build)


def _segment(part: str) -> str | re.Pattern[str] | None:
    if "{" not in part:
        return part
    if _PLACEHOLDER.fullmatch(part):
        return None
    pieces, last = [], 0
    for found in _PLACEHOLDER.finditer(part):
        pieces.append(re.escape(part[last : found.start()]))
        pieces.append("(.+?)")
        last = found.end()
    pieces.append(re.escape(part[last:]))
    return re.compile("".join(pieces))


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
