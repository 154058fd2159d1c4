"""The schema search (compare/schema.py: `_search`): what it keeps of a pair it has compared.

Each compared pair's facts and children are kept (`_expand`) for every later visit. A pair met
again while its own comparison is under way (matching the variants of `Node` walks a variant,
whose `next` leads back to `Node`) has nothing to give yet: it is not kept as if it had nothing,
and the change below it is still found.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from oasguard.compare.schema import SchemaComparer
from oasguard.engine import diff, run_deep
from oasguard.sources import file_spec

#: a recursive schema whose variants are matched by `fits`: the walk of the object variant
#: leads back to `Node`, the pair being compared, and so does the array's
RECURSIVE_VARIANTS = """\
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /nodes:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Node'}
components:
  schemas:
    Node:
      oneOf:
        - type: object
          properties:
            next: {$ref: '#/components/schemas/Node'}
            name: {type: %s}
        - type: array
          items: {$ref: '#/components/schemas/Node'}
"""


def _changes(
    tmp_path: Path, base_type: str, revision_type: str
) -> tuple[list[tuple[str, str]], SchemaComparer]:
    base, revision = tmp_path / "base.yaml", tmp_path / "revision.yaml"
    base.write_text(RECURSIVE_VARIANTS % base_type)
    revision.write_text(RECURSIVE_VARIANTS % revision_type)
    comparer = SchemaComparer()
    report = run_deep(lambda: diff(file_spec(str(base)), file_spec(str(revision)), schemas=comparer))
    return [(c.id, c.location) for c in report.changes], comparer


def test_a_pair_met_again_while_it_is_compared_is_searched_once_it_is_known(tmp_path: Path):
    changes, comparer = _changes(tmp_path, "string", "integer")
    assert changes == [
        ("response-type-changed", "GET /nodes › response 200 › application/json › oneOf[#1] › name")
    ]
    assert comparer._in_progress == set()  # every comparison ended


@pytest.mark.parametrize("kind", ["string", "integer"])
def test_the_same_recursive_variants_report_nothing(tmp_path: Path, kind: str):
    changes, _ = _changes(tmp_path, kind, kind)
    assert changes == []
