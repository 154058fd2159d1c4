"""The methods `@dataclass` compiles, and the patterns modules compile at their top, are kept between
runs of the command line (oasguard.codecache): classes built from the cache behave as compiled
ones, patterns from it are the ones `re` compiles, a bad cache is a miss, and nothing is written
where bytecode may not be."""

from __future__ import annotations

import json
import marshal
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES
from oasguard import codecache

#: builds dataclasses with every generated method, prints what they do and what came from the cache
SCRIPT = """
import dataclasses, json, sys
from oasguard import codecache
codecache.install(__import__("pathlib").Path(sys.argv[1]), sys.argv[1] + ".re", sys.argv[1] + ".py")

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
        "codecache._PATH = pathlib.Path(sys.argv.pop(1)); "
        "codecache._PATTERNS_PATH = f'{codecache._PATH}.re'; "
        "codecache._MODULES_PATH = f'{codecache._PATH}.py'; "
        "codecache._CLASSES_PATH = f'{codecache._PATH}.classes'; __main__.main()"
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
    # every dataclass's methods of a diff: one entry a method, from Python 3.13 one a class
    assert len(marshal.loads(cache.read_bytes())) > (100 if sys.version_info < (3, 13) else 40)
    form, classes = marshal.loads(Path(f"{cache}.classes").read_bytes())
    assert form == codecache._CLASS_FORM and len(classes) > 40  # and what @dataclass set on each
    assert {key[:2] for key in classes} >= {
        ("oasguard.changes", "Change"),
        ("oasguard.model.nodes", "Schema"),
    }
    form, patterns = marshal.loads(Path(f"{cache}.re").read_bytes())
    assert form == codecache._FORM and len(patterns) > 20  # json's, dataclasses', oasguard's own …
    form, modules = marshal.loads(Path(f"{cache}.py").read_bytes())
    assert form == codecache._CODE_FORM and {"oasguard.engine", "oasguard.report.json"} <= modules.keys()
    assert "oasguard.report.text" not in modules  # only what the run imported
    # a run read by typer (help, `rules`, `explain`) reads the modules kept but keeps none of its own
    Path(f"{cache}.py").unlink()
    rules = subprocess.run(
        [sys.executable, "-c", run_main, str(cache), "rules"], capture_output=True, env=environment
    )
    assert rules.returncode == 0 and not Path(f"{cache}.py").exists()


#: imports every module of the package, with the cache (argv[1]: its path) or without ("-"), and
#: prints, for every dataclass, what `@dataclass` made of it: its parameters, fields, docstring and
#: the code, defaults and closures of every function, and what an instance built from defaults does
DESCRIBE = r"""
import importlib, json, pkgutil, re, sys, types
if sys.argv[1] != "-":
    from oasguard import codecache
    codecache.install(sys.argv[1], sys.argv[1] + ".re", sys.argv[1] + ".py")
import dataclasses
import oasguard

def text(value):
    return re.sub(r" at 0x[0-9a-f]+", "", repr(value))  # the same object in another process

def code(value):
    if not isinstance(value, types.CodeType):
        return text(value)
    return [
        value.co_name, getattr(value, "co_qualname", None), value.co_filename, value.co_code.hex(),
        value.co_names, value.co_varnames, value.co_freevars, value.co_cellvars, value.co_argcount,
        value.co_kwonlyargcount, value.co_flags,
        # a set's order is its strings' hashes' (another in each process): sorted
        [sorted(map(text, constant)) if isinstance(constant, frozenset) else code(constant)
         for constant in value.co_consts],
    ]

def function(value, wrapped=True):
    if not isinstance(value, types.FunctionType):
        return text(value)
    return {
        "code": code(value.__code__), "defaults": text(value.__defaults__),
        "kwdefaults": text(value.__kwdefaults__), "qualname": value.__qualname__,
        "closure": [text(cell.cell_contents) for cell in value.__closure__ or ()],
        "module": value.__module__, "doc": value.__doc__, "annotations": text(value.__annotations__),
        "globals": value.__globals__.get("__name__"), "dict": sorted(vars(value)),
        # __repr__ inside dataclasses' recursion guard
        "wrapped": function(value.__wrapped__, False) if wrapped and hasattr(value, "__wrapped__") else None,
    }

