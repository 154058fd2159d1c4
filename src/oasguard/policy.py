"""Policy: what each classified change costs in this repository. The one place that answers
"why is this a warning?".

The comparison states facts ("operation removed; it was deprecated with sunset 2026-01-01"),
the registry gives every rule its default level, and this module, applied once after
classification, decides in this order:

1. **exclude**: changes of an operation matched by an `exclude` glob, or carrying an excluded
   extension flag (`x-internal: true`) in either document, are dropped: not checked at all.
2. **deprecation** (`deprecation-days`, default 0 = SPEC 3.2): which rule a removal is.
   An operation removed while deprecated with an `x-sunset` date that has passed is
   `operation-removed-after-sunset` (warning); deprecated with no sunset or one still ahead,
   `operation-removed-before-sunset` (breaking); not deprecated, `path-removed` /
   `operation-removed` (breaking). A parameter removed while deprecated with a sunset still
   ahead is `request-parameter-removed-before-sunset` (breaking). With `deprecation-days` N > 0
   a deprecation must give notice: an operation newly deprecated without an `x-sunset` at least
   N days after today is `operation-sunset-too-soon` (breaking), and a deprecated parameter
   removed without a sunset date is removed before its sunset.
3. **levels**: the registry's default, replaced by the user's `levels` entry; `off` drops it.
4. **stability**: a change of an operation whose `x-stability-level` (in the revision, or in
   the base when removed) is draft/alpha/beta gets at most the configured level (default
   warning); the change of the stability level itself is never capped.
5. **ignore**: a change an entry matches keeps its level but is moved to `Report.ignored` with
   the entry's reason. An entry past its `until` date matches nothing; expired entries and
   entries that matched no change become notes, so ignores do not rot.
6. **versioning** (`versioned`, after the others): whether `info.version` moved as the levels
   the changes ended with require (rules/versioning.py); its changes take steps 3 and 5 too. With
   `versioning: major-bump-approves`, a major increase approves the breaking changes.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace

from oasguard.changes import ORDER, Change, Ignored
from oasguard.config import IgnoreEntry, Settings
from oasguard.model.nodes import Api, Operation
from oasguard.rules import parameters as P
from oasguard.rules import paths as PATHS
from oasguard.rules import versioning
from oasguard.rules.classify import render_message
from oasguard.rules.registry import RULES

#: changes about the stability level itself: judged at full level whatever the stability
_STABILITY_RULES = frozenset({PATHS.OPERATION_STABILITY_DECREASED, PATHS.OPERATION_STABILITY_INCREASED})
_OPERATION_REMOVALS = frozenset({PATHS.PATH_REMOVED, PATHS.OPERATION_REMOVED})


@dataclass(frozen=True)
class OperationFacts:
    """What the two documents say about one operation that policy needs."""

    #: `x-stability-level` (the revision's; the base's for a removed operation), lower case
    stability: str | None
    #: the `x-` extensions of the operation in either document (the revision's win)
    extensions: Mapping[str, object]


@dataclass(frozen=True)
class Outcome:
    """Policy applied to one document's changes."""

    #: in the report's order (`Change.order`)
    changes: list[Change]
    ignored: list[Ignored]
    #: indexes of the ignore entries that matched something
    used: frozenset[int]
    #: what the documents break that the comparison survived (a note for the user)
    warnings: tuple[str, ...] = ()
    #: (base Api, revision Api, document, loaded base) when consumers are attributed after
    apis: tuple = ()
    #: what approved the breaking changes (`versioning: major-bump-approves`), if anything did
    approved: str | None = None
    #: `info.version` of the base and of the revision, as written
    versions: tuple[str | None, str | None] = (None, None)
    #: the shape diffs of the document's operations, when the run builds them (report/shapes.py)
    shapes: tuple = ()


#: an operation as a change's subject names it: (METHOD, path template)
OperationKey = tuple[str | None, str | None]


