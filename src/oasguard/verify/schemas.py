"""Validators for the schemas of one document, each built once per run, with the dialect of the
document's OpenAPI version and a `referencing` registry over its files (so cycles stay edges)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

import jsonschema.validators
import referencing
import referencing.jsonschema
from jsonschema.exceptions import ValidationError
from openapi_schema_validator import (
    OAS30ReadValidator,
    OAS30Validator,
    OAS30WriteValidator,
    OAS31Validator,
    oas30_format_checker,
    oas31_format_checker,
)

from oasguard.errors import OasguardError
from oasguard.load.document import Document
from oasguard.model.nodes import Where

#: what a value is checked for: sent by the consumer (readOnly refused), read by it (writeOnly
#: refused), or neither (parameters and headers)
READ, WRITE, PLAIN = "read", "write", "plain"


@dataclass(frozen=True)
class Error:
    """One reason a value is rejected: where in the value (`$.a[0]`) and why, in words."""

    at: str
    reason: str
    #: the JSON Schema keyword that failed (`type`, `enum`, `pattern`, ...)
    keyword: str
    path: tuple[str | int, ...]
    #: the keyword's value in the schema (the `enum` list, the `pattern`, ...)
    expected: object = None


class Validators:
    """Every schema validator of one document, built on first use and kept for the run."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.version = document.version
        spec = referencing.jsonschema.DRAFT202012 if self.version == "3.1" else referencing.jsonschema.DRAFT4
        self._specification = spec
        entry = document.spec.path
        self._registry = referencing.Registry(retrieve=self._retrieve).with_resource(
            self.uri(entry), referencing.Resource(document.root, spec)
        )
        self._cache: dict[tuple[PurePosixPath, str, str], object] = {}
        if self.version == "3.1":
            classes = {READ: OAS31Validator, WRITE: OAS31Validator, PLAIN: OAS31Validator}
            self._formats = oas31_format_checker
        elif self.version == "3.0":
            classes = dict(_V30)
            self._formats = oas30_format_checker
        else:  # Swagger 2.0's schema objects: the same draft 4 subset, `x-nullable` for null
            classes = {mode: _swagger2(cls) for mode, cls in _V30.items()}
            self._formats = oas30_format_checker
        classes[READ] = _expectation(classes[READ])
        self._classes = classes

    @staticmethod
    def uri(path: PurePosixPath) -> str:
        return "file:///" + path.as_posix().lstrip("/")

    def _retrieve(self, uri: str) -> referencing.Resource:
        parts = urlsplit(uri)
        if parts.scheme != "file":
            raise referencing.exceptions.NoSuchResource(ref=uri)
        try:
            contents = self.document.resolver.file_content(PurePosixPath(unquote(parts.path).lstrip("/")))
        except OasguardError:
            raise referencing.exceptions.NoSuchResource(ref=uri) from None
        return referencing.Resource(contents, self._specification)

    def validator(self, where: Where, mode: str = PLAIN):
        key = (where.file, where.pointer, mode)
        found = self._cache.get(key)
        if found is None:
            pointer = "/".join(_quote(token) for token in where.pointer.split("/"))
            schema = {"$ref": f"{self.uri(where.file)}#{pointer}"}
            found = self._classes[mode](schema, registry=self._registry, format_checker=self._formats)
            self._cache[key] = found
        return found

    def errors(self, where: Where, value: object, mode: str = PLAIN) -> list[Error]:
        """Why `value` is rejected by the schema at `where` (empty: it is valid)."""
        try:
            found = list(_leaves(self.validator(where, mode).iter_errors(value)))
        except referencing.exceptions.Unresolvable as error:
            return [Error("$", f"the schema has a $ref that cannot be resolved ({error})", "$ref", ())]
        return [
            Error(
                _at(error.absolute_path),
                _reason(error),
                str(error.validator),
                tuple(error.absolute_path),
                error.validator_value,
            )
            for error in found
        ]


_V30 = {READ: OAS30ReadValidator, WRITE: OAS30WriteValidator, PLAIN: OAS30Validator}


def _swagger2(base):
    """A 3.0 validator class that reads Swagger 2.0's common `x-nullable: true` as `nullable`."""
    type_check = base.VALIDATORS["type"]

    def type_(validator, types, instance, schema):
        if instance is None and schema.get("x-nullable") is True:
            return
        yield from type_check(validator, types, instance, schema)

    return jsonschema.validators.extend(base, {"type": type_})


def _expectation(base):
    """The dialect of a consumer's expected response: it names what the consumer reads, not all
    the provider sends, so `required` cannot fail it; undeclared fields are their own problem
    (not `additionalProperties`); and a body that one or more branches of a `oneOf` accept holds
    (a minimal body may fit several, and a discriminator it does not name cannot pick one)."""
    any_of = jsonschema.validators.Draft4Validator.VALIDATORS["anyOf"]

    def nothing(validator, value, instance, schema):
        return iter(())

    return jsonschema.validators.extend(
        base,
        {
            "required": nothing,
            "additionalProperties": nothing,
            "unevaluatedProperties": nothing,
            "oneOf": any_of,
            "anyOf": any_of,
        },
    )


def _quote(token: str) -> str:
    return token.replace("%", "%25").replace("#", "%23").replace(" ", "%20")


def _leaves(errors) -> Iterator[ValidationError]:
    """The most specific errors: for a `oneOf`/`anyOf` whose every branch fails, the branches'
    own errors at the deepest place, else the combinator's."""
    for error in errors:
        if error.context:
            deepest = max(len(sub.absolute_path) for sub in error.context)
            if deepest > len(error.absolute_path):
                yield from _leaves(sub for sub in error.context if len(sub.absolute_path) == deepest)
                continue
        yield error


def _at(path) -> str:
    text = "$"
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def _json(value: object) -> str:
    """A value as JSON writes it (the document's language, never Python's repr)."""
    try:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    except (TypeError, ValueError):
        return str(value)


#: what a failed keyword means, with the value (`{value}`) and the keyword's own (`{limit}`)
#: written as JSON; other keywords keep the validator's words
_REASONS = {
    "enum": "{value} is not one of {limit}",
    "const": "{value} is not {limit}",
    "type": "{value} is not of type {limit}",
    "pattern": "{value} does not match the pattern {limit}",
    "format": "{value} is not a {limit}",
    "minimum": "{value} is less than the minimum {limit}",
    "maximum": "{value} is more than the maximum {limit}",
    "minLength": "{value} is shorter than {limit} characters",
    "maxLength": "{value} is longer than {limit} characters",
    "minItems": "the array has fewer than {limit} items",
    "maxItems": "the array has more than {limit} items",
}


def _reason(error: ValidationError) -> str:
    template = _REASONS.get(str(error.validator))
    if template is not None:
        limit = error.validator_value
        if error.validator == "type" and isinstance(limit, list):
            limit = " or ".join(str(each) for each in limit)
        elif error.validator in ("format", "type"):
            limit = str(limit)
        else:
            limit = _json(limit)
        message = template.format(value=_json(error.instance), limit=limit)
    else:
        message = error.message
    if len(message) > 200:
        message = message[:197] + "..."
    return message
