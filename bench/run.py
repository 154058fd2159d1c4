"""Benchmark oasguard against a parse floor on the real corpus, as whole processes, and check the targets.

For every pair in ``MANIFEST.json`` of the corpus (or the pairs named on the command line) one run of
this script measures, side by side:

(a) the **parse floor**: a Python process (``python -c``, same interpreter, so the same start-up cost as
    the diff) that only parses the pair's files, with the standard library's ``json`` for a file whose
    content starts with ``{`` or ``[`` and PyYAML's ``CSafeLoader`` otherwise. It is a fixed yardstick:
    a faster parser inside oasguard is a legitimate win over it.
(b) the **diff**: ``python -m oasguard diff BASE REVISION --format json`` (exit 0 and 1 are success,
    exit 2 is recorded as an error with its stderr line, never a crash of this script).

"The pair's files" are, for each side, the entry document plus every file reachable from it through
the file part of a relative ``$ref`` (``other.yaml#/x``, ``../shared/y.yml``), transitively. That is
exactly what oasguard must read to resolve the document, no more: a multi-file pair such as
DigitalOcean holds files in its tree that no ``$ref`` reaches, and parsing those would flatter the
ratio. The list is computed once, before timing; the floor process only reads and parses it. "Input
size" is the total size of those files, both sides.

Each process gets one warm-up run, then ``--runs`` timed runs alternating floor/diff; times are
medians of wall-clock (``time.perf_counter`` around ``subprocess.Popen`` and ``os.wait4``) and the
peak memory is the largest ``ru_maxrss`` that ``os.wait4`` reports for that run's own child.

Linux folds the *parent's* high-water RSS into a child's ``ru_maxrss`` (``exec`` records the peak of the
address space it replaces, which after ``fork``/``vfork`` is the parent's). So this process keeps its
own memory small: reading the corpus to follow ``$ref``s and building the growth documents run in a
helper process (this script with ``--internal-helper``), and the diff reports are parsed only after
all timing is done. Each run still records this process's high-water mark at spawn time; a peak not
above it is only an upper bound and is marked ``≤`` (in practice only tiny floors, never a diff).
Beside the memory ratio (peak / input size, the target) the table shows a "net" one, (peak − the
start-up's peak) / input size: for a small pair the interpreter alone is many times the input.

Targets (ratios measured in the same run): diff ≤ 2.0 × floor for stripe-json, github and
kubernetes-swagger2, ≤ 4.0 × floor for stripe-json-long; peak memory of the diff ≤ 10 × input size for
every pair; growth: a synthetic document made by repeating one real document's ``paths`` k times
(k = 1, 2, 4, 8, under prefixes ``/k1``, ``/k2``, …, components shared, operationIds suffixed
``_k1``, ``_k2``, …) diffed against a copy of itself with one operation description changed costs at
most 1.3 × linear at k = 8, i.e. (t(8) / t(1)) / 8 ≤ 1.3, reported both raw and with the fixed
start-up cost (``python -m oasguard --version``) subtracted from both times; the target is judged on
the latter, which is the stricter of the two.

Usage (from the repository root)::

    .venv/bin/python bench/run.py [NAMES...] [--runs 5] [--corpus DIR] [--output bench/results.json]
                                  [--no-growth] [--growth-pair github] [--python PATH]

It prints a table and a one-line summary and writes ``bench/results.json``.

``--format FORMAT`` measures something else: what a format costs over ``--format json`` (issue 13:
the formats that show ``file:line`` compute source lines, a plain run does not). For each named pair
(default: ``github``) one warm-up, then ``--runs`` runs alternating ``--format json`` and
``--format FORMAT``, medians of wall-clock; target: ``FORMAT / json ≤ 1.3`` on the GitHub pair.
It writes ``bench/results-FORMAT.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpus"
DEFAULT_OUTPUT = REPO_ROOT / "bench" / "results.json"

#: --format FORMAT: its time / the --format json time, per pair
FORMAT_TARGETS = {"github": 1.3}
DEFAULT_FORMAT_PAIRS = ("github",)
TIME_TARGETS = {"stripe-json": 2.0, "github": 2.0, "kubernetes-swagger2": 2.0, "stripe-json-long": 4.0}
#: options a pair needs to be diffed at all: the 2017 Stripe base refers to '#/definitions/error',
#: which it lacks, an error by default (SPEC 4); the issue asks for this 4.5-year diff to finish
EXTRA_OPTIONS = {"stripe-json-long": ("--dangling-refs", "empty")}
MEMORY_TARGET = 10.0
GROWTH_KS = (1, 2, 4, 8)
GROWTH_TARGET = 1.3
DEFAULT_GROWTH_PAIR = "github"
TIMEOUT_SECONDS = 900.0
MB = 1_000_000
HELPER_FLAG = "--internal-helper"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# Runs as `python -c FLOOR_CODE LISTFILE`: parse every listed file, nothing else. PyYAML is imported
# only when a YAML file is met, so a JSON pair's floor does not pay for it.
FLOOR_CODE = """\
import json, sys
yaml = None
with open(sys.argv[1], encoding="utf-8") as listing:
    paths = listing.read().splitlines()
