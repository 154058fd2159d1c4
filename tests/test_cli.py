"""The command line as a user meets it: exit statuses, formats, colour, determinism."""

from __future__ import annotations

import json

import pytest

from conftest import FIXTURES, ROOT, run_in_process, run_process

BASE = str(FIXTURES / "petstore" / "base.yaml")
REVISION = str(FIXTURES / "petstore" / "revision.yaml")


def test_json_report_has_every_key_and_exact_summary(cli):
    result = cli("diff", BASE, REVISION, "--format", "json")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    counts = {"breaking": 0, "warning": 0, "safe": 0}
    for change in report["changes"]:
        assert {"id", "level", "message", "operation", "location", "pointer"} <= change.keys()
        assert change["pointer"].startswith("/")
        counts[change["level"]] += 1
    assert report["summary"] == counts
    assert counts["breaking"] == 10  # petId integer -> string is widened as text (SPEC 3.2)


def test_the_same_inputs_give_the_same_bytes(cli):
    first = cli("diff", BASE, REVISION, "--format", "json").stdout
    assert first == cli("diff", BASE, REVISION, "--format", "json").stdout
    assert cli("diff", BASE, REVISION).stdout == cli("diff", BASE, REVISION).stdout


def test_fail_on_chooses_the_level_that_fails(cli):
    assert cli("diff", BASE, REVISION, "--fail-on", "none").returncode == 0
    assert cli("diff", BASE, REVISION, "--fail-on", "warning").returncode == 1
    assert cli("diff", BASE, BASE).returncode == 0
    # only warnings and safe changes: fails on warning, not on breaking
    api = FIXTURES / "rules" / "operation-id-changed"
    assert cli("diff", str(api / "base.yaml"), str(api / "revision.yaml")).returncode == 0
    assert (
        cli("diff", str(api / "base.yaml"), str(api / "revision.yaml"), "--fail-on", "warning").returncode
        == 1
    )


def test_bad_fail_on_is_a_usage_error_naming_the_value(cli):
    result = cli("diff", BASE, REVISION, "--fail-on", "sometimes")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "'sometimes'" in result.stderr


def test_text_report_groups_by_operation_and_has_no_colour_in_a_pipe(cli):
    result = cli("diff", BASE, REVISION)
    assert "\x1b[" not in result.stdout
    lines = result.stdout.splitlines()
    # 19 changes, 13 facts: `name`, `status` and `birthday` of the shared Pet in 3 operations each
    assert lines[-1] == "13 changes, in 19 places: 8 breaking, 1 warning, 4 safe"
    # the most severe groups first: every group with a breaking change before the safe-only one
    assert lines.index("PUT /pets/{petId}") > lines.index("GET /pets")
    assert "✗ breaking new required query parameter 'owner'" in result.stdout


def test_colour_on_a_terminal_unless_no_color(cli):
    forced = cli("diff", BASE, REVISION, env={"FORCE_COLOR": "1", "TTY_COMPATIBLE": "1"})
    assert "\x1b[" in forced.stdout
    plain = cli("diff", BASE, REVISION, env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert (
        "\x1b[" not in plain.stdout.replace("\x1b[1m", "").replace("\x1b[0m", "")
        or "\x1b[31" not in plain.stdout
    )


def test_version(cli):
    result = cli("--version")
    assert result.returncode == 0 and result.stdout.startswith("oasguard ")


def test_the_json_report_is_what_the_standard_encoder_writes():
    """The fast writer gives the bytes of json.dumps(indent=2, ensure_ascii=False), for any text."""
    import json as stdjson

    from oasguard.changes import Change, Level, Report, Step, Subject
    from oasguard.report.json import change_dict, render_json

    tricky = 'quote " backslash \\ tab \t newline \n nul \x00 é 漢 \u2028 emoji 🐍'
    changes = [
        Change("path-added", Level.SAFE, tricky, Subject(steps=(Step("property", tricky),)), "/paths/~1a"),
        Change("operation-removed", Level.BREAKING, "m", Subject("GET", "/x"), "", in_base=True),
    ]
    for report in (Report(changes, "a", "b"), Report([], "a", "b")):
        expected = {"summary": report.summary, "changes": [change_dict(c) for c in report.changes]}
        written = render_json(report)
        assert written == stdjson.dumps(expected, indent=2, ensure_ascii=False) + "\n"
        assert stdjson.loads(written) == expected


#: Commands that reach every way out of the command line: each report format, colour, a document
#: with hostile text, help, a usage error, a missing file, an invalid document, a rule explained.
SAME_IN_PROCESS = {
    "json": ("diff", BASE, REVISION, "--format", "json"),
    "text": ("diff", BASE, REVISION),
    "markdown": ("diff", BASE, REVISION, "--format", "markdown"),
    "sarif": ("diff", BASE, REVISION, "--format", "sarif"),
    "junit": ("diff", BASE, REVISION, "--format", "junit"),
    "changelog": ("changelog", BASE, REVISION),
    "hostile-text": ("diff", "fixtures/hostile/base.yaml", "fixtures/hostile/revision.yaml"),
    "hostile-markdown": (
        "diff",
        "fixtures/hostile/base.yaml",
        "fixtures/hostile/revision.yaml",
        "--format",
        "markdown",
    ),
    "help": ("diff", "--help"),
    "version": ("--version",),
    "usage-error": ("diff", BASE, REVISION, "--fail-on", "sometimes"),
    "no-such-file": ("diff", BASE, "no/such/file.yaml"),
    "invalid-document": ("diff", "fixtures/bad/valid.yaml", "fixtures/bad/not-openapi.yaml"),
    "explain": ("explain", "operation-removed"),
    "no-command": (),
}


#: ... and those whose output has colour when a terminal is forced
COLOURED = ("text", "hostile-text", "help", "usage-error")
PLAIN = {"NO_COLOR": "1"}
FORCED = {"FORCE_COLOR": "1", "TTY_COMPATIBLE": "1"}


@pytest.mark.parametrize(
    ("args", "env"),
    [pytest.param(args, PLAIN, id=name) for name, args in SAME_IN_PROCESS.items()]
    + [pytest.param(SAME_IN_PROCESS[name], FORCED, id=f"{name}-coloured") for name in COLOURED],
)
def test_the_in_process_runner_is_the_real_command(args: tuple[str, ...], env: dict[str, str]):
    """The tests run the command in-process (conftest.run_cli, for speed): for every kind of
    output it gives the exit status and the bytes of `python -m oasguard` in a new process."""
    inside = run_in_process(*args, env=env, cwd=ROOT)
    real = run_process(*args, env=env, cwd=ROOT)
    assert (inside.returncode, inside.stdout, inside.stderr) == (real.returncode, real.stdout, real.stderr)