def behaviour(cls):
    try:
        one, other = cls(), cls()
    except Exception as error:  # fields without defaults, or a __post_init__ that needs them
        return type(error).__name__
    done = {"repr": text(one), "eq": one == other, "replaced": dataclasses.replace(one) == one}
    try:
        done["hash"] = hash(one) == hash(other)
    except TypeError as error:
        done["hash"] = str(error)
    try:
        setattr(one, dataclasses.fields(cls)[0].name, None) if dataclasses.fields(cls) else None
        done["frozen"] = False
    except dataclasses.FrozenInstanceError as error:
        done["frozen"] = str(error)
    return done

described = {}
names = sys.argv[2:] or [info.name for info in pkgutil.walk_packages(oasguard.__path__, "oasguard.")]
for name in names:
    module = importlib.import_module(name)
    for cls in vars(module).values():
        if not (isinstance(cls, type) and dataclasses.is_dataclass(cls) and cls.__module__ == name):
            continue
        described[f"{cls.__module__}.{cls.__qualname__}"] = {
            "params": text(cls.__dataclass_params__),
            "fields": [
                [f.name, text(f.type), text(f.default), text(f.default_factory), f.init, f.repr, f.hash,
                 f.compare, text(f.metadata), text(f.kw_only), text(f._field_type)]
                for f in cls.__dataclass_fields__.values()
            ],
            "names": [f.name for f in dataclasses.fields(cls)],
            "doc": cls.__doc__,
            "attributes": {
                name: function(value) for name, value in vars(cls).items()
                if name not in ("__dict__", "__weakref__")
            },
            "behaviour": behaviour(cls),
        }
missed = codecache._missed if sys.argv[1] != "-" else None
replayed = classes_missed = None
if sys.argv[1] != "-":
    replayed = sorted(f"{key[0]}.{key[1]}" for key in codecache._classes_used)
    classes_missed = codecache._classes_missed
print(json.dumps(
    {"classes": described, "missed": missed, "replayed": replayed, "classes-missed": classes_missed}
))
"""


def _describe(cache: str, *modules: str, where: Path | None = None) -> dict:
    """DESCRIBE's answer for the package's modules (or `modules`, imported from `where`) with the
    caches at `cache` (or without: "-"), after which the caches are saved as a run would."""
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    if where is not None:
        environment["PYTHONPATH"] = os.pathsep.join([str(where), *sys.path])
    saving = f"{DESCRIBE}\ncodecache.save()" if cache != "-" else DESCRIBE
    done = subprocess.run(
        [sys.executable, "-c", saving, cache, *modules],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_every_dataclass_of_the_package_is_what_plain_dataclasses_make_of_it(tmp_path: Path):
    """With the cache (on the run that fills it and on one that reads it) and `inspect` imported
    late, each of the package's dataclasses has the same fields, parameters, docstring, methods
    (their code, defaults and closures) and the same behaviour as without the cache."""
    cache = str(tmp_path / "cache.marshal")
    plain = _describe("-")
    filling = _describe(cache)
    reading = _describe(cache)
    assert filling["missed"] and not reading["missed"]  # the second run built every class from the cache
    assert filling["classes-missed"] and not reading["classes-missed"]  # … replaying what was recorded
    assert len(reading["replayed"]) > 60 and reading["replayed"] == filling["replayed"]
    assert len(plain["classes"]) > 60  # every module's, not only a diff's
    assert plain["classes"] == filling["classes"] == reading["classes"]
    # the check sees what it compares: generated methods, a docstring written by dataclasses, behaviour
    change = plain["classes"]["oasguard.changes.Change"]
    assert {"__init__", "__eq__", "__hash__", "__repr__", "__setattr__"} <= change["attributes"].keys()
    written = [
        name
        for name, described in plain["classes"].items()
        if described["doc"].startswith(name.rsplit(".", 1)[1] + "(")
    ]
    assert written  # classes without a docstring: `inspect` (imported late) wrote theirs
    assert any(isinstance(described["behaviour"], dict) for described in plain["classes"].values())


#: dataclasses of every shape `@dataclass` treats apart, in a module of their own (`{}`: a default
#: the second version changes)
SHAPES = """
from __future__ import annotations
import dataclasses, typing
from dataclasses import InitVar, field
from typing import ClassVar


