"""The command line: options → engine → reporter → exit status. Nothing else lives here.

A plain `diff` (the command a CI step or a hook runs) is read here without typer; anything else,
help and usage errors included, goes to typer's declaration of every command in
oasguard.commands, which gives the same output (docs/decisions.md "A diff without typer").
"""

from __future__ import annotations

import os
import sys
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from oasguard.changes import Level, Report
from oasguard.errors import OasguardError, UsageError, brief_path
from oasguard.report import Annotations, Format, RenderOptions, render
from oasguard.report.escape import terminal
from oasguard.static import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import TextIO

    from oasguard.config import Settings
    from oasguard.engine import Pair, RunOptions
    from oasguard.generate.plan import Options as GenerateOptions

#: error messages longer than this many characters are cut in the middle
_MAX_MESSAGE = 1000

_FAIL_ON = {"breaking": Level.BREAKING, "warning": Level.WARNING, "none": None}


class Exit(Exception):
    """Leave with this exit status: the report is written and says the run failed."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def run_diff(
    *,
    specs: list[str] | None,
    format: str,
    fail_on: str | None,
    base_ref: str | None,
    root: Path | None,
    validate: bool,
    dangling_refs: str,
    debug: bool,
    output: list[str] | None,
    link: str | None,
    approved_by: str | None,
    config: Path | None,
    versioning: str | None,
    consumers: list[str] | None,
    fail_on_consumers: bool,
    verify_too: bool,
    pact_broker: str | None,
    provider: str | None,
    pact_broker_tag: str | None,
    pact_broker_branch: str | None,
    annotations_limit: int | None,
    annotations_safe: bool,
    shapes: bool,
    generate: str | None,
    generated_file: str | None,
    fastapi_app: str | None,
    fastapi_python: str | None,
    generate_timeout: float | None,
    generate_cache: bool,
) -> None:
    """`oasguard diff` with its options read (oasguard.commands.diff documents them)."""
    chosen = _format(format, "--format")
    outputs = _outputs(output or [])
    lenient = dangling_as_empty(dangling_refs)
    if fail_on is not None:
        fail_threshold(fail_on)
    if annotations_limit is not None and annotations_limit < 1:
        raise UsageError(f"--annotations-limit: '{annotations_limit}' is not 1 or more")
    from oasguard.config import load_settings
    from oasguard.engine import RunOptions
    from oasguard.report import needs

    settings = _versioning(load_settings(config), versioning)
    threshold = fail_threshold(fail_on or settings.fail_on or "breaking")
    evidence = read_evidence(
        consumers or [], settings, Broker(pact_broker, provider, pact_broker_tag, pact_broker_branch)
    )
    fail_on_consumers = fail_on_consumers or settings.fail_on_consumers
    if verify_too:
        _check_verify(chosen, evidence)
    # source lines cost time: only when a format written shows them (list every format written)
    needed = needs(chosen, *(each for each, _ in outputs))
    shapes = shapes or settings.shapes  # shown by text and json only when asked for
    options = RunOptions(
        settings=settings,
        dangling_as_empty=lenient,
        sources=needed.sources,
        shapes=needed.shapes or shapes,
        validate=validate,
        consumers=evidence,
    )
    generation = generation_options(
        settings, generate, fastapi_app, fastapi_python, generated_file, generate_timeout, generate_cache
    )
    pairs = None if generation is None else _generated_pairs(generation, settings, specs or [], base_ref)
    if pairs is None:
        pairs = _pairs(specs or [], base_ref, root, settings)
    if verify_too and len(pairs) != 1:
        raise UsageError("--verify takes one document pair (BASE REVISION, or --base REF SPEC)")
    with ExitStack() as stack:  # generated documents' temporary trees live until here
        pairs = [_opened(stack, pair) for pair in pairs]
        report = _run(pairs, options)
        verification = _verification(evidence, pairs[0], lenient) if verify_too else None
    limits = None
    if annotations_limit is not None and Format.GITHUB in (chosen, *(each for each, _ in outputs)):
        limits = _annotations(annotations_limit, annotations_safe, base_ref, report)
    shown = RenderOptions(
        link=link, approved=approved_by or report.approval(), annotations=limits, shapes=shapes
    )
    for extra, path in outputs:
        _write(report, extra, path, shown, verification)
    if verification is None:
        _finish(report, chosen, threshold, shown, fail_on_consumers)
        return
    _finish_with_verification(report, chosen, threshold, shown, fail_on_consumers, verification)


def _annotations(limit: int, safe: bool, base_ref: str | None, report: Report) -> Annotations:
    """`--annotations-limit N [--annotations-safe]`; with `--base REF`, also the places of the
    changes whose element `git diff REF` touches, which the annotations put first."""
    from oasguard.sources import enclosing_work_tree

    top = enclosing_work_tree(Path.cwd().resolve()) if base_ref is not None else None
    if top is None or base_ref is None:
        return Annotations(limit, safe)
    from oasguard.touched import touched

    sources = [c.source for c in report.changes if c.source is not None and c.source.line]
    return Annotations(limit, safe, touched(top, base_ref, ((s.side, s.file, s.line or 0) for s in sources)))


#: the formats `diff --verify` writes verify's report into, after the diff's
_WITH_VERIFICATION = frozenset({Format.TEXT, Format.MARKDOWN, Format.GITHUB})


def _check_verify(chosen: Format, evidence: object) -> None:
    """`diff --verify` needs evidence, and a format with room for a second report."""
    if chosen not in _WITH_VERIFICATION:
        raise UsageError(f"--verify: the {chosen.value} report has no place for it (use `oasguard verify`)")
    if evidence is None:
        raise UsageError("--verify needs the consumers' evidence: --consumers [NAME=]GLOB or `consumers`")


def _verification(evidence: object, pair: Pair, lenient: bool):
    """`diff --verify`: the consumers verified against REVISION, drift already in BASE told apart."""
    from oasguard.verify.run import against

    with pair.open() as (base, revision):
        return against(revision, evidence, base, lenient)


def _render_verification(verification, format: Format, out: TextIO) -> None:
    from oasguard.verify.render import VerifyFormat
    from oasguard.verify.render import render as render_verify

    out.write("\n")
    render_verify(verification, VerifyFormat(format.value), out)


def _finish_with_verification(
    report: Report,
    chosen: Format,
    threshold: Level | None,
    shown: RenderOptions,
    fail_on_consumers: bool,
    verification,
) -> None:
    """The diff report, then verify's on stdout (each `--output` of a text, markdown or github
    format holds both too; the JSON report stays the diff's contract); exit 1 if either fails."""
    code = 0
    try:
        _finish(report, chosen, threshold, shown, fail_on_consumers)
    except Exit as done:
        code = done.code
    _render_verification(verification, chosen, sys.stdout)
    sys.stdout.flush()
    if code or verification.failed:
        raise Exit(code or 1)


