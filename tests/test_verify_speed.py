"""verify on the GitHub document (corpus pair "github"): 500 conforming interactions, one per
GET operation with a JSON 200, built from the document itself, under 2 s."""

from __future__ import annotations

import json
import time

import pytest

from conftest import CORPUS
from oasguard.consumers.model import Evidence, Interaction, Request, Response, Source
from oasguard.load import load
from oasguard.model.nodes import Schema
from oasguard.model.normalise import normalise
from oasguard.sources import file_spec
from oasguard.verify import State, verify

FORMATS = {
    "date-time": "2024-01-02T03:04:05Z",
    "date": "2024-01-02",
    "uri": "https://example.com/x",
    "email": "a@example.com",
    "uuid": "123e4567-e89b-12d3-a456-426614174000",
    "ipv4": "10.0.0.1",
    "hostname": "example.com",
}

#: a value for each `pattern` the GitHub document's examples meet
PATTERNS = {
    r"^\d+\.\d+\.\d+$": "1.2.3",
    "^sha256:[a-f0-9]{64}$": "sha256:" + "a" * 64,
    "^([0-9a-fA-F]{40}(?:[0-9a-fA-F]{24})?)$": "a" * 40,
}


def example(schema: Schema | None, depth: int = 0) -> object:
    """A small value the schema accepts: required properties only, first enum value."""
    if schema is None or depth > 6:
        return None
    branches = [
        branch
        for branch in (*schema.one_of, *schema.any_of)
        if not schema.types or not branch.types or branch.types & schema.types
    ]
    if branches:
        return example(branches[0], depth + 1)
    if schema.enum:
        return schema.enum[0]
    types = schema.types or frozenset({"object"} if schema.properties else ())
    if "object" in types:
        return {name: example(schema.properties.get(name), depth + 1) for name in sorted(schema.required)}
    if "array" in types:
        minimum = schema.bounds.get("minItems") or 0
        return [example(schema.items, depth + 1) for _ in range(int(minimum))]
    if "integer" in types:
        return int(schema.bounds.get("minimum") or 1)
    if "number" in types:
        return float(schema.bounds.get("minimum") or 1)
    if "boolean" in types:
        return True
    if "string" in types:
        if schema.pattern:
            return PATTERNS.get(schema.pattern, "x")
        return FORMATS.get(schema.format or "", "x" * int(schema.bounds.get("minLength") or 1))
    if "null" in types:
        return None
    return "x"


def github_interactions(count: int) -> list[Interaction]:
    path = CORPUS / "github" / "23.0.0" / "api.github.com.json"
    if not path.exists():
        pytest.skip("the corpus (../shared/corpus) is not here")
    api = normalise(load(file_spec(str(path))))
    found = []
    for (_, method), operation in sorted(api.operations.items()):
        response = operation.responses.get("200")
        if method != "get" or response is None or "application/json" not in response.content:
            continue
        values, query = [], []
        for key, parameter in operation.parameters.items():
            value = example(parameter.schema)
            text = json.dumps(value) if not isinstance(value, str) else value
            if parameter.location == "path":
                values.append((key[1], text))
            elif parameter.location == "query" and parameter.required:
                query.append((parameter.name, text))
        path_text = operation.path
        for _, text in sorted(values, key=lambda pair: int(pair[0][1:])):
            index = path_text.index("{")
            path_text = path_text[:index] + text + path_text[path_text.index("}", index) + 1 :]
        body = example(response.content["application/json"].schema)
        found.append(
            Interaction(
                consumer="octo",
                source=Source("pacts/octo.json", len(found)),
                description=operation.title,
                evidence=Evidence.PACT,
                request=Request("GET", path_text, tuple(query), (("Authorization", "token x"),)),
                response=Response(200, (("Content-Type", "application/json"),), body),
            )
        )
    return (found * (count // len(found) + 1))[:count]


@pytest.mark.corpus
def test_500_interactions_against_the_github_document_under_2_seconds() -> None:
    interactions = github_interactions(500)
    path = CORPUS / "github" / "23.0.0" / "api.github.com.json"
    start = time.process_time()  # CPU time: other work on the machine does not count
    result = verify(load(file_spec(str(path))), interactions)
    elapsed = time.process_time() - start
    states = [outcome.state for outcome in result.outcomes]
    assert len(states) == 500
    drifting = [o for o in result.outcomes if o.state is not State.CONFORMING]
    assert not drifting, [(o.interaction.description, [p.message for p in o.problems]) for o in drifting[:5]]
    assert elapsed < 2.0, f"{elapsed:.2f} s"
