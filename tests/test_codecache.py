"""The methods `@dataclass` compiles are kept between runs of the command line (oasguard.codecache):
classes built from the cache behave as compiled ones, a bad cache is a miss, and nothing is
written where bytecode may not be."""

from __future__ import annotations

import json
import marshal
import os
import subprocess
import sys
from pathlib import Path

from conftest import FIXTURES

#: builds dataclasses with every generated method, prints what they do and what came from the cache
SCRIPT = """
import dataclasses, json, sys
from oasguard import codecache
codecache.install(__import__("pathlib").Path(sys.argv[1]))

@dataclasses.dataclass(frozen=True)
class Point:
    x: int
    y: int = 2
    tags: tuple = dataclasses.field(default_factory=tuple)

@dataclasses.dataclass(eq=False)
class Box:
    content: object
    def __post_init__(self):
        self.content = [self.content]

a, b = Point(1), Point(1, 2, ())
try:
    a.x = 3
    frozen = "no"
except dataclasses.FrozenInstanceError as error:
    frozen = str(error)
print(json.dumps({
    "repr": repr(a), "eq": a == b, "hash": hash(a) == hash(b), "frozen": frozen,
    "box": repr(Box(1)), "box-eq": Box(1) == Box(1), "missed": codecache._missed,
    "from": [codecache._compiled.get(source) is not None for source in sorted(codecache._used)],
}))
codecache.save()
"""


def _run(cache: Path, **env: str) -> dict:
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(cache)],
        capture_output=True,
        text=True,
        env={**environment, **env},
        check=True,
        timeout=60,
    )
    return json.loads(done.stdout)


def test_classes_built_from_the_cache_behave_as_compiled_ones(tmp_path: Path):
    cache = tmp_path / "cache.marshal"
    first = _run(cache)
    assert first["missed"] and cache.is_file()
    second = _run(cache)
    assert not second["missed"]  # every method came from the cache
    assert {**first, "missed": None} == {**second, "missed": None}
    assert second["repr"] == "Point(x=1, y=2, tags=())"
    assert (second["eq"], second["hash"], second["box-eq"]) == (True, True, False)
    assert second["frozen"] == "cannot assign to field 'x'"
    assert second["box"] == "Box(content=[1])"


def test_a_corrupt_cache_is_compiled_anew_and_replaced(tmp_path: Path):
    cache = tmp_path / "cache.marshal"
    cache.write_bytes(b"\x00not marshal data")
    assert _run(cache)["missed"]
    assert isinstance(marshal.loads(cache.read_bytes()), dict)
    assert not _run(cache)["missed"]


def test_a_cache_holding_anything_but_code_is_not_run(tmp_path: Path):
    cache = tmp_path / "cache.marshal"
    _run(cache)
    planted = {source: "print('planted')" for source in marshal.loads(cache.read_bytes())}
    cache.write_bytes(marshal.dumps(planted))
    result = _run(cache)
    assert result["missed"] and result["repr"] == "Point(x=1, y=2, tags=())"


def test_nothing_is_written_where_bytecode_may_not_be(tmp_path: Path):
    cache = tmp_path / "cache.marshal"
    assert _run(cache, PYTHONDONTWRITEBYTECODE="1")["missed"]
    assert not cache.exists()
    unwritable = tmp_path / "file" / "cache.marshal"  # its folder is a file: the write fails quietly
    (tmp_path / "file").write_text("")
    assert _run(unwritable)["repr"] == "Point(x=1, y=2, tags=())"


def test_the_command_line_runs_with_it(tmp_path: Path):
    """`oasguard diff` compiles into the cache on its first run and reads it on the next, with the
    same report and exit status as a run without it."""
    cache = tmp_path / "cache.marshal"
    base, revision = str(FIXTURES / "petstore" / "base.yaml"), str(FIXTURES / "petstore" / "revision.yaml")
    run_main = (
        "import sys, pathlib; from oasguard import __main__, codecache; "
        "codecache._PATH = pathlib.Path(sys.argv.pop(1)); __main__.main()"
    )
    args = ["diff", base, revision, "--format", "json"]
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    runs = []
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-c", run_main, str(cache), *args],
            capture_output=True,
            text=True,
            env=environment,
        )
        runs.append((done.returncode, done.stdout, done.stderr))
        assert cache.is_file()
    without = subprocess.run(
        [sys.executable, "-c", "import sys; from oasguard.cli import main; main()", *args],
        capture_output=True,
        text=True,
    )
    assert runs[0] == runs[1] == (without.returncode, without.stdout, without.stderr)
    assert runs[0][0] == 1 and json.loads(runs[0][1])["changes"]
    assert len(marshal.loads(cache.read_bytes())) > 100  # every dataclass's methods of a diff
