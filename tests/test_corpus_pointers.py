"""Issue 14, "every pointer resolves": each corpus change's pointer names something in the file its
source names, on its side (the base for something removed)."""

from __future__ import annotations

import pytest

from conftest import CORPUS
from test_lines import _pairs, corpus_changes, resolves

pytestmark = pytest.mark.corpus


@pytest.mark.skipif(not (CORPUS / "MANIFEST.json").exists(), reason="no corpus here")
@pytest.mark.parametrize("name", [p["name"] for p in _pairs()])
def test_every_corpus_pointer_resolves_in_the_file_it_names(name):
    changes, base, revision = corpus_changes(name)
    wrong = [c for c in changes if not resolves(c, base, revision)]
    shown = "\n".join(f"  {c.id}: {c.source.file} ({c.source.side}) {c.pointer}" for c in wrong[:10])
    assert not wrong, f"{len(wrong)} of {len(changes)} pointers resolve nowhere in their file:\n{shown}"
