"""Work grows with the size of the documents, never faster (SPEC 3.4).

These count work instead of timing it: the comparer counts the node pairs it compares and the
pairs its walks visit. Identical documents must cost at most one visit per mapping in them, and
repeating a document's paths k times must cost about k times as much.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import yaml

from conftest import CORPUS, FIXTURES, run_process
from oasguard.compare.schema import SchemaComparer
from oasguard.engine import diff, run_deep
from oasguard.sources import file_spec


def _read(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return json.loads(text) if text.lstrip().startswith("{") else yaml.load(text, Loader=yaml.CSafeLoader)


def _mappings(node: object) -> int:
    count, stack = 0, [node]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            count += 1
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return count


def _work(base: Path, revision: Path) -> tuple[int, int, int]:
    """(pairs compared, pairs visited, changes of operations) for the diff of two documents (the
    versioning rules' changes, one per document, do not repeat with its operations)."""

    def run() -> tuple[int, int, int]:
        comparer = SchemaComparer()
        report = diff(file_spec(str(base)), file_spec(str(revision)), schemas=comparer)
        return comparer.comparisons, comparer.visits, sum(1 for c in report.changes if c.operation)

    return run_deep(run)


def _repeated(doc: dict, k: int) -> dict:
    """`doc` with its paths repeated k times under /r0, /r1, ... (operationIds kept unique)."""
    result = copy.deepcopy(doc)
    paths = {}
    for i in range(k):
        for path, item in doc["paths"].items():
            item = copy.deepcopy(item)
            for operation in item.values():
                if isinstance(operation, dict) and "operationId" in operation:
                    operation["operationId"] = f"{operation['operationId']}{i}"
            paths[f"/r{i}{path}"] = item
    result["paths"] = paths
    return result


def _write(tmp_path: Path, name: str, doc: dict) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc))
    return path


def _corpus(relative: str) -> Path:
    path = CORPUS / relative
    if not path.exists():
        pytest.skip("the corpus (../shared/corpus) is not here")
    return path


@pytest.mark.parametrize(
    "document",
    [
        "fixtures:petstore/base.yaml",
        pytest.param("corpus:stripe/v124/spec3.json", marks=pytest.mark.corpus),
        pytest.param("corpus:github/22.0.0/api.github.com.json", marks=pytest.mark.corpus),
        pytest.param("corpus:kubernetes/1.35/swagger.json", marks=pytest.mark.corpus),
        pytest.param("corpus:discord/2026-07-10_ef91fa1/openapi.json", marks=pytest.mark.corpus),
    ],
)
def test_identical_documents_cost_at_most_one_visit_per_mapping(document: str):
    where, _, relative = document.partition(":")
    path = FIXTURES / relative if where == "fixtures" else _corpus(relative)
    compared, visited, facts = _work(path, path)
    assert facts == 0
    size = _mappings(_read(path))
    assert compared <= size and visited <= size, (compared, visited, size)


def _pet_changed(doc: dict) -> dict:
    """The petstore with a shared schema changed, so every operation using it walks into it."""
    changed = copy.deepcopy(doc)
    changed["components"]["schemas"]["Pet"]["properties"]["tag"] = {"type": "integer"}
    return changed


@pytest.mark.parametrize("changed", [False, True], ids=["identical", "shared-schema-changed"])
def test_repeating_the_paths_k_times_costs_k_times_as_much(tmp_path: Path, changed: bool):
    doc = _read(FIXTURES / "petstore" / "base.yaml")
    work = {}
    for k in (1, 2, 4, 8):
        base = _repeated(doc, k)
        revision = _pet_changed(base) if changed else base
        work[k] = _work(_write(tmp_path, f"base{k}.json", base), _write(tmp_path, f"rev{k}.json", revision))
    for k in (2, 4, 8):
        assert work[k][2] == k * work[1][2]  # every repeated operation reports its own changes
        for measure in (0, 1):
            assert work[k][measure] <= 1.1 * k * max(work[1][measure], 1), (k, work)


def test_a_real_document_repeated_costs_linearly(tmp_path: Path):
    doc = _read(_corpus("twilio/2.6.3/twilio_messaging_v1.json"))
    revision = _read(_corpus("twilio/2.6.5/twilio_messaging_v1.json"))
    work = {}
    for k in (1, 4):
        base_path = _write(tmp_path, f"base{k}.json", _repeated(doc, k))
        work[k] = _work(base_path, _write(tmp_path, f"rev{k}.json", _repeated(revision, k)))
    assert work[4][2] >= 4 * work[1][2] * 0.9
    for measure in (0, 1):
        assert work[4][measure] <= 1.1 * 4 * work[1][measure], work


