"""Fingerprints identify a change across runs, so that an ignore entry keeps matching it.

The property (issue 10): for every corpus pair, the fingerprints of its changes are distinct,
and the same after the revision's keys are reordered, it is rewritten YAML <-> JSON and an
unrelated path is added to it. And through the command: the same run gives the same
fingerprints, and an ignore entry by fingerprint keeps ignoring its change when the sunset
date of a removed operation passes (the rule changes from before- to after-sunset).
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml

from conftest import CORPUS, FIXTURES, corpus_report, yaml_parsed_once
from oasguard.changes import Report
from oasguard.engine import RunOptions, diff, run_deep
from oasguard.errors import OasguardError
from oasguard.sources import file_spec
from test_transforms import (
    PROBE_PATH,
    _parsed,
    _write,
    add_unrelated_path,
    refactored,
    reorder_keys,
)


def _pairs() -> list[dict]:
    path = CORPUS / "MANIFEST.json"
    if not path.exists():
        return []
    return json.loads(path.read_text())["pairs"]


def _fingerprints(base: Path, revision: Path) -> Counter[str]:
    return _counted(_report(base, revision))


def _report(base: Path, revision: Path) -> Report:
    return run_deep(
        lambda: diff(file_spec(str(base)), file_spec(str(revision)), RunOptions(dangling_as_empty=True))
    )


def _counted(report: Report) -> Counter[str]:
    return Counter(change.fingerprint for change in report.changes if PROBE_PATH not in change.location)


def _is_json(path: Path) -> bool:
    return path.read_text(encoding="utf-8").lstrip()[:1] in ("{", "[")


TRANSFORMS = {
    "keys-reordered": (reorder_keys, False),
    "yaml-json-switched": (lambda doc: doc, True),
    "unrelated-path-added": (add_unrelated_path, False),
}


@pytest.mark.corpus
@pytest.mark.parametrize("pair", _pairs() or [None], ids=lambda p: p["name"] if p else "absent")
def test_fingerprints_survive_refactors_of_the_revision(pair: dict | None, tmp_path: Path):
    """The three refactors at once, in one diff of a megabyte pair (a third of the time of one
    diff each); when that changes a fingerprint, each refactor alone, to name the culprit."""
    if pair is None:
        pytest.skip("the corpus (../shared/corpus) is not here")
    base, revision = CORPUS / pair["base"], CORPUS / pair["revision"]
    try:  # the pair's report made once for the session (its source lines change no fingerprint)
        before = _counted(corpus_report(pair["name"])[0])
    except OasguardError as error:  # an invalid corpus pair (tests/test_corpus.py covers it)
        pytest.skip(f"the pair itself does not diff: {error}")
    shared = [fingerprint for fingerprint, count in before.items() if count > 1]
    assert not shared, f"different changes share a fingerprint: {shared[:5]}"
    # the revision's folder is copied once, so that files it $refs are beside each rewritten entry
    copy = tmp_path / "revision"
    shutil.copytree(revision.parent, copy, copy_function=_linked)
    # a YAML base parsed once for the pair's tests (test_corpus's run read it) and the diffs
    # below, and the refactored revision once for this, test_transforms (BOTH's document of the
    # same revision is the same text) and another pair of the revision (Stripe v127's two)
    with yaml_parsed_once(base, refactored(revision)):
        after = _refactored(base, revision, copy, TRANSFORMS)
        if after == before:
            return
        for name in TRANSFORMS:
            alone = _refactored(base, revision, copy, {name: TRANSFORMS[name]})
            assert alone == before, (
                f"{name}: fingerprints changed: lost {sorted((before - alone).elements())[:5]}, "
                f"new {sorted((alone - before).elements())[:5]}"
            )
    raise AssertionError(
        f"the refactors together changed fingerprints: lost {sorted((before - after).elements())[:5]}, "
        f"new {sorted((after - before).elements())[:5]}"
    )


def _linked(source: str, target: str) -> None:
    """A file of the copied revision as a hard link to the corpus's (DigitalOcean's 2,906 files:
    0.06 s of CPU, not 0.4, and no data written), or a copy where it cannot be one (another file
    system). The test only adds files of new names beside them (`_refactored`)."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _refactored(base: Path, revision: Path, folder: Path, transforms: dict) -> Counter[str]:
    """The fingerprints of (base, the revision rewritten by each of `transforms` in turn); the
    three at once are test_transforms' `refactored` text of the revision (keys reordered, the
    other format, PROBE_PATH added), made once per worker for both modules."""
    stem = folder / f"{revision.stem}.{'-'.join(transforms)}"
    if transforms == TRANSFORMS:
        target = stem.with_name(f"{stem.name}.{'yaml' if _is_json(revision) else 'json'}")
        assert not target.exists(), f"{target} would be written through a link into the corpus"
        target.write_text(refactored(revision), encoding="utf-8")
    else:
        tree, as_json = _parsed(revision), _is_json(revision)
        for transform, switch in transforms.values():
            tree, as_json = transform(tree), as_json != switch
        target = stem.with_name(f"{stem.name}.{'json' if as_json else 'yaml'}")
        assert not target.exists(), f"{target} would be written through a link into the corpus"
        _write(tree, target, as_json=as_json)
    report = _report(base, target)
    if "unrelated-path-added" in transforms:  # it was read: the command reports it
        assert any(PROBE_PATH in change.location for change in report.changes), f"{PROBE_PATH} not read"
    return _counted(report)


