"""The GitLab CI/CD component (templates/oasguard.yml) run by a real GitLab CI emulation,
`gitlab-ci-local`, with its shell executor on the host (no Docker): a temporary repository
with a merge request's two commits and the merge-request variables set, the component taken
from the include cache as GitLab would fetch it, oasguard installed from a git copy of this
checkout (the component's project), and a stub of GitLab's notes API on 127.0.0.1.

gitlab-ci-local comes from npm (4.73.0, the newest that starts on Node 20) into a cache
folder, once; without Node and npm, or without rsync (which gitlab-ci-local calls), the tests
are skipped with a message saying what to install."""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

import html5lib
import pytest

from conftest import FIXTURES, ROOT
from gitlab_helpers import MARKER, NotesApi, assert_valid_code_quality, serving

VERSION = "4.73.0"
CACHE = Path(os.environ.get("OASGUARD_TEST_CACHE") or Path.home() / ".cache" / "oasguard-tests")

BASE = (FIXTURES / "petstore" / "base.yaml").read_text()
BREAKING = (FIXTURES / "petstore" / "revision.yaml").read_text()
#: the base with a new optional query parameter: one safe change
SAFE = BASE.replace(
    "      parameters:\n",
    "      parameters:\n        - {name: safe, in: query, required: false, schema: {type: string}}\n",
    1,
)
HOST, COMPONENT_PROJECT = "gitlab.example.com", "tools/oasguard"
#: a label that would run commands if anything evaluated it (in the job's folder, the clone)
LABEL = 'ok to break $(touch pwned) `touch pwned` ";touch pwned;"'


#: the scenarios are one unit for pytest-xdist, run on one worker: the first job installs oasguard
#: into the runner's environment (`venvs`), and a scenario on the other worker would wait for it,
#: idle, on its lock (70 s of the first scenario's 115 s, in a run under load; issue 17)
ONE_RUNNER = pytest.mark.xdist_group("gitlab-ci-local")


@pytest.fixture
def notes_api() -> Iterator[NotesApi]:
    with serving() as api:
        yield api


def gitlab_ci_local() -> str:
    """The gitlab-ci-local command, installed into the cache on first use; skips the test
    with the reason when it cannot be had."""
    if shutil.which("rsync") is None:
        pytest.skip("rsync is not installed (gitlab-ci-local calls it): apt-get install rsync")
    found = shutil.which("gitlab-ci-local")
    if found and _version(found) == VERSION:
        return found
    target = CACHE / f"gitlab-ci-local-{VERSION}"
    with _locked(CACHE / f"gitlab-ci-local-{VERSION}.lock"):  # one worker installs it
        return _installed(target)


def _installed(target: Path) -> str:
    command = target / "node_modules" / ".bin" / "gitlab-ci-local"
    if not command.exists():
        if shutil.which("node") is None or shutil.which("npm") is None:
            pytest.skip(f"Node.js and npm are not installed (for npm install gitlab-ci-local@{VERSION})")
        target.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(target),
             f"gitlab-ci-local@{VERSION}"],
            capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            pytest.skip(f"npm could not install gitlab-ci-local@{VERSION}: {done.stderr.strip()[-300:]}")
    if _version(str(command)) != VERSION:
        pytest.skip(f"gitlab-ci-local {VERSION} does not start here (it needs Node 18 or 20)")
    return str(command)


def _version(command: str) -> str:
    try:
        done = subprocess.run([command, "--version"], capture_output=True, text=True, timeout=60, check=False)
    except OSError:
        return ""
    return done.stdout.strip()


