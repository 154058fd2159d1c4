"""`oasguard diff --base REF` with no SPEC: the configured `specs`, or every OpenAPI document that
changed since REF (by content), in one report whose exit status is the worst."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from oasguard.config import Settings, load_settings
from oasguard.discover import changed_documents
from oasguard.engine import Pair, RunOptions, against_revision, run
from oasguard.report import Format, render
from repos import CONFIG_FILES, Repo, api, ids, op, query


def _service(name: str, parameters: list | None = None, **extra) -> dict:
    return api({f"/{name}": {"get": op(parameters=parameters or [], **extra)}})


BREAKING = [query("tenant", required=True)]  # a new required parameter
SAFE = [query("verbose")]  # a new optional parameter


@pytest.fixture
def monorepo(tmp_path) -> Repo:
    """Five services; a JSON file and a README that are not OpenAPI documents."""
    repo = Repo(tmp_path / "mono")
    for name in ("alpha", "beta", "gamma", "delta", "epsilon"):
        repo.write(f"services/{name}/openapi.yaml", _service(name))
    repo.write("config/settings.json", '{"debug": false}')
    repo.write("README.md", "# services\n")
    repo.commit()
    return repo


def _documents(repo: Repo, settings: Settings | None = None, ref: str = "HEAD") -> list[str]:
    from oasguard.config import expand_specs

    settings = settings or Settings()
    specs = expand_specs(settings) if settings.specs else None
    return [pair.path for pair in changed_documents(ref, repo.root, specs).pairs]


def _combined(repo: Repo, settings: Settings | None = None, workers: int = 1):
    settings = settings or load_settings(None, start=repo.root)
    from oasguard.config import expand_specs

    specs = expand_specs(settings) if settings.specs else None
    found = changed_documents("HEAD", repo.root, specs)
    return run(_pairs(repo.root, found.pairs), RunOptions(settings=settings), workers=workers)


def _pairs(top: Path, found) -> list[Pair]:
    return [
        against_revision("HEAD", top, pair.base_path, str(top / pair.path), None, pair.path) for pair in found
    ]


def test_only_the_changed_documents_are_diffed_and_each_change_names_its_document(monorepo: Repo):
    monorepo.write("services/beta/openapi.yaml", _service("beta", BREAKING))  # unstaged
    monorepo.write("services/delta/openapi.yaml", _service("delta", SAFE))
    monorepo.git("add", "services/delta/openapi.yaml")  # staged
    monorepo.write("services/zeta/openapi.yaml", _service("zeta"))  # untracked: new, no clients
    monorepo.write("config/settings.json", '{"debug": true}')  # changed, not OpenAPI
    monorepo.write("README.md", "# services, changed\n")
    status, report, stderr = monorepo.json("--base", "HEAD")
    assert ids(report) == ["optional-request-parameter-added", "required-request-parameter-added"]
    assert report["summary"] == {"breaking": 1, "warning": 0, "safe": 1}
    assert status == 1  # the worst of the two documents
    assert stderr == ""
    assert sorted((c["document"], c["id"]) for c in report["changes"]) == [
        ("services/beta/openapi.yaml", "required-request-parameter-added"),
        ("services/delta/openapi.yaml", "optional-request-parameter-added"),
    ]
    assert _documents(monorepo) == ["services/beta/openapi.yaml", "services/delta/openapi.yaml"]
    combined = _combined(monorepo)
    assert sorted((c.document, c.id) for c in combined.changes) == [
        ("services/beta/openapi.yaml", "required-request-parameter-added"),
        ("services/delta/openapi.yaml", "optional-request-parameter-added"),
    ]


def test_committed_changes_since_an_older_ref_count_too(monorepo: Repo):
    monorepo.write("services/gamma/openapi.yaml", _service("gamma", BREAKING))
    monorepo.commit("gamma breaks")
    status, report, _ = monorepo.json("--base", "HEAD~1")
    assert ids(report) == ["required-request-parameter-added"] and status == 1
    status, report, stderr = monorepo.json("--base", "HEAD")
    assert report["changes"] == [] and status == 0
    assert stderr == "oasguard: no OpenAPI document changed since HEAD: nothing to compare\n"


def test_detection_is_by_content_not_by_name(monorepo: Repo):
    document = json.dumps(_service("omega"))
    monorepo.write("contracts/omega.txt", document)
    monorepo.commit("a spec with an unusual name")
    monorepo.write("contracts/omega.txt", json.dumps(_service("omega", BREAKING)))
    status, report, _ = monorepo.json("--base", "HEAD")
    assert ids(report) == ["required-request-parameter-added"] and status == 1
    assert _documents(monorepo) == ["contracts/omega.txt"]


def test_a_document_whose_referenced_file_changed_is_diffed(monorepo: Repo):
    monorepo.write(
        "services/alpha/openapi.yaml",
        api({"/alpha": {"get": op(parameters=[{"$ref": "parts/params.yaml#/Tenant"}])}}),
    )
    monorepo.write("services/alpha/parts/params.yaml", {"Tenant": query("tenant")})
    monorepo.commit("alpha in two files")
    monorepo.write("services/alpha/parts/params.yaml", {"Tenant": query("tenant", required=True)})
    status, report, _ = monorepo.json("--base", "HEAD")
    assert ids(report) == ["request-parameter-became-required"] and status == 1
    assert _documents(monorepo) == ["services/alpha/openapi.yaml"]


def test_a_renamed_document_is_compared_with_its_old_path(monorepo: Repo):
    monorepo.git("mv", "services/epsilon/openapi.yaml", "services/epsilon/api.yaml")
    monorepo.write("services/epsilon/api.yaml", _service("epsilon", BREAKING))
    status, report, _ = monorepo.json("--base", "HEAD")
    assert ids(report) == ["required-request-parameter-added"] and status == 1


def test_a_deleted_document_is_named_on_stderr(monorepo: Repo):
    (monorepo.root / "services/gamma/openapi.yaml").unlink()
    status, report, stderr = monorepo.json("--base", "HEAD")
    assert report["changes"] == [] and status == 0
    assert stderr == "oasguard: services/gamma/openapi.yaml: deleted since HEAD; not compared\n"


@pytest.mark.parametrize("kind", CONFIG_FILES)
def test_configured_specs_limit_the_documents(monorepo: Repo, kind: str):
    monorepo.write("services/alpha/openapi.yaml", _service("alpha", BREAKING))
    monorepo.write("services/beta/openapi.yaml", _service("beta", SAFE))
    monorepo.configure(kind, {"specs": ["services/b*/openapi.yaml", "services/gamma/openapi.yaml"]})
    status, report, _ = monorepo.json("--base", "HEAD")
    assert ids(report) == ["optional-request-parameter-added"] and status == 0


@pytest.mark.parametrize("kind", CONFIG_FILES)
def test_one_ignore_list_for_all_documents(monorepo: Repo, kind: str):
    monorepo.write("services/alpha/openapi.yaml", _service("alpha", BREAKING))
    monorepo.write("services/beta/openapi.yaml", _service("beta", BREAKING))
    monorepo.configure(
        kind,
        {
            "ignore": [
                {"rule": "required-request-parameter-added", "operation": "GET /beta", "reason": "beta only"}
            ],
            "fail-on": "warning",
        },
    )
    status, report, stderr = monorepo.json("--base", "HEAD")
    assert [c["operation"] for c in report["changes"]] == ["GET /alpha"]
    assert [(i["document"], i["operation"], i["reason"]) for i in report["ignored"]] == [
        ("services/beta/openapi.yaml", "GET /beta", "beta only")
    ]
    assert stderr == ""  # matched in one of the documents: not unused
    assert status == 1
    combined = _combined(monorepo)
    assert [(i.change.document, i.reason) for i in combined.ignored] == [
        ("services/beta/openapi.yaml", "beta only")
    ]


def test_worker_processes_give_the_same_report(monorepo: Repo):
    for name in ("alpha", "beta", "gamma"):
        monorepo.write(f"services/{name}/openapi.yaml", _service(name, BREAKING + SAFE))
    outputs = []
    for workers in (1, 2):
        out = io.StringIO()
        render(_combined(monorepo, Settings(), workers=workers), Format.JSON, out)
        outputs.append(out.getvalue())
    assert outputs[0] == outputs[1]
    assert len(json.loads(outputs[0])["changes"]) == 6


def test_several_specs_named_with_base_carry_their_documents(monorepo: Repo):
    monorepo.write("services/alpha/openapi.yaml", _service("alpha", BREAKING))
    monorepo.write("services/beta/openapi.yaml", _service("beta", SAFE))
    status, report, _ = monorepo.json(
        "--base", "HEAD", "services/alpha/openapi.yaml", "services/beta/openapi.yaml"
    )
    assert ids(report) == ["optional-request-parameter-added", "required-request-parameter-added"]
    assert {c["document"] for c in report["changes"]} == {
        "services/alpha/openapi.yaml",
        "services/beta/openapi.yaml",
    }
    assert status == 1


def test_bad_refs_and_places_exit_2(monorepo: Repo, tmp_path: Path):
    run = monorepo.oasguard("diff", "--base", "no-such-branch")
    assert run.returncode == 2
    assert run.stderr == "oasguard: unknown git revision 'no-such-branch'\n"
    run = monorepo.oasguard("diff", "--base", "--", "-x")
    assert run.returncode == 2 and "Traceback" not in run.stderr
    outside = tmp_path / "not-a-repo"
    outside.mkdir()
    run = monorepo.oasguard("diff", "--base", "HEAD", cwd=outside)
    assert run.returncode == 2
    assert "inside a git repository" in run.stderr


def test_small_documents_are_compared_in_this_process(monorepo: Repo):
    from oasguard.engine import parallel_workers

    for name in ("alpha", "beta", "gamma"):
        monorepo.write(f"services/{name}/openapi.yaml", _service(name, BREAKING))
    found = changed_documents("HEAD", monorepo.root)
    pairs = _pairs(monorepo.root, found.pairs)
    assert len(pairs) == 3
    assert parallel_workers(pairs) == 1
