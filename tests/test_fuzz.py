"""Property-based fuzz of the whole command on mutated real documents (SPEC 1 exit status, 2, 4).

Hypothesis takes a pair of real documents (every fixture pair, and the corpus files under
MAX_SEED_BYTES), or one document against itself, and mutates the base, the revision or both, one
to four mutations at a time: on the parsed tree (delete, duplicate, share, retype, rename a key,
set a random value, set an OpenAPI or JSON Schema keyword to a real or odd value, rename a key to a
digit-only name of any length, set any value to null, inject `$ref`s
and `$ref` cycles, swap the version, plant an alias bomb or a very deep value; then written back
as JSON or YAML) and on the text (truncate, inject bytes,
YAML anchors and aliases, recursive aliases, merge keys, tags, a small alias bomb, drop or
repeat lines). The pair is written to a fresh temporary folder beside a few neighbours for the
`$ref`s to reach (a valid file, a folder, a symlink leaving the folder, a FIFO), and
`oasguard diff BASE REVISION --format json` runs in-process. Whatever the input, the run must end
within HANG_SECONDS with exit 0 or 1 and a complete JSON report on stdout, or exit 2 with nothing
on stdout and one line `oasguard: ...` on stderr; never a traceback and never an `internal error`.
One smaller test runs mutated inputs through the real command too and expects the same bytes.

OASGUARD_FUZZ_EXAMPLES sets the number of inputs of the fixture test (default DEFAULT_EXAMPLES);
the corpus test runs a fifth of that, the in-process/real comparison at most 10. With CI set the
run is derandomised. `pytest -s` prints how many inputs ran and their exit statuses.
OASGUARD_FUZZ_KEEP=DIR keeps the last failing input (the minimal one, once Hypothesis is done) in
DIR/last-failure.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import json
import os
import pickle
import re
import shutil
import signal
import tempfile
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml
from hypothesis import HealthCheck, Phase, assume, given, note, settings
from hypothesis import strategies as st

from conftest import CORPUS, FIXTURES, no_cyclic_collection, run_process
from oasguard.cli import main

DEFAULT_EXAMPLES = 200
EXAMPLES = int(os.environ.get("OASGUARD_FUZZ_EXAMPLES", DEFAULT_EXAMPLES))
#: The corpus documents are a hundred times larger than the fixtures: that test runs fewer inputs.
CORPUS_EXAMPLES = max(EXAMPLES // 5, 1)
#: Corpus documents above this size are left out, so every example stays under a second or so
#: (this takes petstore, twilio, discord, box and stripe 2017; not asana, kubernetes, github).
MAX_SEED_BYTES = 1_800_000
#: A run that takes longer is a hang (SPEC 4: hostile inputs must not exhaust time) ...
HANG_SECONDS = 10
#: ... and one still running after this long is interrupted, so a hang fails the test instead of stalling it.
ABORT_SECONDS = 60
LEVELS = ("breaking", "warning", "safe")
TRACEBACK = "Traceback (most recent call last)"
#: An exit-2 message longer than this is a dump, not "one clear message" (the longest honest ones
#: quote a long `$ref` or path).
MAX_MESSAGE = 20_000
#: How cli.main reports an exception it did not expect (a bug, however clean the one line is).
INTERNAL_ERROR = "oasguard: internal error:"

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

SETTINGS = {
    "deadline": None,
    "derandomize": bool(os.environ.get("CI")),
    "database": None,  # nothing written into the repository; a failure prints its own reproduction
    "suppress_health_check": [
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
}

# -- seeds: real documents, read once ---------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class Seed:
    """One real document: its bytes and its parsed tree (pickled, so each example gets a fresh copy)."""

    name: str
    raw: bytes
    tree: bytes

    def __repr__(self) -> str:
        return self.name

    def fresh(self) -> object:
        return pickle.loads(self.tree)


def _seed(path: Path, name: str) -> Seed:
    raw = path.read_bytes()
    try:
        tree = json.loads(raw) if raw.lstrip()[:1] == b"{" else yaml.load(raw, Loader=_LOADER)
    except (ValueError, yaml.YAMLError, RecursionError):
        tree = None  # a broken seed is still mutated as text
    return Seed(name, raw, pickle.dumps(tree, protocol=pickle.HIGHEST_PROTOCOL))


def _side(folder: Path, stem: str) -> Path | None:
    found = sorted(p for p in folder.glob(f"{stem}.*") if p.suffix in (".yaml", ".yml", ".json"))
    return found[0] if found else None


#: A `$ref` to another file: a seed with one is left out (only the entry file is mutated and copied).
#: (no optional quote before `$ref`: it changes no answer of `search`, and scans faster)
_EXTERNAL_REF = re.compile(rb"""\$ref["']?\s*:\s*["']?[^#"'\s]""")


@cache
def _fixture_pairs() -> tuple[tuple[Seed, Seed], ...]:
    """Every fixture folder holding a base and a revision, each in one file (fixtures/bad is left
    out: the mutations break documents well enough); smallest first, so that Hypothesis shrinks
    towards small seeds."""
    pairs = []
    for folder in sorted({p.parent for p in FIXTURES.rglob("base.*")}):
        base, revision = _side(folder, "base"), _side(folder, "revision")
        if base and revision:
            name = folder.relative_to(FIXTURES).as_posix()
            pair = (_seed(base, f"{name}/{base.name}"), _seed(revision, f"{name}/{revision.name}"))
            if not any(_EXTERNAL_REF.search(seed.raw) for seed in pair):
                pairs.append(pair)
    return tuple(sorted(pairs, key=lambda pair: len(pair[0].raw) + len(pair[1].raw)))


@cache
def _corpus_pairs() -> tuple[tuple[Seed, Seed], ...]:
    """The corpus pairs whose two files are both small enough and in one file, and each such file
    against itself."""
    manifest = CORPUS / "MANIFEST.json"
    if not manifest.exists():
        return ()
    seeds: dict[str, Seed] = {}
    pairs = []
    for pair in json.loads(manifest.read_text())["pairs"]:
        sides = []
        for name in (pair["base"], pair["revision"]):
            path = CORPUS / name
            if path.is_file() and path.stat().st_size <= MAX_SEED_BYTES:
                if name not in seeds:
                    seeds[name] = _seed(path, name)
                sides.append(seeds[name])
        if any(_EXTERNAL_REF.search(seed.raw) for seed in sides):
            continue  # its other files are not copied next to the mutated one
        if len(sides) == 2:
            pairs.append((sides[0], sides[1]))
    pairs += [(seed, seed) for seed in seeds.values() if not _EXTERNAL_REF.search(seed.raw)]
    return tuple(sorted(pairs, key=lambda pair: len(pair[0].raw) + len(pair[1].raw)))


# -- what every run must give ----------------------------------------------------------------------


class _Hung(BaseException):
    """Raised in the main thread after ABORT_SECONDS (a BaseException: main must not catch it)."""


@dataclass
class Outcome:
    code: object
    stdout: str
    stderr: str
    seconds: float
    crash: str | None = None

    def __str__(self) -> str:
        return (
            f"exit {self.code!r} after {self.seconds:.1f}s\n  stderr: {self.stderr[:2000]!r}"
            f"\n  stdout: {self.stdout[:1000]!r}" + (f"\n  escaped main:\n{self.crash}" if self.crash else "")
        )


@contextlib.contextmanager
def _abort_after(seconds: int) -> Iterator[None]:
    if not hasattr(signal, "SIGALRM") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def ring(signum: int, frame: object) -> None:
        raise _Hung(f"still running after {seconds}s")

    previous = signal.signal(signal.SIGALRM, ring)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _run_in_process(base: Path, revision: Path) -> Outcome:
    """`oasguard diff BASE REVISION --format json` in this process. stdout encodes strictly as UTF-8
    and stderr with backslashreplace, as a real run's streams do."""
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict", newline="")
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="backslashreplace", newline="")
    code: object = None
    crash = None
    started = time.monotonic()
    try:
        with _abort_after(ABORT_SECONDS), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main(["diff", str(base), str(revision), "--format", "json"])
        crash = "main returned instead of exiting"
    except SystemExit as done:
        code = done.code
    except (Exception, _Hung) as error:  # anything escaping main is what the fuzzer looks for
        crash = "".join(traceback.format_exception(error))
    seconds = time.monotonic() - started
    streams = []
    for stream in (out, err):
        stream.flush()
        streams.append(stream.buffer.getvalue().decode("utf-8", errors="replace"))
    return Outcome(code, streams[0], streams[1], seconds, crash)


