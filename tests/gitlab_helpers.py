"""What the GitLab tests share: the Code Quality report's check against GitLab's schemas, and a
stub of GitLab's merge-request notes API on 127.0.0.1, in a thread of the test, bounded and
recording every request."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jsonschema

MARKER = "<!-- oasguard -->"
SCHEMAS = Path(__file__).resolve().parent / "schemas"


def assert_valid_code_quality(text: str) -> list[dict]:
    """The report parsed, after checking it against both schemas of tests/schemas/."""
    assert not text.startswith("\ufeff")  # GitLab's parser refuses a byte order mark
    issues = json.loads(text)
    documented = json.loads((SCHEMAS / "gitlab-code-quality-report.json").read_text())
    jsonschema.Draft7Validator(documented).validate(issues)
    parser = jsonschema.Draft7Validator(json.loads((SCHEMAS / "gitlab-codeclimate.json").read_text()))
    for issue in issues:
        parser.validate(issue)
    return issues


@dataclass
class NotesApi:
    """GitLab's merge-request notes, as far as the job uses them, on 127.0.0.1: a list of notes,
    every request recorded, and `refuse` (e.g. 403) to answer writes as a token without the
    right to write."""

    notes: list[dict] = field(default_factory=list)
    requests: list[dict] = field(default_factory=list)
    refuse: int = 0
    url: str = ""

    def handler(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _answer(self, status: int, body: object, headers: dict[str, str] | None = None) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"null") if length else None
                path, _, query = self.path.partition("?")
                api.requests.append(
                    {"method": self.command, "path": path, "query": query, "body": body,
                     "token": self.headers.get("PRIVATE-TOKEN")}
                )  # fmt: skip
                status, answer, headers = api.route(self.command, path, query, body)
                self._answer(status, answer, headers)

            do_GET = do_POST = do_PUT = _serve

        return Handler

    def route(self, method: str, path: str, query: str, body: dict | None) -> tuple[int, object, dict]:
        match = re.fullmatch(r"/api/v4/projects/([^/]+)/merge_requests/(\d+)/notes(?:/(\d+))?", path)
        if not match:
            return 404, {"message": "404 Not Found"}, {}
        if method != "GET" and self.refuse:
            return self.refuse, {"message": f"{self.refuse} Forbidden"}, {}
        note_id = match.group(3)
        if method == "GET" and note_id is None:
            # one note a page, so that the job must follow X-Next-Page
            page = int(dict(p.split("=") for p in query.split("&") if "=" in p).get("page", "1"))
            more = {"X-Next-Page": str(page + 1)} if page < len(self.notes) else {}
            return 200, self.notes[page - 1 : page], more
        if method == "POST" and note_id is None:
            note = {"id": 500 + len(self.notes), "body": body["body"], "system": False}
            self.notes.append(note)
            return 201, note, {}
        if method == "PUT" and note_id is not None:
            for note in self.notes:
                if note["id"] == int(note_id):
                    note["body"] = body["body"]
                    return 200, note, {}
            return 404, {"message": "404 Note Not Found"}, {}
        return 405, {"message": "405 Method Not Allowed"}, {}


@contextmanager
def serving() -> Iterator[NotesApi]:
    """The stub, served from a thread of the test until the block ends."""
    api = NotesApi()
    server = ThreadingHTTPServer(("127.0.0.1", 0), api.handler())
    api.url = f"http://127.0.0.1:{server.server_address[1]}/api/v4"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    yield api
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)
