"""Shared helpers: where the fixtures and the corpus are, and how to run the command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
CORPUS = Path(os.environ.get("OASGUARD_CORPUS", ROOT.parent / "shared" / "corpus"))


def run_cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `python -m oasguard ARGS` as a user would, capturing both streams."""
    return subprocess.run(
        [sys.executable, "-m", "oasguard", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        cwd=cwd,
    )


NOWHERE = object()


def pointer_target(document: object, pointer: str) -> object:
    """What the RFC 6901 `pointer` names in `document`, or NOWHERE (written here, not taken from
    oasguard, so the tests check its pointers against an independent reading)."""
    node = document
    if pointer and not pointer.startswith("/"):
        return NOWHERE
    for token in pointer.split("/")[1:] if pointer else []:
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return NOWHERE
    return node


def describe_changes(changes) -> str:
    """Changes one per line, for assertion messages."""
    return "\n".join(
        f"  {c.id} [{c.level.value}] {c.operation}: {c.message!r} @ {c.pointer}" for c in changes
    )


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture(scope="session")
def manifest() -> dict:
    path = CORPUS / "MANIFEST.json"
    if not path.exists():
        pytest.skip("the corpus (../shared/corpus) is not here")
    return json.loads(path.read_text())
