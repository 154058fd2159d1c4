"""The one interaction model that every evidence reader (Pact, HAR, Keploy, WireMock, Broker)
produces and that matching, attribution and `verify` read (SPEC 5)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Evidence(enum.Enum):
    """What kind of file an interaction comes from: how much of it the consumer depends on."""

    PACT = "pact"  # a consumer-driven contract: the body is the minimum the consumer reads
    HAR = "har"  # recorded traffic: depends on every field it holds
    KEPLOY_TEST = "keploy-test"  # a Keploy test set: calls made to the service under test
    KEPLOY_MOCK = "keploy-mock"  # a Keploy mocks.yaml: a service's recorded calls to a provider
    WIREMOCK = "wiremock"  # a hand-written stub mapping: the mock that drifts

    @property
    def minimal(self) -> bool:
        """True when the body names only what the consumer relies on (a Pact); recordings and
        mocks depend on every field they hold."""
        return self is Evidence.PACT


class Absent(enum.Enum):
    """No body at all (distinct from a JSON `null` body)."""

    ABSENT = "absent"


ABSENT = Absent.ABSENT

#: a place in a body: object keys as strings, array positions as ints
BodyPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Matcher:
    """One Pact matching rule, as data: `kind` is the matcher's name as Pact writes it in v3/v4
    (`type`, `regex`, `integer`, `decimal`, `number`, `boolean`, `date`, `time`, `timestamp`,
    `null`, `include`, `equality`, `values`, ...); `min`/`max` bound arrays (`eachLike`);
    `regex` and `format` carry what the matcher names."""

    kind: str
    regex: str | None = None
    format: str | None = None
    min: int | None = None
    max: int | None = None
    value: object = None


@dataclass(frozen=True)
class Source:
    """Where an interaction is written: a file, and its index in that file (Pact interactions,
    HAR entries, WireMock mappings, YAML documents) or its 1-based line when known."""

    file: str
    index: int | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = f"#{self.index}" if self.index is not None else ""
        return f"{self.file}{where}" + (f":{self.line}" if self.line is not None else "")


class _Message:
    """What requests and responses share: headers, read without regard to case."""

    headers: tuple[tuple[str, str], ...]

    def header(self, name: str) -> str | None:
        """The first value of header `name`, compared without regard to case."""
        lower = name.lower()
        return next((value for key, value in self.headers if key.lower() == lower), None)

    @property
    def content_type(self) -> str | None:
        """The media type (`application/json`), without parameters such as `charset`."""
        value = self.header("content-type")
        return value.split(";", 1)[0].strip().lower() if value else None


@dataclass(frozen=True)
class Request(_Message):
    """What the consumer sends. `path` is the URL path as sent (no query string), percent
    escapes kept; `query` and `headers` keep their order and repeated names; header names as
    written (compare them case-insensitively); `body` is the parsed JSON, the text, or ABSENT."""

    method: str  # upper case
    path: str
    query: tuple[tuple[str, str], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    body: object = ABSENT
    #: Pact matching rules on the request, by category ("body", "query", "header", "path") and
    #: then by the place they apply to ("$.name" for headers and query, a BodyPath for bodies)
    matchers: dict[str, dict[object, tuple[Matcher, ...]]] = field(default_factory=dict, hash=False)
    #: a regular expression the path must match instead of one path (WireMock's `urlPattern`,
    #: `urlPathPattern`); `path` then holds the same expression
    path_pattern: str | None = None


@dataclass(frozen=True)
class Response(_Message):
    """What the consumer expects back: the status (None when the evidence does not say), the
    headers and body it names (for a recording or a mock: the ones it holds)."""

    status: int | None
    headers: tuple[tuple[str, str], ...] = ()
    body: object = ABSENT
    matchers: dict[str, dict[object, tuple[Matcher, ...]]] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Interaction:
    """One request a consumer sends and the response it expects (SPEC 5)."""

    consumer: str
    source: Source
    description: str
    evidence: Evidence
    request: Request
    response: Response
    #: the provider the evidence names, when it names one (Pact's `provider.name`)
    provider: str | None = None
    #: Pact provider states, kept for display
    states: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """How a report names the interaction: consumer, description and where it is written."""
        return f"{self.consumer}: {self.description} ({self.source})"


@dataclass(frozen=True)
class Skipped:
    """An interaction a reader passed over on purpose (a Pact message or plugin interaction):
    said as a note, never an error."""

    source: Source
    description: str
    reason: str
