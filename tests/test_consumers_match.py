"""Matching interactions to operations (SPEC 5.1): method + path template, path parameters by
their schema, server base paths, the most specific template first."""

from __future__ import annotations

from pathlib import Path

import pytest

from oasguard.consumers.match import OperationIndex
from oasguard.consumers.model import Evidence, Interaction, Request, Response, Source
from oasguard.load import load
from oasguard.model import normalise
from oasguard.sources import file_spec

DOCUMENT = """\
openapi: 3.0.3
info: {title: matching, version: 1.0.0}
servers:
  - url: https://api.example.com/v1
  - url: /api/v2
paths:
  /pets/{id}:
    get:
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}}
      responses: {'200': {description: ok}}
  /pets/mine:
    get:
      responses: {'200': {description: ok}}
  /items/{name}:
    get:
      parameters:
        - {name: name, in: path, required: true, schema: {type: string}}
      responses: {'200': {description: ok}}
  /items/special:
    get:
      responses: {'200': {description: ok}}
  /files/{name}.json:
    get:
      parameters:
        - {name: name, in: path, required: true, schema: {type: string, enum: [a, b]}}
      responses: {'200': {description: ok}}
  /pets:
    post:
      responses: {'201': {description: ok}}
"""


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> OperationIndex:
    path: Path = tmp_path_factory.mktemp("match") / "api.yaml"
    path.write_text(DOCUMENT)
    return OperationIndex(normalise(load(file_spec(str(path)))))


def _call(method: str, path: str, pattern: str | None = None) -> Interaction:
    request = Request(method, path, path_pattern=pattern)
    return Interaction("c", Source("f", 0), "d", Evidence.HAR, request, Response(200))


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("GET", "/pets/42", "GET /pets/{id}"),
        ("GET", "/pets/mine", "GET /pets/mine"),  # not an integer: only the literal template fits
        ("GET", "/v1/pets/42", "GET /pets/{id}"),  # the server's base path
        ("GET", "/api/v2/pets/7", "GET /pets/{id}"),  # a relative server URL's base path
        ("GET", "/items/special", "GET /items/special"),  # both fit: the most specific wins
        ("GET", "/items/other", "GET /items/{name}"),
        ("GET", "/items/some%20thing", "GET /items/{name}"),
        ("GET", "/files/a.json", "GET /files/{name}.json"),
        ("POST", "/v1/pets", "POST /pets"),
        ("GET", "/pets/abc", None),  # `abc` is no integer and there is no other template
        ("DELETE", "/pets/42", None),  # no such method
        ("GET", "/files/c.json", None),  # not in the parameter's enum
        ("GET", "/v3/pets/42", None),  # not a base path of the document
        ("GET", "/pets/42/extra", None),
    ],
)
def test_match(index, method, path, expected):
    found = index.match(_call(method, path))
    assert (found.title if found else None) == expected


def test_a_wiremock_path_pattern_matches_the_template_it_stands_for(index):
    found = index.match(_call("GET", "/v1/pets/[0-9]+", pattern="/v1/pets/[0-9]+"))
    assert found is not None and found.title == "GET /pets/{id}"
    assert index.match(_call("GET", "/nothing/.*", pattern="/nothing/.*")) is None


def test_path_values_are_read_in_template_order(index):
    interaction = _call("GET", "/v1/pets/42")
    assert index.path_values(interaction, index.match(interaction)) == ("42",)
