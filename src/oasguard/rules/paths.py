"""Rules about paths, operations, webhooks and servers."""

from __future__ import annotations

from oasguard.rules.base import Area, B, Rule, S, W

PATH_REMOVED = "path-removed"
OPERATION_REMOVED = "operation-removed"
OPERATION_REMOVED_BEFORE_SUNSET = "operation-removed-before-sunset"
OPERATION_REMOVED_AFTER_SUNSET = "operation-removed-after-sunset"
PATH_ADDED = "path-added"
OPERATION_ADDED = "operation-added"
OPERATION_DEPRECATED = "operation-deprecated"
OPERATION_ID_CHANGED = "operation-id-changed"
WEBHOOK_REMOVED = "webhook-removed"
WEBHOOK_ADDED = "webhook-added"
SERVER_URL_CHANGED = "server-url-changed"
SERVER_REMOVED = "server-removed"
SERVER_ADDED = "server-added"
OPERATION_STABILITY_DECREASED = "operation-stability-decreased"
OPERATION_STABILITY_INCREASED = "operation-stability-increased"
OPERATION_SUNSET_TOO_SOON = "operation-sunset-too-soon"

RULES = (
    Rule(
        PATH_REMOVED,
        B,
        Area.PATHS,
        "path '{path}' was removed ({method} no longer exists)",
        """
A path was removed, with every operation under it.

Clients still call it and now get 404. Reported once per operation the path had.
Before: `/pets/{petId}: {get: ...}`. After: no `/pets/{petId}`.
""",
    ),
    Rule(
        OPERATION_REMOVED,
        B,
        Area.PATHS,
        "operation {method} {path} was removed",
        """
An operation was removed from a path that still exists.

Clients still call it and now get 404 or 405.
Before: `/pets/{petId}: {get, delete}`. After: `/pets/{petId}: {get}`.
""",
    ),
    Rule(
        OPERATION_REMOVED_BEFORE_SUNSET,
        B,
        Area.PATHS,
        "deprecated operation {method} {path} was removed {when}",
        """
A deprecated operation was removed before its `x-sunset` date, or it had no sunset date.

Deprecation announces a removal; without a sunset date that has passed, clients were never
told when to stop calling it, so they may still do.
Before: `delete: {deprecated: true, x-sunset: 2999-01-01}`. After: no `delete`.
""",
    ),
    Rule(
        OPERATION_REMOVED_AFTER_SUNSET,
        W,
        Area.PATHS,
        "deprecated operation {method} {path} was removed after its sunset date {sunset}",
        """
A deprecated operation was removed after its `x-sunset` date had passed.

Clients had notice and a date; a reviewer should still confirm nobody calls it.
Before: `delete: {deprecated: true, x-sunset: 2020-01-01}`. After: no `delete`.
""",
    ),
    Rule(
        OPERATION_SUNSET_TOO_SOON,
        B,
        Area.PATHS,
        "operation {method} {path} was deprecated {when}",
        """
An operation was deprecated with less notice than the configured `deprecation-days`.

Only reported when `deprecation-days` is set: the day a deprecation appears in a diff is the day
clients are told, so its `x-sunset` must be at least that many days later for them to move away
in time (with no `x-sunset` they are never told when).
Before: `get: {...}`. After: `get: {deprecated: true, x-sunset: <10 days from now>}` with
`deprecation-days = 90`.
""",
    ),
    Rule(
        PATH_ADDED,
        S,
        Area.PATHS,
        "path '{path}' was added ({method})",
        """
A new path was added.

No existing client calls it. Reported once per operation of the new path.
""",
    ),
    Rule(
        OPERATION_ADDED,
        S,
        Area.PATHS,
        "operation {method} {path} was added",
        """
A new operation was added to an existing path.

No existing client calls it.
""",
    ),
    Rule(
        OPERATION_DEPRECATED,
        S,
        Area.PATHS,
        "operation {method} {path} was deprecated",
        """
An operation was marked `deprecated: true`.

It still works; clients are told to move away.
""",
    ),
    Rule(
        OPERATION_STABILITY_DECREASED,
        B,
        Area.PATHS,
        "stability of the operation lowered from {old} to {new}",
        """
The operation's `x-stability-level` was lowered (stable → beta, beta → alpha, ...).

Clients relied on the promise of the old level; from now on the operation may change without
notice, so this is the moment they must hear about it.
Before: `get: {x-stability-level: stable}`. After: `get: {x-stability-level: beta}`.
""",
    ),
    Rule(
        OPERATION_STABILITY_INCREASED,
        S,
        Area.PATHS,
        "stability of the operation raised from {old} to {new}",
        """
The operation's `x-stability-level` was raised (beta → stable, ...).

A stronger promise breaks no one; from now on its changes are judged at full level.
Before: `get: {x-stability-level: beta}`. After: `get: {x-stability-level: stable}`.
""",
    ),
    Rule(
        OPERATION_ID_CHANGED,
        W,
        Area.PATHS,
        "operationId changed from '{old}' to '{new}'",
        """
The `operationId` of an operation changed.

The wire format is the same, but generated clients name their methods after it, so their code
stops compiling when they regenerate.
Before: `operationId: listPets`. After: `operationId: getPets`.
""",
    ),
    Rule(
        WEBHOOK_REMOVED,
        B,
        Area.PATHS,
        "webhook '{name}' ({method}) was removed",
        """
A webhook (OpenAPI 3.1 `webhooks`) was removed.

Subscribers that rely on it stop receiving its calls.
""",
    ),
    Rule(
        WEBHOOK_ADDED,
        S,
        Area.PATHS,
        "webhook '{name}' ({method}) was added",
        """
A webhook (OpenAPI 3.1 `webhooks`) was added.

Existing subscribers are not affected.
""",
    ),
    Rule(
        SERVER_URL_CHANGED,
        W,
        Area.PATHS,
        "server URL changed from '{old}' to '{new}'",
        """
A server URL changed.

Clients configured with the old base URL may stop reaching the API.
Before: `servers: [{url: https://api.example.com/v1}]`. After: `.../v2`.
""",
    ),
    Rule(
        SERVER_REMOVED,
        W,
        Area.PATHS,
        "server '{url}' was removed",
        """
A server URL was removed.

Clients configured with it may stop reaching the API.
""",
    ),
    Rule(
        SERVER_ADDED,
        S,
        Area.PATHS,
        "server '{url}' was added",
        """
A server URL was added.

Existing clients keep using the ones they know.
""",
    ),
)
