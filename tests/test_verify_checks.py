"""verify's checks, each with a conforming and a drifting interaction, on the same shop API
written as Swagger 2.0, OpenAPI 3.0 and OpenAPI 3.1 (fixtures/verify/shop-*.yaml)."""

from __future__ import annotations

import pytest

from conftest import FIXTURES
from oasguard.consumers.model import ABSENT, Evidence, Interaction, Matcher, Request, Response, Source
from oasguard.load import load
from oasguard.sources import file_spec
from oasguard.verify import State, verify

DIALECTS = ["shop-2.0.yaml", "shop-3.0.yaml", "shop-3.1.yaml"]
ORDER = {"id": 7, "status": "open", "customer_details": {"name": "Ada"}, "total": 12.5, "note": None}
KEY = (("X-Api-Key", "secret"), ("Content-Type", "application/json"))
NEW = {"items": [{"sku": "A-1", "quantity": 2}], "priority": "high"}


def interaction(
    method: str,
    path: str,
    status: int | None = 200,
    body: object = ABSENT,
    query: tuple = (),
    headers: tuple = (),
    request_body: object = ABSENT,
    evidence: Evidence = Evidence.PACT,
    response_headers: tuple = (),
    matchers: dict | None = None,
) -> Interaction:
    return Interaction(
        consumer="web",
        source=Source("pacts/web.json", 0),
        description=f"{method} {path}",
        evidence=evidence,
        request=Request(method, path, query, headers, request_body),
        response=Response(status, response_headers, body, matchers=matchers or {}),
    )


def ids(document: str, *interactions: Interaction) -> list[set[str]]:
    found = verify(load(file_spec(str(FIXTURES / "verify" / document))), interactions)
    return [{p.id for p in outcome.problems} for outcome in found.outcomes]


