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
imports `urllib.parse` the same way, without `ipaddress`). `copy` (with `weakref`, 3 M) likewise:
only `dataclasses.asdict` and `astuple` use it.

The regular expressions modules compile when they are imported are kept the same way (`re-1.*`):
`re` parses a pattern and writes its program in Python on every run, about 0.5 M instructions a
pattern: 14 M for the 29 patterns a JSON diff's imports compile (`json`'s, `dataclasses`',
`platform`'s through orjson's `uuid`, and oasguard's own). The cache holds what `re` hands
`_sre.compile` for a pattern and its flags, kept only when the pattern `_sre.compile` makes of it
equals the one `re` makes, and only for patterns compiled at a module's top (a pattern a
function builds from a document's text is never kept).

And the package's own modules are read from one file (`modules-1.*`): importing a module through
the path finder (stat the folder, find the file, stat it, open and check its `.pyc`, build the
spec) costs about 150,000 instructions, 10 M for the 66 modules of a JSON diff. The file holds
each module's code as its `.pyc` does, with its source's size and modification time; a module
whose source has changed since is imported as before, and the file written anew after the run.
The spec, the loader (a `SourceFileLoader`) and the module's attributes are the ones the path
finder makes.
"""

from __future__ import annotations

import _frozen_importlib_external  # importlib.machinery's, without importing importlib (2 M)
import _sre
import contextlib
import marshal
import os
import re
import sys
from types import CodeType, ModuleType

#: more entries than this (classes changed many times over) and the cache keeps only this run's
_MOST = 4000

#: where the cache is kept (not a `pathlib.Path`, which a run would import for it); "-2": the
#: first cache held methods compiled with `from __future__ import annotations`, not to be reused
_PATH: os.PathLike[str] | str = os.path.join(
    os.path.dirname(__file__), "__pycache__", f"dataclasses-2.{sys.implementation.cache_tag}.marshal"
)

#: where the compiled regular expressions are kept: beside it, "1" the form of their entries
_PATTERNS_PATH: os.PathLike[str] | str = os.path.join(
    os.path.dirname(__file__), "__pycache__", f"re-1.{sys.implementation.cache_tag}.marshal"
)

#: where the package's modules are kept: beside it, "1" the form of their entries
_MODULES_PATH: os.PathLike[str] | str = os.path.join(
    os.path.dirname(__file__), "__pycache__", f"modules-1.{sys.implementation.cache_tag}.marshal"
)

_compiled: dict[str, CodeType] = {}
_used: set[str] = set()
_missed = False

#: (pattern, flags) → what `re` hands `_sre.compile` for them, after the pattern itself
_patterns: dict[tuple[str | bytes, int], tuple[int, list[int], int, dict[str, int], tuple]] = {}
_patterns_used: set[tuple[str | bytes, int]] = set()
_patterns_missed = False

#: module name → (is a package, source path, its modification time in ns, its size, its code,
#: its `.pyc`'s path: the spec's `cached`, 30,000 instructions a module to work out)
_modules: dict[str, tuple[bool, str, int, int, CodeType, str]] = {}
#: modules imported before the cache was read: not taken from it, so not kept in it
_before: set[str] = set()
_modules_used: set[str] = set()
_modules_missed = False


def install(
    path: os.PathLike[str] | str | None = None,
    patterns_path: os.PathLike[str] | str | None = None,
    modules_path: os.PathLike[str] | str | None = None,
) -> None:
    """Read the caches (at `path`, `patterns_path` and `modules_path`, else the package's) and make
    `@dataclass` take its compiled methods, `re` its compiled patterns and `import` the package's
    modules from them."""
    global _PATH, _PATTERNS_PATH, _MODULES_PATH
    _PATH = path or _PATH
    _PATTERNS_PATH = patterns_path or _PATTERNS_PATH
    _MODULES_PATH = modules_path or _MODULES_PATH
    _install_modules()
    with contextlib.suppress(Exception):  # no cache, or one we cannot read: compile as before
        with open(_PATH, "rb") as cache:
            loaded = marshal.loads(cache.read())
        _compiled.update(
            (source, code)
            for source, code in loaded.items()
            if isinstance(source, str) and type(code) is CodeType
        )
    _install_patterns()  # before `dataclasses`, which compiles one
    # `copy` (with `weakref`, 3 M instructions): only `asdict` and `astuple` use it
    without("dataclasses", "inspect", "copy").exec = _exec  # type: ignore[attr-defined]


def without(name: str, *dependencies: str, answers: dict[str, dict[str, object]] | None = None) -> ModuleType:
    """Module `name`, imported (unless it already is) with a stand-in for each of `dependencies`
    not imported yet, modules it imports at its top but seldom uses: a stand-in imports the real
    one the first time `name` uses it, and puts it in its place; `answers` holds what a stand-in
    answers itself (dependency → attribute → value), exactly what the real module would."""
    if name not in sys.modules:
        stand_ins = {
            dependency: _Later(dependency, name)
            for dependency in dependencies
            if dependency not in sys.modules
        }
        for dependency, answered in (answers or {}).items():
            if dependency in stand_ins:
                vars(stand_ins[dependency]).update(answered)
        sys.modules.update(stand_ins)
        try:
            __import__(name)
        finally:
            for dependency, stand_in in stand_ins.items():
                if sys.modules.get(dependency) is stand_in:
                    del sys.modules[dependency]
    __import__(name)
    return sys.modules[name]


def uuid_without_platform() -> None:
    """Import `uuid` (which `import orjson` imports) without `platform` (2 M instructions): `uuid`
    imports it at its top for nothing but `platform.system()`, which on Linux is the system
    `os.uname()` names (`platform.uname()` reads it from there and changes only other systems')."""
    if sys.platform == "linux":
        without("uuid", "platform", answers={"platform": {"system": _uname_system}})


def _uname_system() -> str:
    """`platform.system()` on Linux."""
    return os.uname().sysname


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


#: `re`'s compiler module (`sre_compile` before Python 3.11) and its own `compile`
_COMPILER = getattr(re, "_compiler", None) or sys.modules.get("sre_compile")
_compile_pattern = getattr(_COMPILER, "compile", None)
#: the form of `re`'s programs, which a new one changes: a cache of another form is not read
_FORM = ("sre", getattr(_sre, "MAGIC", None), sys.version_info[:2])
#: the files whose frames are `re`'s own, between a compiling module and `re`'s compiler
_RE_FILES = frozenset(getattr(module, "__file__", None) for module in (re, _COMPILER))


def _install_patterns() -> None:
    """Read the patterns' cache and put `_pattern` in the place of `re`'s compiler."""
    if _compile_pattern is None or _FORM[1] is None:  # not CPython's `re`: compile as before
        return
    _patterns.update(
        (key, entry)
        for key, entry in _read(_PATTERNS_PATH, _FORM).items()
        if type(key) is tuple
        and len(key) == 2
        and type(key[0]) in (str, bytes)
        and type(key[1]) is int
        and type(entry) is tuple
        and len(entry) == 5
    )
    _COMPILER.compile = _pattern


def _read(path: os.PathLike[str] | str, form: tuple) -> dict:
    """The entries of the cache at `path` (a marshalled `(form, entries)`) when it is of `form`;
    none when there is no cache, one we cannot read, or one of another form."""
    with contextlib.suppress(Exception):
        with open(path, "rb") as cache:
            found, entries = marshal.loads(cache.read())
        if found == form and type(entries) is dict:
            return entries
    return {}


def _pattern(pattern: str | bytes, flags: int = 0) -> re.Pattern:
    """`re`'s compiler's `compile(pattern, flags)`, with what it hands `_sre.compile` kept."""
    global _patterns_missed
    key = (pattern, flags)
    entry = _patterns.get(key) if type(pattern) in (str, bytes) and type(flags) is int else None
    if entry is not None:
        with contextlib.suppress(Exception):  # an entry `_sre` refuses: compile as before
            compiled = _sre.compile(pattern, *entry)
            _patterns_used.add(key)
            return compiled
    compiled = _compile_pattern(pattern, flags)
    if entry is None and type(pattern) in (str, bytes) and type(flags) is int and _at_module_top():
        entry = _program(pattern, flags)
        if entry is not None and _same(_sre.compile(pattern, *entry), compiled):
            _patterns[key] = entry
            _patterns_used.add(key)
            _patterns_missed = True
    return compiled


def _same(pattern: re.Pattern, other: re.Pattern) -> bool:
    """Whether two compiled patterns are the same program with the same groups."""
    return pattern == other and pattern.groups == other.groups and pattern.groupindex == other.groupindex


def _program(pattern: str | bytes, flags: int) -> tuple | None:
    """What `re`'s compiler hands `_sre.compile` for `pattern` after it, None when `re` is not as
    this reads it or warns of the pattern."""
    import warnings

    try:
        with warnings.catch_warnings(record=True) as warned:
            warnings.simplefilter("always")
            parsed = _COMPILER._parser.parse(pattern, flags) if hasattr(_COMPILER, "_parser") else None
            if parsed is None:
                import sre_parse

                parsed = sre_parse.parse(pattern, flags)
            code = _COMPILER._code(parsed, flags)
        groups = parsed.state.groupdict
        names: list[str | None] = [None] * parsed.state.groups
        for name, index in groups.items():
            names[index] = name
        # plain `int`s: the opcodes are an `int` subclass, which `marshal` does not write
        program = list(map(int, code))
        flags_all = int(flags | parsed.state.flags)
        entry = (flags_all, program, parsed.state.groups - 1, dict(groups), tuple(names))
    except Exception:
        return None
    return None if warned or flags & re.DEBUG else entry


def _at_module_top() -> bool:
    """Whether the pattern being compiled is compiled by a module's own code, as it is imported."""
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_filename in _RE_FILES:
        frame = frame.f_back
    return frame is not None and frame.f_code.co_name == "<module>"


#: the package's folder and the prefix of its modules' names
_PACKAGE = os.path.dirname(__file__) + os.sep
_PREFIX = __name__.rpartition(".")[0] + "."
#: the form of the modules' code: another Python's is not read
#: the form of the modules' code, and what names their `.pyc` (`-O` strips asserts from the code)
_CODE_FORM = (
    "code",
    _frozen_importlib_external.MAGIC_NUMBER,
    sys.version_info[:2],
    sys.flags.optimize,
    sys.pycache_prefix,
)


class _Loader(_frozen_importlib_external.SourceFileLoader):
    """The path finder's loader of a module's source, which runs the code kept in the cache."""

    def __init__(self, fullname: str, path: str, code: CodeType) -> None:
        super().__init__(fullname, path)
        self._code: CodeType | None = code

    def get_code(self, fullname: str) -> CodeType:
        code, self._code = self._code, None  # once: a reload reads the source as before
        if code is None or fullname != self.name:
            return super().get_code(fullname)
        return code


class _Modules:
    """A finder, first on `sys.meta_path`, of the package's modules kept in the cache."""

    @staticmethod
    def find_spec(name: str, path: object = None, target: object = None) -> object:
        global _modules_missed
        entry = _modules.get(name)
        if entry is None:
            if name.startswith(_PREFIX):
                _modules_missed = True  # imported as before, and kept after the run
            return None
        package, origin, modified, size, code, cached = entry
        try:
            stat = os.stat(origin)
        except OSError:
            stat = None
        if stat is None or stat.st_mtime_ns != modified or stat.st_size != size:
            del _modules[name]
            _modules_missed = True
            return None
        _modules_used.add(name)
        # what the path finder's FileFinder makes of the same file
        spec = _frozen_importlib_external.spec_from_file_location(
            name,
            origin,
            loader=_Loader(name, origin, code),
            submodule_search_locations=[os.path.dirname(origin)] if package else None,
        )
        spec.cached = cached
        return spec


def _install_modules() -> None:
    """Read the modules' cache and put its finder first on `sys.meta_path`."""
    _modules.update(
        (name, entry)
        for name, entry in _read(_MODULES_PATH, _CODE_FORM).items()
        if type(name) is str
        and name.startswith(_PREFIX)
        and type(entry) is tuple
        and len(entry) == 6
        and type(entry[1]) is str
        and type(entry[4]) is CodeType
        and type(entry[5]) is str
    )
    _before.update(sys.modules)
    if _Modules not in sys.meta_path:
        sys.meta_path.insert(0, _Modules)  # type: ignore[arg-type]


def _kept_modules() -> dict[str, tuple[bool, str, int, int, CodeType, str]]:
    """The cache's entries and this run's other modules of the package, read from their `.pyc`
    (or source) by the loader that imported them."""
    kept = dict(_modules)
    for name, module in list(sys.modules.items()):
        spec = getattr(module, "__spec__", None)
        loader = getattr(spec, "loader", None)
        if (
            name not in kept
            and name not in _before
            and name.startswith(_PREFIX)
            and type(loader) is _frozen_importlib_external.SourceFileLoader
            and isinstance(spec.origin, str)
            and spec.origin.startswith(_PACKAGE)
            and isinstance(spec.cached, str)
        ):
            with contextlib.suppress(Exception):
                stat = os.stat(spec.origin)  # before the code: a change in between is a miss next time
                code = loader.get_code(name)
                if type(code) is CodeType:
                    package = spec.submodule_search_locations is not None
                    kept[name] = (package, spec.origin, stat.st_mtime_ns, stat.st_size, code, spec.cached)
    return kept


def save(modules: bool = True) -> None:
    """Write the caches when this run compiled (or imported) something new and bytecode may be
    written; the modules' only when `modules`: every module kept is read on every run (a JSON
    diff reading all 150 of the package's: +12 M instructions), so the command line keeps only
    those of the runs it reads without typer."""
    if sys.dont_write_bytecode:
        return
    if _modules_missed and modules:
        _write(_MODULES_PATH, (_CODE_FORM, _kept_modules()))
    if _patterns_missed:
        patterns = _patterns
        if len(patterns) > _MOST:
            patterns = {key: entry for key, entry in _patterns.items() if key in _patterns_used}
        _write(_PATTERNS_PATH, (_FORM, patterns))
    if not _missed:
        return
    kept = _compiled
    if len(kept) > _MOST:
        kept = {source: code for source, code in _compiled.items() if source in _used}
    _write(_PATH, kept)


def _write(path: os.PathLike[str] | str, value: object) -> None:
    """Write `value` to `path` with `marshal`, atomically, or not at all."""
    path = os.fspath(path)
    temporary = f"{path}.{os.getpid()}"
    with contextlib.suppress(OSError, ValueError):
        if not os.path.isdir(os.path.dirname(path)):
            os.mkdir(os.path.dirname(path))
        with open(temporary, "wb") as cache:
            cache.write(marshal.dumps(value))
        os.replace(temporary, path)  # readers see the old cache or the new one, never half
    with contextlib.suppress(OSError):
        os.unlink(temporary)