def operation_facts(base: Api, revision: Api) -> dict[OperationKey, OperationFacts]:
    """Per operation (METHOD, path), what policy reads from the documents."""
    found: dict[OperationKey, OperationFacts] = {}
    for api in (base, revision):  # the revision's facts replace the base's
        for operation in (*api.operations.values(), *api.webhooks.values()):
            key = (operation.method.upper(), operation.path)
            previous = found.get(key)
            extensions = {**previous.extensions, **operation.extensions} if previous else operation.extensions
            found[key] = OperationFacts(_stability(operation), extensions)
    return found


def apply(
    changes: Iterable[Change],
    settings: Settings,
    operations: Mapping[OperationKey, OperationFacts],
    today: datetime.date,
    ordered: bool = False,
) -> Outcome:
    """`changes` as `settings` judges them (see the module docstring for the order), in the
    report's order; `ordered` when they are in it already (classification's), so that they are
    sorted again only when a change's rule or level was changed."""
    kept: list[Change] = []
    ignored: list[Ignored] = []
    used: set[int] = set()
    active = [entry for entry in settings.ignore if entry.until is None or entry.until >= today]
    # the steps a setting can skip are skipped without it (each costs a call a change)
    excluding = bool(settings.exclude_operations or settings.exclude_extensions)
    levels, stability = settings.levels, settings.stability
    for change in changes:
        subject = change.subject
        facts = operations.get((subject.method, subject.path))
        if excluding and _excluded(change, facts, settings):
            continue
        if change.deprecated is not None:
            judged = _deprecation(change, settings, today)
            ordered = ordered and judged is change
            change = judged
        level = levels.get(change.id, change.level) if levels else change.level
        if level is None:  # "off"
            continue
        if facts is not None and facts.stability in stability and change.id not in _STABILITY_RULES:
            cap = stability[facts.stability]
            if cap is None:
                continue
            if level.rank > cap.rank:
                level = cap
        if level is not change.level:
            change = replace(change, level=level)
            ordered = False
        entry = next((entry for entry in active if _matches(entry, change)), None) if active else None
        if entry is not None:
            used.add(entry.index)
            ignored.append(Ignored(change, entry.reason))
        else:
            kept.append(change)
    if not ordered:
        kept.sort(key=ORDER)
    return Outcome(kept, ignored, frozenset(used))


def versioned(
    outcome: Outcome,
    versions: tuple[str | None, str | None],
    settings: Settings,
    today: datetime.date,
    placed: Callable[[list[Change]], list[Change]] = lambda changes: changes,
) -> Outcome:
    """Step 6: `outcome` with the versioning changes of its document pair, judged from the levels
    its changes ended with (an ignored change counts for nothing); `placed` gives them what the
    other changes were given before policy (source lines, the document)."""
    move = versioning.move(*versions)
    if move is None:  # not semantic versions: they say nothing about compatibility
        return replace(outcome, versions=versions)
    added = apply(placed(versioning.judge(move, outcome.changes)), settings, {}, today)
    approved = None
    if settings.versioning == "major-bump-approves":
        approved = versioning.approval(move, outcome.changes)
    return replace(
        outcome,
        changes=sorted([*outcome.changes, *added.changes], key=ORDER) if added.changes else outcome.changes,
        ignored=[*outcome.ignored, *added.ignored],
        used=outcome.used | added.used,
        approved=approved,
        versions=versions,
    )


def notes(settings: Settings, used: Iterable[int], today: datetime.date) -> list[str]:
    """What the user must hear about the ignore list: entries expired, or that matched nothing."""
    matched = set(used)
    out = []
    for entry in settings.ignore:
        if entry.until is not None and entry.until < today:
            out.append(
                f"{settings.where(entry.describe())} expired on {entry.until.isoformat()}; "
                "its changes are reported again"
            )
        elif entry.index not in matched:
            out.append(f"{settings.where(entry.describe())} matched no change; remove it")
    return out


# -- the steps ------------------------------------------------------------------------------------