# The component's project and the merge request


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on the file `path` for the block: the pytest-xdist workers take
    turns at what they share."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _shared_folder(tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    """A folder every pytest-xdist worker of this run sees (the run's temporary root), or this
    process's own when it runs alone."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    return root / name


@pytest.fixture(scope="session")
def component(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The component's project as a git repository under a stand-in `CI_SERVER_URL` (a folder):
    this checkout's committed and uncommitted files. Made once for the run, so that both
    workers install the same source (one environment, see `venvs`). Returns the server folder
    and the commit."""
    server = _shared_folder(tmp_path_factory, "gitlab-server")
    with _locked(server.with_name("gitlab-server.lock")):
        done = server / "commit"
        if not done.exists():
            sha = _make_component(server)
            done.write_text(sha)
    return server, done.read_text()


def _make_component(server: Path) -> str:
    project = server / f"{COMPONENT_PROJECT}.git"
    if project.exists():  # a worker that stopped half-way
        shutil.rmtree(project)
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--",
         "pyproject.toml", "README.md", "src", "templates"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    for name in filter(None, listed.split("\0")):
        if (ROOT / name).is_file():
            (project / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, project / name)
    git = ["git", "-C", str(project), "-c", "user.name=ci", "-c", "user.email=ci@example.com"]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "oasguard"], check=True)
    return subprocess.run(
        [*git, "rev-parse", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()


@pytest.fixture(scope="session")
def venvs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The runner's environments, shared by the workers: oasguard is installed into one once for
    the run, as a shell runner keeps it (the first job installs it, see MergeRequest.run)."""
    folder = _shared_folder(tmp_path_factory, "gitlab-venvs")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@dataclass
class Run:
    status: int
    log: str
    artifacts: Path
    #: the runner's clone, where the job ran
    clone: Path

    def code_quality(self) -> list[dict]:
        return assert_valid_code_quality((self.artifacts / "gl-code-quality-report.json").read_text())

    def report(self) -> dict:
        return json.loads((self.artifacts / "oasguard-report" / "report.json").read_text())


class MergeRequest:
    """A merge request in a temporary repository, run through gitlab-ci-local as often as a
    test likes."""

    def __init__(self, root: Path, command: str, component: tuple[Path, str], venvs: Path, api: NotesApi):
        self.root, self.command, self.api, self.venvs = root, command, api, venvs
        self.server, self.sha = component
        self.origin = root / "origin.git"  # what `origin` is, for fetches
        self.work = root / "work"
        self.work.mkdir()
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.email", "dev@example.com")
        self.git("config", "user.name", "dev")
        self.base = self.commit(BASE, "base")
        self.runs = 0

    def git(self, *args: str, cwd: Path | None = None) -> str:
        done = subprocess.run(
            ["git", *args], cwd=cwd or self.work, check=True, capture_output=True, text=True
        )
        return done.stdout.strip()

    def commit(self, text: str, message: str) -> str:
        path = self.work / "api" / "openapi.yaml"
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)
        self.git("add", "-A")
        self.git("commit", "-qm", message)
        return self.git("rev-parse", "HEAD")

    def checkout(self, shallow: bool) -> Path:
        """The runner's clone of the merge request's head: a full clone, or `--depth=1` as
        GitLab clones by default (`GIT_DEPTH`)."""
        repo = self.root / f"clone{self.runs}"
        if self.origin.exists():
            shutil.rmtree(self.origin)
        subprocess.run(["git", "clone", "-q", "--bare", str(self.work), str(self.origin)], check=True)
        if shallow:
            subprocess.run(
                ["git", "clone", "-q", "--depth=1", f"file://{self.origin}", str(repo)], check=True
            )
        else:
            subprocess.run(["git", "clone", "-q", str(self.origin), str(repo)], check=True)
        # `origin` fetches from the local copy; gitlab-ci-local reads the project's GitLab URL
        # (host, group, project) from `gcl-origin` when there is one
        self.git("remote", "add", "gcl-origin", f"https://{HOST}/acme/petstore.git", cwd=repo)
        self.git("config", "uploadpack.allowAnySHA1InWant", "true", cwd=self.origin)
        return repo

    def run(
        self, inputs: dict[str, object], labels: str = "", shallow: bool = False, **variables: str
    ) -> Run:
        self.runs += 1
        repo = self.checkout(shallow)
        inputs = {"specs": "api/openapi.yaml", "project": COMPONENT_PROJECT, "version": self.sha, **inputs}
        # `include: component:` (the catalog's way), or `include: project:` with `INCLUDE=project`
        if variables.pop("INCLUDE", "component") == "project":
            file = {"project": COMPONENT_PROJECT, "ref": self.sha, "file": "templates/oasguard.yml"}
        else:
            file = {"component": f"{HOST}/{COMPONENT_PROJECT}/oasguard@{self.sha}"}
        (repo / ".gitlab-ci.yml").write_text(json.dumps({"include": [{**file, "inputs": inputs}]}, indent=2))
        (repo / ".git" / "info" / "exclude").write_text(".gitlab-ci.yml\n.gitlab-ci-local/\n")
        # the include cache, as gitlab-ci-local keeps what it fetched of a project: offline
        cached = repo / ".gitlab-ci-local" / "includes" / HOST / COMPONENT_PROJECT / self.sha / "templates"
        cached.mkdir(parents=True)
        shutil.copy2(ROOT / "templates" / "oasguard.yml", cached / "oasguard.yml")
        values = {
            "CI_PIPELINE_SOURCE": "merge_request_event",
            "CI_MERGE_REQUEST_IID": "7",
            "CI_MERGE_REQUEST_DIFF_BASE_SHA": self.base,
            "CI_MERGE_REQUEST_LABELS": labels,
            "CI_SERVER_URL": f"file://{self.server}",
            "CI_API_V4_URL": self.api.url,
            "OASGUARD_GITLAB_TOKEN": "stub-token",
            "OASGUARD_VENVS": str(self.venvs),
            **variables,
        }
        command = [self.command, "--force-shell-executor", "--no-color", "--ignore-predefined-vars"]
        command.append("CI_PIPELINE_SOURCE,CI_SERVER_URL,CI_API_V4_URL")
        for key, value in values.items():
            command += ["--variable", f"{key}={value}"]
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CI_", "GITLAB_", "GCL_"))}
        # the whole pipeline, not the job by name: so the job's `rules` decide whether it runs;
        # until an environment is installed, one job at a time (the other worker's job then
        # finds it installed rather than installing it again)
        installing = not any(self.venvs.glob("*/installed"))
        with _locked(self.venvs / ".lock") if installing else nullcontext():
            done = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, timeout=900)
        log = done.stdout + done.stderr
        return Run(done.returncode, log, repo / ".gitlab-ci-local" / "artifacts" / "oasguard", repo)


