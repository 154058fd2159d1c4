"""Reading the evidence (SPEC 5): each format into the one interaction model, told by content,
and bad evidence as a one-line error naming the file and the interaction (exit 2)."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, run_cli
from oasguard.consumers.model import ABSENT, Evidence
from oasguard.consumers.read import EvidenceError, read_consumers, read_file

EVIDENCE = FIXTURES / "consumers"
PETSTORE = FIXTURES / "petstore"


def test_pact_v4_written_by_pact_python():
    found = read_file(EVIDENCE / "pacts" / "web-petstore.json")
    by_description = {i.description: i for i in found.interactions}
    assert set(by_description) == {"a request to list the pets of alice", "a request for pet 1"}
    listing = by_description["a request to list the pets of alice"]
    assert listing.consumer == "web" and listing.provider == "petstore" and listing.evidence is Evidence.PACT
    assert listing.request.method == "GET" and listing.request.path == "/v1/pets"
    assert dict(listing.request.query) == {"limit": "20", "owner": "alice"}
    assert listing.states == ("alice has pets",)
    assert listing.response.status == 200 and listing.response.content_type == "application/json"
    assert listing.response.body == [{"id": 1, "name": "Rex"}]
    kinds = {m.kind for matchers in listing.response.matchers["body"].values() for m in matchers}
    assert {"type", "integer"} <= kinds
    assert [s.reason for s in found.skipped] == ["an interaction of type 'Asynchronous/Messages', not HTTP"]


def test_pact_v3_query_map_and_request_body():
    found = read_file(EVIDENCE / "pacts" / "mobile-ios-petstore.json")
    listing, create = found.interactions
    assert listing.request.query == (("limit", "500"),)
    assert ("*", "id") in listing.response.matchers["body"]  # `$[*].id` as steps
    assert create.request.body == {"name": "Rex", "tag": "dog"}
    assert create.request.content_type == "application/json"


def test_pact_v2_flat_matching_rules_and_query_string():
    found = read_file(EVIDENCE / "handwritten" / "admin-petstore.json")
    sold = found.interactions[0]
    assert sold.request.query == (("status", "sold"), ("owner", "admin"))
    assert sold.states == ("some pets were sold",)
    rules = sold.response.matchers["body"]
    assert (
        rules[("*", "status")][0].kind == "regex"
        and rules[("*", "status")][0].regex == "available|pending|sold"
    )
    assert rules[()][0].min == 1
    written = read_file(EVIDENCE / "pacts" / "billing-petstore.json").interactions
    assert written[0].response.matchers["body"][("available",)][0].kind == "integer"
    assert written[1].request.body is ABSENT


def test_har_entries_with_json_and_base64_bodies():
    found = read_file(EVIDENCE / "har" / "browser.har", "browser")
    listing, create = found.interactions
    assert listing.consumer == "browser" and listing.evidence is Evidence.HAR
    assert listing.request.path == "/v1/pets" and ("owner", "bob") in listing.request.query
    assert listing.response.body == [{"id": 1, "name": "Rex", "tag": "dog"}]
    assert create.request.body == {"name": "Sir Reginald Fluffington", "tag": "cat"}
    assert create.response.body == {"id": 9, "name": "Sir Reginald Fluffington"}  # base64 undone


def test_keploy_test_set_and_mocks():
    (test,) = read_file(EVIDENCE / "keploy" / "test-set-0" / "tests" / "test-1.yaml").interactions
    assert test.consumer == "test-1" and test.evidence is Evidence.KEPLOY_TEST
    assert test.request.path == "/pets/3" and test.response.body == {"id": 3, "name": "Tom", "tag": "cat"}
    mocks = read_file(EVIDENCE / "keploy" / "orders-service" / "mocks.yaml", "orders-service")
    assert [i.evidence for i in mocks.interactions] == [Evidence.KEPLOY_MOCK] * 2
    assert mocks.interactions[1].request.body == {"name": "Order pet", "tag": "fish"}
    assert [s.source.index for s in mocks.skipped] == [1]


def test_wiremock_single_mapping_and_mappings_list():
    (delete,) = read_file(EVIDENCE / "wiremock" / "mappings" / "delete.json").interactions
    assert delete.consumer == "delete" and delete.request.method == "DELETE" and delete.response.status == 204
    pattern, page = read_file(EVIDENCE / "wiremock" / "mappings" / "pets.json").interactions
    assert pattern.request.path_pattern == "/v1/pets/[0-9]+"
    assert pattern.response.body == {"id": 1, "name": "Stub", "status": "available"}
    assert dict(page.request.query) == {"limit": "5", "owner": "stub"}
    assert page.response.body == [{"id": 1, "tag": "dog"}]  # `body` text parsed as JSON


def test_names_the_format_by_content_and_the_consumer_by_pact_then_name_then_stem(tmp_path):
    har = tmp_path / "traffic.json"  # a HAR under another extension
    har.write_bytes((EVIDENCE / "har" / "browser.har").read_bytes())
    pact = tmp_path / "whatever.yaml"
    pact.write_bytes((EVIDENCE / "pacts" / "billing-petstore.json").read_bytes())
    found = read_consumers([f"named={har}", str(pact)], tmp_path)
    assert {i.consumer for i in found.interactions} == {"named", "billing"}
    assert read_consumers(["*.json"], tmp_path).names == ("traffic",)


def _error(tmp_path: Path, name: str, content: str | bytes) -> str:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    done = run_cli(
        "diff",
        str(PETSTORE / "base.yaml"),
        str(PETSTORE / "revision.yaml"),
        "--consumers",
        str(path),
        cwd=tmp_path,
    )
    assert done.returncode == 2, done.stdout
    assert done.stdout == ""  # nothing half-reported
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
    return done.stderr


def _pact(interactions: list, version: str = "3.0.0") -> str:
    return json.dumps(
        {
            "consumer": {"name": "c"},
            "provider": {"name": "p"},
            "interactions": interactions,
            "metadata": {"pactSpecification": {"version": version}},
        }
    )


def test_bad_evidence_names_the_file_and_the_interaction(tmp_path):
    assert "junk.json" in _error(tmp_path, "junk.json", "{not json")
    assert "not a consumer file" in _error(tmp_path, "other.json", '{"openapi": "3.0.0"}')
    message = _error(tmp_path, "v9.json", _pact([], "9.1.0"))
    assert "v9.json" in message and "unknown Pact specification version '9.1.0'" in message
    ok = {"description": "fine", "request": {"method": "GET", "path": "/pets"}, "response": {"status": 200}}
    bad = {"description": "the broken one", "request": {"path": "/pets"}, "response": {"status": 200}}
    message = _error(tmp_path, "nomethod.json", _pact([ok, bad]))
    assert (
        "nomethod.json: interaction #1" in message and "no method" in message and "the broken one" in message
    )
    nopath = {"description": "pathless", "request": {"method": "GET"}}
    assert "no path" in _error(tmp_path, "nopath.json", _pact([nopath]))
    har = {"log": {"entries": [{"request": {"method": "GET"}, "response": {"status": 200}}]}}
    assert "har.json: interaction #0: the request has no url" in _error(tmp_path, "har.json", json.dumps(har))


def test_a_glob_that_matches_nothing_is_an_error(tmp_path):
    done = run_cli(
        "diff",
        str(PETSTORE / "base.yaml"),
        str(PETSTORE / "revision.yaml"),
        "--consumers",
        "nothing/*.json",
        cwd=tmp_path,
    )
    assert done.returncode == 2 and "'nothing/*.json' matches no file" in done.stderr


def test_a_large_har_is_read_in_linear_time(tmp_path):
    entry = {
        "request": {
            "method": "POST",
            "url": "https://x.example/v1/pets?owner=a",
            "headers": [],
            "postData": {"mimeType": "application/json", "text": json.dumps({"name": "x" * 200})},
        },
        "response": {
            "status": 201,
            "headers": [],
            "content": {
                "mimeType": "application/json",
                "text": base64.b64encode(b'{"id": 1, "name": "' + b"y" * 300 + b'"}').decode(),
                "encoding": "base64",
            },
        },
    }

    def timed(count: int, reads: int) -> float:
        """CPU time of this process (the other tests, on other workers, take none of it), the
        least of `reads` reads (the small file's first read also pays for what is read once
        per process; the large one is read after it, and once: 3.5 s of CPU a read)."""
        path = tmp_path / f"big-{count}.har"
        # json.dumps({"log": {"entries": [entry] * count}}) byte for byte, the entry written once
        entries = ", ".join([json.dumps(entry)] * count)
        path.write_text('{"log": {"entries": [' + entries + "]}}")
        spent = []
        for _ in range(reads):
            start = time.process_time()
            found = read_file(path)
            spent.append(time.process_time() - start)
            assert len(found.interactions) == count
            del found
        return min(spent), path.stat().st_size

    small, _ = timed(12_000, reads=2)
    large, size = timed(60_000, reads=1)
    assert size > 50_000_000  # a 50 MB recording
    assert large < small * 5 * 2.5, (small, large)  # 5x the entries: far from 25x (quadratic)


def test_read_consumers_is_what_verify_imports(tmp_path):
    with pytest.raises(EvidenceError):
        read_consumers(["missing.json"], tmp_path)
    found = read_consumers(["fixtures/consumers/pacts/*.json"], ROOT)
    assert found.names == ("billing", "mobile-ios", "web")
    assert len(found.interactions) == 7 and len(found.skipped) == 1


def test_a_field_of_the_wrong_shape_is_a_one_line_error(tmp_path):
    mapping = {"request": {"method": "GET", "url": "/pets", "queryParameters": ["limit"]}, "response": {}}
    message = _error(tmp_path, "stub.json", json.dumps(mapping))
    assert "stub.json" in message and "unexpected shape" in message
