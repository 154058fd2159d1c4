"""The text report off a terminal is written without rich (`report/text.py`, `_Plain`): it must
be what rich's console writes there, byte for byte, also with shapes, several documents, hostile
names and notes; and rich must still be the one writing wherever it would style the lines."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest

import oasguard.report.text as text_module
from conftest import ROOT
from oasguard.engine import File, Pair, RunOptions, combine, judge, run_deep

PAIRS = (
    "petstore",
    "petstore-swagger2",
    "hostile",
    "shapes",
    "shapes/hostile",
    "renames/request-nested-three-deep",
)


def _report(name: str, document: str | None = None):
    folder = ROOT / "fixtures" / name
    base, revision = (next(folder.glob(f"{side}.*")) for side in ("base", "revision"))
    pair = Pair(File(str(base)), File(str(revision)), document)
    options = RunOptions(shapes=True)
    return run_deep(lambda: combine([pair], [judge(pair, options)], options))


def _written(report, styled: bool, monkeypatch: pytest.MonkeyPatch) -> str:
    out = io.StringIO()  # not a terminal: rich writes no style either way
    with monkeypatch.context() as patched:
        patched.setattr(text_module, "_styled", lambda out: styled)
        text_module.render_text(report, out, shapes=True)
    return out.getvalue()


@pytest.mark.parametrize("name", PAIRS)
def test_plain_text_is_what_rich_writes(name: str, monkeypatch: pytest.MonkeyPatch):
    report = _report(name)
    assert report.changes, name
    plain = _written(report, False, monkeypatch)
    assert plain == _written(report, True, monkeypatch)
    assert plain.endswith(" safe\n") or plain.endswith("No changes to the API contract.\n")


def test_several_documents_and_notes_too(monkeypatch: pytest.MonkeyPatch):
    first, second = _report("petstore", "a.yaml"), _report("hostile", "b.yaml")
    report = replace(
        first,
        changes=[*first.changes, *second.changes],
        notes=["an ignore entry \x1b[31mmatched\x1b[0m nothing"],
        approved={"a.yaml": "label 'major'"},
    )
    plain = _written(report, False, monkeypatch)
    assert "== a.yaml" in plain and "== b.yaml" in plain and "\x1b" not in plain
    assert plain == _written(report, True, monkeypatch)


def test_rich_writes_where_it_would_style(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE"):
        monkeypatch.delenv(name, raising=False)
    with open(tmp_path / "out.txt", "w", encoding="utf-8") as file:
        assert not text_module._styled(file)
        monkeypatch.setenv("FORCE_COLOR", "1")
        assert text_module._styled(file)
        monkeypatch.setenv("FORCE_COLOR", "")
        assert not text_module._styled(file)
        monkeypatch.setenv("TTY_COMPATIBLE", "1")
        assert text_module._styled(file)
        monkeypatch.setenv("TTY_COMPATIBLE", "0")
        monkeypatch.setenv("FORCE_COLOR", "1")
        assert not text_module._styled(file)
    monkeypatch.delenv("TTY_COMPATIBLE")
    out = io.StringIO()
    text_module.render_text(_report("petstore"), out)
    assert "\x1b[1;31m" in out.getvalue()  # FORCE_COLOR: rich styles the breaking marks