for path in paths:
    with open(path, "rb") as handle:
        data = handle.read()
    if data.lstrip(b"\\xef\\xbb\\xbf \\t\\r\\n")[:1] in (b"{", b"["):
        json.loads(data)
    else:
        if yaml is None:
            import yaml
        yaml.load(data, Loader=yaml.CSafeLoader)
"""


class BenchError(Exception):
    """The benchmark cannot be run at all (bad arguments, no corpus); main turns it into exit 2."""


@dataclass(frozen=True)
class Sample:
    """One finished process: wall-clock seconds, peak resident memory, exit status, stderr."""

    seconds: float
    peak_kib: int
    parent_kib: int  # this process's high-water mark when the child was spawned, see the docstring
    exit_code: int
    stderr: str

    def error_line(self) -> str:
        """The last non-empty stderr line: oasguard's one-line message, or a traceback's last line."""
        if self.exit_code < 0:
            return f"killed by signal {-self.exit_code} (the time limit is {TIMEOUT_SECONDS:g} s)"
        lines = [line for line in self.stderr.strip().splitlines() if line.strip()]
        return lines[-1].strip() if lines else f"exit status {self.exit_code}"


@dataclass
class Series:
    """The timed runs of one process kind (floor or diff) on one input."""

    samples: list[Sample] = field(default_factory=list)
    error: str | None = None

    @property
    def median(self) -> float | None:
        if not self.samples:
            return None
        times = sorted(s.seconds for s in self.samples)
        middle = len(times) // 2
        return times[middle] if len(times) % 2 else (times[middle - 1] + times[middle]) / 2

    @property
    def peak_mb(self) -> float | None:
        return max(s.peak_kib for s in self.samples) * 1024 / MB if self.samples else None

    @property
    def peak_exact(self) -> bool:
        """False when some run's peak may be this process's inherited high-water mark, not the child's."""
        return all(s.peak_kib > s.parent_kib for s in self.samples)

    def as_json(self) -> dict[str, Any]:
        return {
            "median_s": _round(self.median, 4),
            "runs_s": [round(s.seconds, 4) for s in self.samples],
            "peak_mb": _round(self.peak_mb, 2),
            "peak_is_upper_bound": not self.peak_exact,
            "peak_kib_runs": [s.peak_kib for s in self.samples],
            "exit_codes": [s.exit_code for s in self.samples],
            "error": self.error,
        }


@dataclass(frozen=True)
class Pair:
    """A named pair from the manifest; `listing` names every file both sides read, one per line."""

    name: str
    base: Path
    revision: Path
    base_files: int
    revision_files: int
    input_bytes: int
    listing: Path


# --- processes -------------------------------------------------------------------------------------


