"""Which operation an interaction's request belongs to (the consumers' matching, SPEC 5.1), and
what verify needs besides: the methods a path has when the interaction's has none."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import unquote

from oasguard.consumers.match import OperationIndex
from oasguard.consumers.model import Interaction
from oasguard.model.nodes import Api, Operation

_METHODS = ("GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE")


class Locator:
    def __init__(self, api: Api) -> None:
        self.api = api
        self.index = OperationIndex(api)

    def match(self, interaction: Interaction) -> Operation | None:
        return self.index.match(interaction)

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