@dataclass(frozen=True)
class Broker:
    """`--pact-broker URL --provider NAME [--pact-broker-tag TAG | --pact-broker-branch BRANCH]`."""

    url: str | None
    provider: str | None
    tag: str | None = None
    branch: str | None = None

    def read(self):
        """The Broker's pacts, or None when no Broker is named."""
        if self.url is None and self.provider is None:
            if self.tag is not None or self.branch is not None:
                raise UsageError(
                    "--pact-broker-tag and --pact-broker-branch need --pact-broker URL --provider NAME"
                )
            return None
        if self.url is None or self.provider is None:
            raise UsageError("--pact-broker URL and --provider NAME go together")
        from oasguard.consumers.read import read_broker

        return read_broker(self.url, self.provider, self.tag, self.branch)


def read_evidence(patterns: list[str], settings: Settings, broker: Broker):
    """The consumer evidence: what `--consumers` names (relative to the current folder), else the
    configuration's `consumers` (relative to the configuration file); and the Broker's pacts when
    one is named. None when there is none at all."""
    files = None
    if patterns or settings.consumers:  # the readers are imported only when there is evidence
        from oasguard.consumers.read import read_consumers

        if patterns:
            files = read_consumers(patterns, Path.cwd())
        else:
            files = read_consumers(list(settings.consumers), settings.root or Path.cwd())
    pacts = broker.read()
    if files is None or pacts is None:
        return files or pacts
    from oasguard.consumers.read import combined

    return combined(files, pacts)


