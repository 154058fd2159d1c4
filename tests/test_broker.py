"""The Pact Broker reader (SPEC 5.5) against a local Broker: an http.server on 127.0.0.1 (a
random port) serving the answers in fixtures/broker; nothing else is contacted."""

from __future__ import annotations

import base64
import http.server
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest

from conftest import FIXTURES
from oasguard.consumers.broker import BrokerError, BrokerPact, fetch_pacts
from oasguard.errors import OasguardError

ANSWERS = FIXTURES / "broker"
LATEST = "/pacts/provider/petstore/latest"
WEB = "/pacts/provider/petstore/consumer/web/version/1.4.0"
MOBILE = "/pacts/provider/petstore/consumer/mobile-ios/version/2.0.1"
PARTNER = "/pacts/provider/petstore/consumer/partner-portal/version/0.9.3"


@dataclass
class Broker:
    """A Pact Broker on 127.0.0.1: `routes` maps a raw request path to its answer (a status,
    headers and a body, or a function that writes the answer); `requests` holds what it was
    asked (raw path, headers), in order."""

    url: str = ""
    routes: dict[str, object] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    #: set at teardown: a route that stalls stops stalling
    release: threading.Event = field(default_factory=threading.Event)

    def recorded(self, name: str, status: int = 200) -> tuple[int, dict[str, str], bytes]:
        """A recorded answer from fixtures/broker, with this server's base URL in its links."""
        body = (ANSWERS / name).read_text().replace("{{base}}", self.url).encode()
        kind = "application/hal+json" if name.endswith(".json") else "text/html"
        return status, {"Content-Type": kind}, body

    def serve_petstore(self, index: str = "latest.json", path: str = LATEST) -> None:
        self.routes[path] = self.recorded(index)
        self.routes[WEB] = self.recorded("pact-web.json")
        self.routes[MOBILE] = self.recorded("pact-mobile-ios.json")
        self.routes[PARTNER] = self.recorded("pact-partner-portal.json")
        for version in ("1.3.2", "1.9.0"):
            for consumer, pact in (("web", "pact-web.json"), ("mobile-ios", "pact-mobile-ios.json")):
                self.routes[f"/pacts/provider/petstore/consumer/{consumer}/version/{version}"] = (
                    self.recorded(pact)
                )

    @property
    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]


def _start(broker: Broker) -> http.server.ThreadingHTTPServer:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            broker.requests.append((self.path, dict(self.headers.items())))
            answer = broker.routes.get(self.path)
            if answer is None:
                answer = (404, {"Content-Type": "application/json"}, b'{"error": "Not found"}')
            if callable(answer):
                answer(self)
                return
            status, headers, body = answer
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    broker.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server


def _brokers(count: int) -> Iterator[list[Broker]]:
    brokers = [Broker() for _ in range(count)]
    servers = [_start(broker) for broker in brokers]
    yield brokers
    for broker, server in zip(brokers, servers, strict=True):
        broker.release.set()
        server.shutdown()
        server.server_close()


@pytest.fixture
def broker() -> Iterator[Broker]:
    yield from (brokers[0] for brokers in _brokers(1))


@pytest.fixture
def two_brokers() -> Iterator[list[Broker]]:
    yield from _brokers(2)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any connection attempt fails the test: a refusal must come before the network."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"a connection was attempted: {args!r}")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def _error(call: Callable[[], object]) -> str:
    """The message of the BrokerError `call` raises, checked to be one line."""
    with pytest.raises(BrokerError) as caught:
        call()
    message = str(caught.value)
    assert isinstance(caught.value, OasguardError)  # the CLI turns it into exit 2
    assert "\n" not in message and "\r" not in message, message
    return message


def _fixture_document(broker: Broker, name: str) -> dict:
    return json.loads(broker.recorded(name)[2])


# --- what is read -------------------------------------------------------------------------------


def test_the_latest_pact_of_every_consumer_is_read_through_the_links(broker: Broker) -> None:
    broker.serve_petstore()
    pacts = fetch_pacts(broker.url, "petstore", env={})
    assert pacts == [
        BrokerPact("web", broker.url + WEB, _fixture_document(broker, "pact-web.json")),
        BrokerPact("mobile-ios", broker.url + MOBILE, _fixture_document(broker, "pact-mobile-ios.json")),
        BrokerPact(
            "partner-portal", broker.url + PARTNER, _fixture_document(broker, "pact-partner-portal.json")
        ),
    ]
    # the index, then each pb:pacts link once (not again for the deprecated `pacts` relation)
    assert broker.paths == [LATEST, WEB, MOBILE, PARTNER]
    assert all("Authorization" not in headers for _, headers in broker.requests)
    assert all("hal+json" in headers["Accept"] for _, headers in broker.requests)
    versions = [pact.document["metadata"]["pactSpecification"]["version"] for pact in pacts]
    assert versions == ["2.0.0", "3.0.0", "4.0"]


