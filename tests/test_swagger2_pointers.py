"""Pointers that point at the thing (issue 21): in Swagger 2.0 a change about a request body
made of form fields points at the operation's `parameters`, never at the first field (which may
be unrelated); a change about one field points at that field; a `body` parameter is the body."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from conftest import run_cli

FORM = """\
swagger: "2.0"
info: {title: t, version: "1.0.0"}
paths:
  /pets:
    post:
      consumes: [application/x-www-form-urlencoded]
      parameters:
        - {name: nickname, in: formData, type: string}
        - {name: name, in: formData, type: string%s}
      responses: {"200": {description: ok}}
"""


def lookup(document: object, pointer: str) -> object:
    for token in pointer.split("/")[1:]:
        key = token.replace("~1", "/").replace("~0", "~")
        document = document[int(key)] if isinstance(document, list) else document[key]
    return document


def changes(tmp_path: Path, base: str, revision: str) -> tuple[dict[str, dict], object]:
    (tmp_path / "base.yaml").write_text(base)
    (tmp_path / "revision.yaml").write_text(revision)
    run = run_cli("diff", str(tmp_path / "base.yaml"), str(tmp_path / "revision.yaml"), "--format", "json")
    assert run.returncode in (0, 1), run.stderr
    found = {c["id"]: c for c in json.loads(run.stdout)["changes"]}
    return found, yaml.safe_load(revision)


def test_a_form_body_that_became_required_points_at_the_parameters(tmp_path):
    found, revision = changes(tmp_path, FORM % "", FORM % ", required: true")
    body = found["request-body-became-required"]
    assert body["pointer"] == "/paths/~1pets/post/parameters"
    field = found["request-property-became-required"]
    assert field["pointer"] == "/paths/~1pets/post/parameters/1"
    assert lookup(revision, field["pointer"])["name"] == "name"


def test_a_form_body_change_never_points_at_an_unrelated_first_field(tmp_path):
    found, _ = changes(tmp_path, FORM % "", FORM % ", required: true")
    assert all(not c["pointer"].endswith("/parameters/0") for c in found.values()), found


def test_a_body_parameter_is_the_body(tmp_path):
    base = """\
swagger: "2.0"
info: {title: t, version: "1.0.0"}
paths:
  /pets:
    post:
      parameters:
        - {name: limit, in: query, type: integer}
        - {name: pet, in: body, schema: {type: object}%s}
      responses: {"200": {description: ok}}
"""
    found, revision = changes(tmp_path, base % "", base % ", required: true")
    pointer = found["request-body-became-required"]["pointer"]
    assert pointer == "/paths/~1pets/post/parameters/1"
    assert lookup(revision, pointer)["in"] == "body"
