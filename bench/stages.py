"""Where a diff's time goes, per stage, on the worker thread that does the work (engine.run_deep).

    PYTHONPATH=src python bench/stages.py stripe-json github kubernetes-swagger2 [--repeat 3]
    PYTHONPATH=src python bench/stages.py github --cprofile 25     # the 25 costliest functions
    PYTHONPATH=src python bench/stages.py github --changes --repeat 12   # the per-change work only

The pair is diffed in this process as `oasguard diff BASE REVISION --format json` does it (the
engine, then the JSON report written to a string), with the collector off as in a real run.
Each stage is timed in CPU time of the worker thread (`time.thread_time`), so the load other
processes put on the machine does not count; the best of `--repeat` runs is shown. The lazy
stages (the comparison yields facts, settling and classifying consume them) are made eager
here, one list each, so that each is timed alone.

With `--cprofile N` the worker thread runs under cProfile instead and the N functions with the
most time of their own are printed (the profiler's own cost inflates every figure: read them as
shares; `SORT=cumulative` sorts by time with callees).

With `--changes`, only the work done per change is timed: settling, classifying and writing the
JSON report of a pair's changes, with fresh subjects and empty caches each time, best of
`--repeat`.
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


def _per_change(base: Path, revision: Path, repeat: int) -> tuple[int, float]:
    """(changes, best CPU seconds) of the work done per change: settling the facts' pointers,
    classifying them and writing the JSON report, each time with fresh subjects and empty
    caches (nothing a run before could have left)."""
    from dataclasses import replace

    from oasguard import changes, engine
    from oasguard.compare import compare
    from oasguard.compare.pointers import settle
    from oasguard.load import load
    from oasguard.model import normalise
    from oasguard.model.unchanged import Unchanged
    from oasguard.report import groups
    from oasguard.report.json import json_chunks
    from oasguard.rules.classify import classify
    from oasguard.sources import file_spec

    def clear() -> None:
        for module, names in ((changes, ("_parameter_names",)), (groups, ("_digest", "_name_aside"))):
            for name in names:
                cached = getattr(module, name, None)
                if hasattr(cached, "cache_clear"):
                    cached.cache_clear()
        getattr(changes, "_VALUES", {}).clear()

    def work() -> tuple[int, float]:
        b, r = load(file_spec(str(base))), load(file_spec(str(revision)))
        unchanged = Unchanged(b, r)
        facts = list(compare(normalise(b, unchanged, side=0), normalise(r, unchanged, side=1), None))
        best, count = float("inf"), 0
        for _ in range(repeat):
            fresh = [replace(fact, subject=replace(fact.subject)) for fact in facts]
            clear()
            start = time.thread_time()
            report = engine.Report(classify(settle(fresh, b, r)))
            "".join(json_chunks(report))
            best, count = min(best, time.thread_time() - start), len(report.changes)
        return count, best

    return engine.run_deep(work)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="+")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cprofile", type=int, default=0, metavar="N")
    parser.add_argument("--changes", action="store_true", help="time only the work done per change")
    options = parser.parse_args()
    pairs = _pairs()
    if options.changes:
        for name in options.names:
            count, best = _per_change(*pairs[name], max(options.repeat, 1))
            print(f"{name}: {count} changes, settle + classify + JSON report {best * 1000:.1f} ms CPU")
        return
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
