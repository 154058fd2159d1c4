"""`oasguard verify` through the command line: exit 0/1/2, the json and text reports, the
mock-drift story, evidence of every format, `REF:PATH` and `--base`."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import yaml

from conftest import FIXTURES, NOWHERE, pointer_target, run_cli

VERIFY = FIXTURES / "verify"
STORY = VERIFY / "story"
CONSUMERS = FIXTURES / "consumers"


def report(*args: str, cwd: Path | None = None) -> tuple[int, dict]:
    done = run_cli("verify", *args, "--format", "json", cwd=cwd)
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr
    return done.returncode, json.loads(done.stdout)


def problems(found: dict) -> dict[str, list[str]]:
    return {
        i["description"]: [p["id"] for p in i["problems"] if p["severity"] == "drift"]
        for i in found["interactions"]
    }


def test_a_drifting_pact_names_each_problem_by_its_id() -> None:
    code, found = report(str(VERIFY / "shop-3.0.yaml"), str(VERIFY / "pacts" / "checkout-shop.json"))
    assert code == 1
    assert found["summary"] == {
        "interactions": 6,
        "conforming": 1,
        "drifting": 4,
        "unmatched": 1,
        "warnings": 0,
    }
    assert problems(found) == {
        "order 7 with its stock count": ["response.body.undeclared-field"],
        "order 7 accepted for later": ["response.status.unknown"],
        "order 7 with a textual id": ["response.body.incompatible"],
        "every order": ["request.parameter.missing"],
        "an invoice": ["request.path.unknown"],
        "the open orders": [],
    }
    first = found["interactions"][0]
    assert first["consumer"] == "checkout" and first["index"] == 0 and first["state"] == "drifting"
    assert first["file"].endswith("checkout-shop.json")
    assert first["problems"][0]["pointer"] == "/components/schemas/Order/properties"
    document = yaml.safe_load((VERIFY / "shop-3.0.yaml").read_text())
    for interaction in found["interactions"]:  # every pointer names a place in the document
        for problem in interaction["problems"]:
            assert pointer_target(document, problem["pointer"]) is not NOWHERE, problem
    assert "$.stockCount" in first["problems"][0]["message"]
    assert found["interactions"][4]["state"] == "unmatched"


def test_conforming_pacts_written_by_pact_python_exit_0() -> None:
    pacts = sorted(str(p) for p in (CONSUMERS / "pacts").glob("*.json"))
    code, found = report(str(FIXTURES / "petstore" / "base.yaml"), *pacts)
    assert code == 0, found
    assert found["summary"]["interactions"] == found["summary"]["conforming"] > 0
    # the message interaction of the v4 pact is skipped with a reason, never an error
    assert any("Messages" in s["reason"] for s in found["skipped"])


def test_every_evidence_format_read_and_checked() -> None:
    files = [
        *(CONSUMERS / "pacts").glob("*.json"),
        CONSUMERS / "har" / "browser.har",
        *(CONSUMERS / "wiremock" / "mappings").glob("*.json"),
        CONSUMERS / "keploy" / "orders-service" / "mocks.yaml",
        CONSUMERS / "keploy" / "test-set-0" / "tests" / "test-1.yaml",
    ]
    code, found = report(str(FIXTURES / "petstore" / "base.yaml"), *map(str, files))
    kinds = {i["evidence"] for i in found["interactions"]}
    assert kinds == {"pact", "har", "wiremock", "keploy-mock", "keploy-test"}
    assert code == 0 and found["summary"]["drifting"] == 0
    # the revision of the petstore pair drifts for some of them (it renames and tightens)
    code, after = report(str(FIXTURES / "petstore" / "revision.yaml"), *map(str, files))
    assert code == 1 and after["summary"]["drifting"] + after["summary"]["unmatched"] > 0


def test_mock_drift_story_names_the_mapping_and_the_recording_entry() -> None:
    """A WireMock mapping and a HAR recording made against BASE still pass there; the revision
    renames `customer` to `customer_details` and drops `normal` from the priority enum."""
    evidence = [str(STORY / "mocks" / "orders.json"), str(STORY / "checkout.har")]
    code, before = report(str(STORY / "base.yaml"), *evidence)
    assert code == 0 and before["summary"]["drifting"] == 0
    code, after = report(str(STORY / "revision.yaml"), *evidence)
    assert code == 1
    drift = [
        (i["file"].rsplit("/", 1)[-1], i["index"], p["id"], p["message"])
        for i in after["interactions"]
        for p in i["problems"]
        if p["severity"] == "drift"
    ]
    assert [(file, index, pid) for file, index, pid, _ in drift] == [
        ("orders.json", 0, "response.body.undeclared-field"),
        ("checkout.har", 1, "request.body.incompatible"),
    ]
    assert "$.customer" in drift[0][3]
    assert '"normal" is not one of ["low", "high"]' in drift[1][3] and "$.priority" in drift[1][3]
    text = run_cli("verify", str(STORY / "revision.yaml"), *evidence)
    assert text.returncode == 1
    assert "orders.json#0" in text.stdout and "checkout.har#1" in text.stdout
    assert text.stdout.index("orders\n") < text.stdout.index("checkout\n")  # grouped by consumer


def test_base_tells_drift_that_was_already_there() -> None:
    evidence = [str(STORY / "mocks" / "orders.json"), str(STORY / "checkout.har")]
    pact = str(VERIFY / "pacts" / "checkout-shop.json")
    code, found = report(str(STORY / "revision.yaml"), *evidence, pact, "--base", str(STORY / "base.yaml"))
    assert code == 1
    already = {
        i["description"]: i.get("already_failed_against_base", False)
        for i in found["interactions"]
        if i["state"] != "conforming"
    }
    assert already["order 7 with its customer"] is False  # the change causes it
    assert already["order 7 accepted for later"] is True  # wrong before the change too


def test_spec_at_a_git_revision(tmp_path: Path) -> None:
    (tmp_path / "api").mkdir()
    shutil.copy(STORY / "base.yaml", tmp_path / "api" / "openapi.yaml")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run([*git, "add", "."], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-qm", "base"], cwd=tmp_path, check=True)
    shutil.copy(STORY / "revision.yaml", tmp_path / "api" / "openapi.yaml")  # the working tree moves on
    mapping = str(STORY / "mocks" / "orders.json")
    code, found = report("HEAD:api/openapi.yaml", mapping, cwd=tmp_path)
    assert code == 0 and found["summary"]["conforming"] == 2
    code, found = report("api/openapi.yaml", mapping, cwd=tmp_path)
    assert code == 1


def test_runs_that_cannot_be_done_exit_2_with_one_line() -> None:
    pact = str(VERIFY / "pacts" / "checkout-shop.json")
    cases = [
        (["verify", str(VERIFY / "missing.yaml"), pact], "missing.yaml"),
        (["verify", str(VERIFY / "shop-3.0.yaml"), str(VERIFY / "nope.json")], "nope.json"),
        (["verify", str(VERIFY / "shop-3.0.yaml"), pact, "--format", "yaml"], "'yaml'"),
        (["verify", str(VERIFY / "shop-3.0.yaml"), str(VERIFY / "shop-2.0.yaml")], "shop-2.0.yaml"),
    ]
    for args, culprit in cases:
        done = run_cli(*args)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and culprit in lines[0], done.stderr
        assert "Traceback" not in done.stderr


def test_evidence_from_the_configuration_and_none_at_all(tmp_path: Path) -> None:
    shutil.copytree(STORY, tmp_path / "story")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    done = run_cli("verify", "story/revision.yaml", cwd=tmp_path)
    assert done.returncode == 2 and "needs evidence" in done.stderr
    (tmp_path / ".oasguard.yaml").write_text("consumers:\n  - story/mocks/*.json\n  - story/*.har\n")
    code, found = report("story/revision.yaml", cwd=tmp_path)
    assert code == 1 and found["summary"]["interactions"] == 4
    assert found["summary"]["drifting"] == 2


def test_diff_verify_shows_the_changes_then_the_contracts_that_no_longer_hold() -> None:
    done = run_cli(
        "diff",
        str(STORY / "base.yaml"),
        str(STORY / "revision.yaml"),
        "--consumers",
        str(STORY / "mocks" / "orders.json"),
        "--consumers",
        str(STORY / "checkout.har"),
        "--consumers",
        str(VERIFY / "pacts" / "checkout-shop.json"),
        "--verify",
    )
    assert done.returncode == 1, done.stderr
    changes, _, contracts = done.stdout.partition("interactions:")
    assert "response-property-renamed" in changes and "request-enum-value-removed" in changes
    assert "2 drifting" not in contracts
    assert "(5 already failed against BASE)" in contracts  # the pact's drift predates the change
    lines = contracts.splitlines()
    caused = [line for line in lines if "DRIFT" in line and "already failed" not in line]
    assert len(caused) == 2
    assert "orders.json#0)" in caused[0] and "checkout.har#1)" in caused[1]
    refused = run_cli(
        "diff", str(STORY / "base.yaml"), str(STORY / "revision.yaml"), "--verify", "-f", "json"
    )
    assert refused.returncode == 2 and "--verify" in refused.stderr
