"""Every pair of real documents in ../shared/corpus gives a valid report (skipped without it)."""

from __future__ import annotations

import json
import os

import pytest

from conftest import CORPUS, corpus_run, engine_report
from oasguard.sources import file_spec

#: pairs whose base is itself invalid: exit 2 naming the culprit, as SPEC 4 asks
INVALID = {"stripe-json-long": "'#/definitions/error'"}

pytestmark = pytest.mark.corpus


def _pairs():
    path = CORPUS / "MANIFEST.json"
    if not path.exists():
        return []
    return json.loads(path.read_text())["pairs"]


@pytest.mark.skipif(not (CORPUS / "MANIFEST.json").exists(), reason="no corpus here")
@pytest.mark.parametrize("pair", _pairs(), ids=lambda p: p["name"])
def test_every_corpus_pair_gives_a_valid_report(pair):
    """`oasguard diff BASE REVISION --format json` (with `-o junit=…`: conftest.corpus_run, the
    run whose report the other corpus tests of the pair read)."""
    result = corpus_run(pair["name"])[0]
    assert "Traceback" not in result.stderr
    if pair["name"] in INVALID:
        assert result.returncode == 2
        assert result.stderr.count("\n") == 1 and INVALID[pair["name"]] in result.stderr
        return
    assert result.returncode in (0, 1), result.stderr
    report = json.loads(result.stdout)
    counts = {"breaking": 0, "warning": 0, "safe": 0}
    for change in report["changes"]:
        counts[change["level"]] += 1
    assert report["summary"] == counts
    assert (result.returncode == 1) == (counts["breaking"] > 0)


@pytest.mark.skipif(not (CORPUS / "MANIFEST.json").exists(), reason="no corpus here")
def test_a_document_against_itself_reports_nothing(cli):
    for name in (
        "stripe/v124/spec3.json",
        "kubernetes/1.36/swagger.json",
        "discord/2026-07-10_0004ce1/openapi.json",
        "asana/2026-06-11_fc9f8dc/asana_oas.yaml",
    ):
        result = cli("diff", str(CORPUS / name), str(CORPUS / name), "--format", "json")
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["changes"] == [], name


@pytest.mark.skipif(not (CORPUS / "MANIFEST.json").exists(), reason="no corpus here")
@pytest.mark.parametrize("name", ["stripe-json-long"])  # a pair's test: on its worker (conftest)
def test_dangling_refs_as_empty_lets_a_broken_base_be_diffed(cli, name):
    """The 2017 Stripe base refers to '#/definitions/error', which it lacks: by default that is
    an error (above); `--dangling-refs empty` reads it as an empty schema and diffs 4.5 years.
    That run is the pair's corpus_report."""
    pair = next(p for p in _pairs() if p["name"] == name)
    base, revision = str(CORPUS / pair["base"]), str(CORPUS / pair["revision"])
    result = corpus_run(name, "--dangling-refs", "empty")[0]
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["summary"]["breaking"] > 1000 and len(report["changes"]) == sum(report["summary"].values())
    # operations removed over those years are found
    assert any(c["id"] in ("path-removed", "operation-removed") for c in report["changes"])
    bad = cli("diff", base, revision, "--dangling-refs", "maybe")
    assert bad.returncode == 2 and "--dangling-refs" in bad.stderr


@pytest.mark.skipif(not (CORPUS / "MANIFEST.json").exists(), reason="no corpus here")
@pytest.mark.parametrize("name", ["twilio-messaging-json", "stripe-json-long"])
def test_the_runs_report_is_the_engines(name):
    """The report the other corpus tests read (conftest.corpus_report) is the one test_corpus's
    run of the command made: the engine's own diff of the pair, `$ref`s to nothing read as empty
    schemas and source lines filled, gives the same report, change for change. On a valid pair
    (the default `--dangling-refs`) and on the one whose base is broken (`empty`)."""
    if os.environ.get("OASGUARD_TEST_PROCESSES"):
        pytest.skip("OASGUARD_TEST_PROCESSES: the run is another process, its report is not here")
    pair = next(p for p in _pairs() if p["name"] == name)
    options = ("--dangling-refs", "empty") if name in INVALID else ()
    done, report = corpus_run(name, *options)
    assert report is not None and done.returncode in (0, 1), done.stderr
    own = engine_report(file_spec(str(CORPUS / pair["base"])), file_spec(str(CORPUS / pair["revision"])))
    assert report.changes and all(change.source and change.source.line for change in report.changes)
    assert report == own