#: the environment of every measured process: as a user's, whose installed package has its
#: bytecode cached (PYTHONDONTWRITEBYTECODE, set in some sandboxes, makes every run compile the
#: whole package from source: 40 ms of a 0.6 s run)
_MEASURED_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run_process(argv: list[str], *, cwd: Path, stdout_path: Path | None = None) -> Sample:
    """Run one process to completion; time it and read its own peak memory from os.wait4."""
    with (
        open(stdout_path if stdout_path is not None else os.devnull, "wb") as out,
        tempfile.TemporaryFile() as err,
    ):
        parent_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        process = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err, cwd=cwd, env=_MEASURED_ENV
        )
        # A hung child must not hang the whole benchmark; kill it and record the failure.
        timer = threading.Timer(TIMEOUT_SECONDS, process.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", errors="replace")
    return Sample(seconds, usage.ru_maxrss, parent_kib, process.returncode, stderr)


class Runner:
    """Builds and runs the floor and diff command lines for one interpreter."""

    def __init__(self, python: str, workdir: Path, cwd: Path) -> None:
        self.python = python
        self.workdir = workdir
        self.cwd = cwd
        self.scratch = workdir / "diff-scratch.json"

    def floor_command(self, listing: Path) -> list[str]:
        return [self.python, "-c", FLOOR_CODE, str(listing)]

    def diff_command(
        self, base: Path, revision: Path, extra: tuple[str, ...] = (), format: str = "json"
    ) -> list[str]:
        return [self.python, "-m", "oasguard", "diff", str(base), str(revision), "--format", format, *extra]

    def run(self, argv: list[str], stdout_path: Path | None = None) -> Sample:
        return run_process(argv, cwd=self.cwd, stdout_path=stdout_path)

    def side_by_side(
        self,
        floor_argv: list[str],
        diff_argv: list[str],
        runs: int,
        report: Path,
        floor_ok: tuple[int, ...] = (0,),
    ) -> tuple[Series, Series]:
        """One warm-up of each, then `runs` timed runs alternating floor/diff; `floor_ok` are the
        exit statuses that count as success for the first process (a diff as floor: 0 and 1).

        The warm-up diff's output is kept in `report`, to be read once all timing is done (reading it
        now would raise this process's high-water mark, see the module docstring).
        """
        floor, diff = Series(), Series()
        warm_floor = self.run(floor_argv)
        if warm_floor.exit_code not in floor_ok:
            floor.error = warm_floor.error_line()
        warm_diff = self.run(diff_argv, report)
        if warm_diff.exit_code not in (0, 1):
            diff.error = warm_diff.error_line()
        for _ in range(runs):
            if floor.error is None:
                sample = self.run(floor_argv)
                floor.samples.append(sample)
                if sample.exit_code not in floor_ok:
                    floor.error = sample.error_line()
            if diff.error is None:
                sample = self.run(diff_argv, self.scratch)
                diff.samples.append(sample)
                if sample.exit_code not in (0, 1):
                    diff.error = sample.error_line()
        return floor, diff


# --- the corpus ------------------------------------------------------------------------------------


def parse_file(path: Path) -> Any:
    """Parse one file the way the floor does (in the helper process only)."""
    import yaml

    data = path.read_bytes()
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        return json.loads(data)
    return yaml.load(data, Loader=yaml.CSafeLoader)


def iter_refs(node: Any) -> Iterator[str]:
    """Every string `$ref` value in a parsed document."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            ref = current.get("$ref")
            if isinstance(ref, str):
                yield ref
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)


def referenced_files(entry: Path) -> tuple[Path, ...]:
    """The entry and every file reachable from it through relative `$ref` file parts, transitively."""
    entry = entry.resolve()
    seen = {entry}
    order = [entry]
    queue = [entry]
    while queue:
        current = queue.pop()
        for ref in iter_refs(parse_file(current)):
            target = ref.split("#", 1)[0]
            if not target or "://" in target:
                continue
            path = (current.parent / unquote(target)).resolve()
            if path not in seen and path.is_file():
                seen.add(path)
                order.append(path)
                queue.append(path)
    return tuple(order)


def read_manifest(corpus: Path) -> list[dict[str, Any]]:
    manifest = corpus / "MANIFEST.json"
    if not manifest.is_file():
        raise BenchError(f"no corpus: {manifest} does not exist (use --corpus DIR or OASGUARD_CORPUS)")
    # The manifest also describes every file of the corpus (megabytes): read it in the helper.
    return call_helper("pairs", str(manifest))


def choose(entries: list[dict[str, Any]], names: list[str]) -> list[dict[str, Any]]:
    known = {entry["name"]: entry for entry in entries}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise BenchError(f"unknown pair {', '.join(map(repr, unknown))} (known: {', '.join(known)})")
    return [known[name] for name in dict.fromkeys(names)] if names else entries


def load_pairs(corpus: Path, entries: list[dict[str, Any]], workdir: Path) -> dict[str, Pair | str]:
    """Each entry's Pair, or the one-line reason it cannot be read.

    A helper process follows the $refs and writes each pair's file listing; only counts come back.
    """
    triples = [
        f"{index}\t{corpus / entry['base']}\t{corpus / entry['revision']}"
        for index, entry in enumerate(entries)
    ]
    request = workdir / "pairs.tsv"
    request.write_text("".join(f"{line}\n" for line in triples), encoding="utf-8")
    found = call_helper("files", str(request), str(workdir))
    pairs: dict[str, Pair | str] = {}
    for entry, side in zip(entries, found, strict=True):
        if "error" in side:
            pairs[entry["name"]] = side["error"]
        else:
            base, revision = (corpus / entry[key] for key in ("base", "revision"))
            counts = side["files"]
            listing = Path(side["listing"])
            pairs[entry["name"]] = Pair(entry["name"], base, revision, *counts, side["bytes"], listing)
    return pairs


def write_listing(pairs_tsv: Path, workdir: Path) -> list[dict[str, Any]]:
    """For each `INDEX TAB BASE TAB REVISION` line, the floor's file listing and its counts (helper)."""
    out: list[dict[str, Any]] = []
    for line in pairs_tsv.read_text(encoding="utf-8").splitlines():
        index, *entries = line.split("\t")
        try:
            sides = [referenced_files(Path(entry)) for entry in entries]
        except Exception as error:  # any unreadable file: that pair is an error, the others run
            message = str(error).strip().splitlines()[0] if str(error).strip() else ""
            out.append({"error": f"cannot read the pair: {type(error).__name__}: {message}"})
            continue
        files = [path for side in sides for path in side]
        listing = workdir / f"floor-files-{index}.txt"
        listing.write_text("".join(f"{path}\n" for path in files), encoding="utf-8")
        out.append(
            {
                "files": [len(side) for side in sides],
                "bytes": sum(path.stat().st_size for path in files),
                "listing": str(listing),
            }
        )
    return out


def call_helper(*args: str) -> Any:
    """Run this script's helper mode in a fresh process and return the JSON it prints."""
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), HELPER_FLAG, *args],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines() or [f"exit status {done.returncode}"]
        raise BenchError(lines[-1].removeprefix("bench/run.py: error: "))
    return json.loads(done.stdout)


