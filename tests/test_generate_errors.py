"""Generated documents (SPEC 6) with a generator that is only a shell command over a committed
document: every error names the side and the command and exits 2 with no traceback, nothing is
written into the repository, temporary trees are removed also on failure and on Ctrl-C, and
the cache outside the repository spares a second run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from conftest import FIXTURES, drain, run_cli
from generate_helpers import commit, new_repo, state, temporary_folder

BASE = (FIXTURES / "petstore" / "base.yaml").read_text()
REVISION = (FIXTURES / "petstore" / "revision.yaml").read_text()
#: prints the tree's api.yaml, and counts its runs in $COUNTER (a file outside the repository)
CAT = 'echo run >> "$COUNTER"; cat api.yaml'


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """api.yaml at its base committed; the working tree holds the revision (not committed)."""
    repo = new_repo(tmp_path / "repo")
    (repo / "api.yaml").write_text(BASE)
    (repo / ".gitignore").write_text("ignored/\n")
    commit(repo, "base")
    (repo / "api.yaml").write_text(REVISION)
    return repo


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, dict[str, str]]:
    folder, env = temporary_folder(tmp_path)
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder, {**env, "COUNTER": str(tmp_path / "runs")}


def runs(env: dict[str, str]) -> int:
    counter = Path(env["COUNTER"])
    count = len(counter.read_text().splitlines()) if counter.exists() else 0
    counter.unlink(missing_ok=True)
    return count


def failed(run, *expected: str) -> str:
    """The one error of an exit-2 run, checked for what every such error must hold."""
    assert run.returncode == 2, run.stdout + run.stderr
    assert run.stdout == ""
    assert "Traceback" not in run.stderr
    assert all(line.startswith("oasguard: ") for line in run.stderr.splitlines()), run.stderr
    for text in expected:
        assert text in run.stderr, run.stderr
    return run.stderr


def test_a_shell_command_at_the_base_against_the_working_tree(repo, scratch):
    folder, env = scratch
    before = state(repo)
    run = run_cli("diff", "--base", "HEAD", "--generate", CAT, "--format", "json", cwd=repo, env=env)
    assert run.returncode == 1, run.stderr
    expected = run_cli("diff", "HEAD:api.yaml", "api.yaml", "--format", "json", cwd=repo, env=env)
    assert json.loads(run.stdout)["summary"] == json.loads(expected.stdout)["summary"]
    assert state(repo) == before
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        pytest.param(
            "echo loading >&2; echo 'ImportError: no module named app' >&2; exit 3",
            [
                "failed (exit status 3); its stderr ends:",
                "oasguard: | loading",
                "ImportError: no module named app",
            ],
            id="fails",
        ),
        pytest.param("true", ["printed nothing"], id="prints-nothing"),
        pytest.param("echo '   '", ["printed nothing"], id="prints-blanks"),
        pytest.param(
            'echo \'Starting server...\'; echo \'{"openapi": "3.0.3", "paths": {}}\'',
            ["printed something that is not an OpenAPI document (it begins 'Starting server...')"],
            id="banner-before-json",
        ),
        pytest.param(
            'echo \'{"name": "a package.json"}\'',
            ["is not an OpenAPI document", "package.json"],
            id="json-not-openapi",
        ),
        pytest.param("kill -9 $$", ["failed (killed by signal 9)"], id="killed"),
    ],
)
def test_a_generator_that_fails_names_the_side_and_the_command(repo, scratch, command, expected):
    folder, env = scratch
    before = state(repo)
    run = run_cli("diff", "--base", "HEAD", "--generate", command, cwd=repo, env=env)
    message = failed(run, "base (HEAD): `" + command + "`", *expected)
    assert message.count("\n") <= 11  # the message and at most the last ten lines of stderr
    assert state(repo) == before
    assert list(folder.iterdir()) == []  # both trees removed, also the side not reached


def test_the_working_tree_side_is_named_when_it_alone_fails(repo, scratch):
    _, env = scratch
    (repo / "api.yaml").write_text("not: [an, api]\n")
    run = run_cli("diff", "--base", "HEAD", "--generate", "cat api.yaml", cwd=repo, env=env)
    failed(run, "revision (the working tree): `cat api.yaml` printed something that is not an OpenAPI")


def test_only_the_last_lines_of_a_long_stderr_are_shown(repo, scratch):
    _, env = scratch
    command = "for i in $(seq 1 40); do echo line-$i >&2; done; exit 1"
    message = failed(run_cli("diff", "--base", "HEAD", "--generate", command, cwd=repo, env=env))
    assert "| line-40" in message and "| line-31" in message
    assert "line-30\n" not in message and "line-1\n" not in message


def test_a_python_traceback_is_shown_as_its_last_frame_and_exception(repo, scratch):
    _, env = scratch
    (repo / "gen.py").write_text("def build():\n    raise RuntimeError('no database in CI')\n\nbuild()\n")
    commit(repo, "a generator")
    command = f"{sys.executable} gen.py"
    message = failed(run_cli("diff", "--base", "HEAD", "--generate", command, cwd=repo, env=env))
    assert f"base (HEAD): `{command}` failed (exit status 1); its stderr ends:" in message
    assert 'File "' in message and "line 2, in build" in message
    assert "RuntimeError: no database in CI" in message


def test_hostile_stderr_is_shown_escaped(repo, scratch):
    _, env = scratch
    command = "printf 'evil \\033[31mred\\033[0m ::error::x\\n' >&2; exit 1"
    message = failed(run_cli("diff", "--base", "HEAD", "--generate", command, cwd=repo, env=env))
    assert "\x1b" not in message
    assert "\\x1b[31mred" in message


def test_a_generator_past_its_time_is_killed_with_its_process_group(repo, scratch, tmp_path):
    folder, env = scratch
    pids = tmp_path / "pids"
    # a shell that starts a child of its own: both must die
    command = f"sleep 300 & echo $! > {pids}; sleep 300"
    started = time.monotonic()
    run = run_cli(
        "diff", "--base", "HEAD", "--generate", command, "--generate-timeout", "1.5", cwd=repo, env=env
    )
    assert time.monotonic() - started < 20
    failed(run, f"base (HEAD): `{command}` ran past --generate-timeout (1.5 s) and was killed")
    child = int(pids.read_text())
    assert not _alive(child), "the command's own child outlived the timeout"
    assert list(folder.iterdir()) == []


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie waiting for its parent's reaper is dead too
    status = Path(f"/proc/{pid}/stat")
    return not (status.exists() and status.read_text().split(") ")[-1].startswith("Z"))


def _ctrl_c_default() -> None:  # runs in the child, before exec
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize(("side_by_side", "commands"), [("1", 2), ("0", 1)])
def test_ctrl_c_kills_the_commands_and_removes_the_trees(repo, tmp_path, side_by_side, commands):
    """SIGINT to oasguard (a terminal's Ctrl-C) while the commands run (both side by side, or
    the base's alone): it ends at once, the commands' process groups are killed, the temporary
    trees removed."""
    folder, env = temporary_folder(tmp_path)
    pids = tmp_path / "pids"
    command = f"echo $$ >> {pids}; sleep 300"
    process = subprocess.Popen(
        [sys.executable, "-m", "oasguard", "diff", "--base", "HEAD", "--generate", command],
        cwd=repo,
        env={**os.environ, **env, "OASGUARD_GENERATE_SIDE_BY_SIDE": side_by_side},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # as a terminal's foreground command: Ctrl-C not ignored, also when this run was started
        # in the background of a shell without job control (`cmd &` in a script), whose
        # children inherit SIGINT ignored
        preexec_fn=_ctrl_c_default,
    )
    deadline = time.monotonic() + 60
    while (not pids.exists() or len(pids.read_text().split()) < commands) and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.3)  # long enough for a second command to start, were it to
    shells = [int(pid) for pid in pids.read_text().split()]
    assert len(shells) == commands and len(list(folder.iterdir())) == 2  # both sides' folders made
    before = state(repo)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    assert process.returncode not in (0, 1), err
    assert "Traceback" not in err
    assert not any(_alive(pid) for pid in shells)
    assert list(folder.iterdir()) == []
    assert state(repo) == before


def test_a_command_that_writes_writes_into_its_temporary_tree(repo, scratch):
    folder, env = scratch
    before = state(repo)
    command = "mkdir -p out && cp api.yaml out/openapi.yaml && rm api.yaml && echo generated > NOTES"
    run = run_cli(
        "diff", "--base", "HEAD", "--generate", command, "--generated-file", "out/openapi.yaml",
        cwd=repo, env=env,
    )  # fmt: skip
    assert run.returncode == 1, run.stderr
    assert state(repo) == before  # api.yaml still there, no out/, no NOTES
    assert list(folder.iterdir()) == []


def test_generated_file_errors(repo, scratch):
    _, env = scratch
    missing = run_cli(
        "diff",
        "--base",
        "HEAD",
        "--generate",
        "true",
        "--generated-file",
        "build/api.json",
        cwd=repo,
        env=env,
    )
    failed(missing, "base (HEAD): `true` did not write build/api.json")
    empty = run_cli(
        "diff",
        "--base",
        "HEAD",
        "--generate",
        ": > out.json",
        "--generated-file",
        "out.json",
        cwd=repo,
        env=env,
    )
    failed(empty, "`: > out.json` wrote an empty out.json")
    # a committed copy of the file is not taken for the command's output
    commit_copy = repo / "api.json"
    commit_copy.write_text(
        json.dumps({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}})
    )
    commit(repo, "a stale copy of the document")
    stale = run_cli(
        "diff", "--base", "HEAD", "--generate", "true", "--generated-file", "api.json", cwd=repo, env=env
    )
    failed(stale, "base (HEAD): `true` did not write api.json")


@pytest.mark.parametrize(
    "command", ["printf 'openapi: 3.0.3\\npaths: [\\n'", "echo 'Starting server...'; cat api.yaml"]
)
def test_a_document_that_loads_badly_is_named_by_side_and_command(repo, scratch, command):
    _, env = scratch
    message = failed(run_cli("diff", "--base", "HEAD", "--generate", command, cwd=repo, env=env))
    assert f"base (HEAD): the output of `{command}`:" in message
    assert "invalid YAML" in message


def test_unknown_revision(repo, scratch):
    _, env = scratch
    run = run_cli("diff", "--base", "no-such-branch", "--generate", CAT, cwd=repo, env=env)
    failed(run, "base (no-such-branch): unknown git revision 'no-such-branch'")
    dash = run_cli("diff", "--base=--output=x", "--generate", CAT, cwd=repo, env=env)
    failed(dash, "is not a git revision")
    assert not (repo / "x").exists()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--base", "HEAD", "--generate", "cat api.yaml", "--fastapi-app", "a:b"], "give one of"),
        (["--base", "HEAD", "--generated-file", "x.json"], "--generated-file goes with --generate"),
        (["--base", "HEAD", "--generate-timeout", "5"], "--generate-timeout goes with"),
        (["--base", "HEAD", "--no-generate-cache", "api.yaml"], "--no-generate-cache goes with"),
        (["--base", "HEAD", "--generate", "cat api.yaml", "a.yaml", "b.yaml"], "takes no SPEC but the file"),
        (["--base", "HEAD", "--fastapi-app", "app:app", "api.yaml"], "takes no SPEC but the file"),
        (["HEAD", "--generate", "cat api.yaml"], "two revisions"),
        (["--base", "HEAD", "--fastapi-app", "app.main"], "'app.main' is not MODULE:ATTR"),
        (
            ["--base", "HEAD", "--fastapi-app", "app:app", "--generated-file", "x"],
            "--generated-file goes with",
        ),
        (
            ["--base", "HEAD", "--generate", "cat api.yaml", "--generate-timeout", "0"],
            "--generate-timeout: 0",
        ),
        (["--base", "HEAD", "--generate", "  "], "--generate: the command is empty"),
        (["--base", "HEAD", "--generate", "x", "--generated-file", "../out.json"], "inside the tree"),
        (["--base", "HEAD", "--generate", "x", "--fastapi-python", "python3"], "--fastapi-python goes with"),
    ],
)
def test_usage_errors(repo, scratch, args, expected):
    _, env = scratch
    failed(run_cli("diff", *args, cwd=repo, env=env), expected)
    assert runs(env) == 0


def test_outside_a_repository(tmp_path, scratch):
    _, env = scratch
    (tmp_path / "plain").mkdir()
    run = run_cli("diff", "--base", "HEAD", "--generate", "cat api.yaml", cwd=tmp_path / "plain", env=env)
    failed(run, "need a git repository")


def test_the_cache_spares_an_unchanged_side(repo, scratch, tmp_path):
    _, env = scratch
    diff = ("diff", "--base", "HEAD", "--generate", CAT, "--format", "json")
    first = run_cli(*diff, cwd=repo, env=env)
    assert first.returncode == 1 and runs(env) == 2
    again = run_cli(*diff, cwd=repo, env=env)
    assert again.stdout == first.stdout and runs(env) == 0  # both sides from the cache
    cached = list((tmp_path / "cache" / "oasguard" / "generated").iterdir())
    assert len(cached) == 2
    (repo / "api.yaml").write_text(REVISION.replace("List all pets", "List every pet"))
    assert run_cli(*diff, cwd=repo, env=env).returncode == 1 and runs(env) == 1  # the working tree changed
    (repo / "notes.txt").write_text("an untracked file is part of the working tree\n")
    assert run_cli(*diff, cwd=repo, env=env).returncode == 1 and runs(env) == 1
    (repo / "ignored").mkdir()
    (repo / "ignored" / "big.bin").write_text("ignored files are not copied\n")
    assert run_cli(*diff, cwd=repo, env=env).returncode == 1 and runs(env) == 0
    other_command = ("diff", "--base", "HEAD", "--generate", CAT + " ", "--format", "json")
    assert run_cli(*other_command, cwd=repo, env=env).returncode == 1 and runs(env) == 2
    fresh = run_cli(*diff, "--no-generate-cache", cwd=repo, env=env)
    assert fresh.returncode == 1 and runs(env) == 2


def test_a_failure_is_not_cached(repo, scratch):
    _, env = scratch
    flaky = f'echo run >> "$COUNTER"; test -f {repo.parent / "ready"} || exit 1; cat api.yaml'
    failed(
        run_cli("diff", "--base", "HEAD", "--generate", flaky, cwd=repo, env=env), "failed (exit status 1)"
    )
    assert runs(env) >= 1
    (repo.parent / "ready").write_text("")
    assert run_cli("diff", "--base", "HEAD", "--generate", flaky, cwd=repo, env=env).returncode == 1
    assert runs(env) == 2


def test_no_cache_inside_the_repository(repo, scratch):
    _, env = scratch
    env = {**env, "XDG_CACHE_HOME": str(repo / ".cache")}
    (repo / ".gitignore").write_text("ignored/\n.cache/\n")
    commit(repo, "ignore .cache")
    run = run_cli("diff", "--base", "HEAD", "--generate", CAT, cwd=repo, env=env)
    assert run.returncode == 0, run.stderr
    assert not (repo / ".cache").exists()


def test_the_working_tree_copy_holds_untracked_files_and_not_ignored_ones(repo, scratch):
    _, env = scratch
    (repo / "extra.yaml").write_text(REVISION)
    (repo / "ignored").mkdir()
    (repo / "ignored" / "api.yaml").write_text(REVISION)
    untracked = run_cli(
        "diff", "--base", "HEAD", "--generate", "test -f extra.yaml && cat api.yaml", cwd=repo, env=env
    )
    failed(untracked, "base (HEAD)")  # extra.yaml is not at HEAD ...
    assert "revision" not in untracked.stderr  # ... but is in the working tree
    ignored = run_cli("diff", "--base", "HEAD", "--generate", "cat ignored/api.yaml", cwd=repo, env=env)
    failed(ignored, "base (HEAD)")
    os.symlink("api.yaml", repo / "link.yaml")
    linked = run_cli("diff", "HEAD", "HEAD", "--generate", "cat api.yaml", cwd=repo, env=env)
    assert linked.returncode == 0, linked.stderr


def test_configuration_generate_key(repo, scratch):
    _, env = scratch
    (repo / ".oasguard.yaml").write_text(f"generate: '{CAT}'\ngenerated-file: null\n")
    run = run_cli("diff", "--base", "HEAD", "--format", "json", cwd=repo, env=env)
    assert run.returncode == 1, run.stderr
    assert runs(env) == 2
    # documents named on the command line are files: the configured command is not used
    files = run_cli("diff", "HEAD:api.yaml", "api.yaml", cwd=repo, env=env)
    assert files.returncode == 1 and runs(env) == 0


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ("generate: ''\n", "generate: '' is not a non-empty string"),
        ("generate: x\nfastapi-app: a:b\n", "fastapi-app: cannot be set with generate"),
        ("generated-file: x.json\n", "generated-file: names the file the `generate` command writes"),
        ("fastapi-app: nope\n", "fastapi-app: 'nope' is not MODULE:ATTR"),
        ("generate: x\ngenerate-timeout: -1\n", "generate-timeout: -1 is not a number of seconds"),
        ("generate: x\ngenerate-timeout: true\n", "generate-timeout: True is not a number"),
        ("generate: x\nspecs: [api.yaml]\n", "generate: cannot be set with specs"),
    ],
)
def test_configuration_errors(repo, scratch, config, expected):
    _, env = scratch
    (repo / ".oasguard.yaml").write_text(config)
    failed(run_cli("diff", "--base", "HEAD", cwd=repo, env=env), ".oasguard.yaml: " + expected)


@pytest.mark.parametrize("side_by_side", ["1", "0"])
def test_the_engine_opens_generated_sides_itself(repo, scratch, monkeypatch, side_by_side):
    """engine.run with two `Generated` sides (the API, not the command line): the pair is
    opened on the run's own thread and its trees are removed after."""
    from oasguard.engine import Generated, Pair, RunOptions, run
    from oasguard.generate import Job, Recipe, Revision, WorkingTree

    folder, env = scratch
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("OASGUARD_GENERATE_SIDE_BY_SIDE", side_by_side)
    recipe = Recipe(command=CAT)
    pair = Pair(
        Generated(Job(Revision(repo, "HEAD"), recipe, "base")),
        Generated(Job(WorkingTree(repo), recipe, "revision")),
    )
    report = run([pair], RunOptions())
    assert report.base == "HEAD (generated)" and report.revision == "the working tree (generated)"
    assert {change.id for change in report.changes} >= {"required-request-parameter-added"}
    assert runs(env) == 2
    assert list(folder.iterdir()) == []


def test_what_a_command_leaves_running_is_killed_when_it_ends(repo, scratch, tmp_path):
    """A generator that starts a server in the background (which holds stdout open) and prints
    the document: the run does not wait for the server, and the server does not outlive it."""
    folder, env = scratch
    pids = tmp_path / "pids"
    command = f"sleep 300 & echo $! >> {pids}; cat api.yaml"
    started = time.monotonic()
    run = run_cli(
        "diff", "--base", "HEAD", "--generate", command, "--generate-timeout", "60", cwd=repo, env=env
    )
    assert run.returncode == 1, run.stderr
    assert time.monotonic() - started < 30
    assert not any(_alive(int(pid)) for pid in pids.read_text().split())
    assert list(folder.iterdir()) == []


def test_with_base_a_spec_names_the_file_the_command_writes(repo, scratch):
    _, env = scratch
    command = "mkdir -p build && cp api.yaml build/openapi.yaml"
    named = run_cli("diff", "--base", "HEAD", "--generate", command, "build/openapi.yaml", cwd=repo, env=env)
    assert named.returncode == 1, named.stderr
    option = run_cli(
        "diff",
        "--base",
        "HEAD",
        "--generate",
        command,
        "--generated-file",
        "build/openapi.yaml",
        cwd=repo,
        env=env,
    )
    assert option.stdout == named.stdout
    both = run_cli(
        "diff", "--base", "HEAD", "--generate", command, "--generated-file", "x.yaml", "build/openapi.yaml",
        cwd=repo, env=env,
    )  # fmt: skip
    failed(both, "takes no SPEC but the file")


def test_a_missing_program(repo, scratch, tmp_path):
    _, env = scratch
    shell = run_cli("diff", "--base", "HEAD", "--generate", "no-such-generator --openapi", cwd=repo, env=env)
    failed(shell, "base (HEAD): `no-such-generator --openapi` failed (exit status 127)", "not found")
    python = tmp_path / "no" / "python"
    args = ("--fastapi-app", "app.main:app", "--fastapi-python", str(python))
    missing = run_cli("diff", "--base", "HEAD", *args, cwd=repo, env=env)
    failed(missing, f"base (HEAD): cannot run `--fastapi-app app.main:app`: {python}: No such file")


def test_a_terminal_is_told_that_the_documents_are_being_generated(repo, tmp_path):
    import pty

    _, env = temporary_folder(tmp_path)
    master, slave = pty.openpty()
    environment = {k: v for k, v in os.environ.items() if k != "CI"} | env | {"TERM": "xterm"}
    process = subprocess.Popen(
        [sys.executable, "-m", "oasguard", "diff", "--base", "HEAD", "--generate", "sleep 1; cat api.yaml"],
        stdout=subprocess.PIPE,
        stderr=slave,
        env={**environment, "OASGUARD_PROGRESS_AFTER": "0", "COUNTER": str(tmp_path / "runs")},
        cwd=repo,
    )
    os.close(slave)
    stdout = process.stdout.read().decode() if process.stdout else ""
    process.wait(timeout=120)
    screen = drain(master)
    assert process.returncode == 1
    assert "oasguard: generating the documents" in screen.decode(errors="replace")
    assert "generating" not in stdout


def test_sigterm_is_handled_as_ctrl_c(repo, tmp_path):
    """A CI job cancelled sends SIGTERM: the commands' groups are killed and the trees removed."""
    folder, env = temporary_folder(tmp_path)
    pids = tmp_path / "pids"
    command = f"echo $$ >> {pids}; sleep 300"
    process = subprocess.Popen(
        [sys.executable, "-m", "oasguard", "diff", "--base", "HEAD", "--generate", command],
        cwd=repo,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not pids.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.3)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=30)
    assert process.returncode not in (0, 1), err
    assert "Traceback" not in err
    assert not any(_alive(int(pid)) for pid in pids.read_text().split())
    assert list(folder.iterdir()) == []
