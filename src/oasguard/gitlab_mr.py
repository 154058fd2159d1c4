"""The GitLab merge-request job of the CI/CD component (templates/oasguard.yml): one diff with
every report written, label approval, the sticky merge-request note, and the verdict.

    python -m oasguard.gitlab_mr

Everything comes from environment variables (the component's inputs as `OASGUARD_*`, the
merge request's as GitLab's predefined `CI_*`), so that no value from a merge request (a label,
a branch name) is ever pasted into a shell script. The job's exit status is the verdict: 0
passes, 1 fails per fail-on (unless the allow-label approves), 2 the run could not be done.
The note is best effort: a token that may not write it is a notice, never a failed job."""

from __future__ import annotations

import glob
import json
import os
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from oasguard.report import Format

#: the hidden first line that finds the job's note again on the next pipeline
MARKER = "<!-- oasguard -->"
#: the Code Quality report's name, as GitLab's own template writes it
CODE_QUALITY = "gl-code-quality-report.json"
#: at most this many pages of 100 notes are read when looking for the earlier note
_PAGES = 50
_TIMEOUT = 30


@dataclass(frozen=True)
class Outcome:
    """What one diff left: its exit status, its counts and where its reports are."""

    status: int
    summary: dict[str, int]
    markdown: Path


def main(environ: Mapping[str, str] | None = None) -> int:
    """The job: the diff, then the note (best effort), then the verdict as the exit status."""
    env = dict(os.environ if environ is None else environ)
    out = Path(env.get("OASGUARD_REPORTS") or "oasguard-report")
    out.mkdir(parents=True, exist_ok=True)
    approved = approving_label(env)
    outcome = run_diff(env, out, approved)
    if outcome is None:
        return 2
    if env.get("OASGUARD_COMMENT", "true") == "true":
        print(post_note(env, *note_body(outcome)))
    return verdict(outcome, approved)


def approving_label(env: Mapping[str, str]) -> str | None:
    """The allow-label, when the merge request carries it (`CI_MERGE_REQUEST_LABELS` is the
    comma-separated list of its labels; GitLab forbids a comma in a label's name)."""
    wanted = env.get("OASGUARD_ALLOW_LABEL", "").strip()
    labels = {label.strip() for label in env.get("CI_MERGE_REQUEST_LABELS", "").split(",")}
    return wanted if wanted and wanted in labels else None


def diff_arguments(env: Mapping[str, str], out: Path, approved: str | None) -> list[str]:
    """`oasguard diff` for this merge request: the text report on stdout (the job's log) and
    every other report as a file."""
    base = env.get("CI_MERGE_REQUEST_DIFF_BASE_SHA", "").strip()
    args = ["diff", "--base", base, "--format", "text", "--output", f"gitlab={CODE_QUALITY}"]
    for format, name in _formats():
        args += ["--output", f"{format}={out / name}"]
    if env.get("OASGUARD_FAIL_ON"):
        args += ["--fail-on", env["OASGUARD_FAIL_ON"]]
    if env.get("CI_PROJECT_URL") and env.get("CI_COMMIT_SHA"):
        args += ["--link", f"{env['CI_PROJECT_URL']}/-/blob/{env['CI_COMMIT_SHA']}"]
    if approved:
        args += ["--approved-by", f"label {approved}"]
    for pattern in env.get("OASGUARD_CONSUMERS", "").split():
        args += ["--consumers", pattern]
    if env.get("OASGUARD_FAIL_ON_CONSUMERS") == "true":
        args.append("--fail-on-consumers")
    if env.get("OASGUARD_GENERATE"):
        args += ["--generate", env["OASGUARD_GENERATE"]]
    if env.get("OASGUARD_FASTAPI_APP"):
        args += ["--fastapi-app", env["OASGUARD_FASTAPI_APP"]]
    args += env.get("OASGUARD_ARGS", "").split()
    specs = [path for pattern in env.get("OASGUARD_SPECS", "").split() for path in _expand(pattern)]
    return args + (["--", *specs] if specs else [])


def _formats() -> list[tuple[str, str]]:
    """The reports kept as artifacts; HTML when this oasguard writes it."""
    kept = [("json", "report.json"), ("markdown", "report.md"), ("junit", "junit.xml")]
    if "html" in {format.value for format in Format}:
        kept.append(("html", "report.html"))
    return kept


def _expand(pattern: str) -> list[str]:
    """A `specs` entry as the shell would expand it (`**` too), never evaluated; a pattern
    that matches nothing stays as written, so that oasguard names it."""
    return sorted(glob.glob(pattern, recursive=True)) or [pattern]


