"""Where a diff's time goes, per stage, on the worker thread that does the work (engine.run_deep).

    PYTHONPATH=src python bench/stages.py stripe-json github kubernetes-swagger2 [--repeat 3]
    PYTHONPATH=src python bench/stages.py github --cprofile 25     # the 25 costliest functions

The pair is diffed in this process as `oasguard diff BASE REVISION --format json` does it (the
engine, then the JSON report written to a string), with the collector off as in a real run.
Each stage is timed in CPU time of the worker thread (`time.thread_time`), so the load other
processes put on the machine does not count; the best of `--repeat` runs is shown. The lazy
stages (the comparison yields facts, settling and classifying consume them) are made eager
here, one list each, so that each is timed alone.

With `--cprofile N` the worker thread runs under cProfile instead and the N functions with the
most time of their own are printed (the profiler's own cost inflates every figure: read them as
shares).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("OASGUARD_CORPUS", ROOT.parent / "shared" / "corpus"))

STAGES = ("load", "unchanged", "normalise", "compare", "settle", "classify", "policy", "report")


def _pairs() -> dict[str, tuple[Path, Path]]:
    manifest = json.loads((CORPUS / "MANIFEST.json").read_text())
    return {p["name"]: (CORPUS / p["base"], CORPUS / p["revision"]) for p in manifest["pairs"]}


def _instrument(times: dict[str, float]) -> None:
    """Wrap the engine's stage functions so that each adds its thread CPU time to `times`."""
    from oasguard import engine, policy

    def timed(name, function, eager=False):
        def wrapper(*args, **kwargs):
            start = time.thread_time()
            result = function(*args, **kwargs)
            if eager:
                result = list(result)
            times[name] = times.get(name, 0.0) + time.thread_time() - start
            return iter(result) if eager else result

        return wrapper

    originals = {
        name: getattr(engine, name)
        for name in ("load", "Unchanged", "normalise", "compare", "settle", "classify")
    }
    engine.load = timed("load", originals["load"])
    engine.Unchanged = timed("unchanged", originals["Unchanged"])
    engine.normalise = timed("normalise", originals["normalise"])
    engine.compare = timed("compare", originals["compare"], eager=True)
    engine.settle = timed("settle", originals["settle"], eager=True)
    classify = timed("classify", originals["classify"])
    engine.classify = lambda facts: classify(list(facts))
    engine.policy = type(sys)("policy_timed")
    for name in dir(policy):
        setattr(engine.policy, name, getattr(policy, name))
    engine.policy.apply = timed("policy", policy.apply)


def _one(base: Path, revision: Path, profile: cProfile.Profile | None = None) -> str:
    from oasguard import engine
    from oasguard.report.json import json_chunks

    pair = engine.Pair(engine.File(str(base)), engine.File(str(revision)))

    def work() -> str:
        if profile is not None:
            profile.enable()
        try:
            report = engine.combine([pair], [engine.judge(pair, engine.RunOptions())], engine.RunOptions())
            start = time.thread_time()
            text = "".join(json_chunks(report))
            TIMES["report"] = TIMES.get("report", 0.0) + time.thread_time() - start
            return text
        finally:
            if profile is not None:
                profile.disable()

    return engine.run_deep(work)


TIMES: dict[str, float] = {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="+")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cprofile", type=int, default=0, metavar="N")
    options = parser.parse_args()
    pairs = _pairs()
    if options.cprofile:
        for name in options.names:
            profile = cProfile.Profile()
            _one(*pairs[name], profile=profile)
            print(f"== {name}")
            stream = io.StringIO()
            pstats.Stats(profile, stream=stream).sort_stats(os.environ.get("SORT", "tottime")).print_stats(
                options.cprofile
            )
            print(stream.getvalue())
        return
    _instrument(TIMES)
    print("| pair | " + " | ".join(STAGES) + " | total |")
    print("|---|" + "---:|" * (len(STAGES) + 1))
    for name in options.names:
        best: dict[str, float] | None = None
        for _ in range(options.repeat):
            TIMES.clear()
            _one(*pairs[name])
            if best is None or sum(TIMES.values()) < sum(best.values()):
                best = dict(TIMES)
        assert best is not None
        cells = " | ".join(f"{best.get(stage, 0.0) * 1000:.0f}" for stage in STAGES)
        print(f"| {name} | {cells} | {sum(best.values()) * 1000:.0f} |")
    print("(ms of worker-thread CPU time, best of", options.repeat, "runs)")


if __name__ == "__main__":
    main()
