"""docs/examples/ holds what oasguard really writes for the petstore pair."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT
from formats_helpers import assert_valid_sarif, parse_markdown

EXAMPLES = ROOT / "docs" / "examples"


def test_the_examples_are_what_the_command_writes_now():
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / "generate.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr


def test_the_examples_are_readable_in_their_formats():
    page = parse_markdown((EXAMPLES / "petstore.md").read_text(encoding="utf-8"))
    assert "breaking" in page.headings[0] and len(page.tables) == 4
    sarif = assert_valid_sarif((EXAMPLES / "petstore.sarif").read_text(encoding="utf-8"))
    assert len(sarif["runs"][0]["results"]) == 19
    text = (EXAMPLES / "petstore.txt").read_text(encoding="utf-8")
    # 19 changes, 13 facts: the shared Pet's `name`, `status` and `birthday`, 3 operations each
    assert text.rstrip().endswith("13 changes, in 19 places: 8 breaking, 1 warning, 4 safe")