@dataclasses.dataclass(order=True, unsafe_hash=True)
class Ordered:
    \"""Ordered, hashed although mutable.\"""
    a: int = {}
    b: tuple = ()
    tags: list = field(default_factory=list, compare=False, metadata={{"why": "test"}})
    counted: ClassVar[int] = 0
    seen: typing.ClassVar[int] = 0
    extra: InitVar[int] = 0

    def __post_init__(self, extra):
        self.tags.append(extra)


@dataclasses.dataclass(frozen=True)
class Base:
    \"""A frozen base.\"""
    x: int = 1
    y: object = field(default=None, repr=False)


@dataclasses.dataclass(frozen=True, kw_only=True)
class Derived(Base):
    \"""Inherits two fields, adds keyword-only ones.\"""
    z: str = "z"
    _: dataclasses.KW_ONLY
    w: int = 0

    def __eq__(self, other):  # its own: not replaced
        return self is other


@dataclasses.dataclass(slots=True)
class Slotted:
    \"""A new class is made: decorated on every run.\"""
    a: int = 0


@dataclasses.dataclass(eq=False, repr=False, init=False, match_args=False)
class Bare:
    \"""Next to nothing generated: its own `__init__`.\"""
    a: int = 0

    def __init__(self, a=0):
        self.a = a


@dataclasses.dataclass
class Undocumented:
    a: int = 0
"""


def test_classes_of_every_shape_are_replayed_as_dataclasses_makes_them(tmp_path: Path):
    """Ordering, unsafe hashing, factories, metadata, ClassVar and InitVar (written in both ways),
    inheritance, keyword-only fields and a method of the class's own are replayed as `@dataclass`
    makes them; a class `dataclasses` replaces (`slots=True`) or describes (no docstring) is
    decorated on every run; and a class whose default changed is decorated anew, not replayed."""
    (tmp_path / "shapes.py").write_text(SHAPES.format(2))
    cache = str(tmp_path / "cache.marshal")
    plain = _describe("-", "shapes", where=tmp_path)
    filling = _describe(cache, "shapes", where=tmp_path)
    reading = _describe(cache, "shapes", where=tmp_path)
    assert plain["classes"] == filling["classes"] == reading["classes"]
    shapes = ["shapes.Bare", "shapes.Base", "shapes.Derived", "shapes.Ordered"]
    assert filling["classes-missed"] and not reading["classes-missed"]
    assert reading["replayed"] == filling["replayed"] == shapes
    ordered = plain["classes"]["shapes.Ordered"]
    assert ordered["behaviour"]["repr"] == "Ordered(a=2, b=(), tags=[0])"  # __post_init__ ran
    assert [name for name, *_ in ordered["fields"]] == ["a", "b", "tags", "counted", "seen", "extra"]

    (tmp_path / "shapes.py").write_text(SHAPES.format(30))  # the default of Ordered.a
    shutil.rmtree(tmp_path / "__pycache__", ignore_errors=True)  # its .pyc may look as recent
    changed = _describe(cache, "shapes", where=tmp_path)
    assert changed["classes-missed"] and changed["replayed"] == shapes
    assert changed["classes"]["shapes.Ordered"]["behaviour"]["repr"] == "Ordered(a=30, b=(), tags=[0])"
    assert changed["classes"] == _describe("-", "shapes", where=tmp_path)["classes"]


