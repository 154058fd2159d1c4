"""A parameter or form field sent as text whose type widens as text is safe (SPEC 3.2), through
the command line: `?limit=10` is the text `10` whatever the schema says, so a plain string takes
every integer, number or boolean that was sent. A JSON body keeps the type rule, and so does a
string that a `pattern`, `format`, `enum` or length bound could refuse an old value's text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, run_cli

WIDENED = "request-type-widened-as-text"
CHANGED = "request-type-changed"


def _ids(tmp_path: Path, base: dict, revision: dict) -> list[tuple[str, str, str]]:
    paths = tmp_path / "base.yaml", tmp_path / "revision.yaml"
    for path, doc in zip(paths, (base, revision), strict=True):
        path.write_text(yaml.safe_dump(doc, sort_keys=False))
    run = run_cli("diff", *map(str, paths), "--format", "json")
    assert run.returncode in (0, 1), run.stderr
    changes = json.loads(run.stdout)["changes"]
    assert run.returncode == (1 if any(c["level"] == "breaking" for c in changes) else 0)
    return [(c["id"], c["level"], c["message"]) for c in changes]


def _with_parameter(where: str, schema: dict) -> dict:
    path = "/pets/{petId}" if where == "path" else "/pets"
    parameter = {"name": "petId" if where == "path" else "limit", "in": where, "schema": schema}
    if where == "path":
        parameter["required"] = True
    op = {"parameters": [parameter], "responses": {"200": {"description": "ok"}}}
    return {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {path: {"get": op}}}


def _with_body(media: str, fields: dict) -> dict:
    schema = {"type": "object", "properties": fields}
    body = {"required": True, "content": {media: {"schema": schema}}}
    op = {"requestBody": body, "responses": {"204": {"description": "ok"}}}
    return {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/orders": {"post": op}}}


# --- parameters: every location is text -----------------------------------------------------------


@pytest.mark.parametrize("where", ["path", "query", "header", "cookie"])
@pytest.mark.parametrize("old", ["integer", "number", "boolean"])
def test_a_parameter_widened_to_a_plain_string_is_safe(tmp_path, where, old):
    name = "petId" if where == "path" else "limit"
    found = _ids(tmp_path, _with_parameter(where, {"type": old}), _with_parameter(where, {"type": "string"}))
    assert found == [
        (WIDENED, "safe", f"{where} parameter '{name}' type widened as text from {old} to string")
    ]


def test_the_items_of_an_array_query_parameter_widened(tmp_path):
    base = _with_parameter("query", {"type": "array", "items": {"type": "integer"}})
    revision = _with_parameter("query", {"type": "array", "items": {"type": "string"}})
    assert [rule for rule, _, _ in _ids(tmp_path, base, revision)] == [WIDENED]


@pytest.mark.parametrize(
    ("new", "why"),
    [
        ({"type": "string", "pattern": "^[a-z]+$"}, "a pattern"),
        ({"type": "string", "format": "uuid"}, "a format"),
        ({"type": "string", "enum": ["1", "2"]}, "an enum"),
        ({"type": "string", "minLength": 2}, "a minimum length a one-digit number is under"),
        ({"type": "string", "maxLength": 3}, "a maximum length an unbounded integer may pass"),
        ({"type": "object"}, "not a string"),
    ],
)
def test_a_string_that_may_refuse_an_old_value_is_still_a_type_change(tmp_path, new, why):
    found = _ids(tmp_path, _with_parameter("query", {"type": "integer"}), _with_parameter("query", new))
    assert [rule for rule, _, _ in found] == [CHANGED], why


def test_a_maximum_length_every_old_value_fits_in_is_safe(tmp_path):
    base = _with_parameter("query", {"type": "integer", "minimum": 1, "maximum": 500})
    revision = _with_parameter("query", {"type": "string", "maxLength": 3})
    assert [rule for rule, _, _ in _ids(tmp_path, base, revision)] == [WIDENED]


def test_a_string_narrowed_to_an_integer_is_still_breaking(tmp_path):
    """The reverse is no widening: `abc` was sent and is now refused."""
    found = _ids(
        tmp_path, _with_parameter("query", {"type": "string"}), _with_parameter("query", {"type": "integer"})
    )
    assert [(rule, level) for rule, level, _ in found] == [(CHANGED, "breaking")]


# --- bodies: form fields are text, JSON is not --------------------------------------------------------


def test_a_urlencoded_form_field_widened_is_safe(tmp_path):
    media = "application/x-www-form-urlencoded"
    found = _ids(
        tmp_path,
        _with_body(media, {"qty": {"type": "integer"}}),
        _with_body(media, {"qty": {"type": "string"}}),
    )
    assert found == [(WIDENED, "safe", "request property 'qty' type widened as text from integer to string")]


def test_a_multipart_field_widened_is_safe_but_not_inside_a_json_part(tmp_path):
    """A multipart part that holds an object is JSON by default: its properties keep the rule."""
    media = "multipart/form-data"

    def fields(kind: str) -> dict:
        return {"qty": {"type": kind}, "meta": {"type": "object", "properties": {"size": {"type": kind}}}}

    found = _ids(tmp_path, _with_body(media, fields("integer")), _with_body(media, fields("string")))
    assert sorted((rule, message.split("'")[1]) for rule, _, message in found) == [
        (CHANGED, "meta.size"),
        (WIDENED, "qty"),
    ]


def test_a_json_body_keeps_the_type_rule(tmp_path):
    media = "application/json"
    found = _ids(
        tmp_path,
        _with_body(media, {"qty": {"type": "integer"}}),
        _with_body(media, {"qty": {"type": "string"}}),
    )
    assert found == [(CHANGED, "breaking", "request property 'qty' type changed from integer to string")]


def test_a_response_header_keeps_the_type_rule(tmp_path):
    """A reader parsed a number from the header and may now get any string."""

    def api(kind: str) -> dict:
        header = {"X-Rate-Limit": {"schema": {"type": kind}}}
        op = {"responses": {"200": {"description": "ok", "headers": header}}}
        return {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/pets": {"get": op}}}

    assert [rule for rule, _, _ in _ids(tmp_path, api("integer"), api("string"))] == ["response-type-changed"]


def test_a_swagger2_form_data_parameter_widened_is_safe(tmp_path):
    def api(kind: str) -> dict:
        parameter = {"name": "qty", "in": "formData", "type": kind}
        op = {
            "consumes": ["application/x-www-form-urlencoded"],
            "parameters": [parameter],
            "responses": {"204": {"description": "ok"}},
        }
        return {"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {"/orders": {"post": op}}}

    assert [rule for rule, _, _ in _ids(tmp_path, api("integer"), api("string"))] == [WIDENED]


# --- the shipped petstore pair ------------------------------------------------------------------------


@pytest.mark.parametrize("folder", ["petstore", "petstore-swagger2"])
def test_petstore_pet_id_integer_to_string_is_widened_as_text(folder):
    """EXPECTED.md's B5 (`petId` integer(int64) -> string, a path parameter) predates SPEC 3.2's
    row: every id a client put in the path is still accepted."""
    run = run_cli(
        "diff",
        str(FIXTURES / folder / "base.yaml"),
        str(FIXTURES / folder / "revision.yaml"),
        "--format",
        "json",
    )
    changes = json.loads(run.stdout)["changes"]
    pet_id = [(c["id"], c["level"], c["operation"]) for c in changes if "'petId'" in c["message"]]
    assert pet_id == [(WIDENED, "safe", "GET /pets/{petId}")]
    assert not any(c["id"] == CHANGED for c in changes)
