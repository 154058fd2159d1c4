"""Who a change breaks (SPEC 5.3), through the command line: `diff --consumers` on the petstore
pair with the consumers of fixtures/consumers (Pact files written by pact-python, a
hand-written v2 Pact, a HAR recording, Keploy recordings, WireMock stubs)."""

from __future__ import annotations

import json

import pytest

from conftest import FIXTURES, ROOT, run_cli

PETSTORE = FIXTURES / "petstore"
EVIDENCE = FIXTURES / "consumers"
ALL = (
    "fixtures/consumers/pacts/*.json",
    "fixtures/consumers/handwritten/*.json",
    "browser=fixtures/consumers/har/*.har",
    "catalog-tests=fixtures/consumers/keploy/test-set-*/tests/*.yaml",
    "orders-service=fixtures/consumers/keploy/orders-service/mocks.yaml",
    "checkout-stubs=fixtures/consumers/wiremock/mappings/*.json",
)


def _consumers(*patterns: str) -> list[str]:
    return [argument for pattern in patterns for argument in ("--consumers", pattern)]


def _diff(base, revision, *extra: str):
    return run_cli("diff", str(base), str(revision), "--format", "json", *_consumers(*ALL), *extra, cwd=ROOT)


@pytest.fixture(scope="module")
def petstore() -> dict:
    done = _diff(PETSTORE / "base.yaml", PETSTORE / "revision.yaml")
    assert done.returncode == 1, done.stderr
    return json.loads(done.stdout)


def _changes(report: dict, rule: str, operation: str) -> list[dict]:
    found = [c for c in report["changes"] if c["id"] == rule and c["operation"] == operation]
    assert found, f"no {rule} on {operation}"
    return found


def test_a_removed_response_property_names_only_the_consumers_that_read_it(petstore):
    # web's Pact (v4) and the browser's HAR read `name` of GET /pets; mobile-ios's Pact (v3) reads
    # `id` and `tag` only, admin's hand-written v2 Pact `id` and `status`
    (removed,) = _changes(petstore, "response-property-removed", "GET /pets")
    assert removed["consumers"] == ["browser", "web"]
    # POST /pets: billing (v2) and the recordings hold `name` in the 201; mobile-ios reads `id`
    (removed,) = _changes(petstore, "response-property-removed", "POST /pets")
    assert removed["consumers"] == ["billing", "browser", "orders-service"]


def test_a_new_required_query_parameter_names_the_consumers_that_do_not_send_it(petstore):
    # every other consumer of GET /pets sends `owner` (web, admin, browser, checkout-stubs)
    (added,) = _changes(petstore, "required-request-parameter-added", "GET /pets")
    assert added["consumers"] == ["mobile-ios"]


def test_a_tightened_request_bound_names_only_the_consumers_whose_value_no_longer_fits(petstore):
    # `limit` gains maximum 100: mobile-ios asks for 500; web 20, browser 10, the stubs 5
    (tightened,) = _changes(petstore, "request-bound-tightened", "GET /pets")
    assert tightened["consumers"] == ["mobile-ios"]
    # enum value `sold` removed from `status`: only admin sends status=sold
    (removed,) = _changes(petstore, "request-enum-value-removed", "GET /pets")
    assert removed["consumers"] == ["admin"]


def test_a_request_property_made_required_names_the_consumers_that_do_not_send_it(petstore):
    (required,) = _changes(petstore, "request-property-became-required", "POST /pets")
    assert required["consumers"] == ["billing"]


def test_operation_level_changes_name_every_consumer_of_the_operation(petstore):
    (removed,) = _changes(petstore, "operation-removed", "DELETE /pets/{petId}")
    assert removed["consumers"] == ["billing", "checkout-stubs"]
    (secured,) = _changes(petstore, "security-requirement-added", "GET /stores/{storeId}/inventory")
    assert secured["consumers"] == ["billing", "orders-service"]


def test_a_path_value_still_accepted_is_no_break(petstore):
    # petId integer -> string: a path parameter is text, "/pets/1" is still accepted (SPEC 3.2):
    # a safe change, which names no consumer
    (changed,) = _changes(petstore, "request-type-widened-as-text", "GET /pets/{petId}")
    assert changed["level"] == "safe" and "consumers" not in changed


def test_safe_changes_and_untouched_consumers_are_never_named(petstore):
    for change in petstore["changes"]:
        if change["level"] == "safe":
            assert "consumers" not in change, change
    # admin's only matched interaction is GET /pets: it is never named on another operation
    for change in petstore["changes"]:
        if "admin" in change.get("consumers", []):
            assert change["operation"] == "GET /pets", change


