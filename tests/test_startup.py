"""Start-up imports only what the command needs (issue 24), and the fast JSON read (orjson) reads
exactly what the standard parser reads and refuses the same documents, here in the indented form
most published documents take (tests/test_json_read.py: in every form)."""

from __future__ import annotations

import hashlib
import json
import pickle
import subprocess
import sys
import typing
from pathlib import Path

import pytest
import yaml

from conftest import run_in_process
from oasguard import __version__, changes, cli, commands, digest, static
from oasguard.errors import LoadError
from oasguard.load.parse import parse

ROOT = Path(__file__).resolve().parents[1]
PETSTORE = ROOT / "fixtures" / "petstore"

#: Modules a `diff --format json` of two JSON documents, without a configuration file, never needs.
NOT_FOR_A_JSON_DIFF = (
    "typer",  # a plain diff is read without it (oasguard.cli._plain_diff)
    "click",
    "oasguard.commands",
    "subprocess",  # git runs only for GITREF:PATH and --base
    "shutil",
    "traceback",  # only with --debug
    "difflib",  # suggestions for a misspelt key or option
    "base64",
    "rich",
    "yaml",
    "tomllib",
    "tomli",
    *(("glob",) if sys.version_info < (3, 13) else ()),  # 3.13's `pathlib` imports it
    "oasguard.report.text",
    "oasguard.report.markdown",
    "oasguard.report.github",
    "oasguard.report.sarif",
    "oasguard.report.junit",
    "oasguard.report.gitlab",
    "oasguard.report.changelog",
    "oasguard.consumers",
    "oasguard.verify",
    "oasguard.generate",
    "oasguard.gitlab_mr",
    "oasguard.hook",
    # imported at the top of a module the diff needs, used only for what a diff never does
    # (oasguard.codecache.without): dataclasses' `inspect` (a class without a docstring; from
    # Python 3.12 every class) and urllib.parse's `ipaddress` (a URL's bracketed host)
    *(("inspect", "ast", "dis", "tokenize") if sys.version_info < (3, 12) else ()),
    "ipaddress",
    *(("platform",) if sys.platform == "linux" else ()),  # uuid's (codecache.uuid_without_platform)
    "copy",  # dataclasses' (oasguard.codecache.without): only asdict and astuple use it
    # (3.13's `inspect` imports it: what `dataclasses` imports on a first run, caches cold)
    *(("weakref",) if sys.version_info < (3, 13) else ()),
    "pickle",  # model.nodes.same_value: only for what orjson cannot write
    "hashlib",  # fingerprints are digested by CPython's own SHA-256 (oasguard.digest), not OpenSSL's
    "_hashlib",
    "typing",  # only the type checker reads it (oasguard.static)
    # pathlib's (oasguard.codecache.without): Windows paths, `glob`, what is deprecated
    # (before Python 3.12: oasguard.__main__), and a configuration's ignore entries' `fnmatch`
    # (oasguard.policy); not `warnings`: `-m` imports it
    *(("ntpath", "nt", "_winapi") if sys.platform != "win32" and sys.version_info < (3, 12) else ()),
    *(("fnmatch",) if sys.version_info < (3, 12) else ()),
    "_sha2" if sys.version_info < (3, 12) else "_sha256",  # only the name of its version is tried
    "oasguard.rules.checkers",  # only `explain` and docs/rules.md name the checkers
)


