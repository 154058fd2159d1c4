"""The methods `@dataclass` writes, compiled once and kept between runs of the command line.

`@dataclass` writes the source of each class's `__init__`, `__eq__`, `__hash__`, `__repr__`,
`__setattr__` and `__delattr__` and compiles it, on every run: for the 49 dataclasses a diff
builds, 73 M instructions, a fifth of its start-up (docs/decisions.md "A diff without typer").
The source is the same from run to run, so its compiled code is kept the way Python keeps a
module's bytecode: in the package's `__pycache__`, under the interpreter's tag, written only when
bytecode may be written. The key is the whole source, so a changed class is compiled anew; a
missing, unreadable or corrupt cache is a cache miss. The classes and their methods are the same
either way: the cache holds exactly what `compile` returns for the same text.

Only the command line's process installs it (`oasguard/__main__.py`): it replaces the name `exec`
in the `dataclasses` module, which calls it with each method's source (Python 3.10 to 3.13).
"""

from __future__ import annotations

import contextlib
import dataclasses
import marshal
import os
import sys
from pathlib import Path
from types import CodeType

#: more entries than this (classes changed many times over) and the cache keeps only this run's
_MOST = 4000

_PATH = Path(__file__).with_name("__pycache__") / f"dataclasses.{sys.implementation.cache_tag}.marshal"

_compiled: dict[str, CodeType] = {}
_used: set[str] = set()
_missed = False


def install(path: Path | None = None) -> None:
    """Read the cache (at `path`, else the package's) and make `@dataclass` take its compiled
    methods from it."""
    global _PATH
    _PATH = path or _PATH
    with contextlib.suppress(Exception):  # no cache, or one we cannot read: compile as before
        loaded = marshal.loads(_PATH.read_bytes())
        _compiled.update(
            (source, code)
            for source, code in loaded.items()
            if isinstance(source, str) and type(code) is CodeType
        )
    dataclasses.exec = _exec  # type: ignore[attr-defined]


def _exec(source: str, globals: dict | None = None, locals: dict | None = None) -> None:
    """`exec(source, globals, locals)` with the code compiled from `source` once."""
    global _missed
    code = _compiled.get(source)
    if code is None:
        code = _compiled[source] = compile(source, "<string>", "exec")
        _missed = True
    _used.add(source)
    exec(code, globals, locals)


def save() -> None:
    """Write the cache when this run compiled something new and bytecode may be written."""
    if not _missed or sys.dont_write_bytecode:
        return
    kept = _compiled
    if len(kept) > _MOST:
        kept = {source: code for source, code in _compiled.items() if source in _used}
    temporary = _PATH.with_name(f"{_PATH.name}.{os.getpid()}")
    with contextlib.suppress(OSError, ValueError):
        _PATH.parent.mkdir(exist_ok=True)
        temporary.write_bytes(marshal.dumps(kept))
        os.replace(temporary, _PATH)  # readers see the old cache or the new one, never half
    with contextlib.suppress(OSError):
        temporary.unlink(missing_ok=True)