def helper(argv: list[str]) -> int:
    """The heavy reading, kept out of the measuring process: `pairs MANIFEST`, `files TSV DIR`,
    `growth SOURCE DIR`; prints JSON."""
    command, *args = argv
    if command == "pairs":
        try:
            out = json.loads(Path(args[0]).read_text(encoding="utf-8"))["pairs"]
            names = [(pair["name"], pair["base"], pair["revision"]) for pair in out]
        except (ValueError, KeyError, TypeError) as error:
            raise BenchError(f"{args[0]}: not a corpus manifest ({type(error).__name__}: {error})") from None
        if not all(isinstance(value, str) for triple in names for value in triple):
            raise BenchError(f"{args[0]}: not a corpus manifest (a pair without name, base or revision)")
    elif command == "files":
        out = write_listing(Path(args[0]), Path(args[1]))
    elif command == "growth":
        out = build_growth_documents(Path(args[0]), Path(args[1]))
    else:
        print(f"unknown helper command {command!r}", file=sys.stderr)
        return 2
    json.dump(out, sys.stdout)
    return 0


# --- the growth documents --------------------------------------------------------------------------


def repeat_paths(document: dict[str, Any], k: int) -> dict[str, Any]:
    """The document with its `paths` repeated k times under /k1, /k2, …; components stay shared."""
    paths = document.get("paths") or {}
    text = json.dumps(paths, default=str)  # YAML may hold dates; JSON cannot
    grown: dict[str, Any] = {}
    for copy in range(1, k + 1):
        fresh = json.loads(text)  # a deep copy per repetition, so the suffixes do not collide
        for template, item in fresh.items():
            if not template.startswith("/"):
                grown.setdefault(template, item)  # x- extensions of the paths object, kept once
                continue
            if isinstance(item, dict):
                for method in HTTP_METHODS:
                    operation = item.get(method)
                    if isinstance(operation, dict) and isinstance(operation.get("operationId"), str):
                        operation["operationId"] += f"_k{copy}"
            grown[f"/k{copy}{template}"] = item
    return {**document, "paths": grown}


def change_one_description(document: dict[str, Any]) -> None:
    """Change the description of the first operation: a minimal edit, so the two files differ."""
    for item in document["paths"].values():
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                operation["description"] = f"{operation.get('description', '')} (changed by the benchmark)"
                return
    document.setdefault("info", {})["description"] = "changed by the benchmark"


def build_growth_documents(path: Path, workdir: Path) -> list[dict[str, Any]]:
    """For each k, a synthetic base and revision (JSON) built from one document."""
    source = parse_file(path)
    if not isinstance(source, dict) or not isinstance(source.get("paths"), dict):
        raise BenchError(f"{path} has no paths object")
    built = []
    for k in GROWTH_KS:
        document = repeat_paths(source, k)
        base = workdir / f"growth-k{k}-base.json"
        base.write_text(json.dumps(document, default=str), encoding="utf-8")
        change_one_description(document)
        revision = workdir / f"growth-k{k}-revision.json"
        revision.write_text(json.dumps(document, default=str), encoding="utf-8")
        operations = sum(
            1
            for item in document["paths"].values()
            if isinstance(item, dict)
            for m in HTTP_METHODS
            if m in item
        )
        built.append({"k": k, "base": str(base), "revision": str(revision), "operations": operations})
    return built


# --- measuring -------------------------------------------------------------------------------------


def measure_pair(
    runner: Runner, entry: dict[str, Any], pair: Pair | str, runs: int, startup_peak_mb: float, report: Path
) -> dict[str, Any]:
    """Floor and diff of one pair side by side.

    The memory target is judged on the whole peak; the peak above the start-up's (the interpreter and
    the CLI's imports) per input byte is reported beside it, since for a small pair the interpreter
    alone is many times the input.
    """
    name = entry["name"]
    result: dict[str, Any] = {"name": name, "base": entry["base"], "revision": entry["revision"]}
    time_target = TIME_TARGETS.get(name)
    result |= {"ratio_target": time_target, "memory_target": MEMORY_TARGET}
    if isinstance(pair, str):
        return result | {"status": "error", "error": pair}
    input_bytes = pair.input_bytes
    result |= {
        "files": {"base": pair.base_files, "revision": pair.revision_files},
        "input_bytes": input_bytes,
    }
    result["report_file"] = str(report)
    floor, diff = runner.side_by_side(
        runner.floor_command(pair.listing),
        runner.diff_command(pair.base, pair.revision, EXTRA_OPTIONS.get(name, ())),
        runs,
        report,
    )
    result["options"] = list(EXTRA_OPTIONS.get(name, ()))
    result["floor"] = floor.as_json()
    result["diff"] = diff.as_json()
    ratio = diff.median / floor.median if diff.median is not None and floor.median else None
    memory_ratio = net_memory_ratio = None
    if diff.peak_mb is not None and input_bytes:
        memory_ratio = diff.peak_mb * MB / input_bytes
        net_memory_ratio = (diff.peak_mb - startup_peak_mb) * MB / input_bytes
    result |= {
        "ratio": _round(ratio, 3),
        "ratio_pass": None if time_target is None or ratio is None else ratio <= time_target,
        "memory_ratio": _round(memory_ratio, 2),
        "memory_pass": None if memory_ratio is None else memory_ratio <= MEMORY_TARGET,
        "net_memory_ratio": _round(net_memory_ratio, 2),
    }
    errors = [
        f"{kind}: {series.error}" for kind, series in (("diff", diff), ("floor", floor)) if series.error
    ]
    if errors:
        result |= {"status": "error", "error": "; ".join(errors)}
    else:
        failed = [
            kind
            for kind, ok in (("time", result["ratio_pass"]), ("mem", result["memory_pass"]))
            if ok is False
        ]
        result |= {"status": "over" if failed else "ok", "failed": failed}
    return result


