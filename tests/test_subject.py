"""One subject from the comparison to the report (issue 17): every change carries what it is
about (operation, side, parameter, status, media type, the schema's steps) as data, made where
the fact is made; the location text is rendered from it."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from conftest import FIXTURES, run_cli
from oasguard.changes import Change, Side, Step, Subject
from oasguard.engine import diff_paths


def _one(changes: list[Change], rule: str, operation: str | None, text: str = "") -> Change:
    found = [c for c in changes if c.id == rule and c.operation == operation and text in c.message]
    assert len(found) == 1, [(c.id, c.operation, c.message) for c in changes]
    return found[0]


def test_petstore_changes_carry_their_subjects():
    changes = diff_paths(FIXTURES / "petstore" / "base.yaml", FIXTURES / "petstore" / "revision.yaml").changes

    bound = _one(changes, "request-bound-tightened", "GET /pets").subject
    assert (bound.method, bound.path, bound.side) == ("GET", "/pets", Side.REQUEST)
    assert bound.parameter == ("query", "limit")
    assert (bound.status, bound.media_type, bound.body, bound.schema_path) == (None, None, False, ())

    removed = _one(changes, "response-property-removed", "GET /pets").subject
    assert (removed.side, removed.status, removed.media_type) == (Side.RESPONSE, "200", "application/json")
    assert removed.parameter is None
    assert removed.schema_path == (Step("items"), Step("property", "name"))
    assert removed.location == "GET /pets › response 200 › application/json › [] › name"

    required = _one(changes, "request-property-became-required", "POST /pets").subject
    assert (required.side, required.body, required.media_type) == (Side.REQUEST, True, "application/json")
    assert required.schema_path == (Step("property", "tag"),)

    operation = _one(changes, "operation-removed", "DELETE /pets/{petId}").subject
    assert operation == Subject("DELETE", "/pets/{petId}")
    assert not operation.below_operation and operation.location == "DELETE /pets/{petId}"

    security = _one(changes, "security-requirement-added", "GET /stores/{storeId}/inventory").subject
    assert security.steps == (Step("security"),) and security.side is None


def test_a_rename_names_what_it_was():
    property_ = FIXTURES / "renames" / "request-snake-to-camel"
    (change,) = diff_paths(property_ / "base.yaml", property_ / "revision.yaml").changes
    assert change.id == "request-property-renamed"
    assert change.subject.schema_path == (Step("property", "createdAt"),)
    assert change.subject.former == "created_at"

    parameter = FIXTURES / "renames" / "parameter-query-renamed"
    (change,) = diff_paths(*sorted(parameter.glob("*.yaml"))).changes
    assert change.id == "request-parameter-renamed"
    assert (change.subject.parameter, change.subject.former) == (("query", "pageSize"), "page_size")


_CALLBACK = """\
openapi: 3.0.3
info: {{title: hooks, version: "1"}}
paths:
  /subscriptions:
    post:
      callbacks:
        onEvent:
          "{{$request.body#/url}}":
            post:
              requestBody:
                content:
                  application/json:
                    schema: {{type: object, properties: {{id: {{type: {kind}}}}}}}
              responses:
                "200": {{description: ok}}
      responses:
        "201":
          description: created
          content:
            application/json:
              schema: &body {{type: object, properties: {{when: {{type: {kind}}}}}}}
            application/xml:
              schema: *body
"""


def test_a_callback_and_media_types_sharing_a_schema(tmp_path: Path):
    """A callback's request is read by the subscriber (the response side), and a change of a
    schema that several media types share names no single media type."""
    base, revision = tmp_path / "base.yaml", tmp_path / "revision.yaml"
    base.write_text(textwrap.dedent(_CALLBACK.format(kind="string")))
    revision.write_text(textwrap.dedent(_CALLBACK.format(kind="integer")))
    changes = diff_paths(base, revision).changes
    subjects = {c.location: c.subject for c in changes if c.id == "response-type-changed"}
    inside = "callback onEvent › POST {$request.body#/url} › request body › application/json › id"
    callback = subjects[f"POST /subscriptions › {inside}"]
    assert (callback.callback, callback.side, callback.body) == ("onEvent", Side.RESPONSE, True)
    assert (callback.method, callback.path) == ("POST", "/subscriptions")
    shared = subjects["POST /subscriptions › response 201 › every media type › when"]
    assert (shared.status, shared.media_type, shared.callback) == ("201", None, None)
    assert shared.schema_path == (Step("property", "when"),)


_SHARED = """\
openapi: 3.0.3
info: {title: things, version: "1"}
paths:
  /things:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: &thing
                type: object
                properties: {id: {type: string}%s}
                required: [id%s]
            application/xml:
              schema: *thing
"""


def test_consumers_are_matched_against_the_subject_not_its_text(tmp_path: Path):
    """A property removed from a schema that two media types share is located at "every media
    type", which is no media type: a consumer reading that property in JSON is broken by it
    (the location text used to be compared with the Content-Type and named no one)."""
    base, revision = tmp_path / "base.yaml", tmp_path / "revision.yaml"
    base.write_text(_SHARED % (", when: {type: string}", ", when"))
    revision.write_text(_SHARED % ("", ""))
    pact = {
        "consumer": {"name": "reader"},
        "provider": {"name": "things"},
        "interactions": [
            {
                "description": "reads a thing",
                "request": {"method": "GET", "path": "/things"},
                "response": {
                    "status": 200,
                    "headers": {"Content-Type": "application/json"},
                    "body": {"id": "a", "when": "today"},
                },
            },
            {
                "description": "reads only the id",
                "request": {"method": "GET", "path": "/things"},
                "response": {
                    "status": 200,
                    "headers": {"Content-Type": "application/json"},
                    "body": {"id": "b"},
                },
            },
        ],
        "metadata": {"pactSpecification": {"version": "2.0.0"}},
    }
    (tmp_path / "reader.json").write_text(json.dumps(pact))
    second = json.loads((tmp_path / "reader.json").read_text())
    second["consumer"]["name"] = "counter"
    second["interactions"] = second["interactions"][1:]
    (tmp_path / "counter.json").write_text(json.dumps(second))
    done = run_cli(
        "diff", "base.yaml", "revision.yaml", "--format", "json", "--consumers", "*.json", cwd=tmp_path
    )
    (removed,) = json.loads(done.stdout)["changes"]
    assert removed["id"] == "response-property-removed", removed
    assert removed["location"] == "GET /things › response 200 › every media type › when"
    assert removed["consumers"] == ["reader"]
