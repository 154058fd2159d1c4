"""Rules about schemas, in requests and in responses, declared side by side.

Each entry below is a pair of mirrored rules: `request-…` judges what a client sends (a change is
breaking when a request BASE accepted may now be rejected), `response-…` judges what a client
reads (breaking when REVISION may return something a BASE reader did not expect). Callbacks and
webhooks reverse the roles: what the API sends there is judged by the `response-…` rules.

`{subject}` in a message names the thing: `request property 'address.city'`,
`query parameter 'limit'`, `response body`, `response header 'X-Rate-Limit'`.
"""

from __future__ import annotations

from oasguard.changes import Level
from oasguard.rules.base import Area, B, Rule, S, W


def mirrored(
    kind: str, request: Level, response: Level, message: str, doc: str, response_doc: str | None = None
) -> tuple[Rule, Rule]:
    """Declare the request and the response rule of one kind of schema change."""
    return (
        Rule(f"request-{kind}", request, Area.REQUEST_SCHEMA, message, doc),
        Rule(f"response-{kind}", response, Area.RESPONSE_SCHEMA, message, response_doc or doc),
    )


# Kinds of schema facts; the rule id is "request-<kind>" or "response-<kind>".
REQUIRED_PROPERTY_ADDED = "required-property-added"
PROPERTY_ADDED = "property-added"
PROPERTY_REMOVED = "property-removed"
PROPERTY_REMOVED_FROM_CLOSED_OBJECT = "property-removed-from-closed-object"
OPTIONAL_PROPERTY_REMOVED = "optional-property-removed"
PROPERTY_BECAME_REQUIRED = "property-became-required"
PROPERTY_BECAME_OPTIONAL = "property-became-optional"
PROPERTY_BECAME_READ_ONLY = "property-became-read-only"
PROPERTY_BECAME_WRITE_ONLY = "property-became-write-only"
PROPERTY_RENAMED = "property-renamed"
TYPE_CHANGED = "type-changed"
TYPE_WIDENED = "type-widened"
TYPE_NARROWED = "type-narrowed"
TYPE_WIDENED_AS_TEXT = "type-widened-as-text"
FORMAT_CHANGED = "format-changed"
FORMAT_WIDENED = "format-widened"
FORMAT_NARROWED = "format-narrowed"
NULLABLE_ADDED = "nullable-added"
NULLABLE_REMOVED = "nullable-removed"
ENUM_VALUE_ADDED = "enum-value-added"
ENUM_VALUE_REMOVED = "enum-value-removed"
BOUND_TIGHTENED = "bound-tightened"
BOUND_LOOSENED = "bound-loosened"
PATTERN_ADDED = "pattern-added"
PATTERN_REMOVED = "pattern-removed"
PATTERN_CHANGED = "pattern-changed"
ADDITIONAL_PROPERTIES_CLOSED = "additional-properties-closed"
ADDITIONAL_PROPERTIES_OPENED = "additional-properties-opened"
VARIANT_ADDED = "variant-added"
VARIANT_REMOVED = "variant-removed"
DISCRIMINATOR_CHANGED = "discriminator-changed"
DEFAULT_CHANGED = "default-changed"
# JSON Schema 2020-12 keywords, deprecation and stability (their rules: rules/schema_2020.py)
CONSTRAINT_ADDED = "constraint-added"
CONSTRAINT_REMOVED = "constraint-removed"
CONST_CHANGED = "const-changed"
CONDITION_CHANGED = "condition-changed"
CONTENT_CHANGED = "content-changed"
DISCRIMINATOR_ADDED = "discriminator-added"
DISCRIMINATOR_REMOVED = "discriminator-removed"
DISCRIMINATOR_MAPPING_ADDED = "discriminator-mapping-added"
DISCRIMINATOR_PROPERTY_CHANGED = "discriminator-property-name-changed"
ONEOF_BECAME_ANYOF = "oneof-became-anyof"
ANYOF_BECAME_ONEOF = "anyof-became-oneof"
SCHEMA_ADDED = "schema-added"
SCHEMA_REMOVED = "schema-removed"
SCHEMA_DEPRECATED = "schema-deprecated"
SCHEMA_UNDEPRECATED = "schema-undeprecated"
STABILITY_DECREASED = "stability-decreased"
STABILITY_INCREASED = "stability-increased"

