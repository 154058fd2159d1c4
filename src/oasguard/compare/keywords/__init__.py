"""The keyword checkers of the schema comparison, and the table that dispatches to them.

The walk (compare/schema.py) meets a pair of nodes and asks each checker below about its own
keywords; a checker appends facts and the child pairs to walk next. `ALWAYS` run on every pair
(the OpenAPI 3.0 core, with `properties` and the `oneOf`/`anyOf` of a schema that constrains
more); `BY_KEYWORD` only when one side of the pair writes that keyword, so a document that uses
none of them costs nothing more. A new keyword is one checker in the module of its family and
one line here. A checker recurses only through the `Comparer` it is handed (base.py): walks,
fits and memo tables, as jsonschema's keywords recurse only through their validator.
"""

from __future__ import annotations

from oasguard.compare.keywords import (
    arrays,
    bounds,
    compositions,
    conditionals,
    content,
    discriminator,
    enum,
    metadata,
    objects,
    properties,
    types,
)
from oasguard.compare.keywords.base import Checker, Comparer, Edge, LocalFact, Token
from oasguard.compare.keywords.types import compare_types

__all__ = [
    "ALWAYS",
    "BY_KEYWORD",
    "Checker",
    "Comparer",
    "Edge",
    "LocalFact",
    "Token",
    "compare_types",
    "compositions",
]

#: checkers run on every pair whose types allow comparing further (after `compare_types`), each
#: with the `Schema` fields it compares. A checker is called only when either node holds one of
#: them at other than the field's default (its keyword written on either side): with all of them
#: at their defaults on both sides, each of these finds the two sides equal at its first test and
#: returns, so the call is skipped (compare/schema.py `_pair`; tests/test_dispatch.py).
ALWAYS: tuple[tuple[Checker, tuple[str, ...]], ...] = (
    (types.check_nullable, ("nullable",)),
    (types.check_format, ("format",)),
    (enum.check_enum, ("enum",)),
    (bounds.check_bounds, ("bounds",)),
    (bounds.check_pattern, ("pattern",)),
    (metadata.check_default, ("default",)),
    (objects.check_additional, ("additional",)),
    (arrays.check_items, ("items",)),
    (discriminator.check_discriminator, ("discriminator",)),
    (properties.check_properties, ("properties", "required")),
    (compositions.check_variants, ("one_of", "any_of")),
)

#: keyword -> its checker, run when either node writes the keyword (see model `Keywords`)
BY_KEYWORD: dict[str, Checker] = {
    "prefixItems": arrays.check_prefix_items,
    "contains": arrays.check_contains,
    "unevaluatedItems": arrays.check_unevaluated_items,
    "propertyNames": objects.check_property_names,
    "patternProperties": objects.check_pattern_properties,
    "dependentSchemas": objects.check_dependent_schemas,
    "dependentRequired": objects.check_dependent_required,
    "unevaluatedProperties": objects.check_unevaluated_properties,
    "if": conditionals.check_conditional,
    "then": conditionals.check_conditional,
    "else": conditionals.check_conditional,
    "not": conditionals.check_not,
    "contentMediaType": content.check_content,
    "contentEncoding": content.check_content,
    "contentSchema": content.check_content,
    "deprecated": metadata.check_deprecated,
    "x-stability-level": metadata.check_stability,
    # `const` is an enum of one value: check_enum (always run) compares it
}
