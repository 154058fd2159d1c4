"""One fixture pair per rule (paths, parameters, request body, responses, security), run through
the engine API: the exact set of reported rule ids, their default levels and their messages.

Each case is `fixtures/rules/<case>/base.yaml` vs `revision.yaml`, two tiny OpenAPI documents that
differ only in the thing under test (SPEC 3.2). Cases whose expected set is empty are the
SPEC "not a change" items: nothing at all may be reported for them.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import re
from pathlib import Path

import pytest
import yaml

from conftest import NOWHERE, describe_changes, pointer_target, run_cli
from oasguard.rules import parameters, paths, request_body, responses, security
from oasguard.rules.registry import RULES
from oasguard.rules.versioning import RULES as VERSIONING_RULES

VERSIONING = frozenset(rule.id for rule in VERSIONING_RULES)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "rules"

# (case name, the exact set of rule ids reported, a substring of the main change's message, or
# a tuple of substrings that must all appear in one message; None when nothing is reported)
CASES: list[tuple[str, set[str], str | tuple[str, ...] | None]] = [
    # --- paths, operations, webhooks, servers
    ("path-removed", {"path-removed"}, "path '/owners' was removed"),
    ("operation-removed", {"operation-removed"}, "operation DELETE /pets was removed"),
    (
        "operation-removed-after-sunset",
        {"operation-removed-after-sunset"},
        "after its sunset date 2020-01-01",
    ),
    # the same, with the date unquoted (YAML reads it as a date, not a string)
    (
        "operation-removed-after-sunset-unquoted-date",
        {"operation-removed-after-sunset"},
        "after its sunset date 2020-01-01",
    ),
    (
        "operation-removed-before-sunset",
        {"operation-removed-before-sunset"},
        "deprecated operation DELETE /pets was removed",
    ),
    (
        "operation-removed-before-sunset-no-sunset",
        {"operation-removed-before-sunset"},
        "deprecated operation DELETE /pets was removed",
    ),
    ("path-added", {"path-added"}, "path '/owners' was added"),
    ("operation-added", {"operation-added"}, "operation POST /pets was added"),
    ("operation-deprecated", {"operation-deprecated"}, "operation GET /pets was deprecated"),
    ("operation-stability-decreased", {"operation-stability-decreased"}, "from stable to beta"),
    ("operation-stability-increased", {"operation-stability-increased"}, "from beta to stable"),
    ("operation-id-changed", {"operation-id-changed"}, "from 'listPets' to 'getPets'"),
    ("webhook-removed", {"webhook-removed"}, "webhook 'newPet'"),
    ("webhook-added", {"webhook-added"}, "webhook 'newPet'"),
    (
        "server-url-changed",
        {"server-url-changed"},
        "from 'https://api.example.com/v1' to 'https://api.example.com/v2'",
    ),
    ("server-removed", {"server-removed"}, "server 'https://staging.example.com/v1' was removed"),
    ("server-added", {"server-added"}, "server 'https://staging.example.com/v1' was added"),
    # --- parameters
    (
        "required-request-parameter-added",
        {"required-request-parameter-added"},
        "new required query parameter 'owner'",
    ),
    (
        "required-request-parameter-added-header",
        {"required-request-parameter-added"},
        "new required header parameter 'X-Tenant'",
    ),
    (
        "required-request-parameter-added-cookie",
        {"required-request-parameter-added"},
        "new required cookie parameter 'session'",
    ),
    (
        "required-request-parameter-added-path-item-level",
        {"required-request-parameter-added"},
        "new required query parameter 'owner'",
    ),
    (
        "optional-request-parameter-added",
        {"optional-request-parameter-added"},
        "new optional query parameter 'limit'",
    ),
    ("request-parameter-removed", {"request-parameter-removed"}, "query parameter 'limit' was removed"),
    (
        "request-parameter-removed-before-sunset",
        {"request-parameter-removed-before-sunset"},
        "deprecated query parameter 'sort' was removed before its sunset date 2999-01-01",
    ),
    (
        "request-parameter-became-required",
        {"request-parameter-became-required"},
        "query parameter 'owner' became required",
    ),
    (
        "request-parameter-became-optional",
        {"request-parameter-became-optional"},
        "query parameter 'owner' became optional",
    ),
    (
        "request-parameter-location-changed",
        {"request-parameter-location-changed"},
        "parameter 'trace' moved from query to header",
    ),
    (
        "request-parameter-style-changed",
        {"request-parameter-style-changed"},
        "query parameter 'tags' serialisation changed (explode",
    ),
    ("request-parameter-style-changed-style", {"request-parameter-style-changed"}, "pipeDelimited"),
    # no style/explode (form, explode true by default) -> explicit explode: false
    (
        "request-parameter-style-changed-implicit-default",
        {"request-parameter-style-changed"},
        "query parameter 'tags' serialisation changed (explode",
    ),
    (
        "request-parameter-default-changed",
        {"request-parameter-default-changed"},
        "default of query parameter 'limit' changed from 20 to 50",
    ),
    # --- request body
    ("required-request-body-added", {"required-request-body-added"}, "a required request body was added"),
    ("optional-request-body-added", {"optional-request-body-added"}, "an optional request body was added"),
    ("request-body-removed", {"request-body-removed"}, "the request body was removed"),
    ("request-body-became-required", {"request-body-became-required"}, "the request body became required"),
    ("request-body-became-optional", {"request-body-became-optional"}, "the request body became optional"),
    (
        "request-media-type-removed",
        {"request-media-type-removed"},
        "request media type 'application/xml' was removed",
    ),
    (
        "request-media-type-added",
        {"request-media-type-added"},
        "request media type 'application/xml' was added",
    ),
    # --- responses
    (
        "response-success-status-removed",
        {"response-success-status-removed"},
        "success response status 204 was removed",
    ),
    ("response-status-removed", {"response-status-removed"}, "response status 404 was removed"),
    ("response-status-removed-default", {"response-status-removed"}, "response status default was removed"),
    ("response-status-added", {"response-status-added"}, "response status 404 was added"),
    (
        "response-media-type-removed",
        {"response-media-type-removed"},
        "response 200 media type 'application/xml' was removed",
    ),
    (
        "response-media-type-added",
        {"response-media-type-added"},
        "response 200 media type 'application/xml' was added",
    ),
    (
        "response-required-header-removed",
        {"response-required-header-removed"},
        "required response header 'X-Rate-Limit' was removed from 200",
    ),
    (
        "response-optional-header-removed",
        {"response-optional-header-removed"},
        "optional response header 'X-Rate-Limit' was removed from 200",
    ),
    ("response-header-added", {"response-header-added"}, "response header 'X-Rate-Limit' was added to 200"),
    (
        "response-header-became-optional",
        {"response-header-became-optional"},
        "response header 'X-Rate-Limit' of 200 became optional",
    ),
    (
        "response-header-became-required",
        {"response-header-became-required"},
        "response header 'X-Rate-Limit' of 200 became required",
    ),
    # --- security
    ("security-requirement-added", {"security-requirement-added"}, ("security requirement", "'api_key'")),
    (
        "security-requirement-added-document-wide",
        {"security-requirement-added"},
        ("security requirement", "'api_key'"),
    ),
    # [{api_key}] -> [{api_key AND oauth}]: the requirement now also needs another scheme
    (
        "security-requirement-added-and",
        {"security-requirement-added"},
        ("security requirement", "'oauth'", "read"),
    ),
    ("security-scope-added", {"security-scope-added"}, ("'oauth' now also needs scope(s)", "write")),
    (
        "security-alternative-added",
        {"security-alternative-added"},
        ("alternative security requirement", "'oauth'"),
    ),
    ("security-requirement-removed", {"security-requirement-removed"}, ("security requirement", "'oauth'")),
    (
        "security-requirement-removed-made-public",
        {"security-requirement-removed"},
        ("security requirement", "'api_key'"),
    ),
    ("security-scope-removed", {"security-scope-removed"}, ("'oauth' no longer needs scope(s)", "write")),
    # --- SPEC 3.2.1: deprecation, allowEmptyValue, response header serialisation
    (
        "request-parameter-deprecated",
        {"request-parameter-deprecated"},
        "query parameter 'limit' was deprecated",
    ),
    (
        "request-parameter-undeprecated",
        {"request-parameter-undeprecated"},
        "query parameter 'limit' is no longer deprecated",
    ),
    (
        "request-parameter-allow-empty-value-removed",
        {"request-parameter-allow-empty-value-removed"},
        "query parameter 'limit' no longer allows an empty value",
    ),
    (
        "request-parameter-allow-empty-value-added",
        {"request-parameter-allow-empty-value-added"},
        "query parameter 'limit' now allows an empty value",
    ),
    ("request-body-deprecated", {"request-body-deprecated"}, "the request body was deprecated"),
    ("request-body-undeprecated", {"request-body-undeprecated"}, "the request body is no longer deprecated"),
    ("response-header-deprecated", {"response-header-deprecated"}, "'X-Rate-Limit' of 200 was deprecated"),
    (
        "response-header-undeprecated",
        {"response-header-undeprecated"},
        "'X-Rate-Limit' of 200 is no longer deprecated",
    ),
    # an object header exploded is written R=100 instead of R,100
    (
        "response-header-style-changed",
        {"response-header-style-changed"},
        ("'X-Rate-Limit'", "explode false -> true"),
    ),
    # --- SPEC 3.2.1: a media type that had no schema gains one / loses it
    ("request-schema-added", {"request-schema-added"}, "request body (application/json) gained a schema"),
    (
        "request-schema-removed",
        {"request-schema-removed"},
        "request body (application/json) no longer has a schema",
    ),
    (
        "response-schema-added",
        {"response-schema-added"},
        "response 200 body (application/json) gained a schema",
    ),
    (
        "response-schema-removed",
        {"response-schema-removed"},
        "response 200 body (application/json) no longer has a schema",
    ),
    # --- SPEC 3.2.1: security schemes, for every operation that requires the scheme
    (
        "security-scheme-type-changed",
        {"security-scheme-type-changed"},
        ("'petstore_auth'", "'apiKey' to 'http'"),
    ),
    (
        "security-scheme-changed-api-key-name",
        {"security-scheme-changed"},
        ("name", "'X-API-Key' to 'X-Token'"),
    ),
    (
        "security-scheme-changed-api-key-in",
        {"security-scheme-changed"},
        ("in changed", "'header' to 'query'"),
    ),
    ("security-scheme-changed-http-scheme", {"security-scheme-changed"}, ("scheme", "'basic' to 'bearer'")),
    ("security-scheme-changed-openid-url", {"security-scheme-changed"}, "openIdConnectUrl changed"),
    (
        "security-scheme-flow-removed",
        {"security-scheme-flow-removed"},
        "no longer offers the clientCredentials flow",
    ),
    (
        "security-scheme-url-changed",
        {"security-scheme-url-changed"},
        ("clientCredentials tokenUrl", "login.example"),
    ),
    (
        "security-scheme-scope-removed",
        {"security-scheme-scope-removed"},
        ("no longer offers scope(s)", "write"),
    ),
    ("security-scheme-scope-added", {"security-scheme-scope-added"}, ("now offers scope(s)", "admin")),
    ("security-scheme-added", {"security-scheme-added"}, "security scheme 'api_key' was added"),
    ("security-scheme-removed", {"security-scheme-removed"}, "security scheme 'api_key' was removed"),
    # --- not a change (SPEC 3.2 / 3.1): nothing may be reported
    ("no-change-path-parameter-renamed-in-template", set(), None),
    ("no-change-header-name-case", set(), None),
    ("no-change-documentation", set(), None),
    # style/explode on a primitive value changes no serialisation
    ("no-change-style-on-primitive", set(), None),
    # the defaults (form, explode: true) written out explicitly
    ("no-change-explicit-default-style", set(), None),
    # explode on an array header writes the same bytes (style simple: 1,2,3 either way)
    ("no-change-header-explode-on-array", set(), None),
    # a scheme that no operation requires changed: no client is affected
    ("no-change-unused-security-scheme-changed", set(), None),
]

#: rule ids this table does not have to cover (renames are tested elsewhere; a deprecation
#: with too little notice exists only with `deprecation-days` set: tests/test_policy.py)
NOT_COVERED = {"request-parameter-renamed", "required-request-parameter-renamed", "operation-sunset-too-soon"}

LEVELS = ("breaking", "warning", "safe")
METHODS = "GET|PUT|POST|DELETE|OPTIONS|HEAD|PATCH|TRACE"


def _pair(case: str) -> tuple[Path, Path]:
    return FIXTURES / case / "base.yaml", FIXTURES / case / "revision.yaml"


def _diff(case: str):
    from oasguard.engine import diff_paths  # the engine API under test

    base, revision = _pair(case)
    report = diff_paths(base, revision)
    # these fixtures keep info.version 1.0.0 on both sides: the versioning rules, which judge it
    # from the other changes, would join every case; tests/test_versioning.py is theirs
    return dataclasses.replace(report, changes=[c for c in report.changes if c.id not in VERSIONING])


def _mentions(message: str, substring: str | tuple[str, ...]) -> bool:
    wanted = (substring,) if isinstance(substring, str) else substring
    return all(part in message for part in wanted)


CASE_IDS = [case for case, _, _ in CASES]


def test_case_names_are_unique_and_have_fixtures():
    assert len(CASE_IDS) == len(set(CASE_IDS))
    on_disk = {p.name for p in FIXTURES.iterdir() if p.is_dir()}
    assert on_disk == set(CASE_IDS)
    for case in CASE_IDS:
        for path in _pair(case):
            assert isinstance(yaml.safe_load(path.read_text()), dict), path


def test_every_rule_of_these_families_is_covered():
    families = (paths, parameters, request_body, responses, security)
    wanted = {rule.id for family in families for rule in family.RULES} - NOT_COVERED
    covered = set().union(*(ids for _, ids, _ in CASES))
    assert wanted - covered == set()
    assert covered - set(RULES) == set(), "unknown rule ids in the table"


@pytest.mark.parametrize(("case", "expected", "substring"), CASES, ids=CASE_IDS)
def test_rule(case: str, expected: set[str], substring: str | tuple[str, ...] | None):
    report = _diff(case)
    changes = list(report.changes)
    assert {c.id for c in changes} == expected, f"{case} reported:\n{describe_changes(changes)}"
    for c in changes:
        assert c.level is RULES[c.id].level, f"{c.id} reported as {c.level.value}"
    if substring is not None:
        assert any(_mentions(c.message, substring) for c in changes), (
            f"no message contains {substring!r}:\n{describe_changes(changes)}"
        )


POSITIVE = [(case, expected) for case, expected, _ in CASES if expected]


@pytest.mark.parametrize(("case", "expected"), POSITIVE, ids=[c for c, _ in POSITIVE])
def test_change_fields(case: str, expected: set[str]):
    """Every change has the SPEC 2 fields, its pointer resolves, and the run is deterministic."""
    base, revision = _pair(case)
    documents = {True: yaml.safe_load(base.read_text()), False: yaml.safe_load(revision.read_text())}
    first = list(_diff(case).changes)
    for c in first:
        # "METHOD /path"; a webhook has a name instead of a path
        assert c.operation is None or re.fullmatch(rf"({METHODS}) \S+", c.operation), c.operation
        assert isinstance(c.location, str) and c.location, c
        assert isinstance(c.message, str) and c.message, c
        assert pointer_target(documents[bool(c.in_base)], c.pointer) is not NOWHERE, (
            f"{c.id}: pointer {c.pointer!r} is not in the {'base' if c.in_base else 'revision'}"
        )
    second = list(_diff(case).changes)
    assert [(c.id, c.level, c.message, c.operation, c.location, c.pointer) for c in first] == [
        (c.id, c.level, c.message, c.operation, c.location, c.pointer) for c in second
    ]


def _cli_available() -> bool:
    return importlib.util.find_spec("oasguard.cli") is not None


@pytest.mark.skipif(not _cli_available(), reason="oasguard.cli does not exist yet")
@pytest.mark.parametrize(("case", "expected", "substring"), CASES, ids=CASE_IDS)
def test_rule_json(case: str, expected: set[str], substring: str | tuple[str, ...] | None):
    """The same through `oasguard diff --format json`: ids, levels, summary counts, exit status."""
    base, revision = _pair(case)
    run = run_cli("diff", str(base), str(revision), "--format", "json", timeout=60)
    assert run.returncode in (0, 1), run.stderr
    report = json.loads(run.stdout)
    changes = report["changes"]
    for c in changes:
        assert {"id", "level", "message", "operation", "location", "pointer"} <= c.keys(), c
        assert c["level"] == RULES[c["id"]].level.value, c
    assert {c["id"] for c in changes} - VERSIONING == expected, json.dumps(changes, indent=1)
    counts = {level: sum(c["level"] == level for c in changes) for level in LEVELS}
    assert {level: report["summary"].get(level, 0) for level in LEVELS} == counts
    assert set(report["summary"]) <= set(LEVELS)
    assert run.returncode == (1 if counts["breaking"] else 0)
    if substring is not None:
        assert any(_mentions(c["message"], substring) for c in changes)