_POINTER = re.compile(r"(/([^~/]|~[01])*)*", re.S)
_RULE_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def check(outcome: Outcome, culprits: tuple[str, ...]) -> None:
    """SPEC 1 and 2: exit 0/1 with a complete JSON report, or exit 2 with one line naming one of
    `culprits` (the files of the run); never a traceback."""
    assert outcome.crash is None, f"an exception escaped main\n{outcome}"
    assert outcome.seconds < HANG_SECONDS, f"took {outcome.seconds:.1f}s (a hang)\n{outcome}"
    assert TRACEBACK not in outcome.stderr + outcome.stdout, f"a traceback\n{outcome}"
    assert not outcome.stderr.startswith(INTERNAL_ERROR), f"an internal error\n{outcome}"
    assert outcome.code in (0, 1, 2) and type(outcome.code) is int, f"exit status not 0, 1 or 2\n{outcome}"
    if outcome.code == 2:
        assert outcome.stdout == "", f"stdout must be empty on exit 2\n{outcome}"
        lines = outcome.stderr.splitlines()
        assert len(lines) == 1 and outcome.stderr.endswith("\n"), (
            f"stderr must be one line on exit 2\n{outcome}"
        )
        assert lines[0].startswith("oasguard: ") and lines[0][10:].strip(), (
            f"not an oasguard message\n{outcome}"
        )
        assert any(name in lines[0] for name in culprits), f"names none of {culprits}\n{outcome}"
        assert len(lines[0]) <= MAX_MESSAGE, f"a {len(lines[0]):,}-character message\n{outcome}"
        return
    try:
        report = json.loads(outcome.stdout)
    except ValueError as error:
        raise AssertionError(f"stdout is not JSON ({error})\n{outcome}") from None
    assert isinstance(report, dict) and isinstance(report.get("changes"), list), f"no changes list\n{outcome}"
    counts = dict.fromkeys(LEVELS, 0)
    for change in report["changes"]:
        assert isinstance(change, dict), f"a change that is not an object: {change!r}\n{outcome}"
        for key in ("id", "level", "message", "location", "pointer"):
            assert isinstance(change.get(key), str), f"change without a string {key!r}: {change!r}"
        assert "operation" in change and isinstance(change["operation"], str | None), repr(change)
        assert _RULE_ID.fullmatch(change["id"]), f"rule id not kebab-case: {change!r}"
        assert change["level"] in LEVELS, f"unknown level: {change!r}"
        assert change["message"], f"empty message: {change!r}"
        assert _POINTER.fullmatch(change["pointer"]), f"not an RFC 6901 pointer: {change!r}"
        counts[change["level"]] += 1
    assert report.get("summary") == counts, f"summary {report.get('summary')} but changes count {counts}"
    assert (outcome.code == 1) == (counts["breaking"] > 0), f"exit {outcome.code} with {counts}\n{outcome}"


# -- mutations -------------------------------------------------------------------------------------


@dataclass
class Draft:
    """One side being mutated: the tree (if any tree mutation ran), notes, and raw snippets that
    replace placeholder strings once the tree is written out."""

    data: st.DataObject
    seed: Seed
    name: str  # this side's file name
    other: str  # the other side's file name
    tree: object = None
    yaml_only: bool = False
    snippets: dict[str, bytes] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)

    def draw(self, strategy: st.SearchStrategy, label: str | None = None):
        return self.data.draw(strategy, label=label)

    def uniform(self, low: int, high: int) -> int:
        return _uniform(self.data, low, high)

    def index(self, size: int) -> int:
        return self.uniform(0, size - 1)

    def choose(self, options: list | tuple):
        """One of `options`, drawn as an index (so a failure prints no huge values)."""
        return options[self.index(len(options))]


def _uniform(data: st.DataObject, low: int, high: int) -> int:
    """An integer from `low` to `high`, about evenly spread (Hypothesis favours the bounds of a
    range, which would truncate at 0 and mutate the root far too often); shrinks towards `low`."""
    return low + data.draw(st.integers(0, 2**32 - 1)) % (high - low + 1) if high > low else low


#: How many tree mutations a document gets (drawn evenly from this): each tends to break it.
_COUNTS = (1, 0, 1, 1, 1, 2, 2, 3, 4)
#: How deep a mutation goes (drawn evenly from this): the root and the top-level keys are rare.
_DEPTHS = (4, 0, 1, 2, 2, 3, 3, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 10, 11, 12)


def _pointer(path: list) -> str:
    return "".join("/" + str(key).replace("~", "~0").replace("/", "~1") for key in path)


def _get(tree: object, path: list) -> object:
    for key in path:
        tree = tree[key]
    return tree


def _walk(draft: Draft, min_depth: int = 0, max_depth: int = 12) -> list:
    """A path from the root down to a node of the tree, `min_depth` to `max_depth` steps long
    when the tree is that deep. On the way down it prefers keys that lead further down, or most
    walks would end at `openapi` or `info/title`."""
    # mostly below the top level: a mutated root or top-level key is rarely an OpenAPI document
    depth = min(max(draft.choose(_DEPTHS), min_depth), max_depth)
    path: list = []
    node = draft.tree
    while len(path) < depth and isinstance(node, dict | list) and node:
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        if len(path) < depth - 1:
            keys = [key for key in keys if isinstance(node[key], dict | list) and node[key]] or keys
        key = draft.choose(keys)
        path.append(key)
        node = node[key]
    return path


def _put(draft: Draft, path: list, value: object) -> None:
    if not path:
        draft.tree = value
    else:
        _get(draft.tree, path[:-1])[path[-1]] = value


def _container(draft: Draft) -> list | None:
    """A path to a mapping or a list of the tree, or None when the tree has none."""
    path = _walk(draft)
    while path and not isinstance(_get(draft.tree, path), dict | list):
        path.pop()
    return path if isinstance(_get(draft.tree, path), dict | list) else None


