"""An operation equal in both documents, whose path item changed elsewhere, is one node for both
graphs (model/unchanged.py: `Unchanged.operation`): the reports are those of building it twice."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import yaml

from conftest import CORPUS, corpus_pairs, run_cli
from oasguard.engine import run_deep
from oasguard.load import load
from oasguard.model import normalise
from oasguard.model.unchanged import Unchanged
from oasguard.sources import file_spec

_OK = {"description": "ok"}


def _json(schema: dict) -> dict:
    return {"description": "ok", "content": {"application/json": {"schema": schema}}}


def _returns(operation_id: str, component: str) -> dict:
    return {"operationId": operation_id, "responses": {"200": _json({"$ref": component})}}


BASE = {
    "openapi": "3.0.3",
    "info": {"title": "pets", "version": "1"},
    "paths": {
        "/pets/{id}": {
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "get": {
                "operationId": "getPet",
                "responses": {"200": _json({"$ref": "#/components/schemas/Pet"})},
            },
            "put": {
                "operationId": "putPet",
                "responses": {"200": _json({"$ref": "#/components/schemas/Owner"})},
            },
            "delete": {"operationId": "deletePet", "responses": {"204": {"description": "gone"}}},
        },
        "/owners/{id}": {
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "get": {"operationId": "getOwner", "responses": {"200": _json({"type": "string"})}},
            "post": {"operationId": "postOwner", "responses": {"201": _OK}},
        },
    },
    "components": {
        "schemas": {
            "Pet": {"type": "object", "properties": {"name": {"type": "string"}}},
            "Owner": {"type": "object", "properties": {"id": {"type": "string"}}},
        }
    },
}


def _revision() -> dict:
    revision = copy.deepcopy(BASE)
    del revision["paths"]["/pets/{id}"]["delete"]  # GET and PUT are written as before
    revision["components"]["schemas"]["Owner"]["properties"]["id"] = {"type": "integer"}  # PUT's
    owners = revision["paths"]["/owners/{id}"]
    owners["parameters"][0]["description"] = "the owner"  # what both operations of it inherit
    owners["post"]["responses"]["201"]["description"] = "made"
    return revision


def _write(tmp_path: Path, base: dict, revision: dict) -> tuple[str, str]:
    paths = []
    for name, document in (("base.yaml", base), ("revision.yaml", revision)):
        (tmp_path / name).write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
        paths.append(str(tmp_path / name))
    return paths[0], paths[1]


def _graphs(base_path: str, revision_path: str):
    base, revision = load(file_spec(base_path)), load(file_spec(revision_path))

    def both():
        unchanged = Unchanged(base, revision)
        return normalise(base, unchanged, side=0), normalise(revision, unchanged, side=1)

    return run_deep(both)


def test_only_an_operation_unchanged_with_all_it_reaches_and_inherits_is_shared(tmp_path: Path):
    old, new = _graphs(*_write(tmp_path, BASE, _revision()))
    shared = {key for key, operation in new.operations.items() if old.operations.get(key) is operation}
    # PUT is written as before, but its response is the changed Owner; /owners' operations
    # inherit a changed path parameter; DELETE is gone
    assert shared == {("/pets/{}", "get")}
    assert [op.method for op in new.operations.values()] == ["get", "put", "get", "post"]


def test_a_shared_neighbour_leaves_a_removal_an_operation_removed(tmp_path: Path):
    """The path of the removed DELETE is still in both graphs: its removal is not a path's."""
    done = run_cli("diff", *_write(tmp_path, BASE, _revision()), "--format", "json")
    assert done.returncode == 1, done.stderr
    changes = json.loads(done.stdout)["changes"]
    found = sorted((change["operation"], change["id"]) for change in changes)
    assert ("DELETE /pets/{id}", "operation-removed") in found
    assert not any(rule == "path-removed" for _, rule in found)
    assert any(operation == "PUT /pets/{id}" for operation, _ in found)  # Owner's id, said for PUT
    assert not any(operation == "GET /pets/{id}" for operation, _ in found)


#: real pairs with operations equal in both documents in path items that changed elsewhere
SHARING = ("kubernetes-swagger2", "elasticsearch-serverless-next", "twilio-messaging-yaml")


def _pair(name: str) -> tuple[str, str]:
    pair = next((p for p in corpus_pairs() if p["name"] == name), None)
    if pair is None:
        pytest.skip("the corpus (../shared/corpus) is not here")
    return str(CORPUS / pair["base"]), str(CORPUS / pair["revision"])


def _reports(base: str, revision: str, folder: Path) -> tuple[object, ...]:
    """Exit status, stderr, and the JSON and text reports of one diff (`-o text=PATH` writes what
    `--format text` writes)."""
    text = folder / "report.txt"
    done = run_cli("diff", base, revision, "--format", "json", "-o", f"text={text}")
    return done.returncode, done.stderr, done.stdout, text.read_text(encoding="utf-8")


@pytest.mark.corpus
@pytest.mark.parametrize("name", SHARING)
def test_real_reports_are_those_of_every_operation_built_on_both_sides(
    name: str, tmp_path: Path, monkeypatch
):
    """Kubernetes 1.35 → 1.36 shares 140 operations of path items that changed elsewhere; the
    report is byte for byte the one of building each of them twice (the sharing turned off)."""
    base, revision = _pair(name)
    old, new = _graphs(base, revision)
    assert any(old.operations.get(key) is operation for key, operation in new.operations.items())
    shared = _reports(base, revision, tmp_path)
    monkeypatch.setattr(Unchanged, "operation", lambda self, path, method: False)
    old, new = _graphs(base, revision)
    assert not any(old.operations.get(key) is operation for key, operation in new.operations.items())
    assert _reports(base, revision, tmp_path) == shared
