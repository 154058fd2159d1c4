"""The command line as typer declares it: every command, its options and its help.

`oasguard.cli.main` runs a plain `diff` without importing any of this (typer and click add 48 M
instructions to a diff's start-up, docs/decisions.md "A diff without typer"); everything else,
help and usage errors included, comes here.
"""

# No `from __future__ import annotations` here: typer reads the options from the annotations, and
# as strings it evaluates each of them twice per command on every run (37 M instructions, issue
# 24, docs/performance.md "Start-up").

import copy
import sys
from pathlib import Path
from typing import Annotated

import typer

from oasguard import __version__
from oasguard.cli import (
    Broker,
    dangling_as_empty,
    fail_threshold,
    generation_options,
    read_evidence,
    run_diff,
)
from oasguard.errors import UsageError
from oasguard.report import Format, render

app = typer.Typer(
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    help="Tell whether a change to an OpenAPI document breaks its clients.",
)

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
    return run_diff(**locals())  # every parameter, by name: the body is oasguard.cli's


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
    lenient = dangling_as_empty(dangling_refs)
    from oasguard.config import load_settings
    from oasguard.engine import Argument, Pair, RunOptions, run

    settings = load_settings(config)
    evidence = read_evidence(
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
    evidence = read_evidence(
        [*(files or []), *(consumers or [])],
        load_settings(config),
        Broker(pact_broker, provider, pact_broker_tag, pact_broker_branch),
    )
    if evidence is None:
        raise UsageError(
            "verify needs evidence: FILE arguments, --consumers [NAME=]GLOB, --pact-broker URL or `consumers`"
        )
    result = run(spec, evidence, base, root, dangling_as_empty(dangling_refs))
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
    threshold = fail_threshold(fail_on or settings.fail_on or "breaking")
    evidence = read_evidence(consumers or [], settings, Broker(None, None))
    options = RunOptions(settings=settings, consumers=evidence)
    generation = generation_options(
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


def only_named(args: list[str]) -> typer.Typer:
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
