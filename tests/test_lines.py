"""Source lines: each change names the file and line of its element, on the side it is read from."""

from __future__ import annotations

import json
import subprocess
from functools import cache
from pathlib import Path, PurePosixPath

import pytest
import yaml

from conftest import CORPUS, FIXTURES, NOWHERE, corpus_pairs, corpus_report, parsed_document, pointer_target
from oasguard.changes import Change, Source
from oasguard.engine import RunOptions, diff, run_deep
from oasguard.load.lines import find_lines
from oasguard.sources import file_spec, git_spec

LINES = FIXTURES / "lines"


def _changes(base: Path, revision: Path, root: Path | None = None) -> list[Change]:
    report = run_deep(
        lambda: diff(file_spec(str(base), root), file_spec(str(revision), root), RunOptions(sources=True))
    )
    return report.changes


def _sources(changes: list[Change]) -> dict[tuple[str, str], Source]:
    return {(change.id, change.pointer): change.source for change in changes}


# --- fixture pairs with exact lines ----------------------------------------------------------------


def test_yaml_block_style():
    folder = LINES / "yaml-block"
    changes = _changes(folder / "base.yaml", folder / "revision.yaml", root=folder)
    assert _sources(changes) == {
        # the line after a comment, inside a list item
        ("request-bound-tightened", "/paths/~1pets/get/parameters/0/schema/maximum"): Source(
            "revision.yaml", 15
        ),
        # a list item: its first line
        ("required-request-parameter-added", "/paths/~1pets/get/parameters/1"): Source("revision.yaml", 16),
        ("response-enum-value-added", "/components/schemas/Pet/properties/status/enum"): Source(
            "revision.yaml", 38
        ),
        ("response-property-added", "/components/schemas/Pet/properties/age"): Source("revision.yaml", 42),
        # removed things: the base's file and line
        ("response-optional-property-removed", "/components/schemas/Pet/properties/tag"): Source(
            "base.yaml", 38, "base"
        ),
        ("path-removed", "/paths/~1stores"): Source("base.yaml", 22, "base"),
    }


def test_yaml_flow_style():
    folder = LINES / "yaml-flow"
    changes = _changes(folder / "base.yaml", folder / "revision.yaml", root=folder)
    schema = "/paths/~1items/get/responses/200/content/application~1json/schema"
    assert _sources(changes) == {
        ("request-bound-tightened", "/paths/~1items/get/parameters/0/schema/minimum"): Source(
            "revision.yaml", 8
        ),
        # `type` of `id`, not the `type: object` written first on the same line's mapping
        ("response-type-changed", f"{schema}/properties/id/type"): Source("revision.yaml", 12),
        # an unquoted integer key
        ("response-status-added", "/paths/~1items/get/responses/404"): Source("revision.yaml", 14),
        ("request-parameter-removed", "/paths/~1items/get/parameters/0"): Source("base.yaml", 7, "base"),
    }


def test_json_with_escapes_and_non_ascii_keys():
    """Strings holding braces, quotes and escapes are skipped whole; a key written raw (UTF-8) or
    escaped (\\u00e9) is the same key; one file is pretty-printed, the other packed."""
    folder = LINES / "json"
    changes = _changes(folder / "base.json", folder / "revision.json", root=folder)
    schema = "/paths/~1cafés~1{id}/get/responses/200/content/application~1json/schema"
    assert _sources(changes) == {
        ("response-type-changed", f"{schema}/properties/naïve/type"): Source("revision.json", 14),
        ("response-enum-value-removed", f"{schema}/properties/size/enum"): Source("base.json", 17, "base"),
        ("operation-added", "/paths/~1a~0b~1c/post"): Source("revision.json", 17),
    }


def test_several_files_name_the_file_the_element_is_in():
    folder = LINES / "multi"
    changes = _changes(folder / "base" / "openapi.yaml", folder / "revision" / "openapi.yaml", root=folder)
    assert _sources(changes) == {
        ("request-required-property-added", "/properties/email"): Source("revision/schemas/user.yaml", 9),
        ("request-property-removed", "/properties/nickname"): Source("base/schemas/user.yaml", 8, "base"),
    }