#: a module imported without a dependency it seldom uses, then made to use it
WITHOUT = """
import sys
already = set(sys.modules)  # by the interpreter's start (site-packages' .pth files), not by us
from oasguard import codecache
codecache.install(sys.argv[1], sys.argv[1] + ".re", sys.argv[1] + ".py")
parse = codecache.without("urllib.parse", "ipaddress")
import dataclasses
new = sys.modules.keys() - already
deferred = [name for name in ("inspect", "ast", "tokenize", "ipaddress", "copy", "weakref") if name in new]

@dataclasses.dataclass(frozen=True)
class Undocumented:
    x: int
    y: object = "y"

split = parse.urlsplit("http://[::1]:8080/x")
try:
    parse.urlsplit("http://[not-an-address]/")
    refused = False
except ValueError:
    refused = True
left = [name for name, module in vars(parse).items() if type(module).__name__ == "_Later"]
real = dataclasses.inspect is sys.modules["inspect"]
nested = {"tags": {"a"}}  # a set: what `asdict` copies with `copy.deepcopy` (3.12 copies lists itself)
copied = dataclasses.asdict(Undocumented(1, nested))
real = real and dataclasses.copy is sys.modules["copy"]
real = real and copied["y"] == nested and copied["y"] is not nested
print(deferred, Undocumented.__doc__, split.port, refused, left, real)
"""


def test_what_start_up_leaves_out_is_imported_when_first_used(tmp_path: Path):
    """`dataclasses` is imported without `inspect` and `urllib.parse` without `ipaddress`; a class
    without a docstring (which `dataclasses` describes with `inspect`) and a URL with a bracketed
    host (which `urllib.parse` checks with `ipaddress`) import them, with what they always gave."""
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT, str(tmp_path / "cache.marshal")],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    refused = sys.version_info >= (3, 11)  # Python 3.10 neither checks the host nor imports ipaddress
    assert done.stdout == f"[] Undocumented(x: int, y: object = 'y') 8080 {refused} [] True\n"


#: imports every module of the package (and `platform`, which orjson's `uuid` imports) with both
#: caches, compiles a pattern in a function from a document's text, and prints which patterns came
#: from the cache and whether each kept one compiles to what `re` makes of it without the cache
PATTERNS = r"""
import importlib, json, pkgutil, re, sys
import _sre
from oasguard import codecache
codecache.install(sys.argv[1], sys.argv[2], sys.argv[1] + ".py")
import oasguard
for info in pkgutil.walk_packages(oasguard.__path__, "oasguard."):
    importlib.import_module(info.name)
import platform

def from_a_document(text):
    return re.compile(re.escape(text))

name = from_a_document("a name from a document")
plain = {key: codecache._compile_pattern(*key) for key in codecache._patterns}
print(json.dumps({
    "missed": codecache._patterns_missed,
    "kept": sorted(str(key) for key in codecache._patterns),
    "used": sorted(str(key) for key in codecache._patterns_used),
    "differ": [str(key) for key, entry in codecache._patterns.items()
               if not codecache._same(_sre.compile(key[0], *entry), plain[key])],
    "equal": [codecache._same(re.compile(key[0], key[1]), plain[key]) for key in plain].count(True),
    "semver": bool(importlib.import_module("oasguard.rules.versioning")._SEMVER.fullmatch("1.2.3-rc.1+b5")),
    "document": name.pattern in {key[0] for key in codecache._patterns},
}))
codecache.save()
"""