#: Rules with no mirror on the other side, and why none is needed.
WAIVERS = {
    f"request-{PROPERTY_REMOVED_FROM_CLOSED_OBJECT}": "a reader is never hurt by a property it "
    "no longer receives beyond what response-property-removed/-optional-property-removed say",
    f"response-{OPTIONAL_PROPERTY_REMOVED}": "in requests, removing an optional property is "
    "request-property-removed (clients still send it)",
    f"request-{PROPERTY_BECAME_READ_ONLY}": "readOnly changes nothing for a reader",
    f"request-{TYPE_WIDENED_AS_TEXT}": "a reader that parsed a number or a boolean from a "
    "response header may now get any string: response-type-changed",
    f"response-{PROPERTY_BECAME_WRITE_ONLY}": "writeOnly changes nothing for a writer",
}

RULES = (
    *mirrored(
        REQUIRED_PROPERTY_ADDED,
        B,
        S,
        "{side} property '{name}' was added as required",
        """
A required property was added to a request schema (not `readOnly`).

Clients do not send it, so their requests are now rejected.
Before: `required: [name]`. After: `required: [name, owner]` with a new `owner`.
""",
        """
A required property was added to a response schema.

Readers ignore properties they do not know; it is a promise added.
""",
    ),
    *mirrored(
        PROPERTY_ADDED,
        S,
        S,
        "{side} property '{name}' was added",
        """
An optional property (or a `readOnly` one, which clients never send) was added to a request.

Clients do not send it and nothing changes for them.
""",
        """
A property was added to a response schema.

Readers ignore properties they do not know.
""",
    ),
    *mirrored(
        PROPERTY_REMOVED,
        W,
        B,
        "{side} property '{name}' was removed{why}",
        """
A property was removed from an open request object.

Clients still send it; it is silently ignored, so what it did no longer happens.
""",
        """
A required property was removed from a response.

Readers count on it being there.
Before: `required: [id, name]`. After: no `name`.
""",
    ),
    Rule(
        f"request-{PROPERTY_REMOVED_FROM_CLOSED_OBJECT}",
        B,
        Area.REQUEST_SCHEMA,
        "{side} property '{name}' was removed from a closed object",
        """
A property was removed from a request object with `additionalProperties: false`.

Clients still send it, and a closed object rejects unknown properties.
""",
    ),
    Rule(
        f"response-{OPTIONAL_PROPERTY_REMOVED}",
        W,
        Area.RESPONSE_SCHEMA,
        "{side} property '{name}' was removed",
        """
An optional response property was removed.

Readers had to cope with its absence, but many read it whenever it is there.
""",
    ),
    *mirrored(
        PROPERTY_BECAME_REQUIRED,
        B,
        S,
        "{side} property '{name}' became required",
        """
An optional request property became required.

Clients that omit it are now rejected.
""",
        """
An optional response property became required.

It is now always returned; readers that coped with its absence still work.
""",
    ),
    *mirrored(
        PROPERTY_BECAME_OPTIONAL,
        S,
        B,
        "{side} property '{name}' became optional",
        """
A required request property became optional.

Every request that sent it is still accepted.
""",
        """
A required response property became optional.

Readers count on it and may now find it missing.
""",
    ),
    Rule(
        f"request-{PROPERTY_BECAME_READ_ONLY}",
        B,
        Area.REQUEST_SCHEMA,
        "{side} property '{name}' became readOnly",
        """
A request property became `readOnly`.

Clients send it and the API now ignores or rejects it.
""",
    ),
    Rule(
        f"response-{PROPERTY_BECAME_WRITE_ONLY}",
        B,
        Area.RESPONSE_SCHEMA,
        "{side} property '{name}' became writeOnly",
        """
A response property became `writeOnly`: it is no longer returned.

Readers count on it and now find nothing.
""",
    ),
    *mirrored(
        PROPERTY_RENAMED,
        B,
        B,
        "{side} property renamed from '{old}' to '{new}'",
        """
A request property was renamed (one removed, one added with an equivalent schema).

Clients send the old name, which is no longer read.
Before: `created_at`. After: `createdAt`.
""",
        """
A response property was renamed (one removed, one added with an equivalent schema).

Readers look for the old name and find nothing.
""",
    ),
    *mirrored(
        TYPE_CHANGED,
        B,
        B,
        "{subject} type changed from {old} to {new}",
        """
The type of a request value changed (string → integer, object → array).

Values clients send of the old type are now rejected or misread.
""",
        """
The type of a response value changed, or its body changed shape (array → object).

Readers parse the old type and fail.
""",
    ),
    *mirrored(
        TYPE_WIDENED,
        S,
        B,
        "{subject} type widened from {old} to {new}",
        """
A request type was widened (integer → number, or a type added to a type list).

Every value clients sent is still valid.
""",
        """
A response type was widened (integer → number).

Readers that parse integers now receive 1.5.
""",
    ),
    Rule(
        f"request-{TYPE_WIDENED_AS_TEXT}",
        S,
        Area.REQUEST_SCHEMA,
        "{subject} type widened as text from {old} to {new}",
        """
A parameter or form field, sent as text, became a string that takes the text of every value it
took before (no `pattern`, `format`, `enum` or length bound excludes them).

`?limit=10` is the text `10` whatever the schema says, and a plain string accepts it: every
request clients sent is still accepted. A JSON body keeps `request-type-changed`: there `10`
and `"10"` differ.
Before: `{name: petId, in: path, schema: {type: integer}}`. After: `... schema: {type: string}`.
""",
    ),
    *mirrored(
        TYPE_NARROWED,
        B,
        S,
        "{subject} type narrowed from {old} to {new}",
        """
A request type was narrowed (number → integer).

Clients that send 1.5 are now rejected.
""",
        """
A response type was narrowed (number → integer).

Every integer is still a number to readers.
""",
    ),
    *mirrored(
        FORMAT_CHANGED,
        B,
        B,
        "{subject} format changed from {old} to {new}",
        """
The format of a request value changed incompatibly (date-time → date), or was added.

Values clients send in the old format are rejected.
""",
        """
The format of a response value changed (date-time → date, or uuid → none).

Readers parse the old format and fail.
""",
    ),
    *mirrored(
        FORMAT_WIDENED,
        S,
        W,
        "{subject} format widened from {old} to {new}",
        """
A request format was widened (int32 → int64, float → double) or removed.

Every value clients sent is still valid.
""",
        """
A response format was widened (int32 → int64, float → double) or removed.

Readers that store the value in 32 bits may overflow.
""",
    ),
    *mirrored(
        FORMAT_NARROWED,
        B,
        S,
        "{subject} format narrowed from {old} to {new}",
        """
A request format was narrowed (int64 → int32, double → float).

Large values clients send are now rejected.
""",
        """
A response format was narrowed (int64 → int32).

Every returned value still fits what readers expect.
""",
    ),
    *mirrored(
        NULLABLE_ADDED,
        S,
        B,
        "{subject} became nullable",
        """
A request value became nullable (3.0 `nullable: true`, 3.1 `type: [.., "null"]`).

Every value clients sent is still valid.
""",
        """
A response value became nullable.

Readers that do not expect `null` crash on it.
""",
    ),
    *mirrored(
        NULLABLE_REMOVED,
        B,
        S,
        "{subject} is no longer nullable",
        """
A request value is no longer nullable.

Clients that send `null` are now rejected.
""",
        """
A response value is no longer nullable.

Readers that handle `null` simply never see it.
""",
    ),
    *mirrored(
        ENUM_VALUE_ADDED,
        S,
        W,
        "enum value {value} was added to {subject}",
        """
An enum value was added to a request value.

Every value clients sent is still valid.
""",
        """
An enum value was added to a response value.

Readers with a closed set of cases (generated enums, switch statements) may fail on it; a
reviewer must look.
""",
    ),
    *mirrored(
        ENUM_VALUE_REMOVED,
        B,
        S,
        "enum value {value} was removed from {subject}",
        """
An enum value was removed from a request value.

Clients that send it are now rejected.
Before: `enum: [available, pending, sold]`. After: `enum: [available, pending]`.
""",
        """
An enum value was removed from a response value.

Readers simply never see it.
""",
    ),
    *mirrored(
        BOUND_TIGHTENED,
        B,
        S,
        "{subject} {keyword} tightened from {old} to {new}",
        """
A bound of a request value was tightened: `maximum`/`exclusiveMaximum` down,
`minimum`/`exclusiveMinimum` up, `maxLength`/`maxItems`/`maxProperties` down,
`minLength`/`minItems`/`minProperties` up, `uniqueItems` or an `enum` added, `multipleOf`
changed to a value that is not a divisor of the old one.

Values clients sent may now be rejected.
Before: `limit: {type: integer}`. After: `limit: {type: integer, maximum: 100}`.
""",
        """
A bound of a response value was tightened: a stronger promise, readers are not affected.
""",
    ),
    *mirrored(
        BOUND_LOOSENED,
        S,
        W,
        "{subject} {keyword} loosened from {old} to {new}",
        """
A bound of a request value was loosened (the mirror of `request-bound-tightened`).

Every value clients sent is still valid.
""",
        """
A bound of a response value was loosened (`maxLength` up, `minItems` down, `enum` dropped, …).

Readers that relied on the old bound (buffer sizes, non-empty lists) may fail; a reviewer must
look.
""",
    ),
    *mirrored(
        PATTERN_ADDED,
        B,
        S,
        "{subject} pattern '{new}' was added",
        """
A `pattern` was added to a request string.

Strings clients sent may not match it.
""",
        """
A `pattern` was added to a response string: a stronger promise.
""",
    ),
    *mirrored(
        PATTERN_REMOVED,
        S,
        W,
        "{subject} pattern '{old}' was removed",
        """
A `pattern` was removed from a request string: every string clients sent is still valid.
""",
        """
A `pattern` was removed from a response string.

Readers that relied on the shape of the string may fail; a reviewer must look.
""",
    ),
    *mirrored(
        PATTERN_CHANGED,
        W,
        W,
        "{subject} pattern changed from '{old}' to '{new}'",
        """
A request `pattern` was replaced by another.

Whether one regular expression contains the other is undecidable in general; a reviewer must
look.
""",
        """
A response `pattern` was replaced by another; a reviewer must look.
""",
    ),
    *mirrored(
        ADDITIONAL_PROPERTIES_CLOSED,
        B,
        S,
        "{subject} no longer allows additional properties",
        """
A request object was closed (`additionalProperties: false`).

Clients that send extra properties are now rejected.
""",
        """
A response object was closed: a stronger promise.
""",
    ),
    *mirrored(
        ADDITIONAL_PROPERTIES_OPENED,
        S,
        W,
        "{subject} now allows additional properties",
        """
A request object was opened (`additionalProperties: false` removed).

Every object clients sent is still valid.
""",
        """
A response object was opened: it may now carry properties readers do not know.

Strict readers may reject them; a reviewer must look.
""",
    ),
    *mirrored(
        VARIANT_ADDED,
        S,
        W,
        "{keyword} variant {variant} was added to {subject}",
        """
A `oneOf`/`anyOf` variant was added to a request value.

Every value clients sent still matches a variant.
""",
        """
A `oneOf`/`anyOf` variant was added to a response value.

Readers that switch over the known variants may not handle it; a reviewer must look.
""",
    ),
    *mirrored(
        VARIANT_REMOVED,
        B,
        S,
        "{keyword} variant {variant} was removed from {subject}",
        """
A `oneOf`/`anyOf` variant was removed from a request value.

Clients that send values of that variant are now rejected.
""",
        """
A `oneOf`/`anyOf` variant was removed from a response value: readers never see it.
""",
    ),
    *mirrored(
        DISCRIMINATOR_CHANGED,
        B,
        B,
        "{subject} discriminator {what} changed from {old} to {new}",
        """
A value of a request value's discriminator mapping now names another schema, or none.

Values clients send are now read as another variant.
""",
        """
A value of a response value's discriminator mapping now names another schema, or none.

Readers pick the variant from the discriminator and now pick the wrong one.
""",
    ),
    *mirrored(
        DEFAULT_CHANGED,
        W,
        S,
        "default of {subject} changed from {old} to {new}",
        """
The `default` of a request value changed.

Clients that omit the value now get different behaviour.
""",
        """
The `default` of a response value changed.

A response carries its values; the default only documents what the API assumes when one is
missing, so readers are not affected (it is listed so reviewers see it).
Before: `limit: {default: 20}`. After: `limit: {default: 50}`.
""",
    ),
)
