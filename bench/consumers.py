"""What attribution (`diff --consumers`, issue 18) costs on the GitHub pair: 1,000 interactions
over 200 operations, as Pact v3 files of 10 consumers, against the plain diff.

The interactions are made from the base document: 200 operations taken evenly from its sorted
paths, 5 interactions each, with every path parameter filled (an integer as 1, else `octocat`),
the required query parameters sent, and an expected response that names the first properties of
the success response's JSON schema (so that response-side changes are judged by fields read).

Usage (from the repository root)::

    .venv/bin/python bench/consumers.py [--runs 5] [--corpus DIR]

One warm-up, then --runs runs alternating the plain diff and the diff with --consumers (medians
of wall-clock). Target: with / without ≤ 1.3. Exit 1 when the target is missed.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpus"
BASE, REVISION = "github/22.0.0/api.github.com.json", "github/23.0.0/api.github.com.json"
TARGET = 1.3
OPERATIONS, PER_OPERATION, CONSUMERS = 200, 5, 10
_METHODS = ("get", "put", "post", "delete", "patch")


def _deref(document: dict, node: object, depth: int = 0) -> object:
    while isinstance(node, dict) and "$ref" in node and depth < 20:
        target: object = document
        for token in node["$ref"].lstrip("#/").split("/"):
            target = target[token.replace("~1", "/").replace("~0", "~")]  # type: ignore[index]
        node, depth = target, depth + 1
    return node


def interactions(document: dict) -> dict[str, list[dict]]:
    """Pact v3 interactions by consumer name."""
    operations = [
        (path, method, item[method])
        for path, item in sorted(document["paths"].items())
        for method in _METHODS
        if method in item
    ]
    step = max(1, len(operations) // OPERATIONS)
    chosen = operations[::step][:OPERATIONS]
    found: dict[str, list[dict]] = {f"consumer-{n}": [] for n in range(CONSUMERS)}
    for number, (path, method, operation) in enumerate(chosen):
        parameters = [
            _deref(document, p)
            for p in [*document["paths"][path].get("parameters", []), *operation.get("parameters", [])]
        ]
        concrete = path
        query: dict[str, list[str]] = {}
        for parameter in parameters:
            if not isinstance(parameter, dict):
                continue
            schema = _deref(document, parameter.get("schema", {}))
            value = "1" if isinstance(schema, dict) and schema.get("type") == "integer" else "octocat"
            if parameter.get("in") == "path":
                concrete = concrete.replace("{" + parameter["name"] + "}", value)
            elif parameter.get("in") == "query" and parameter.get("required"):
                query[parameter["name"]] = [value]
        concrete = re.sub(r"\{[^}]*\}", "octocat", concrete)
        status, body = 200, None
        for code, response in operation.get("responses", {}).items():
            if code.startswith("2"):
                status = int(code)
                response = _deref(document, response)
                schema = _deref(
                    document, ((response.get("content") or {}).get("application/json") or {}).get("schema")
                )
                if isinstance(schema, dict) and schema.get("type") == "array":
                    item = _deref(document, schema.get("items"))
                    body = (
                        [{key: "x" for key in list((item or {}).get("properties", {}))[:5]}]
                        if isinstance(item, dict)
                        else []
                    )
                elif isinstance(schema, dict):
                    body = {key: "x" for key in list(schema.get("properties", {}))[:5]}
                break
        for copy in range(PER_OPERATION):
            consumer = f"consumer-{(number * PER_OPERATION + copy) % CONSUMERS}"
            interaction = {
                "description": f"{method.upper()} {path} #{copy}",
                "request": {"method": method.upper(), "path": concrete, "query": query},
                "response": {"status": status, "headers": {"Content-Type": "application/json"}},
            }
            if body is not None:
                interaction["response"]["body"] = body
            found[consumer].append(interaction)
    return found


def write_pacts(folder: Path, corpus: Path) -> int:
    document = json.loads((corpus / BASE).read_text())
    total = 0
    for consumer, items in interactions(document).items():
        pact = {
            "consumer": {"name": consumer},
            "provider": {"name": "github"},
            "interactions": items,
            "metadata": {"pactSpecification": {"version": "3.0.0"}},
        }
        (folder / f"{consumer}.json").write_text(json.dumps(pact))
        total += len(items)
    return total


def timed(arguments: list[str]) -> tuple[float, subprocess.CompletedProcess[bytes]]:
    start = time.perf_counter()
    done = subprocess.run(arguments, capture_output=True)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"failed: {' '.join(arguments)}\n{done.stderr.decode()}")
    return elapsed, done


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        count = write_pacts(Path(scratch), options.corpus)
        plain = [
            sys.executable,
            "-m",
            "oasguard",
            "diff",
            str(options.corpus / BASE),
            str(options.corpus / REVISION),
            "--format",
            "json",
        ]
        attributed = [*plain, "--consumers", f"{scratch}/*.json"]
        _, warm = timed(attributed)
        report = json.loads(warm.stdout)
        named = sum(1 for change in report["changes"] if change.get("consumers"))
        timed(plain)
        without, with_ = [], []
        for _ in range(options.runs):
            without.append(timed(plain)[0])
            with_.append(timed(attributed)[0])
    ratio = statistics.median(with_) / statistics.median(without)
    print(
        f"github pair, {count} interactions of {CONSUMERS} consumers over {OPERATIONS} operations: "
        f"diff {statistics.median(without):.2f} s, with --consumers {statistics.median(with_):.2f} s, "
        f"ratio {ratio:.2f} (target <= {TARGET}); {named} of {len(report['changes'])} changes name a "
        f"consumer, {len(report['unmatched'])} interactions unmatched"
    )
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