@pytest.fixture(scope="module")
def emulator() -> str:
    """gitlab-ci-local, asked for first: where it cannot be had, nothing else is set up."""
    return gitlab_ci_local()


@pytest.fixture
def mr(
    emulator: str, tmp_path: Path, component: tuple[Path, str], venvs: Path, notes_api: NotesApi
) -> MergeRequest:
    request = MergeRequest(tmp_path, emulator, component, venvs, notes_api)
    request.commit(BREAKING, "break the API")
    return request


@ONE_RUNNER
def test_breaking_merge_request_fails_with_code_quality_and_one_note_edited_then_cleared(mr: MergeRequest):
    first = mr.run({})
    assert first.status != 0, first.log[-4000:]  # fail-on: breaking
    assert "changes at or above fail-on" in first.log, first.log[-4000:]
    # the Code Quality artifact: valid, one issue per change, severities and lines as the JSON
    issues, report = first.code_quality(), first.report()
    assert len(issues) == len(report["changes"]) == 19
    for issue, change in zip(issues, report["changes"], strict=True):
        assert issue["check_name"] == change["id"]
        assert issue["location"] == {"path": "api/openapi.yaml", "lines": {"begin": change["source"]["line"]}}
        severity = {"breaking": "major", "warning": "minor", "safe": "info"}[change["level"]]
        assert issue["severity"] == ("critical" if change["id"] == "operation-removed" else severity)
    # the other reports are artifacts too
    assert (first.artifacts / "oasguard-report" / "junit.xml").read_text().startswith("<?xml")
    assert "response-property-removed" in (first.artifacts / "oasguard-report" / "report.md").read_text()
    # the HTML report too (exposed in the merge request), a valid page with a row per fact
    page = (first.artifacts / "oasguard-report" / "report.html").read_text(encoding="utf-8")
    tree = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(page)
    rows = tree.findall(".//tr[@class='fact']")
    assert {row.get("data-fact") for row in rows} == {change["group"] for change in report["changes"]}
    # one note, posted with the token, holding the report with links to the head commit
    (note,) = mr.api.notes
    assert note["body"].startswith(MARKER) and "response-property-removed" in note["body"]
    assert all(r["token"] == "stub-token" for r in mr.api.requests)
    assert [r["method"] for r in mr.api.requests] == ["GET", "POST"]
    assert mr.api.requests[0]["path"] == "/api/v4/projects/1217/merge_requests/7/notes"

    # a second push, still breaking: the same note is edited (found on the second page)
    mr.api.notes.insert(0, {"id": 99, "body": "LGTM", "system": False})
    mr.commit(BREAKING + "# a second push\n", "another push")
    mr.api.requests.clear()
    second = mr.run({})
    assert second.status != 0
    assert [r["method"] for r in mr.api.requests] == ["GET", "GET", "PUT"], mr.api.requests
    assert mr.api.requests[-1]["path"].endswith(f"/notes/{note['id']}")
    assert len(mr.api.notes) == 2 and mr.api.notes[0]["body"] == "LGTM"

    # fixed: the job passes and the note says so in one line
    mr.commit(SAFE, "fix the API")
    third = mr.run({})
    assert third.status == 0, third.log[-4000:]
    body = mr.api.notes[1]["body"]
    assert body.startswith(MARKER) and "no breaking changes (0 warning, 1 safe)" in body
    assert len(body.splitlines()) == 2
    assert [i["severity"] for i in third.code_quality()] == ["info"]