def _copy(value: object) -> object:
    return pickle.loads(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


#: Keys an OpenAPI document cares about, for new keys and values.
_KEYWORDS = (
    "$ref", "type", "properties", "required", "items", "allOf", "oneOf", "anyOf", "not", "enum",
    "const", "nullable", "format", "default", "readOnly", "writeOnly", "additionalProperties",
    "discriminator", "mapping", "propertyName", "minimum", "maximum", "exclusiveMinimum",
    "exclusiveMaximum", "minLength", "maxLength", "pattern", "minItems", "maxItems", "uniqueItems",
    "multipleOf", "paths", "components", "schemas", "definitions", "parameters", "responses",
    "requestBody", "content", "schema", "headers", "in", "name", "style", "explode", "security",
    "securitySchemes", "scopes", "servers", "url", "webhooks", "callbacks", "get", "post", "put",
    "delete", "patch", "deprecated", "x-sunset", "operationId", "openapi", "swagger", "200", "default",
    "application/json", "query", "header", "path", "cookie", "object", "array", "string", "integer",
    "number", "boolean", "null", "date-time", "int32", "int64",
)  # fmt: skip
_KEYS = st.one_of(st.sampled_from(_KEYWORDS), st.text(max_size=8))
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.sampled_from(_KEYWORDS),
    st.text(max_size=12),
    st.just(datetime.date(2020, 1, 1)),
    st.just(b"\x00\xff"),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=4),
    max_leaves=12,
)


def delete(draft: Draft) -> None:
    """Delete a key or a list item."""
    path = _walk(draft, min_depth=1)
    if path:
        del _get(draft.tree, path[:-1])[path[-1]]
        draft.log.append(f"delete {_pointer(path)}")


def _insert(draft: Draft, value: object, key_hint: object = "copy") -> str | None:
    where = _container(draft)
    if where is None:
        return None
    container = _get(draft.tree, where)
    if isinstance(container, dict):
        keys = list(container) or ["x"]
        key = draft.choose([key_hint, *keys]) if draft.draw(st.booleans()) else draft.draw(_KEYS)
        container[key] = value
        return _pointer([*where, key])
    assert isinstance(container, list)
    at = draft.uniform(0, len(container))
    container.insert(at, value)
    return _pointer([*where, at])


def duplicate(draft: Draft) -> None:
    """Copy a subtree somewhere else (over an existing key, under a new one, or into a list)."""
    source = _walk(draft)
    value = _copy(_get(draft.tree, source))
    target = _insert(draft, value, source[-1] if source else "copy")
    draft.log.append(f"duplicate {_pointer(source)} to {target}")


def share(draft: Draft) -> None:
    """Put the same subtree in a second place: YAML writes it as an anchor and an alias (a
    recursive one when the place is inside the subtree)."""
    source = _walk(draft)
    target = _insert(draft, _get(draft.tree, source), source[-1] if source else "copy")
    draft.log.append(f"share {_pointer(source)} at {target}")


