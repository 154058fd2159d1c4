"""A plain `diff` is read without typer (oasguard.cli._plain_diff): the same options as typer's
declaration, and every command line gives the same stdout, stderr, exit status and files written
whichever way it is read."""

from __future__ import annotations

import inspect
import shutil
import subprocess
from pathlib import Path

import pytest
import typer

from conftest import FIXTURES, run_in_process
from oasguard import cli, commands

PETSTORE = FIXTURES / "petstore"
BASE, REVISION = str(PETSTORE / "base.yaml"), str(PETSTORE / "revision.yaml")
PACTS = str(FIXTURES / "consumers" / "pacts" / "*.json")


def _typer_diff() -> typer.core.TyperCommand:
    return typer.main.get_command(commands.only_named(["diff"])).commands["diff"]


def test_the_fast_options_are_typers():
    """_DIFF_OPTIONS and _DIFF_DEFAULTS are what typer makes of oasguard.commands.diff."""
    options: dict[str, tuple[str, str]] = {}
    defaults: dict[str, object] = {}
    arguments = []
    for param in _typer_diff().params:
        if param.name == "help":
            continue
        defaults[param.name] = param.default
        if param.param_type_name == "argument":
            arguments.append((param.name, param.nargs))
        elif param.is_flag:
            options.update({opt: (param.name, "on") for opt in param.opts})
            options.update({opt: (param.name, "off") for opt in param.secondary_opts})
        else:
            assert not param.secondary_opts and param.nargs == 1 and not param.envvar and not param.callback
            kind = param.type.name + ("..." if param.multiple else "")
            options.update({opt: (param.name, kind) for opt in param.opts})
    assert arguments == [("specs", -1)]
    assert options == cli._DIFF_OPTIONS
    assert defaults == cli._DIFF_DEFAULTS
    assert list(inspect.signature(cli.run_diff).parameters) == list(defaults)
    assert list(inspect.signature(commands.diff).parameters) == list(defaults)


