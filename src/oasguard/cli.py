"""The command line: options → engine → reporter → exit status. Nothing else lives here."""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path
from typing import Annotated

import typer

try:  # typer >= 0.20 carries its own copy of click
    from typer.exceptions import TyperException as _CommandLineError
except ImportError:  # pragma: no cover - older typer on click
    from click import ClickException as _CommandLineError

from oasguard import __version__
from oasguard.changes import Level, Report
from oasguard.errors import OasguardError, UsageError
from oasguard.report import Format, RenderOptions, render
from oasguard.sources import Spec

app = typer.Typer(
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    help="Tell whether a change to an OpenAPI document breaks its clients.",
)

_FAIL_ON = {"breaking": Level.BREAKING, "warning": Level.WARNING, "none": None}


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"oasguard {__version__}")
        raise typer.Exit(0)


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """Tell whether a change to an OpenAPI document breaks its clients."""


@app.command()
def diff(
    specs: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="BASE REVISION", help="Two documents: file paths, or GITREF:PATH.", show_default=False
        ),
    ] = None,
    format: Annotated[
        str,
        typer.Option(
            "--format", "-f", metavar="FORMAT", help="text | json | markdown | github | sarif | junit."
        ),
    ] = "text",
    fail_on: Annotated[
        str,
        typer.Option(
            "--fail-on",
            metavar="LEVEL",
            help="breaking | warning | none: which level makes the exit status 1.",
        ),
    ] = "breaking",
    base_ref: Annotated[
        str | None,
        typer.Option(
            "--base", metavar="REF", help="Compare each SPEC in the working tree with the same path at REF."
        ),
    ] = None,
    root: Annotated[
        Path | None,
        typer.Option(
            "--root",
            help="Directory that $refs may not leave (default: the git work tree, "
            "else the document's folder).",
        ),
    ] = None,
    validate: Annotated[
        bool,
        typer.Option("--validate", help="Validate both documents against the OpenAPI schema first (slow)."),
    ] = False,
    dangling_refs: Annotated[
        str,
        typer.Option(
            "--dangling-refs",
            metavar="HOW",
            help="error | empty: a $ref to nothing is an error (default), or an empty schema.",
        ),
    ] = "error",
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of errors.")] = False,
    output: Annotated[
        list[str] | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FORMAT=PATH",
            help="Also write the report in FORMAT to PATH (repeatable).",
        ),
    ] = None,
    link: Annotated[
        str | None,
        typer.Option(
            "--link",
            metavar="URL",
            help="URL of the revision's files (https://github.com/OWNER/REPO/blob/SHA): "
            "file:line becomes a link to URL/file#Lline in markdown.",
        ),
    ] = None,
    approved_by: Annotated[
        str | None,
        typer.Option(
            "--approved-by",
            metavar="TEXT",
            help="The breaking changes are approved (e.g. by a label): say so, and by what, in markdown.",
        ),
    ] = None,
) -> None:
    """Compare BASE with REVISION and report every change to the API contract."""
    from oasguard.engine import diff as run_diff
    from oasguard.engine import run_deep
    from oasguard.progress import Progress
    from oasguard.report import NEEDS_SOURCES
    from oasguard.sources import file_spec, git_spec, parse_spec, working_tree_path

    try:
        chosen = Format(format)
    except ValueError:
        raise UsageError(
            f"--format: unknown format '{format}' (one of {', '.join(f.value for f in Format)})"
        ) from None
    outputs = _outputs(output or [])
    if dangling_refs not in ("error", "empty"):
        raise UsageError(f"--dangling-refs: unknown value '{dangling_refs}' (one of error, empty)")
    if fail_on not in _FAIL_ON:
        raise UsageError(f"--fail-on: unknown level '{fail_on}' (one of breaking, warning, none)")
    pairs: list[tuple[Spec, Spec]] = []
    if base_ref is not None:
        if not specs:
            raise UsageError("--base REF needs at least one SPEC (a path in the working tree)")
        for argument in specs:
            top, relative = working_tree_path(argument)
            label = f"{base_ref}:{relative}"
            pairs.append(
                (git_spec(base_ref, relative.as_posix(), cwd=top, label=label), file_spec(argument, root))
            )
    elif not specs or len(specs) != 2:
        raise UsageError("diff needs two documents: BASE and REVISION (or --base REF SPEC...)")
    else:
        pairs.append((parse_spec(specs[0], root), parse_spec(specs[1], root)))
    if validate:
        _validate(*(spec for pair in pairs for spec in pair))
    lenient = dangling_refs == "empty"
    # source lines cost time: only when a format written shows them (list every format written)
    sources = not NEEDS_SOURCES.isdisjoint([chosen, *(each for each, _ in outputs)])
    with Progress() as progress:
        reports = [
            run_deep(
                lambda pair=pair: run_diff(
                    *pair, progress=progress, dangling_as_empty=lenient, sources=sources
                )
            )
            for pair in pairs
        ]
    report: Report = (
        reports[0] if len(reports) == 1 else Report([change for each in reports for change in each.changes])
    )
    options = RenderOptions(link=link, approved=approved_by)
    for extra, path in outputs:
        _write(report, extra, path, options)
    render(report, chosen, sys.stdout, options)
    sys.stdout.flush()
    threshold = _FAIL_ON[fail_on]
    worst = report.worst()
    if threshold is not None and worst is not None and worst.rank >= threshold.rank:
        raise typer.Exit(1)


