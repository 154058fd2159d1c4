"""Rules about the JSON Schema 2020-12 keywords of schemas (SPEC 3.2.1), their deprecation and
stability, request and response side by side (see rules/schema.py for how the sides mirror).

A keyword that constrains values (`contains`, `prefixItems`, `propertyNames`, `dependentSchemas`,
`dependentRequired`, `patternProperties`, `if`/`then`/`else`, `unevaluated*`, `not`, `const`,
`contentSchema`) is judged like a bound: added tightens, removed loosens. Its subschemas are
compared below it by every schema rule; below `not` every rule is judged reversed.
"""

from __future__ import annotations

from oasguard.rules.base import B, S, W
from oasguard.rules.schema import (
    ANYOF_BECAME_ONEOF,
    CONDITION_CHANGED,
    CONST_CHANGED,
    CONSTRAINT_ADDED,
    CONSTRAINT_REMOVED,
    CONTENT_CHANGED,
    DISCRIMINATOR_ADDED,
    DISCRIMINATOR_MAPPING_ADDED,
    DISCRIMINATOR_PROPERTY_CHANGED,
    DISCRIMINATOR_REMOVED,
    ONEOF_BECAME_ANYOF,
    SCHEMA_ADDED,
    SCHEMA_DEPRECATED,
    SCHEMA_REMOVED,
    SCHEMA_UNDEPRECATED,
    STABILITY_DECREASED,
    STABILITY_INCREASED,
    mirrored,
)

