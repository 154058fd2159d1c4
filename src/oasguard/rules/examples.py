"""Before/after examples for the rules whose docstring does not carry one: `oasguard explain`
and docs/rules.md show them (a rule written with `Before: ... After: ...` in its docstring
needs no entry here)."""

from __future__ import annotations

#: schema rules, by what follows `request-` / `response-`: the same change on either side (a
#: request body or parameter schema, or a response body or header schema)
_SCHEMA = {
    "required-property-added": ("`{properties: {id}}`", "`{properties: {id, etag}, required: [etag]}`"),
    "property-added": ("`{properties: {id}}`", "`{properties: {id, nickname}}`"),
    "property-removed": ("`{properties: {id, nickname}}`", "`{properties: {id}}`"),
    "property-removed-from-closed-object": (
        "`{properties: {id, nickname}, additionalProperties: false}`",
        "`{properties: {id}, additionalProperties: false}`",
    ),
    "optional-property-removed": ("`{properties: {id, nickname}}`", "`{properties: {id}}`"),
    "property-became-required": ("`{properties: {name}}`", "`{properties: {name}, required: [name]}`"),
    "property-became-optional": ("`{properties: {name}, required: [name]}`", "`{properties: {name}}`"),
    "property-became-read-only": ("`name: {type: string}`", "`name: {type: string, readOnly: true}`"),
    "property-became-write-only": (
        "`password: {type: string}`",
        "`password: {type: string, writeOnly: true}`",
    ),
    "property-renamed": (
        "`{properties: {user_name: {type: string}}}`",
        "`{properties: {userName: {type: string}}}`",
    ),
    "type-changed": ("`{type: string}`", "`{type: object}`"),
    "type-widened": ("`{type: integer}`", "`{type: number}`"),
    "type-narrowed": ("`{type: number}`", "`{type: integer}`"),
    "format-changed": ("`{type: string, format: date-time}`", "`{type: string, format: date}`"),
    "format-widened": ("`{type: integer, format: int32}`", "`{type: integer, format: int64}`"),
    "format-narrowed": ("`{type: integer, format: int64}`", "`{type: integer, format: int32}`"),
    "nullable-added": (
        "`{type: string}`",
        "`{type: string, nullable: true}` (3.1: `type: [string, 'null']`)",
    ),
    "nullable-removed": ("`{type: string, nullable: true}`", "`{type: string}`"),
    "enum-value-added": ("`{enum: [cat, dog]}`", "`{enum: [cat, dog, bird]}`"),
    "enum-value-removed": ("`{enum: [cat, dog, bird]}`", "`{enum: [cat, dog]}`"),
    "bound-tightened": ("`{type: string, maxLength: 100}`", "`{type: string, maxLength: 50}`"),
    "bound-loosened": ("`{type: string, maxLength: 50}`", "`{type: string, maxLength: 100}`"),
    "pattern-added": ("`{type: string}`", "`{type: string, pattern: '^[a-z]+$'}`"),
    "pattern-removed": ("`{type: string, pattern: '^[a-z]+$'}`", "`{type: string}`"),
    "pattern-changed": ("`{pattern: '^[a-z]+$'}`", "`{pattern: '^[a-z0-9]+$'}`"),
    "additional-properties-closed": ("`{type: object}`", "`{type: object, additionalProperties: false}`"),
    "additional-properties-opened": ("`{type: object, additionalProperties: false}`", "`{type: object}`"),
    "variant-added": ("`{oneOf: [Cat, Dog]}`", "`{oneOf: [Cat, Dog, Bird]}`"),
    "variant-removed": ("`{oneOf: [Cat, Dog, Bird]}`", "`{oneOf: [Cat, Dog]}`"),
    "discriminator-changed": (
        "`discriminator: {propertyName: kind, mapping: {cat: '#/components/schemas/Cat'}}`",
        "`discriminator: {propertyName: kind, mapping: {cat: '#/components/schemas/Feline'}}`",
    ),
    "default-changed": ("`{type: integer, default: 20}`", "`{type: integer, default: 50}`"),
    "condition-changed": (
        "`{if: {properties: {kind: {const: a}}}, then: {required: [x]}}`",
        "`{if: {properties: {kind: {const: b}}}, then: {required: [x]}}`",
    ),
    "content-changed": (
        "`{type: string, contentEncoding: base64}`",
        "`{type: string, contentEncoding: base32}`",
    ),
    "discriminator-added": (
        "`{oneOf: [Cat, Dog]}`",
        "`{oneOf: [Cat, Dog], discriminator: {propertyName: kind}}`",
    ),
    "discriminator-removed": (
        "`{oneOf: [Cat, Dog], discriminator: {propertyName: kind}}`",
        "`{oneOf: [Cat, Dog]}`",
    ),
    "discriminator-mapping-added": (
        "`mapping: {cat: '#/components/schemas/Cat'}`",
        "`mapping: {cat: '#/components/schemas/Cat', dog: '#/components/schemas/Dog'}`",
    ),
    "schema-added": ("`content: {application/json: {}}`", "`content: {application/json: {schema: Pet}}`"),
    "schema-removed": ("`content: {application/json: {schema: Pet}}`", "`content: {application/json: {}}`"),
    "schema-deprecated": ("`nickname: {type: string}`", "`nickname: {type: string, deprecated: true}`"),
    "schema-undeprecated": ("`nickname: {type: string, deprecated: true}`", "`nickname: {type: string}`"),
    "stability-decreased": ("`Pet: {x-stability-level: stable}`", "`Pet: {x-stability-level: beta}`"),
    "stability-increased": ("`Pet: {x-stability-level: beta}`", "`Pet: {x-stability-level: stable}`"),
}

