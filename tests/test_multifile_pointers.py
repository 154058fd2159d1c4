"""SPEC 2: in a document split over several files, a change's pointer refers into the file that
`source.file` names, and every format carries it, JSON included (issue 21)."""

from __future__ import annotations

import functools
import json
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import CORPUS, FIXTURES, run_cli

SPLIT = FIXTURES / "equivalences" / "split-into-files"


def lookup(document: object, pointer: str) -> object:
    for token in pointer.split("/")[1:]:
        key = token.replace("~1", "/").replace("~0", "~")
        document = document[int(key)] if isinstance(document, list) else document[key]
    return document


@pytest.fixture
def split_pair(tmp_path: Path) -> tuple[Path, Path]:
    """The split fixture as base; the revision narrows a property in `schemas/user.yaml` and
    removes an operation from the entry document."""
    base, revision = tmp_path / "base", tmp_path / "revision"
    shutil.copytree(SPLIT, base)
    shutil.copytree(SPLIT, revision)
    user = revision / "schemas" / "user.yaml"
    user.write_text(user.read_text().replace("maxLength: 100", "maxLength: 50"))
    return base / "revision.yaml", revision / "revision.yaml"


def test_json_names_the_file_of_a_pointer_into_another_file(split_pair):
    base, revision = split_pair
    run = run_cli("diff", str(base), str(revision), "--format", "json")
    assert run.returncode in (0, 1), run.stderr
    changes = json.loads(run.stdout)["changes"]
    assert changes, "narrowing maxLength in schemas/user.yaml must be reported"
    for change in changes:
        assert change["source"]["file"] == "schemas/user.yaml", change
        target = yaml.safe_load((revision.parent / change["source"]["file"]).read_text())
        assert lookup(target, change["pointer"]) is not None
        assert isinstance(change["source"]["line"], int)


def test_a_single_file_json_report_has_no_source_key():
    petstore = FIXTURES / "petstore"
    run = run_cli("diff", str(petstore / "base.yaml"), str(petstore / "revision.yaml"), "--format", "json")
    assert run.returncode == 1
    assert all("source" not in change for change in json.loads(run.stdout)["changes"])


DIGITALOCEAN = "digitalocean-multifile"


@pytest.mark.corpus
@pytest.mark.skipif(not (CORPUS / "MANIFEST.json").exists(), reason="no corpus here")
def test_every_digitalocean_json_pointer_resolves_in_the_file_it_names():
    pair = next(
        p for p in json.loads((CORPUS / "MANIFEST.json").read_text())["pairs"] if p["name"] == DIGITALOCEAN
    )
    base, revision = CORPUS / pair["base"], CORPUS / pair["revision"]
    run = run_cli("diff", str(base), str(revision), "--format", "json")
    assert run.returncode in (0, 1), run.stderr
    changes = json.loads(run.stdout)["changes"]
    elsewhere = [c for c in changes if "source" in c]
    assert elsewhere, "the DigitalOcean pair changes schemas kept in other files"
    parsed = functools.cache(lambda path: yaml.load(path.read_text(), Loader=yaml.CSafeLoader))
    for change in changes:
        name = change.get("source", {}).get("file")
        # the side is not in the JSON: a pointer must resolve on one of them, in the named file
        candidates = [revision, base] if name is None else [side.parent / name for side in (revision, base)]
        found = False
        for path in candidates:
            try:
                lookup(parsed(path), change["pointer"])
            except (KeyError, IndexError, TypeError, ValueError, FileNotFoundError):
                continue
            found = True
            break
        assert found, f"{change['id']} {change['pointer']} resolves nowhere in {name or 'the entry document'}"