def _patterns(cache: Path, *, written: bool = True) -> dict:
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    done = subprocess.run(
        [sys.executable, "-c", PATTERNS, str(cache.with_suffix(".classes")), str(cache)],
        capture_output=True,
        text=True,
        env=environment if written else {**environment, "PYTHONDONTWRITEBYTECODE": "1"},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_patterns_from_the_cache_are_the_ones_re_compiles(tmp_path: Path):
    """The patterns compiled at the top of the package's modules (and of the standard library's
    they import) are kept on the first run and all taken from the cache on the next, each the same
    program with the same groups as `re` compiles; a pattern a function builds is never kept."""
    cache = tmp_path / "patterns.marshal"
    filling = _patterns(cache)
    assert filling["missed"] and cache.is_file()
    assert len(filling["kept"]) > 40  # oasguard's own, json's, platform's, dataclasses' …
    reading = _patterns(cache)
    assert not reading["missed"]
    assert reading["kept"] == reading["used"] == filling["kept"]  # every one came from the cache
    assert reading["differ"] == [] and reading["equal"] == len(reading["kept"])
    assert reading["semver"] and not reading["document"] and not filling["document"]


def test_a_patterns_cache_of_another_form_or_corrupt_is_not_read(tmp_path: Path):
    """A cache written for another `re` (its programs' form, `_sre.MAGIC`) or not readable is a
    miss, and is replaced; nothing is written where bytecode may not be."""
    cache = tmp_path / "patterns.marshal"
    assert _patterns(cache, written=False)["missed"] and not cache.exists()
    _patterns(cache)
    form, kept = marshal.loads(cache.read_bytes())
    cache.write_bytes(marshal.dumps((("sre", 0, form[2]), kept)))  # another `re`'s programs
    assert _patterns(cache)["missed"]
    assert marshal.loads(cache.read_bytes())[0] == form
    cache.write_bytes(b"\x00not marshal data")
    assert _patterns(cache)["missed"]
    assert not _patterns(cache)["missed"]


#: imports the modules of a diff with the caches (argv[1]: their path) or without ("-") and prints
#: what the import system made of each: its attributes, its spec, its loader, its source
MODULES = r"""
import json, sys
if sys.argv[1] != "-":
    from oasguard import codecache
    codecache.install(sys.argv[1], sys.argv[1] + ".re", sys.argv[1] + ".py")
import oasguard.cli, oasguard.engine, oasguard.report.json
from importlib.machinery import SourceFileLoader

described = {}
for name, module in sorted(sys.modules.items()):
    if not name.startswith("oasguard.") or name in ("oasguard.codecache", "oasguard.__main__"):
        continue
    spec, loader = module.__spec__, module.__loader__
    described[name] = {
        "attributes": [module.__name__, module.__file__, module.__cached__, module.__package__,
                       getattr(module, "__path__", None), spec.loader is loader],
        "spec": [spec.name, spec.origin, spec.cached, spec.parent, spec.has_location,
                 spec.submodule_search_locations],
        "loader": [isinstance(loader, SourceFileLoader), loader.name, loader.path,
                   loader.is_package(name), loader.get_source(name) == open(module.__file__).read()],
    }
used = sorted(codecache._modules_used) if sys.argv[1] != "-" else None
print(json.dumps({"modules": described, "used": used}))
if sys.argv[1] != "-":
    codecache.save()
"""


def _modules(cache: str) -> dict:
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    done = subprocess.run(
        [sys.executable, "-c", MODULES, cache], capture_output=True, text=True, env=environment, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_modules_from_the_cache_are_what_the_path_finder_imports(tmp_path: Path):
    """The package's modules a run imported are kept; the next run takes every one of them from
    the cache, each with the attributes, spec and loader (a SourceFileLoader that reads the same
    source) that the path finder gives it."""
    cache = str(tmp_path / "cache.marshal")
    plain = _modules("-")
    filling = _modules(cache)
    reading = _modules(cache)
    assert len(plain["modules"]) > 50
    assert filling["used"] == [] and reading["used"] == sorted(plain["modules"])
    assert plain["modules"] == filling["modules"] == reading["modules"]


def test_a_module_changed_since_it_was_kept_is_imported_anew(tmp_path: Path):
    """An entry whose source no longer has the size and time it was kept with is not run: the
    module is imported as before, and the entry is kept anew."""
    cache = tmp_path / "cache.marshal"
    _modules(str(cache))
    modules = Path(f"{cache}.py")
    form, kept = marshal.loads(modules.read_bytes())
    package, origin, modified, size, _, cached = kept["oasguard.report.json"]
    planted = compile("raise SystemExit('planted')", origin, "exec")
    kept["oasguard.report.json"] = (package, origin, modified - 1, size, planted, cached)
    modules.write_bytes(marshal.dumps((form, kept)))
    run = _modules(str(cache))
    assert "oasguard.report.json" in run["modules"] and "oasguard.report.json" not in run["used"]
    kept = marshal.loads(modules.read_bytes())[1]
    assert kept["oasguard.report.json"][2] == os.stat(origin).st_mtime_ns  # kept anew
    assert "oasguard.report.json" in _modules(str(cache))["used"]


#: `uuid` imported without `platform`, then `platform` imported, and what both say
UUID = """
import sys
from oasguard import codecache
codecache.uuid_without_platform()
import uuid
imported = "platform" in sys.modules
import platform
kept = getattr(uuid, "platform", platform)  # (3.13's `uuid` keeps no name for it)
print(imported, uuid._LINUX, uuid._AIX, uuid.uuid4().version, kept.system() == platform.system())
"""


def test_uuid_is_imported_without_platform_and_says_what_it_would(tmp_path: Path):
    """On Linux `uuid` (which orjson imports) is imported without `platform`, and knows it runs on
    Linux as it would with it; `platform` imported after is the real one."""
    done = subprocess.run(
        [sys.executable, "-c", UUID], capture_output=True, text=True, check=True, timeout=60
    )
    linux = sys.platform == "linux"
    assert done.stdout == f"{not linux} {linux} False 4 True\n"


#: `datetime` as the standard library imports it and as `codecache.datetime_from_c` makes it
DATETIME = """
import sys
from oasguard import codecache
real = __import__("datetime")
del sys.modules["datetime"]
ran = []  # whether `datetime.py` runs
sys.addaudithook(lambda event, args: event == "exec" and ran.append(args[0].co_filename == real.__file__))
codecache.datetime_from_c()
made = __import__("datetime")
names = sorted(vars(real)) == sorted(vars(made))
differ = [name for name, value in vars(real).items() if value is not made.__dict__[name] != value]
import orjson
written = orjson.dumps(made.datetime(2026, 12, 7, 22, 30, tzinfo=made.timezone.utc)).decode()
print(any(ran), made is not real, names, differ, made.datetime is real.datetime, written)
"""


def test_datetime_is_the_c_module_with_every_name_the_standard_library_gives(tmp_path: Path):
    """Before Python 3.12, `datetime.py` runs its pure-Python implementation and then replaces every
    class with `_datetime`'s; the command line makes that module without the first part: the same
    names, the same objects, the same spec, and orjson writes its dates."""
    done = subprocess.run(
        [sys.executable, "-c", DATETIME], capture_output=True, text=True, check=True, timeout=60, cwd=tmp_path
    )
    ran = sys.version_info >= (3, 12)  # where `datetime.py` is only `from _datetime import *`
    assert done.stdout == f'{ran} True True [] True "2026-12-07T22:30:00+00:00"\n'
    (tmp_path / "datetime.py").write_text("raise SystemExit('shadowed')\n")  # not the standard library's
    shadowed = subprocess.run(
        [sys.executable, "-c", "from oasguard import codecache; codecache.datetime_from_c()"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), *sys.path])},
    )
    assert (shadowed.returncode, shadowed.stderr) == (0, "")  # not imported by it at all