EXAMPLES: dict[str, tuple[str, str]] = {
    **{f"request-{suffix}": example for suffix, example in _SCHEMA.items()},
    **{f"response-{suffix}": example for suffix, example in _SCHEMA.items()},
    # paths
    "path-added": ("`paths: {/pets}`", "`paths: {/pets, /owners}`"),
    "operation-added": ("`/pets: {get}`", "`/pets: {get, post}`"),
    "operation-deprecated": ("`get: {...}`", "`get: {deprecated: true, x-sunset: 2027-01-01}`"),
    "webhook-removed": ("`webhooks: {newPet: {post: ...}}`", "`webhooks: {}`"),
    "webhook-added": ("`webhooks: {}`", "`webhooks: {newPet: {post: ...}}`"),
    "server-removed": (
        "`servers: [{url: https://api.example.com}, {url: https://eu.example.com}]`",
        "`servers: [{url: https://api.example.com}]`",
    ),
    "server-added": (
        "`servers: [{url: https://api.example.com}]`",
        "`servers: [{url: https://api.example.com}, {url: https://eu.example.com}]`",
    ),
    # parameters
    "optional-request-parameter-added": ("`GET /pets`", "`GET /pets?verbose=...` with `verbose` optional"),
    "request-parameter-removed": ("`parameters: [{name: limit, in: query}]`", "`parameters: []`"),
    "request-parameter-became-optional": (
        "`{name: owner, in: query, required: true}`",
        "`{name: owner, in: query}`",
    ),
    "request-parameter-style-changed": (
        "`{name: ids, in: query, schema: {type: array}, explode: true}` (`?ids=1&ids=2`)",
        "`{name: ids, in: query, schema: {type: array}, explode: false}` (`?ids=1,2`)",
    ),
    "request-parameter-default-changed": (
        "`{name: limit, in: query, schema: {type: integer, default: 20}}`",
        "`{name: limit, in: query, schema: {type: integer, default: 50}}`",
    ),
    "request-parameter-renamed": ("`{name: page_size, in: query}`", "`{name: pageSize, in: query}`"),
    "required-request-parameter-renamed": (
        "`{name: owner_id, in: query, required: true}`",
        "`{name: ownerId, in: query, required: true}`",
    ),
    "request-parameter-undeprecated": (
        "`{name: sort, in: query, deprecated: true}`",
        "`{name: sort, in: query}`",
    ),
    "request-parameter-allow-empty-value-added": (
        "`{name: q, in: query}`",
        "`{name: q, in: query, allowEmptyValue: true}`",
    ),
    # request body
    "request-body-deprecated": (
        "`requestBody: {content: ...}`",
        "`requestBody: {deprecated: true, content: ...}`",
    ),
    "request-body-undeprecated": (
        "`requestBody: {deprecated: true, content: ...}`",
        "`requestBody: {content: ...}`",
    ),
    "required-request-body-added": (
        "`post: {responses: ...}`",
        "`post: {requestBody: {required: true, ...}}`",
    ),
    "optional-request-body-added": (
        "`post: {responses: ...}`",
        "`post: {requestBody: {required: false, ...}}`",
    ),
    "request-body-removed": ("`post: {requestBody: {...}}`", "`post: {responses: ...}` (no requestBody)"),
    "request-body-became-required": ("`requestBody: {required: false}`", "`requestBody: {required: true}`"),
    "request-body-became-optional": ("`requestBody: {required: true}`", "`requestBody: {required: false}`"),
    "request-media-type-added": (
        "`content: {application/json}`",
        "`content: {application/json, application/xml}`",
    ),
    # responses
    "response-status-removed": ("`responses: {200, 404}`", "`responses: {200}`"),
    "response-status-added": ("`responses: {200}`", "`responses: {200, 429}`"),
    "response-media-type-added": (
        "`200: {content: {application/json}}`",
        "`200: {content: {application/json, text/csv}}`",
    ),
    "response-required-header-removed": ("`headers: {X-Rate-Limit: {required: true}}`", "`headers: {}`"),
    "response-optional-header-removed": ("`headers: {X-Trace: {...}}`", "`headers: {}`"),
    "response-header-added": ("`headers: {}`", "`headers: {X-Trace: {...}}`"),
    "response-header-became-optional": (
        "`headers: {X-Rate-Limit: {required: true}}`",
        "`headers: {X-Rate-Limit: {required: false}}`",
    ),
    "response-header-became-required": (
        "`headers: {X-Rate-Limit: {required: false}}`",
        "`headers: {X-Rate-Limit: {required: true}}`",
    ),
    "response-header-deprecated": (
        "`X-Rate-Limit: {schema: ...}`",
        "`X-Rate-Limit: {deprecated: true, schema: ...}`",
    ),
    "response-header-undeprecated": (
        "`X-Rate-Limit: {deprecated: true, schema: ...}`",
        "`X-Rate-Limit: {schema: ...}`",
    ),
    "response-header-style-changed": (
        "`X-Ids: {schema: {type: array}, explode: false}` (`1,2`)",
        "`X-Ids: {schema: {type: object}, explode: true}` (`a=1,b=2`)",
    ),
    # security schemes
    "security-scheme-type-changed": (
        "`api_key: {type: apiKey, in: header, name: X-Key}`",
        "`api_key: {type: http, scheme: bearer}`",
    ),
    "security-scheme-flow-removed": (
        "`oauth: {flows: {implicit: ..., authorizationCode: ...}}`",
        "`oauth: {flows: {authorizationCode: ...}}`",
    ),
    "security-scheme-url-changed": (
        "`tokenUrl: https://auth.example.com/token`",
        "`tokenUrl: https://login.example.com/token`",
    ),
    "security-scheme-scope-removed": ("`scopes: {read: ..., write: ...}`", "`scopes: {read: ...}`"),
    "security-scheme-scope-added": ("`scopes: {read: ...}`", "`scopes: {read: ..., write: ...}`"),
    "security-scheme-added": (
        "`securitySchemes: {oauth}`",
        "`securitySchemes: {oauth, api_key}` (no requirement names `api_key`)",
    ),
    "security-scheme-removed": (
        "`securitySchemes: {oauth, legacy}` (no requirement names `legacy`)",
        "`securitySchemes: {oauth}`",
    ),
    # security
    "security-alternative-added": (
        "`security: [{oauth: [read]}]`",
        "`security: [{oauth: [read]}, {api_key: []}]`",
    ),
    "security-requirement-removed": (
        "`security: [{oauth: [read]}, {api_key: []}]`",
        "`security: [{oauth: [read]}]`",
    ),
    "security-scope-removed": ("`security: [{oauth: [read, write]}]`", "`security: [{oauth: [read]}]`"),
}


def example(rule_id: str, doc: str) -> tuple[str, str] | None:
    """The before/after example of a rule whose docstring has none, else None."""
    if "Before:" in doc and "After:" in doc:
        return None
    return EXAMPLES.get(rule_id)
