"""The classified change: what rules produce and every reporter consumes."""

from __future__ import annotations

import enum
import json
import re
from dataclasses import dataclass, field


class Level(enum.Enum):
    BREAKING = "breaking"
    WARNING = "warning"
    SAFE = "safe"

    @property
    def rank(self) -> int:
        """Higher is more severe."""
        return _RANK[self]


_RANK = {Level.BREAKING: 2, Level.WARNING: 1, Level.SAFE: 0}


class Side(enum.Enum):
    """Who reads the data a change touches.

    REQUEST: the client writes it and the API reads it (request parameters and bodies, and the
    responses a subscriber sends back to a callback). RESPONSE: the API writes it and the client
    reads it (responses, and the requests the API sends to callbacks and webhooks).
    """

    REQUEST = "request"
    RESPONSE = "response"

    @property
    def flipped(self) -> Side:
        return Side.RESPONSE if self is Side.REQUEST else Side.REQUEST


@dataclass(frozen=True)
class Source:
    """Where a change's element is written: a file (a path from the repository root, or from
    the document's folder outside a repository), its 1-based line, and which side it is read
    from ("revision", or "base" for something removed)."""

    file: str
    line: int | None
    side: str = "revision"


@dataclass(frozen=True)
class Change:
    """One classified difference between the base and the revision."""

    id: str
    level: Level
    message: str
    operation: str | None
    location: str
    pointer: str
    #: the document the pointer refers into, relative to its root ("" for the entry document)
    file: str = ""
    #: True when the pointer refers into the base (something removed)
    in_base: bool = False
    #: the file and line of the element; filled only when a format needs it (a reporter's `needs.sources`)
    source: Source | None = field(default=None, compare=False)
    #: which spec the change belongs to when several are diffed (its path from the repository root)
    document: str | None = field(default=None, compare=False)
    #: names of the consumers the change affects (empty when none are known)
    consumers: tuple[str, ...] = field(default=(), compare=False)
    extra: dict[str, object] = field(default_factory=dict, compare=False, hash=False)

    @property
    def fingerprint(self) -> str:
        """Stable identity of the change, so that an ignore entry keeps matching it.

        Made of what the change is, never of how or where it is written: the rule of the fact
        (an operation removed stays the same change the day its sunset date passes and policy
        calls it `...-after-sunset`), the operation and the location with path parameter names
        erased (`{id}` → `{userId}` is no change, SPEC 3.2), and the fact's own values (which
        enum value, which property). Not the message (wording changes), not the pointer or the
        line (they move with every unrelated edit), not the document's path (files move).
        """
        # a twin (one of several templates of the same shape and method, which OpenAPI forbids
        # and some documents have anyway) is told apart from its twins by its parameter names
        erase = _ParameterNames("" if self.extra.get("twin") else self.operation or "")
        values = {
            key: erase(value) if isinstance(value, str) else value
            for key, value in self.extra.items()
            if key not in _VOLATILE and isinstance(value, (str, int, float, bool))
        }
        key = "\x1f".join(
            (
                str(self.extra.get("fact", self.id)),
                erase(self.operation or ""),
                erase(self.location),
                json.dumps(values, sort_keys=True, ensure_ascii=False),
            )
        )
        import hashlib  # only when a fingerprint is computed: most runs never need one

        return hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()[:16]

    def sort_key(self) -> tuple[str, int, str, str, str]:
        return (self.operation or "", -self.level.rank, self.location, self.id, self.message)


#: fact values that are policy's input, not the change's identity: a sunset date pushed back
#: is the same removal; "fact" is the rule the comparison stated
_VOLATILE = frozenset({"deprecated", "sunset", "when", "fact"})
_PATH_PARAMETER = re.compile(r"\{([^{}/]*)\}")
_PATH_PARAMETER_NAME = re.compile(r"path parameter ('?)([^\s›']+)\1")


class _ParameterNames:
    """Text of a change with the path parameters of its operation named by position: the names
    are the template's to choose (`{id}` → `{petId}` is no change, SPEC 3.2)."""

    def __init__(self, operation: str) -> None:
        names = _PATH_PARAMETER.findall(operation)
        self.position = {name: index for index, name in enumerate(names)}

    def __call__(self, text: str) -> str:
        if "{" not in text and "path parameter" not in text:
            return text
        text = _PATH_PARAMETER_NAME.sub(self._numbered, text)
        return _PATH_PARAMETER.sub(lambda match: f"{{#{self.position.get(match[1], match[1])}}}", text)

    def _numbered(self, match: re.Match[str]) -> str:
        name = match[2]
        return f"path parameter #{self.position[name]}" if name in self.position else match[0]


@dataclass(frozen=True)
class Ignored:
    """A change the configuration ignores: listed apart with the reason, never counted."""

    change: Change
    reason: str


@dataclass(frozen=True)
class Report:
    """The result of one diff: every change, most severe first within each operation."""

    changes: list[Change]
    base: str = ""
    revision: str = ""
    #: changes an ignore entry matched (not in `changes`, not in `summary`)
    ignored: list[Ignored] = field(default_factory=list)
    #: things the user should hear about the run itself (an ignore entry that expired or matched
    #: nothing); every format shows them, and the command repeats them on stderr
    notes: list[str] = field(default_factory=list)
    #: with `--consumers`: the interactions that matched no operation (consumers/attribute.py)
    unmatched: list[dict[str, object]] = field(default_factory=list)
    #: with `--consumers`: every consumer the evidence names, sorted
    known_consumers: tuple[str, ...] = ()
    #: True when consumers' evidence was given (even with no HTTP interaction in it)
    attributed: bool = False
    #: per document (`Change.document`, "" for a run's only pair), what approved its breaking
    #: changes (`versioning: major-bump-approves`): still listed, never counted for the exit status
    approved: dict[str, str] = field(default_factory=dict)
    #: per document ("" for a run's only pair), `info.version` of the base and of the revision
    versions: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)

    def per_consumer(self) -> dict[str, dict[str, int]]:
        """Per known consumer, how many changes of each level name it (SPEC 5.3)."""
        counts = {name: {level.value: 0 for level in Level} for name in self.known_consumers}
        for change in self.changes:
            for name in change.consumers:
                counts.setdefault(name, {level.value: 0 for level in Level})[change.level.value] += 1
        return counts

    @property
    def summary(self) -> dict[str, int]:
        counts = {level.value: 0 for level in Level}
        for change in self.changes:
            counts[change.level.value] += 1
        return counts

    def _approved(self, change: Change) -> bool:
        return change.level is Level.BREAKING and (change.document or "") in self.approved

    def approval(self) -> str | None:
        """What approved the breaking changes, when every document that has one was approved."""
        documents = {change.document or "" for change in self.changes if change.level is Level.BREAKING}
        if not documents or not documents <= set(self.approved):
            return None
        return "; ".join(dict.fromkeys(self.approved[document] for document in sorted(documents)))

    def worst(self) -> Level | None:
        return max((c.level for c in self.changes), key=lambda level: level.rank, default=None)

    def fails(self, threshold: Level | None, consumers_only: bool = False) -> bool:
        """Whether a change is at or above `threshold` (`--fail-on`; None: nothing fails); with
        `consumers_only` (`--fail-on-consumers`), only changes that break a known consumer count."""
        counted = [c for c in self.changes if c.consumers] if consumers_only else self.changes
        if self.approved:
            counted = [c for c in counted if not self._approved(c)]
        worst = max((c.level for c in counted), key=lambda level: level.rank, default=None)
        return threshold is not None and worst is not None and worst.rank >= threshold.rank