def _excluded(change: Change, facts: OperationFacts | None, settings: Settings) -> bool:
    method, path = change.subject.method, change.subject.path
    if method is None or path is None:
        return False
    if any(operation_matches(pattern, method, path) for pattern in settings.exclude_operations):
        return True
    if facts is None:
        return False
    return any(
        name in facts.extensions and _same(facts.extensions[name], value)
        for name, value in settings.exclude_extensions
    )


def _deprecation(change: Change, settings: Settings, today: datetime.date) -> Change:
    """Which rule a removal or a deprecation is, from the facts the comparison stated."""
    deprecated = change.deprecated
    if deprecated is None:
        return change
    written = deprecated.sunset
    sunset = _date(written)
    if change.id in _OPERATION_REMOVALS:
        if sunset is not None and sunset < today:
            return _as(change, PATHS.OPERATION_REMOVED_AFTER_SUNSET, "")
        when = f"before its sunset date {written}" if sunset is not None else "without a sunset date"
        return _as(change, PATHS.OPERATION_REMOVED_BEFORE_SUNSET, when)
    if change.id == P.PARAMETER_REMOVED:
        if sunset is not None and sunset >= today:
            return _as(change, P.PARAMETER_REMOVED_BEFORE_SUNSET, f"before its sunset date {written}")
        if sunset is None and settings.deprecation_days > 0:
            return _as(change, P.PARAMETER_REMOVED_BEFORE_SUNSET, "without a sunset date")
    if change.id == PATHS.OPERATION_DEPRECATED and settings.deprecation_days > 0:
        needed = today + datetime.timedelta(days=settings.deprecation_days)
        if sunset is None:
            when = f"without a sunset date ({settings.deprecation_days} days of notice required)"
        elif sunset < needed:
            when = f"with sunset date {written}, less than {settings.deprecation_days} days of notice"
        else:
            return change
        return _as(change, PATHS.OPERATION_SUNSET_TOO_SOON, when)
    return change


def _as(change: Change, rule_id: str, when: str) -> Change:
    """`change` as another rule of the same fact: its level and message (`when` and the sunset
    date fill it); its fingerprint stays that of the fact, so an ignore entry survives the day a
    sunset date passes."""
    rule = RULES[rule_id]
    sunset = change.deprecated.sunset if change.deprecated else None
    return replace(
        change,
        id=rule.id,
        level=rule.level,
        message=render_message(rule, {**change.args, "sunset": sunset, "when": when}),
        stated=change.stated or change.id,
    )


def _matches(entry: IgnoreEntry, change: Change) -> bool:
    if entry.rule is not None and entry.rule != change.id:
        return False
    if entry.fingerprint is not None and entry.fingerprint != change.fingerprint:
        return False
    method, path = change.subject.method, change.subject.path
    if entry.operation is not None and not (
        method is not None and path is not None and operation_matches(entry.operation, method, path)
    ):
        return False
    return entry.contains is None or entry.contains in change.message


def operation_matches(pattern: str, method: str, path: str) -> bool:
    """Whether `pattern`, "METHOD /path-glob" (METHOD may be `*`) or a path glob alone, matches
    the operation `method` `path`."""
    import fnmatch  # here: only a configuration's ignore entries name operations (0.5 M at start)

    if pattern.startswith("/"):
        return fnmatch.fnmatchcase(path, pattern)
    want_method, _, want_path = pattern.partition(" ")
    return fnmatch.fnmatchcase(method, want_method.upper()) and fnmatch.fnmatchcase(path, want_path)


def _stability(operation: Operation) -> str | None:
    return str(operation.stability).lower() if operation.stability is not None else None


def _same(found: object, wanted: object) -> bool:
    if isinstance(wanted, bool) or isinstance(found, bool):
        return found is wanted or (isinstance(found, str) and found.lower() == str(wanted).lower())
    return found == wanted


def _date(text: object) -> datetime.date | None:
    if text is None:
        return None
    try:
        return datetime.date.fromisoformat(str(text)[:10])
    except ValueError:
        return None
