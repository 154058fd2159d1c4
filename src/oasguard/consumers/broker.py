"""The Pact Broker reader (SPEC 5.5): the latest pact of every consumer of a provider, fetched
through the Broker's HAL API; the one network access oasguard makes, and only when asked."""

from __future__ import annotations

import base64
import ipaddress
import json
import os
import re
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from http.client import HTTPException
from typing import Any, NoReturn
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from oasguard.errors import OasguardError

#: the largest answer read from a Broker, an index or a pact (a pact of thousands of
#: interactions is a few megabytes); a bigger one is refused, never read whole into memory
MAX_BODY_BYTES = 50 * 1024 * 1024

TOKEN_VARIABLE = "PACT_BROKER_TOKEN"
USERNAME_VARIABLE = "PACT_BROKER_USERNAME"
PASSWORD_VARIABLE = "PACT_BROKER_PASSWORD"

_CHUNK = 64 * 1024
#: the `user:password@` of a URL, as a message must leave it out
_USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#]*@")
_ACCEPT = "application/hal+json, application/json;q=0.9"
#: the HAL relations that list a provider's pacts: `pb:pacts`, and the deprecated `pacts` that
#: older Brokers give alone
_PACT_RELATIONS = ("pb:pacts", "pacts")


class BrokerError(OasguardError):
    """A Pact Broker cannot be read: refused, unreachable, too slow, or not answering HAL."""


@dataclass(frozen=True)
class BrokerPact:
    """One pact as the Broker serves it: the consumer's name (the pact's `consumer.name`, else
    the name the Broker's link gives), the URL it was read from, and the parsed JSON document
    (the Broker adds its own `_links` and `createdAt` keys beside the pact's)."""

    consumer: str
    url: str
    document: dict[str, Any]


def fetch_pacts(
    url: str,
    provider: str,
    *,
    tag: str | None = None,
    branch: str | None = None,
    timeout: float = 10.0,
    env: Mapping[str, str] = os.environ,
    max_bytes: int = MAX_BODY_BYTES,
) -> list[BrokerPact]:
    """The latest pact of each consumer of `provider` on the Broker at `url` (with consumer
    version `tag`, or on consumer `branch`), in the Broker's order.

    Reads `/pacts/provider/{provider}/latest` (`.../latest/{tag}`,
    `.../branch/{branch}/latest`) and follows each `href` of its `pb:pacts` links. Credentials
    come from `env` (`PACT_BROKER_TOKEN` as a Bearer token, else `PACT_BROKER_USERNAME` and
    `PACT_BROKER_PASSWORD` as Basic auth) and are never sent over plain http except to a
    loopback address. `timeout` bounds each request as a whole (connecting and reading); every
    failure is a one-line BrokerError naming the URL."""
    if tag is not None and branch is not None:
        raise BrokerError("a Pact Broker is read by a consumer tag or by a branch, not both")
    base = _base_url(url)
    client = _Client(base, _authorization(env), timeout, max_bytes)
    index_url = base + _index_path(provider, tag, branch)
    index = client.get_json(index_url)
    pacts: list[BrokerPact] = []
    for link_name, href in _pact_links(index, index_url):
        pact_url = urljoin(index_url, href)
        client.check_same_origin(pact_url, f"the Broker's link {_shown(href)} from {_shown(index_url)}")
        document = client.get_json(pact_url)
        if not isinstance(document, dict):
            raise BrokerError(f"{_shown(pact_url)}: not a pact (a JSON object expected)")
        pacts.append(BrokerPact(_consumer_name(document, link_name, pact_url), pact_url, document))
    return pacts


