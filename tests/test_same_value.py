"""Parts equal in both documents are shared and never compared (model/unchanged.py), so "equal"
must be what JSON says, not what Python's `==` says: `true` is not `1`, `1` is not `1.0`."""

from __future__ import annotations

import copy
import datetime

import pytest

from conftest import run_in_process
from oasguard.model.nodes import same_value

DEEP: object = "leaf"
for _ in range(300):  # deeper than orjson writes: the pickles tell
    DEEP = {"a": DEEP}


@pytest.mark.parametrize(
    "a, b",
    [
        pytest.param({"default": 1}, {"default": True}, id="true-is-not-1"),
        pytest.param({"default": 0}, {"default": False}, id="false-is-not-0"),
        pytest.param({"maximum": 1}, {"maximum": 1.0}, id="1-is-not-1.0"),
        pytest.param({"minimum": 0.0}, {"minimum": -0.0}, id="zero-is-not-minus-zero"),
        pytest.param({"a": 1, "b": 2}, {"b": 2, "a": 1}, id="key-order"),
        pytest.param({"enum": [1, True]}, {"enum": [True, 1]}, id="in-a-list"),
        pytest.param({1: True}, {1: 1}, id="a-yaml-integer-key"),
        pytest.param({"x": 2**70 + 1, "y": True}, {"x": 2**70 + 1, "y": 1}, id="beyond-64-bits"),
        pytest.param([DEEP, 1], [DEEP, True], id="deeper-than-orjson-writes"),
    ],
)
def test_what_json_tells_apart_is_not_the_same(a: object, b: object):
    assert a == b  # Python's `==` would have shared them
    assert not same_value(a, b)


@pytest.mark.parametrize(
    "value",
    [
        {"type": "object", "properties": {"id": {"type": "integer", "default": 1}}},
        {"x-when": datetime.date(2026, 12, 7), 1: [True, 1.5, None]},  # YAML: a date, an integer key
        {"x": 2**70},
        DEEP,
    ],
)
def test_equal_values_are_the_same(value: object):
    assert same_value(value, copy.deepcopy(value))  # equal, none of its containers shared


def test_a_default_turned_from_1_to_true_is_reported(tmp_path):
    document = """\
openapi: 3.0.3
info: {{title: t, version: '1'}}
paths:
  /pets:
    get:
      parameters:
        - {{name: limit, in: query, schema: {{$ref: '#/components/schemas/Limit'}}}}
      responses:
        '200': {{description: ok}}
components:
  schemas:
    Limit: {{type: integer, default: {default}}}
"""
    (tmp_path / "base.yaml").write_text(document.format(default="1"))
    (tmp_path / "revision.yaml").write_text(document.format(default="true"))
    done = run_in_process(
        "diff", str(tmp_path / "base.yaml"), str(tmp_path / "revision.yaml"), "--format", "json"
    )
    assert "default-changed" in done.stdout, done.stdout + done.stderr