def test_an_unmatched_interaction_is_listed_in_json_and_noted(petstore):
    # /pets/mine is not /pets/{petId}: petId is an integer in the base
    assert petstore["unmatched"] == [
        {
            "consumer": "admin",
            "description": "a request for my own pets",
            "file": "fixtures/consumers/handwritten/admin-petstore.json",
            "index": 1,
            "method": "GET",
            "path": "/pets/mine",
        }
    ]
    assert any("unmatched interaction: admin: a request for my own pets" in n for n in petstore["notes"])
    # the message interaction of web's v4 Pact and the Postgres mock are skipped with a note
    assert any("web-petstore.json#0" in n and "not HTTP" in n for n in petstore["notes"])
    assert any("mocks.yaml#1" in n and "Postgres" in n for n in petstore["notes"])


def test_text_and_markdown_name_consumers_and_unmatched_interactions():
    args = ("diff", str(PETSTORE / "base.yaml"), str(PETSTORE / "revision.yaml"), *_consumers(*ALL))
    text = run_cli(*args, cwd=ROOT)
    assert text.returncode == 1, text.stderr
    assert "mobile-ios" in text.stdout
    assert "unmatched interaction: admin: a request for my own pets" in text.stdout
    markdown = run_cli(*args, "--format", "markdown", cwd=ROOT)
    assert markdown.returncode == 1, markdown.stderr
    assert "mobile-ios" in markdown.stdout
    assert "a request for my own pets" in markdown.stdout


MAXLENGTH = EVIDENCE / "petstore-maxlength.yaml"


def test_a_tightened_max_length_names_only_the_consumer_whose_value_is_too_long():
    done = _diff(PETSTORE / "base.yaml", MAXLENGTH)
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    # the one change of an operation (info.version stays 1.0.0: the versioning rules add theirs)
    (change,) = [change for change in report["changes"] if change["operation"]]
    assert change["id"] == "request-bound-tightened"
    # the browser's HAR posts "Sir Reginald Fluffington" (24 characters); the others' names
    # ("Rex", "Order pet") still fit in 12
    assert change["consumers"] == ["browser"]


def test_markdown_says_when_no_known_consumer_is_broken():
    short = ("fixtures/consumers/pacts/*.json",)
    args = ("diff", str(PETSTORE / "base.yaml"), str(MAXLENGTH), "--format", "markdown", *_consumers(*short))
    done = run_cli(*args, cwd=ROOT)
    assert "Breaks none of the 3 known consumers." in done.stdout


def test_fail_on_consumers_exits_0_when_no_consumer_uses_the_breaking_change():
    short = (
        "fixtures/consumers/pacts/*.json",
        "orders-service=fixtures/consumers/keploy/orders-service/mocks.yaml",
    )
    args = ("diff", str(PETSTORE / "base.yaml"), str(MAXLENGTH), *_consumers(*short))
    plain = run_cli(*args, cwd=ROOT)
    assert plain.returncode == 1, plain.stderr  # a breaking change...
    assert "breaks:" not in plain.stdout  # ...that no consumer is hit by
    chosen = run_cli(*args, "--fail-on-consumers", cwd=ROOT)
    assert chosen.returncode == 0, chosen.stdout + chosen.stderr
    assert "request-bound-tightened" in chosen.stdout  # still listed
    # with the consumer that sends a long name, the change counts again
    hit = run_cli(*args, *_consumers("browser=fixtures/consumers/har/*.har"), "--fail-on-consumers", cwd=ROOT)
    assert hit.returncode == 1, hit.stdout + hit.stderr


def test_the_configuration_names_consumers_and_fail_on_consumers(tmp_path):
    (tmp_path / "pacts").mkdir()
    for pact in (EVIDENCE / "pacts").glob("*.json"):
        (tmp_path / "pacts" / pact.name).write_bytes(pact.read_bytes())
    (tmp_path / ".oasguard.yaml").write_text("consumers: ['pacts/*.json']\nfail-on-consumers: true\n")
    done = run_cli("diff", str(PETSTORE / "base.yaml"), str(MAXLENGTH), "--format", "json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["unmatched"] == []
    assert "consumers" not in report["changes"][0]
    done = run_cli("diff", str(PETSTORE / "base.yaml"), str(PETSTORE / "revision.yaml"), cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert "mobile-ios" in done.stdout


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("fail-on-consumers: 'yes'", "fail-on-consumers"),
        ("consumers: 3", "consumers"),
    ],
)
def test_bad_configuration_values_are_one_line_errors(tmp_path, value, message):
    (tmp_path / ".oasguard.yaml").write_text(value + "\n")
    done = run_cli("diff", str(PETSTORE / "base.yaml"), str(MAXLENGTH), cwd=tmp_path)
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def _format(name: str) -> str:
    args = ("diff", str(PETSTORE / "base.yaml"), str(PETSTORE / "revision.yaml"), "--format", name)
    done = run_cli(*args, *_consumers(*ALL), cwd=ROOT)
    assert done.returncode == 1, done.stderr
    return done.stdout


