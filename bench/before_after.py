"""Two versions of oasguard against the parse floor, side by side in one run (issue 24's table).

    .venv/bin/python bench/before_after.py COMMIT [NAMES...] [--runs 7]

COMMIT's `src/` is taken out of git into a temporary folder; each named pair of the corpus
(default: stripe-json, github, kubernetes-swagger2) is then timed as `bench/run.py` times it
(`python -m oasguard diff BASE REVISION --format json`, a whole process, and the floor: a process
that only parses the pair's files), the floor, COMMIT's diff and this checkout's diff taking turns
after one warm-up of each, so that both versions meet the same load. Each figure is the median of
`--runs`; wall-clock and CPU (user + system, from `wait4`) are both printed, CPU being what
another process on the machine disturbs least. It prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench  # this folder's bench/run.py: the floor, the corpus, the pairs

DEFAULT_PAIRS = ("stripe-json", "github", "kubernetes-swagger2")
#: the issue's targets: diff ÷ floor
TARGETS = {"stripe-json": 4.0, "github": 2.2, "kubernetes-swagger2": 4.5}


def _extract(commit: str, into: Path) -> Path:
    """`src/` of `commit`, written below `into`; its path."""
    archive = subprocess.run(
        ["git", "-C", str(bench.REPO_ROOT), "archive", "--format=tar", commit, "src"],
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def _timed(argv: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, exit status) of one process, its output thrown away."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("commit", help="the version to compare against (a commit, tag or branch)")
    parser.add_argument("names", nargs="*", metavar="NAME", help="pairs of MANIFEST.json")
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each (default 7)")
    args = parser.parse_args(argv)
    corpus = Path(os.environ.get("OASGUARD_CORPUS") or bench.DEFAULT_CORPUS)
    entries = bench.choose(bench.read_manifest(corpus), args.names or list(DEFAULT_PAIRS))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    load = os.getloadavg()[0]
    rows = []
    with tempfile.TemporaryDirectory(prefix="oasguard-before-") as folder:
        work = Path(folder)
        before_src = _extract(args.commit, work / "before")
        pairs = bench.load_pairs(corpus, entries, work)
        versions = {
            "before": {**env, "PYTHONPATH": str(before_src)},
            "after": {**env, "PYTHONPATH": str(bench.REPO_ROOT / "src")},
        }
        for entry in entries:
            pair = pairs[entry["name"]]
            if isinstance(pair, str):
                print(f"{entry['name']}: {pair}", file=sys.stderr)
                continue
            floor = [sys.executable, "-c", bench.FLOOR_CODE, str(pair.listing)]
            diff = [sys.executable, "-m", "oasguard", "diff", str(pair.base), str(pair.revision)]
            diff += ["--format", "json", *bench.EXTRA_OPTIONS.get(entry["name"], ())]
            samples: dict[str, list[tuple[float, float, int]]] = {"floor": [], "before": [], "after": []}
            for turn in range(args.runs + 1):  # the first turn warms up (and compiles COMMIT's bytecode)
                for name, command, environment in (
                    ("floor", floor, env),
                    ("before", diff, versions["before"]),
                    ("after", diff, versions["after"]),
                ):
                    sample = _timed(command, environment)
                    if sample[2] not in (0, 1):
                        raise SystemExit(f"{entry['name']}: {name} exited {sample[2]}")
                    if turn:
                        samples[name].append(sample)
            medians = {
                name: (statistics.median(s[0] for s in runs), statistics.median(s[1] for s in runs))
                for name, runs in samples.items()
            }
            rows.append((entry["name"], medians))
            print(f"{entry['name']}: done", file=sys.stderr)
    print(f"`bench/before_after.py {args.commit}`, median of {args.runs}, load average {load:.1f} first")
    print()
    print("| pair | floor | before | ÷ floor | after | ÷ floor | target | before CPU | after CPU |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, medians in rows:
        floor_wall = medians["floor"][0]
        cells = [name, f"{floor_wall:.3f} s"]
        for version in ("before", "after"):
            cells += [f"{medians[version][0]:.3f} s", f"{medians[version][0] / floor_wall:.2f}"]
        cells.append(str(TARGETS.get(name, "")))
        cells += [f"{medians[version][1]:.3f} s" for version in ("before", "after")]
        print("| " + " | ".join(cells) + " |")
    print(json.dumps({name: medians for name, medians in rows}), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