def _imported(cwd: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """Run `python -X importtime -m oasguard ARGS` in `cwd`; the run and every module it imported."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "oasguard", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )
    modules = {
        line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")
    }
    return done, modules


def _json_pair(tmp_path: Path) -> tuple[Path, Path]:
    """The petstore pair (a breaking change among others) written as JSON."""
    paths = []
    for name in ("base", "revision"):
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(yaml.safe_load((PETSTORE / f"{name}.yaml").read_text()), indent=2))
        paths.append(path)
    return paths[0], paths[1]


def test_version_is_printed_without_building_the_command_line(tmp_path: Path):
    done, modules = _imported(tmp_path, "--version")
    assert (done.returncode, done.stdout) == (0, f"oasguard {__version__}\n")
    assert not {"typer", "oasguard.cli", "oasguard.engine"} & modules


def test_version_among_other_arguments_still_goes_through_the_command_line(tmp_path: Path):
    done, modules = _imported(tmp_path, "--version", "diff")
    assert (done.returncode, done.stdout) == (0, f"oasguard {__version__}\n")
    assert "typer" in modules


def test_a_json_diff_imports_no_other_format_nor_command(tmp_path: Path):
    base, revision = _json_pair(tmp_path)
    done, modules = _imported(tmp_path, "diff", str(base), str(revision), "--format", "json")
    assert done.returncode == 1, done.stderr  # petstore's revision breaks its clients
    report = json.loads(done.stdout)
    assert any(change["level"] == "breaking" for change in report["changes"])
    assert "oasguard.report.json" in modules  # the check sees the imports of a real run
    unneeded = {
        name for name in modules for unwanted in NOT_FOR_A_JSON_DIFF if f"{name}.".startswith(f"{unwanted}.")
    }
    assert not unneeded


def test_a_yaml_diff_imports_yaml_and_the_text_report_only_when_asked(tmp_path: Path):
    done, modules = _imported(tmp_path, "diff", str(PETSTORE / "base.yaml"), str(PETSTORE / "revision.yaml"))
    assert done.returncode == 1, done.stderr
    assert {"yaml", "oasguard.report.text"} <= modules
    assert not {"oasguard.report.sarif", "oasguard.verify", "oasguard.consumers"} & modules


@pytest.mark.parametrize(
    "data",
    [b"", b"abc", "GET /pets › 200 › body \u2028 ☃".encode(), bytes(range(256)) * 40],
    ids=["empty", "ascii", "unicode", "long"],
)
def test_the_fingerprints_digest_is_hashlibs(data: bytes):
    assert digest.sha256(data).hexdigest() == hashlib.sha256(data).hexdigest()
    assert digest.sha256 is not hashlib.sha256  # CPython's own, not OpenSSL's


# -- the command line built for the command named --------------------------------------------------

BASE, REVISION = str(PETSTORE / "base.yaml"), str(PETSTORE / "revision.yaml")
COMMANDS = ("diff", "changelog", "verify", "rules", "explain", "hook")


@pytest.mark.parametrize(
    "args",
    [
        pytest.param((), id="nothing"),
        pytest.param(("--help",), id="help"),
        pytest.param(("--help", "diff"), id="help-before-a-command"),
        pytest.param(("--version", "diff"), id="version-before-a-command"),
        pytest.param(("dif", BASE, REVISION), id="a-misspelt-command"),
        pytest.param(("--debug", "diff", BASE, REVISION), id="a-diff-option-before-diff"),
        *(pytest.param((name, "--help"), id=f"{name}-help") for name in COMMANDS),
        *(pytest.param((name, "--no-such-option"), id=f"{name}-unknown-option") for name in COMMANDS),
        pytest.param(("diff", BASE), id="diff-one-document"),
        pytest.param(("diff", BASE, REVISION, "--annotations-limit", "some"), id="diff-a-bad-number"),
        pytest.param(("diff", BASE, REVISION, "--format"), id="diff-an-option-without-its-value"),
        pytest.param(
            ("diff", BASE, REVISION, "--format", "json", "-o"), id="diff-a-short-option-without-its-value"
        ),
        pytest.param(("diff", BASE, REVISION, "-f", "json", "--fail-on", "warning"), id="diff-json"),
        pytest.param(
            ("diff", "--format=markdown", "--", BASE, REVISION), id="diff-markdown-after-a-double-dash"
        ),
        pytest.param(("changelog", BASE, REVISION), id="changelog"),
        pytest.param(("rules", "--format", "json"), id="rules"),
        pytest.param(("explain", "no-such-rule"), id="explain-an-unknown-rule"),
    ],
)
def test_the_command_named_reads_its_arguments_as_the_whole_command_line_does(args, monkeypatch):
    """Only the command named first is built (typer builds every command's options on every run):
    output, errors and exit status are those of the command line holding all of them."""
    alone = run_in_process(*args)
    monkeypatch.setattr(commands, "only_named", lambda _args: commands.app)
    monkeypatch.setattr(cli, "_plain_diff", lambda _args: None)
    whole = run_in_process(*args)
    assert (alone.returncode, alone.stdout, alone.stderr) == (whole.returncode, whole.stdout, whole.stderr)
    assert alone.stdout or alone.stderr  # each of them says something


def test_only_the_command_named_first_is_built():
    assert [
        info.callback.__name__ for info in commands.only_named(["diff", "a", "b"]).registered_commands
    ] == ["diff"]
    assert commands.only_named(["explain", "x"]).registered_commands[0].callback is commands.explain
    for args in ([], ["--help", "diff"], ["dif"], ["--version"]):
        assert commands.only_named(args) is commands.app
    assert len(commands.app.registered_commands) == 6  # the app itself is left whole


def test_the_commands_options_are_read_from_annotations_already_evaluated():
    """As strings (`from __future__ import annotations` in cli.py), typer would evaluate every
    command's annotations twice on every run: about 40 M instructions of a diff's start-up."""
    for info in commands.app.registered_commands:
        annotations = info.callback.__annotations__
        assert annotations and not any(isinstance(value, str) for value in annotations.values()), info


# -- the fast JSON read ----------------------------------------------------------------------------


def _indented(document: object) -> bytes:
    """`document` in the form orjson itself writes (two spaces, `": "`), as GitHub's is."""
    return json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8")


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(2**70, id="integer-beyond-64-bits"),
        pytest.param(0.1 + 0.2, id="float"),
        pytest.param(1e300, id="large-float"),
        pytest.param(-0.0, id="negative-zero"),
        pytest.param("snowman ☃ and \u2028", id="unicode"),
        pytest.param([True, 1, 1.0, None, "", {}], id="mixed"),
    ],
)
def test_the_fast_read_gives_what_the_standard_parser_gives(value: object):
    data = _indented({"openapi": "3.0.3", "x-value": value, "paths": {}})
    document = parse(data, "doc.json")
    assert document == json.loads(data)
    assert json.dumps(document) == json.dumps(json.loads(data))  # types too (True is not 1)


