"""Parameter values decoded by their serialisation (`style`/`explode`, arrays and objects in
query strings, cookies) before their schema checks them, and security requirements met by a
header, a query parameter or a cookie; each with a conforming and a drifting interaction."""

from __future__ import annotations

import pytest

from conftest import FIXTURES
from oasguard.consumers.model import Evidence, Interaction, Request, Response, Source
from oasguard.load import load
from oasguard.sources import file_spec
from oasguard.verify import verify

COOKIE = (("Cookie", "session=42"),)


def call(path: str, query: tuple = (), headers: tuple = (), status: int = 204) -> Interaction:
    return Interaction(
        consumer="app",
        source=Source("app.har", 0),
        description=path,
        evidence=Evidence.HAR,
        request=Request("GET", path, query, headers),
        response=Response(status),
    )


CASES = [
    ("simple array in a path", call("/simple/1,2,3"), set()),
    ("simple array with a non-integer", call("/simple/1,x"), {"request.path.unknown"}),
    ("label array", call("/label/.1,2"), set()),
    ("matrix primitive", call("/matrix/;id=5"), set()),
    ("matrix primitive over its maximum", call("/matrix/;id=50"), {"request.path.unknown"}),
    (
        "deepObject conforms",
        call("/search", (("filter[color]", "red"), ("filter[size]", "3")), COOKIE),
        set(),
    ),
    (
        "deepObject value outside its enum",
        call("/search", (("filter[color]", "green"),), COOKIE),
        {"request.parameter.incompatible"},
    ),
    ("exploded form array", call("/search", (("tags", "a"), ("tags", "b")), COOKIE), set()),
    (
        "exploded form array item outside its enum",
        call("/search", (("tags", "a"), ("tags", "c")), COOKIE),
        {"request.parameter.incompatible"},
    ),
    ("pipe-delimited array", call("/search", (("ids", "1|2"),), COOKIE), set()),
    (
        "pipe-delimited array with text",
        call("/search", (("ids", "1|two"),), COOKIE),
        {"request.parameter.incompatible"},
    ),
    ("required cookie missing", call("/search"), {"request.parameter.missing"}),
    (
        "cookie of the wrong type",
        call("/search", headers=(("Cookie", "session=abc"),)),
        {"request.parameter.incompatible"},
    ),
    ("header parameter", call("/search", headers=(*COOKIE, ("X-Trace", "7"))), set()),
    (
        "header parameter of the wrong type",
        call("/search", headers=(*COOKIE, ("X-Trace", "seven"))),
        {"request.parameter.incompatible"},
    ),
    ("exploded form object", call("/point", (("x", "1"), ("y", "2"))), set()),
    (
        "exploded form object missing",
        call("/point", (("z", "1"),)),
        {"request.parameter.missing", "request.parameter.undeclared"},
    ),
    ("api key in the query", call("/secure-query", (("key", "k"),)), set()),
    ("api key in the query missing", call("/secure-query"), {"request.security.missing"}),
    ("an expected 401 may lack the credential", call("/secure-query", status=401), set()),
    ("api key in a cookie", call("/secure-cookie", headers=(("Cookie", "sid=s"),)), set()),
    (
        "api key in a cookie missing",
        call("/secure-cookie", headers=(("Cookie", "other=1"),)),
        {"request.security.missing"},
    ),
    ("bearer token", call("/secure-bearer", headers=(("Authorization", "Bearer t"),)), set()),
    ("either alternative", call("/secure-bearer", (("key", "k"),)), set()),
    ("no alternative met", call("/secure-bearer"), {"request.security.missing"}),
]


@pytest.mark.parametrize(("case", "given", "expected"), CASES, ids=[case[0] for case in CASES])
def test_serialisation_and_security(case: str, given: Interaction, expected: set[str]) -> None:
    result = verify(load(file_spec(str(FIXTURES / "verify" / "styles-3.0.yaml"))), [given])
    assert {p.id for p in result.outcomes[0].problems} == expected, case


def test_the_security_problem_says_what_to_send() -> None:
    result = verify(load(file_spec(str(FIXTURES / "verify" / "styles-3.0.yaml"))), [call("/secure-bearer")])
    (problem,) = result.outcomes[0].problems
    assert "an Authorization header (bearer)" in problem.message
    assert "the query 'key' (queryKey)" in problem.message
