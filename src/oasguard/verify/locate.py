"""Which operation an interaction's request belongs to (the consumers' matching, SPEC 5.1), and
what verify needs besides: the methods a path has when the interaction's has none."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import unquote

from oasguard.consumers.match import OperationIndex
from oasguard.consumers.model import Interaction
from oasguard.model.nodes import Api, Operation
from oasguard.verify.params import decode_simple
from oasguard.verify.schemas import Validators

_METHODS = ("GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE")


class Locator:
    def __init__(self, api: Api, validators: Validators) -> None:
        self.api = api
        self.index = OperationIndex(api)
        self.validators = validators

    def match(self, interaction: Interaction) -> Operation | None:
        found = self.index.match(interaction)
        if found is None and interaction.request.path_pattern is None:
            found = self._serialised(interaction)
        return found

    def _serialised(self, interaction: Interaction) -> Operation | None:
        """A template whose path parameters fit once their `style` is decoded (`/ids/1,2` for
        an array, `.1,2` label, `;id=5` matrix), which a plain reading of the segment misses."""
        request = interaction.request
        method = request.method.lower()
        path = request.path.split("?", 1)[0].split("#", 1)[0] or "/"
        for base in self.index.bases:
            if base and not (path == base or path.startswith(base + "/")):
                continue
            rest = path[len(base) :] or "/"
            depth, last = rest.count("/"), rest.rsplit("/", 1)[-1]
            candidates = (
                *self.index.templates.get((method, depth, last), ()),
                *self.index.templates.get((method, depth, None), ()),
            )
            for template in candidates:
                found = template.regex.fullmatch(rest)
                if found is not None and self._fits(template.parameters, found.groups()):
                    return template.operation
        return None

    def _fits(self, parameters, values) -> bool:
        for parameter, text in zip(parameters, values, strict=False):
            if parameter is None or parameter.schema is None:
                continue
            value = decode_simple(unquote(text), parameter)
            if self.validators.errors(parameter.schema.where, value):
                return False
        return True

    def other_methods(self, interaction: Interaction) -> list[str]:
        """The methods the document declares for the request's path (none: the path is unknown)."""
        found = []
        for method in _METHODS:
            if method == interaction.request.method.upper():
                continue
            other = replace(interaction, request=replace(interaction.request, method=method))
            if self.index.match(other) is not None:
                found.append(method)
        return found

    def path_values(self, interaction: Interaction, operation: Operation) -> dict[int, str]:
        """The value of each placeholder of the operation's template, by position."""
        values = self.index.path_values(interaction, operation)
        return {i: unquote(value) for i, value in enumerate(values or ())}