SHARED_PARTS = """\
openapi: 3.0.3
info: {title: t, version: '1'}
%s
paths:
  /items/{id}:
    get:
      parameters: [{$ref: '#/components/parameters/Id'}]
      responses:
        '200': {$ref: '#/components/responses/Item'}
components:
  parameters:
    Id: {name: id, in: path, required: true, schema: {type: %s}}
  responses:
    Item:
      description: ok
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Item'}
  schemas:
    Item:
      type: object
      properties:
        name: {type: %s}
"""


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        (("", "integer", "integer", "", "boolean", "integer"), "request-type-changed"),
        (("", "integer", "string", "", "integer", "integer"), "response-type-changed"),
        (("", "integer", "string", "security: [{k: []}]", "integer", "string"), "security-requirement-added"),
    ],
    ids=["parameter-component", "schema-behind-a-response-component", "document-wide-security"],
)
def test_a_path_item_equal_in_both_documents_still_shows_what_it_inherits(tmp_path: Path, change, rule):
    """Equal path items are left out of both graphs only when all they refer to and inherit is
    equal too: a change in a parameter or response component, or document-wide, still shows."""
    base_security, base_id, base_name, rev_security, rev_id, rev_name = change
    base = tmp_path / "base.yaml"
    revision = tmp_path / "revision.yaml"
    base.write_text(SHARED_PARTS % (base_security, base_id, base_name))
    revision.write_text(SHARED_PARTS % (rev_security, rev_id, rev_name))
    report = run_deep(lambda: diff(file_spec(str(base)), file_spec(str(revision))))
    assert rule in {c.id for c in report.changes}, [c.id for c in report.changes]
    assert {c.operation for c in report.changes} == {"GET /items/{id}"}


@pytest.mark.corpus
def test_every_schema_wrapped_in_a_lone_all_of_costs_linearly(tmp_path: Path):
    """`allOf: [X]` alone is X (model/schema.py): a Stripe document with every schema so
    wrapped is compared in about one visit per mapping, not once per route to each component
    (2.5 million visits, 14 s, before)."""
    from test_transforms import wrap_in_all_of

    path = _corpus("stripe/v124/spec3.json")
    wrapped = wrap_in_all_of(_read(path))
    revision = _write(tmp_path, "wrapped.json", wrapped)

    def run() -> tuple[int, int]:
        comparer = SchemaComparer()
        report = diff(file_spec(str(path)), file_spec(str(revision)), schemas=comparer)
        assert report.changes == []
        return comparer.comparisons, comparer.visits

    compared, visited = run_deep(run)
    size = _mappings(wrapped)
    assert compared <= size and visited <= 2 * size, (compared, visited, size)


@pytest.mark.corpus
@pytest.mark.parametrize(
    ("name", "ratio"),
    [
        ("stripe-json", 4.0),
        ("stripe-json-v125-v126", 2.6),
        ("elasticsearch-serverless-next", 5.5),
        ("github", 1.1),
        ("kubernetes-swagger2", 1.1),
    ],
)
def test_changed_components_are_not_walked_again_where_nothing_can_be_found(name: str, ratio: float):
    """Visits per compared pair on real pairs. Stripe's changed components form one cycle, and a
    component met while its search is under way is walked inline by every search nested in it:
    43,710 visits for 3,351 compared pairs (13 ×) until a pair from which no fact can be found
    was walked once only (compare/schema.py `_silent`), 12,385 (3.7 ×) since.

    And the pairs walked to prove that nothing is below a pair (`_silent`): a proof stopped by a
    pair not compared yet waits for that pair, and so does every pair on its route.
    When it was tried again whenever any pair had been compared since, the proofs walked 276,519
    pairs of stripe-json-v125-v126 for 1,799 compared (a third of its run, slower than before
    there were proofs) and 50,247 of elasticsearch-serverless-next for 4,993; 1,947 and 850 since."""
    from conftest import corpus_pairs

    pair = next((p for p in corpus_pairs() if p["name"] == name), None)
    if pair is None:
        pytest.skip("the corpus (../shared/corpus) is not here")

    def run() -> tuple[int, int, int]:
        comparer = SchemaComparer()
        diff(
            file_spec(str(CORPUS / pair["base"])), file_spec(str(CORPUS / pair["revision"])), schemas=comparer
        )
        return comparer.comparisons, comparer.visits, comparer.proved

    compared, visited, proved = run_deep(run)
    assert visited <= ratio * compared, (compared, visited)
    assert proved <= 3 * compared, (compared, proved)


@pytest.mark.corpus
@pytest.mark.parametrize("keyword", ["default", "enum"])
def test_an_alias_bomb_in_a_shown_value_makes_a_short_report(tmp_path: Path, keyword: str):
    """SPEC 4: a YAML alias bomb the loader accepts (10**4 shared copies of a 1,000-character
    string, 10 MB once expanded, in a 400 KB document) set as a `default` or an `enum` of a
    property four operations return: each message shows its beginning, cut with `…`, instead of
    writing the 10 MB out in each of them (a 40 MB report; the fuzz test's mutants of this
    document went to 400 MB and a minute)."""
    revision = _read(_corpus("twilio/2.6.5/twilio_messaging_v1.yaml"))
    bomb: object = "x" * 1000
    for _ in range(4):
        bomb = [bomb] * 10
    validity = revision["components"]["schemas"]["messaging.v1.service"]["properties"]["validity_period"]
    validity[keyword] = bomb if keyword == "default" else [bomb]
    path = tmp_path / "revision.yaml"
    path.write_text(yaml.dump(revision, Dumper=yaml.CSafeDumper, sort_keys=False))
    assert "&id" in path.read_text()[:1_000_000]  # written as anchors and aliases: an alias bomb
    done = run_process(
        "diff", str(_corpus("twilio/2.6.5/twilio_messaging_v1.yaml")), str(path), "--format", "json"
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert len(done.stdout) < 50_000, f"a report of {len(done.stdout):,} characters"
    shown = [c["message"] for c in json.loads(done.stdout)["changes"] if "[[[[" in c["message"]]
    assert len(shown) == 4 and all(message.endswith("xxx…") for message in shown), shown