def _base_url(url: str) -> str:
    """The Broker's base URL, checked, without a trailing `/`: an http or https URL with a host,
    no credentials (they come from the environment), no query and no fragment."""
    shown = _shown(_USERINFO.sub(r"\1", url.strip()))  # a message never repeats a password
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - a port that is not a number raises here
    except ValueError:
        raise BrokerError(f"the Pact Broker URL {shown} is not a URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BrokerError(f"the Pact Broker URL {shown} is not an http:// or https:// URL")
    if parts.username is not None or parts.password is not None:
        raise BrokerError(
            f"the Pact Broker URL {shown} holds credentials: give them in"
            f" {TOKEN_VARIABLE} or {USERNAME_VARIABLE}/{PASSWORD_VARIABLE}, never in the URL"
        )
    if parts.query or parts.fragment or "?" in url or "#" in url:
        raise BrokerError(f"the Pact Broker URL {shown} has a query or a fragment: give its base URL")
    return urlunsplit(parts._replace(path=parts.path.rstrip("/"))).strip()


def _segment(value: str, what: str) -> str:
    """`value` as one path segment: every character but the unreserved ones percent-encoded, so
    that a name holding `/`, `?`, `#` or `%` stays one segment, and `.`/`..` escaped too, so
    that no name is a dot-segment a server or a proxy would resolve."""
    if not value.strip():
        raise BrokerError(f"the {what} name for the Pact Broker is empty")
    quoted = quote(value, safe="")
    return quoted.replace(".", "%2E") if set(value) == {"."} else quoted


def _index_path(provider: str, tag: str | None, branch: str | None) -> str:
    path = "/pacts/provider/" + _segment(provider, "provider")
    if branch is not None:
        return f"{path}/branch/{_segment(branch, 'branch')}/latest"
    if tag is not None:
        return f"{path}/latest/{_segment(tag, 'tag')}"
    return path + "/latest"


def _authorization(env: Mapping[str, str]) -> str | None:
    """The Authorization header the environment asks for, or None."""
    token = env.get(TOKEN_VARIABLE, "")
    if token:
        return "Bearer " + token
    username = env.get(USERNAME_VARIABLE, "")
    password = env.get(PASSWORD_VARIABLE, "")
    if not username:
        if password:
            raise BrokerError(f"{PASSWORD_VARIABLE} is set but {USERNAME_VARIABLE} is not")
        return None
    if ":" in username:
        raise BrokerError(f"{USERNAME_VARIABLE} holds a ':', which Basic authentication cannot carry")
    pair = f"{username}:{password}".encode()
    return "Basic " + base64.b64encode(pair).decode("ascii")


def _is_loopback(host: str) -> bool:
    """True for `localhost` and the loopback addresses (127.0.0.0/8, ::1), written literally."""
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), parts.port or default


def _shown(text: str) -> str:
    """A URL or name as an error message shows it: on one line and short (Broker links are
    untrusted; the CLI makes every control character visible)."""
    text = str(text)
    return text if len(text) <= 200 else text[:197] + "..."


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects are followed by `_Client` itself, after checking where they go."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        return None


