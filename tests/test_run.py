"""One run: the options a run takes, the sides it opens and always closes, the reporters it
writes with, and `--validate`'s errors, through the command where a user sees them."""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import FIXTURES
from oasguard.changes import Level
from oasguard.engine import Pair, RunOptions, run
from oasguard.errors import LoadError
from oasguard.report import Format, Needs, RenderOptions, reporter
from oasguard.sources import Spec, file_spec

PETSTORE = FIXTURES / "petstore"


@dataclass(frozen=True)
class Copied:
    """A side that copies a document into a scratch folder and removes the folder on exit, as a
    generated document's side will: what the run must always clean up."""

    source: Path
    scratch: Path

    @property
    def label(self) -> str:
        return self.source.name

    @contextmanager
    def open(self) -> Iterator[Spec]:
        self.scratch.mkdir()
        try:
            target = self.scratch / self.source.name
            shutil.copy(self.source, target)
            yield file_spec(str(target), self.scratch)
        finally:
            shutil.rmtree(self.scratch)

    def size(self) -> int:
        return 0


def test_a_side_that_makes_files_is_cleaned_up_after_the_run(tmp_path: Path):
    pair = Pair(
        Copied(PETSTORE / "base.yaml", tmp_path / "a"), Copied(PETSTORE / "revision.yaml", tmp_path / "b")
    )
    report = run([pair], RunOptions())
    assert report.changes and report.base == "base.yaml" and report.revision == "revision.yaml"
    assert list(tmp_path.iterdir()) == []


def test_a_side_that_makes_files_is_cleaned_up_when_the_other_side_fails(tmp_path: Path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a: {$ref: '#/nowhere'}\n")
    pair = Pair(Copied(PETSTORE / "base.yaml", tmp_path / "a"), Copied(broken, tmp_path / "b"))
    with pytest.raises(LoadError, match="nowhere"):
        run([pair], RunOptions())
    assert sorted(path.name for path in tmp_path.iterdir()) == ["broken.yaml"]


def test_a_side_is_cleaned_up_when_the_other_cannot_be_opened(tmp_path: Path):
    pair = Pair(
        Copied(PETSTORE / "base.yaml", tmp_path / "a"), Copied(tmp_path / "missing.yaml", tmp_path / "b")
    )
    with pytest.raises(OSError):
        run([pair], RunOptions())
    assert list(tmp_path.iterdir()) == []


def test_fails_is_the_fail_on_threshold(cli):
    report = run([Pair(*_sides(PETSTORE))], RunOptions())
    assert report.worst() is Level.BREAKING
    assert report.fails(Level.BREAKING) and report.fails(Level.WARNING) and not report.fails(None)
    for level, status in (("breaking", 1), ("warning", 1), ("none", 0)):
        done = cli("diff", str(PETSTORE / "base.yaml"), str(PETSTORE / "revision.yaml"), "--fail-on", level)
        assert done.returncode == status, (level, done.stderr)


def _sides(folder: Path):
    from oasguard.engine import Argument

    return Argument(str(folder / "base.yaml")), Argument(str(folder / "revision.yaml"))


def test_every_format_has_a_reporter_that_says_what_it_needs():
    report = run([Pair(*_sides(PETSTORE))], RunOptions(sources=True))
    shows_lines = {Format.MARKDOWN, Format.GITHUB, Format.SARIF, Format.JUNIT, Format.GITLAB, Format.HTML}
    for format in Format:
        chosen = reporter(format)
        shows_shapes = format in (Format.MARKDOWN, Format.HTML)
        assert chosen.needs == Needs(sources=format in shows_lines, shapes=shows_shapes), format
        out = io.StringIO()
        chosen.render_diff(report, out, RenderOptions())
        assert out.getvalue().strip(), format


def test_the_changelog_is_a_format_of_diff_and_the_changelog_command_writes_the_same(cli):
    base, revision = str(PETSTORE / "base.yaml"), str(PETSTORE / "revision.yaml")
    command = cli("changelog", base, revision)
    as_format = cli("diff", base, revision, "--format", "changelog", "--fail-on", "none")
    assert command.returncode == 0 and as_format.returncode == 0
    assert command.stdout.startswith("# Changelog\n") and "## Breaking" in command.stdout
    assert as_format.stdout == command.stdout


def test_validate_reports_every_violation_one_line_each_and_exits_2(cli, tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("openapi: 3.0.3\ninfo: {title: t}\npaths:\n  /a:\n    get: {responses: {'200': {}}}\n")
    done = cli("diff", str(bad), str(PETSTORE / "revision.yaml"), "--validate")
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) >= 2, done.stderr  # info.version and the response
    assert all(line.startswith("oasguard: ") and "bad.yaml: /" in line for line in lines), done.stderr
    assert any("/info: 'version' is a required property" in line for line in lines)
    assert any("/paths/~1a/get/responses/200: " in line for line in lines)
    assert "Traceback" not in done.stderr


def test_validate_passes_valid_documents_on_to_the_comparison(cli):
    done = cli(
        "diff", str(PETSTORE / "base.yaml"), str(PETSTORE / "revision.yaml"), "--validate", "-f", "json"
    )
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["summary"]["breaking"] > 0


def test_several_specs_against_a_revision_make_one_report_sorted_by_document(tmp_path: Path):
    from repos import Repo, api, op, query

    repo = Repo(tmp_path / "repo")
    for name in ("b", "a"):
        repo.write(f"{name}/openapi.yaml", api({"/x": {"get": op()}}))
    repo.commit()
    repo.write("b/openapi.yaml", api({"/x": {"get": op(parameters=[query("q", required=True)])}}))
    repo.write("a/openapi.yaml", api({}))
    done = repo.oasguard("diff", "--base", "HEAD", "b/openapi.yaml", "a/openapi.yaml", "-f", "json")
    assert done.returncode == 1, done.stderr
    changes = json.loads(done.stdout)["changes"]
    assert [c["document"] for c in changes] == ["a/openapi.yaml", "b/openapi.yaml"]
    assert [c["id"] for c in changes] == ["path-removed", "required-request-parameter-added"]


def test_the_report_of_one_pair_names_its_sides_and_of_several_names_each_document():
    one = Pair(*_sides(PETSTORE))
    alone = run([one], RunOptions())
    assert (alone.base, alone.revision) == (one.base.label, one.revision.label)
    assert {change.document for change in alone.changes} == {None}
    both = run([Pair(one.base, one.revision, "first"), Pair(one.base, one.revision, "second")], RunOptions())
    assert both.base == both.revision == ""
    assert [c.document for c in both.changes] == ["first"] * len(alone.changes) + ["second"] * len(
        alone.changes
    )