@pytest.fixture(scope="module")
def repository(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git repository whose api.yaml is the petstore's base at HEAD and its revision in the
    working tree, with a configuration file beside it."""
    top = tmp_path_factory.mktemp("repo")
    shutil.copy(BASE, top / "api.yaml")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", "init", "-q", str(top)], check=True)
    subprocess.run([*git, "-C", str(top), "add", "api.yaml"], check=True)
    subprocess.run([*git, "-C", str(top), "commit", "-qm", "base"], check=True)
    shutil.copy(REVISION, top / "api.yaml")
    (top / "strict.yaml").write_text("fail-on: warning\n")
    return top


#: (id, arguments): every option of diff at least once, read without typer and by typer alike
PLAIN = [
    ("json", ("diff", BASE, REVISION, "--format", "json")),
    ("short-format-and-equals", ("diff", "-f", "sarif", "--fail-on=warning", BASE, REVISION)),
    (
        "options-between-documents",
        ("diff", BASE, "--format=markdown", REVISION, "--link", "https://x/blob/1"),
    ),
    ("double-dash", ("diff", "--format", "github", "--", BASE, REVISION)),
    ("base-ref", ("diff", "--base", "HEAD", "api.yaml", "--format", "json")),
    ("base-ref-alone", ("diff", "--base", "HEAD")),
    ("root-and-dangling", ("diff", BASE, REVISION, "--root", str(FIXTURES), "--dangling-refs", "empty")),
    ("validate-debug", ("diff", BASE, REVISION, "--validate", "--debug", "-f", "junit")),
    ("outputs", ("diff", BASE, REVISION, "-o", "json=out.json", "--output", "markdown=out.md")),
    ("approved-versioning", ("diff", BASE, REVISION, "--approved-by", "label", "--versioning", "judge")),
    ("config", ("diff", BASE, REVISION, "--config", "strict.yaml")),
    ("consumers", ("diff", BASE, REVISION, "--consumers", PACTS, "--fail-on-consumers", "--verify")),
    (
        "annotations",
        ("diff", BASE, REVISION, "-f", "github", "--annotations-limit", "2", "--annotations-safe"),
    ),
    ("shapes", ("diff", BASE, REVISION, "--shapes", "--fail-on", "none")),
    ("broker-without-provider", ("diff", BASE, REVISION, "--pact-broker", "http://127.0.0.1:9")),
    ("provider-without-broker", ("diff", BASE, REVISION, "--provider", "p", "--pact-broker-tag", "t")),
    ("broker-branch", ("diff", BASE, REVISION, "--pact-broker-branch", "b")),
    (
        "generate",
        (
            "diff",
            "--base",
            "HEAD",
            "--generate",
            "cat api.yaml > gen.yaml",
            "--generated-file",
            "gen.yaml",
            "--generate-timeout",
            "30",
            "--no-generate-cache",
            "-f",
            "json",
        ),
    ),
    ("generate-cache", ("diff", "--base", "HEAD", "--generate", "cat api.yaml", "--generate-cache")),
    ("fastapi", ("diff", BASE, REVISION, "--fastapi-app", "nowhere:app", "--fastapi-python", "python3")),
    # usage errors the command itself finds, after typer has read the options
    ("nothing", ("diff",)),
    ("one-document", ("diff", BASE)),
    ("unknown-format", ("diff", BASE, REVISION, "--format", "yaml")),
    ("unknown-level", ("diff", BASE, REVISION, "--fail-on", "all")),
    ("no-limit", ("diff", BASE, REVISION, "--annotations-limit", "0")),
    ("missing-document", ("diff", BASE, "nowhere.yaml")),
    ("empty-format", ("diff", BASE, REVISION, "--format=")),
    ("repeated-option-last-wins", ("diff", BASE, REVISION, "-f", "yaml", "-f", "json")),
]

#: (id, arguments) that the fast reading hands to typer: help, typer's own usage errors, forms it
#: does not read itself
TO_TYPER = [
    ("help", ("diff", "--help")),
    ("help-among-options", ("diff", BASE, REVISION, "--help")),
    ("unknown-option", ("diff", BASE, REVISION, "--formt", "json")),
    ("unknown-short-option", ("diff", BASE, REVISION, "-x")),
    ("value-missing", ("diff", BASE, REVISION, "--format")),
    ("value-missing-short", ("diff", BASE, REVISION, "-o")),
    ("value-like-an-option", ("diff", BASE, REVISION, "--link", "--shapes")),
    ("flag-with-a-value", ("diff", BASE, REVISION, "--shapes=yes")),
    ("attached-short-value", ("diff", BASE, REVISION, "-fjson")),
    ("short-with-equals", ("diff", BASE, REVISION, "-f=json")),
    ("not-an-integer", ("diff", BASE, REVISION, "--annotations-limit", "some")),
    ("not-a-number", ("diff", BASE, REVISION, "--generate-timeout", "soon")),
    ("dash-alone", ("diff", "-", REVISION)),
    ("prefix-of-an-option", ("diff", BASE, REVISION, "--form", "json")),
]


def _both(args: tuple[str, ...], cwd: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run `args` read without typer, then by typer; assert the same outputs and files."""
    runs = []
    for fast in (True, False):
        for written in cwd.glob("out.*"):
            written.unlink()
        with monkeypatch.context() as patched:
            if not fast:
                patched.setattr(cli, "_plain_diff", lambda _args: None)
            done = run_in_process(*args, cwd=cwd, env={"XDG_CACHE_HOME": str(cwd / "cache")})
        files = {path.name: path.read_bytes() for path in sorted(cwd.glob("out.*"))}
        runs.append((done.returncode, done.stdout, done.stderr, files))
    assert runs[0] == runs[1]
    assert runs[0][1] or runs[0][2]  # each says something


@pytest.mark.parametrize("args", [pytest.param(args, id=name) for name, args in PLAIN])
def test_a_plain_diff_reads_as_typer_reads_it(args, repository: Path, monkeypatch: pytest.MonkeyPatch):
    assert cli._plain_diff(list(args)) is not None  # read without typer
    _both(args, repository, monkeypatch)


@pytest.mark.parametrize("args", [pytest.param(args, id=name) for name, args in TO_TYPER])
def test_what_the_fast_reading_does_not_understand_goes_to_typer(
    args, repository: Path, monkeypatch: pytest.MonkeyPatch
):
    assert cli._plain_diff(list(args)) is None
    _both(args, repository, monkeypatch)


def test_the_fast_reading_gives_typers_values():
    given = cli._plain_diff(
        ["diff", "a", "-o", "json=x", "--annotations-limit", "07", "b", "--root", "", "--output=sarif=y"]
    )
    assert given is not None
    assert given["specs"] == ["a", "b"]
    assert given["output"] == ["json=x", "sarif=y"]
    assert given["annotations_limit"] == 7
    assert given["root"] == Path("")
    assert (given["format"], given["consumers"], given["generate_cache"]) == ("text", None, True)
    assert cli._plain_diff(["diff", "--no-generate-cache"])["generate_cache"] is False  # type: ignore[index]
    for other in (["changelog", "a", "b"], ["--debug", "diff", "a", "b"], []):
        assert cli._plain_diff(other) is None


def test_an_unreadable_path_goes_to_typer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(cli.os, "access", lambda _path, _mode: False)
    (tmp_path / "c.yaml").write_text("")
    assert cli._plain_diff(["diff", "a", "b", "--config", str(tmp_path / "c.yaml")]) is None
    assert cli._plain_diff(["diff", "a", "b", "--config", str(tmp_path / "none.yaml")]) is not None


def test_shell_completion_goes_to_typer(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("_OASGUARD_COMPLETE", "bash_complete")
    assert cli._plain_diff(["diff", "a", "b"]) is None
