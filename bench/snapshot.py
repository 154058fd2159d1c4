"""Snapshot every report oasguard writes for the corpus pairs and the fixture pairs, to prove a
refactor byte-identical.

For every pair of ``MANIFEST.json`` in the corpus and every fixture directory holding ``base.*`` and
``revision.*``, two processes: ``oasguard diff BASE REV --format json`` (stdout) and ``--format text``
with ``-o`` for markdown, sarif, junit and github. Stdout, stderr, every written file and the exit
statuses are stored under OUT/<pair>/. Compare two snapshots with ``diff -r``.

Usage: .venv/bin/python bench/snapshot.py OUT [--corpus DIR] [--jobs 2]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OTHERS = ("markdown", "sarif", "junit", "github")


def pairs(corpus: Path) -> list[tuple[str, Path, Path]]:
    found = []
    manifest = json.loads((corpus / "MANIFEST.json").read_text())
    for pair in manifest["pairs"]:
        found.append((f"corpus/{pair['name']}", corpus / pair["base"], corpus / pair["revision"]))
    for base in sorted((ROOT / "fixtures").rglob("base.*")):
        revisions = sorted(base.parent.glob("revision.*"))
        if revisions:
            found.append((f"fixtures/{base.parent.relative_to(ROOT / 'fixtures')}", base, revisions[0]))
    return found


def snapshot(out: Path, name: str, base: Path, revision: Path) -> None:
    target = out / name
    target.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "oasguard", "diff", str(base), str(revision)]
    env = {**os.environ, "COLUMNS": "100", "NO_COLOR": "1"}
    env.pop("OASGUARD_DEBUG", None)
    with tempfile.TemporaryDirectory() as scratch:
        runs = {
            "json": [*command, "--format", "json"],
            "text": [
                *command,
                "--format",
                "text",
                *(arg for each in OTHERS for arg in ("-o", f"{each}={scratch}/{each}.out")),
            ],
        }
        for label, argv in runs.items():
            done = subprocess.run(argv, capture_output=True, cwd=base.parent, env=env, timeout=600)
            (target / f"{label}.stdout").write_bytes(done.stdout)
            (target / f"{label}.stderr").write_bytes(done.stderr)
            (target / f"{label}.status").write_text(f"{done.returncode}\n")
        for each in OTHERS:
            written = Path(scratch) / f"{each}.out"
            (target / f"{each}.out").write_bytes(written.read_bytes() if written.exists() else b"<absent>")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    if not (args.corpus / "MANIFEST.json").exists():
        args.corpus = Path("/work/shared/corpus")
    todo = pairs(args.corpus)
    with ThreadPoolExecutor(args.jobs) as pool:
        list(pool.map(lambda each: snapshot(args.out, *each), todo))
    print(f"{len(todo)} pairs snapshot into {args.out}")


if __name__ == "__main__":
    main()