def test_a_tag_reads_the_latest_pacts_with_that_consumer_version_tag(broker: Broker) -> None:
    broker.serve_petstore("latest-tag-prod.json", LATEST + "/prod")
    pacts = fetch_pacts(broker.url, "petstore", tag="prod", env={})
    assert [(pact.consumer, pact.url.rsplit("/", 1)[1]) for pact in pacts] == [
        ("web", "1.3.2"),
        ("mobile-ios", "1.9.0"),
    ]
    assert broker.paths[0] == LATEST + "/prod"


def test_a_branch_reads_the_latest_pacts_of_that_consumer_branch(broker: Broker) -> None:
    broker.serve_petstore("latest-branch-main.json", "/pacts/provider/petstore/branch/main/latest")
    pacts = fetch_pacts(broker.url, "petstore", branch="main", env={})
    assert [pact.consumer for pact in pacts] == ["partner-portal"]
    assert pacts[0].document["interactions"][0]["description"] == "a new pet"
    assert broker.paths == ["/pacts/provider/petstore/branch/main/latest", PARTNER]


def test_a_tag_with_no_pacts_is_an_empty_list_not_an_error(broker: Broker) -> None:
    index = {"_links": {"self": {"href": broker.url + LATEST + "/none"}, "pb:pacts": []}}
    broker.routes[LATEST + "/none"] = (200, {}, json.dumps(index).encode())
    assert fetch_pacts(broker.url, "petstore", tag="none", env={}) == []


def test_an_older_brokers_pacts_relation_and_relative_links_are_followed(broker: Broker) -> None:
    broker.serve_petstore("latest-deprecated-pacts.json")
    pacts = fetch_pacts(broker.url + "/", "petstore", env={})
    assert [(pact.consumer, pact.url) for pact in pacts] == [("web", broker.url + WEB)]


def test_a_broker_under_a_path_prefix_keeps_it(broker: Broker) -> None:
    index = {"_links": {"pb:pacts": [{"href": "/broker" + WEB, "name": "web"}]}}
    broker.routes["/broker" + LATEST] = (200, {}, json.dumps(index).encode())
    broker.routes["/broker" + WEB] = broker.recorded("pact-web.json")
    pacts = fetch_pacts(broker.url + "/broker/", "petstore", env={})
    assert [pact.consumer for pact in pacts] == ["web"]
    assert broker.paths == ["/broker" + LATEST, "/broker" + WEB]


def test_the_consumer_is_the_links_name_when_the_pact_names_none(broker: Broker) -> None:
    broker.serve_petstore()
    unnamed = _fixture_document(broker, "pact-web.json")
    del unnamed["consumer"]
    broker.routes[WEB] = (200, {}, json.dumps(unnamed).encode())
    assert fetch_pacts(broker.url, "petstore", env={})[0].consumer == "web"


@pytest.mark.parametrize(
    ("provider", "tag", "expected"),
    [
        ("../x", None, "/pacts/provider/..%2Fx/latest"),
        ("a?b=c#d", None, "/pacts/provider/a%3Fb%3Dc%23d/latest"),
        ("..", None, "/pacts/provider/%2E%2E/latest"),
        ("petstore", "feat/x?y", "/pacts/provider/petstore/latest/feat%2Fx%3Fy"),
        ("petstore", "..", "/pacts/provider/petstore/latest/%2E%2E"),
        ("café store", None, "/pacts/provider/caf%C3%A9%20store/latest"),
        ("100%", None, "/pacts/provider/100%25/latest"),
    ],
)
def test_names_stay_one_path_segment(broker: Broker, provider: str, tag: str | None, expected: str) -> None:
    index = {"_links": {"pb:pacts": []}}
    broker.routes[expected] = (200, {}, json.dumps(index).encode())
    assert fetch_pacts(broker.url, provider, tag=tag, env={}) == []
    assert broker.paths == [expected]


def test_a_branch_name_stays_one_path_segment(broker: Broker) -> None:
    expected = "/pacts/provider/petstore/branch/feature%2F..%2Fadmin/latest"
    broker.routes[expected] = (200, {}, b'{"_links": {"pb:pacts": []}}')
    assert fetch_pacts(broker.url, "petstore", branch="feature/../admin", env={}) == []
    assert broker.paths == [expected]


