"""Rules about request parameters (path, query, header, cookie)."""

from __future__ import annotations

from oasguard.rules.base import Area, B, Rule, S, W

REQUIRED_PARAMETER_ADDED = "required-request-parameter-added"
OPTIONAL_PARAMETER_ADDED = "optional-request-parameter-added"
PARAMETER_REMOVED = "request-parameter-removed"
PARAMETER_REMOVED_BEFORE_SUNSET = "request-parameter-removed-before-sunset"
PARAMETER_BECAME_REQUIRED = "request-parameter-became-required"
PARAMETER_BECAME_OPTIONAL = "request-parameter-became-optional"
PARAMETER_LOCATION_CHANGED = "request-parameter-location-changed"
PARAMETER_STYLE_CHANGED = "request-parameter-style-changed"
PARAMETER_DEFAULT_CHANGED = "request-parameter-default-changed"
PARAMETER_RENAMED = "request-parameter-renamed"
REQUIRED_PARAMETER_RENAMED = "required-request-parameter-renamed"
PARAMETER_DEPRECATED = "request-parameter-deprecated"
PARAMETER_UNDEPRECATED = "request-parameter-undeprecated"
ALLOW_EMPTY_VALUE_REMOVED = "request-parameter-allow-empty-value-removed"
ALLOW_EMPTY_VALUE_ADDED = "request-parameter-allow-empty-value-added"

RULES = (
    Rule(
        REQUIRED_PARAMETER_ADDED,
        B,
        Area.PARAMETERS,
        "new required {in} parameter '{name}'",
        """
A new required parameter (query, header or cookie; also at path-item level).

Existing clients do not send it, so their requests are now rejected.
Before: `GET /pets`. After: `GET /pets?owner=...` with `owner` required.
""",
    ),
    Rule(
        OPTIONAL_PARAMETER_ADDED,
        S,
        Area.PARAMETERS,
        "new optional {in} parameter '{name}'",
        """
A new optional parameter.

Existing clients do not send it and nothing changes for them.
""",
    ),
    Rule(
        PARAMETER_REMOVED,
        W,
        Area.PARAMETERS,
        "{in} parameter '{name}' was removed",
        """
A parameter was removed.

Clients still send it; most servers ignore unknown parameters, but what it used to do (filter,
page, select) no longer happens, so a reviewer must look.
""",
    ),
    Rule(
        PARAMETER_REMOVED_BEFORE_SUNSET,
        B,
        Area.PARAMETERS,
        "deprecated {in} parameter '{name}' was removed {when}",
        """
A deprecated parameter with an `x-sunset` date was removed before that date.

The sunset date promised clients the parameter until then; they may still rely on it. With
`deprecation-days` set, a deprecated parameter removed without a sunset date is reported the
same way.
Before: `{name: sort, in: query, deprecated: true, x-sunset: 2999-01-01}`. After: no `sort`.
""",
    ),
    Rule(
        PARAMETER_BECAME_REQUIRED,
        B,
        Area.PARAMETERS,
        "{in} parameter '{name}' became required",
        """
An optional parameter became required.

Clients that omit it are now rejected.
Before: `required: false`. After: `required: true`.
""",
    ),
    Rule(
        PARAMETER_BECAME_OPTIONAL,
        S,
        Area.PARAMETERS,
        "{in} parameter '{name}' became optional",
        """
A required parameter became optional.

Every request that sent it is still accepted.
""",
    ),
    Rule(
        PARAMETER_LOCATION_CHANGED,
        B,
        Area.PARAMETERS,
        "parameter '{name}' moved from {old} to {new}",
        """
A parameter moved to another location (for example from query to header).

Clients still send it in the old place, where it is no longer read.
Before: `in: query`. After: `in: header`.
""",
    ),
    Rule(
        PARAMETER_STYLE_CHANGED,
        B,
        Area.PARAMETERS,
        "{in} parameter '{name}' serialisation changed ({what} {old} -> {new})",
        """
The `style` or `explode` of an array or object parameter changed.

Clients serialise the value the old way (`a,b` instead of `x=a&x=b`), which is now read
differently. Ignored for primitive values, where style and explode change nothing.
""",
    ),
    Rule(
        PARAMETER_DEFAULT_CHANGED,
        W,
        Area.PARAMETERS,
        "default of {in} parameter '{name}' changed from {old} to {new}",
        """
The `default` of a parameter changed.

Clients that omit the parameter now get different behaviour.
""",
    ),
    Rule(
        PARAMETER_RENAMED,
        W,
        Area.PARAMETERS,
        "optional {in} parameter renamed from '{old}' to '{new}'",
        """
An optional parameter was renamed (same location, equivalent schema).

Clients that send the old name lose what it did, without an error.
""",
    ),
    Rule(
        REQUIRED_PARAMETER_RENAMED,
        B,
        Area.PARAMETERS,
        "{in} parameter renamed from '{old}' to '{new}'",
        """
A parameter was renamed (same location, equivalent schema) and one of the two is required.

Clients send the old name, so the required new one is missing from their requests.
""",
    ),
    Rule(
        PARAMETER_DEPRECATED,
        S,
        Area.PARAMETERS,
        "{in} parameter '{name}' was deprecated",
        """
A parameter was marked `deprecated: true`.

Nothing changes on the wire yet; it is reported so reviewers and changelogs see it.
Before: `- name: limit`. After: `- name: limit, deprecated: true`.
""",
    ),
    Rule(
        PARAMETER_UNDEPRECATED,
        S,
        Area.PARAMETERS,
        "{in} parameter '{name}' is no longer deprecated",
        """
A parameter is no longer `deprecated`: clients may keep using it.
""",
    ),
    Rule(
        ALLOW_EMPTY_VALUE_REMOVED,
        B,
        Area.PARAMETERS,
        "{in} parameter '{name}' no longer allows an empty value",
        """
A parameter lost `allowEmptyValue: true`.

Clients that send it empty (`?flag=`) are now rejected.
Before: `allowEmptyValue: true`. After: no `allowEmptyValue`.
""",
    ),
    Rule(
        ALLOW_EMPTY_VALUE_ADDED,
        S,
        Area.PARAMETERS,
        "{in} parameter '{name}' now allows an empty value",
        """
A parameter gained `allowEmptyValue: true`: every request clients sent is still accepted.
""",
    ),
)
