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

What `@dataclass` sets on each class is recorded once and replayed (`classes-2.*`, "the classes
`@dataclass` makes, replayed" below): the methods' code above is then read only for a class
decorated anew. The `__new__` that `collections.namedtuple` compiles for each named tuple is kept
too (`eval-1.*`). And `datetime_from_c` makes `datetime` from its C module before Python 3.12.
"""

from __future__ import annotations

import _frozen_importlib_external  # importlib.machinery's, without importing importlib (2 M)
import _sre
import contextlib
import marshal
import os
import re
import sys
from collections.abc import Callable
from types import CellType, CodeType, FunctionType, ModuleType

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
#: whether the methods' cache was read (only when a class is decorated rather than replayed)
_loaded = False
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
    classes_path: os.PathLike[str] | str | None = None,
    evals_path: os.PathLike[str] | str | None = None,
) -> None:
    """Read the caches (at `path`, `patterns_path` and `modules_path`, else the package's) and make
    `@dataclass` take its compiled methods, `re` its compiled patterns, `collections.namedtuple`
    its compiled `__new__` and `import` the package's modules from them."""
    global _PATH, _PATTERNS_PATH, _MODULES_PATH, _CLASSES_PATH, _EVALS_PATH
    if path and not classes_path:  # beside the methods' cache named
        classes_path = f"{os.fspath(path)}.classes"
    if path and not evals_path:
        evals_path = f"{os.fspath(path)}.eval"
    _PATH = path or _PATH
    _CLASSES_PATH = classes_path or _CLASSES_PATH
    _EVALS_PATH = evals_path or _EVALS_PATH
    _PATTERNS_PATH = patterns_path or _PATTERNS_PATH
    _MODULES_PATH = modules_path or _MODULES_PATH
    _install_modules()
    _install_patterns()  # before `dataclasses`, which compiles one
    _install_evals()  # before `urllib.parse`, which makes three named tuples
    # `copy` (with `weakref`, 3 M instructions): only `asdict` and `astuple` use it
    without("dataclasses", "inspect", "copy").exec = _exec  # type: ignore[attr-defined]
    _install_classes()


def _load_compiled() -> None:
    """Read the methods' cache, the first time a class is decorated rather than replayed."""
    global _loaded
    _loaded = True
    with contextlib.suppress(Exception):  # no cache, or one we cannot read: compile as before
        with open(_PATH, "rb") as cache:
            loaded = marshal.loads(cache.read())
        _compiled.update(
            (source, code)
            for source, code in loaded.items()
            if isinstance(source, str) and type(code) is CodeType and source not in _compiled
        )


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


def datetime_from_c() -> None:
    """Import `datetime` as Python 3.12 does: the C module's classes without running the pure-Python
    implementation first. Python 3.10 and 3.11 run all of `datetime.py` (3.7 M instructions, a
    fortieth of a diff's start), then replace every class with `_datetime`'s; `orjson` imports it.
    The module made here holds what theirs holds at the end (its names, `__all__`, `sys`, the spec
    the path finder gives it); when `datetime` is not the standard library's own file (a
    `datetime.py` in the folder the command runs in shadows it), it is imported as before."""
    if sys.version_info >= (3, 12) or "datetime" in sys.modules:
        return
    try:
        import _datetime
    except ImportError:  # not CPython's: imported as before
        return
    spec = _frozen_importlib_external.PathFinder.find_spec("datetime")
    if spec is None or os.path.dirname(spec.origin or "") != os.path.dirname(os.__file__):
        return
    module = sys.modules["_frozen_importlib"].module_from_spec(spec)
    held = vars(module)
    held["__builtins__"] = vars(__import__("builtins"))
    held["sys"] = sys
    held.update((name, value) for name, value in vars(_datetime).items() if not name.startswith("_"))
    held["__doc__"] = _datetime.__doc__
    held["__all__"] = ("date", "datetime", "time", "timedelta", "timezone", "tzinfo", "MINYEAR", "MAXYEAR")
    if hasattr(_datetime, "UTC"):
        held["__all__"] += ("UTC",)
    sys.modules["datetime"] = module


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
    if not _loaded:
        _load_compiled()
    code = _compiled.get(source)
    if code is None:
        # without this module's `from __future__ import annotations`, as `exec` in `dataclasses`
        # compiles: else the methods' annotations would be strings, not the fields' types
        code = _compiled[source] = compile(source, "<string>", "exec", dont_inherit=True)
        _missed = True
    _used.add(source)
    exec(code, globals, locals)


# -- the classes `@dataclass` makes, replayed ---------------------------------------------------------
#
# Even with its methods' code kept, `@dataclass` does most of its work on every run: it reads every
# field's annotation for `ClassVar`, `InitVar` and `KW_ONLY`, makes a `Field` per field, writes the
# source of each method (the key of the code kept above), runs it to make the function, wraps
# `__repr__` and sets each on the class: ~0.1 ms a class, ~5 ms of a diff's start for its 47 classes.
# What it sets on a class is decided by what the class holds when it is decorated, its bases and
# the decorator's arguments. So the first run records what `_process_class` set on the class, as
# a recipe that names every object it did not make ("the default of field x", `dataclasses.MISSING`,
# the class itself) and spells out those it made (functions from their code, closures, `Field`s);
# a later run whose class holds the same (`_class_key`) replays the recipe without `dataclasses`.
# A class whose result the recipe cannot spell (or that `dataclasses` replaces: `slots=True`) is
# decorated as before, on every run.

#: the form of the recipes: another Python (even another patch release) records its own
_CLASS_FORM = ("classes-2", sys.version)

#: where the recipes are kept ("2": the form of a recipe; "1" filled `Field`s with a call a slot)
_CLASSES_PATH: os.PathLike[str] | str = os.path.join(
    os.path.dirname(__file__), "__pycache__", f"classes-2.{sys.implementation.cache_tag}.marshal"
)

#: what a class holds when decorated (`_class_key`) → its recipe (`_record`)
_classes: dict[tuple, tuple] = {}
_classes_used: set[tuple] = set()
_classes_missed = False
#: the real `dataclasses._process_class`, and the types whose objects a recipe may make
_process_class = None
_LITERALS = frozenset((str, int, float, bool, type(None), bytes))  # a set: `type(x) in` hashes once
#: Python 3.14 evaluates annotations lazily (`__annotate__`): what a class holds is no longer
#: read from its `__annotations__`, so its classes are decorated as before
_REPLAYABLE = sys.version_info < (3, 14)
#: the private names of `dataclasses` the recipes read
_READS = ("_process_class", "_MODULE_IDENTIFIER_RE")


def _install_classes() -> None:
    """Read the recipes and put `_decorate` in the place of `dataclasses._process_class`."""
    global _process_class
    dataclasses = sys.modules["dataclasses"]
    if not _REPLAYABLE or not all(hasattr(dataclasses, name) for name in _READS):
        return  # a Python whose `dataclasses` is not the one the recipes were written for
    if _process_class is None:
        _process_class = dataclasses._process_class
    _classes.update(
        (key, recipe)
        for key, recipe in _read(_CLASSES_PATH, _CLASS_FORM).items()
        if type(key) is tuple and type(recipe) is tuple and len(recipe) == 2 and type(recipe[0]) is CodeType
    )
    dataclasses._process_class = _decorate


def _decorate(cls: type, *arguments: object) -> type:
    """`dataclasses._process_class(cls, *arguments)`, replayed from its recipe when one is kept for
    what `cls` holds, else done and recorded."""
    global _classes_missed
    key = _class_key(cls, arguments)
    recipe = _classes.get(key) if key is not None else None
    if recipe is not None:
        with contextlib.suppress(Exception):  # a recipe that cannot be made: decorated as before
            _replay(cls, recipe)
            _classes_used.add(key)
            return cls
    before = dict(cls.__dict__)
    field = sys.modules["dataclasses"].Field
    # what each `Field` the class holds held before `dataclasses` filled it in
    slots = {
        name: [getattr(value, slot, None) for slot in _slots(field)]
        for name, value in before.items()
        if type(value) is field
    }
    done = _process_class(cls, *arguments)  # type: ignore[misc]
    if key is not None and done is cls:
        recipe = _record(cls, before, slots)
        if recipe is not None:
            _classes[key] = recipe
            _classes_used.add(key)
            _classes_missed = True
    return done


def _class_key(cls: type, arguments: tuple) -> tuple | None:
    """Everything `@dataclass` reads of `cls` to decide what it sets on it, as marshal writes it;
    None for a class not to be replayed (no docstring: `dataclasses` writes one from the
    signature, in which a default's text may change from run to run)."""
    held = cls.__dict__
    if held.get("__doc__") is None:
        return None
    for argument in arguments:
        if type(argument) not in _LITERALS:
            return None
    dataclasses = sys.modules["dataclasses"]
    module = sys.modules.get(cls.__module__)
    names = vars(module) if module is not None else {}
    special = _special()
    described: list[object] = []
    for name, value in held.items():
        kind = type(value)
        if kind in _LITERALS:
            described.append((name, _literal(value)))
        elif name == "__annotations__" and kind is dict:
            annotations = []
            for field, annotation in value.items():
                if type(annotation) is not str:
                    annotations.append((field, None, repr(annotation)))
                    continue
                # what `dataclasses._is_type` reads: the annotation's first names in the module
                if annotation in _first_names:
                    first = _first_names[annotation]
                else:
                    found = dataclasses._MODULE_IDENTIFIER_RE.match(annotation)
                    first = _first_names[annotation] = (found[1], found[2]) if found else None
                read = None
                if first is not None:
                    module_name, name_read = first
                    held_as = names.get(module_name) if module_name is not None else None
                    read = (special.get(id(held_as)), special.get(id(names.get(name_read))))
                annotations.append((field, annotation, read))
            described.append((name, tuple(annotations)))
        elif kind is dataclasses.Field:
            described.append((name, _state(value)))
        else:
            described.append((name, kind.__module__, kind.__qualname__))
    bases = []
    for base in cls.__mro__[1:]:
        fields = base.__dict__.get("__dataclass_fields__")
        if fields is None:
            if base is not object:
                # a default inherited from a plain base, or its abstract methods, are read by
                # `dataclasses` and not in this key: such a class is decorated on every run
                return None
            bases.append((base.__module__, base.__qualname__))
        else:
            params = _state(base.__dict__.get("__dataclass_params__"))
            bases.append((base.__module__, base.__qualname__, params, tuple(map(_state, fields.values()))))
    return (
        cls.__module__,
        cls.__qualname__,
        module is not None,
        arguments,
        tuple(described),
        tuple(bases),
        hasattr(cls, "__post_init__"),
        "typing" in sys.modules,
    )


def _state(value: object) -> tuple:
    """What an object of `dataclasses` (a `Field`, the parameters) holds: literals as they are,
    other values by their type, a field's kind (field, ClassVar, InitVar) by its name."""
    state: list[object] = []
    for slot in _slots(type(value)):
        held = getattr(value, slot, None)
        kind = type(held)
        if kind in _LITERALS:
            state.append(_literal(held))
        elif kind.__name__ == "_FIELD_BASE":
            state.append(("_FIELD_BASE", held.name))  # type: ignore[attr-defined]
        else:
            state.append((kind.__module__, kind.__qualname__))
    return tuple(state) if state else (repr(value),)


def _literal(value: object) -> tuple:
    """A literal as a key holds it, with its type: `0`, `False` and `0.0` are equal keys but
    different defaults, and `-0.0` equals `0.0` (a float by its `repr`)."""
    kind = type(value)
    return (kind.__name__, repr(value) if kind is float else value)


#: an annotation's text → its first two names as `dataclasses._MODULE_IDENTIFIER_RE` reads them
#: (None: no match): the same few texts (`str`, `int | None`) annotate most fields
_first_names: dict[str, tuple[str | None, str] | None] = {}

#: `_special`'s answer, and whether `typing` was imported when it was made
_specials: tuple[bool, dict[int, str]] | None = None


def _special() -> dict[int, str]:
    """The objects `dataclasses` looks for among an annotation's names, by id."""
    global _specials
    typing = sys.modules.get("typing")
    if _specials is not None and _specials[0] == (typing is not None):
        return _specials[1]
    dataclasses = sys.modules["dataclasses"]
    found = {id(dataclasses): "dataclasses"}
    for name in ("InitVar", "KW_ONLY"):
        if hasattr(dataclasses, name):
            found[id(getattr(dataclasses, name))] = name
    if typing is not None:
        found[id(typing)] = "typing"
        found[id(typing.ClassVar)] = "ClassVar"
    _specials = (typing is not None, found)
    return found


#: the slots of a type and its bases, by type
_SLOTS: dict[type, list[str]] = {}


def _slots(kind: type) -> list[str]:
    """The slots of `kind` and its bases."""
    slots = _SLOTS.get(kind)
    if slots is None:
        slots = _SLOTS[kind] = [slot for klass in kind.__mro__ for slot in vars(klass).get("__slots__", ())]
    return slots


def _known(cls: type, before: dict, slots: dict[str, list]) -> dict[tuple, object]:
    """The objects a recipe names rather than makes, by name; the later ones win."""
    dataclasses = sys.modules["dataclasses"]
    import builtins

    known: dict[tuple, object] = {}
    # the globals of functions not written for the class (the `__repr__` wrapper: `dataclasses`'
    # own, from Python 3.13 `reprlib`'s; 3.13's `__replace__`)
    known.update(
        (("module", name), vars(module))
        for name, module in list(sys.modules.items())
        if isinstance(module, ModuleType)
    )
    known.update((("builtins", name), value) for name, value in vars(builtins).items())
    known.update((("dataclasses", name), value) for name, value in vars(dataclasses).items())
    for index, base in enumerate(cls.__mro__[1:], 1):
        fields = base.__dict__.get("__dataclass_fields__") or {}
        known.update((("base", index, name), field) for name, field in fields.items())
    for field, annotation in before.get("__annotations__", {}).items():
        known[("annotation", field)] = annotation
    for name, value in before.items():
        if name in slots:  # a `Field`'s slots that `dataclasses` left as they were: read at any time
            for slot, held in zip(_slots(type(value)), slots[name], strict=True):
                if getattr(value, slot, None) is held:
                    known[("held", name, slot)] = held
        known[("held", name)] = value
    module = sys.modules.get(cls.__module__)
    if module is not None:
        known[("globals",)] = vars(module)
    known[("class",)] = cls
    return known


def _record(cls: type, before: dict, slots: dict[str, list]) -> tuple | None:
    """What `@dataclass` set on `cls` (whose attributes were `before`, and the slots of whose
    `Field`s were `slots`) as a recipe: the code that makes every value and sets it (and deletes
    what it deleted), and the constants that code reads (the methods' code); None when a value
    cannot be spelt."""
    known = {
        id(value): name for name, value in _known(cls, before, slots).items() if type(value) not in _LITERALS
    }
    dataclasses = sys.modules["dataclasses"]
    lines: list[str] = []
    constants: list[object] = []
    made: dict[int, str] = {}  # id of an object made → the variable holding it
    kept: list[object] = []  # what was spelt stays alive while recording: ids are not reused

    def constant(value: object) -> str:
        constants.append(value)
        return f"K[{len(constants) - 1}]"

    def spell(value: object, depth: int = 0) -> str:
        """An expression for `value`; lines before it make what it needs."""
        if depth > 20:
            raise ValueError("too deep")
        kind = type(value)
        if value is None or kind in (bool, int, str) or (kind in (tuple, frozenset) and not value):
            # literals, and the empty tuple and set: one object each, which any name may hold
            return repr(value)
        if kind in (float, bytes):
            return constant(value)
        variable = made.get(id(value))
        if variable is not None:
            return variable
        name = known.get(id(value))
        if name is not None and kind is not dataclasses.Field:
            expression = _named(name)
        elif kind is tuple:
            expression = "(" + "".join(f"{spell(item, depth + 1)}, " for item in value) + ")"
        elif kind is dict:
            items = [f"{spell(key, depth + 1)}: {spell(item, depth + 1)}" for key, item in value.items()]
            expression = "{" + ", ".join(items) + "}"
        elif kind in (set, frozenset):
            items = [f"{spell(item, depth + 1)}, " for item in value]
            expression = f"{kind.__name__}((" + "".join(items) + "))"
        elif kind is CellType:
            expression = f"Cell({spell(value.cell_contents, depth + 1)})"
        elif kind is FunctionType:
            expression = _spell_function(value, spell, constant, depth)
        elif getattr(kind, "__module__", None) == "dataclasses" and not hasattr(value, "__dict__"):
            # a `Field` or the parameters: made (a held `Field` is the class's own), then filled
            made_by = _named(name) if name is not None else f"new({spell(kind, depth + 1)})"
            state = [(slot, spell(getattr(value, slot), depth + 1)) for slot in _slots(kind)]
            variable = f"v{len(made)}"
            lines.append(f"{variable} = {made_by}")
            plain = kind.__setattr__ is object.__setattr__  # then a store each, not a call
            lines.extend(
                f"{variable}.{slot} = {expression}"
                if plain and _plain_name(slot)
                else f"put({variable}, {slot!r}, {expression})"
                for slot, expression in state
            )
            made[id(value)] = variable
            kept.append(value)
            return variable
        else:
            raise ValueError(f"cannot spell {kind}")
        variable = f"v{len(made)}"
        lines.append(f"{variable} = {expression}")
        made[id(value)] = variable
        kept.append(value)
        if kind is FunctionType:
            lines.extend(_function_attributes(value, variable, spell, depth))
        return variable

    try:
        values = [
            (name, spell(value))
            for name, value in cls.__dict__.items()
            if name not in before or before[name] is not value
        ]
    except (ValueError, AttributeError):
        return None
    lines.extend(f"delattr(cls, {name!r})" for name in before if name not in cls.__dict__)
    lines.extend(
        f"cls.{name} = {expression}" if _plain_name(name) else f"setattr(cls, {name!r}, {expression})"
        for name, expression in values
    )
    # a function's body, whose names are its arguments: read without a lookup in a dict
    source = f"def replay({', '.join(_REPLAY_NAMES)}):\n" + "".join(f" {line}\n" for line in lines)
    module = compile(source, f"<dataclass {cls.__qualname__}>", "exec", dont_inherit=True)
    code = next(constant for constant in module.co_consts if type(constant) is CodeType)
    return code, tuple(constants)


def _plain_name(name: str) -> bool:
    """Whether a recipe's code may store attribute `name` as `v.name = …` (ASCII only: the parser
    NFKC-normalises any other identifier, and would store `ﬁeld` as `field`)."""
    import keyword

    return name.isascii() and name.isidentifier() and not keyword.iskeyword(name)


def _spell_function(function: FunctionType, spell: Callable, constant: Callable, depth: int) -> str:
    """An expression making a function with `function`'s code, globals, name, defaults and closure."""
    return (
        f"Function({constant(function.__code__)}, {spell(function.__globals__, depth + 1)}, "
        f"{function.__name__!r}, {spell(function.__defaults__, depth + 1)}, "
        f"{spell(function.__closure__, depth + 1)})"
    )


def _function_attributes(function: FunctionType, variable: str, spell: Callable, depth: int) -> list[str]:
    """The lines giving the function made in `variable` what `function` holds and a function made
    of the same code, globals, name, defaults and closure does not."""
    plain = FunctionType(
        function.__code__,
        function.__globals__,
        function.__name__,
        function.__defaults__,
        function.__closure__,
    )
    lines = []
    for attribute in _FUNCTION_ATTRIBUTES:
        if not hasattr(function, attribute):
            continue
        value, made = getattr(function, attribute), getattr(plain, attribute)
        if value is made or (type(value) in _LITERALS and value == made):
            continue
        if attribute in ("__annotations__", "__type_params__") and not value and not made:
            continue
        lines.append(f"{variable}.{attribute} = {spell(value, depth + 1)}")
    if function.__dict__:
        lines.append(f"{variable}.__dict__.update({spell(dict(function.__dict__), depth + 1)})")
    return lines


#: what a function holds besides its code, globals, name, defaults, closure and `__dict__`
_FUNCTION_ATTRIBUTES = (
    "__qualname__",
    "__kwdefaults__",
    "__doc__",
    "__module__",
    "__annotations__",
    "__type_params__",
)


def _replay(cls: type, recipe: tuple) -> None:
    """Set on `cls` what its recipe says `@dataclass` set: every value is made before any is set
    (the recipe's code makes them all, then sets them)."""
    code, constants = recipe
    module = sys.modules.get(cls.__module__)
    FunctionType(code, _REPLAY_GLOBALS)(
        cls,
        constants,
        cls.__dict__,
        cls.__mro__,
        vars(module) if module is not None else None,
        sys.modules["dataclasses"],
        sys.modules,
        *_REPLAY_TOOLS,
    )


def _named(name: tuple) -> str:
    """The expression a recipe's code reads a named object with (`_known`'s names; `_replay` gives
    the code its variables)."""
    where = name[0]
    if where == "held":
        return f"H[{name[1]!r}]" if len(name) == 2 else f"H[{name[1]!r}].{name[2]}"
    if where == "dataclasses":
        return f"D.{name[1]}"
    if where == "module":
        return f"S[{name[1]!r}].__dict__"
    if where == "builtins":
        return f"B.{name[1]}"
    if where == "class":
        return "cls"
    if where == "globals":
        return "G"
    if where == "annotation":
        return f"H['__annotations__'][{name[1]!r}]"
    if where == "base":
        return f"M[{name[1]}].__dict__['__dataclass_fields__'][{name[2]!r}]"
    raise ValueError(f"no name {name}")


#: what a recipe's code is given, by the names it reads them by: the class, the recipe's constants,
#: the class's attributes, its bases, its module's globals, `dataclasses`, every module, then
#: `_REPLAY_TOOLS`
_REPLAY_NAMES = (
    "cls",
    "K",
    "H",
    "M",
    "G",
    "D",
    "S",
    "B",
    "Function",
    "Cell",
    "new",
    "put",
    "setattr",
    "delattr",
)
_REPLAY_TOOLS = (
    __import__("builtins"),
    FunctionType,
    CellType,
    object.__new__,
    object.__setattr__,
    setattr,
    delattr,
)
#: a recipe's globals: none but the builtins (`set`, `frozenset`)
_REPLAY_GLOBALS: dict[str, object] = {"__builtins__": {"set": set, "frozenset": frozenset}}


#: `re`'s compiler module (`sre_compile` before Python 3.11) and its own `compile`
_COMPILER = getattr(re, "_compiler", None) or sys.modules.get("sre_compile")
_compile_pattern = getattr(_COMPILER, "compile", None)
#: the form of `re`'s programs, which a new one changes: a cache of another form is not read
_FORM = ("sre", getattr(_sre, "MAGIC", None), sys.version_info[:2])
#: the files whose frames are `re`'s own, between a compiling module and `re`'s compiler
_RE_FILES = frozenset(getattr(module, "__file__", None) for module in (re, _COMPILER))


# -- the `__new__` of each named tuple ---------------------------------------------------------------
#
# `collections.namedtuple` writes its `__new__` as the text of a `lambda` over the field names and
# `eval`s it: about 0.2 M instructions of compiling for each named tuple made (the package's `Step`
# and `ShapeLine`, `urllib.parse`'s three). The code compiled from a text is kept, keyed by it.

#: where the code is kept ("1": the form of an entry: the text → its code)
_EVALS_PATH: os.PathLike[str] | str = os.path.join(
    os.path.dirname(__file__), "__pycache__", f"eval-1.{sys.implementation.cache_tag}.marshal"
)
_evals: dict[str, CodeType] = {}
_evals_used: set[str] = set()
_evals_missed = False


def _install_evals() -> None:
    """Read the kept code and make the name `eval` in `collections` (its only use: `namedtuple`'s
    `__new__`) `_eval`."""
    import collections

    _evals.update(
        (source, code) for source, code in _read(_EVALS_PATH, _CODE_FORM).items() if type(code) is CodeType
    )
    collections.eval = _eval  # type: ignore[attr-defined]


def _eval(source: object, globals: dict | None = None, locals: dict | None = None) -> object:
    """`eval(source, globals, locals)` with the code compiled from the text `source` once: what
    `eval` compiles of a text (`"<string>"`, the caller's future features: `collections` has none),
    but for one starting with blanks, which `eval` strips first."""
    global _evals_missed
    if type(source) is not str or source[:1] in (" ", "\t"):
        return eval(source, globals, locals)  # type: ignore[arg-type]
    code = _evals.get(source)
    if code is None:
        code = _evals[source] = compile(source, "<string>", "eval", dont_inherit=True)
        _evals_missed = True
    _evals_used.add(source)
    return eval(code, globals, locals)


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
        _write(_PATTERNS_PATH, (_FORM, _bounded(_patterns, _patterns_used)))
    if _classes_missed:
        _write(_CLASSES_PATH, (_CLASS_FORM, _bounded(_classes, _classes_used)))
    if _evals_missed:
        _write(_EVALS_PATH, (_CODE_FORM, _bounded(_evals, _evals_used)))
    if not _missed:
        return
    if not _loaded:  # keep what earlier runs compiled too
        _load_compiled()
    _write(_PATH, _bounded(_compiled, _used))


def _bounded(table: dict, used: set) -> dict:
    """`table` as it is kept: all of it, or past `_MOST` entries only those this run used."""
    return table if len(table) <= _MOST else {key: entry for key, entry in table.items() if key in used}


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