RULES = (
    *mirrored(
        CONSTRAINT_ADDED,
        B,
        S,
        "{keyword} was added to {subject}",
        """
A constraint was added to a request value: `const`, `contains`, a `prefixItems` list or entry,
`propertyNames`, a `dependentSchemas` or `patternProperties` entry, a `dependentRequired`
dependency, `if` with `then`/`else` (or a branch), `unevaluatedProperties: false`,
`unevaluatedItems: false`, `not`, or `contentSchema`.

Values clients sent may not satisfy it and are now rejected.
Before: `{type: object}`. After: `{type: object, dependentRequired: {card: [billing]}}`.
""",
        """
A constraint was added to a response value: a stronger promise, readers are not affected.
Before: `tags: {type: array}`. After: `tags: {type: array, contains: {const: primary}}`.
""",
    ),
    *mirrored(
        CONSTRAINT_REMOVED,
        S,
        W,
        "{keyword} was removed from {subject}",
        """
A constraint was removed from a request value (the mirror of `request-constraint-added`).

Every value clients sent is still valid.
Before: `{prefixItems: [{type: string}, {type: integer}]}`. After: `{prefixItems: [{type: string}]}`.
""",
        """
A constraint was removed from a response value (`const`, `contains`, a `prefixItems` entry, a
`dependentRequired` dependency, `unevaluatedProperties: false`, …).

Readers that relied on it (a fixed value, a closed object, a tuple's shape) may fail; a
reviewer must look.
Before: `kind: {const: cat}`. After: `kind: {type: string}`.
""",
    ),
    *mirrored(
        CONST_CHANGED,
        B,
        B,
        "{subject} const changed from {old} to {new}",
        """
The one value a request value may take (`const`, or an enum of one value) changed.

Clients send the old value, which is now rejected.
Before: `kind: {const: cat}`. After: `kind: {const: feline}`.
""",
        """
The one value a response value takes (`const`) changed.

Readers compare against the old value (a discriminating tag) and now match nothing.
Before: `kind: {const: cat}`. After: `kind: {const: feline}`.
""",
    ),
    *mirrored(
        CONDITION_CHANGED,
        W,
        W,
        "{subject} if changed: its then/else branches now apply to other values",
        """
The `if` of an `if`/`then`/`else` in a request value changed.

The branches now apply to other values; whether that accepts less cannot be judged in general,
so a reviewer must look.
Before: `if: {properties: {country: {const: US}}}`. After: `... {const: CA}`.
""",
        """
The `if` of an `if`/`then`/`else` in a response value changed; a reviewer must look.
""",
    ),
    *mirrored(
        CONTENT_CHANGED,
        B,
        B,
        "{subject} {keyword} changed from {old} to {new}",
        """
The `contentMediaType` or `contentEncoding` of a request string changed (or was added or
removed).

Clients encode the string the old way (base64 PNG), which the API now decodes differently.
Before: `contentEncoding: base64`. After: `contentEncoding: base32`.
""",
        """
The `contentMediaType` or `contentEncoding` of a response string changed.

Readers decode the string the old way and fail.
""",
    ),
    *mirrored(
        DISCRIMINATOR_ADDED,
        B,
        W,
        "{subject} discriminator {new} was added",
        """
A `discriminator` was added to a request value.

The API now picks the variant by that property: values clients send without it, or with a
value the mapping does not know, are rejected or read as another variant.
Before: `oneOf: [Cat, Dog]`. After: the same with `discriminator: {propertyName: kind}`.
""",
        """
A `discriminator` was added to a response value.

The bytes returned are the same, but generated readers change their types (a tagged union
where there was a plain `oneOf`); a reviewer must look.
Before: `oneOf: [Cat, Dog]`. After: the same with `discriminator: {propertyName: kind}`.
""",
    ),
    *mirrored(
        DISCRIMINATOR_REMOVED,
        B,
        W,
        "{subject} discriminator {old} was removed",
        """
The `discriminator` of a request value was removed.

Values are now matched against every variant: one that matched several (told apart by the
discriminator before) is now rejected by `oneOf`.
Before: `discriminator: {propertyName: kind}`. After: none.
""",
        """
The `discriminator` of a response value was removed.

The bytes returned are the same, but generated readers that picked the variant from it change
their types; a reviewer must look.
Before: `discriminator: {propertyName: kind}`. After: none.
""",
    ),
    *mirrored(
        DISCRIMINATOR_PROPERTY_CHANGED,
        B,
        W,
        "{subject} discriminator propertyName changed from {old} to {new}",
        """
The `propertyName` of a request value's `discriminator` changed.

The API now picks the variant by another property: values clients send are read as another
variant, or rejected.
Before: `discriminator: {propertyName: kind}`. After: `discriminator: {propertyName: type}`.
""",
        """
The `propertyName` of a response value's `discriminator` changed.

The bytes returned are the same, but generated readers pick the variant by another property
and change their types; a reviewer must look.
Before: `discriminator: {propertyName: kind}`. After: `discriminator: {propertyName: type}`.
""",
    ),
    *mirrored(
        ONEOF_BECAME_ANYOF,
        S,
        W,
        "{subject} oneOf became anyOf: a value may now match several variants",
        """
A request value's `oneOf` became `anyOf` over variants that overlap (a value may match more
than one: open objects without a required property, `const` or type of their own).

`oneOf` rejected a value that matched several variants; `anyOf` accepts it: every value
clients sent is still accepted. Over disjoint variants the two accept the same: no change.
Before: `oneOf: [{properties: {a: ...}}, {properties: {b: ...}}]`. After: the same as `anyOf`.
""",
        """
A response value's `oneOf` became `anyOf` over variants that overlap.

The API may now return a value that matches several variants, which a reader written for
`oneOf` (one variant per value) cannot place; a reviewer must look.
Before: `oneOf: [{properties: {a: ...}}, {properties: {b: ...}}]`. After: the same as `anyOf`.
""",
    ),
    *mirrored(
        ANYOF_BECAME_ONEOF,
        B,
        S,
        "{subject} anyOf became oneOf: a value that matches several variants is now rejected",
        """
A request value's `anyOf` became `oneOf` over variants that overlap.

A value that matches more than one variant (`{a: 1, b: 2}` against two open objects) was
accepted and is now rejected. Over disjoint variants (each requires a property, holds a
`const` or has a type the others lack) the two accept the same: no change.
Before: `anyOf: [{properties: {a: ...}}, {properties: {b: ...}}]`. After: the same as `oneOf`.
""",
        """
A response value's `anyOf` became `oneOf` over variants that overlap: every value returned
now matches exactly one variant, a stronger promise.
Before: `anyOf: [{properties: {a: ...}}, {properties: {b: ...}}]`. After: the same as `oneOf`.
""",
    ),
    *mirrored(
        DISCRIMINATOR_MAPPING_ADDED,
        S,
        W,
        "{subject} discriminator mapping gained value {value}",
        """
A request discriminator mapping gained an entry: a new value clients may send.

Every value clients sent still maps as before.
Before: `mapping: {cat: Cat}`. After: `mapping: {cat: Cat, dog: Dog}`.
""",
        """
A response discriminator mapping gained an entry: a value readers may not know (like an enum
value added); a reviewer must look.
""",
    ),
    *mirrored(
        SCHEMA_ADDED,
        B,
        S,
        "{subject} gained a schema",
        """
A request media type that had no schema (any content) gained one.

Content clients sent may not match it and is now rejected.
Before: `application/json: {}`. After: `application/json: {schema: {type: object}}`.
""",
        """
A response media type that had no schema gained one: a promise added.
""",
    ),
    *mirrored(
        SCHEMA_REMOVED,
        S,
        W,
        "{subject} no longer has a schema",
        """
A request media type lost its schema: any content is now accepted.
""",
        """
A response media type lost its schema: the API may now return anything there.

Readers that relied on the shape may fail; a reviewer must look.
""",
    ),
    *mirrored(
        SCHEMA_DEPRECATED,
        S,
        S,
        "{subject} was deprecated",
        """
A request value or property was marked `deprecated: true`.

Nothing changes on the wire yet; it is reported so reviewers and changelogs see it.
Before: `nickname: {type: string}`. After: `nickname: {type: string, deprecated: true}`.
""",
        """
A response value or property was marked `deprecated: true`: readers should plan for its removal.
""",
    ),
    *mirrored(
        SCHEMA_UNDEPRECATED,
        S,
        S,
        "{subject} is no longer deprecated",
        """
A request value or property is no longer `deprecated`.
""",
        """
A response value or property is no longer `deprecated`.
""",
    ),
    *mirrored(
        STABILITY_DECREASED,
        B,
        B,
        "{subject} x-stability-level lowered from {old} to {new}",
        """
The `x-stability-level` of a request schema or property was lowered (stable → beta; a schema
without one is stable).

Its contract no longer holds as firmly: it may change without notice, which breaks the promise
clients built on.
Before: `x-stability-level: stable`. After: `x-stability-level: beta`.
""",
        """
The `x-stability-level` of a response schema or property was lowered (stable → beta).

Readers relied on a stable contract that may now change without notice.
""",
    ),
    *mirrored(
        STABILITY_INCREASED,
        S,
        S,
        "{subject} x-stability-level raised from {old} to {new}",
        """
The `x-stability-level` of a request schema or property was raised (beta → stable): a firmer
promise.
""",
        """
The `x-stability-level` of a response schema or property was raised (beta → stable).
""",
    ),
)
