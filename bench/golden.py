"""Record every report oasguard writes for the corpus and the fixtures, to prove a refactoring
changes no byte of output and no exit status.

    python bench/golden.py OUT_DIR                 # record
    python bench/golden.py OUT_DIR --check REF_DIR  # record, then compare with REF_DIR

Runs, for every pair of the corpus's MANIFEST.json and every fixture directory holding one
`base.*` and one `revision.*`: `oasguard diff BASE REVISION --format F` for each format of
`FORMATS`, and `oasguard changelog BASE REVISION`. Then a few runs in a scratch git repository:
`diff --base REF SPEC SPEC` (reports combined), `diff --base REF` alone (discovered documents),
`--fail-on` levels, `--output`, `--validate` on an invalid document, and the pre-commit hook.
Each run's stdout, stderr and exit status go to one file per run in OUT_DIR.

The command line is driven in-process (`oasguard.cli.main`, streams captured, `SystemExit`
caught), in two worker processes, so that the 2,600 runs take minutes, not half an hour.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("OASGUARD_CORPUS", ROOT.parent / "shared" / "corpus"))
if not CORPUS.is_dir():
    CORPUS = Path("/work/shared/corpus")
FORMATS = ("text", "json", "markdown", "github", "sarif", "junit")


def pairs() -> list[tuple[str, str, str]]:
    """(name, base, revision) of every corpus pair (relative to the corpus) and fixture pair
    (relative to the repository), as a user in either folder would type them: no message may
    depend on where this checkout is."""
    found = []
    manifest = json.loads((CORPUS / "MANIFEST.json").read_text())
    for pair in manifest["pairs"]:
        found.append((f"corpus.{pair['name']}", pair["base"], pair["revision"]))
    for base in sorted((ROOT / "fixtures").rglob("base.*")):
        revisions = sorted(base.parent.glob("revision.*"))
        if len(revisions) != 1:
            continue
        name = "fixture." + base.parent.relative_to(ROOT / "fixtures").as_posix().replace("/", ".")
        found.append((name, base.relative_to(ROOT).as_posix(), revisions[0].relative_to(ROOT).as_posix()))
    return found


def runs() -> list[tuple[str, list[str], Path]]:
    """(output file name, arguments, folder run in) of every run on a pair, the large pairs first."""
    todo = []
    for name, base, revision in pairs():
        cwd = CORPUS if name.startswith("corpus.") else ROOT
        size = sum((cwd / path).stat().st_size for path in (base, revision))
        for format in FORMATS:
            todo.append((size, f"{name}.diff.{format}", ["diff", base, revision, "--format", format], cwd))
        todo.append((size, f"{name}.changelog", ["changelog", base, revision], cwd))
    todo.sort(key=lambda run: -run[0])
    return [(name, args, cwd) for _, name, args, cwd in todo]


def run_one(args: list[str], cwd: Path) -> str:
    """stdout, stderr and exit status of `oasguard ARGS` run in `cwd`, as one text."""
    from oasguard.cli import main

    out, err = io.StringIO(), io.StringIO()
    old = Path.cwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main(args)
                code: object = 0
            except SystemExit as done:
                code = done.code if done.code is not None else 0
    finally:
        os.chdir(old)
    return f"exit: {code}\n--- stdout\n{out.getvalue()}--- stderr\n{err.getvalue()}"


def _task(task: tuple[str, list[str], str, str]) -> tuple[str, float]:
    name, args, cwd, out_dir = task
    start = time.perf_counter()
    text = run_one(args, Path(cwd))
    (Path(out_dir) / name).write_text(text, encoding="utf-8")
    return name, time.perf_counter() - start


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def git_runs(scratch: Path) -> list[tuple[str, list[str], Path]]:
    """A repository with three documents at its first commit, two of them changed since."""
    repo = scratch / "repo"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "config", "user.email", "golden@example.com")
    _git(repo, "config", "user.name", "golden")
    petstore = CORPUS / "petstore"
    twilio = CORPUS / "twilio"
    (repo / "a").mkdir()
    (repo / "b").mkdir()
    (repo / "c").mkdir()
    shutil.copy(petstore / "base.yaml", repo / "a" / "openapi.yaml")
    shutil.copy(twilio / "2.6.3" / "twilio_messaging_v1.yaml", repo / "b" / "openapi.yaml")
    shutil.copy(ROOT / "fixtures" / "petstore" / "base.yaml", repo / "c" / "openapi.yaml")
    (repo / "bad.yaml").write_text("openapi: 3.0.3\ninfo: {title: t}\npaths: {}\n")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "base")
    shutil.copy(petstore / "revision.yaml", repo / "a" / "openapi.yaml")
    shutil.copy(twilio / "2.6.5" / "twilio_messaging_v1.yaml", repo / "b" / "openapi.yaml")
    todo: list[tuple[str, list[str], Path]] = []
    for format in FORMATS:
        todo.append(
            (
                f"git.base-two.{format}",
                ["diff", "--base", "HEAD", "a/openapi.yaml", "b/openapi.yaml", "-f", format],
                repo,
            )
        )
        todo.append((f"git.base-alone.{format}", ["diff", "--base", "HEAD", "-f", format], repo))
    todo.append(("git.base-one", ["diff", "--base", "HEAD", "a/openapi.yaml"], repo))
    for level in ("breaking", "warning", "none"):
        todo.append(
            (f"git.fail-on-{level}", ["diff", "--base", "HEAD", "b/openapi.yaml", "--fail-on", level], repo)
        )
        todo.append((f"git.alone-fail-on-{level}", ["diff", "--base", "HEAD", "--fail-on", level], repo))
    todo.append(("git.validate-bad", ["diff", "bad.yaml", "bad.yaml", "--validate"], repo))
    todo.append(("git.validate-good", ["diff", "--base", "HEAD", "a/openapi.yaml", "--validate"], repo))
    todo.append(("git.bad-format", ["diff", "--base", "HEAD", "a/openapi.yaml", "-f", "nope"], repo))
    todo.append(("git.bad-fail-on", ["diff", "--base", "HEAD", "a/openapi.yaml", "--fail-on", "x"], repo))
    todo.append(("git.changelog-ref", ["changelog", "HEAD:a/openapi.yaml", "a/openapi.yaml"], repo))
    return todo


def hook_runs(scratch: Path) -> list[tuple[str, str]]:
    """The hook as pre-commit runs it, with both documents staged (a real process: the hook reads
    the index of the directory it runs in)."""
    repo = scratch / "repo"
    _git(repo, "add", "a/openapi.yaml", "b/openapi.yaml")
    results = []
    for level in ("breaking", "warning", "none"):
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "oasguard",
                "hook",
                "a/openapi.yaml",
                "b/openapi.yaml",
                "c/openapi.yaml",
                "--fail-on",
                level,
            ],
            cwd=repo,
            capture_output=True,
            text=True,
        )
        results.append(
            (
                f"git.hook-{level}",
                f"exit: {done.returncode}\n--- stdout\n{done.stdout}--- stderr\n{done.stderr}",
            )
        )
    return results


def output_run(scratch: Path, out_dir: Path) -> None:
    """`--output` copies next to stdout: every file's bytes."""
    target = scratch / "outputs"
    target.mkdir()
    args = ["diff", "petstore/base.yaml", "petstore/revision.yaml"]
    for format in FORMATS:
        args += ["-o", f"{format}={target / format}"]
    text = run_one(args, CORPUS)
    for format in FORMATS:
        text += f"--- {format}\n" + (target / format).read_text(encoding="utf-8")
    (out_dir / "outputs.all").write_text(text, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--check", type=Path, metavar="REF_DIR")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--only", action="append", metavar="PREFIX", help="only the runs whose name starts so (repeatable)"
    )
    options = parser.parse_args()
    out_dir = options.out.resolve()
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    start = time.perf_counter()
    # a fixed place: a path in a message must not differ between two recordings (two people
    # recording at once each name their own, the same for both of their recordings)
    default = Path(tempfile.gettempdir()) / "oasguard-golden"
    scratch = Path(os.environ.get("OASGUARD_GOLDEN_SCRATCH") or default)
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    try:
        tasks = [(name, args, str(cwd), str(out_dir)) for name, args, cwd in runs()]
        tasks += [(name, args, str(cwd), str(out_dir)) for name, args, cwd in git_runs(scratch)]
        wanted = tuple(options.only or [""])
        tasks = [task for task in tasks if task[0].startswith(wanted)]
        with ProcessPoolExecutor(options.workers) as pool:
            for done, (name, seconds) in enumerate(pool.map(_task, tasks, chunksize=1), 1):
                if seconds > 5:
                    print(f"{done}/{len(tasks)} {name}: {seconds:.1f} s", file=sys.stderr)
        if "git.hook-".startswith(wanted):
            for name, text in hook_runs(scratch):
                (out_dir / name).write_text(text, encoding="utf-8")
        if "outputs.all".startswith(wanted):
            output_run(scratch, out_dir)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    count = len(list(out_dir.iterdir()))
    print(f"{count} runs recorded in {out_dir} in {time.perf_counter() - start:.0f} s")
    if options.check is None:
        return 0
    reference = options.check.resolve()
    names = sorted(p.name for p in out_dir.iterdir())  # with --only, the reference may hold more
    differ = [
        n
        for n in names
        if not (reference / n).exists() or (out_dir / n).read_bytes() != (reference / n).read_bytes()
    ]
    for name in differ:
        print(f"differs: {name}")
    print(f"{len(names) - len(differ)} of {len(names)} identical to {reference}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
