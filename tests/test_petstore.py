"""The shipped petstore pair: the ten intended breaking changes of EXPECTED.md, in 3.0 and 2.0."""

from __future__ import annotations

import pytest

from conftest import FIXTURES
from oasguard.engine import diff_paths

#: EXPECTED.md's breaking changes (B1-B10): (rule id, operation, text in the message)
EXPECTED = [
    ("B1", "operation-removed", "DELETE /pets/{petId}", "DELETE"),
    ("B2", "required-request-parameter-added", "GET /pets", "'owner'"),
    ("B3", "request-bound-tightened", "GET /pets", "maximum"),
    ("B4", "request-enum-value-removed", "GET /pets", "'sold'"),
    # SPEC 3.2: a path parameter is sent as text, and a plain string takes every integer's text
    ("B5", "request-type-widened-as-text", "GET /pets/{petId}", "'petId'"),
    ("B6", "response-media-type-removed", "GET /pets/{petId}", "application/xml"),
    ("B7", "security-requirement-added", "GET /stores/{storeId}/inventory", "api_key"),
    ("B8", "response-property-removed", "GET /pets", "'[].name'"),  # an array body keeps its []
    ("B8", "response-property-removed", "POST /pets", "'name'"),
    ("B8", "response-property-removed", "GET /pets/{petId}", "'name'"),
    # SPEC 3.2 makes a new response enum value a warning (EXPECTED.md: "tools disagree")
    ("B9", "response-enum-value-added", "GET /pets/{petId}", "'adopted'"),
    ("B10", "request-property-became-required", "POST /pets", "'tag'"),
]


@pytest.mark.parametrize("folder", ["petstore", "petstore-swagger2"])
def test_every_intended_change_is_found(folder):
    report = diff_paths(FIXTURES / folder / "base.yaml", FIXTURES / folder / "revision.yaml")
    for label, rule_id, operation, text in EXPECTED:
        found = [
            c for c in report.changes if c.id == rule_id and c.operation == operation and text in c.message
        ]
        assert found, f"{label}: no {rule_id} on {operation} mentioning {text}"
        level = {"B5": "safe", "B9": "warning"}.get(label, "breaking")
        assert found[0].level.value == level, label


@pytest.mark.parametrize("folder", ["petstore", "petstore-swagger2"])
def test_nothing_intended_as_safe_is_breaking(folder):
    report = diff_paths(FIXTURES / folder / "base.yaml", FIXTURES / folder / "revision.yaml")
    breaking = {(c.id, c.operation) for c in report.changes if c.level.value == "breaking"}
    expected = {(rule_id, op) for label, rule_id, op, _ in EXPECTED if label not in ("B5", "B9")}
    assert breaking == expected
    safe = {(c.id, c.operation) for c in report.changes if c.level.value == "safe"}
    assert ("operation-added", "PUT /pets/{petId}") in safe
    assert ("optional-request-parameter-added", "GET /pets") in safe
    assert ("response-property-added", "GET /pets/{petId}") in safe
    assert not any("description" in c.message or "summary" in c.message for c in report.changes)


def test_swagger2_and_openapi3_of_the_same_api_differ_only_where_2_0_cannot_say_it():
    report = diff_paths(FIXTURES / "petstore" / "base.yaml", FIXTURES / "petstore-swagger2" / "base.yaml")
    # Swagger 2.0's `produces` applies to every response of an operation, the 404 too.
    assert [(c.id, c.location) for c in report.changes] == [
        ("response-media-type-added", "GET /pets/{petId} › response 404 › application/xml")
    ]
