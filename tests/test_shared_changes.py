"""A shared component's change, reported once per operation that reaches it, is computed once:
its facts are named once per walk (compare/operations/bodies.py), its message rendered and its
pointer settled once (rules/classify.py, compare/pointers.py), the values its fingerprint hashes
written once (changes.py), its group id hashed once (report/groups.py). Issue 24,
docs/performance.md. These tests hold what each operation's copy must still have of its own.

`fixtures/annotations/` holds `Item.label` made nullable (reached by 15 operations) and the
shared path parameter schema `Id` given a format (as `petId` in 2 operations, as `userId` in 1)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path

from conftest import FIXTURES, corpus_report, run_cli
from oasguard.changes import Change, Level, Step, Subject, _ParameterNames
from oasguard.engine import diff, run_deep
from oasguard.report.groups import fact_id
from oasguard.rules.classify import render_message
from oasguard.rules.registry import RULES
from oasguard.sources import file_spec

ANNOTATIONS = FIXTURES / "annotations"


def _annotations() -> list[Change]:
    base, revision = file_spec(str(ANNOTATIONS / "base.yaml")), file_spec(str(ANNOTATIONS / "revision.yaml"))
    return run_deep(lambda: diff(base, revision)).changes


def _fresh(change: Change) -> Change:
    """`change` with arguments of its own, so that nothing computed for another change sharing
    them can be reused."""
    return replace(change, args=dict(change.args))


def test_the_copies_of_a_shared_change_keep_their_own_place():
    label = [c for c in _annotations() if c.id == "response-nullable-added"]
    operations = {c.operation for c in label}
    assert len(label) == len(operations) == 15
    # two ways to reach Item: as the body ('label') and as its items ('[].label')
    assert {c.message for c in label} == {
        "response property 'label' became nullable",
        "response property '[].label' became nullable",
    }
    assert len({c.location for c in label}) == 15
    assert len({c.fingerprint for c in label}) == 15
    assert len({fact_id(c) for c in label}) == 1


def test_a_shared_parameter_schema_is_named_by_each_operations_parameter():
    narrowed = [c for c in _annotations() if c.id == "request-format-narrowed"]
    assert sorted((c.operation, c.message) for c in narrowed) == [
        ("GET /pets/{petId}", "path parameter 'petId' format narrowed from none to int64"),
        ("GET /users/{userId}", "path parameter 'userId' format narrowed from none to int64"),
        ("PUT /pets/{petId}", "path parameter 'petId' format narrowed from none to int64"),
    ]
    # the two names are two facts (report/groups.py), the two petId operations one
    by_operation = {c.operation: fact_id(c) for c in narrowed}
    assert by_operation["GET /pets/{petId}"] == by_operation["PUT /pets/{petId}"]
    assert by_operation["GET /users/{userId}"] != by_operation["GET /pets/{petId}"]


def test_every_change_is_what_it_would_be_computed_alone():
    """Message, fingerprint and group of every change of the fixture and of the Stripe pair
    (2,001 changes, most of them copies) against the same computed from arguments of its own."""
    stripe, _, _ = corpus_report("stripe-json")
    changes = [*_annotations(), *stripe.changes]
    assert len(changes) > 2000
    for change in changes:
        fresh = _fresh(change)
        assert (
            change.message == render_message(RULES[change.stated or change.id], fresh.args) or change.stated
        )
        assert (change.fingerprint, fact_id(change)) == (fresh.fingerprint, fact_id(fresh)), change


def _fingerprint_as_specified(change: Change) -> str:
    """The fingerprint as `Change.fingerprint` documents it, computed the plain way: every
    part erased whole, nothing remembered."""
    subject = change.subject
    erase = _ParameterNames("" if subject.twin else change.operation or "")
    values: dict[str, object] = {
        key: erase(value) if isinstance(value, str) else value
        for key, value in change.args.items()
        if isinstance(value, (str, int, float, bool))
    }
    if subject.twin:
        values["twin"] = True
    if change.occurrence > 1:
        values["occurrence"] = change.occurrence
    parts = (
        change.stated or change.id,
        erase(change.operation or ""),
        erase(change.location),
        json.dumps(values, sort_keys=True, ensure_ascii=False),
    )
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "replace")).hexdigest()[:16]


def test_fingerprints_are_as_specified_for_real_and_hostile_locations():
    """The erased location is made from the operation's erased text and the steps' (changes.py:
    `Change.fingerprint`): the same as erasing it whole, also where a template leaves a
    `{` open that a step's name would close, or a step names a path parameter."""
    stripe, _, _ = corpus_report("stripe-json")
    github, _, _ = corpus_report("github")
    hostile = [
        Change("x", Level.SAFE, "m", Subject("GET", path, steps=steps), "/p", args={"name": "{id}"})
        for path in ("/a/{id}", "/a/{id", "/a/{id}/{b}", "/a path parameter id")
        for steps in (
            (Step("property", "x}"),),
            (Step("property", "{id}"),),
            (Step("parameter", "id", "path"),),
            (Step("property", "a"), Step("items")),
            (Step("property", "path parameter 'b'"),),
        )
    ]
    for change in [*stripe.changes, *github.changes, *_annotations(), *hostile]:
        assert change.fingerprint == _fingerprint_as_specified(change), change