# (case, interaction, the problem ids expected); each check has a conforming and a drifting row
CASES = [
    ("operation conforms", interaction("GET", "/api/orders/7", body=ORDER), set()),
    ("unknown path", interaction("GET", "/api/invoices/7", body=ORDER), {"request.path.unknown"}),
    ("unknown method", interaction("DELETE", "/api/orders/7", status=204), {"request.method.unknown"}),
    (  # SPEC 5.1: path parameters are matched by their schema
        "path parameter of the wrong type matches no operation",
        interaction("GET", "/api/orders/seven", body=ORDER),
        {"request.path.unknown"},
    ),
    (
        "query parameters conform",
        interaction("GET", "/api/orders", body=[ORDER], query=(("status", "open"), ("tags", "a,b"))),
        set(),
    ),
    (
        "required query missing",
        interaction("GET", "/api/orders", body=[ORDER]),
        {"request.parameter.missing"},
    ),
    (
        "query value outside its enum",
        interaction("GET", "/api/orders", body=[ORDER], query=(("status", "lost"),)),
        {"request.parameter.incompatible"},
    ),
    (
        "integer query over its maximum",
        interaction("GET", "/api/orders", body=[], query=(("status", "open"), ("limit", "500"))),
        {"request.parameter.incompatible"},
    ),
    (
        "undeclared query parameter is only a warning",
        interaction("GET", "/api/orders", body=[], query=(("status", "open"), ("debug", "1"))),
        {"request.parameter.undeclared"},
    ),
    (
        "header parameter with a bad format",
        interaction(
            "GET", "/api/orders", body=[], query=(("status", "open"),), headers=(("X-Request-Id", "x"),)
        ),
        {"request.parameter.incompatible"},
    ),
    (
        "request body conforms",
        interaction("POST", "/api/orders", status=201, body=ORDER, headers=KEY, request_body=NEW),
        set(),
    ),
    (
        "request body enum tightened",
        interaction(
            "POST",
            "/api/orders",
            status=201,
            body=ORDER,
            headers=KEY,
            request_body={**NEW, "priority": "urgent"},
        ),
        {"request.body.incompatible"},
    ),
    (
        "request body missing",
        interaction("POST", "/api/orders", status=201, body=ORDER, headers=KEY),
        {"request.body.missing"},
    ),
    (
        "request content type not accepted",
        interaction(
            "POST",
            "/api/orders",
            status=201,
            body=ORDER,
            headers=(("X-Api-Key", "k"), ("Content-Type", "text/csv")),
            request_body="a,b",
        ),
        {"request.content-type.unknown"},
    ),
    (
        "security credential missing",
        interaction(
            "POST",
            "/api/orders",
            status=201,
            body=ORDER,
            headers=(("Content-Type", "application/json"),),
            request_body=NEW,
        ),
        {"request.security.missing"},
    ),
    (
        "an expected 4xx may send what the document rejects",
        interaction("POST", "/api/orders", status=400, body={"title": "bad"}, headers=KEY, request_body={}),
        set(),
    ),
    (
        "undocumented status",
        interaction("GET", "/api/orders/7", status=418, body=ORDER),
        {"response.status.unknown"},
    ),
    (
        "response header declared",
        interaction(
            "POST",
            "/api/orders",
            status=201,
            body=ORDER,
            headers=KEY,
            request_body=NEW,
            response_headers=(("Location", "/orders/7"),),
        ),
        set(),
    ),
    (
        "response header undeclared",
        interaction(
            "POST",
            "/api/orders",
            status=201,
            body=ORDER,
            headers=KEY,
            request_body=NEW,
            response_headers=(("X-Rate-Limit", "5"),),
        ),
        {"response.header.unknown"},
    ),
    (
        "response body of the wrong type",
        interaction("GET", "/api/orders/7", body={**ORDER, "total": "12.50"}),
        {"response.body.incompatible"},
    ),
    (
        "response field renamed in the document",
        interaction("GET", "/api/orders/7", body={"id": 7, "status": "open", "customer": {"name": "Ada"}}),
        {"response.body.undeclared-field"},
    ),
    (
        "undeclared field nested in a recursive schema",
        interaction(
            "GET", "/api/orders/7", body={"id": 7, "status": "open", "parent": {"id": 1, "stock": 3}}
        ),
        {"response.body.undeclared-field"},
    ),
    (
        "a free-form object declares every key",
        interaction("GET", "/api/orders/7", body={"id": 7, "status": "open", "metadata": {"any": 1}}),
        set(),
    ),
    (
        "a Pact body names only what the consumer reads (required fields may be left out)",
        interaction("GET", "/api/orders/7", body={"id": 7}),
        set(),
    ),
    (
        "type matcher promises any string: the enum cannot fail it",
        interaction(
            "GET",
            "/api/orders/7",
            body={"id": 7, "status": "pending"},
            matchers={"body": {("status",): (Matcher("type"),)}},
        ),
        set(),
    ),
    (
        "type matcher on the wrong type",
        interaction(
            "GET",
            "/api/orders/7",
            body={"id": "seven", "status": "open"},
            matchers={"body": {("id",): (Matcher("type"),)}},
        ),
        {"response.body.incompatible"},
    ),
    (
        "regex matcher compatible with the enum",
        interaction(
            "GET",
            "/api/orders/7",
            body={"id": 7, "status": "opened"},
            matchers={"body": {"$.status": (Matcher("regex", regex="open|closed|opened"),)}},
        ),
        set(),
    ),
    (
        "regex matcher that no enum value matches",
        interaction(
            "GET",
            "/api/orders/7",
            body={"id": 7, "status": "pending"},
            matchers={"body": {"$.status": (Matcher("regex", regex="pending|paid"),)}},
        ),
        {"response.body.incompatible"},
    ),
    (
        "eachLike: elements checked against the items' schema",
        interaction(
            "GET",
            "/api/orders",
            query=(("status", "open"),),
            body=[{"id": 1.5, "status": "open"}],
            matchers={"body": {(): (Matcher("type", min=1),)}},
        ),
        {"response.body.incompatible"},
    ),
    (
        "integer matcher on a number field",
        interaction(
            "GET",
            "/api/orders/7",
            body={"id": 7, "status": "open", "total": 12},
            matchers={"body": {("total",): (Matcher("integer"),)}},
        ),
        set(),
    ),
    (
        "timestamp matcher on a date-time field",
        interaction(
            "GET",
            "/api/orders/7",
            body={"id": 7, "status": "open", "created": "2024-01-02T03:04:05Z"},
            matchers={"body": {("created",): (Matcher("timestamp", format="yyyy-MM-dd'T'HH:mm:ssX"),)}},
        ),
        set(),
    ),
    (
        "date matcher where the document promises a date-time",
        interaction(
            "GET",
            "/api/orders/7",
            body={"id": 7, "status": "open", "created": "2024-01-02"},
            matchers={"body": {("created",): (Matcher("date", format="yyyy-MM-dd"),)}},
        ),
        {"response.body.incompatible"},
    ),
    (
        "type matcher on a date-time field promises any string",
        interaction(
            "GET",
            "/api/orders/7",
            body={"id": 7, "status": "open", "created": "yesterday"},
            matchers={"body": {("created",): (Matcher("type"),)}},
        ),
        set(),
    ),
    (
        "a recorded date-time that is not one",
        interaction(
            "GET",
            "/api/orders/7",
            body={"id": 7, "status": "open", "created": "yesterday"},
            evidence=Evidence.HAR,
        ),
        {"response.body.incompatible"},
    ),
    (
        "decimal matcher where the document promises an integer",
        interaction(
            "GET",
            "/api/orders/7",
            body={"id": 7.5, "status": "open"},
            matchers={"body": {("id",): (Matcher("decimal"),)}},
        ),
        {"response.body.incompatible"},
    ),
]


@pytest.mark.parametrize("document", DIALECTS)
@pytest.mark.parametrize(("case", "given", "expected"), CASES, ids=[case[0] for case in CASES])
def test_check(document: str, case: str, given: Interaction, expected: set[str]) -> None:
    (found,) = ids(document, given)
    assert found == expected, case


@pytest.mark.parametrize("document", DIALECTS)
def test_null_where_the_document_allows_it_and_where_it_does_not(document: str) -> None:
    nullable, not_nullable = ids(
        document,
        interaction("GET", "/api/orders/7", body={"id": 7, "status": "open", "note": None}),
        interaction("GET", "/api/orders/7", body={"id": 7, "status": "open", "total": None}),
    )
    assert nullable == set()  # 3.0 `nullable`, 3.1 a type list, Swagger 2.0 `x-nullable`
    assert not_nullable == {"response.body.incompatible"}


def test_states_and_summary() -> None:
    found = verify(
        load(file_spec(str(FIXTURES / "verify" / "shop-3.0.yaml"))),
        [
            interaction("GET", "/api/orders/7", body=ORDER),
            interaction("GET", "/api/orders/7", status=418),
            interaction("GET", "/nowhere"),
        ],
    )
    assert [o.state for o in found.outcomes] == [State.CONFORMING, State.DRIFTING, State.UNMATCHED]
    assert found.summary() == {
        "interactions": 3,
        "conforming": 1,
        "drifting": 1,
        "unmatched": 1,
        "warnings": 0,
    }
    problem = found.outcomes[1].problems[0]
    assert problem.pointer == "/paths/~1orders~1{orderId}/get/responses"
    assert "418" in problem.message and "200, 404" in problem.message