def test_fingerprints_ignore_message_pointer_and_path_parameter_names(tmp_path: Path):
    """A path parameter renamed in the template, and the document moved, give the same
    fingerprints; a different change gives a different one."""
    base = FIXTURES / "petstore" / "base.yaml"
    revision = FIXTURES / "petstore" / "revision.yaml"
    before = _fingerprints(base, revision)
    renamed = yaml.safe_load(revision.read_text())
    renamed["paths"] = {
        path.replace("{petId}", "{id}"): yaml.safe_load(
            yaml.safe_dump(item).replace("name: petId", "name: id")
        )
        for path, item in renamed["paths"].items()
    }
    moved = tmp_path / "elsewhere" / "openapi.yaml"
    moved.parent.mkdir()
    moved.write_text(yaml.safe_dump(renamed))
    assert _fingerprints(base, moved) == before
    assert len(before) == sum(before.values()), "two different changes share a fingerprint"


def test_a_removal_keeps_its_fingerprint_when_its_sunset_passes():
    case = FIXTURES / "rules" / "operation-removed-before-sunset"
    doc = yaml.safe_load((case / "base.yaml").read_text())
    assert doc["paths"]["/pets"]["delete"]["x-sunset"] == "2999-01-01"
    specs = (file_spec(str(case / "base.yaml")), file_spec(str(case / "revision.yaml")))
    now = run_deep(lambda: diff(*specs, RunOptions(today=datetime.date(2026, 1, 1))))
    later = run_deep(lambda: diff(*specs, RunOptions(today=datetime.date(3000, 1, 1))))
    # (the fixture keeps info.version 1.0.0: the versioning rules add their changes, not tied to
    # an operation)
    now, later = ([c for c in report.changes if c.operation] for report in (now, later))
    assert [c.id for c in now] == ["operation-removed-before-sunset"]
    assert [c.id for c in later] == ["operation-removed-after-sunset"]
    assert now[0].fingerprint == later[0].fingerprint


def test_the_command_prints_the_same_fingerprints_every_run(cli):
    base, revision = FIXTURES / "petstore" / "base.yaml", FIXTURES / "petstore" / "revision.yaml"
    runs = [cli("diff", str(base), str(revision), "--format", "json") for _ in range(2)]
    prints = [[c["fingerprint"] for c in json.loads(run.stdout)["changes"]] for run in runs]
    assert prints[0] == prints[1]
    assert all(len(p) == 16 for p in prints[0])