def test_files_are_named_from_the_repository_root():
    """Without --root, a file inside a git work tree is named from the work tree's top."""
    folder = LINES / "multi"
    changes = _changes(folder / "base" / "openapi.yaml", folder / "revision" / "openapi.yaml")
    top = next(p for p in (folder, *folder.parents) if (p / ".git").exists())
    prefix = folder.relative_to(top).as_posix()
    assert {change.source.file for change in changes} == {
        f"{prefix}/revision/schemas/user.yaml",
        f"{prefix}/base/schemas/user.yaml",
    }


def test_git_revisions(tmp_path):
    """Both sides read from commits: the file as a path from the repository root, the line of
    that revision's text (the working tree holds something else)."""

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True)

    git("init", "-q")
    git("config", "user.email", "t@example.com")
    git("config", "user.name", "t")
    api = tmp_path / "api" / "openapi.yaml"
    api.parent.mkdir()
    block = LINES / "yaml-block"
    api.write_bytes((block / "base.yaml").read_bytes())
    git("add", "-A")
    git("commit", "-q", "-m", "base")
    api.write_bytes((block / "revision.yaml").read_bytes())
    git("commit", "-q", "-am", "revision")
    api.write_text("not: the file that was committed\n" * 3)

    report = run_deep(
        lambda: diff(
            git_spec("HEAD~1", "api/openapi.yaml", cwd=tmp_path),
            git_spec("HEAD", "api/openapi.yaml", cwd=tmp_path),
            RunOptions(sources=True),
        )
    )
    found = _sources(report.changes)
    assert found[("required-request-parameter-added", "/paths/~1pets/get/parameters/1")] == Source(
        "api/openapi.yaml", 16
    )
    assert found[("path-removed", "/paths/~1stores")] == Source("api/openapi.yaml", 22, "base")


def test_without_sources_nothing_is_computed():
    folder = LINES / "yaml-block"
    report = run_deep(
        lambda: diff(file_spec(str(folder / "base.yaml")), file_spec(str(folder / "revision.yaml")))
    )
    assert report.changes and all(change.source is None for change in report.changes)


def test_the_command_writes_lines_only_when_a_format_shows_them(cli, tmp_path):
    """Through the real command: `json` alone carries no source; with `--output sarif=PATH`
    beside it, lines are computed and both outputs carry them; `github` annotations name them."""
    folder = LINES / "yaml-block"
    top = next(p for p in (folder, *folder.parents) if (p / ".git").exists())
    prefix = folder.relative_to(top).as_posix()
    base, revision = str(folder / "base.yaml"), str(folder / "revision.yaml")

    plain = cli("diff", base, revision, "--format", "json")
    assert plain.returncode == 1, plain.stderr
    assert all("source" not in change for change in json.loads(plain.stdout)["changes"])

    sarif = tmp_path / "report.sarif"
    both = cli("diff", base, revision, "--format", "json", "--output", f"sarif={sarif}")
    assert both.returncode == 1, both.stderr
    sources = {change["pointer"]: change["source"] for change in json.loads(both.stdout)["changes"]}
    assert sources["/paths/~1pets/get/parameters/0/schema/maximum"] == {
        "file": f"{prefix}/revision.yaml",
        "line": 15,
    }
    assert sources["/paths/~1stores"] == {"file": f"{prefix}/base.yaml", "line": 22}
    regions = [
        (location["physicalLocation"]["artifactLocation"]["uri"], location["physicalLocation"]["region"])
        for result in json.loads(sarif.read_text())["runs"][0]["results"]
        for location in result["locations"]
    ]
    assert (f"{prefix}/revision.yaml", {"startLine": 16}) in regions

    github = cli("diff", base, revision, "--format", "github")
    assert f"::error file={prefix}/revision.yaml,line=16,title=required-request-parameter-added::" in (
        github.stdout
    )
    assert f"::warning file={prefix}/base.yaml,line=38,title=response-optional-property-removed::" in (
        github.stdout
    )