def _outputs(values: list[str]) -> list[tuple[Format, Path]]:
    """`--output FORMAT=PATH` values, checked before any work is done."""
    outputs = []
    for value in values:
        name, equals, path = value.partition("=")
        if not equals or not path:
            raise UsageError(f"--output: '{value}' is not FORMAT=PATH")
        try:
            outputs.append((Format(name), Path(path)))
        except ValueError:
            raise UsageError(
                f"--output: unknown format '{name}' (one of {', '.join(f.value for f in Format)})"
            ) from None
    return outputs


def _write(report: Report, format: Format, path: Path, options: RenderOptions) -> None:
    try:
        with path.open("w", encoding="utf-8") as out:
            render(report, format, out, options)
    except OSError as error:
        raise UsageError(f"--output: cannot write '{path}': {error.strerror or error}") from None


@app.command()
def changelog(
    specs: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="BASE REVISION", help="Two documents: file paths, or GITREF:PATH.", show_default=False
        ),
    ] = None,
    root: Annotated[
        Path | None,
        typer.Option("--root", help="Directory that $refs may not leave."),
    ] = None,
    dangling_refs: Annotated[
        str,
        typer.Option("--dangling-refs", metavar="HOW", help="error | empty, as for diff."),
    ] = "error",
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of errors.")] = False,
) -> None:
    """Write a Markdown changelog of every change from BASE to REVISION, for release notes."""
    from oasguard.engine import diff as run_diff
    from oasguard.engine import run_deep
    from oasguard.report.changelog import render_changelog
    from oasguard.sources import parse_spec

    if not specs or len(specs) != 2:
        raise UsageError("changelog needs two documents: BASE and REVISION")
    if dangling_refs not in ("error", "empty"):
        raise UsageError(f"--dangling-refs: unknown value '{dangling_refs}' (one of error, empty)")
    base, revision = parse_spec(specs[0], root), parse_spec(specs[1], root)
    lenient = dangling_refs == "empty"
    report = run_deep(lambda: run_diff(base, revision, dangling_as_empty=lenient))
    render_changelog(report, sys.stdout)
    sys.stdout.flush()


@app.command()
def hook(
    files: Annotated[
        list[str] | None, typer.Argument(metavar="FILE...", help="Staged files (pre-commit passes them).")
    ] = None,
    base_ref: Annotated[
        str, typer.Option("--base", metavar="REF", help="Revision to compare the staged content with.")
    ] = "HEAD",
    fail_on: Annotated[
        str, typer.Option("--fail-on", metavar="LEVEL", help="breaking | warning | none.")
    ] = "breaking",
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of errors.")] = False,
) -> None:
    """Pre-commit hook: compare each staged OpenAPI document (as the index holds it) with REF."""
    from oasguard.hook import run

    if fail_on not in _FAIL_ON:
        raise UsageError(f"--fail-on: unknown level '{fail_on}' (one of breaking, warning, none)")
    code = run(files or [], base_ref, _FAIL_ON[fail_on], sys.stdout)
    sys.stdout.flush()
    if code:
        raise typer.Exit(code)


def _validate(*specs: Spec) -> None:
    """Report every schema violation of both documents and exit 2 if there is any."""
    from oasguard.load import load
    from oasguard.load.validate import violations

    found = [line for spec in specs for line in violations(load(spec))]
    if found:
        sys.stderr.write("".join(f"oasguard: {line}\n" for line in found))
        sys.exit(2)


def main(argv: list[str] | None = None) -> None:
    """Run the command line; exit 0, 1 (changes at or above --fail-on) or 2 (could not run)."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args or bool(os.environ.get("OASGUARD_DEBUG"))
    command = typer.main.get_command(app)
    try:
        code = command.main(args=args, prog_name="oasguard", standalone_mode=False)
    except OasguardError as error:
        if debug:
            traceback.print_exc()
        _fail(str(error))
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except typer.Abort:
        _fail("aborted")
    except _CommandLineError as error:
        _fail(error.format_message())
    except KeyboardInterrupt:
        _fail("interrupted")
    except BrokenPipeError:
        sys.exit(1)
    except Exception as error:  # a bug: still one line, never a traceback unless asked
        if debug:
            traceback.print_exc()
        _fail(f"internal error: {type(error).__name__}: {error}")
    sys.exit(code if isinstance(code, int) else 0)


def _fail(message: str) -> None:
    first = message.strip().splitlines()[0] if message.strip() else "error"
    sys.stderr.write(f"oasguard: {first}\n")
    sys.exit(2)