# --- credentials --------------------------------------------------------------------------------


def test_a_token_is_sent_as_a_bearer_on_every_request(broker: Broker) -> None:
    broker.serve_petstore()
    env = {"PACT_BROKER_TOKEN": "s3cret", "PACT_BROKER_USERNAME": "ignored", "PACT_BROKER_PASSWORD": "x"}
    assert len(fetch_pacts(broker.url, "petstore", env=env)) == 3
    assert [headers.get("Authorization") for _, headers in broker.requests] == ["Bearer s3cret"] * 4


def test_a_username_and_password_are_sent_as_basic_auth(broker: Broker) -> None:
    broker.serve_petstore()
    env = {"PACT_BROKER_USERNAME": "ci", "PACT_BROKER_PASSWORD": "pa:ss wörd"}
    fetch_pacts(broker.url, "petstore", env=env)
    expected = "Basic " + base64.b64encode("ci:pa:ss wörd".encode()).decode()
    assert {headers.get("Authorization") for _, headers in broker.requests} == {expected}


def test_a_password_without_a_username_is_an_error(no_network: None) -> None:
    message = _error(
        lambda: fetch_pacts("https://broker.example", "petstore", env={"PACT_BROKER_PASSWORD": "x"})
    )
    assert "PACT_BROKER_USERNAME" in message


@pytest.mark.parametrize(
    "env",
    [{"PACT_BROKER_TOKEN": "s3cret"}, {"PACT_BROKER_USERNAME": "ci", "PACT_BROKER_PASSWORD": "s3cret"}],
)
@pytest.mark.parametrize(
    "url",
    ["http://broker.example.invalid", "http://10.0.0.8:9292", "http://127.0.0.1.nip.io", "http://[::2]"],
)
def test_credentials_are_never_sent_over_plain_http_but_to_loopback(
    no_network: None, url: str, env: dict[str, str]
) -> None:
    message = _error(lambda: fetch_pacts(url, "petstore", env=env))
    assert url in message and "plain http" in message
    assert "s3cret" not in message


def test_plain_http_without_credentials_is_allowed(broker: Broker) -> None:
    broker.serve_petstore()
    assert len(fetch_pacts(broker.url, "petstore", env={})) == 3


@pytest.mark.parametrize("host", ["localhost", "LOCALHOST", "127.0.0.1"])
def test_credentials_go_over_plain_http_to_loopback(broker: Broker, host: str) -> None:
    broker.serve_petstore()
    url = broker.url.replace("127.0.0.1", host)
    index = json.loads(broker.recorded("latest.json")[2].decode().replace(broker.url, url))
    broker.routes[LATEST] = (200, {}, json.dumps(index).encode())
    pacts = fetch_pacts(url, "petstore", env={"PACT_BROKER_TOKEN": "t"})
    assert len(pacts) == 3
    assert {headers.get("Authorization") for _, headers in broker.requests} == {"Bearer t"}


@pytest.mark.parametrize("url", ["http://[::1]:9", "http://127.200.0.1:9"])
def test_every_loopback_address_may_get_credentials(url: str) -> None:
    # nothing listens there: the request is made (and fails), it is not refused for plain http
    message = _error(lambda: fetch_pacts(url, "petstore", env={"PACT_BROKER_TOKEN": "t"}, timeout=2))
    assert "cannot be reached" in message and "plain http" not in message


# --- errors: one line naming the URL ------------------------------------------------------------


def test_a_401_names_the_url_and_the_credentials_to_check(broker: Broker) -> None:
    broker.routes[LATEST] = broker.recorded("unauthorized.json", status=401)
    message = _error(lambda: fetch_pacts(broker.url, "petstore", env={"PACT_BROKER_TOKEN": "wrong"}))
    assert broker.url + LATEST in message
    assert "HTTP 401" in message and "PACT_BROKER_TOKEN" in message
    assert "wrong" not in message


def test_an_unknown_provider_is_a_404_naming_the_url(broker: Broker) -> None:
    message = _error(lambda: fetch_pacts(broker.url, "nobody", env={}))
    assert broker.url + "/pacts/provider/nobody/latest" in message and "HTTP 404" in message


def test_a_server_error_on_a_pact_names_that_pact(broker: Broker) -> None:
    broker.serve_petstore()
    broker.routes[MOBILE] = (500, {}, b"Internal Server Error")
    message = _error(lambda: fetch_pacts(broker.url, "petstore", env={}))
    assert broker.url + MOBILE in message and "HTTP 500" in message


