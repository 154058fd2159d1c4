"""Shared helpers: where the fixtures and the corpus are, and how to run the command."""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import io
import json
import locale
import os
import pickle
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import traceback
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from oasguard.changes import Report
from oasguard.sources import Spec

# Bytecode is cached even where PYTHONDONTWRITEBYTECODE is set (into the ignored __pycache__
# folders): each test process would otherwise rewrite every test module's asserts and each
# `python -m oasguard` it starts would compile the package again (about 2 s a worker).
sys.dont_write_bytecode = False
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
CORPUS = Path(os.environ.get("OASGUARD_CORPUS", ROOT.parent / "shared" / "corpus"))
#: the corpus pair several modules measure reports against: 1,750 changes, 57 breaking facts
GITHUB_PAIR = (
    CORPUS / "github" / "22.0.0" / "api.github.com.json",
    CORPUS / "github" / "23.0.0" / "api.github.com.json",
)


def run_process(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `python -m oasguard ARGS` in a new process, as a user would, capturing both streams
    (for tests where the process is the point: signals, terminals, limits, the real command)."""
    return subprocess.run(
        [sys.executable, "-m", "oasguard", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        cwd=cwd,
    )


def drain(master: int) -> bytes:
    """Everything a child wrote to its pseudo-terminal, read until it closed its end; then the
    master end is closed."""
    screen = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed its end
            break
        if not chunk:
            break
        screen += chunk
    os.close(master)
    return screen


class _Overran(BaseException):
    """Raised in the main thread when an in-process run outlives its timeout (a BaseException:
    main must not catch it)."""


@contextlib.contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Interrupt the block after `seconds` (SIGALRM, main thread only), as a process's timeout."""
    if not hasattr(signal, "SIGALRM") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def ring(signum: int, frame: object) -> None:
        raise _Overran

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


#: What Python's warning filters are in a new process without -W options
_PROCESS_FILTERS = (
    ("default", DeprecationWarning, "__main__"),
    ("ignore", DeprecationWarning, ""),
    ("ignore", PendingDeprecationWarning, ""),
    ("ignore", ImportWarning, ""),
    ("ignore", ResourceWarning, ""),
)


def _decoded(stream: io.TextIOWrapper) -> str:
    """The bytes written to `stream`, read back as subprocess.run(text=True) reads a pipe: in the
    locale's encoding, strictly, with universal newlines."""
    stream.flush()
    data = stream.buffer.getvalue()  # type: ignore[attr-defined]
    return io.TextIOWrapper(io.BytesIO(data), encoding=locale.getpreferredencoding(False)).read()


def run_in_process(
    *args: str,
    env: dict[str, str] | None = None,
    timeout: float = 120,
    cwd: Path | None = None,
    without: tuple[str, ...] = (),
) -> subprocess.CompletedProcess[str]:
    """`oasguard ARGS` run by `oasguard.cli.main` in this process, with what a new process would
    have: its own stdout (UTF-8, strict) and stderr (backslashreplace), an empty stdin, `env` added
    to the environment (and the variables `without` taken out), `cwd`, a fresh argv and warning
    filters; an exception escaping main is a traceback on stderr and exit 1. All of it is restored
    afterwards, and `timeout` ends the run as it ends a process (subprocess.TimeoutExpired)."""
    from oasguard.cli import main

    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict", line_buffering=False)
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="backslashreplace")
    saved_env = dict(os.environ)
    saved_cwd = os.getcwd()
    saved = (sys.stdin, sys.stdout, sys.stderr, sys.argv)
    code: object = 0
    try:
        os.environ.update(env or {})
        for name in without:
            os.environ.pop(name, None)
        if cwd is not None:
            os.chdir(cwd)
        sys.stdin = io.TextIOWrapper(io.BytesIO(b""), encoding="utf-8")
        sys.stdout, sys.stderr = out, err
        sys.argv = [str(Path(main.__code__.co_filename).with_name("__main__.py")), *args]
        with warnings.catch_warnings():
            warnings.resetwarnings()
            for action, category, module in reversed(_PROCESS_FILTERS):
                warnings.filterwarnings(action, category=category, module=module)
            warnings.showwarning = _show_warning
            try:
                with _deadline(timeout):
                    main(list(args))
            except SystemExit as done:
                code = done.code
            except _Overran:
                raise subprocess.TimeoutExpired(["oasguard", *args], timeout) from None
            except BaseException:  # what the interpreter prints when an exception escapes
                traceback.print_exc()
                code = 1
    finally:
        sys.stdin, sys.stdout, sys.stderr, sys.argv = saved
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
    if code is None:
        code = 0
    elif not isinstance(code, int):
        err.write(f"{code}\n")
        code = 1
    return subprocess.CompletedProcess(["oasguard", *args], code, _decoded(out), _decoded(err))


