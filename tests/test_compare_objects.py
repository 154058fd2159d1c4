"""Objects the comparison makes per operation and per fact without their classes' `__init__`
(compare/facts.py `subject`, `Fact`): the same values as the classes would make."""

from __future__ import annotations

from dataclasses import fields

import pytest

from oasguard.changes import Side, Step, Subject
from oasguard.compare.facts import subject
from oasguard.compare.operations.context import Here


@pytest.mark.parametrize(
    "values",
    [
        (None, None, None, (), None, False, False),
        (
            "GET",
            "/pets/{id}",
            Side.RESPONSE,
            (Step("response", "200"), Step("property", "name")),
            None,
            True,
            False,
        ),
        ("POST", "newPet", Side.REQUEST, (Step("parameter", "id", "query"),), "pet_id", False, True),
    ],
)
def test_a_subject_made_without_init_is_the_subject_the_dataclass_makes(values):
    made, declared = subject(*values), Subject(*values)
    assert made == declared and hash(made) == hash(declared) and repr(made) == repr(declared)
    assert [getattr(made, f.name) for f in fields(Subject)] == list(values)
    assert (made.operation, made.place, made.location) == (
        declared.operation,
        declared.place,
        declared.location,
    )


def test_a_fact_said_here_has_the_subject_below_its_operation():
    origin = Subject("PUT", "/pets/{id}", twin=True)
    here = Here(None, origin, (Step("response", "200"),), Side.RESPONSE)  # type: ignore[arg-type]
    fact = here.fact("rule", {}, where=None, below=(Step("property", "id"),), former="pet_id")  # type: ignore[arg-type]
    assert fact.subject == origin.below(
        Step("response", "200"), Step("property", "id"), side=Side.RESPONSE, former="pet_id"
    )
    assert fact.subject.location == "PUT /pets/{id} › response 200 › id"
