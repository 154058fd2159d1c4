"""What `oasguard verify` costs (issue 19): 500 conforming interactions against GitHub's document
(corpus pair "github", 23.0.0), whole process, as a user runs it.

The interactions are the ones tests/test_verify_speed.py builds from the document itself (one
per GET operation with a JSON 200, repeated to the count), written as a Pact v2 file.

Usage (from the repository root)::

    .venv/bin/python bench/verify.py [--runs 5] [--count 500] [--corpus DIR]

One warm-up, then --runs timed runs (median of wall-clock). Target: under 2 s. Exit 1 when the
target is missed, 2 when a run does not exit 0 (an interaction did not conform).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpus"
DOCUMENT = "github/23.0.0/api.github.com.json"
TARGET_S = 2.0


def write_pact(path: Path, count: int) -> int:
    """A Pact v2 file of `count` conforming interactions (the test's, cycled to the count)."""
    sys.path.insert(0, str(REPO_ROOT / "tests"))
    from test_verify_speed import github_interactions

    made = github_interactions(count)
    interactions = []
    for index in range(count):
        each = made[index % len(made)]
        request: dict[str, object] = {
            "method": each.request.method,
            "path": each.request.path,
            "headers": dict(each.request.headers),
        }
        if each.request.query:
            request["query"] = urlencode(each.request.query)
        response = {"status": 200, "headers": dict(each.response.headers), "body": each.response.body}
        interactions.append(
            {"description": f"{index} {each.description}", "request": request, "response": response}
        )
    pact = {
        "consumer": {"name": "octo"},
        "provider": {"name": "github"},
        "interactions": interactions,
        "metadata": {"pactSpecification": {"version": "2.0.0"}},
    }
    path.write_text(json.dumps(pact))
    return count


def timed(command: list[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    return time.perf_counter() - start, done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--corpus", type=Path, default=None)
    parser.add_argument("--python", default=sys.executable)
    options = parser.parse_args(argv)
    corpus = options.corpus or Path(os.environ.get("OASGUARD_CORPUS") or DEFAULT_CORPUS)
    os.environ["OASGUARD_CORPUS"] = str(corpus)  # where the test's generator reads the document
    with tempfile.TemporaryDirectory() as scratch:
        pact = Path(scratch) / "octo.json"
        count = write_pact(pact, options.count)
        command = [
            options.python,
            "-m",
            "oasguard",
            "verify",
            str(corpus / DOCUMENT),
            str(pact),
            "-f",
            "json",
        ]
        _, warm = timed(command)
        if warm.returncode != 0:
            print(
                f"bench/verify.py: verify exited {warm.returncode}: {warm.stderr.strip()[-300:]}",
                file=sys.stderr,
            )
            return 2
        summary = json.loads(warm.stdout)["summary"]
        seconds = [timed(command)[0] for _ in range(options.runs)]
    median = statistics.median(seconds)
    print(
        f"verify, github document, {count} interactions: {median:.2f} s (median of {options.runs}; "
        f"target < {TARGET_S:.0f} s); {summary}; load average {os.getloadavg()[0]:.1f}"
    )
    return 0 if median < TARGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
