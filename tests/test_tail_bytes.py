"""What follows the comparison, made once per distinct text (issue 24, docs/decisions.md "After
the comparison, second pass"): the JSON report written to the interpreter's standard output as
bytes joined from pieces each encoded once, a fingerprint's key joined as bytes the same way, and
the report ordered by place instead of by the location's text. Each must give what the plain
way gives: the same bytes, the same hash, the same order."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import CORPUS, corpus_report
from oasguard.changes import ORDER, Change, Level, Step, Subject, first_order
from oasguard.engine import diff_paths
from oasguard.report import Format, RenderOptions, groups, render
from oasguard.report.json import _raw, render_json

#: names a JSON report must escape or encode: a quote, a backslash, a control character, `›`
#: itself, an accent, a character beyond the BMP, and a lone surrogate (JSON allows "\ud800")
_HOSTILE_NAMES = ['q"uote', "back\\slash", "tab\there", "a › b", "café", "emoji\U0001f600", "lone\ud800"]


def _hostile_pair(folder: Path) -> tuple[Path, Path]:
    """Two documents whose changes name every hostile property, in an operation with a path
    parameter and below a shared component reached from two operations."""

    def document(names: list[str]) -> dict[str, object]:
        properties = {name: {"type": "string"} for name in names}
        reply = {
            "200": {
                "description": "ok",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}},
            }
        }
        return {
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1.0.0"},
            "paths": {
                "/items/{itemId}": {
                    "get": {
                        "parameters": [
                            {"name": "itemId", "in": "path", "required": True, "schema": {"type": "string"}}
                        ],
                        "responses": reply,
                    }
                },
                "/other": {"post": {"responses": reply}},
            },
            "components": {"schemas": {"Item": {"type": "object", "properties": properties}}},
        }

    base, revision = folder / "base.json", folder / "revision.json"
    # json.dumps writes the lone surrogate as its escape, which oasguard reads back as it is
    base.write_text(json.dumps(document(_HOSTILE_NAMES)), encoding="utf-8")
    revision.write_text(json.dumps(document(["kept"])), encoding="utf-8")
    return base, revision


def _process(*args: str, env: dict[str, str] | None = None) -> bytes:
    """The bytes `python -m oasguard ARGS` writes to its standard output (a pipe)."""
    done = subprocess.run(
        [sys.executable, "-m", "oasguard", *args],
        capture_output=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )
    assert done.returncode in (0, 1), done.stderr
    return done.stdout


@pytest.mark.parametrize("pair", ["hostile", "asana", "kubernetes-swagger2"])
def test_the_json_report_on_stdout_is_the_text_report_encoded(pair: str, tmp_path: Path):
    """Written as bytes to a real process's stdout, the report is the text `render_json` makes,
    encoded: the same as `--output json=FILE` writes through a text file, and the same as a
    stdout that is not UTF-8 (UTF-16 here: written as text, encoded by the stream)."""
    if pair == "hostile":
        base, revision = _hostile_pair(tmp_path)
    else:
        manifest = json.loads((CORPUS / "MANIFEST.json").read_text())
        found = next(p for p in manifest["pairs"] if p["name"] == pair)
        base, revision = CORPUS / found["base"], CORPUS / found["revision"]
    written = tmp_path / "report.json"
    args = ("diff", str(base), str(revision), "--format", "json")
    stdout = _process(*args, "-o", f"json={written}")
    text = render_json(diff_paths(base, revision))
    assert "›" in text and text.count('"fingerprint"') > 5
    assert stdout == text.encode("utf-8")
    assert written.read_bytes() == stdout
    assert _process(*args, env={"PYTHONIOENCODING": "utf-16"}).decode("utf-16") == text


def test_only_the_interpreters_utf8_stdout_is_written_as_bytes(tmp_path: Path):
    """A stream the report is handed that is not the interpreter's own standard output keeps its
    text (a StringIO, a file opened by the caller, whose newline setting cannot be read), and so
    does a standard output in another encoding."""
    assert _raw(io.StringIO()) is None
    assert _raw(io.TextIOWrapper(io.BytesIO(), encoding="utf-8")) is None
    if isinstance(sys.__stdout__, io.TextIOWrapper) and sys.__stdout__.encoding.lower() in ("utf-8", "utf8"):
        assert _raw(sys.__stdout__) is sys.__stdout__.buffer
    base, revision = _hostile_pair(tmp_path)
    report = diff_paths(base, revision)
    out = io.StringIO()
    render(report, Format.JSON, out, RenderOptions())
    assert out.getvalue() == render_json(report)


def _by_location(change: Change) -> tuple[str, int, str, str, str]:
    return (change.operation or "", -change.level.rank, change.location, change.id, change.message)


@pytest.mark.parametrize("name", ["stripe-json", "github"])
def test_the_report_is_in_location_order(name: str):
    """Changes are sorted by place once their operations are equal (`Change.order`): the
    order is the one the location's text gives, on real reports."""
    report, _, _ = corpus_report(name)
    assert len(report.changes) > 1000
    assert [_by_location(c) for c in report.changes] == sorted(map(_by_location, report.changes))


