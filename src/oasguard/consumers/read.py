"""Reading the evidence: `[NAME=]GLOB` patterns → files → one reader per format, told by
content (never by extension) → the interactions and the ones skipped on purpose."""

from __future__ import annotations

import glob
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from oasguard.consumers.har import is_har, read_har
from oasguard.consumers.keploy import is_keploy, read_keploy
from oasguard.consumers.model import Interaction, Skipped, Source
from oasguard.consumers.pact import PactProblem, is_pact, read_pact
from oasguard.consumers.wiremock import is_wiremock, read_wiremock
from oasguard.errors import OasguardError


class EvidenceError(OasguardError):
    """A consumer file that cannot be read: names the file and, where known, the interaction."""


@dataclass(frozen=True)
class Consumers:
    """Every interaction read, in the order given, and those skipped on purpose."""

    interactions: tuple[Interaction, ...] = ()
    skipped: tuple[Skipped, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """Every consumer named by the evidence, sorted."""
        return tuple(sorted({i.consumer for i in self.interactions}))


def read_consumers(patterns: Sequence[str], cwd: Path) -> Consumers:
    """The interactions of every file that the `[NAME=]GLOB` patterns name (relative to `cwd`).
    A pattern that names no file is an error (a typo would silently attribute nothing)."""
    interactions: list[Interaction] = []
    skipped: list[Skipped] = []
    seen: set[Path] = set()
    for pattern in patterns:
        name, pattern_text = _split(pattern)
        if not pattern_text:
            raise EvidenceError(f"--consumers: '{pattern}' names no file")
        base = pattern_text if os.path.isabs(pattern_text) else str(cwd / pattern_text)
        matches = sorted(Path(p) for p in glob.glob(base, recursive=True) if Path(p).is_file())
        if not matches:
            raise EvidenceError(f"--consumers: '{pattern_text}' matches no file")
        for path in matches:
            if path in seen:
                continue
            seen.add(path)
            found = read_file(path, name, shown=_shown(path, cwd))
            interactions.extend(found.interactions)
            skipped.extend(found.skipped)
    return Consumers(tuple(interactions), tuple(skipped))


def read_broker(url: str, provider: str, tag: str | None = None, branch: str | None = None) -> Consumers:
    """The interactions of the latest pact of every consumer of `provider` on the Pact Broker
    at `url` (of a tag or a branch when given): the one network access oasguard makes, and only
    when asked (SPEC 5.5). Each pact is read as a file would be, its URL as its source."""
    from oasguard.consumers.broker import fetch_pacts

    interactions: list[Interaction] = []
    skipped: list[Skipped] = []
    for pact in fetch_pacts(url, provider, tag=tag, branch=branch):
        if not is_pact(pact.document):
            raise EvidenceError(f"{pact.url}: the Broker's answer is not a Pact file")
        try:
            found, passed, problems = read_pact(pact.document, pact.url, pact.consumer)
        except PactProblem as problem:
            raise EvidenceError(f"{pact.url}: {problem}") from None
        if problems:
            raise _problem(problems[0])
        interactions.extend(found)
        skipped.extend(passed)
    return Consumers(tuple(interactions), tuple(skipped))


def combined(*evidence: Consumers | None) -> Consumers | None:
    """The interactions of every source of evidence given, in order; None when there is none."""
    given = [each for each in evidence if each is not None]
    if not given:
        return None
    return Consumers(
        tuple(i for each in given for i in each.interactions),
        tuple(s for each in given for s in each.skipped),
    )


def _split(pattern: str) -> tuple[str | None, str]:
    """`NAME=GLOB` → (NAME, GLOB); a `=` after a path separator belongs to the glob."""
    head, equals, tail = pattern.partition("=")
    if equals and head and "/" not in head and "*" not in head and os.sep not in head:
        return head, tail
    return None, pattern


def _shown(path: Path, cwd: Path) -> str:
    try:
        return path.resolve().relative_to(cwd.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def read_file(path: Path, name: str | None = None, shown: str | None = None) -> Consumers:
    """One evidence file, its format told by its content. The consumer's name: Pact's
    `consumer.name`, else `name`, else the file's stem."""
    from oasguard.load.parse import parse

    shown = shown or path.as_posix()
    try:
        data = path.read_bytes()
    except OSError as error:
        raise EvidenceError(f"{shown}: cannot read ({error.strerror or error})") from None
    documents = _documents(data, shown, parse)
    try:
        return _read(documents, path, name, shown)
    except (AttributeError, TypeError, ValueError, KeyError) as error:  # a field of the wrong shape
        raise EvidenceError(
            f"{shown}: a field has an unexpected shape ({type(error).__name__}: {error})"
        ) from None


def _read(documents: list[object], path: Path, name: str | None, shown: str) -> Consumers:
    first = documents[0] if documents else None
    fallback = name or path.stem
    skipped: list[Skipped] = []
    if len(documents) == 1 and is_pact(first):
        try:
            found, skipped, problems = read_pact(first, shown, name)  # type: ignore[arg-type]
        except PactProblem as problem:
            raise EvidenceError(f"{shown}: {problem}") from None
    elif len(documents) == 1 and is_har(first):
        found, problems = read_har(first, shown, fallback)  # type: ignore[arg-type]
    elif documents and is_keploy(first):
        mocks = len(documents) > 1 or path.stem.startswith("mock")
        found, skipped, problems = read_keploy(documents, shown, fallback, mocks)
    elif len(documents) == 1 and is_wiremock(first):
        found, problems = read_wiremock(first, shown, fallback)  # type: ignore[arg-type]
    else:
        raise EvidenceError(
            f"{shown}: not a consumer file (a Pact file, a HAR recording, a Keploy recording or "
            "WireMock stub mappings)"
        )
    if problems:
        raise _problem(problems[0])
    return Consumers(tuple(found), tuple(skipped))


def _problem(problem: tuple[Source, str, str]) -> EvidenceError:
    """The error for an interaction that cannot be read: where it is, why, and its description."""
    source, description, why = problem
    return EvidenceError(
        f"{_where(source)}: {why}" + (f" (interaction '{description}')" if description else "")
    )


def _where(source: Source) -> str:
    return f"{source.file}: interaction #{source.index}" if source.index is not None else source.file


def _documents(data: bytes, shown: str, parse) -> list[object]:
    """The file's documents: one JSON or YAML document, or every document of a YAML stream
    (a Keploy mocks.yaml)."""
    from oasguard.errors import LoadError

    stripped = data.lstrip()
    if stripped[:1] in (b"{", b"[") or b"\n---" not in data:
        try:
            return [parse(data, shown)]
        except LoadError as error:
            raise EvidenceError(str(error)) from None
    import yaml

    from oasguard.load.parse import yaml_loader

    try:
        return [d for d in yaml.load_all(data, Loader=yaml_loader()) if d is not None]
    except yaml.MarkedYAMLError as error:
        line = f":{error.problem_mark.line + 1}" if error.problem_mark else ""
        raise EvidenceError(f"{shown}{line}: invalid YAML ({error.problem})") from None
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as error:
        raise EvidenceError(f"{shown}: invalid YAML ({error})") from None