def measure_startup(runner: Runner, runs: int) -> dict[str, Any]:
    """The fixed cost every diff pays: interpreter start-up and the CLI's imports."""
    argv = [runner.python, "-m", "oasguard", "--version"]
    output = runner.workdir / "version.txt"
    try:
        first = runner.run(argv, output)
    except OSError as error:
        raise BenchError(f"cannot run {runner.python}: {error}") from None
    if first.exit_code != 0:
        raise BenchError(f"{' '.join(argv)} failed: {first.error_line()}")
    version = output.read_text(encoding="utf-8", errors="replace").strip()
    samples = [runner.run(argv) for _ in range(runs)]
    series = Series(samples)
    if any(s.exit_code != 0 for s in samples):
        raise BenchError(f"{' '.join(argv)} failed: {samples[0].error_line()}")
    return {
        "command": argv[1:],
        "version": version,
        "median_s": series.median,
        "peak_mb": series.peak_mb,
        "peak_is_upper_bound": not series.peak_exact,
    }


def attach_report(result: dict[str, Any]) -> None:
    """Add the warm-up diff's summary to a pair's result, once all timing is done."""
    path = Path(result.pop("report_file", ""))
    if result["status"] == "error" or not path.is_file():
        return
    try:
        report = json.loads(path.read_bytes())
        result["diff"]["summary"] = report["summary"]
        result["diff"]["changes"] = len(report["changes"])
    except (ValueError, KeyError, TypeError) as error:
        result |= {"status": "error", "error": f"diff: the output is not a JSON report ({error})"}


def measure_growth(runner: Runner, source: Path, label: str, runs: int, startup_s: float) -> dict[str, Any]:
    """Diff times of the synthetic documents with k copies of the paths, against k."""
    rows = []
    for built in call_helper("growth", str(source), str(runner.workdir)):
        k, base, revision = built["k"], Path(built["base"]), Path(built["revision"])
        size = base.stat().st_size
        listing = runner.workdir / f"growth-k{k}-files.txt"
        listing.write_text(f"{base}\n{revision}\n", encoding="utf-8")
        _progress(f"growth k={k}: {built['operations']} operations, {size / MB:.1f} MB per document")
        floor, diff = runner.side_by_side(
            runner.floor_command(listing),
            runner.diff_command(base, revision),
            runs,
            runner.workdir / f"growth-k{k}-report.json",
        )
        rows.append(
            {
                "k": k,
                "operations": built["operations"],
                "document_bytes": size,
                "floor": floor.as_json(),
                "diff": diff.as_json(),
            }
        )
        for path in (base, revision):  # the k = 8 pair is large; do not keep it around
            path.unlink()
    result: dict[str, Any] = {
        "source": label,
        "ks": list(GROWTH_KS),
        "startup_s": round(startup_s, 4),
        "target": GROWTH_TARGET,
        "rows": rows,
    }
    errors = [f"k={row['k']}: {row['diff']['error']}" for row in rows if row["diff"]["error"]]
    if errors:
        return result | {"status": "error", "error": "; ".join(errors), "pass": None}
    t1 = rows[0]["diff"]["median_s"]
    for row in rows:
        t = row["diff"]["median_s"]
        row["time_ratio"] = round(t / t1, 3)
        row["net_time_ratio"] = _round(_net_ratio(t, t1, startup_s), 3)
    last = rows[-1]
    factor = last["time_ratio"] / last["k"]
    net = last["net_time_ratio"] / last["k"] if last["net_time_ratio"] is not None else None
    verdict = (net if net is not None else factor) <= GROWTH_TARGET
    return result | {
        "linear_factor": round(factor, 3),
        "net_linear_factor": _round(net, 3),
        "pass": verdict,
        "status": "ok" if verdict else "over",
    }


def _net_ratio(t: float, t1: float, startup: float) -> float | None:
    return (t - startup) / (t1 - startup) if t1 > startup else None


# --- reporting -------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    import platform  # only at the end: every module imported early raises the measured peaks' floor

    def proc_field(path: str, key: str) -> str | None:
        try:
            for line in Path(path).read_text(encoding="utf-8").splitlines():
                if line.split(":", 1)[0].strip() == key:
                    return line.split(":", 1)[1].strip()
        except OSError:
            pass
        return None

    total = proc_field("/proc/meminfo", "MemTotal")
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "cpu_model": proc_field("/proc/cpuinfo", "model name"),
        "memory_total_mb": round(int(total.split()[0]) * 1024 / MB) if total else None,
        "load_average": list(os.getloadavg()),
    }


def interpreter(python: str) -> dict[str, Any]:
    probe = "import platform; print(platform.python_version(), platform.python_implementation())"
    out = subprocess.run([python, "-c", probe], capture_output=True, text=True, check=False).stdout.split()
    return {
        "executable": python,
        "version": out[0] if out else None,
        "implementation": out[1] if out else None,
    }