def test_a_broker_that_does_not_answer_times_out(broker: Broker) -> None:
    def stall(handler: http.server.BaseHTTPRequestHandler) -> None:
        broker.release.wait(30)

    broker.routes[LATEST] = stall
    started = time.monotonic()
    message = _error(lambda: fetch_pacts(broker.url, "petstore", env={}, timeout=0.5))
    assert time.monotonic() - started < 5
    assert broker.url + LATEST in message and "did not answer within 0.5 s" in message


def test_a_broker_that_answers_a_byte_at_a_time_times_out_as_a_whole(broker: Broker) -> None:
    def drip(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/hal+json")
        handler.end_headers()
        while not broker.release.wait(0.1):
            try:
                handler.wfile.write(b" ")
                handler.wfile.flush()
            except OSError:
                return

    broker.routes[LATEST] = drip
    started = time.monotonic()
    message = _error(lambda: fetch_pacts(broker.url, "petstore", env={}, timeout=1))
    assert time.monotonic() - started < 5
    assert broker.url + LATEST in message and "did not answer within 1 s" in message


def test_the_timeout_bounds_a_request_as_a_whole_not_each_read(broker: Broker) -> None:
    def stall_midway(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.end_headers()
        handler.wfile.write(b'{"_links": ')
        handler.wfile.flush()
        broker.release.wait(1.5)  # most of the timeout spent, then nothing more
        try:
            handler.wfile.write(b" ")
            handler.wfile.flush()
        except OSError:
            return
        broker.release.wait(30)

    broker.routes[LATEST] = stall_midway
    started = time.monotonic()
    message = _error(lambda: fetch_pacts(broker.url, "petstore", env={}, timeout=2))
    # a read timeout alone would wait 2 s after the last byte (at 1.5 s): 3.5 s in all
    assert time.monotonic() - started < 3
    assert "did not answer within 2 s" in message


def test_nothing_listening_is_an_error_naming_the_url() -> None:
    with socket.socket() as probe:  # a port that was free a moment ago, now closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    message = _error(lambda: fetch_pacts(f"http://127.0.0.1:{port}", "petstore", env={}))
    assert f"http://127.0.0.1:{port}{LATEST}" in message and "cannot be reached" in message


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("not-hal.json", "not a Pact Broker HAL answer"),
        ("not-json.html", "not JSON"),
    ],
)
def test_an_answer_that_is_not_hal_names_the_url(broker: Broker, answer: str, expected: str) -> None:
    broker.routes[LATEST] = broker.recorded(answer)
    message = _error(lambda: fetch_pacts(broker.url, "petstore", env={}))
    assert broker.url + LATEST in message and expected in message


@pytest.mark.parametrize(
    "links",
    [
        {"pb:pacts": "everything"},
        {"pb:pacts": [{"title": "no href"}]},
        {"pb:pacts": [{"href": 7}]},
        {"self": {"href": "/"}},
        [],
    ],
)
def test_links_that_are_not_pact_links_are_an_error(broker: Broker, links: object) -> None:
    broker.routes[LATEST] = (200, {}, json.dumps({"_links": links}).encode())
    message = _error(lambda: fetch_pacts(broker.url, "petstore", env={}))
    assert broker.url + LATEST in message and "not a Pact Broker HAL answer" in message


def test_a_pact_link_to_something_that_is_not_a_pact_is_an_error(broker: Broker) -> None:
    broker.serve_petstore()
    broker.routes[WEB] = (200, {}, b'["not", "a", "pact"]')
    message = _error(lambda: fetch_pacts(broker.url, "petstore", env={}))
    assert broker.url + WEB in message and "not a pact" in message


# --- nothing but the Broker is contacted ----------------------------------------------------------


def test_a_redirect_on_the_same_broker_is_followed_with_the_credentials(broker: Broker) -> None:
    broker.serve_petstore()
    broker.routes[LATEST] = (302, {"Location": "/moved" + LATEST}, b"")
    broker.routes["/moved" + LATEST] = broker.recorded("latest.json")
    assert len(fetch_pacts(broker.url, "petstore", env={"PACT_BROKER_TOKEN": "t"})) == 3
    assert broker.paths[:2] == [LATEST, "/moved" + LATEST]
    assert {headers.get("Authorization") for _, headers in broker.requests} == {"Bearer t"}


def test_a_redirect_to_another_host_is_refused(two_brokers: list[Broker]) -> None:
    broker, elsewhere = two_brokers
    elsewhere.serve_petstore()
    broker.routes[LATEST] = (302, {"Location": elsewhere.url + LATEST}, b"")
    message = _error(lambda: fetch_pacts(broker.url, "petstore", env={"PACT_BROKER_TOKEN": "t"}))
    assert broker.url + LATEST in message and elsewhere.url + LATEST in message and "refused" in message
    assert elsewhere.requests == []


