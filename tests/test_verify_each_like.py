"""`eachLike(min=N)` read as the promise it is (issue 19): the consumer relies on at least N
items, so a response schema whose `maxItems` is below N can never satisfy it (drift), while an
example longer than `maxItems` under a smaller `min` only shows the matcher's example."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_cli

DOCUMENT = """\
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /tags:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: array
                maxItems: 2
                items: {type: string}
"""


def _pact(minimum: int) -> dict:
    return {
        "consumer": {"name": "web"},
        "provider": {"name": "tags"},
        "interactions": [
            {
                "description": f"at least {minimum} tags",
                "request": {"method": "GET", "path": "/tags"},
                "response": {
                    "status": 200,
                    "headers": {"Content-Type": "application/json"},
                    "body": ["a", "b", "c"],
                    "matchingRules": {"body": {"$": {"matchers": [{"match": "type", "min": minimum}]}}},
                },
            }
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }


@pytest.mark.parametrize(("minimum", "status"), [(3, 1), (1, 0)])
def test_each_like_min_against_max_items(tmp_path: Path, minimum: int, status: int) -> None:
    document, pact = tmp_path / "api.yaml", tmp_path / "web.json"
    document.write_text(DOCUMENT)
    pact.write_text(json.dumps(_pact(minimum)))
    result = run_cli("verify", str(document), str(pact), "-f", "json")
    assert result.returncode == status, result.stdout + result.stderr
    report = json.loads(result.stdout)
    problems = [p["id"] for i in report["interactions"] for p in i.get("problems", [])]
    assert problems == (["response.body.incompatible"] if status else []), report