def source_state() -> dict[str, Any]:
    """Which oasguard was measured: the commit and whether src/ had uncommitted edits."""

    def git(*args: str) -> str | None:
        done = subprocess.run(
            ["git", "-C", str(REPO_ROOT), *args], capture_output=True, text=True, check=False
        )
        return done.stdout.strip() if done.returncode == 0 else None

    status = git("status", "--porcelain", "--", "src")
    return {"commit": git("rev-parse", "HEAD"), "src_modified": bool(status) if status is not None else None}


def format_table(header: list[str], rows: list[list[str]], right: set[int]) -> str:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            cell.rjust(width) if i in right else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return "\n".join([line(header), line(["-" * width for width in widths]), *map(line, rows)])


def pairs_table(results: list[dict[str, Any]]) -> str:
    header = [
        "pair",
        "input MB",
        "files",
        "floor s",
        "diff s",
        "ratio",
        "target",
        "peak MB",
        "mem ratio",
        "net mem",
        "status",
    ]
    rows = []
    for r in results:
        files = r.get("files")
        status = r["status"]
        if status == "over":
            status = f"over ({', '.join(r['failed'])})"
        elif status == "error":
            status = f"error: {r['error']}"
        rows.append(
            [
                r["name"],
                _fmt(r.get("input_bytes") and r["input_bytes"] / MB, 2),
                f"{files['base']}+{files['revision']}" if files else "-",
                _fmt(r.get("floor", {}).get("median_s"), 3),
                _fmt(r.get("diff", {}).get("median_s"), 3),
                _fmt(r.get("ratio"), 2),
                _fmt(r.get("ratio_target"), 1),
                _peak(r.get("diff")),
                _fmt(r.get("memory_ratio"), 1),
                _fmt(r.get("net_memory_ratio"), 1),
                status,
            ]
        )
    return format_table(header, rows, right={1, 2, 3, 4, 5, 6, 7, 8, 9})


def growth_table(growth: dict[str, Any]) -> str:
    header = [
        "k",
        "ops",
        "doc MB",
        "floor s",
        "diff s",
        "peak MB",
        "t(k)/t(1)",
        "net t(k)/t(1)",
        "× linear raw / net",
    ]
    rows = []
    for row in growth["rows"]:
        ratio = row.get("time_ratio")
        net = row.get("net_time_ratio")
        rows.append(
            [
                str(row["k"]),
                str(row["operations"]),
                _fmt(row["document_bytes"] / MB, 2),
                _fmt(row["floor"]["median_s"], 3),
                _fmt(row["diff"]["median_s"], 3) if not row["diff"]["error"] else "error",
                _peak(row["diff"]),
                _fmt(ratio, 2),
                _fmt(net, 2),
                f"{_fmt(ratio and ratio / row['k'], 2)} / {_fmt(net and net / row['k'], 2)}",
            ]
        )
    lines = [
        f"growth: {growth['source']}, paths repeated k times; each diff is against a copy with one "
        f"description changed; start-up (python -m oasguard --version) = {growth['startup_s']:.3f} s",
        format_table(header, rows, right=set(range(9))),
    ]
    if growth["status"] == "error":
        lines.append(f"growth: error: {growth['error']}")
    else:
        lines.append(
            f"growth at k=8: {growth['linear_factor']:.2f} × linear raw, "
            f"{_fmt(growth['net_linear_factor'], 2)} × linear without start-up "
            f"(target ≤ {GROWTH_TARGET}): {'pass' if growth['pass'] else 'FAIL'}"
        )
    return "\n".join(lines)


def summarize(results: list[dict[str, Any]], growth: dict[str, Any] | None) -> dict[str, Any]:
    def verdicts(key: str, value_key: str, target_key: str) -> tuple[list[str], list[str]]:
        passed, failed = [], []
        for r in results:
            if r.get(key) is None:
                continue
            cell = f"{r['name']} {r[value_key]:.2f}/{r[target_key]:g}"
            (passed if r[key] else failed).append(cell)
        return passed, failed

    time_pass, time_fail = verdicts("ratio_pass", "ratio", "ratio_target")
    mem_pass, mem_fail = verdicts("memory_pass", "memory_ratio", "memory_target")
    missing = sorted(set(TIME_TARGETS) - {r["name"] for r in results if r.get("ratio_pass") is not None})
    errors = [r["name"] for r in results if r["status"] == "error"]
    return {
        "time_pass": time_pass,
        "time_fail": time_fail,
        "time_not_measured": missing,
        "memory_pass": mem_pass,
        "memory_fail": mem_fail,
        "errors": errors,
        "growth_pass": None if growth is None else growth["pass"],
        "all_pass": not time_fail
        and not mem_fail
        and not errors
        and (growth is None or bool(growth["pass"])),
    }