def run_cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `oasguard ARGS` as a user would, capturing both streams: in this process (fast; see
    run_in_process), or in a new one with OASGUARD_TEST_PROCESSES=1 (what CI's slow lane does)."""
    runner = run_process if os.environ.get("OASGUARD_TEST_PROCESSES") else run_in_process
    return runner(*args, env=env, timeout=timeout, cwd=cwd)


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


# --- the corpus -------------------------------------------------------------------------------------


#: the tests that read `github_outputs()` run on the worker of the GitHub pair's other corpus
#: tests (its `corpus_report`), so that the megabyte pair is diffed there and nowhere else
GITHUB_GROUP = pytest.mark.xdist_group("corpus-github")


@functools.cache
def github_outputs() -> dict[str, str]:
    """`oasguard diff GITHUB_PAIR` in this process once per test process, in each format the
    modules check: JSON on stdout, and Markdown, HTML and the GitHub annotations
    (`--annotations-limit 10`) through `-o FORMAT=PATH`, which writes the bytes `--format FORMAT`
    writes (one diff instead of one a format and a module, each about a second). The JSON then
    holds each change's source line, as it does beside a format that shows lines."""
    if not all(path.is_file() for path in GITHUB_PAIR):
        pytest.skip("the GitHub corpus pair (../shared/corpus/github) is not here")
    formats = ("markdown", "html", "github")
    with tempfile.TemporaryDirectory(prefix="oasguard-github-") as folder:
        written = {name: Path(folder) / name for name in formats}
        args = ["diff", "--format", "json", "--annotations-limit", "10", *map(str, GITHUB_PAIR)]
        for name, path in written.items():
            args += ["-o", f"{name}={path}"]
        done = run_cli(*args, cwd=ROOT, timeout=300, env={"NO_COLOR": "1"})
        assert done.returncode == 1 and not done.stderr, done  # breaking changes, no warning
        outputs = {name: path.read_text(encoding="utf-8") for name, path in written.items()}
    return {"json": done.stdout, **outputs}


def corpus_pairs() -> list[dict]:
    """The pairs of ../shared/corpus/MANIFEST.json (none when the corpus is not here)."""
    path = CORPUS / "MANIFEST.json"
    return json.loads(path.read_text())["pairs"] if path.exists() else []


@functools.cache
def corpus_run(name: str, *options: str) -> tuple[subprocess.CompletedProcess[str], Report | None]:
    """`oasguard diff BASE REVISION --format json OPTIONS` of the corpus pair `name`, run once
    per test process by run_cli, and the Report the engine made in that run (None when it made
    none: an invalid pair, or OASGUARD_TEST_PROCESSES' lane, where the run is another process).
    The JUnit report is written beside (`-o junit=…`), so that each change's source line is
    found as it is for a format that shows lines: the JSON then holds them too."""
    import oasguard.engine

    pair = next(p for p in corpus_pairs() if p["name"] == name)
    reports: list[Report] = []
    engine_run = oasguard.engine.run

    def recorded(*args, **kwargs) -> Report:
        reports.append(engine_run(*args, **kwargs))
        return reports[-1]

    with (
        tempfile.TemporaryDirectory(prefix="oasguard-corpus-") as folder,
        pytest.MonkeyPatch.context() as patch,
    ):
        patch.setattr(oasguard.engine, "run", recorded)
        junit = f"junit={Path(folder) / 'junit.xml'}"
        base, revision = CORPUS / pair["base"], CORPUS / pair["revision"]
        with yaml_parsed_once(base, revision):  # the other corpus tests of the pair read them again
            done = run_cli(
                "diff", str(base), str(revision), "--format", "json", "-o", junit, *options, timeout=300
            )
    return done, (reports[0] if reports and done.returncode in (0, 1) else None)


@functools.cache
def corpus_report(name: str) -> tuple[Report, Spec, Spec]:
    """The report of the corpus pair `name` and its two specs, made once per test process
    (several modules check the same megabyte pairs): `$ref`s to nothing read as empty schemas,
    each change's source line filled. It is the report of test_corpus's run of the command
    (`corpus_run`: with the default `--dangling-refs`, which leaves a valid pair's report as
    it is, else with `--dangling-refs empty`), or the engine's own diff where no run made one;
    test_corpus shows they are the same report."""
    from oasguard.sources import file_spec

    pair = next(p for p in corpus_pairs() if p["name"] == name)
    base, revision = file_spec(str(CORPUS / pair["base"])), file_spec(str(CORPUS / pair["revision"]))
    for options in ((), ("--dangling-refs", "empty")):
        report = corpus_run(name, *options)[1]
        if report is not None:
            return report, base, revision
    return engine_report(base, revision), base, revision


#: oasguard's parse of the YAML documents registered with `yaml_parsed_once`, pickled, by the
#: digest of their bytes, the latest last (a document's name is only in parse's errors, and those
#: are not kept)
_PARSED: dict[bytes, bytes] = {}
#: how many are kept: a pair's two sides, a transformed document and its source (a megabyte
#: document's pickle is 5-20 MB)
_KEPT = 4


@contextlib.contextmanager
def yaml_parsed_once(*documents: Path | str) -> Iterator[None]:
    """In the block, oasguard parses each of `documents` (a file's bytes, or a text encoded as
    written) that is YAML once for the test process, and hands out a fresh copy of the result
    each later time, in this block or another: the corpus tests of one pair or document share a
    worker (`_units`), and read the same YAML in several modules (test_corpus's run of the
    command, the fingerprint property, every transform of the document: 1.4 s of PyYAML for a
    Stripe document, 2 s for GitHub's written as YAML). Parse depends on nothing but the bytes
    (the name is only in its errors, which are raised each time, never kept). A JSON document
    is parsed again: orjson reads it in the time a pickle of it is read."""
    import oasguard.load.document
    from oasguard.load.parse import parse

    kept = set()
    for document in documents:
        data = document.read_bytes() if isinstance(document, Path) else document.encode("utf-8")
        if data.lstrip()[:1] not in (b"{", b"["):
            kept.add(_digest(data))

    def parsed(data: bytes, name: str) -> object:
        key = _digest(data) if kept else None
        if key not in kept:
            return parse(data, name)
        if key in _PARSED:
            _PARSED[key] = _PARSED.pop(key)  # the latest last
        else:
            tree = parse(data, name)
            _PARSED[key] = pickle.dumps(tree, protocol=pickle.HIGHEST_PROTOCOL)
            while len(_PARSED) > _KEPT:
                del _PARSED[next(iter(_PARSED))]
        return pickle.loads(_PARSED[key])

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(oasguard.load.document, "parse", parsed)
        yield


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def engine_report(base: Spec, revision: Spec) -> Report:
    """The engine's report of two specs, as corpus_report's is made: `$ref`s to nothing read as
    empty schemas, each change's source line filled."""
    from oasguard.engine import RunOptions, diff, run_deep

    return run_deep(lambda: diff(base, revision, RunOptions(dangling_as_empty=True, sources=True)))


@contextlib.contextmanager
def no_cyclic_collection() -> Iterator[None]:
    """The cyclic collector off for a block that makes, rewrites or writes a large tree (a copy
    of a parsed document, PyYAML's nodes while it writes one), as run_deep keeps it off for a
    diff: its million new containers would make the collector scan all the worker keeps (parsed
    documents, the corpus reports) again and again (issue 17). Parsed trees have no cycles: what
    the block drops is freed at once; a cycle it makes is collected after it."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def parsed_document(path: Path) -> object:
    """A fresh copy of the document at `path` as `json` or PyYAML's C loader reads it (not
    oasguard: the tests check oasguard against it), parsed once per test process: the modules
    that read a corpus document (test_transforms, test_fingerprints, test_lines) run on one
    worker (see `_units`), and a Stripe YAML document takes 1.2 s to parse."""
    data = _pickled_document(_resolved(path))
    with no_cyclic_collection():
        return pickle.loads(data)


@functools.cache
def _resolved(path: Path) -> Path:
    """`path.resolve()`, once a path: it asks the disk about every folder on the way (0.5 s of
    the fixture transforms' 8, each of 800 documents copied eleven times)."""
    return path.resolve()


@functools.cache
def _pickled_document(path: Path) -> bytes:
    text = path.read_text(encoding="utf-8-sig")
    as_json = text.lstrip()[:1] in ("{", "[")
    with no_cyclic_collection():
        tree = json.loads(text) if as_json else yaml.load(text, Loader=yaml.CSafeLoader)
        return pickle.dumps(tree, protocol=pickle.HIGHEST_PROTOCOL)


#: transforms (test_transforms) whose corpus tests are a unit of their own, not one with the
#: document's other transforms: wrapping every schema in allOf takes about as long as all the
#: others together on a Stripe document (40-50 s), and one 130 s unit would keep one worker busy
#: long after the other is done; the document is then parsed once more, on the other worker (3 s)
_OWN_UNIT = {"wrap-all-of"}


def _units() -> tuple[dict[str, str], dict[Path, str]]:
    """The xdist unit of each corpus pair's tests, and of each corpus document's transforms: the
    pairs of one revision are one unit, and so are the transforms of that document (its YAML
    text with keys reordered serves test_transforms and test_fingerprints; the Stripe v127
    document is the revision of two pairs); other documents are a unit of their own."""
    pairs, documents = {}, {}
    for pair in corpus_pairs():
        revision = CORPUS / pair["revision"]
        pairs[pair["name"]] = documents.setdefault(revision, f"corpus-{pair['name']}")
    return pairs, documents


@pytest.hookimpl(tryfirst=True)  # before xdist's, which reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under pytest-xdist, the corpus tests of one pair run on one worker, so that its report
    (corpus_report) is made once, not once per worker; so do the tests of one corpus document
    (a `source` parameter), which read it once (test_transforms; the transforms of _OWN_UNIT
    are a unit of their own), with those of the pairs whose revision it is (see `_units`)."""
    pairs, documents = _units()
    for item in items:
        params = getattr(item, "callspec", None)
        if params is None or item.get_closest_marker("corpus") is None:
            continue
        pair = params.params.get("pair")
        name = pair.get("name") if isinstance(pair, dict) else params.params.get("name")
        source = params.params.get("source")
        if name in pairs:
            item.add_marker(pytest.mark.xdist_group(pairs[name]))
        elif isinstance(source, Path) and source.is_relative_to(CORPUS):
            unit = documents.get(source, f"corpus-{source.relative_to(CORPUS)}")
            if name in _OWN_UNIT:
                unit = f"corpus-{source.relative_to(CORPUS)}-{name}"
            item.add_marker(pytest.mark.xdist_group(unit))
    weights = _weights(items)
    items.sort(key=lambda item: _long_first(item, weights))


def _weights(items: list[pytest.Item]) -> dict[str, int]:
    """Of each corpus unit, the bytes of the corpus documents its tests read, summed over its
    tests: a rough measure of its time, for handing out the longest units first."""
    sizes = {
        pair["name"]: _size(CORPUS / pair["base"]) + _size(CORPUS / pair["revision"])
        for pair in corpus_pairs()
    }
    weights: dict[str, int] = {}
    for item in items:
        group = item.get_closest_marker("xdist_group")
        params = getattr(item, "callspec", None)
        if group is None or params is None or item.get_closest_marker("corpus") is None:
            continue
        pair, source = params.params.get("pair"), params.params.get("source")
        name = pair.get("name") if isinstance(pair, dict) else params.params.get("name")
        size = sizes.get(name, 0) + (_size(source) if isinstance(source, Path) else 0)
        weights[group.args[0]] = weights.get(group.args[0], 0) + size
    return weights


@functools.cache
def _size(path: Path) -> int:
    return path.stat().st_size if path.is_file() else 0


def _long_first(item: pytest.Item, weights: dict[str, int]) -> tuple[int, int]:
    """The corpus units, heaviest first, then the other groups (act, pre-commit), then the
    rest: the long units are handed out first, so that no worker starts one while the other is
    idle at the end."""
    group = item.get_closest_marker("xdist_group")
    if item.get_closest_marker("corpus") is not None:
        return 0, -weights.get(group.args[0], 0) if group else 0
    return (1 if group is not None else 2), 0


@pytest.fixture(scope="session")
def manifest() -> dict:
    path = CORPUS / "MANIFEST.json"
    if not path.exists():
        pytest.skip("the corpus (../shared/corpus) is not here")
    return json.loads(path.read_text())


# --- the GitHub Action (tests/test_action*.py) -------------------------------------------------


@pytest.fixture(scope="session")
def action(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What a workflow gets when it uses this action: its committed and uncommitted files."""
    target = tmp_path_factory.mktemp("action") / "oasguard"
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "action.yml",
         "pyproject.toml", "README.md", "src"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    for name in filter(None, listed.split("\0")):
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    return target


@pytest.fixture(scope="session")
def act_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """act's cache, shared by the `act` tests of all modules (here, not in test_action.py, so that
    it is one for the session): its tool cache keeps the action's virtual environment, installed
    once instead of once a module."""
    return tmp_path_factory.mktemp("act-cache")


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A worker's tests are done: what it keeps (parsed corpus documents, reports, graphs) is
    frozen, so that the collections left (pytest's at its end, the interpreter's) do not trace
    it again: 1.6 s of the suite's wait for its workers to leave (issue 17). The objects are
    freed as before; only the cyclic collector no longer walks them. (A worker leaving with
    `os._exit` saved 4 s, but the controller then waited 110 s in one run of eight.)"""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        gc.freeze()