def _pairs(specs: list[str], base_ref: str | None, root: Path | None, settings: Settings) -> list[Pair]:
    """What `diff` compares: BASE with REVISION; each SPEC at REF with the working tree's; or,
    with --base REF alone, the configuration's specs or the OpenAPI documents changed since REF."""
    from oasguard.engine import Argument, Pair, against_revision
    from oasguard.sources import working_tree_path

    if base_ref is None:
        if len(specs) != 2:
            raise UsageError("diff needs two documents: BASE and REVISION (or --base REF SPEC...)")
        return [Pair(Argument(specs[0], root), Argument(specs[1], root))]
    from oasguard.sources import bare_repository

    if (bare := bare_repository(Path.cwd().resolve())) is not None:
        raise UsageError(
            f"--base compares the working tree, and {bare} is a bare repository with none: "
            "compare REF:PATH with REF:PATH"
        )
    if specs:
        named = [(argument, *working_tree_path(argument)) for argument in specs]
        several = len(named) > 1
        return [
            against_revision(
                base_ref, top, path.as_posix(), argument, root, path.as_posix() if several else None
            )
            for argument, top, path in named
        ]
    from oasguard.config import expand_specs
    from oasguard.discover import changed_documents
    from oasguard.sources import enclosing_work_tree

    top = enclosing_work_tree(Path.cwd().resolve())
    if top is None:
        raise UsageError("--base REF with no SPEC must run inside a git repository")
    found = changed_documents(base_ref, top, expand_specs(settings) if settings.specs else None)
    for note in found.notes:
        sys.stderr.write(f"oasguard: {terminal(note)}\n")
    return [
        against_revision(base_ref, top, pair.base_path, str(top / pair.path), root, pair.path)
        for pair in found.pairs
    ]


def generation_options(settings: Settings, *given) -> GenerateOptions | None:
    """The generate options as given, or None when neither they nor the configuration ask for a
    generated document (a plain diff does not import generate/: 12 ms)."""
    *values, cache = given
    if all(value is None for value in values) and cache and not (settings.generate or settings.fastapi_app):
        return None
    from oasguard.generate.plan import Options

    return Options(*values, cache=cache)


def _generated_pairs(
    given: GenerateOptions, settings: Settings, specs: list[str], base_ref: str | None
) -> list[Pair] | None:
    """The pair of generated documents this run compares, or None when its documents are files."""
    from oasguard.generate.plan import diff_jobs, recipe

    made = recipe(given, settings, documents_named=bool(specs) or base_ref is None)
    if made is None:
        return None
    from oasguard.engine import Generated, Pair

    base, revision = diff_jobs(made, base_ref, specs)
    return [Pair(Generated(base), Generated(revision))]


def _opened(stack: ExitStack, pair: Pair) -> Pair:
    """`pair` with its generated sides opened here, in the main thread, where Ctrl-C arrives:
    their commands are killed and their trees removed before the command line ends."""
    from oasguard.engine import Generated, Opened, Pair

    if not isinstance(pair.base, Generated) and not isinstance(pair.revision, Generated):
        return pair
    from oasguard.progress import Progress

    with Progress() as progress:  # a spinner on a terminal: a generator may take a minute
        progress("generating the documents")
        base, revision = stack.enter_context(pair.open())
    return Pair(Opened(base), Opened(revision), pair.document)


def _run(pairs: list[Pair], options: RunOptions) -> Report:
    """The engine's run of `pairs`, with a spinner on a terminal."""
    from dataclasses import replace

    from oasguard.engine import run
    from oasguard.progress import Progress

    with Progress() as progress:
        return run(pairs, replace(options, progress=progress))


def _finish(
    report: Report,
    chosen: Format,
    threshold: Level | None,
    options: RenderOptions,
    fail_on_consumers: bool = False,
) -> None:
    """Write the report, repeat its notes on stderr, and exit 1 if it reaches `threshold` (with
    `fail_on_consumers`, counting only changes that break a known consumer)."""
    render(report, chosen, sys.stdout, options)
    sys.stdout.flush()
    for note in report.notes:
        sys.stderr.write(f"oasguard: {terminal(note)}\n")
    if report.fails(threshold, consumers_only=fail_on_consumers):
        raise Exit(1)


def _format(name: str, option: str) -> Format:
    try:
        return Format(name)
    except ValueError:
        raise UsageError(
            f"{option}: unknown format '{name}' (one of {', '.join(f.value for f in Format)})"
        ) from None


def _outputs(values: list[str]) -> list[tuple[Format, Path]]:
    """`--output FORMAT=PATH` values, checked before any work is done."""
    outputs = []
    for value in values:
        name, equals, path = value.partition("=")
        if not equals or not path:
            raise UsageError(f"--output: '{value}' is not FORMAT=PATH")
        outputs.append((_format(name, "--output"), Path(path)))
    return outputs