class _Client:
    """GETs JSON from one Broker origin, with its credentials, a deadline per request and a
    size cap; nothing outside that origin is contacted."""

    _MAX_REDIRECTS = 5

    def __init__(self, base: str, authorization: str | None, timeout: float, max_bytes: int) -> None:
        self.base = base
        self.origin = _origin(base)
        self.authorization = authorization
        self.timeout = timeout
        self.max_bytes = max_bytes
        scheme, host, _ = self.origin
        if authorization is not None and scheme == "http" and not _is_loopback(host):
            raise BrokerError(
                f"refusing to send Pact Broker credentials over plain http to {_shown(base)}:"
                " use https (plain http is only for a loopback address)"
            )
        handlers: list[urllib.request.BaseHandler] = [
            _NoRedirect(),
            urllib.request.HTTPSHandler(context=ssl.create_default_context()),
        ]
        if _is_loopback(host):  # a proxy from the environment must not see a local Broker
            handlers.append(urllib.request.ProxyHandler({}))
        self.opener = urllib.request.build_opener(*handlers)

    def check_same_origin(self, url: str, what: str) -> None:
        if _origin(url) != self.origin:
            raise BrokerError(
                f"{what} leads to another host or scheme than the Broker's ({_shown(self.base)}): refused"
            )

    def get_json(self, url: str) -> object:
        body = self._get(url)
        try:
            return json.loads(body.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError) as error:
            raise BrokerError(f"{_shown(url)}: the Pact Broker's answer is not JSON ({error})") from None

    def _get(self, url: str) -> bytes:
        requested = url
        for _ in range(self._MAX_REDIRECTS + 1):
            location, body = self._get_once(url)
            if location is None:
                return body
            target = urljoin(url, location)
            self.check_same_origin(target, f"{_shown(url)}: a redirect to {_shown(target)}")
            url = target
        raise BrokerError(f"{_shown(requested)}: more than {self._MAX_REDIRECTS} redirects")

    def _get_once(self, url: str) -> tuple[str | None, bytes]:
        """One GET: the redirect's Location (None when it is not a redirect) and the body; an
        HTTP error, a timeout or a refused connection raises a BrokerError."""
        request = urllib.request.Request(url, headers={"Accept": _ACCEPT, "User-Agent": "oasguard"})
        if self.authorization is not None:
            request.add_unredirected_header("Authorization", self.authorization)
        deadline = time.monotonic() + self.timeout
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return None, self._read(response, url, deadline)
        except urllib.error.HTTPError as error:
            with error:
                location = error.headers.get("Location") if error.headers else None
                if error.code in (301, 302, 303, 307, 308) and location:
                    return location, b""
                self._http_error(url, error.code, error.reason)
        except TimeoutError:
            self._timed_out(url)
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):
                self._timed_out(url)
            raise BrokerError(f"{_shown(url)}: the Pact Broker cannot be reached ({error.reason})") from None
        except (OSError, HTTPException) as error:
            raise BrokerError(f"{_shown(url)}: the Pact Broker's answer cannot be read ({error})") from None

    def _read(self, response: Any, url: str, deadline: float) -> bytes:
        length = response.headers.get("Content-Length")
        if length is not None and length.strip().isdigit() and int(length) > self.max_bytes:
            self._too_big(url)
        chunks: list[bytes] = []
        size = 0
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self._timed_out(url)
            sock = getattr(getattr(getattr(response, "fp", None), "raw", None), "_sock", None)
            if sock is not None:  # each read waits no longer than what is left of the deadline
                sock.settimeout(remaining)
            chunk = response.read1(_CHUNK) if hasattr(response, "read1") else response.read(_CHUNK)
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > self.max_bytes:
                self._too_big(url)
            chunks.append(chunk)

    def _http_error(self, url: str, code: int, reason: object) -> NoReturn:
        hint = ""
        if code in (401, 403):
            hint = f": check {TOKEN_VARIABLE} or {USERNAME_VARIABLE}/{PASSWORD_VARIABLE}"
        elif code == 404:
            hint = ": no such provider, tag or branch on this Broker?"
        raise BrokerError(f"{_shown(url)}: the Pact Broker answered HTTP {code} {reason}{hint}")

    def _timed_out(self, url: str) -> NoReturn:
        raise BrokerError(f"{_shown(url)}: the Pact Broker did not answer within {self.timeout:g} s")

    def _too_big(self, url: str) -> NoReturn:
        raise BrokerError(
            f"{_shown(url)}: the Pact Broker's answer is larger than {self.max_bytes:,} bytes: refused"
        )


def _pact_links(index: object, url: str) -> list[tuple[str | None, str]]:
    """The (consumer name, href) of each pact a provider's HAL index links to."""
    links = index.get("_links") if isinstance(index, dict) else None
    if not isinstance(links, dict):
        raise BrokerError(f"{_shown(url)}: not a Pact Broker HAL answer (no `_links`)")
    relation = next((name for name in _PACT_RELATIONS if name in links), None)
    if relation is None:
        raise BrokerError(f"{_shown(url)}: not a Pact Broker HAL answer (no `pb:pacts` links)")
    entries = links[relation]
    if isinstance(entries, dict):  # HAL allows one link object instead of a list
        entries = [entries]
    if not isinstance(entries, list):
        raise BrokerError(f"{_shown(url)}: not a Pact Broker HAL answer (`{relation}` is not a list)")
    found: list[tuple[str | None, str]] = []
    for position, entry in enumerate(entries):
        href = entry.get("href") if isinstance(entry, dict) else None
        if not isinstance(href, str) or not href.strip():
            raise BrokerError(
                f"{_shown(url)}: not a Pact Broker HAL answer (`{relation}` link {position} has no href)"
            )
        name = entry.get("name")
        found.append((name if isinstance(name, str) and name.strip() else None, href.strip()))
    return found


def _consumer_name(document: dict[str, Any], link_name: str | None, url: str) -> str:
    consumer = document.get("consumer")
    name = consumer.get("name") if isinstance(consumer, dict) else None
    if isinstance(name, str) and name.strip():
        return name
    if link_name is not None:
        return link_name
    raise BrokerError(f"{_shown(url)}: the pact names no consumer (`consumer.name`)")
