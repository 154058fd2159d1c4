"""The Pact Broker from the command line (SPEC 5.5): `diff` and `verify` read the latest pact of
every consumer of `--provider` from a Broker on 127.0.0.1 that the test starts (nothing else is
contacted), and name those consumers as files' consumers are named."""

from __future__ import annotations

import json

from conftest import FIXTURES, run_cli
from test_broker import LATEST, Broker, broker  # noqa: F401  (the fixture)

BASE, REVISION = FIXTURES / "petstore" / "base.yaml", FIXTURES / "petstore" / "revision.yaml"


def test_diff_names_the_consumers_whose_pacts_the_broker_holds(broker: Broker) -> None:  # noqa: F811
    broker.serve_petstore()
    result = run_cli(
        "diff", str(BASE), str(REVISION), "--format", "json",
        "--pact-broker", broker.url, "--provider", "petstore",
        env={"PACT_BROKER_TOKEN": "", "PACT_BROKER_USERNAME": "", "PACT_BROKER_PASSWORD": ""},
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    named = {name for change in report["changes"] for name in change.get("consumers", [])}
    assert named and named <= {"web", "mobile-ios", "partner-portal"}, named
    assert LATEST in broker.paths  # the Broker was asked, through its index


def test_verify_reads_the_broker_and_the_files_together(broker: Broker) -> None:  # noqa: F811
    broker.serve_petstore()
    pact = FIXTURES / "consumers" / "pacts" / "web-petstore.json"
    result = run_cli(
        "verify", str(BASE), str(pact), "--format", "json",
        "--pact-broker", broker.url, "--provider", "petstore",
    )  # fmt: skip
    assert result.returncode in (0, 1), result.stderr
    text = result.stdout
    assert broker.url in text  # interactions from the Broker name their pact's URL as their file
    assert "web-petstore.json" in text


def test_a_broker_without_a_provider_is_a_usage_error() -> None:
    result = run_cli("diff", str(BASE), str(REVISION), "--pact-broker", "http://127.0.0.1:9")
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "--provider" in result.stderr


def test_a_tag_without_a_broker_is_a_usage_error() -> None:
    result = run_cli("verify", str(BASE), "--pact-broker-tag", "prod")
    assert result.returncode == 2 and "--pact-broker" in result.stderr


def test_a_broker_that_refuses_is_one_line_naming_the_url(broker: Broker) -> None:  # noqa: F811
    broker.routes[LATEST] = broker.recorded("unauthorized.json", status=401)
    result = run_cli("diff", str(BASE), str(REVISION), "--pact-broker", broker.url, "--provider", "petstore")
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert broker.url in result.stderr and "Traceback" not in result.stderr