def _write(report: Report, format: Format, path: Path, options: RenderOptions, verification=None) -> None:
    try:
        with path.open("w", encoding="utf-8") as out:
            render(report, format, out, options)
            if verification is not None and format in _WITH_VERIFICATION:
                _render_verification(verification, format, out)
    except OSError as error:
        raise UsageError(f"--output: cannot write {brief_path(path)}: {error.strerror or error}") from None


def _versioning(settings: Settings, value: str | None) -> Settings:
    """`settings` with `--versioning`, when given, in place of the configuration's."""
    if value is None:
        return settings
    from dataclasses import replace

    from oasguard.config import check_versioning

    chosen = check_versioning(value, lambda text: UsageError(f"--versioning: {text}"))
    return replace(settings, versioning=chosen)


def fail_threshold(fail_on: str) -> Level | None:
    """The level `--fail-on` names (None: nothing fails the run)."""
    if fail_on not in _FAIL_ON:
        raise UsageError(f"--fail-on: unknown level '{fail_on}' (one of breaking, warning, none)")
    return _FAIL_ON[fail_on]


def dangling_as_empty(dangling_refs: str) -> bool:
    """Whether `--dangling-refs` reads a `$ref` to nothing as an empty schema."""
    if dangling_refs not in ("error", "empty"):
        raise UsageError(f"--dangling-refs: unknown value '{dangling_refs}' (one of error, empty)")
    return dangling_refs == "empty"


