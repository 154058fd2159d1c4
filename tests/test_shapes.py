"""Shape diffs (issue 22): each affected body and the parameters of an operation with a breaking
change or a warning, before and after, along the changed branches only.

`fixtures/shapes/` changes `User` (returned by GET /users/{id}): `created_at` renamed to
`createdAt`, `avatar_url` removed, `karma` retyped, `tags[].color` retyped inside an array, a
`Bird` variant added to the `pet` oneOf; the query parameter `page_size` renamed, `limit`'s
maximum and the POST body's `name` maxLength tightened; GET /health only gains a property (safe).
`fixtures/shapes/hostile/` names properties and a parameter with fences, newlines and HTML."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest

from conftest import GITHUB_PAIR, ROOT, run_cli, run_process
from formats_helpers import parse_markdown
from oasguard.changes import Report, Shape, ShapeLine
from oasguard.engine import File, Pair, RunOptions, run
from oasguard.report import Format, RenderOptions, needs
from oasguard.report.markdown import GITHUB_LIMIT, markdown_report
from oasguard.report.shapes import MAX_LINES

SHAPES = ("fixtures/shapes/base.yaml", "fixtures/shapes/revision.yaml")
PETSTORE = ("fixtures/petstore/base.yaml", "fixtures/petstore/revision.yaml")
HOSTILE = ("fixtures/shapes/hostile/base.yaml", "fixtures/shapes/hostile/revision.yaml")
GITHUB = GITHUB_PAIR


@cache
def report(pair: tuple[str, str] = SHAPES, shapes: bool = True) -> Report:
    base, revision = (str(ROOT / path) for path in pair)
    return run([Pair(File(base), File(revision))], RunOptions(shapes=shapes, sources=True))


def shape(pair: tuple[str, str], operation: str, title: str) -> Shape:
    found = [s for s in report(pair).shapes if s.operation == operation and s.title == title]
    assert len(found) == 1, [(s.operation, s.title) for s in report(pair).shapes]
    return found[0]


def drawn(found: Shape) -> list[tuple[str, int, str]]:
    return [(line.mark, line.depth, line.text) for line in found.lines]


def message(pair: tuple[str, str], rule: str) -> str:
    (change,) = [c for c in report(pair).changes if c.id == rule]
    return change.message


def test_petstore_response_shows_the_removed_and_added_properties_among_their_siblings():
    assert drawn(shape(PETSTORE, "GET /pets", "response 200 application/json")) == [
        (" ", 0, "["),
        (" ", 1, "{"),
        (" ", 2, '"id": integer (int64)'),
        ("-", 2, '"name": string'),
        (" ", 2, '"tag": string'),
        (" ", 2, '"status": string, enum +adopted'),
        ("+", 2, '"birthday": string (date)'),
        (" ", 1, "}"),
        (" ", 0, "]"),
    ]
    assert drawn(shape(PETSTORE, "GET /pets", "parameters")) == [
        (" ", 0, "limit (query): integer (int32), maximum none → 100"),
        (" ", 0, "status (query): string, enum -sold"),
        ("+", 0, "owner (query): string, required"),
        ("+", 0, "sort (query): string"),
    ]
    assert drawn(shape(PETSTORE, "POST /pets", "request body application/json")) == [
        (" ", 0, "{"),
        (" ", 1, '"name": string'),
        (" ", 1, '"tag": string, optional → required'),
        (" ", 0, "}"),
    ]


def test_only_operations_with_a_breaking_change_or_a_warning_and_only_their_affected_parts():
    shown = {(s.operation, s.title) for s in report(PETSTORE).shapes}
    assert shown == {
        ("GET /pets", "parameters"),
        ("GET /pets", "response 200 application/json"),
        ("GET /pets/{petId}", "response 200 application/json"),
        ("POST /pets", "request body application/json"),
        ("POST /pets", "response 201 application/json"),
    }  # not PUT (added), nor GET /pets/{petId}'s parameters (a safe change), nor removed media
    assert not [s for s in report(SHAPES).shapes if s.operation == "GET /health"]  # safe only


def test_rename_removal_retype_nested_array_and_variant_each_appear_as_specified():
    lines = drawn(shape(SHAPES, "GET /users/{id}", "response 200 application/json"))
    assert lines == [
        (" ", 0, "{"),
        (" ", 1, "…"),
        (" ", 1, '"userName": string'),
        ("-", 1, '"avatar_url": string | null'),  # removed
        ("-", 1, '"created_at": string (date-time)'),  # renamed, where it was
        ("+", 1, '"createdAt": string (date-time)'),
        ("-", 1, '"karma": integer'),  # retyped
        ("+", 1, '"karma": string'),
        (" ", 1, '"location": string'),
        (" ", 1, "…"),
        (" ", 1, '"email": string'),
        (" ", 1, '"tags": ['),  # a nested array, opened only along the changed branch
        (" ", 2, "{"),
        (" ", 3, '"name": string'),
        ("-", 3, '"color": string'),
        ("+", 3, '"color": integer'),
        (" ", 3, '"weight": number'),
        (" ", 2, "}"),
        (" ", 1, "]"),
        (" ", 1, '"pet": oneOf'),  # the variants as alternatives
        (" ", 2, "| Cat: object"),
        (" ", 2, "| Dog: object"),
        ("+", 2, "| Bird: object"),
        (" ", 0, "}"),
    ]
    found = shape(SHAPES, "GET /users/{id}", "response 200 application/json")
    rename = message(SHAPES, "response-property-renamed")
    assert [line.note for line in found.lines if "created" in line.text] == [rename, rename]
    assert [line.note for line in found.lines if line.note] == [rename, rename]  # the rest is drawn


def test_constraint_changes_read_before_and_after_on_one_line():
    parameters = shape(SHAPES, "GET /users/{id}", "parameters")
    renamed = message(SHAPES, "request-parameter-renamed")
    assert [(line.mark, line.text, line.note) for line in parameters.lines] == [
        (" ", "…", ""),
        (" ", "fields (query): string", ""),
        (" ", "limit (query): integer, maximum 100 → 50", ""),
        ("-", "page_size (query): integer", renamed),
        ("+", "pageSize (query): integer", renamed),
        (" ", "expand (query): boolean", ""),
        (" ", "…", ""),
    ]
    body = shape(SHAPES, "POST /users", "request body application/json")
    assert drawn(body) == [
        (" ", 0, "{"),
        (" ", 1, '"name": string, maxLength 100 → 50'),
        (" ", 1, '"email": string (email)'),
        (" ", 1, "…"),
        (" ", 0, "}"),
    ]


def _names(found: Shape) -> list[tuple[ShapeLine, str]]:
    """(line, the property, parameter or variant it draws) for every line that draws one."""
    named = re.compile(r'^(?:"((?:[^"\\]|\\.)*)"|\| ([^:]+)|([^ ]+) \((?:query|path|header|cookie)\))')
    found_names = []
    for line in found.lines:
        match = named.match(line.text)
        if match:
            name = match[1] if match[1] is not None else match[2] or match[3]
            found_names.append((line, json.loads(f'"{name}"') if match[1] is not None else name))
    return found_names


def _changed_names(shaped: Report, operation: str) -> set[str]:
    """Every name a change of `operation` is about: its steps' labels, a rename's former name,
    an added or removed variant."""
    names: set[str] = set()
    for change in shaped.changes:
        if change.operation != operation:
            continue
        names.update(step.label for step in change.subject.steps)
        names.update(
            f"{step.label}"[len("oneOf[") : -1] for step in change.subject.steps if step.kind == "variant"
        )
        names.update(
            f"{step.label}"[len("anyOf[") : -1] for step in change.subject.steps if step.kind == "variant"
        )
        if change.subject.former:
            names.add(change.subject.former)
        if "variant" in change.args:
            names.add(str(change.args["variant"]).strip("'"))
    return names


def _only_context_unless_changed(shaped: Report) -> int:
    checked = 0
    for found in shaped.shapes:
        changed = _changed_names(shaped, found.operation)
        for line, name in _names(found):
            if name not in changed:
                assert line.mark == " " and "→" not in line.text and not line.note, (found.title, line)
                checked += 1
    return checked


def test_a_property_that_did_not_change_is_only_context():
    assert _only_context_unless_changed(report(SHAPES)) >= 8
    assert _only_context_unless_changed(report(PETSTORE)) >= 4


def test_on_the_github_pair_every_marked_line_is_a_change_and_every_shape_is_capped():
    if not all(path.exists() for path in GITHUB):
        pytest.skip("the GitHub corpus pair (../shared/corpus/github) is not here")
    shaped = run([Pair(File(str(GITHUB[0])), File(str(GITHUB[1])))], RunOptions(shapes=True))
    assert len(shaped.shapes) > 100
    assert _only_context_unless_changed(shaped) > 1000
    assert all(len(found.lines) <= MAX_LINES for found in shaped.shapes)
    capped = [found for found in shaped.shapes if len(found.lines) == MAX_LINES]
    assert all(re.fullmatch(r"… \d+ more lines", found.lines[-1].text) for found in capped)
    serious = {c.operation for c in shaped.changes if c.level.value in ("breaking", "warning")}
    assert {found.operation for found in shaped.shapes} <= serious
    # the Markdown comment: every change of the report without shapes is still there, in full
    plain = markdown_report(replace(shaped, shapes=()), RenderOptions())
    full = markdown_report(shaped, RenderOptions())
    assert len(full) < GITHUB_LIMIT and "<summary>Shapes: " in full
    assert _without_shapes(full) == plain


def _without_shapes(text: str) -> str:
    """A Markdown report with its shape diffs taken out."""
    text = re.sub(r"<details>\n<summary>Shapes: .*?\n</details>\n\n", "", text, flags=re.DOTALL)
    return re.sub(r"\*Shapes of \d+ more operations? not shown here .*?\*\n\n", "", text)


def test_markdown_folds_each_operations_shapes_after_its_section_and_cuts_them_before_changes():
    shaped = report(PETSTORE)
    full = markdown_report(shaped, RenderOptions())
    assert _without_shapes(full) == markdown_report(replace(shaped, shapes=()), RenderOptions())
    breaking, warnings = full.index("### ❌ Breaking"), full.index("### ⚠️ Warnings")
    assert breaking < full.index("<summary>Shapes: GET /pets</summary>") < warnings
    page = parse_markdown(full)
    assert [info for info, _ in page.fences] == ["diff"] * len(shaped.shapes)
    # a budget too small for any shape: the changes stay, the shapes say how many were left out
    import oasguard.report.markdown as markdown_module

    small = markdown_module.BUDGET
    try:
        markdown_module.BUDGET = len(_without_shapes(full)) + 400
        cut = markdown_report(shaped, RenderOptions())
        plain = markdown_report(replace(shaped, shapes=()), RenderOptions())
    finally:
        markdown_module.BUDGET = small
    assert "*Shapes of 3 more operations not shown here" in cut and "<summary>Shapes" not in cut
    assert _without_shapes(cut) == plain


def test_hostile_names_cannot_break_the_markdown_fence_or_inject_html():
    result = run_cli("diff", "--format", "markdown", *HOSTILE, cwd=ROOT)
    assert result.returncode == 1 and not result.stderr, result
    page = parse_markdown(result.stdout)
    shaped = report(HOSTILE)
    assert len(page.fences) == len(shaped.shapes) == 2
    for (info, body), found in zip(page.fences, shaped.shapes, strict=True):
        assert info == "diff"  # the fence opened is the one closed: no name ended it early
        assert len(body.splitlines()) == len(found.lines)  # no name added a line
        assert all(line[0] in " -+" for line in body.splitlines())
    assert "<script>alert(1)</script>" in page.fences[1][1]  # shown as text, in the code block
    assert all(block.startswith(("<details>", "</details>")) for block in page.html), page.html
    assert not any("script" in block or "img" in block for block in page.html)


def test_shapes_are_deterministic_across_runs_and_hash_seeds():
    outputs = set()
    for seed in ("0", "1", "4242"):
        result = run_process(
            "diff", "--format", "json", "--shapes", *SHAPES, cwd=ROOT, env={"PYTHONHASHSEED": seed}
        )
        assert result.returncode == 1, result.stderr
        outputs.add(json.dumps(json.loads(result.stdout)["shapes"]))
    assert len(outputs) == 1
    assert (
        report(SHAPES).shapes
        == run(
            [Pair(File(str(ROOT / SHAPES[0])), File(str(ROOT / SHAPES[1])))], RunOptions(shapes=True)
        ).shapes
    )


def test_json_shapes_list_with_the_option_and_nothing_else_changes():
    plain = run_cli("diff", "--format", "json", *SHAPES, cwd=ROOT)
    shaped = run_cli("diff", "--format", "json", "--shapes", *SHAPES, cwd=ROOT)
    document, with_shapes = json.loads(plain.stdout), json.loads(shaped.stdout)
    assert "shapes" not in document
    assert {key: value for key, value in with_shapes.items() if key != "shapes"} == document
    assert list(with_shapes)[-1] == "shapes"
    first = with_shapes["shapes"][0]
    assert set(first) == {"operation", "document", "title", "lines"}
    assert set(first["lines"][0]) == {"mark", "depth", "text", "note"}
    assert [s["title"] for s in with_shapes["shapes"]] == [s.title for s in report(SHAPES).shapes]


def test_shapes_off_leaves_json_and_text_byte_identical_even_when_another_output_builds_them(tmp_path):
    from io import StringIO

    from oasguard.report import render

    for format in (Format.JSON, Format.TEXT):
        written = []
        for shaped in (report(SHAPES, shapes=True), report(SHAPES, shapes=False)):
            out = StringIO()
            render(shaped, format, out, RenderOptions())
            written.append(out.getvalue())
        assert written[0] == written[1]
        assert "shape of" not in written[0] and '"shapes"' not in written[0]
    markdown = tmp_path / "comment.md"  # a Markdown output beside: built for it, shown only there
    alone = run_cli(
        "diff", "--format", "json", "--output", f"sarif={tmp_path / 'x.sarif'}", *SHAPES, cwd=ROOT
    )
    beside = run_cli("diff", "--format", "json", "--output", f"markdown={markdown}", *SHAPES, cwd=ROOT)
    assert alone.stdout == beside.stdout  # both with sources (SARIF and Markdown show them)
    assert "<summary>Shapes: GET /users/{id}</summary>" in markdown.read_text(encoding="utf-8")


def test_text_prints_the_shapes_after_each_operations_changes_without_colour_in_a_pipe():
    text = run_cli("diff", "--shapes", *SHAPES, cwd=ROOT).stdout
    block = text[text.index("GET /users/{id}\n") :]
    changes_end = block.index("shape of parameters:")
    assert "request-parameter-renamed" in block[:changes_end]
    assert "             - page_size (query): integer  ← optional query parameter renamed" in block
    assert '             -   "karma": integer\n             +   "karma": string\n' in block
    assert "\x1b" not in text


def test_text_colours_the_marks_on_a_terminal():
    from io import StringIO

    from rich.console import Console

    import oasguard.report.text as text_module

    out = StringIO()
    console = Console(file=out, force_terminal=True, color_system="standard", highlight=False)
    text_module._shape(console, shape(SHAPES, "GET /users/{id}", "response 200 application/json"))
    written = out.getvalue()
    assert "\x1b[31m" in written and "\x1b[32m" in written  # `-` red, `+` green


def test_the_configuration_key_asks_for_them_and_a_bad_value_is_one_line(tmp_path):
    for name in SHAPES:
        (tmp_path / Path(name).name).write_text((ROOT / name).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / ".oasguard.yaml").write_text("shapes: true\n", encoding="utf-8")
    shown = run_cli("diff", "--format", "json", "base.yaml", "revision.yaml", cwd=tmp_path)
    assert json.loads(shown.stdout)["shapes"]
    (tmp_path / ".oasguard.yaml").write_text("shapes: sometimes\n", encoding="utf-8")
    bad = run_cli("diff", "base.yaml", "revision.yaml", cwd=tmp_path)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert bad.stderr.strip().count("\n") == 0 and "shapes" in bad.stderr and "sometimes" in bad.stderr


def test_only_the_formats_that_show_shapes_make_the_engine_build_them():
    assert needs(Format.MARKDOWN).shapes
    assert not needs(Format.JSON, Format.TEXT, Format.SARIF, Format.GITHUB).shapes
    assert report(SHAPES, shapes=False).shapes == ()


def test_a_long_shape_is_capped_with_a_count_of_the_rest(tmp_path):
    properties = {f"p{index:03}": {"type": "string"} for index in range(150)}
    changed = {name: {"type": "integer"} for name in properties}
    for side, props in (("base", properties), ("revision", changed)):
        document = {
            "openapi": "3.0.3",
            "info": {"title": "long", "version": "1"},
            "paths": {
                "/x": {
                    "get": {
                        "responses": {
                            "200": {
                                "description": "ok",
                                "content": {
                                    "application/json": {"schema": {"type": "object", "properties": props}}
                                },
                            }
                        }
                    }
                }
            },
        }
        (tmp_path / f"{side}.json").write_text(json.dumps(document), encoding="utf-8")
    shaped = run(
        [Pair(File(str(tmp_path / "base.json")), File(str(tmp_path / "revision.json")))],
        RunOptions(shapes=True),
    )
    (found,) = shaped.shapes
    assert len(found.lines) == MAX_LINES
    assert found.lines[-1].text == f"… {2 + 300 - (MAX_LINES - 1)} more lines"
    assert drawn(found)[:3] == [(" ", 0, "{"), ("-", 1, '"p000": string'), ("+", 1, '"p000": integer')]