def run_diff(env: Mapping[str, str], out: Path, approved: str | None) -> Outcome | None:
    """Run the diff; None (after saying why) when it could not be done."""
    if not env.get("CI_MERGE_REQUEST_DIFF_BASE_SHA", "").strip():
        print("oasguard: no CI_MERGE_REQUEST_DIFF_BASE_SHA: run this job in a merge-request pipeline")
        return None
    # a report left by an earlier job on the same runner must not pass for this one's
    for stale in (Path(CODE_QUALITY), *(out / name for _, name in _formats())):
        stale.unlink(missing_ok=True)
    command = [sys.executable, "-m", "oasguard", *diff_arguments(env, out, approved)]
    status = subprocess.run(command, check=False).returncode
    if status not in (0, 1) or not (out / "report.json").exists():
        print(f"oasguard: the comparison could not be done (exit status {status}); see above")
        return None
    summary = json.loads((out / "report.json").read_text(encoding="utf-8"))["summary"]
    return Outcome(status, {k: int(v) for k, v in summary.items()}, out / "report.md")


def note_body(outcome: Outcome) -> tuple[str, bool]:
    """The note, and whether it is the whole report: the Markdown report while something
    breaks or reaches fail-on, else one line (which only ever replaces an earlier note)."""
    if outcome.summary.get("breaking", 0) > 0 or outcome.status == 1:
        return f"{MARKER}\n{outcome.markdown.read_text(encoding='utf-8')}", True
    warning, safe = outcome.summary.get("warning", 0), outcome.summary.get("safe", 0)
    return f"{MARKER}\n**oasguard**: no breaking changes ({warning} warning, {safe} safe).", False


def verdict(outcome: Outcome, approved: str | None) -> int:
    counts = f"{outcome.summary.get('breaking', 0)} breaking, {outcome.summary.get('warning', 0)} warning"
    if outcome.status == 1 and approved:
        print(f"oasguard: {counts}: approved by the merge request's label '{approved}'")
        return 0
    if outcome.status == 1:
        print(f"oasguard: {counts}: changes at or above fail-on (see the reports in the job's artifacts)")
        return 1
    print(f"oasguard: {counts}: nothing at or above fail-on")
    return 0


class NoteError(Exception):
    """The notes API refused or failed; `status` is the HTTP status (0: no answer)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


def post_note(env: Mapping[str, str], body: str, full: bool) -> str:
    """Create or edit the job's note; what happened, as one line for the log."""
    token = env.get("OASGUARD_GITLAB_TOKEN", "")
    where = [env.get(name, "") for name in ("CI_API_V4_URL", "CI_PROJECT_ID", "CI_MERGE_REQUEST_IID")]
    if not token or not all(where):
        return "oasguard: no OASGUARD_GITLAB_TOKEN (or not a merge request): no note"
    api, project, iid = where
    notes = f"{api}/projects/{urllib.parse.quote(project, safe='')}/merge_requests/{iid}/notes"
    try:
        earlier = _find_note(notes, token)
        if earlier is not None:
            _call("PUT", f"{notes}/{earlier}", token, body)
            return "oasguard: updated the merge-request note"
        if full:
            _call("POST", notes, token, body)
            return "oasguard: posted the report as a merge-request note"
        return "oasguard: no breaking changes and no earlier note: nothing to post"
    except NoteError as error:
        if error.status in (401, 403):
            return (
                f"oasguard: notice: the token may not write notes on this merge request (HTTP "
                f"{error.status}: it needs the api scope and at least the Reporter role);"
                " the report is in the job's artifacts"
            )
        return (
            f"oasguard: warning: could not write the merge-request note ({error});"
            " the report is in the job's artifacts"
        )


def _find_note(notes: str, token: str) -> int | None:
    """The id of the earlier note that starts with the marker, if any."""
    for page in range(1, _PAGES + 1):
        listed, more = _call("GET", f"{notes}?per_page=100&page={page}&sort=asc", token)
        for note in listed if isinstance(listed, list) else []:
            if isinstance(note, dict) and str(note.get("body") or "").startswith(MARKER):
                return int(note["id"])
        if not more:
            return None
    return None


def _call(method: str, url: str, token: str, body: str | None = None) -> tuple[object, bool]:
    """One request to GitLab's API: the decoded answer, and whether a next page exists."""
    data = json.dumps({"body": body}).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("PRIVATE-TOKEN", token)
    request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=_TIMEOUT) as answer:
            text = answer.read().decode("utf-8", "replace")
            return (json.loads(text) if text.strip() else None), bool(answer.headers.get("X-Next-Page"))
    except urllib.error.HTTPError as error:
        raise NoteError(error.code, f"{method} {_safe(url)}: HTTP {error.code}") from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise NoteError(0, f"{method} {_safe(url)}: {error}") from None


def _safe(url: str) -> str:
    """The URL without its query, for a log line."""
    return url.split("?", 1)[0]


if __name__ == "__main__":
    sys.exit(main())