def test_sarif_results_carry_the_consumers_as_a_property():
    sarif = json.loads(_format("sarif"))
    results = sarif["runs"][0]["results"]
    owner = [r for r in results if r["ruleId"] == "required-request-parameter-added"]
    assert [r["properties"]["consumers"] for r in owner] == [["mobile-ios"]]
    added = [r for r in results if r["ruleId"] == "operation-added"]
    assert all("consumers" not in r.get("properties", {}) for r in added)


def test_junit_and_github_annotations_name_the_consumers():
    import xml.etree.ElementTree as ET

    suite = ET.fromstring(_format("junit"))
    texts = [
        (case.get("name") or "") + " ".join((f.text or "") + (f.get("message") or "") for f in case)
        for case in suite.iter("testcase")
    ]
    assert any("owner" in t and "affects mobile-ios" in t for t in texts), texts
    github = _format("github").splitlines()
    assert any(
        line.startswith("::error") and "owner" in line and "affects mobile-ios" in line for line in github
    )


def test_markdown_headline_and_per_consumer_summary():
    from markdown_it import MarkdownIt

    text = _format("markdown")
    every = "admin, billing, browser, catalog-tests, checkout-stubs, mobile-ios, orders-service, web"
    assert f"Breaks 8 of 8 known consumers: {every}." in text
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    cells = [t.children[0].content for t in tokens if t.type == "inline" and t.children]
    row = cells.index("mobile-ios")
    assert cells[row : row + 3] == ["mobile-ios", "2", "0"]  # owner, limit: 2 breaking changes
    assert "1 interaction matched no operation" in text


@pytest.mark.parametrize("kind", ["pyproject", "yaml"])
def test_diff_base_ref_of_the_configured_specs_attributes_each_document(tmp_path, kind):
    from repos import Repo

    repo = Repo(tmp_path / "repo")
    repo.write("api/petstore.yaml", (PETSTORE / "base.yaml").read_text())
    repo.write("other/untouched.yaml", (PETSTORE / "base.yaml").read_text())
    for pact in (EVIDENCE / "pacts").glob("*.json"):
        repo.write(f"pacts/{pact.name}", pact.read_text())
    repo.configure(kind, {"specs": ["api/*.yaml", "other/*.yaml"], "consumers": ["pacts/*.json"]})
    repo.commit()
    repo.write("api/petstore.yaml", (PETSTORE / "revision.yaml").read_text())
    status, report, _ = repo.json("--base", "main")
    assert status == 1
    named = {(c["id"], c["operation"]): c.get("consumers") for c in report["changes"]}
    assert named[("required-request-parameter-added", "GET /pets")] == ["mobile-ios"]
    assert named[("security-requirement-added", "GET /stores/{storeId}/inventory")] == ["billing"]
    assert {c["document"] for c in report["changes"]} == {"api/petstore.yaml"}
    assert report["unmatched"] == []


