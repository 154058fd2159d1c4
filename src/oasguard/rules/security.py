"""Rules about security requirements of operations."""

from __future__ import annotations

from oasguard.rules.base import Area, B, Rule, S, W

REQUIREMENT_ADDED = "security-requirement-added"
SCOPE_ADDED = "security-scope-added"
ALTERNATIVE_ADDED = "security-alternative-added"
REQUIREMENT_REMOVED = "security-requirement-removed"
SCOPE_REMOVED = "security-scope-removed"
SCHEME_TYPE_CHANGED = "security-scheme-type-changed"
SCHEME_CHANGED = "security-scheme-changed"
SCHEME_FLOW_REMOVED = "security-scheme-flow-removed"
SCHEME_URL_CHANGED = "security-scheme-url-changed"
SCHEME_SCOPE_REMOVED = "security-scheme-scope-removed"
SCHEME_SCOPE_ADDED = "security-scheme-scope-added"
SCHEME_ADDED = "security-scheme-added"
SCHEME_REMOVED = "security-scheme-removed"

RULES = (
    Rule(
        REQUIREMENT_ADDED,
        B,
        Area.SECURITY,
        "security requirement {requirement} was added",
        """
An operation gains a security requirement: it was public, a document-wide requirement was
added, or a requirement now also needs another scheme.

Clients that sent no credentials (or not these) are now rejected with 401.
Before: no `security`. After: `security: [{api_key: []}]`.
""",
    ),
    Rule(
        SCOPE_ADDED,
        B,
        Area.SECURITY,
        "security scheme '{scheme}' now also needs scope(s) {scopes}",
        """
A security requirement gains a scope.

Tokens issued for the old scopes are now rejected with 403.
Before: `oauth: [read]`. After: `oauth: [read, write]`.
""",
    ),
    Rule(
        ALTERNATIVE_ADDED,
        S,
        Area.SECURITY,
        "alternative security requirement {requirement} was added",
        """
An alternative security requirement was added (OR).

Clients keep using the requirement they already satisfy.
""",
    ),
    Rule(
        REQUIREMENT_REMOVED,
        W,
        Area.SECURITY,
        "security requirement {requirement} was removed",
        """
A security requirement was removed.

Clients that authenticate with it may be refused, or the operation became public; a reviewer
must look.
""",
    ),
    Rule(
        SCOPE_REMOVED,
        S,
        Area.SECURITY,
        "security scheme '{scheme}' no longer needs scope(s) {scopes}",
        """
A security requirement needs fewer scopes.

Tokens with the old scopes still satisfy it.
""",
    ),
    Rule(
        SCHEME_TYPE_CHANGED,
        B,
        Area.SECURITY,
        "security scheme '{scheme}' type changed from {old} to {new}",
        """
The `type` of a security scheme an operation requires changed (apiKey → oauth2).

Clients send the old kind of credential, which is now refused. Reported for every operation
that requires the scheme, pointing at the scheme's definition.
""",
    ),
    Rule(
        SCHEME_CHANGED,
        B,
        Area.SECURITY,
        "security scheme '{scheme}' {what} changed from {old} to {new}",
        """
How a required scheme's credential is sent changed: an `apiKey`'s `name` or `in`, an `http`
`scheme` (basic → bearer), or the `openIdConnectUrl`.

Clients send the credential the old way, which is now refused.
Before: `{type: apiKey, in: header, name: X-API-Key}`. After: `... name: X-Token`.
""",
    ),
    Rule(
        SCHEME_FLOW_REMOVED,
        B,
        Area.SECURITY,
        "security scheme '{scheme}' no longer offers the {what} flow",
        """
An oauth2 flow of a required scheme was removed.

Clients that obtain their tokens with that flow can no longer.
""",
    ),
    Rule(
        SCHEME_URL_CHANGED,
        W,
        Area.SECURITY,
        "security scheme '{scheme}' {what} changed from {old} to {new}",
        """
The `tokenUrl`, `authorizationUrl` or `refreshUrl` of an oauth2 flow of a required scheme changed.

Clients configured with the old URL may fail to get tokens, or the old one may redirect; a
reviewer must look.
""",
    ),
    Rule(
        SCHEME_SCOPE_REMOVED,
        B,
        Area.SECURITY,
        "security scheme '{scheme}' {what} flow no longer offers scope(s) {scopes}",
        """
A scope was removed from an oauth2 flow of a required scheme.

Clients that ask for it get no token, or one without the scope.
""",
    ),
    Rule(
        SCHEME_SCOPE_ADDED,
        S,
        Area.SECURITY,
        "security scheme '{scheme}' {what} flow now offers scope(s) {scopes}",
        """
A scope was added to an oauth2 flow of a required scheme: clients keep asking for the ones they
know.
""",
    ),
    Rule(
        SCHEME_ADDED,
        S,
        Area.SECURITY,
        "security scheme '{scheme}' was added",
        """
A security scheme that no requirement names was added: no operation asks for it yet.
""",
    ),
    Rule(
        SCHEME_REMOVED,
        S,
        Area.SECURITY,
        "security scheme '{scheme}' was removed",
        """
A security scheme that no requirement named was removed: no client used it for this API.
""",
    ),
)