def test_shared_arguments_that_name_a_path_parameter_are_erased_per_operation():
    """Fingerprints erase path parameter names by position in the operation's template: values
    shared by two operations whose templates place `{id}` differently hash differently."""
    shared = {"subject": "path parameter 'id'", "name": "{id}", "old": 1}
    first, second = (
        Change("request-format-narrowed", Level.BREAKING, "m", Subject("GET", path), "/p", args=shared)
        for path in ("/a/{id}", "/b/{other}/c/{id}")
    )
    fingerprints = [first.fingerprint, second.fingerprint]
    assert fingerprints == [_fresh(first).fingerprint, _fresh(second).fingerprint]
    # and the other way round, whichever is computed first
    second, first = replace(second), replace(first)
    assert [first.fingerprint, second.fingerprint] == fingerprints
    # shared values naming no parameter hash the same for both, and the locations still differ
    plain = {"subject": "response property 'a'", "name": "a"}
    one, two = (replace(change, args=plain) for change in (first, second))
    assert one.fingerprint == _fresh(one).fingerprint != two.fingerprint == _fresh(two).fingerprint


def _twins(tmp_path: Path, nullable: bool) -> Path:
    path = tmp_path / f"{'revision' if nullable else 'base'}.yaml"
    operation = (
        "    put:\n      parameters:\n"
        "        - {{name: {name}, in: path, required: true, schema: {{type: string}}}}\n"
        "      responses:\n        '200':\n          description: ok\n          content:\n"
        "            application/json: {{schema: {{$ref: '#/components/schemas/Thing'}}}}\n"
    )
    path.write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n"
        + "".join(f"  /t/{{{name}}}:\n" + operation.format(name=name) for name in ("id", "name"))
        + "components:\n  schemas:\n    Thing:\n      type: object\n      properties:\n"
        + f"        label: {{type: string, nullable: {'true' if nullable else 'false'}}}\n"
    )
    return path


def test_a_shared_components_change_in_two_twins_has_two_fingerprints(tmp_path: Path):
    """Twins (one PUT under `/t/{id}` and `/t/{name}`) keep their parameter names in their
    fingerprints: the copies of one shared change must not share a fingerprint."""
    done = run_cli("diff", str(_twins(tmp_path, False)), str(_twins(tmp_path, True)), "--format", "json")
    assert done.returncode == 1, done.stderr
    changes = json.loads(done.stdout)["changes"]
    assert [(c["operation"], c["message"]) for c in changes] == [
        ("PUT /t/{id}", "response property 'label' became nullable"),
        ("PUT /t/{name}", "response property 'label' became nullable"),
    ]
    assert len({c["fingerprint"] for c in changes}) == 2
    assert len({c["group"] for c in changes}) == 1