def test_only_formats_that_show_lines_compute_them(monkeypatch, capsys):
    """A json or text run never reads the files again for lines; the other formats do."""
    from oasguard import cli
    from oasguard.load import lines
    from oasguard.report import Format, reporter

    asked: list[bool] = []
    real = lines.with_sources

    def recording(changes, base, revision):
        asked.append(True)
        return real(changes, base, revision)

    shown: list[list[Source | None]] = []
    monkeypatch.setattr(lines, "with_sources", recording)
    monkeypatch.setattr(
        cli, "render", lambda report, fmt, out, *rest: shown.append([c.source for c in report.changes])
    )
    folder = LINES / "yaml-block"
    for fmt in Format:
        asked.clear()
        with pytest.raises(SystemExit):
            cli.main(
                ["diff", str(folder / "base.yaml"), str(folder / "revision.yaml"), "--format", fmt.value]
            )
        assert bool(asked) == reporter(fmt).needs.sources, fmt
        assert all((source is not None) == reporter(fmt).needs.sources for source in shown[-1]), fmt
    capsys.readouterr()


# --- find_lines on its own -------------------------------------------------------------------------


def test_a_missing_tail_falls_back_to_the_deepest_ancestor():
    text = b'{\n  "a": {\n    "b": 1\n  },\n  "c": [\n    1,\n    {"d": 2}\n  ]\n}\n'
    assert find_lines(text, ["", "/a/b", "/a/x/y", "/c/1/d", "/c/9", "/zz"]) == {
        "": 1,
        "/a/b": 3,
        "/a/x/y": 2,
        "/c/1/d": 7,
        "/c/9": 5,
        "/zz": 1,
    }


PRETTY = b"""\
{
  "skipped": {
    "text": "a } brace and a ] bracket, \\" quote and \\n escapes",
    "deeper": {
      "x": [
        1
      ]
    }
  },
  "a": {
    "x": 1 }, "b": {
    "c": 2
  },
  "d": [
    {
      "e": 3
    }
  ]
}
"""


@pytest.mark.parametrize("with_parsed", [False, True], ids=["scanned", "jumped"])
def test_pretty_json_is_read_the_same_with_or_without_the_parsed_content(with_parsed):
    """With the loader's content, unwanted pretty-printed values are jumped by their indentation;
    `a` closes mid-line, so jumping it would land after `b`: the check of the next key refuses
    the jump and the value is scanned."""
    pointers = ["/skipped/deeper/x/0", "/b/c", "/d/0/e"]
    parsed = json.loads(PRETTY) if with_parsed else None
    assert find_lines(PRETTY, ["/a", "/b", "/d"], parsed) == {"/a": 10, "/b": 11, "/d": 14}
    assert find_lines(PRETTY, pointers, parsed) == {"/skipped/deeper/x/0": 6, "/b/c": 12, "/d/0/e": 16}


def test_yaml_anchors_aliases_and_merge_keys():
    text = b"""\
base: &base
  kept: 1
  over: 2
merged:
  <<: *base
  over: 3
alias: *base
"""
    assert find_lines(text, ["/merged/kept", "/merged/over", "/alias/kept", "/base/over"]) == {
        "/merged/kept": 2,  # written only in the anchored mapping
        "/merged/over": 6,  # the mapping's own key wins over the merged one
        "/alias/kept": 2,
        "/base/over": 3,
    }


def test_flow_yaml_that_starts_like_json():
    text = b"{openapi: 3.0.3,\n paths: {\n  /a: {get: {}}}}\n"
    assert find_lines(text, ["/paths/~1a/get"]) == {"/paths/~1a/get": 3}


