"""Every JSON Schema 2020-12 keyword, nested three levels deep inside `if`/`then`/`else`,
`prefixItems`, `dependentSchemas` and `not` (fixtures/deep-2020/base.yaml), changed in one place
at a time: each change is reported once, by the right rule, at the right pointer. Inside `not`
every rule is judged reversed (SPEC 3.2.1)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, describe_changes
from oasguard.engine import diff_paths
from oasguard.load.document import escape

BASE = FIXTURES / "deep-2020" / "base.yaml"
BODY = "/paths/~1items/post/requestBody/content/application~1json/schema"

#: where the leaf schema sits, and whether it is below `not`
POSITIONS = {
    "then>prefixItems>dependentSchemas": (("then", "prefixItems", 0, "dependentSchemas", "card"), False),
    "else>dependentSchemas>prefixItems": (("else", "dependentSchemas", "card", "prefixItems", 0), False),
    "not>then>prefixItems": (("not", "then", "prefixItems", 0), True),
}

#: the rule a change is judged by below `not`
REVERSED = {
    "request-constraint-added": "request-constraint-removed",
    "request-constraint-removed": "request-constraint-added",
    "request-bound-tightened": "request-bound-loosened",
    "request-bound-loosened": "request-bound-tightened",
    "request-property-became-required": "request-property-became-optional",
    "request-property-became-optional": "request-property-became-required",
}


def _set(path: str, value: object) -> Callable[[dict], None]:
    def change(leaf: dict) -> None:
        *parents, last = path.split("/")
        node = leaf
        for token in parents:
            node = node[int(token)] if isinstance(node, list) else node[token]
        if isinstance(node, list):
            node.append(value)
        else:
            node[last] = value

    return change


def _delete(path: str) -> Callable[[dict], None]:
    def change(leaf: dict) -> None:
        *parents, last = path.split("/")
        node = leaf
        for token in parents:
            node = node[int(token)] if isinstance(node, list) else node[token]
        del node[last]

    return change


# (name, the change to the leaf, the rule it is judged by outside `not`, the pointer below the
# leaf; None: an annotation, which means nothing below `not`)
CHANGES: list[tuple[str, Callable[[dict], None], str, str, bool]] = [
    (
        "const changed",
        _set("properties/kind/const", "y"),
        "request-const-changed",
        "properties/kind/const",
        True,
    ),
    (
        "const removed",
        _delete("properties/kind/const"),
        "request-constraint-removed",
        "properties/kind/const",
        True,
    ),
    (
        "contains removed",
        _delete("properties/tags/contains"),
        "request-constraint-removed",
        "properties/tags/contains",
        True,
    ),
    (
        "contains tightened",
        _set("properties/tags/contains/maxLength", 5),
        "request-bound-tightened",
        "properties/tags/contains/maxLength",
        True,
    ),
    (
        "minContains up",
        _set("properties/tags/minContains", 2),
        "request-bound-tightened",
        "properties/tags/minContains",
        True,
    ),
    (
        "maxContains down",
        _set("properties/tags/maxContains", 2),
        "request-bound-tightened",
        "properties/tags/maxContains",
        True,
    ),
    (
        "prefixItems entry appended",
        _set("properties/tags/prefixItems/1", {"type": "integer"}),
        "request-constraint-added",
        "properties/tags/prefixItems/1",
        True,
    ),
    (
        "prefixItems entry type",
        _set("properties/tags/prefixItems/0/type", "integer"),
        "request-type-changed",
        "properties/tags/prefixItems/0/type",
        True,
    ),
    (
        "unevaluatedItems removed",
        _delete("properties/tags/unevaluatedItems"),
        "request-constraint-removed",
        "properties/tags/unevaluatedItems",
        True,
    ),
    (
        "propertyNames tightened",
        _set("propertyNames/maxLength", 10),
        "request-bound-tightened",
        "propertyNames/maxLength",
        True,
    ),
    (
        "patternProperties added",
        _set("patternProperties/^y-", {"type": "string"}),
        "request-constraint-added",
        "patternProperties/^y-",
        True,
    ),
    (
        "patternProperties schema",
        _set("patternProperties/^x-/type", "integer"),
        "request-type-changed",
        "patternProperties/^x-/type",
        True,
    ),
    (
        "dependentRequired gains",
        _set("dependentRequired/card", ["billing", "zip"]),
        "request-constraint-added",
        "dependentRequired/card",
        True,
    ),
    (
        "dependentSchemas tightened",
        _set("dependentSchemas/card/properties/cvc/minLength", 4),
        "request-bound-tightened",
        "dependentSchemas/card/properties/cvc/minLength",
        True,
    ),
    ("if changed", _set("if/properties/kind/const", "z"), "request-condition-changed", "if", True),
    (
        "then requires more",
        _set("then/required", ["tags", "kind"]),
        "request-property-became-required",
        "then/required",
        True,
    ),
    ("else removed", _delete("else"), "request-constraint-removed", "else", True),
    (
        "unevaluatedProperties removed",
        _delete("unevaluatedProperties"),
        "request-constraint-removed",
        "unevaluatedProperties",
        True,
    ),
    # adding a required name inside `not` rejects fewer objects
    (
        "not requires more",
        _set("not/required", ["forbidden", "other"]),
        "request-property-became-optional",
        "not/required",
        True,
    ),
    (
        "contentEncoding changed",
        _set("properties/blob/contentEncoding", "base32"),
        "request-content-changed",
        "properties/blob/contentEncoding",
        True,
    ),
    (
        "contentMediaType changed",
        _set("properties/blob/contentMediaType", "image/jpeg"),
        "request-content-changed",
        "properties/blob/contentMediaType",
        True,
    ),
    (
        "contentSchema type",
        _set("properties/data/contentSchema/type", "array"),
        "request-type-changed",
        "properties/data/contentSchema/type",
        True,
    ),
    (
        "deprecated",
        _set("properties/kind/deprecated", True),
        "request-schema-deprecated",
        "properties/kind/deprecated",
        False,
    ),
    (
        "stability lowered",
        _set("properties/kind/x-stability-level", "beta"),
        "request-stability-decreased",
        "properties/kind/x-stability-level",
        False,
    ),
]

CASES = [
    (position, name, change, rule, suffix)
    for position, (_, below_not) in POSITIONS.items()
    for name, change, rule, suffix, judged_in_not in CHANGES
    if judged_in_not or not below_not
]


def _pointer(tokens: tuple) -> str:
    return "".join("/" + escape(str(token)) for token in tokens)


def test_the_fixture_reports_nothing_against_itself():
    assert list(diff_paths(BASE, BASE).changes) == []


@pytest.mark.parametrize(
    ("position", "name", "change", "rule", "suffix"), CASES, ids=[f"{c[0]}:{c[1]}" for c in CASES]
)
def test_each_change_once_at_its_place(position, name, change, rule, suffix, tmp_path: Path):
    document = yaml.safe_load(BASE.read_text())
    tokens, below_not = POSITIONS[position]
    node = document["paths"]["/items"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    for token in tokens:
        node = node[token]
    change(node)
    revision = tmp_path / "revision.yaml"
    revision.write_text(yaml.safe_dump(copy.deepcopy(document), sort_keys=False))

    changes = list(diff_paths(BASE, revision).changes)

    expected = REVERSED.get(rule, rule) if below_not else rule
    assert [c.id for c in changes] == [expected], describe_changes(changes)
    leaf = BODY + _pointer(tokens)
    assert changes[0].pointer == leaf + "/" + "/".join(escape(t) for t in suffix.split("/")), (
        describe_changes(changes)
    )
