"""Documents that declare one operation under two templates that differ only in parameter names
(`/things/{id}` and `/things/{name}`, both with PUT): OpenAPI forbids it, vendors publish it
(Elasticsearch's serverless document has 27 such PUTs), and their users cannot change it. The
comparison warns on stderr, naming the templates, and pairs each with its own former self."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import CORPUS, run_cli

HEAD = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n"


def _operation(parameter: str, *, required_query: str | None = None) -> str:
    query = (
        f"\n        - {{name: {required_query}, in: query, required: true, schema: {{type: string}}}}"
        if required_query
        else ""
    )
    return (
        f"    put:\n      parameters:\n        - {{name: {parameter}, in: path, required: true, "
        f"schema: {{type: string}}}}{query}\n      responses: {{'200': {{description: ok}}}}\n"
    )


def _document(tmp_path: Path, name: str, templates: dict[str, str]) -> Path:
    text = HEAD + "".join(f"  {path}:\n{body}" for path, body in templates.items())
    path = tmp_path / name
    path.write_text(text)
    return path


def _diff(base: Path, revision: Path):
    result = run_cli("diff", str(base), str(revision), "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    return result, json.loads(result.stdout)


def test_a_change_in_one_twin_is_reported_on_its_own_template(tmp_path: Path):
    base = _document(tmp_path, "base.yaml", {"/t/{id}": _operation("id"), "/t/{name}": _operation("name")})
    revision = _document(
        tmp_path,
        "revision.yaml",
        {"/t/{id}": _operation("id"), "/t/{name}": _operation("name", required_query="force")},
    )
    result, report = _diff(base, revision)
    assert result.returncode == 1
    assert [(c["id"], c["operation"]) for c in report["changes"]] == [
        ("required-request-parameter-added", "PUT /t/{name}")
    ]
    assert report["changes"][0]["pointer"].startswith("/paths/~1t~1{name}/put")
    # the warning names both templates, once, on stderr and in the report
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "'/t/{id}' and '/t/{name}'" in lines[0] and "PUT" in lines[0]
    assert report["notes"] == [lines[0].removeprefix("oasguard: ")]


def test_the_same_document_warns_as_a_changed_one_does(tmp_path: Path):
    document = _document(tmp_path, "api.yaml", {"/t/{id}": _operation("id"), "/t/{name}": _operation("name")})
    result, report = _diff(document, document)
    assert result.returncode == 0 and report["changes"] == []
    assert "'/t/{id}' and '/t/{name}'" in result.stderr


def test_a_twin_removed_is_that_operation_removed(tmp_path: Path):
    base = _document(tmp_path, "base.yaml", {"/t/{id}": _operation("id"), "/t/{name}": _operation("name")})
    revision = _document(tmp_path, "revision.yaml", {"/t/{name}": _operation("name")})
    _, report = _diff(base, revision)
    assert [(c["id"], c["operation"], c["level"]) for c in report["changes"]] == [
        ("path-removed", "PUT /t/{id}", "breaking")
    ]


def test_a_twin_added_is_that_operation_added(tmp_path: Path):
    base = _document(tmp_path, "base.yaml", {"/t/{id}": _operation("id")})
    templates = {"/t/{id}": _operation("id"), "/t/{key}": _operation("key")}
    revision = _document(tmp_path, "revision.yaml", templates)
    result, report = _diff(base, revision)
    assert result.returncode == 0
    assert [(c["operation"], c["level"]) for c in report["changes"]] == [("PUT /t/{key}", "safe")]
    assert "'/t/{id}' and '/t/{key}'" in result.stderr


def test_twins_left_over_on_both_sides_are_paired_in_order(tmp_path: Path):
    """A twin whose template parameter is renamed is no change for clients (SPEC 3.2)."""
    base = _document(tmp_path, "base.yaml", {"/t/{id}": _operation("id"), "/t/{name}": _operation("name")})
    revision = _document(
        tmp_path, "revision.yaml", {"/t/{id}": _operation("id"), "/t/{label}": _operation("label")}
    )
    result, report = _diff(base, revision)
    assert result.returncode == 0 and report["changes"] == [], report["changes"]


def test_three_twins_are_named_with_a_count(tmp_path: Path):
    templates = {f"/t/{{p{i}}}": _operation(f"p{i}") for i in range(3)}
    document = _document(tmp_path, "api.yaml", templates)
    result, _ = _diff(document, document)
    assert "'/t/{p0}', '/t/{p1}' and 1 more templates of that shape" in result.stderr


def test_different_methods_under_one_shape_are_no_twins(tmp_path: Path):
    """`GET /t/{id}` and `PUT /t/{name}` are two operations a server tells apart: no warning."""
    get = "  /t/{id}:\n    get: {responses: {'200': {description: ok}}}\n"
    text = HEAD + get + "  /t/{name}:\n" + _operation("name")
    document = tmp_path / "api.yaml"
    document.write_text(text)
    result, report = _diff(document, document)
    assert result.stderr == "" and report["changes"] == []


@pytest.mark.corpus
@pytest.mark.skipif(not (CORPUS / "MANIFEST.json").exists(), reason="no corpus here")
def test_elasticsearch_serverless_is_compared(manifest):
    """The published document that 0.2.0 refused: every inference PUT is compared with itself."""
    pair = next(p for p in manifest["pairs"] if p["name"] == "elasticsearch-serverless-next")
    result, report = _diff(CORPUS / pair["base"], CORPUS / pair["revision"])
    assert "'/_inference/{task_type}/{inference_id}', '/_inference/{task_type}/{ai21_inference_id}'" in (
        result.stderr
    )
    assert "PUT" in report["notes"][0]
    # no twin is reported as removed or added: each met its own template on the other side
    twins = "PUT /_inference/{task_type}/"
    inference = [c for c in report["changes"] if (c["operation"] or "").startswith(twins)]
    assert not [c for c in inference if c["id"] in ("path-removed", "path-added", "operation-removed")]


def test_the_same_change_in_two_twins_has_two_fingerprints(tmp_path: Path):
    """Fingerprints erase path parameter names (a rename is no change), except where the names
    are all that tells two operations apart."""
    base = _document(tmp_path, "base.yaml", {"/t/{id}": _operation("id"), "/t/{name}": _operation("name")})
    revision = _document(
        tmp_path,
        "revision.yaml",
        {
            "/t/{id}": _operation("id", required_query="force"),
            "/t/{name}": _operation("name", required_query="force"),
        },
    )
    _, report = _diff(base, revision)
    assert [c["operation"] for c in report["changes"]] == ["PUT /t/{id}", "PUT /t/{name}"]
    assert len({c["fingerprint"] for c in report["changes"]}) == 2
