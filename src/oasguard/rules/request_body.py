"""Rules about the request body as a whole and its media types."""

from __future__ import annotations

from oasguard.rules.base import Area, B, Rule, S

REQUIRED_BODY_ADDED = "required-request-body-added"
OPTIONAL_BODY_ADDED = "optional-request-body-added"
BODY_REMOVED = "request-body-removed"
BODY_BECAME_REQUIRED = "request-body-became-required"
BODY_BECAME_OPTIONAL = "request-body-became-optional"
MEDIA_TYPE_REMOVED = "request-media-type-removed"
MEDIA_TYPE_ADDED = "request-media-type-added"
BODY_DEPRECATED = "request-body-deprecated"
BODY_UNDEPRECATED = "request-body-undeprecated"

RULES = (
    Rule(
        REQUIRED_BODY_ADDED,
        B,
        Area.REQUEST_BODY,
        "a required request body was added",
        """
A required request body was added to an operation that had none.

Existing clients send no body, so their requests are now rejected.
""",
    ),
    Rule(
        OPTIONAL_BODY_ADDED,
        S,
        Area.REQUEST_BODY,
        "an optional request body was added",
        """
An optional request body was added to an operation that had none.

Existing clients send none, which is still accepted.
""",
    ),
    Rule(
        BODY_REMOVED,
        B,
        Area.REQUEST_BODY,
        "the request body was removed",
        """
The request body was removed.

Clients still send one; it is now ignored or rejected.
""",
    ),
    Rule(
        BODY_BECAME_REQUIRED,
        B,
        Area.REQUEST_BODY,
        "the request body became required",
        """
An optional request body became required.

Clients that send no body are now rejected.
""",
    ),
    Rule(
        BODY_BECAME_OPTIONAL,
        S,
        Area.REQUEST_BODY,
        "the request body became optional",
        """
A required request body became optional.

Every request that sent one is still accepted.
""",
    ),
    Rule(
        MEDIA_TYPE_REMOVED,
        B,
        Area.REQUEST_BODY,
        "request media type '{media_type}' was removed",
        """
A request media type was removed.

Clients that send that content type are now rejected (415).
Before: `application/json` and `application/xml`. After: `application/json` only.
""",
    ),
    Rule(
        MEDIA_TYPE_ADDED,
        S,
        Area.REQUEST_BODY,
        "request media type '{media_type}' was added",
        """
A request media type was added.

Existing clients keep sending the ones they know.
""",
    ),
    Rule(
        BODY_DEPRECATED,
        S,
        Area.REQUEST_BODY,
        "the request body was deprecated",
        """
The request body was marked `deprecated: true`.

Nothing changes on the wire yet; it is reported so reviewers and changelogs see it.
""",
    ),
    Rule(
        BODY_UNDEPRECATED,
        S,
        Area.REQUEST_BODY,
        "the request body is no longer deprecated",
        """
The request body is no longer `deprecated`: clients may keep sending it.
""",
    ),
)
