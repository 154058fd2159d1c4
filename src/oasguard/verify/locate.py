"""Which operation an interaction's request belongs to (SPEC 5.1), and the path parameters'
values in its path. Uses the consumers' OperationIndex when it is there."""

from __future__ import annotations

import re
from urllib.parse import unquote

from oasguard.consumers.model import Interaction
from oasguard.model.nodes import Api, Operation

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def template_regex(template: str) -> re.Pattern[str]:
    """`/repos/{owner}/{base}...{head}` as a regex with one group per placeholder, matched at the
    end of the path (a server base path may come before it)."""
    parts, last = [], 0
    for found in _PLACEHOLDER.finditer(template):
        parts.append(re.escape(template[last : found.start()]))
        parts.append("([^/]+?)")
        last = found.end()
    parts.append(re.escape(template[last:]))
    return re.compile("".join(parts))


def specificity(template: str) -> tuple[int, int]:
    """Literal templates beat templated ones: more literal characters first, fewer placeholders."""
    placeholders = len(_PLACEHOLDER.findall(template))
    literal = len(_PLACEHOLDER.sub("", template))
    return (literal, -placeholders)


class Locator:
    """Operations by method, each with its template's regex, most specific first."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.bases = sorted({_base(server) for server in api.servers} | {""}, key=len, reverse=True)
        #: by method and number of segments (a placeholder never spans a `/`)
        self._by_shape: dict[tuple[str, int], list[tuple[re.Pattern[str], Operation]]] = {}
        self._regex: dict[int, re.Pattern[str]] = {}
        for operation in sorted(api.operations.values(), key=lambda op: specificity(op.path), reverse=True):
            regex = self._regex[id(operation)] = template_regex(operation.path)
            shape = (operation.method.lower(), _segments(operation.path))
            self._by_shape.setdefault(shape, []).append((regex, operation))
        try:  # the consumers' matching, when that package has it
            from oasguard.consumers.match import OperationIndex  # type: ignore[import-not-found]

            self._index = OperationIndex(api)
        except ImportError:
            self._index = None

    def _candidates(self, path: str) -> list[str]:
        path = unquote(path) if "%" in path and "%2F" not in path.upper() else path
        return [path[len(base) :] or "/" for base in self.bases if base and path.startswith(base)] + [path]

    def match(self, interaction: Interaction) -> Operation | None:
        if self._index is not None:
            return self._index.match(interaction)
        method = interaction.request.method.lower()
        for path in self._candidates(interaction.request.path):
            for regex, operation in self._by_shape.get((method, _segments(path)), ()):
                if _full(regex, path):
                    return operation
        return None

    def other_methods(self, interaction: Interaction) -> list[str]:
        """The methods the document declares for the request's path (none: the path is unknown)."""
        found = set()
        for path in self._candidates(interaction.request.path):
            for (_, segments), entries in self._by_shape.items():
                if segments == _segments(path):
                    found.update(op.method.upper() for regex, op in entries if _full(regex, path))
        return sorted(found)

    def path_values(self, operation: Operation, path: str) -> dict[int, str]:
        """The value of each placeholder of the operation's template, by position."""
        regex = self._regex.get(id(operation)) or template_regex(operation.path)
        for candidate in self._candidates(path):
            found = _full(regex, candidate)
            if found:
                return {i: unquote(value) for i, value in enumerate(found.groups())}
        return {}


def _segments(path: str) -> int:
    return path.rstrip("/").count("/")


def _full(regex: re.Pattern[str], path: str) -> re.Match[str] | None:
    found = regex.fullmatch(path)
    if found is None:
        found = regex.fullmatch(path.rstrip("/")) if path.endswith("/") and len(path) > 1 else None
    return found


def _base(server: str) -> str:
    """The path of a server URL (`https://api.example.com/v1` → `/v1`)."""
    if "://" in server:
        server = server.split("://", 1)[1]
        server = server[server.find("/") :] if "/" in server else ""
    return server.rstrip("/")