def test_a_redirect_loop_ends(broker: Broker) -> None:
    broker.routes[LATEST] = (302, {"Location": LATEST}, b"")
    message = _error(lambda: fetch_pacts(broker.url, "petstore", env={}))
    assert broker.url + LATEST in message and "redirects" in message
    assert len(broker.requests) == 6


def test_a_pact_link_to_another_host_is_refused(two_brokers: list[Broker]) -> None:
    broker, elsewhere = two_brokers
    elsewhere.serve_petstore()
    index = {"_links": {"pb:pacts": [{"href": elsewhere.url + WEB, "name": "web"}]}}
    broker.routes[LATEST] = (200, {}, json.dumps(index).encode())
    message = _error(lambda: fetch_pacts(broker.url, "petstore", env={"PACT_BROKER_TOKEN": "t"}))
    assert elsewhere.url + WEB in message and "refused" in message
    assert elsewhere.requests == []


@pytest.mark.parametrize("href", ["file:///etc/passwd", "https://127.0.0.1/x", "//example.org/x"])
def test_a_pact_link_to_another_scheme_or_host_is_refused(broker: Broker, href: str) -> None:
    index = {"_links": {"pb:pacts": [{"href": href, "name": "web"}]}}
    broker.routes[LATEST] = (200, {}, json.dumps(index).encode())
    message = _error(lambda: fetch_pacts(broker.url, "petstore", env={}))
    assert href in message and "refused" in message
    assert broker.paths == [LATEST]


# --- size ---------------------------------------------------------------------------------------


def test_an_answer_larger_than_the_cap_is_refused(broker: Broker) -> None:
    broker.serve_petstore()
    size = len(broker.recorded("latest.json")[2])
    message = _error(lambda: fetch_pacts(broker.url, "petstore", env={}, max_bytes=size - 1))
    assert broker.url + LATEST in message and "larger than" in message


def test_an_answer_without_a_length_is_cut_at_the_cap(broker: Broker) -> None:
    sent: list[int] = []

    def endless(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.end_headers()
        try:
            for _ in range(10_000):  # 640 MB if nobody stopped reading
                handler.wfile.write(b" " * 65536)
                sent.append(1)
        except OSError:
            return

    broker.routes[LATEST] = endless
    message = _error(lambda: fetch_pacts(broker.url, "petstore", env={}, max_bytes=1_000_000))
    assert "larger than 1,000,000 bytes" in message
    assert len(sent) < 10_000


# --- bad arguments: refused before any connection -----------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("ftp://broker.example", "not an http:// or https:// URL"),
        ("broker.example", "not an http:// or https:// URL"),
        ("https://", "not an http:// or https:// URL"),
        ("https://broker.example:99999", "not a URL"),
        ("https://broker.example/?token=x", "query or a fragment"),
        ("https://broker.example/#top", "query or a fragment"),
    ],
)
def test_a_bad_broker_url_is_refused(no_network: None, url: str, expected: str) -> None:
    message = _error(lambda: fetch_pacts(url, "petstore", env={}))
    assert expected in message


@pytest.mark.parametrize(
    "url",
    [
        "https://ci:hunter2@broker.example",
        "https://ci:hunter2@broker.example:99999",
        "ftp://ci:hunter2@broker.example",
        "https://ci:hunter2@broker.example/?x",
    ],
)
def test_credentials_in_the_url_are_never_shown(no_network: None, url: str) -> None:
    message = _error(lambda: fetch_pacts(url, "petstore", env={}))
    assert "hunter2" not in message and "ci:" not in message
    assert "broker.example" in message


def test_credentials_in_the_url_are_refused_and_their_place_named(no_network: None) -> None:
    message = _error(lambda: fetch_pacts("https://ci:hunter2@broker.example", "petstore", env={}))
    assert "PACT_BROKER_TOKEN" in message and "https://broker.example" in message


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"provider": ""}, "provider name"),
        ({"provider": "petstore", "tag": " "}, "tag name"),
        ({"provider": "petstore", "branch": ""}, "branch name"),
        ({"provider": "petstore", "tag": "prod", "branch": "main"}, "not both"),
    ],
)
def test_empty_or_conflicting_names_are_refused(no_network: None, kwargs: dict, expected: str) -> None:
    message = _error(lambda: fetch_pacts("https://broker.example", env={}, **kwargs))
    assert expected in message