def test_the_petstore_reads_the_same_by_either_parser():
    document = yaml.safe_load((PETSTORE / "revision.yaml").read_text())
    data = _indented(document)
    assert parse(data, "doc.json") == document


def test_a_duplicate_key_in_the_fast_form_is_still_refused_at_its_line():
    data = b'{\n  "openapi": "3.0.3",\n  "paths": {},\n  "paths": {\n    "/a": {}\n  }\n}'
    with pytest.raises(LoadError, match=r"doc\.json:4: invalid JSON \(duplicate key 'paths'\)"):
        parse(data, "doc.json")


def test_nan_in_the_fast_form_is_still_refused():
    data = b'{\n  "openapi": "3.0.3",\n  "x-n": NaN\n}'
    with pytest.raises(LoadError, match=r"doc\.json:3: invalid JSON \(NaN is not a JSON number\)"):
        parse(data, "doc.json")


def test_a_document_nested_deeper_than_orjson_writes_is_read_by_the_standard_parser():
    nested: object = "leaf"
    for _ in range(400):
        nested = {"a": nested}
    data = _indented({"openapi": "3.0.3", "x-deep": nested})
    assert parse(data, "doc.json") == json.loads(data)


# -- typing's bases without typing (oasguard.static) -----------------------------------------------


def _line_class(base: type) -> type:
    """`changes.ShapeLine`'s statement (fields, defaults, a docstring, a method) on `base`."""

    class Line(base):  # type: ignore[misc, valid-type]
        """One line of a shape diff."""

        mark: str
        depth: int
        text: str
        note: str = ""

        def __str__(self) -> str:
            return f"{self.mark}{' ' * self.depth}{self.text}"

    return Line


def test_a_named_tuple_is_made_as_typings():
    ours, typings = _line_class(static.NamedTuple), _line_class(typing.NamedTuple)
    assert ours is not typings and ours.__bases__ == typings.__bases__ == (tuple,)
    names = ("__name__", "__qualname__", "__module__", "__doc__", "_fields", "_field_defaults", "__slots__")
    for name in names:
        assert getattr(ours, name) == getattr(typings, name), name
    # but typing's record of the statement's `NamedTuple` base, read only by its own introspection
    assert set(vars(ours)) == set(vars(typings)) - {"__orig_bases__"}
    assert list(ours.__annotations__) == list(typings.__annotations__) == ["mark", "depth", "text", "note"]
    line, twin = ours("+", 1, "x"), typings("+", 1, "x")
    assert (repr(line), str(line), line, hash(line)) == (repr(twin), str(twin), twin, hash(twin))
    assert line._replace(note="n") == ("+", 1, "x", "n") and line._asdict() == twin._asdict()
    assert pickle.loads(pickle.dumps(changes.ShapeLine("-", 0, "a"))) == changes.ShapeLine("-", 0, "a")
    assert changes.Step._fields == ("kind", "label", "at") and str(changes.Step("items")) == "[]"


def test_a_named_tuple_field_without_a_default_after_one_with_is_refused_as_by_typing():
    for base in (static.NamedTuple, typing.NamedTuple):
        with pytest.raises(TypeError):

            class Bad(base):  # type: ignore[misc, valid-type]
                a: int = 0
                b: int


def test_assert_never_raises_as_typings():
    if sys.version_info >= (3, 11):
        theirs = typing.assert_never
    else:  # typing has it from 3.11; typing_extensions is what a 3.10 type checker reads
        theirs = pytest.importorskip("typing_extensions").assert_never
    for assert_never in (static.assert_never, theirs):
        with pytest.raises(AssertionError, match=r"^Expected code to be unreachable, but got: 'x'$"):
            assert_never("x")  # type: ignore[arg-type]
