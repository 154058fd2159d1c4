"""Rules about security requirements of operations."""

from __future__ import annotations

from oasguard.rules.base import Area, B, Rule, S, W

REQUIREMENT_ADDED = "security-requirement-added"
SCOPE_ADDED = "security-scope-added"
ALTERNATIVE_ADDED = "security-alternative-added"
REQUIREMENT_REMOVED = "security-requirement-removed"
SCOPE_REMOVED = "security-scope-removed"

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
)