def test_the_changelog_names_the_consumers():
    done = run_cli(
        "changelog", str(PETSTORE / "base.yaml"), str(PETSTORE / "revision.yaml"), *_consumers(*ALL), cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    line = next(line for line in done.stdout.splitlines() if "'owner'" in line)
    assert line.endswith("(affects mobile-ios)"), line


def test_hostile_consumer_names_are_escaped_in_every_format(tmp_path):
    pact = json.loads((EVIDENCE / "pacts" / "mobile-ios-petstore.json").read_text())
    pact["consumer"]["name"] = "evil\x1b[31m|<img src=x>@team\n::error::forged"
    (tmp_path / "evil.json").write_text(json.dumps(pact))
    args = ("diff", str(PETSTORE / "base.yaml"), str(PETSTORE / "revision.yaml"), "--consumers", "evil.json")
    for name in ("text", "markdown", "github", "sarif", "junit", "json"):
        done = run_cli(*args, "--format", name, cwd=tmp_path)
        assert done.returncode == 1, done.stderr
        assert "\x1b" not in done.stdout, name
        if name == "markdown":
            assert "<img" not in done.stdout and "@team" not in done.stdout
        if name == "github":
            assert not any(line.startswith("::error::forged") for line in done.stdout.splitlines())
        if name == "json":
            report = json.loads(done.stdout)
            (owner,) = _changes(report, "required-request-parameter-added", "GET /pets")
            assert owner["consumers"] == [pact["consumer"]["name"]]  # JSON keeps the raw text


def test_json_counts_the_changes_that_name_each_consumer(petstore):
    summary = petstore["consumers"]
    assert set(summary) == {
        "admin",
        "billing",
        "browser",
        "catalog-tests",
        "checkout-stubs",
        "mobile-ios",
        "orders-service",
        "web",
    }
    assert summary["mobile-ios"] == {"breaking": 2, "warning": 0, "safe": 0}
    for name, counts in summary.items():
        named = [c for c in petstore["changes"] if name in c.get("consumers", [])]
        assert sum(counts.values()) == len(named), name


def test_the_json_writer_in_pieces_writes_what_json_dumps_writes():
    from oasguard.consumers.read import read_consumers
    from oasguard.engine import File, Pair, RunOptions, run
    from oasguard.report.json import render_json, report_dict

    pair = Pair(File(str(PETSTORE / "base.yaml")), File(str(PETSTORE / "revision.yaml")))
    report = run([pair], RunOptions(consumers=read_consumers(ALL, ROOT)))
    assert any(change.consumers for change in report.changes)
    assert render_json(report) == json.dumps(report_dict(report), indent=2, ensure_ascii=False) + "\n"


def test_the_hook_names_the_consumers_of_a_staged_breaking_change(tmp_path):
    """The pre-commit hook takes `--consumers` (or the configuration's `consumers`) too."""
    import shutil
    import subprocess

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    git("config", "user.email", "dev@example.com")
    git("config", "user.name", "dev")
    api = tmp_path / "api.yaml"
    shutil.copy(PETSTORE / "base.yaml", api)
    shutil.copy(ROOT / "fixtures" / "consumers" / "pacts" / "web-petstore.json", tmp_path / "web.json")
    git("add", "-A")
    git("commit", "-qm", "base")
    shutil.copy(PETSTORE / "revision.yaml", api)
    git("add", "api.yaml")
    result = run_cli("hook", "api.yaml", "--consumers", "web.json", cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "breaks: web" in result.stdout, result.stdout


def test_evidence_without_an_http_interaction_still_says_nothing_was_unmatched(tmp_path):
    """A Pact of message interactions only: the JSON report still carries `unmatched` (empty) and
    `consumers`, so that a reader can tell "no consumer is broken" from "no evidence was read"."""
    pact = tmp_path / "events.json"
    pact.write_text(
        json.dumps(
            {
                "consumer": {"name": "events"},
                "provider": {"name": "petstore"},
                "messages": [{"description": "a pet adopted", "contents": {"id": 1}}],
                "metadata": {"pactSpecification": {"version": "3.0.0"}},
            }
        )
    )
    args = ("diff", str(PETSTORE / "base.yaml"), str(PETSTORE / "revision.yaml"), "--format", "json")
    result = run_cli(*args, "--consumers", str(pact))
    report = json.loads(result.stdout)
    assert report["unmatched"] == [] and report["consumers"] == {}
    assert "a message interaction, not HTTP" in result.stderr
    assert not any(change.get("consumers") for change in report["changes"])
    assert "unmatched" not in json.loads(run_cli(*args).stdout)  # no evidence, no key


def test_markdown_has_a_consumers_column_and_folds_the_changes_no_consumer_uses():
    from formats_helpers import parse_markdown

    args = ("diff", str(PETSTORE / "base.yaml"), str(PETSTORE / "revision.yaml"), "--format", "markdown")
    done = run_cli(*args, *_consumers("fixtures/consumers/pacts/*.json"), cwd=ROOT)
    page = parse_markdown(done.stdout)
    tables = [t for t in page.tables if t[0] == ["operation", "change", "consumers", "rule", "where"]]
    used, unused = tables[0], tables[1]  # breaking: what known consumers use, then the rest
    rows = {(row[0], row[3]): row[2] for row in used[1:]}
    assert rows[("GET /pets", "required-request-parameter-added")] == "mobile-ios"
    assert all(row[2] == "—" for row in unused[1:]) and len(unused) > 1
    assert ("GET /pets", "request-enum-value-removed") in {(row[0], row[3]) for row in unused[1:]}
    assert "❌ Breaking changes no known consumer uses" in "".join(page.html) + done.stdout
    # safe changes break no one: one table, no consumers column
    assert any(t[0] == ["operation", "change", "rule", "where"] for t in page.tables)


def test_text_ends_with_what_each_consumer_is_hit_by():
    args = ("diff", str(PETSTORE / "base.yaml"), str(PETSTORE / "revision.yaml"))
    evidence = _consumers("fixtures/consumers/pacts/*.json")
    done = run_cli(*args, *evidence, cwd=ROOT, env={"NO_COLOR": "1"})
    report = json.loads(run_cli(*args, *evidence, "-f", "json", cwd=ROOT).stdout)
    lines = done.stdout.splitlines()
    start = lines.index("Consumers:")
    for name, levels in report["consumers"].items():  # the same counts as the JSON summary
        hit = ", ".join(f"{levels[each]} {each}" for each in ("breaking", "warning", "safe") if levels[each])
        assert f"  {name}: {hit or 'not affected'}" in lines[start + 1 :], lines[start:]