def main(argv: list[str] | None = None) -> None:
    """Run the command line; exit 0, 1 (changes at or above --fail-on) or 2 (could not run)."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args or bool(os.environ.get("OASGUARD_DEBUG"))
    try:
        given = _plain_diff(args)
        code = _through_typer(args) if given is None else _diff_without_typer(given)
    except OasguardError as error:
        if debug:
            import traceback

            traceback.print_exc()
        lines = getattr(error, "lines", None)  # --validate: every violation, each one line
        _fail(*lines, whole=True) if lines else _fail(str(error))
    except Exit as done:
        sys.exit(done.code)
    except KeyboardInterrupt:
        _fail("interrupted")
    except BrokenPipeError:
        sys.exit(1)
    except Exception as error:  # a bug: still one line, never a traceback unless asked
        if debug:
            import traceback

            traceback.print_exc()
        _fail(f"internal error: {type(error).__name__}: {error}")
    sys.exit(code if isinstance(code, int) else 0)


def _through_typer(args: list[str]) -> object:
    """The command line as typer reads it: every command but a plain diff, help, usage errors."""
    import typer

    from oasguard.commands import only_named

    try:  # typer >= 0.20 carries its own copy of click
        from typer.exceptions import TyperException as CommandLineError
    except ImportError:  # pragma: no cover - older typer on click
        from click import ClickException as CommandLineError

    command = typer.main.get_command(only_named(args))
    try:
        return command.main(args=args, prog_name="oasguard", standalone_mode=False)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except typer.Abort:
        _fail("aborted")
    except CommandLineError as error:
        _fail(error.format_message(), first_line=True)
    return None


def _diff_without_typer(given: dict[str, object]) -> int:
    """`run_diff` as typer's command would run it: Ctrl-C is exit status 130 with nothing said, the
    end of stdin "aborted" (typer.core._main)."""
    try:
        run_diff(**given)  # type: ignore[arg-type]
    except KeyboardInterrupt:
        return 130
    except EOFError:
        sys.stderr.write("\n")
        _fail("aborted")
    return 0


# -- diff without typer --------------------------------------------------------------------------

#: `diff`'s options as typer reads them from oasguard.commands.diff: option → (parameter, what it
#: takes: a flag sets "on" or "off", else one value read as "str", "int", "float" or "path", or
#: "str..." repeatable). Derived from typer's command: tests/test_cli_fast.py fails when they differ.
_DIFF_OPTIONS: dict[str, tuple[str, str]] = {
    "--format": ("format", "str"),
    "-f": ("format", "str"),
    "--fail-on": ("fail_on", "str"),
    "--base": ("base_ref", "str"),
    "--root": ("root", "path"),
    "--validate": ("validate", "on"),
    "--dangling-refs": ("dangling_refs", "str"),
    "--debug": ("debug", "on"),
    "--output": ("output", "str..."),
    "-o": ("output", "str..."),
    "--link": ("link", "str"),
    "--approved-by": ("approved_by", "str"),
    "--config": ("config", "path"),
    "--versioning": ("versioning", "str"),
    "--consumers": ("consumers", "str..."),
    "--fail-on-consumers": ("fail_on_consumers", "on"),
    "--verify": ("verify_too", "on"),
    "--pact-broker": ("pact_broker", "str"),
    "--provider": ("provider", "str"),
    "--pact-broker-tag": ("pact_broker_tag", "str"),
    "--pact-broker-branch": ("pact_broker_branch", "str"),
    "--annotations-limit": ("annotations_limit", "int"),
    "--annotations-safe": ("annotations_safe", "on"),
    "--shapes": ("shapes", "on"),
    "--generate": ("generate", "str"),
    "--generated-file": ("generated_file", "str"),
    "--fastapi-app": ("fastapi_app", "str"),
    "--fastapi-python": ("fastapi_python", "str"),
    "--generate-timeout": ("generate_timeout", "float"),
    "--generate-cache": ("generate_cache", "on"),
    "--no-generate-cache": ("generate_cache", "off"),
}

#: what typer gives each parameter of `diff` whose option is not given
_DIFF_DEFAULTS: dict[str, object] = {
    "specs": None,
    "format": "text",
    "fail_on": None,
    "base_ref": None,
    "root": None,
    "validate": False,
    "dangling_refs": "error",
    "debug": False,
    "output": None,
    "link": None,
    "approved_by": None,
    "config": None,
    "versioning": None,
    "consumers": None,
    "fail_on_consumers": False,
    "verify_too": False,
    "pact_broker": None,
    "provider": None,
    "pact_broker_tag": None,
    "pact_broker_branch": None,
    "annotations_limit": None,
    "annotations_safe": False,
    "shapes": False,
    "generate": None,
    "generated_file": None,
    "fastapi_app": None,
    "fastapi_python": None,
    "generate_timeout": None,
    "generate_cache": True,
}

_READ = {"str": str, "int": int, "float": float, "path": Path}


def _plain_diff(args: list[str]) -> dict[str, object] | None:
    """`run_diff`'s parameters for the command line `args` as typer would read them, or None for
    anything not plainly a diff (another command, help, an unknown or misspelt option, a value
    that does not convert or looks like an option, `-fjson`, shell completion): typer reads those,
    with its errors and help, the same as without this."""
    if not args or args[0] != "diff" or "_OASGUARD_COMPLETE" in os.environ:
        return None
    given = dict(_DIFF_DEFAULTS)
    specs: list[str] = []
    rest = iter(args[1:])
    for arg in rest:
        if arg == "--":
            specs.extend(rest)
            break
        if not arg.startswith("-"):
            specs.append(arg)
            continue
        option, equals, value = arg.partition("=")
        if option not in _DIFF_OPTIONS or (equals and not option.startswith("--")):
            return None
        name, takes = _DIFF_OPTIONS[option]
        if takes in ("on", "off"):
            if equals:  # typer: "does not take a value"
                return None
            given[name] = takes == "on"
            continue
        if not equals:
            value = next(rest, "-")  # none left: typer's "requires an argument"
            if value.startswith("-"):
                return None
        read = _read(value, takes.removesuffix("..."))
        if read is None:
            return None
        given[name] = [*(given[name] or ()), read] if takes.endswith("...") else read  # type: ignore[misc]
    given["specs"] = specs or None
    return given


def _read(value: str, kind: str) -> object:
    """`value` as typer converts it for an option of `kind`; None where typer would refuse it."""
    try:
        read = _READ[kind](value)
        if kind == "path" and os.path.exists(value) and not os.access(value, os.R_OK):
            return None  # typer: "Path '…' is not readable."
    except ValueError:
        return None
    return read


def _fail(*messages: str, first_line: bool = False, whole: bool = False) -> None:
    """One line on stderr per message (an error has one; `--validate` one per violation) and
    exit 2. Names and values in them come from documents and arguments: every control character
    in them is shown escaped, never written raw."""
    for message in messages:
        text = message.strip() or "error"
        if first_line:  # click's own messages may add a usage paragraph
            text = text.splitlines()[0]
        shown = terminal(text)
        if len(shown) > _MAX_MESSAGE and not whole:  # a 100 kB argument or name: its two ends say what it is
            shown = shown[: _MAX_MESSAGE // 2] + " … " + shown[-_MAX_MESSAGE // 2 :]
        sys.stderr.write(f"oasguard: {shown}\n")
    sys.exit(2)
