"""The problems `verify` finds: stable ids, whether each is drift or a warning, and their messages."""

from __future__ import annotations

import enum
from dataclasses import dataclass

# -- the operation ----------------------------------------------------------------------------
PATH_UNKNOWN = "request.path.unknown"
METHOD_UNKNOWN = "request.method.unknown"
# -- the request --------------------------------------------------------------------------------
PARAMETER_MISSING = "request.parameter.missing"
PARAMETER_INCOMPATIBLE = "request.parameter.incompatible"
PARAMETER_UNDECLARED = "request.parameter.undeclared"
BODY_MISSING = "request.body.missing"
BODY_INCOMPATIBLE = "request.body.incompatible"
BODY_UNDECLARED = "request.body.undeclared"
CONTENT_TYPE_UNKNOWN = "request.content-type.unknown"
SECURITY_MISSING = "request.security.missing"
# -- the response -------------------------------------------------------------------------------
STATUS_UNKNOWN = "response.status.unknown"
HEADER_UNKNOWN = "response.header.unknown"
HEADER_INCOMPATIBLE = "response.header.incompatible"
RESPONSE_BODY_UNKNOWN = "response.body.unknown"
RESPONSE_CONTENT_TYPE_UNKNOWN = "response.content-type.unknown"
RESPONSE_BODY_INCOMPATIBLE = "response.body.incompatible"
RESPONSE_FIELD_UNDECLARED = "response.body.undeclared-field"


class Severity(enum.Enum):
    """Drift makes the interaction fail against the document; a warning cannot (SPEC 5.4)."""

    DRIFT = "drift"
    WARNING = "warning"


#: every id, its severity and the message template (its arguments are the problem's `args`)
REGISTRY: dict[str, tuple[Severity, str]] = {
    PATH_UNKNOWN: (Severity.DRIFT, "no operation of the document has the path {path}"),
    METHOD_UNKNOWN: (
        Severity.DRIFT,
        "the path {path} has no {method} operation (the document declares {declared})",
    ),
    PARAMETER_MISSING: (
        Severity.DRIFT,
        "the {location} parameter '{name}' is required by the document and the request does not send it",
    ),
    PARAMETER_INCOMPATIBLE: (
        Severity.DRIFT,
        "the {location} parameter '{name}' sends {value}, which the document rejects: {reason}",
    ),
    PARAMETER_UNDECLARED: (
        Severity.WARNING,
        "the request sends the {location} parameter '{name}', which the document does not declare "
        "(the server may ignore it)",
    ),
    BODY_MISSING: (Severity.DRIFT, "the document requires a request body and the request sends none"),
    BODY_INCOMPATIBLE: (Severity.DRIFT, "the request body is rejected by the document at {at}: {reason}"),
    BODY_UNDECLARED: (
        Severity.WARNING,
        "the request sends a body and the operation declares none (the server may ignore it)",
    ),
    CONTENT_TYPE_UNKNOWN: (
        Severity.DRIFT,
        "the request body is sent as {media}, which the operation does not accept (it accepts {declared})",
    ),
    SECURITY_MISSING: (
        Severity.DRIFT,
        "the operation requires {needed} and the request does not carry it",
    ),
    STATUS_UNKNOWN: (
        Severity.DRIFT,
        "the consumer expects status {status}, which the operation does not document (it documents "
        "{declared})",
    ),
    HEADER_UNKNOWN: (
        Severity.DRIFT,
        "the consumer expects the response header '{name}', which the document does not declare for "
        "status {status}",
    ),
    HEADER_INCOMPATIBLE: (
        Severity.DRIFT,
        "the consumer expects the response header '{name}' to be {value}, which the document rejects: "
        "{reason}",
    ),
    RESPONSE_BODY_UNKNOWN: (
        Severity.DRIFT,
        "the consumer expects a response body and the document declares none for status {status}",
    ),
    RESPONSE_CONTENT_TYPE_UNKNOWN: (
        Severity.DRIFT,
        "the consumer expects a {media} response, which the document does not declare for status "
        "{status} (it declares {declared})",
    ),
    RESPONSE_BODY_INCOMPATIBLE: (
        Severity.DRIFT,
        "the response body the consumer expects is rejected by the document at {at}: {reason}",
    ),
    RESPONSE_FIELD_UNDECLARED: (
        Severity.DRIFT,
        "the consumer expects the field {at}, which the document does not declare: the provider never "
        "promised it",
    ),
}


@dataclass(frozen=True)
class Problem:
    """One thing about an interaction that does not hold against the document."""

    id: str
    #: where in the document (file and JSON pointer) the promise is, or was looked for
    file: str
    pointer: str
    args: tuple[tuple[str, str], ...] = ()

    @property
    def severity(self) -> Severity:
        return REGISTRY[self.id][0]

    @property
    def drift(self) -> bool:
        return self.severity is Severity.DRIFT

    @property
    def message(self) -> str:
        return REGISTRY[self.id][1].format(**dict(self.args))


def problem(problem_id: str, file: str, pointer: str, **args: object) -> Problem:
    if problem_id not in REGISTRY:  # pragma: no cover - a typo in a check
        raise KeyError(problem_id)
    return Problem(problem_id, file, pointer, tuple((key, str(value)) for key, value in args.items()))