def summary_line(summary: dict[str, Any], growth: dict[str, Any] | None) -> str:
    def part(label: str, passed: list[str], failed: list[str]) -> str:
        text = f"{label} {len(passed)}/{len(passed) + len(failed)} pass"
        return text + (f" (over: {', '.join(failed)})" if failed else "")

    parts = [
        part("time", summary["time_pass"], summary["time_fail"]),
        part("memory", summary["memory_pass"], [f.split()[0] for f in summary["memory_fail"]]),
    ]
    if growth is not None:
        factor = growth.get("net_linear_factor") or growth.get("linear_factor")
        parts.append(
            "growth error"
            if growth["status"] == "error"
            else f"growth {'pass' if growth['pass'] else 'FAIL'} ({factor:.2f} × linear)"
        )
    if summary["errors"]:
        parts.append(f"errors: {', '.join(summary['errors'])}")
    if summary["time_not_measured"]:
        parts.append(f"time targets not measured: {', '.join(summary['time_not_measured'])}")
    return f"targets: {'ALL PASS' if summary['all_pass'] else 'NOT ALL PASS'}: " + "; ".join(parts)


def _peak(series: dict[str, Any] | None) -> str:
    if not series or series.get("peak_mb") is None:
        return "-"
    return ("≤" if series["peak_is_upper_bound"] else "") + f"{series['peak_mb']:.1f}"


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def _fmt(value: float | None, digits: int) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _progress(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


# --- the command line ------------------------------------------------------------------------------


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/run.py", description="Benchmark oasguard diff against a parse floor on the corpus."
    )
    parser.add_argument(
        "names", nargs="*", metavar="NAME", help="pairs of MANIFEST.json to run (default: all)"
    )
    parser.add_argument("--runs", type=int, default=5, help="timed runs per process, at least 3 (default: 5)")
    parser.add_argument(
        "--corpus",
        type=Path,
        default=None,
        help=f"corpus directory (default: $OASGUARD_CORPUS, else {DEFAULT_CORPUS})",
    )
    parser.add_argument(
        "--output", type=Path, default=DEFAULT_OUTPUT, help="results file (bench/results.json)"
    )
    parser.add_argument("--no-growth", action="store_true", help="skip the growth measurement")
    parser.add_argument(
        "--growth-pair",
        default=DEFAULT_GROWTH_PAIR,
        metavar="NAME",
        help=f"pair whose revision document is repeated for the growth measurement ({DEFAULT_GROWTH_PAIR})",
    )
    parser.add_argument(
        "--python", default=sys.executable, metavar="PATH", help="interpreter to measure (default: this one)"
    )
    parser.add_argument(
        "--format",
        default=None,
        metavar="FORMAT",
        help="instead: time --format FORMAT against --format json (default pair: github)",
    )
    parser.add_argument(
        "--consumers",
        action="store_true",
        help="instead: time diff --consumers (1,000 interactions) against the plain diff on the github "
        "pair (bench/consumers.py; target: at most 1.3 times)",
    )
    parser.add_argument(
        "--verify",
        action="store_true",
        help="instead: time oasguard verify with 500 interactions against the github document "
        "(bench/verify.py; target: under 2 s)",
    )
    args = parser.parse_args(argv)
    if args.runs < 3:
        parser.error("--runs must be at least 3")
    return args


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        if argv[:1] == [HELPER_FLAG]:
            return helper(argv[1:])
        args = parse_args(argv)
        if args.consumers or args.verify:
            return bench_scenario(args, "consumers.py" if args.consumers else "verify.py")
        return bench_format(args) if args.format else bench(args)
    except BenchError as error:
        print(f"bench/run.py: error: {error}", file=sys.stderr)
        return 2


def bench_scenario(args: argparse.Namespace, script: str) -> int:
    """A scenario of its own script (attribution, issue 18; verify, issue 19), with this run's
    corpus, runs and interpreter."""
    corpus = (args.corpus or Path(os.environ.get("OASGUARD_CORPUS") or DEFAULT_CORPUS)).resolve()
    path = Path(__file__).resolve().parent / script
    command = [args.python, str(path), "--runs", str(args.runs), "--corpus", str(corpus)]
    return subprocess.run(command, check=False).returncode


