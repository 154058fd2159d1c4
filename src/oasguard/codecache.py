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

It also imports `dataclasses` without `inspect` (with `ast`, `dis` and `tokenize`, 21 M instructions,
a tenth of a diff's start-up): `dataclasses` imports it only to call `inspect.signature` for a
class without a docstring (and, from Python 3.12, `inspect.get_annotations` for every class), so
`inspect` is imported when one of them is first called, not before (`without`; the command line
imports `urllib.parse` the same way, without `ipaddress`).
"""

from __future__ import annotations

import contextlib
import marshal
import os
import sys
from types import CodeType, ModuleType

#: more entries than this (classes changed many times over) and the cache keeps only this run's
_MOST = 4000

#: where the cache is kept (not a `pathlib.Path`, which a run would import for it); "-2": the
#: first cache held methods compiled with `from __future__ import annotations`, not to be reused
_PATH: os.PathLike[str] | str = os.path.join(
    os.path.dirname(__file__), "__pycache__", f"dataclasses-2.{sys.implementation.cache_tag}.marshal"
)

_compiled: dict[str, CodeType] = {}
_used: set[str] = set()
_missed = False


def install(path: os.PathLike[str] | str | None = None) -> None:
    """Read the cache (at `path`, else the package's) and make `@dataclass` take its compiled
    methods from it."""
    global _PATH
    _PATH = path or _PATH
    with contextlib.suppress(Exception):  # no cache, or one we cannot read: compile as before
        with open(_PATH, "rb") as cache:
            loaded = marshal.loads(cache.read())
        _compiled.update(
            (source, code)
            for source, code in loaded.items()
            if isinstance(source, str) and type(code) is CodeType
        )
    without("dataclasses", "inspect").exec = _exec  # type: ignore[attr-defined]


def without(name: str, dependency: str) -> ModuleType:
    """Module `name`, imported (unless it or `dependency` already is) with a stand-in for
    `dependency`, a module it imports at its top but seldom uses: the stand-in imports the real
    one the first time `name` uses it, and puts it in its place."""
    if name not in sys.modules and dependency not in sys.modules:
        stand_in = sys.modules[dependency] = _Later(dependency, name)
        try:
            __import__(name)
        finally:
            if sys.modules.get(dependency) is stand_in:
                del sys.modules[dependency]
    __import__(name)
    return sys.modules[name]


class _Later(ModuleType):
    """Module `name` as module `user` holds it until it uses it: the first attribute asked for
    imports the module and puts it in the stand-in's place among `user`'s names."""

    def __init__(self, name: str, user: str) -> None:
        super().__init__(name)
        self._user = user

    def __getattr__(self, attribute: str) -> object:
        if sys.modules.get(self.__name__) is self:  # asked for while `user` is being imported
            del sys.modules[self.__name__]
        __import__(self.__name__)
        module = sys.modules[self.__name__]
        user = sys.modules[self._user]
        if vars(user).get(self.__name__) is self:
            setattr(user, self.__name__, module)
        return getattr(module, attribute)


def _exec(source: str, globals: dict | None = None, locals: dict | None = None) -> None:
    """`exec(source, globals, locals)` with the code compiled from `source` once."""
    global _missed
    code = _compiled.get(source)
    if code is None:
        # without this module's `from __future__ import annotations`, as `exec` in `dataclasses`
        # compiles: else the methods' annotations would be strings, not the fields' types
        code = _compiled[source] = compile(source, "<string>", "exec", dont_inherit=True)
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
    path = os.fspath(_PATH)
    temporary = f"{path}.{os.getpid()}"
    with contextlib.suppress(OSError, ValueError):
        if not os.path.isdir(os.path.dirname(path)):
            os.mkdir(os.path.dirname(path))
        with open(temporary, "wb") as cache:
            cache.write(marshal.dumps(kept))
        os.replace(temporary, path)  # readers see the old cache or the new one, never half
    with contextlib.suppress(OSError):
        os.unlink(temporary)