#: a class whose default, or whose plain base's attribute, is chosen by the environment
CHOSEN = """
import dataclasses, os, sys
from oasguard import codecache
codecache.install(sys.argv[1], sys.argv[1] + ".re", sys.argv[1] + ".py")
DEFAULT = {"int": 0, "bool": False, "float": 0.0, "negative-zero": -0.0, "one": 1, "one-float": 1.0}

class Mixin:
    limit = int(os.environ["LIMIT"])

@dataclasses.dataclass
class Options:
    \"\"\"Options.\"\"\"
    verbose: object = DEFAULT[os.environ["KIND"]]
    level: object = dataclasses.field(default=DEFAULT[os.environ["KIND"]])

@dataclasses.dataclass
class Limited(Mixin):
    \"\"\"A dataclass below a plain class.\"\"\"
    limit: int

print(repr(Options()), repr(Limited()))
codecache.save()
"""


def test_a_replayed_class_keeps_the_type_of_its_defaults_and_its_plain_bases_attributes(tmp_path: Path):
    """Defaults that are equal but not the same (`0`, `False`, `0.0`, `-0.0`; `1`, `1.0`) are not
    one recipe, and a class below a plain class (whose attributes `@dataclass` reads as defaults)
    is decorated on every run: each run prints what plain `dataclasses` makes."""
    cache = str(tmp_path / "cache.marshal")
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}

    def run(kind: str, limit: int) -> str:
        done = subprocess.run(
            [sys.executable, "-c", CHOSEN, cache],
            capture_output=True,
            text=True,
            env={**environment, "KIND": kind, "LIMIT": str(limit)},
            check=True,
            timeout=60,
        )
        return done.stdout

    for kind, shown, limit in (
        ("int", "0", 1),
        ("bool", "False", 2),
        ("float", "0.0", 3),
        ("negative-zero", "-0.0", 4),
        ("int", "0", 5),
        ("one", "1", 6),
        ("one-float", "1.0", 7),
    ):
        assert run(kind, limit) == f"Options(verbose={shown}, level={shown}) Limited(limit={limit})\n"
    assert Path(cache + ".classes").exists()  # recipes were kept, and read by the later runs