def test_places_order_as_locations_do_where_they_could_differ():
    """No step, a step whose text is a prefix of another's, a step that sorts before " › ", and
    changes without operation: ordered by `Change.order`, they are in location order."""
    steps = [
        (),
        (Step("property", "a"),),
        (Step("property", "a"), Step("property", "b")),
        (Step("property", "a b"),),
        (Step("property", "a!"),),
        (Step("property", "a\x00"),),
        (Step("property", "a›"),),
        (Step("property", "\ud800"),),
        (Step("response", "200"), Step("property", "a")),
    ]
    changes = [
        Change(rule, level, "m", Subject(method, path, steps=s), "/p")
        for method, path in (("GET", "/a"), ("GET", "/a b"), ("POST", "/a"), (None, None))
        for s in steps
        for rule, level in (("r1", Level.SAFE), ("r2", Level.BREAKING), ("r0", Level.SAFE))
    ]
    ordered = sorted(changes, key=ORDER)
    assert [_by_location(c) for c in ordered] == sorted(map(_by_location, changes))


def test_a_fingerprint_key_joined_as_bytes_is_the_text_key_encoded():
    """Each piece of a fingerprint's key is encoded on its own ('?' for a lone surrogate): the
    hash is that of the whole key's text encoded, lone surrogates in the rule, operation, place
    and values included."""
    for steps in ((Step("property", "x\ud800"), Step("items")), (Step("property", "é"),), ()):
        for path in ("/a/{id}", "/b\udfff"):
            change = Change(
                "rule\ud800",
                Level.SAFE,
                "m",
                Subject("GET", path, steps=steps),
                "/p",
                args={"name": "v\ud800é"},
            )
            key = "\x1f".join(
                (
                    change.id,
                    change.operation.replace("{id}", "{#0}"),
                    change.location.replace("{id}", "{#0}"),
                    json.dumps({"name": "v\ud800é"}, ensure_ascii=False),
                )
            )
            assert change.fingerprint == hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()[:16]


def test_classifications_first_order_is_what_each_first_read_makes():
    """`first_order` (classification's sort key) keeps a change's `order` and its subject's
    `operation` and `place` as reading each of them first would: on real changes, a change with
    no operation and one with no step."""
    report, _, _ = corpus_report("github")
    made = [
        *report.changes,
        Change("r", Level.SAFE, "m", Subject(steps=(Step("servers"),)), "/p"),
        Change("r", Level.WARNING, "m", Subject("GET", "/a"), "/p"),
    ]
    for change in made:
        plain, first = (
            replace(change, subject=replace(change.subject)),
            replace(change, subject=replace(change.subject)),
        )
        assert first_order(first) == plain.order
        assert (first.order, first.subject.operation, first.subject.place) == (
            plain.order,
            plain.subject.operation,
            plain.subject.place,
        )
        assert first.subject.location == plain.subject.location


def test_a_facts_id_looked_up_is_the_id_made_from_its_key():
    """`fact_id` looks a fact's id up by what it depends on unless the message names the method:
    the same as its key's digest, for real changes, for messages that name their method, and for
    two changes whose messages differ only in the property path their arguments name."""
    report, _, _ = corpus_report("github")
    named = [
        Change("r", Level.SAFE, f"{method} /a was removed", Subject(method, "/a"), "/p")
        for method in ("GET", "POST")
    ]
    paths = [
        Change(
            "r",
            Level.SAFE,
            "response property 'x.y' changed",
            Subject("GET", path),
            "/p",
            args={"name": name, "subject": f"response property '{name}'"},
        )
        for path, name in (("/a", "x.y"), ("/b", "y"), ("/c", "x.y"))
    ]
    for change in [*report.changes, *named, *paths]:
        assert groups.fact_id(change) == groups._digest(groups._key(change)), change
    assert groups.fact_id(named[0]) == groups.fact_id(named[1])
    assert len({groups.fact_id(change) for change in paths}) == 2


@pytest.mark.parametrize(
    "sides",
    [
        ("stripe/v124/spec3.json", "stripe/v125/spec3.json"),
        ("github/22.0.0/api.github.com.json", "github/23.0.0/api.github.com.json"),
    ],
)
def test_a_shape_drawn_once_is_the_shape_each_operation_would_draw(
    monkeypatch: pytest.MonkeyPatch, sides: tuple[str, str]
):
    """A body's lines are drawn once per distinct drawing (report/shapes.py `drawn`): the shapes
    of Stripe, where one shared component's changes are drawn for hundreds of operations, and of
    GitHub are the ones drawn again for every operation."""
    from oasguard.engine import File, Pair, RunOptions, judge, run_deep
    from oasguard.report import shapes

    pair = Pair(File(str(CORPUS / sides[0])), File(str(CORPUS / sides[1])))
    once = run_deep(lambda: judge(pair, RunOptions(shapes=True))).shapes
    drawing = shapes._operation_shapes
    monkeypatch.setattr(shapes, "_operation_shapes", lambda *args: drawing(*args[:-1], {}))
    each = run_deep(lambda: judge(pair, RunOptions(shapes=True))).shapes
    assert len(once) > 100 and sum(len(shape.lines) for shape in once) > 1000
    assert once == each