def _retypes(old: object) -> list:
    common: list = [None, True, False, 0, -1, 1.5, "", "x", [], {}, 2**64, float("nan"), float("inf")]
    common += ["null", datetime.date(2024, 1, 1), b"\x00\xff", "\ud800"]
    if isinstance(old, dict):
        return [list(old.values()), list(old), [old], next(iter(old), "k"), len(old), *common]
    if isinstance(old, list):
        return [
            {str(i): v for i, v in enumerate(old)},
            old[0] if old else None,
            {"items": old},
            [old],
            *common,
        ]
    if isinstance(old, str):
        return [len(old), [old], {old: old}, old.upper(), old * 3, old[: len(old) // 2], *common]
    if isinstance(old, bool):
        return [not old, str(old).lower(), int(old), *common]
    if isinstance(old, int | float):
        return [str(old), -old, old + 1, [old], {"value": old}, *common]
    return common


def retype(draft: Draft) -> None:
    """Replace a value (the root too) by one of another type."""
    path = _walk(draft)
    old = _get(draft.tree, path)
    new = draft.choose(_retypes(old))
    _put(draft, path, new)
    draft.log.append(
        f"retype {_pointer(path)} ({type(old).__name__}) to {type(new).__name__} {str(new)[:40]!r}"
    )


def rename(draft: Draft) -> None:
    """Rename a key (case, suffix, another type, odd characters), keeping its place."""
    path = _walk(draft, min_depth=1)
    if not path or not isinstance(parent := _get(draft.tree, path[:-1]), dict):
        return
    old = path[-1]
    text = str(old)
    options = [text.upper(), text.lower(), text.swapcase(), f"{text}2", "", "$ref", f"x-{text}", f"{text}/~"]
    options += [200, True, None, 1.5, datetime.date(2024, 1, 1), "\ud800", f" {text}"]
    new = draft.choose(options) if draft.draw(st.booleans()) else draft.draw(_KEYS)
    items = list(parent.items())
    parent.clear()
    for key, value in items:
        parent[new if key == old else key] = value
    draft.log.append(f"rename {_pointer(path)} to {new!r}")


def set_value(draft: Draft) -> None:
    """Set a random key to a random value, or insert one into a list."""
    value = draft.draw(_VALUES)
    where = _insert(draft, value, draft.draw(_KEYS))
    draft.log.append(f"set {where} = {str(value)[:60]}")


#: Keywords with values a document may well hold, odd ones among them (3.1 boolean schemas,
#: 3.0 boolean exclusive bounds, type lists, regexes that do not compile, scopes not in a list).
_KEYWORD_VALUES: tuple[tuple[str, tuple], ...] = (
    ("type", ("string", "integer", "number", "object", "array", "boolean", "null", ["string", "null"],
              ["integer", "number"], [], "file", "any", ["object", "array"])),
    ("enum", ([], [None], [1, "1", 1.0], [[1]], [{}], ["a", "a"], [True, False])),
    ("required", ([], ["x"], ["name", "name"], [1], "name", True, ["id", "name", "missing"])),
    ("properties", ({}, {"x": {}}, {"x": True}, {"x": False}, {"": {"type": "string"}},
                    {"name": {"$ref": "#"}})),
    ("items", ({}, True, False, [{"type": "string"}], {"$ref": "#"}, {"type": "array", "items": {}})),
    ("additionalProperties", (True, False, {}, {"type": "string"}, {"$ref": "#"}, [])),
    ("nullable", (True, False, "yes")),
    ("minimum", (0, -1, 1e308, "5", None, float("inf"), 2**70, True)),
    ("maximum", (0, -1, -1e308, 5.5, 2**70)),
    ("exclusiveMinimum", (True, False, 5, 0.5)),
    ("exclusiveMaximum", (True, False, 5, -0.5)),
    ("minLength", (0, 1, -1, 10**9)),
    ("maxLength", (0, 3, -1)),
    ("minItems", (0, 2, -1)),
    ("maxItems", (0, 1)),
    ("uniqueItems", (True, False)),
    ("multipleOf", (0, -1, 0.1, 3)),
    ("pattern", ("[", "(a", "^.*$", "", "\\", "^[a-z]+$", "(?P<x>a)")),
    ("format", ("date-time", "date", "int32", "int64", "float", "double", "binary", "", "uuid")),
    ("discriminator", ({"propertyName": "x"}, {"propertyName": "x", "mapping": {"a": "#/nowhere"}},
                       {"mapping": {"a": 1}}, "x", {"propertyName": "type", "mapping": {"a": "Pet"}})),
    ("allOf", ([], [{}], [True], [{"$ref": "#"}], {}, [{"type": "string"}, {"type": "integer"}])),
    ("oneOf", ([], [{}], [False], [{"type": "string"}, {"type": "string"}], [{"$ref": "#/components"}])),
    ("anyOf", ([], [{}], [{"type": "null"}])),
    ("not", ({}, True, {"type": "string"})),
    ("readOnly", (True, False)),
    ("writeOnly", (True, False)),
    ("default", (None, 1, "x", [], {}, [1, 2])),
    ("const", (None, 1, "x")),
    ("deprecated", (True, False, "true")),
    ("x-sunset", ("2000-01-01", "2999-01-01", datetime.date(2000, 1, 1), "soon", 0)),
    ("in", ("query", "header", "path", "cookie", "body", "formData", "QUERY", 1)),
    ("name", ("", "X-Request-ID", "x-request-id", "id", "{id}", "a b")),
    ("style", ("form", "simple", "deepObject", "spaceDelimited", "weird", None)),
    ("explode", (True, False, "no")),
    ("allowEmptyValue", (True,)),
    ("content", ({}, {"application/json": {}}, {"*/*": {"schema": {}}}, {"": {"schema": True}})),
    ("schema", ({}, True, False, {"$ref": "#"}, {"type": "string"})),
    ("responses", ({}, {"200": {}}, {"2XX": {"description": "x"}}, {200: {"description": "x"}},
                   {"default": {"description": "x"}}, {"600": {"description": "x"}}, {"abc": {}})),
    ("parameters", ([], [{}], [{"name": "q", "in": "query"}], [{"$ref": "#/components/parameters/Missing"}],
                    [{"name": "id", "in": "path", "required": False}])),
    ("requestBody", ({}, {"content": {}}, {"required": True, "content": {"application/json": {}}})),
    ("security", ([], [{}], [{"x": []}], [{"api_key": ["a", "a"]}], {}, None, [{"api_key": "read"}])),
    ("scopes", ({}, {"read": "r"}, [])),
    ("servers", ([], [{}], [{"url": ""}], [{"url": "{x}", "variables": {"x": {"default": "a"}}}])),
    ("callbacks", ({}, {"cb": {"{$request.body#/url}": {"post": {"responses": {"200": {}}}}}})),
    ("headers", ({}, {"X-Rate": {"schema": {"type": "integer"}, "required": True}}, {"X-Rate": {}})),
    ("mapping", ({}, {"a": "#/components/schemas/Missing"})),
    ("operationId", ("", "x", None)),
    ("$ref", ("#", "#/components/schemas", "#/paths")),
)  # fmt: skip


def _dicts(tree: object, limit: int = 50_000) -> list[dict]:
    """The mappings of the tree (each once, however often it is shared), without recursion."""
    found: list[dict] = []
    seen: set[int] = set()
    stack = [tree]
    while stack and len(found) < limit:
        node = stack.pop()
        if id(node) in seen or not isinstance(node, dict | list):
            continue
        seen.add(id(node))
        if isinstance(node, dict):
            found.append(node)
            stack.extend(node.values())
        else:
            stack.extend(node)
    return found


def keyword(draft: Draft) -> None:
    """Set an OpenAPI or JSON Schema keyword, most often one a mapping already has, to a value
    of the kind a real document holds (or a slightly wrong one)."""
    name, values = draft.choose(_KEYWORD_VALUES)
    mappings = _dicts(draft.tree)
    if not mappings:
        return
    holders = [mapping for mapping in mappings if name in mapping]
    target = draft.choose(holders if holders and draft.uniform(0, 3) else mappings)
    value = draft.choose(values)
    target[name] = _copy(value)
    draft.log.append(f"keyword {name} = {value!r}"[:120])


#: `$ref`s that must be refused, dangle, or reach the neighbours `_write` puts in the folder.
_REF_TARGETS = (
    "#",
    "",
    "#/",
    "#/nonexistent",
    "#/components/schemas/Missing",
    "#/definitions/Missing",
    "#/paths/~1",
    "#/~0~1~2",
    "#/%7E1",
    "#/%ZZ",
    "#/a%2Fb",
    "#/~",
    "#/0",
    "#/paths/0",
    "#/-",
    "#/paths//get",
    "#foo",
    "#/components/schemas/" + "a" * 5000,
    "../../etc/passwd",
    "/etc/passwd",
    "../outside.yaml#/x",
    "%2e%2e/%2e%2e/etc/passwd",
    "..%2f..%2fetc%2fpasswd",
    "http://example.com/x",
    "https://example.com/x.yaml#/a",
    "file:///etc/passwd",
    "//example.com/x",
    "mailto:a@b.c",
    "urn:x:y",
    "C:\\Windows\\x.yaml",
    "\x00",
    "#\x00",
    "missing.yaml",
    "missing.yaml#/a",
    "common.yaml",
    "common.yaml#/Thing",
    "common.yaml#/Thing/properties/name",
    "common.yaml#/Loop",
    "common.yaml#/Back",
    "common.yaml#/Up",
    "common.yaml#/Missing",
    "common.yaml#Thing",
    "./common.yaml#/Thing",
    "sub/../common.yaml#/Thing",
    "sub/inner.yaml#/Parent",
    "sub/inner.yaml#/Inner",
    "sub",
    "sub/",
    ".",
    "./",
    "link.yaml",
    "link.yaml#/x",
    "fifo.yaml",
    "fifo.yaml#/x",
    "/dev/zero",
    "/proc/self/environ",
)


def _ref_target(draft: Draft, here: list) -> object:
    kind = draft.choose(
        ["existing", "listed", "existing", "self", "existing", "ancestor", "other type", "text"]
    )
    if kind in ("existing", "self", "ancestor"):
        if kind == "existing":
            path = _walk(draft)
        elif kind == "self":
            path = here
        else:
            path = here[: draft.uniform(0, len(here))]
        plain = _pointer(path)
        spelling = draft.choose(["rfc6901", "percent", "unescaped", "other file", "own file"])
        if spelling == "percent":
            return "#" + quote(plain, safe="/")
        if spelling == "unescaped":
            return "#" + "".join(f"/{key}" for key in path)
        if spelling == "other file":
            return f"{draft.other}#{plain}"
        if spelling == "own file":
            return f"./{draft.name}#{plain}"
        return "#" + plain
    if kind == "listed":
        return draft.choose(_REF_TARGETS)
    if kind == "other type":
        return draft.choose([1, None, [], {"$ref": "#"}, True, 1.5])
    return draft.draw(st.text(max_size=20))


def inject_ref(draft: Draft) -> None:
    """Replace a node by a `$ref`, or add a `$ref` beside its siblings, or append one to a list."""
    path = _walk(draft)
    target = _ref_target(draft, path)
    node = _get(draft.tree, path)
    how = draft.choose(["replace", "sibling", "append"])
    if how == "sibling" and isinstance(node, dict):
        node["$ref"] = target
    elif how == "append" and isinstance(node, list):
        node.append({"$ref": target})
    else:
        _put(draft, path, {"$ref": target})
    draft.log.append(f"$ref at {_pointer(path)} ({how}) to {str(target)[:80]!r}")


def ref_cycle(draft: Draft) -> None:
    """Two nodes that are `$ref`s to each other."""
    first, second = _walk(draft, min_depth=1), _walk(draft, min_depth=1)
    for path, other in ((second, first), (first, second)):
        with contextlib.suppress(KeyError, IndexError, TypeError):
            _put(draft, path, {"$ref": "#" + _pointer(other)})
    draft.log.append(f"$ref cycle {_pointer(first)} <-> {_pointer(second)}")


_VERSIONS = (
    "3.0.0", "3.0.3", "3.1.0", "3.1.1", "2.0", "3.2.0", "4.0", 3.0, 3.1, 3, 2.0, None, "", "3.0", "3.1",
    [], {}, "3.0.0-rc0", " 3.0.0", "3.1.0\n", "1.2", True,
)  # fmt: skip


def swap_version(draft: Draft) -> None:
    """Change, swap, drop or double the `openapi` / `swagger` version."""
    if not isinstance(draft.tree, dict):
        return
    version = draft.choose(_VERSIONS)
    how = draft.choose(["openapi", "swagger", "both", "neither"])
    for key in ("openapi", "swagger"):
        draft.tree.pop(key, None)
        if how in (key, "both"):
            draft.tree[key] = version
    draft.log.append(f"version: {how} = {version!r}")


def tree_bomb(draft: Draft) -> None:
    """`levels` of `width` shared copies of the level below, somewhere: a YAML alias bomb once
    written. As lists of lists, or as schemas whose properties all share one schema."""
    width, levels = draft.draw(st.integers(2, 10)), draft.draw(st.integers(1, 9))
    as_schemas = draft.draw(st.booleans())
    node: object = {"type": "string"} if as_schemas else draft.choose(["lol", "x" * 1000])
    for _ in range(levels):
        if as_schemas:
            node = {"type": "object", "properties": {f"p{i}": node for i in range(width)}}
        else:
            node = [node] * width
    where = _walk(draft)
    _put(draft, where, node)
    draft.yaml_only = True
    draft.log.append(
        f"alias bomb {width}**{levels} ({'schemas' if as_schemas else 'lists'}) at {_pointer(where)}"
    )


def deep_value(draft: Draft) -> None:
    """A value nested thousands of levels deep (written as raw text: the writers would recurse)."""
    depth = draft.draw(st.one_of(st.integers(1, 2000), st.sampled_from([5_000, 20_000, 59_000, 100_000])))
    kind = draft.choose(["items", "list", "allOf", "properties"])
    opening, closing = {
        "list": ("[", "]"),
        "items": ('{"type": "array", "items": ', "}"),
        "allOf": ('{"allOf": [', "]}"),
        "properties": ('{"type": "object", "properties": {"p": ', "}}"),
    }[kind]
    token = f"fuzzdeep{len(draft.snippets)}"
    draft.snippets[token] = (opening * depth + '{"type": "string"}' + closing * depth).encode()
    where = _walk(draft)
    _put(draft, where, token)
    draft.log.append(f"{kind} nested {depth} deep at {_pointer(where)}")


def digit_name(draft: Draft) -> None:
    """Rename a key (a component, property, parameter name, path segment, status code) to a name
    made only of digits, of any length: names are text, never numbers (issue 21)."""
    path = _walk(draft, min_depth=1)
    if not path or not isinstance(parent := _get(draft.tree, path[:-1]), dict):
        return
    length = draft.choose((1, 3, 4, 19, 20, 400, 5000))
    digits = draft.choose(("9" * length, "0" * length, "1" + "0" * (length - 1), "0" + "7" * (length - 1)))
    old = path[-1]
    new = f"/{digits}" if isinstance(old, str) and old.startswith("/") else digits
    items = list(parent.items())
    parent.clear()
    for key, value in items:
        parent[new if key == old else key] = value
    draft.log.append(f"rename {_pointer(path)} to a name of {length} digits")


def null_slot(draft: Draft) -> None:
    """Any value of the document set to null (`~` in YAML): every slot must take one."""
    path = _walk(draft, min_depth=1)
    if path:
        _put(draft, path, None)
        draft.log.append(f"null at {_pointer(path)}")


TREE_MUTATIONS: tuple[Callable[[Draft], None], ...] = (
    delete, delete, duplicate, share, retype, retype, rename, set_value, keyword, keyword, keyword,
    inject_ref, inject_ref, ref_cycle, swap_version, tree_bomb, deep_value, digit_name, null_slot,
)  # fmt: skip

# Text mutations work on bytes, in block YAML (line by line) or in JSON / flow YAML.
_KEY = rb"""(?:'[^'\n]*'|"[^"\n]*"|[^\s#&*!|>'"{}\[\],%@`-][^\n#]*?)"""
_YAML_MAPPING = re.compile(rb"^( *)(?:- )?" + _KEY + rb":[ ]*$", re.M)
_YAML_SCALAR = re.compile(rb"^ *(?:- )?" + _KEY + rb":[ ]+([^\s&*!|>#{\[][^\n]*)$", re.M)
_JSON_STRING = rb'"(?:[^"\\\n]|\\.)*"'
_JSON_MAPPING = re.compile(_JSON_STRING + rb"\s*:\s*(\{)")
_JSON_SCALAR = re.compile(_JSON_STRING + rb"\s*:\s*(" + _JSON_STRING + rb"|-?\d[\d.eE+-]*|true|false|null)")


def _is_flow(text: bytes) -> bool:
    return text.lstrip()[:1] in (b"{", b"[")


def _mapping_starts(text: bytes) -> list[int]:
    """Where an anchor can go: after `key:` of a block mapping, before `{` of a flow one."""
    if _is_flow(text):
        return [m.start(1) for m in _JSON_MAPPING.finditer(text)]
    return [m.end() for m in _YAML_MAPPING.finditer(text)]


def _scalars(text: bytes) -> list[tuple[int, int]]:
    """Spans of scalar values of `key: value` pairs (where an alias or a tag can go)."""
    pattern = _JSON_SCALAR if _is_flow(text) else _YAML_SCALAR
    return [m.span(1) for m in pattern.finditer(text)]


def _line_after(text: bytes, at: int) -> tuple[int, bytes]:
    """The start of the line after `at`, and the indentation a new key there needs."""
    line_start = text.rfind(b"\n", 0, at) + 1
    own = len(text[line_start:at]) - len(text[line_start:at].lstrip(b" -"))
    end = text.find(b"\n", at)
    end = len(text) if end < 0 else end + 1
    following = text[end : text.find(b"\n", end) if text.find(b"\n", end) >= 0 else len(text)]
    indent = len(following) - len(following.lstrip(b" "))
    return end, b" " * (indent if indent > own else own + 2)


def truncate(draft: Draft, text: bytes) -> bytes:
    at = draft.uniform(0, len(text))
    draft.log.append(f"truncate at {at}/{len(text)}")
    return text[:at]


_ODD_BYTES = (
    b"\x00", b"\t", b"\r", b"\x85", b"\xe2\x80\xa8", b"\xef\xbb\xbf", b"\xff\xfe", b"\x1b[31m",
    b"---\n", b"...\n", b"%YAML 1.2\n", b"? ", b"- ", b": ", b"{", b"}", b"[", b"]", b"#", b"&a ",
    b"*a", b"!!", b"'", b'"', b"\\", b"|", b">", b"\n", b"\\ud800", b"\\udc80", b"\\u0000", b"\xc3",
)  # fmt: skip


def insert_bytes(draft: Draft, text: bytes) -> bytes:
    """Insert or overwrite a few odd bytes or characters (control, unicode, YAML/JSON syntax)."""
    payload = draft.draw(
        st.one_of(
            st.sampled_from(_ODD_BYTES),
            st.binary(min_size=1, max_size=8),
            st.text(min_size=1, max_size=8).map(lambda s: s.encode("utf-8", "surrogatepass")),
        )
    )
    at = draft.uniform(0, len(text))
    overwrite = draft.draw(st.booleans())
    draft.log.append(f"{'overwrite' if overwrite else 'insert'} {payload!r} at {at}")
    return text[:at] + payload + text[at + len(payload) if overwrite else at :]


def _replace_scalar(draft: Draft, text: bytes, value: bytes, after: int = 0) -> bytes:
    spans = [span for span in _scalars(text) if span[0] >= after]
    if not spans:
        return text
    start, end = spans[draft.index(len(spans))]
    draft.log.append(f"scalar {text[start:end][:40]!r} at {start} -> {value[:40]!r}")
    return text[:start] + value + text[end:]


def yaml_alias(draft: Draft, text: bytes) -> bytes:
    """An anchor on a mapping and an alias to it in place of a scalar (before or after it)."""
    starts = _mapping_starts(text)
    if not starts:
        return text
    at = starts[draft.index(len(starts))]
    text = text[:at] + b" &fzA " + text[at:]
    draft.log.append(f"anchor &fzA at {at}")
    # mostly after the anchor: an alias before it is only an "undefined alias" error
    return _replace_scalar(draft, text, b"*fzA", after=at if draft.uniform(0, 3) else 0)


def yaml_recursive_alias(draft: Draft, text: bytes) -> bytes:
    """A mapping that holds an alias to itself."""
    starts = _mapping_starts(text)
    if not starts:
        return text
    at = starts[draft.index(len(starts))]
    draft.log.append(f"recursive alias at {at}")
    if _is_flow(text):  # at is the "{"
        return text[:at] + b'&fzR {"x-self": *fzR, ' + text[at + 1 :]
    end, indent = _line_after(text, at)
    return text[:at] + b" &fzR" + text[at:end] + indent + b"x-self: *fzR\n" + text[end:]


def yaml_merge(draft: Draft, text: bytes) -> bytes:
    """An anchored mapping merged (`<<: *x`) into another one."""
    starts = _mapping_starts(text)
    if not starts:
        return text
    anchor, target = sorted((starts[draft.index(len(starts))], starts[draft.index(len(starts))]))
    draft.log.append(f"anchor at {anchor}, merged at {target}")
    edits = sorted([(anchor, "anchor"), (target, "merge")], reverse=True)
    for at, what in edits:
        if what == "anchor":
            text = text[:at] + b" &fzM " + text[at:]
        elif _is_flow(text):
            text = text[: at + 1] + b" <<: *fzM, " + text[at + 1 :]
        else:
            end, indent = _line_after(text, at)
            text = text[:end] + indent + b"<<: *fzM\n" + text[end:]
    return text


_TAGGED = (
    b"!!binary aGVsbG8=", b"!!timestamp 2001-12-14", b"!!set {a, b}", b"!!omap [{a: 1}]",
    b"!!python/object/apply:os.system [echo]", b"!!float .inf", b"!!int 0x1F", b"!!str 1",
    b"!!null ''", b"!!map {}", b"!!seq []", b"!custom x", b"2001-12-14", b"2001-12-14 21:59:43.10 -5",
    b"yes", b"~", b".nan", b"-.inf", b"0o17", b"1_000", b"0b101", b"190:20:30", b"=", b"<<",
    b"!!bool maybe", b"!!int x", b"!!float x", b"!!timestamp x", b"2024-02-30", b"2001-13-45",
    b"!<tag:yaml.org,2002:str> s",
)  # fmt: skip


def yaml_tag(draft: Draft, text: bytes) -> bytes:
    """A scalar replaced by a tagged or implicitly typed YAML value."""
    return _replace_scalar(draft, text, draft.choose(_TAGGED))


def yaml_bomb(draft: Draft, text: bytes) -> bytes:
    """A small billion-laughs at the top, and maybe an alias to its last level in place of a scalar."""
    width, levels = draft.draw(st.integers(2, 10)), draft.draw(st.integers(1, 9))
    items = [b'["lol"' + b', "lol"' * (width - 1) + b"]"]
    items += [b"[" + b", ".join([b"*fzb%d" % (i - 1)] * width) + b"]" for i in range(1, levels)]
    anchored = [b"&fzb%d %s" % (i, item) for i, item in enumerate(items)]
    draft.log.append(f"text alias bomb {width}**{levels}")
    if _is_flow(text):
        brace = text.find(b"{")
        if brace < 0:
            return text
        block = b'"x-fuzz-bomb": [' + b", ".join(anchored) + b"], "
        text = text[: brace + 1] + block + text[brace + 1 :]
        after = brace + 1 + len(block)
    else:
        lines = text.split(b"\n")
        head = 0
        while head < len(lines) and (lines[head].startswith((b"%", b"---", b"#")) or not lines[head].strip()):
            head += 1
        block = b"x-fuzz-bomb:\n" + b"".join(b"  - " + item + b"\n" for item in anchored)
        before = b"\n".join(lines[:head]) + (b"\n" if head else b"")
        text = before + block + b"\n".join(lines[head:])
        after = len(before) + len(block)
    if draft.draw(st.booleans()):
        text = _replace_scalar(draft, text, b"*fzb%d" % (levels - 1), after=after)
    return text


def repeat_or_drop_lines(draft: Draft, text: bytes) -> bytes:
    """Drop or repeat a few lines."""
    split = text.split(b"\n")
    start = draft.index(len(split))
    count = draft.draw(st.integers(1, 5))
    repeat = draft.draw(st.booleans())
    draft.log.append(f"{'repeat' if repeat else 'drop'} lines {start}..{start + count}")
    chunk = split[start : start + count]
    return b"\n".join(
        split[: start + count] + chunk + split[start + count :]
        if repeat
        else split[:start] + split[start + count :]
    )


#: number lexemes JSON or YAML 1.2 read otherwise than a reader might expect, or not at all
_NUMBERS = (
    b"NaN", b"Infinity", b"-Infinity", b".nan", b".inf", b"-.inf", b"1e400", b"-1e400", b"1e-400",
    b"-0", b"-0.0", b"0x1F", b"0o17", b"010", b"1_000", b".5", b"5.", b"1e6", b"1E+2", b"+1",
    b"9" * 5000, b"-" + b"9" * 4300, b"0x" + b"f" * 4000, b"1." + b"0" * 5000, b"1" * 300 + b".5",
    b"true", b"True", b"TRUE", b"on", b"yes", b"No", b"off", b"y", b"1:30", b"190:20:30", b"0b101",
    b"1.0", b"2.0", b"0", b"1", b"-1", b"4294967296", b"9007199254740993",
)  # fmt: skip


def number_lexeme(draft: Draft, text: bytes) -> bytes:
    """A scalar replaced by a number lexeme: NaN/Infinity, huge integers, YAML 1.1 booleans,
    octal and sexagesimal spellings, integral floats."""
    return _replace_scalar(draft, text, draft.choose(_NUMBERS))


def _key_spans(text: bytes) -> list[tuple[int, int]]:
    """Spans of whole `key: scalar` pairs (a YAML line, or a JSON member)."""
    if _is_flow(text):
        return [m.span() for m in _JSON_SCALAR.finditer(text)]
    return [m.span() for m in _YAML_SCALAR.finditer(text)]


def duplicate_key(draft: Draft, text: bytes) -> bytes:
    """A `key: value` pair repeated in its own mapping, with the same or another value."""
    spans = _key_spans(text)
    if not spans:
        return text
    start, end = spans[draft.index(len(spans))]
    pair = text[start:end]
    if draft.draw(st.booleans()):
        key, _, _ = pair.partition(b":")
        pair = key + b": " + (b'"other"' if _is_flow(text) else b"other")
    draft.log.append(f"duplicate key {pair[:60]!r} at {end}")
    if _is_flow(text):
        return text[:end] + b", " + pair.lstrip() + text[end:]
    return text[:end] + b"\n" + pair + text[end:]


#: characters that must never reach a terminal raw, and a workflow command
_CONTROLS = ("\n::error file=app.py,line=1::owned", "\x1b[31m", "\x1b]0;t\x07", "\x9b", "\x00", "\x7f",
             "\u202e", "\u2028", "\x85", "\r", "\ufeff")  # fmt: skip


def control_in_name(draft: Draft, text: bytes) -> bytes:
    """A key (a path, property, parameter or status) given control characters, written as a
    double-quoted escape that JSON and YAML both read."""
    spans = _key_spans(text) + [m.span() for m in _YAML_MAPPING.finditer(text)] * (not _is_flow(text))
    if not spans:
        return text
    start, end = spans[draft.index(len(spans))]
    line = text[start:end]
    indent = len(line) - len(line.lstrip(b" -"))
    key, colon, rest = line[indent:].partition(b":")
    try:
        name = json.loads(key) if key.startswith(b'"') else key.decode("utf-8").strip("'")
    except (ValueError, UnicodeDecodeError):
        return text
    at = draft.uniform(0, len(name))
    hostile = name[:at] + draft.choose(_CONTROLS) + name[at:]
    draft.log.append(f"control characters in key {name[:40]!r}")
    return text[:start] + line[:indent] + json.dumps(hostile).encode() + colon + rest + text[end:]


_ODD_REFS = (
    "#/components/schemas/\u00b2", "#/paths/~1pets/get/responses/\u0661", "http://[::1", "%00.yaml",
    "x" * 300 + ".yaml", "/".join(["d" * 200] * 30), "#/%E0%A4", "#/a/~2", "#//", "#", "", "?x",
    "file:///etc/passwd", "\\\\server\\share", "C:\\x.yaml", "common.yaml#/Thing/../..",
    "sub/inner.yaml#/Parent", "fifo.yaml", "link.yaml#/x", "#/definitions/\u202e", "a\nb.yaml",
    "common.yaml#Thing", "%2e%2e/outside.yaml", "common.yaml#/Loop", "//host/x", "data:,{}",
)  # fmt: skip


def random_ref(draft: Draft, text: bytes) -> bytes:
    """A scalar replaced by `{"$ref": ...}` with an odd or random reference string."""
    ref = draft.draw(st.one_of(st.sampled_from(_ODD_REFS), st.text(max_size=20)))
    value = json.dumps({"$ref": ref}).encode("utf-8", "surrogatepass")
    return _replace_scalar(draft, text, value)


_CODECS = ("utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be")


def reencode(draft: Draft, text: bytes) -> bytes:
    """The whole document in UTF-16 or UTF-32, with a byte-order mark (`utf-16`) or without."""
    codec = draft.choose(_CODECS)
    try:
        decoded = text.decode("utf-8")
    except UnicodeDecodeError:
        return text
    draft.log.append(f"encoded as {codec}")
    return decoded.encode(codec, "surrogatepass")


TEXT_MUTATIONS: tuple[Callable[[Draft, bytes], bytes], ...] = (
    truncate, insert_bytes, yaml_alias, yaml_recursive_alias, yaml_merge, yaml_tag,
    yaml_bomb, repeat_or_drop_lines, number_lexeme, number_lexeme, duplicate_key, control_in_name,
    control_in_name, random_ref, random_ref, reencode,
)  # fmt: skip


def _dump(draft: Draft) -> bytes:
    """The mutated tree as JSON or YAML; YAML whenever JSON cannot hold it (shared or odd values)."""
    style = (
        "yaml"
        if draft.yaml_only
        else draft.choose(["json", "yaml", "json-ascii", "json-indented", "yaml-flow"])
    )
    draft.log.append(f"written as {style}")
    if style.startswith("json"):
        try:
            text = json.dumps(
                draft.tree, ensure_ascii=style == "json-ascii", indent=2 if style == "json-indented" else None
            )
            return text.encode("utf-8", "surrogatepass")
        except (TypeError, ValueError):
            draft.log.append("(not JSON: written as YAML)")
    try:
        text = yaml.dump(
            draft.tree,
            Dumper=_DUMPER,
            sort_keys=False,
            allow_unicode=True,
            default_flow_style=style == "yaml-flow",
        )
    except (yaml.YAMLError, UnicodeError):
        draft.log.append("(written with escapes)")
        text = yaml.dump(draft.tree, Dumper=yaml.SafeDumper, sort_keys=False, allow_unicode=False)
    return text.encode("utf-8", "surrogatepass")


def mutate(data: st.DataObject, seed: Seed, name: str, other: str) -> tuple[bytes, str]:
    """The text of `seed` after one to four mutations."""
    draft = Draft(data, seed, name, other)
    # text mutations in about a quarter of the documents: most leave no document to compare
    count = draft.choose(_COUNTS)
    tree_mutations = [draft.choose(TREE_MUTATIONS) for _ in range(count)]
    text_mutations = []
    if not count or (count < 4 and draft.uniform(0, 3) == 0):
        text_mutations = [draft.choose(TEXT_MUTATIONS) for _ in range(draft.uniform(1, min(2, 4 - count)))]
    text = seed.raw
    if tree_mutations:  # a copy of a megabyte tree, and PyYAML's nodes: see no_cyclic_collection
        with no_cyclic_collection():
            draft.tree = seed.fresh()
            for mutation in tree_mutations:
                mutation(draft)
            text = _dump(draft)
        for token, snippet in draft.snippets.items():
            text = text.replace(b'"' + token.encode() + b'"', snippet).replace(token.encode(), snippet)
    for mutation in text_mutations:
        text = mutation(draft, text)
    return text, f"{name} (from {seed.name}): " + "; ".join(draft.log)


# -- one example -----------------------------------------------------------------------------------

COMMON = b"""\
Thing:
  type: object
  required: [name]
  properties:
    name: {type: string}
    other: {$ref: 'sub/inner.yaml#/Inner'}
Loop:
  $ref: '#/Loop'
Back:
  $ref: '#/Thing'
Up:
  $ref: '../outside.yaml#/x'
"""
INNER = b"""\
Inner:
  type: integer
Parent:
  $ref: '../common.yaml#/Thing'
"""


#: The files `Example.write` puts beside the two documents (and `$ref`s to them or missing ones).
NEIGHBOURS = ("common.yaml", "inner.yaml", "sub", "link.yaml", "fifo.yaml", "missing.yaml", "outside.yaml")


@dataclass
class Example:
    base_name: str
    base: bytes
    revision_name: str
    revision: bytes
    log: list[str]

    def files(self) -> tuple[str, ...]:
        """The names an exit-2 message may give as the culprit."""
        return (self.base_name, self.revision_name, *NEIGHBOURS)

    def write(self, folder: Path) -> tuple[Path, Path]:
        """The two documents, and the neighbours their `$ref`s may reach."""
        (folder / "common.yaml").write_bytes(COMMON)
        (folder / "sub").mkdir()
        (folder / "sub" / "inner.yaml").write_bytes(INNER)
        with contextlib.suppress(OSError):
            (folder / "link.yaml").symlink_to("/etc/passwd")
        if hasattr(os, "mkfifo"):
            os.mkfifo(folder / "fifo.yaml")
        base, revision = folder / self.base_name, folder / self.revision_name
        base.write_bytes(self.base)
        revision.write_bytes(self.revision)
        return base, revision


def draw_example(data: st.DataObject, pairs: tuple[tuple[Seed, Seed], ...]) -> Example:
    base_seed, revision_seed = pairs[_uniform(data, 0, len(pairs) - 1)]
    if base_seed is not revision_seed and _uniform(data, 0, 1):
        revision_seed = base_seed  # against itself: every difference is the mutation's
    extensions = [".yaml", ".json", ".yml", ""]
    base_name = "base" + extensions[_uniform(data, 0, 3)]
    revision_name = "revision" + extensions[_uniform(data, 0, 3)]
    sides = ["revision", "base", "revision", "base", "both"][_uniform(data, 0, 4)]
    base, revision = base_seed.raw, revision_seed.raw
    log = [f"{base_name} from {base_seed.name}, {revision_name} from {revision_seed.name}"]
    if sides in ("base", "both"):
        base, done = mutate(data, base_seed, base_name, revision_name)
        log.append(done)
    if sides in ("revision", "both"):
        revision, done = mutate(data, revision_seed, revision_name, base_name)
        log.append(done)
    for line in log:
        note(line)
    return Example(base_name, base, revision_name, revision, log)


def _keep(folder: Path) -> None:
    keep = os.environ.get("OASGUARD_FUZZ_KEEP")
    if keep:
        target = Path(keep) / "last-failure"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(
            folder, target, symlinks=True, ignore=lambda _, names: [n for n in names if "fifo" in n]
        )


def _message_kind(stderr: str) -> str:
    """The error message without the file names and values: to tell what kinds of exit 2 were seen."""
    line = stderr.splitlines()[0] if stderr else ""
    line = re.sub(r"^oasguard: (\S*?(base|revision|common|inner)[^:\s]*(:\d+)?: )?", "", line)
    return re.sub(r"'[^']*'|\([^)]*\)|\d+", "…", line)[:70]


def _fuzz(name: str, pairs: tuple[tuple[Seed, Seed], ...], examples: int, shrink: bool = True) -> None:
    tally: Counter = Counter()
    kinds: Counter = Counter()
    slowest: list = [0.0, ""]

    phases = tuple(Phase) if shrink else (Phase.explicit, Phase.reuse, Phase.generate)

    @settings(max_examples=examples, phases=phases, **SETTINGS)
    @given(st.data())
    def one(data: st.DataObject) -> None:
        example = draw_example(data, pairs)
        with tempfile.TemporaryDirectory(prefix="oasguard-fuzz-") as folder:
            base, revision = example.write(Path(folder))
            outcome = _run_in_process(base, revision)
            tally["inputs"] += 1
            if outcome.seconds > slowest[0]:
                slowest[:] = [outcome.seconds, " / ".join(example.log)]
            tally[f"exit {outcome.code}"] += 1
            if outcome.code == 2:
                kinds[_message_kind(outcome.stderr)] += 1
            try:
                check(outcome, example.files())
            except AssertionError:
                _keep(Path(folder))
                raise

    started = time.monotonic()
    try:
        one()
    finally:
        exits = ", ".join(f"{key}: {tally[key]}" for key in sorted(tally) if key != "inputs")
        print(f"\nfuzz {name}: {tally['inputs']} inputs in {time.monotonic() - started:.0f}s, {exits}")
        print(f"  slowest input: {slowest[0]:.1f}s: {slowest[1][:300]}")
        for kind, count in kinds.most_common(12):
            print(f"  {count:6}  exit 2: {kind}")


def test_mutated_fixtures_never_crash_the_command():
    _fuzz("fixtures", _fixture_pairs(), EXAMPLES)


@pytest.mark.corpus
def test_mutated_corpus_documents_never_crash_the_command():
    if not _corpus_pairs():
        pytest.skip("the corpus (../shared/corpus) is not here")
    # no shrinking: on megabyte documents it takes minutes, and the notes already say what was done
    _fuzz("corpus", _corpus_pairs(), CORPUS_EXAMPLES, shrink=False)


def test_the_in_process_run_is_the_real_command():
    """A few mutated inputs through `python -m oasguard`: the same exit status and the same bytes."""
    small = tuple(pair for pair in _fixture_pairs() + _corpus_pairs() if len(pair[0].raw) < 50_000)

    @settings(max_examples=min(EXAMPLES, 10), **SETTINGS)
    @given(st.data())
    def one(data: st.DataObject) -> None:
        example = draw_example(data, small)
        with tempfile.TemporaryDirectory(prefix="oasguard-fuzz-") as folder:
            base, revision = example.write(Path(folder))
            inside = _run_in_process(base, revision)
            real = run_process("diff", str(base), str(revision), "--format", "json", timeout=ABORT_SECONDS)
            assert (real.returncode, real.stdout, real.stderr) == (inside.code, inside.stdout, inside.stderr)
            check(inside, example.files())

    one()


# -- revision strings ------------------------------------------------------------------------------

#: pieces of git's revision syntax, and what git or a terminal may choke on
_REVISION_PARTS = (
    "HEAD", "main", "v1", "~", "~1", "^", "^2", "^{commit}", "^{tree}", "^{}", "^{/base}", "@", "@{u}",
    "@{-1}", "@{1.day.ago}", "@{0}", "@{99}", ":/", ":/base", ":", "..", "...", "-", "--", "--output=x",
    "-x", "/", " ", "\n", "\x1b[31m", "\x00", "\u202e", "::error::x", "%", "*", "?", "[", "\\", "é",
    "0" * 40, "f" * 40, "0" * 7, "refs/heads/main", "refs/tags/v1", "origin/main", "FETCH_HEAD",
    "stash", ":0", ":1:", "HEAD:", "a" * 300,
)  # fmt: skip
_SPEC = (
    b"openapi: 3.0.3\ninfo: {title: t, version: '1'}\n"
    b"paths:\n  /a: {get: {responses: {'200': {description: ok}}}}\n"
)


@pytest.fixture(scope="module")
def small_repository(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import subprocess

    repo = tmp_path_factory.mktemp("revisions")
    for args in (
        ["init", "-q", "-b", "main"],
        ["config", "user.email", "dev@example.com"],
        ["config", "user.name", "dev"],
    ):
        subprocess.run(["git", "-C", str(repo), *args], check=True)
    (repo / "spec.yaml").write_bytes(_SPEC)
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(repo), "commit", "-qm", "base"], check=True)
    subprocess.run(["git", "-C", str(repo), "tag", "v1"], check=True)
    return repo


def test_random_revision_strings_are_a_report_or_a_named_error(small_repository: Path):
    """`--base REV SPEC` and `REV:SPEC` with revision strings made of git's syntax and hostile
    characters: a report, or one escaped line; never an internal error, never a raw control."""
    revisions = st.one_of(
        st.lists(st.sampled_from(_REVISION_PARTS), min_size=1, max_size=4).map("".join),
        st.text(min_size=1, max_size=12),
    )
    tally: Counter = Counter()

    @settings(max_examples=max(EXAMPLES // 4, 20), **SETTINGS)
    @given(revisions, st.booleans())
    def one(revision: str, as_base: bool) -> None:
        assume("--debug" not in revision)  # asks for tracebacks, wherever it is on the command line
        args = (
            ["diff", "--base", revision, "spec.yaml"]
            if as_base
            else ["diff", f"{revision}:spec.yaml", "spec.yaml"]
        )
        previous = Path.cwd()
        out, err = io.StringIO(), io.StringIO()
        os.chdir(small_repository)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                main([*args, "--format", "json"])
        except SystemExit as done:
            code = done.code
        finally:
            os.chdir(previous)
        tally[f"exit {code}"] += 1
        stderr = err.getvalue()
        assert code in (0, 1, 2), (args, code, stderr)
        assert TRACEBACK not in stderr and not stderr.startswith(INTERNAL_ERROR), (args, stderr)
        if code == 2:
            assert stderr.count("\n") == 1 and stderr.startswith("oasguard: "), (args, stderr)
            assert not any(c in stderr[:-1] for c in "\x1b\x00\r\u202e\n"), (args, stderr)
        else:
            assert json.loads(out.getvalue())["changes"] == [], (args, out.getvalue())

    one()
    print(f"\nrevision strings: {dict(tally)}")