def test_yaml_quoted_and_integer_keys_and_tilde_escapes():
    text = b"""\
paths:
  "/a/b":
    get:
      responses:
        200:
          description: ok
  '/x~y':
    put: {}
"""
    assert find_lines(text, ["/paths/~1a~1b/get/responses/200", "/paths/~1x~0y/put"]) == {
        "/paths/~1a~1b/get/responses/200": 5,
        "/paths/~1x~0y/put": 8,
    }


def test_unreadable_text_gives_no_line_and_no_error():
    assert find_lines(b"\xff\xfe: [unclosed", ["/a"]) == {"/a": None}


# --- the corpus ------------------------------------------------------------------------------------


def _pairs() -> list[dict]:
    return corpus_pairs()


def corpus_changes(name: str) -> tuple[tuple[Change, ...], object, object]:
    """The changes of one corpus pair with their sources, and both sides' specs."""
    report, base, revision = corpus_report(name)
    return tuple(report.changes), base, revision


@cache
def side_file(spec: object, file: str) -> tuple[object, list[str]]:
    """A file of one side, parsed on its own (not by oasguard) and split into lines."""
    data = spec.tree.read(PurePosixPath(file))  # type: ignore[attr-defined]
    text = data.decode("utf-8-sig")
    path = Path(spec.tree.root) / file  # type: ignore[attr-defined]
    if path.is_file() and path.read_bytes() == data:  # parsed once for the worker's modules
        return parsed_document(path), text.split("\n")
    document = json.loads(text) if text.lstrip()[:1] in "{[" else yaml.load(data, Loader=yaml.CSafeLoader)
    return document, text.split("\n")


def resolves(change: Change, base: object, revision: object) -> bool:
    document, _ = side_file(base if change.source.side == "base" else revision, change.source.file)
    return pointer_target(document, change.pointer) is not NOWHERE


@pytest.mark.corpus
@pytest.mark.skipif(not (CORPUS / "MANIFEST.json").exists(), reason="no corpus here")
@pytest.mark.parametrize("name", [p["name"] for p in _pairs()])
def test_every_corpus_change_has_a_line_that_holds_its_key(name):
    changes, base, revision = corpus_changes(name)
    missing = [c for c in changes if c.source is None or c.source.line is None]
    assert not missing, f"{len(missing)} changes without a line, e.g. {missing[0]}"
    for change in changes:
        assert change.source.side == ("base" if change.in_base else "revision")
        spec = base if change.in_base else revision
        assert change.source.file == (change.file or spec.path.as_posix())
        tokens = change.pointer.split("/")[1:]
        if not tokens or not resolves(change, base, revision):
            continue  # the pointer's own resolving is checked by test_corpus_pointers.py
        _, lines = side_file(spec, change.source.file)
        line = lines[change.source.line - 1]
        key = tokens[-1].replace("~1", "/").replace("~0", "~")
        if key.isdigit() and key not in line:
            continue  # a list item: its line holds the item, not its index
        assert key in line or json.dumps(key)[1:-1] in line, (
            f"{change.pointer}: line {change.source.line} of {change.source.file} is {line!r}"
        )


@pytest.mark.corpus
@pytest.mark.skipif(not (CORPUS / "MANIFEST.json").exists(), reason="no corpus here")
@pytest.mark.parametrize("name", [p["name"] for p in _pairs()])
def test_corpus_lines_are_the_same_jumped_or_scanned(name):
    """The fast path (jumping unwanted pretty-printed JSON by its indentation, checked against
    the loader's content) finds exactly the lines of the plain scan, on every corpus file."""
    changes, base, revision = corpus_changes(name)
    groups: dict[tuple[str, str], list[str]] = {}
    for change in changes:
        groups.setdefault((change.source.side, change.source.file), []).append(change.pointer)
    for (side, file), pointers in groups.items():
        spec = base if side == "base" else revision
        data = spec.tree.read(PurePosixPath(file))
        if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] not in (b"{", b"["):
            continue  # YAML has one way to its lines, the scan: there is no fast path to check
        document, _ = side_file(spec, file)
        assert find_lines(data, pointers, document) == find_lines(data, pointers), file