@ONE_RUNNER
def test_the_allow_label_approves_and_a_label_stays_text(mr: MergeRequest):
    inputs = {"allow-label": LABEL, "comment": False}
    done = mr.run(inputs, labels=f"documentation,{LABEL}")
    assert done.status == 0, done.log[-4000:]
    assert "approved by the merge request's label" in done.log
    assert "approved" in (done.artifacts / "oasguard-report" / "report.md").read_text()
    assert mr.api.requests == []  # comment: false
    assert not (done.clone / "pwned").exists()
    # without the label, the same merge request fails
    done = mr.run(inputs, labels="documentation")
    assert done.status != 0


@ONE_RUNNER
def test_a_token_that_may_not_write_is_a_notice_not_a_failure(mr: MergeRequest):
    mr.api.refuse = 403
    done = mr.run({"fail-on": "none"})
    assert done.status == 0, done.log[-4000:]
    assert "notice: the token may not write notes on this merge request (HTTP 403" in done.log
    assert [r["method"] for r in mr.api.requests] == ["GET", "POST"] and mr.api.notes == []
    assert len(done.code_quality()) == 19


@ONE_RUNNER
def test_a_shallow_clone_fetches_the_base(mr: MergeRequest):
    done = mr.run({"comment": False}, shallow=True)
    assert "the base commit is not in this clone" in done.log, done.log[-4000:]
    assert done.status != 0 and done.report()["summary"]["breaking"] == 10, done.log[-4000:]


@ONE_RUNNER
def test_hostile_names_inject_nothing_into_the_code_quality_report_or_the_note(mr: MergeRequest):
    mr.commit((FIXTURES / "hostile" / "base.yaml").read_text(), "hostile base")
    mr.base = mr.git("rev-parse", "HEAD")
    mr.commit((FIXTURES / "hostile" / "revision.yaml").read_text(), "hostile revision")
    done = mr.run({})
    assert done.status != 0, done.log[-4000:]
    issues = done.code_quality()
    assert issues and all("\n" not in i["description"] and "\x1b" not in i["description"] for i in issues)
    assert {i["check_name"] for i in issues} == {c["id"] for c in done.report()["changes"]}
    (note,) = mr.api.notes
    assert note["body"].startswith(MARKER)
    assert "\x1b" not in note["body"] and "\u202e" not in note["body"]
    # the shape diffs' code blocks show names verbatim (no HTML, no mention is made in code)
    rendered = re.sub(r"^(`{3,})diff\n.*?^\1\n", "", note["body"], flags=re.MULTILINE | re.DOTALL)
    assert "```diff" in note["body"] and "<script>" not in rendered
    assert not re.search(r"(?<![\w`])@team", rendered)  # no mention is made
    assert not (done.clone / "pwned").exists()


@ONE_RUNNER
def test_include_project_works_as_the_component_does(mr: MergeRequest):
    done = mr.run({"comment": False}, INCLUDE="project")
    assert done.status != 0 and "changes at or above fail-on" in done.log, done.log[-4000:]
    assert len(done.code_quality()) == 19


@ONE_RUNNER
def test_a_run_that_cannot_be_done_fails_with_its_message(mr: MergeRequest):
    done = mr.run({"specs": "api/missing.yaml", "comment": False})
    assert done.status != 0
    assert "missing.yaml" in done.log and "could not be done" in done.log, done.log[-4000:]


@ONE_RUNNER
def test_outside_a_merge_request_pipeline_the_job_does_not_run(mr: MergeRequest):
    done = mr.run({}, CI_PIPELINE_SOURCE="push", CI_COMMIT_BRANCH="feature")
    assert done.status == 0 and "pipeline finished" in done.log, done.log[-4000:]
    assert not re.search(r"^oasguard ", done.log, re.MULTILINE), done.log[-4000:]  # no job line
    assert not (done.artifacts / "gl-code-quality-report.json").exists()
    assert mr.api.requests == []


@ONE_RUNNER
def test_on_the_default_branch_the_job_publishes_an_empty_baseline(mr: MergeRequest):
    """GitLab's widget shows what a merge request's Code Quality report adds to its target
    branch's: the default branch gets an empty one, without installing anything."""
    done = mr.run({}, CI_PIPELINE_SOURCE="push", CI_MERGE_REQUEST_DIFF_BASE_SHA="")
    assert done.status == 0, done.log[-4000:]
    assert "the widget's baseline" in done.log
    assert done.code_quality() == [] and mr.api.requests == []
    done = mr.run({"baseline": False}, CI_PIPELINE_SOURCE="push", CI_MERGE_REQUEST_DIFF_BASE_SHA="")
    assert not re.search(r"^oasguard ", done.log, re.MULTILINE), done.log[-4000:]


if sys.platform == "win32":  # pragma: no cover
    pytest.skip("gitlab-ci-local's shell executor runs bash", allow_module_level=True)