#: makes named tuples with the kept `__new__`, and compares each with what `collections` makes
#: without the cache (`eval` of the same text)
NAMED_TUPLES = """
import collections, json, sys
from oasguard import codecache
codecache.install(sys.argv[1], sys.argv[1] + ".re", sys.argv[1] + ".py")
Kept = collections.namedtuple("Kept", "kind label at", defaults=("", ""))
del collections.eval
Plain = collections.namedtuple("Kept", "kind label at", defaults=("", ""))
new, plain = Kept.__new__, Plain.__new__
code = lambda f: (f.__code__.co_code, f.__code__.co_consts, f.__code__.co_varnames, f.__code__.co_filename)
print(json.dumps({
    "missed": codecache._evals_missed,
    "kept": sorted(codecache._evals),
    "same": code(new) == code(plain) and new.__defaults__ == plain.__defaults__,
    "made": [repr(Kept("a")), Kept("a", at="b") == Plain("a", at="b"), new.__name__, new.__qualname__],
}))
codecache.save()
"""


def test_named_tuples_take_their_new_from_the_cache_as_eval_compiles_it(tmp_path: Path):
    """`collections.namedtuple` `eval`s a `lambda` for each named tuple's `__new__`: compiled on the
    first run, read on the next; the function is the one `eval` makes of the same text."""
    cache = tmp_path / "cache.marshal"
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}

    def run() -> dict:
        done = subprocess.run(
            [sys.executable, "-c", NAMED_TUPLES, str(cache)],
            capture_output=True,
            text=True,
            env=environment,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    text = "lambda _cls, kind, label, at: _tuple_new(_cls, (kind, label, at))"
    made = ["Kept(kind='a', label='', at='')", True, "__new__", "Kept.__new__"]
    assert run() == {"missed": True, "kept": [text], "same": True, "made": made}
    assert Path(f"{cache}.eval").exists()
    assert run() == {"missed": False, "kept": [text], "same": True, "made": made}


#: imports `pathlib` as the command line does, then uses what it left out
PATHLIB = """
import sys
already = set(sys.modules)  # by the interpreter's start, not by us
from oasguard import codecache
codecache.without("urllib.parse", "ipaddress", "warnings")
pathlib = codecache.without("pathlib", "ntpath", "fnmatch", "warnings")
new = sys.modules.keys() - already
deferred = [name for name in ("ntpath", "fnmatch", "warnings") if name in new]
windows = pathlib.PureWindowsPath("C:/a/b")
matched = pathlib.PurePath("a/b.py").match("*.py")  # with `fnmatch`
separator = pathlib.ntpath.sep  # pathlib's own Windows paths never ask `ntpath`: asked here
print(deferred, windows.parts, windows.as_posix(), matched, separator,
      pathlib.ntpath is sys.modules["ntpath"], pathlib.fnmatch is sys.modules["fnmatch"])
"""


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="pathlib is imported as it is from 3.12 (__main__)")
def test_pathlib_imports_windows_paths_and_globbing_when_first_used():
    """`pathlib` is imported without `ntpath` (Windows paths) and `fnmatch` (`glob`, `match`):
    using either imports it, with what it always gave."""
    done = subprocess.run(
        [sys.executable, "-c", PATHLIB], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout == "[] ('C:\\\\', 'a', 'b') C:/a/b True \\ True True\n"


def test_a_recipe_stores_by_plain_code_only_names_python_reads_as_written():
    """`v.ﬁeld = 1` stores `field` (identifiers are NFKC-normalised): such a name, built in code
    (`dataclasses.make_dataclass`), is stored with `setattr`, as a keyword is."""
    assert codecache._plain_name("field")
    assert not codecache._plain_name("\ufb01eld") and not codecache._plain_name("class")
