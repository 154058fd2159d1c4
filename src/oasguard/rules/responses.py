"""Rules about response status codes, media types and headers."""

from __future__ import annotations

from oasguard.rules.base import Area, B, Rule, S, W

SUCCESS_STATUS_REMOVED = "response-success-status-removed"
STATUS_REMOVED = "response-status-removed"
STATUS_ADDED = "response-status-added"
MEDIA_TYPE_REMOVED = "response-media-type-removed"
MEDIA_TYPE_ADDED = "response-media-type-added"
REQUIRED_HEADER_REMOVED = "response-required-header-removed"
OPTIONAL_HEADER_REMOVED = "response-optional-header-removed"
HEADER_ADDED = "response-header-added"
HEADER_BECAME_OPTIONAL = "response-header-became-optional"
HEADER_BECAME_REQUIRED = "response-header-became-required"
HEADER_DEPRECATED = "response-header-deprecated"
HEADER_UNDEPRECATED = "response-header-undeprecated"
HEADER_STYLE_CHANGED = "response-header-style-changed"

RULES = (
    Rule(
        SUCCESS_STATUS_REMOVED,
        B,
        Area.RESPONSES,
        "success response status {status} was removed",
        """
A success (2xx) response status was removed.

Clients wait for it and handle its body; the API now answers something else.
Before: `responses: {200, 204}`. After: `responses: {200}`.
""",
    ),
    Rule(
        STATUS_REMOVED,
        W,
        Area.RESPONSES,
        "response status {status} was removed",
        """
A non-success response status (or `default`) was removed.

The API may stop returning that error, or return it undocumented; a reviewer must look.
""",
    ),
    Rule(
        STATUS_ADDED,
        S,
        Area.RESPONSES,
        "response status {status} was added",
        """
A response status was added.

Clients treat unknown statuses by class (2xx, 4xx, 5xx), as they always had to.
""",
    ),
    Rule(
        MEDIA_TYPE_REMOVED,
        B,
        Area.RESPONSES,
        "response {status} media type '{media_type}' was removed",
        """
A response media type was removed.

Clients that ask for it (`Accept`) no longer get it.
Before: `application/json`, `application/xml`. After: `application/json`.
""",
    ),
    Rule(
        MEDIA_TYPE_ADDED,
        S,
        Area.RESPONSES,
        "response {status} media type '{media_type}' was added",
        """
A response media type was added.

Clients keep asking for the ones they know.
""",
    ),
    Rule(
        REQUIRED_HEADER_REMOVED,
        B,
        Area.RESPONSES,
        "required response header '{name}' was removed from {status}",
        """
A required response header was removed.

Clients read it (rate limits, locations, cursors) and now find nothing.
""",
    ),
    Rule(
        OPTIONAL_HEADER_REMOVED,
        W,
        Area.RESPONSES,
        "optional response header '{name}' was removed from {status}",
        """
An optional response header was removed.

Clients had to cope with its absence, but some may rely on it in practice.
""",
    ),
    Rule(
        HEADER_ADDED,
        S,
        Area.RESPONSES,
        "response header '{name}' was added to {status}",
        """
A response header was added.

Clients ignore headers they do not know.
""",
    ),
    Rule(
        HEADER_BECAME_OPTIONAL,
        B,
        Area.RESPONSES,
        "response header '{name}' of {status} became optional",
        """
A required response header became optional.

Clients read it unconditionally and may now find nothing.
""",
    ),
    Rule(
        HEADER_BECAME_REQUIRED,
        S,
        Area.RESPONSES,
        "response header '{name}' of {status} became required",
        """
An optional response header became required.

It is now always sent; clients that coped with its absence still work.
""",
    ),
    Rule(
        HEADER_DEPRECATED,
        S,
        Area.RESPONSES,
        "response header '{name}' of {status} was deprecated",
        """
A response header was marked `deprecated: true`: readers should plan for its removal.
""",
    ),
    Rule(
        HEADER_UNDEPRECATED,
        S,
        Area.RESPONSES,
        "response header '{name}' of {status} is no longer deprecated",
        """
A response header is no longer `deprecated`.
""",
    ),
    Rule(
        HEADER_STYLE_CHANGED,
        B,
        Area.RESPONSES,
        "response header '{name}' of {status} serialisation changed ({what} {old} -> {new})",
        """
The `style` or `explode` of a response header changed where it changes the bytes: an object
header written `R,100,G,200` is now written `R=100,G=200`.

Readers parse the old form and misread the new one. Ignored where every value is written the
same way (`explode` on a primitive or an array).
""",
    ),
)
