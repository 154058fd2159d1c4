"""The command line: options → engine → reporter → exit status. Nothing else lives here."""

# No `from __future__ import annotations` here: typer reads the options from the annotations, and
# as strings it evaluates each of them twice per command on every run (37 M instructions, issue
# 24, docs/performance.md "Start-up"). Names imported only for type checking are quoted instead.

import copy
import os
import sys
import traceback
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

try:  # typer >= 0.20 carries its own copy of click
    from typer.exceptions import TyperException as _CommandLineError
except ImportError:  # pragma: no cover - older typer on click
    from click import ClickException as _CommandLineError

from oasguard import __version__
from oasguard.changes import Level, Report
from oasguard.errors import OasguardError, UsageError, brief_path
from oasguard.report import Annotations, Format, RenderOptions, render
from oasguard.report.escape import terminal

if TYPE_CHECKING:
    from oasguard.config import Settings
    from oasguard.engine import Pair, RunOptions
    from oasguard.generate.plan import Options as GenerateOptions

app = typer.Typer(
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    help="Tell whether a change to an OpenAPI document breaks its clients.",
)

#: error messages longer than this many characters are cut in the middle
_MAX_MESSAGE = 1000

_FAIL_ON = {"breaking": Level.BREAKING, "warning": Level.WARNING, "none": None}

# Options more than one command takes, declared once.
_Specs = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="BASE REVISION", help="Two documents: file paths, or GITREF:PATH.", show_default=False
    ),
]
_Root = Annotated[
    Path | None,
    typer.Option(
        "--root",
        help="Directory that $refs may not leave (default: the git work tree, else the document's folder).",
    ),
]
_DanglingRefs = Annotated[
    str,
    typer.Option(
        "--dangling-refs",
        metavar="HOW",
        help="error | empty: a $ref to nothing is an error (default), or an empty schema.",
    ),
]
_PactBroker = Annotated[
    str | None,
    typer.Option(
        "--pact-broker",
        metavar="URL",
        help="Read the latest pact of every consumer of --provider from this Pact Broker (the only "
        "network access oasguard makes; PACT_BROKER_TOKEN or PACT_BROKER_USERNAME/PASSWORD).",
    ),
]
_Provider = Annotated[
    str | None, typer.Option("--provider", metavar="NAME", help="The provider's name on the Pact Broker.")
]
_BrokerTag = Annotated[
    str | None,
    typer.Option("--pact-broker-tag", metavar="TAG", help="The latest pacts with this tag (e.g. prod)."),
]
_BrokerBranch = Annotated[
    str | None,
    typer.Option("--pact-broker-branch", metavar="BRANCH", help="The latest pacts of this consumer branch."),
]
_Config = Annotated[
    Path | None,
    typer.Option(
        "--config",
        metavar="FILE",
        help="Configuration file (default: .oasguard.yaml, else [tool.oasguard] in pyproject.toml, "
        "at the repository root).",
    ),
]
_Debug = Annotated[bool, typer.Option("--debug", help="Show tracebacks of errors.")]
_Consumers = Annotated[
    list[str] | None,
    typer.Option(
        "--consumers",
        metavar="[NAME=]GLOB",
        help="Consumer evidence (Pact, HAR, Keploy, WireMock files): name who each change breaks "
        "(repeatable).",
    ),
]