def bench(args: argparse.Namespace) -> int:
    corpus = args.corpus or Path(os.environ.get("OASGUARD_CORPUS") or DEFAULT_CORPUS)
    corpus = corpus.resolve()
    entries = read_manifest(corpus)
    chosen = choose(entries, args.names)
    growth_entries = [] if args.no_growth else choose(entries, [args.growth_pair])
    started = dt.datetime.now(dt.timezone.utc)
    load_at_start = list(os.getloadavg())

    with tempfile.TemporaryDirectory(prefix="oasguard-bench-") as temp:
        pairs = load_pairs(corpus, chosen + growth_entries, Path(temp))
        growth_pair = None
        if growth_entries:  # checked before any measurement, so a bad choice fails at once
            growth_pair = pairs[args.growth_pair]
            if isinstance(growth_pair, str):
                raise BenchError(f"--growth-pair {args.growth_pair}: {growth_pair}")
            if growth_pair.revision_files > 1:
                raise BenchError(f"--growth-pair {args.growth_pair}: a multi-file document cannot be copied")
        runner = Runner(args.python, Path(temp), cwd=corpus)
        startup = measure_startup(runner, args.runs)
        _progress(f"{startup['version']} via {args.python}; start-up {startup['median_s']:.3f} s")
        results = []
        for index, entry in enumerate(chosen):
            report = runner.workdir / f"report-{index}.json"
            result = measure_pair(runner, entry, pairs[entry["name"]], args.runs, startup["peak_mb"], report)
            results.append(result)
            _progress(
                f"{result['name']}: floor {_fmt(result.get('floor', {}).get('median_s'), 3)} s, "
                f"diff {_fmt(result.get('diff', {}).get('median_s'), 3)} s, {result['status']}"
            )
        growth = None
        if growth_pair is not None:
            label = f"{growth_pair.name} revision ({growth_pair.revision.relative_to(corpus)})"
            growth = measure_growth(runner, growth_pair.revision, label, args.runs, startup["median_s"])
        parent_peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / MB
        for result in results:
            attach_report(result)

    summary = summarize(results, growth)
    print(pairs_table(results))
    if growth is not None:
        print()
        print(growth_table(growth))
    print()
    line = summary_line(summary, growth)
    print(line)

    document = {
        "date": started.isoformat(timespec="seconds"),
        "duration_s": round((dt.datetime.now(dt.timezone.utc) - started).total_seconds(), 1),
        "command": [sys.executable, *sys.argv],
        "runs": args.runs,
        "corpus": str(corpus),
        "machine": machine() | {"load_average_at_start": load_at_start},
        "python": interpreter(args.python),
        "oasguard": {"version": startup["version"], **source_state()},
        "bench_process_peak_mb": round(parent_peak_mb, 2),
        "startup": {
            "command": startup["command"],
            "median_s": round(startup["median_s"], 4),
            "peak_mb": round(startup["peak_mb"], 2),
            "peak_is_upper_bound": startup["peak_is_upper_bound"],
        },
        "targets": {
            "ratio": TIME_TARGETS,
            "memory_ratio": MEMORY_TARGET,
            "growth_linear_factor": GROWTH_TARGET,
            "growth_ks": list(GROWTH_KS),
        },
        "floor_definition": "json.loads for content starting with { or [, yaml CSafeLoader otherwise; "
        "files: each entry plus every file reachable through relative $ref file parts",
        "pairs": results,
        "growth": growth,
        "summary": summary | {"line": line},
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    _progress(f"wrote {args.output}")
    return 0


def bench_format(args: argparse.Namespace) -> int:
    """Time `--format FORMAT` against `--format json` on each named pair (default: github)."""
    corpus = (args.corpus or Path(os.environ.get("OASGUARD_CORPUS") or DEFAULT_CORPUS)).resolve()
    entries = choose(read_manifest(corpus), args.names or list(DEFAULT_FORMAT_PAIRS))
    output = (
        args.output if args.output != DEFAULT_OUTPUT else REPO_ROOT / "bench" / f"results-{args.format}.json"
    )
    results = []
    with tempfile.TemporaryDirectory(prefix="oasguard-bench-") as temp:
        runner = Runner(args.python, Path(temp), cwd=corpus)
        for entry in entries:
            base, revision = (corpus / entry[key] for key in ("base", "revision"))
            extra = EXTRA_OPTIONS.get(entry["name"], ())
            plain, formatted = runner.side_by_side(
                runner.diff_command(base, revision, extra),
                runner.diff_command(base, revision, extra, args.format),
                args.runs,
                runner.workdir / "format-report.txt",
                floor_ok=(0, 1),
            )
            target = FORMAT_TARGETS.get(entry["name"])
            ratio = formatted.median / plain.median if plain.median and formatted.median is not None else None
            error = "; ".join(
                f"{k}: {s.error}" for k, s in (("json", plain), (args.format, formatted)) if s.error
            )
            results.append(
                {
                    "name": entry["name"],
                    "json": plain.as_json(),
                    args.format: formatted.as_json(),
                    "ratio": _round(ratio, 3),
                    "target": target,
                    "pass": None if target is None or ratio is None else ratio <= target,
                    "error": error or None,
                }
            )
            _progress(
                f"{entry['name']}: json {_fmt(plain.median, 3)} s, "
                f"{args.format} {_fmt(formatted.median, 3)} s"
            )
    header = ["pair", "json s", f"{args.format} s", "ratio", "target", "status"]
    rows = [
        [
            r["name"],
            _fmt(r["json"]["median_s"], 3),
            _fmt(r[args.format]["median_s"], 3),
            _fmt(r["ratio"], 2),
            _fmt(r["target"], 1),
            f"error: {r['error']}" if r["error"] else {True: "ok", False: "over", None: "-"}[r["pass"]],
        ]
        for r in results
    ]
    print(format_table(header, rows, right={1, 2, 3, 4}))
    all_pass = all(r["pass"] is not False and not r["error"] for r in results)
    print(f"format {args.format}: {'ALL PASS' if all_pass else 'NOT ALL PASS'}")
    document = {
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "command": [sys.executable, *sys.argv],
        "runs": args.runs,
        "format": args.format,
        "machine": machine(),
        "python": interpreter(args.python),
        "oasguard": source_state(),
        "pairs": results,
        "all_pass": all_pass,
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    _progress(f"wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