# Documents generated from code (SPEC 6), for diff and hook alike.
_Generate = Annotated[
    str | None,
    typer.Option(
        "--generate",
        metavar="COMMAND",
        help="Generate each side's document by running COMMAND (through the shell) in that side's "
        "tree: REF's files, the working tree, or the staged files for the hook. Its stdout is the "
        "document, unless --generated-file.",
    ),
]
_GeneratedFile = Annotated[
    str | None,
    typer.Option(
        "--generated-file",
        metavar="PATH",
        help="The document is this file, which the --generate command writes (relative to where it runs).",
    ),
]
_FastapiApp = Annotated[
    str | None,
    typer.Option(
        "--fastapi-app",
        metavar="MODULE:ATTR",
        help="Generate each side's document by importing this FastAPI application from that side's "
        "tree and calling its openapi().",
    ),
]
_FastapiPython = Annotated[
    str | None,
    typer.Option(
        "--fastapi-python",
        metavar="PYTHON",
        help="The interpreter that imports the --fastapi-app (default: the one running oasguard).",
    ),
]
_GenerateTimeout = Annotated[
    float | None,
    typer.Option(
        "--generate-timeout",
        metavar="SECONDS",
        help="Kill a generating command (its process group) after this long (default: 120).",
        show_default=False,
    ),
]
_GenerateCache = Annotated[
    bool,
    typer.Option(
        "--generate-cache/--no-generate-cache",
        help="Reuse a document generated from the same tree with the same command "
        "($XDG_CACHE_HOME/oasguard/generated).",
    ),
]


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
    specs: _Specs = None,
    format: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="text | json | markdown | github | sarif | junit | gitlab | changelog | html.",
        ),
    ] = "text",
    fail_on: Annotated[
        str | None,
        typer.Option(
            "--fail-on",
            metavar="LEVEL",
            help="breaking | warning | none: which level makes the exit status 1 (default: the "
            "configuration's fail-on, else breaking).",
            show_default=False,
        ),
    ] = None,
    base_ref: Annotated[
        str | None,
        typer.Option(
            "--base", metavar="REF", help="Compare each SPEC in the working tree with the same path at REF."
        ),
    ] = None,
    root: _Root = None,
    validate: Annotated[
        bool,
        typer.Option("--validate", help="Validate both documents against the OpenAPI schema first (slow)."),
    ] = False,
    dangling_refs: _DanglingRefs = "error",
    debug: _Debug = False,
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
            "file:line becomes a link to URL/file#Lline in markdown and html.",
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
    config: _Config = None,
    versioning: Annotated[
        str | None,
        typer.Option(
            "--versioning",
            metavar="HOW",
            help="judge | major-bump-approves: a major info.version increase also approves the "
            "breaking changes (default: the configuration's versioning, else judge).",
            show_default=False,
        ),
    ] = None,
    consumers: _Consumers = None,
    fail_on_consumers: Annotated[
        bool,
        typer.Option(
            "--fail-on-consumers", help="Only changes that break a known consumer set the exit status."
        ),
    ] = False,
    verify_too: Annotated[
        bool,
        typer.Option(
            "--verify",
            help="Also verify the consumers against REVISION, telling drift already there in BASE "
            "(text, markdown, github).",
        ),
    ] = False,
    pact_broker: _PactBroker = None,
    provider: _Provider = None,
    pact_broker_tag: _BrokerTag = None,
    pact_broker_branch: _BrokerBranch = None,
    annotations_limit: Annotated[
        int | None,
        typer.Option(
            "--annotations-limit",
            metavar="N",
            help="github: what a CI step shows, one annotation per fact, breaking first (with --base, "
            "what the diff touched first), at most N of each kind, the last counting the rest.",
        ),
    ] = None,
    annotations_safe: Annotated[
        bool,
        typer.Option("--annotations-safe", help="With --annotations-limit: safe changes as notices too."),
    ] = False,
    shapes: Annotated[
        bool,
        typer.Option(
            "--shapes",
            help="text, json: also each affected body and the parameters before and after, along "
            "the changed branches (markdown always shows them). Config: shapes: true.",
        ),
    ] = False,
    generate: _Generate = None,
    generated_file: _GeneratedFile = None,
    fastapi_app: _FastapiApp = None,
    fastapi_python: _FastapiPython = None,
    generate_timeout: _GenerateTimeout = None,
    generate_cache: _GenerateCache = True,
) -> None:
    """Compare BASE with REVISION and report every change to the API contract.

    With --base REF and no SPEC: every document of the configuration's `specs`, or every
    OpenAPI document that changed since REF, in one report.

    With --generate or --fastapi-app, the documents are generated from the code: REF's against
    the working tree's (--base REF), or BASE's against REVISION's, two git revisions."""
    chosen = _format(format, "--format")
    outputs = _outputs(output or [])
    lenient = _lenient(dangling_refs)
    if fail_on is not None:
        _threshold(fail_on)
    if annotations_limit is not None and annotations_limit < 1:
        raise UsageError(f"--annotations-limit: '{annotations_limit}' is not 1 or more")
    from oasguard.config import load_settings
    from oasguard.engine import RunOptions
    from oasguard.report import needs

    settings = _versioning(load_settings(config), versioning)
    threshold = _threshold(fail_on or settings.fail_on or "breaking")
    evidence = _consumers(
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
    generation = _generation(
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


def _verification(evidence: object, pair: "Pair", lenient: bool):
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
    except typer.Exit as done:
        code = done.exit_code
    _render_verification(verification, chosen, sys.stdout)
    sys.stdout.flush()
    if code or verification.failed:
        raise typer.Exit(code or 1)


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


def _consumers(patterns: list[str], settings: "Settings", broker: Broker):
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


def _pairs(specs: list[str], base_ref: str | None, root: Path | None, settings: "Settings") -> list["Pair"]:
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


def _generation(settings: "Settings", *given) -> "GenerateOptions | None":
    """The generate options as given, or None when neither they nor the configuration ask for a
    generated document (a plain diff does not import generate/: 12 ms)."""
    *values, cache = given
    if all(value is None for value in values) and cache and not (settings.generate or settings.fastapi_app):
        return None
    from oasguard.generate.plan import Options

    return Options(*values, cache=cache)


def _generated_pairs(
    given: "GenerateOptions", settings: "Settings", specs: list[str], base_ref: str | None
) -> "list[Pair] | None":
    """The pair of generated documents this run compares, or None when its documents are files."""
    from oasguard.generate.plan import diff_jobs, recipe

    made = recipe(given, settings, documents_named=bool(specs) or base_ref is None)
    if made is None:
        return None
    from oasguard.engine import Generated, Pair

    base, revision = diff_jobs(made, base_ref, specs)
    return [Pair(Generated(base), Generated(revision))]


def _opened(stack: ExitStack, pair: "Pair") -> "Pair":
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


def _run(pairs: list["Pair"], options: "RunOptions") -> Report:
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
        raise typer.Exit(1)


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


@app.command()
def changelog(
    specs: _Specs = None,
    root: _Root = None,
    dangling_refs: _DanglingRefs = "error",
    config: _Config = None,
    debug: _Debug = False,
    consumers: _Consumers = None,
    pact_broker: _PactBroker = None,
    provider: _Provider = None,
    pact_broker_tag: _BrokerTag = None,
    pact_broker_branch: _BrokerBranch = None,
) -> None:
    """Write a Markdown changelog of every change from BASE to REVISION, for release notes."""
    if not specs or len(specs) != 2:
        raise UsageError("changelog needs two documents: BASE and REVISION")
    lenient = _lenient(dangling_refs)
    from oasguard.config import load_settings
    from oasguard.engine import Argument, Pair, RunOptions, run

    settings = load_settings(config)
    evidence = _consumers(
        consumers or [], settings, Broker(pact_broker, provider, pact_broker_tag, pact_broker_branch)
    )
    pair = Pair(Argument(specs[0], root), Argument(specs[1], root))
    report = run([pair], RunOptions(settings=settings, dangling_as_empty=lenient, consumers=evidence))
    render(report, Format.CHANGELOG, sys.stdout)
    sys.stdout.flush()


@app.command()
def verify(
    spec: Annotated[str, typer.Argument(metavar="SPEC", help="The document: a file or GITREF:PATH.")],
    files: Annotated[
        list[str] | None,
        typer.Argument(metavar="FILE...", help="Pact, HAR, Keploy or WireMock files.", show_default=False),
    ] = None,
    consumers: Annotated[
        list[str] | None,
        typer.Option("--consumers", metavar="[NAME=]GLOB", help="Consumers' evidence (repeatable)."),
    ] = None,
    base: Annotated[
        str | None,
        typer.Option("--base", metavar="SPEC", help="Also verify against BASE: tell drift already there."),
    ] = None,
    format: Annotated[
        str, typer.Option("--format", "-f", metavar="FORMAT", help="text | json | markdown | github | junit.")
    ] = "text",
    root: _Root = None,
    dangling_refs: _DanglingRefs = "error",
    config: _Config = None,
    debug: _Debug = False,
    pact_broker: _PactBroker = None,
    provider: _Provider = None,
    pact_broker_tag: _BrokerTag = None,
    pact_broker_branch: _BrokerBranch = None,
) -> None:
    """Check that the consumers' contracts, recordings and mocks still hold against SPEC."""
    from oasguard.verify.render import VerifyFormat, render
    from oasguard.verify.run import run

    try:
        chosen = VerifyFormat(format)
    except ValueError:
        names = ", ".join(f.value for f in VerifyFormat)
        raise UsageError(f"--format: unknown format '{format}' (one of {names})") from None
    from oasguard.config import load_settings

    # FILE arguments and --consumers relative to here, else the configuration's `consumers`
    evidence = _consumers(
        [*(files or []), *(consumers or [])],
        load_settings(config),
        Broker(pact_broker, provider, pact_broker_tag, pact_broker_branch),
    )
    if evidence is None:
        raise UsageError(
            "verify needs evidence: FILE arguments, --consumers [NAME=]GLOB, --pact-broker URL or `consumers`"
        )
    result = run(spec, evidence, base, root, _lenient(dangling_refs))
    render(result, chosen, sys.stdout)
    sys.stdout.flush()
    if result.failed:
        raise typer.Exit(1)


@app.command()
def rules(
    format: Annotated[str, typer.Option("--format", "-f", metavar="FORMAT", help="text | json.")] = "text",
) -> None:
    """List every rule: id, default level, direction and a one-line summary."""
    from oasguard.rules.docs import catalogue

    if format not in ("text", "json"):
        raise UsageError(f"--format: unknown format '{format}' (one of text, json)")
    entries = catalogue()
    if format == "json":
        import json

        sys.stdout.write(json.dumps(entries, indent=2, ensure_ascii=False) + "\n")
        return
    width = max(len(entry["id"]) for entry in entries)
    for entry in entries:
        sys.stdout.write(
            f"{entry['id']:<{width}}  {entry['level']:<8}  {entry['direction']:<8}  {entry['summary']}\n"
        )


@app.command()
def explain(rule_id: Annotated[str, typer.Argument(metavar="RULE-ID", help="A rule id.")]) -> None:
    """Print a rule's documentation, with a before/after example."""
    from oasguard.rules.docs import explain as explain_rule

    sys.stdout.write(explain_rule(rule_id))


@app.command()
def hook(
    files: Annotated[
        list[str] | None, typer.Argument(metavar="FILE...", help="Staged files (pre-commit passes them).")
    ] = None,
    base_ref: Annotated[
        str, typer.Option("--base", metavar="REF", help="Revision to compare the staged content with.")
    ] = "HEAD",
    fail_on: Annotated[
        str | None,
        typer.Option("--fail-on", metavar="LEVEL", help="breaking | warning | none (default: the config's)."),
    ] = None,
    config: _Config = None,
    debug: _Debug = False,
    consumers: _Consumers = None,
    generate: _Generate = None,
    generated_file: _GeneratedFile = None,
    fastapi_app: _FastapiApp = None,
    fastapi_python: _FastapiPython = None,
    generate_timeout: _GenerateTimeout = None,
    generate_cache: _GenerateCache = True,
) -> None:
    """Pre-commit hook: compare each staged OpenAPI document (as the index holds it) with REF.

    With --generate or --fastapi-app (or the configuration's generate or fastapi-app): the
    document generated from the staged files against the one generated from REF."""
    from oasguard.config import load_settings
    from oasguard.engine import RunOptions
    from oasguard.hook import run

    settings = load_settings(config)
    threshold = _threshold(fail_on or settings.fail_on or "breaking")
    evidence = _consumers(consumers or [], settings, Broker(None, None))
    options = RunOptions(settings=settings, consumers=evidence)
    generation = _generation(
        settings, generate, fastapi_app, fastapi_python, generated_file, generate_timeout, generate_cache
    )
    made = None
    if generation is not None:
        from oasguard.generate.plan import recipe

        made = recipe(generation, settings, documents_named=False)
    code = run(files or [], base_ref, threshold, sys.stdout, options, made)
    sys.stdout.flush()
    if code:
        raise typer.Exit(code)


def _versioning(settings: "Settings", value: str | None) -> "Settings":
    """`settings` with `--versioning`, when given, in place of the configuration's."""
    if value is None:
        return settings
    from dataclasses import replace

    from oasguard.config import check_versioning

    chosen = check_versioning(value, lambda text: UsageError(f"--versioning: {text}"))
    return replace(settings, versioning=chosen)


def _threshold(fail_on: str) -> Level | None:
    """The level `--fail-on` names (None: nothing fails the run)."""
    if fail_on not in _FAIL_ON:
        raise UsageError(f"--fail-on: unknown level '{fail_on}' (one of breaking, warning, none)")
    return _FAIL_ON[fail_on]


def _lenient(dangling_refs: str) -> bool:
    """Whether `--dangling-refs` reads a `$ref` to nothing as an empty schema."""
    if dangling_refs not in ("error", "empty"):
        raise UsageError(f"--dangling-refs: unknown value '{dangling_refs}' (one of error, empty)")
    return dangling_refs == "empty"


def main(argv: list[str] | None = None) -> None:
    """Run the command line; exit 0, 1 (changes at or above --fail-on) or 2 (could not run)."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args or bool(os.environ.get("OASGUARD_DEBUG"))
    command = typer.main.get_command(_only_named(args))
    try:
        code = command.main(args=args, prog_name="oasguard", standalone_mode=False)
    except OasguardError as error:
        if debug:
            traceback.print_exc()
        lines = getattr(error, "lines", None)  # --validate: every violation, each one line
        _fail(*lines, whole=True) if lines else _fail(str(error))
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except typer.Abort:
        _fail("aborted")
    except _CommandLineError as error:
        _fail(error.format_message(), first_line=True)
    except KeyboardInterrupt:
        _fail("interrupted")
    except BrokenPipeError:
        sys.exit(1)
    except Exception as error:  # a bug: still one line, never a traceback unless asked
        if debug:
            traceback.print_exc()
        _fail(f"internal error: {type(error).__name__}: {error}")
    sys.exit(code if isinstance(code, int) else 0)


def _only_named(args: list[str]) -> typer.Typer:
    """`app` with only the command that the first argument names: typer builds the options of
    every command it holds, on every run (14 M instructions of a diff's start-up). Anything else
    (the group's own --help, which lists every command; a name that is no command, which gets
    suggestions from all of them) gets the whole app."""
    name = args[0] if args else None
    chosen = [info for info in app.registered_commands if _command_name(info) == name]
    if not chosen:
        return app
    one = copy.copy(app)
    one.registered_commands = chosen
    return one


def _command_name(info: typer.models.CommandInfo) -> str | None:
    """The name typer gives the command (`typer.main.get_command_from_info`'s rule)."""
    if info.name or info.callback is None:
        return info.name
    return typer.main.get_command_name(info.callback.__name__)


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
