"""Configuration: `[tool.oasguard]` in pyproject.toml or `.oasguard.yaml`, read into one frozen
Settings. Every configuration error is raised here, naming the file and the key."""

from __future__ import annotations

import datetime
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from oasguard.changes import Level
from oasguard.errors import OasguardError, brief

#: the configuration files looked for at the repository root, first found wins (as ruff's
#: `.ruff.toml` wins over `pyproject.toml`)
YAML_NAMES = (".oasguard.yaml", ".oasguard.yml")
PYPROJECT = "pyproject.toml"

KEYS = (
    "specs",
    "fail-on",
    "levels",
    "ignore",
    "exclude",
    "stability",
    "deprecation-days",
    "consumers",
    "fail-on-consumers",
    "versioning",
    "shapes",
    "generate",
    "generated-file",
    "fastapi-app",
    "generate-timeout",
)
IGNORE_KEYS = ("rule", "operation", "contains", "fingerprint", "reason", "until")
FAIL_ON = ("breaking", "warning", "none")
#: what a level override may say; "off" drops the rule's changes
LEVEL_NAMES = ("breaking", "warning", "safe", "off")
#: `x-stability-level` values below stable, lowest first
STABILITY_LEVELS = ("draft", "alpha", "beta")
#: what `versioning` may say: `info.version` is only judged (the default), or a major increase
#: also approves the breaking changes (SPEC 3.2.2)
VERSIONING = ("judge", "major-bump-approves")


class ConfigError(OasguardError):
    """The configuration file says something oasguard cannot follow."""


@dataclass(frozen=True)
class IgnoreEntry:
    """One `ignore` entry: every criterion given must hold for a change to match it."""

    #: its position in the file (0-based), to name it in notes
    index: int
    reason: str
    rule: str | None = None
    operation: str | None = None
    contains: str | None = None
    fingerprint: str | None = None
    until: datetime.date | None = None

    def describe(self) -> str:
        parts = [
            f"{name} '{value}'"
            for name, value in (
                ("rule", self.rule),
                ("operation", self.operation),
                ("contains", self.contains),
                ("fingerprint", self.fingerprint),
            )
            if value is not None
        ]
        return f"ignore[{self.index}] ({', '.join(parts)})"


@dataclass(frozen=True)
class Settings:
    """The policy a repository asks for. `Settings()` is oasguard's default behaviour."""

    #: the file it was read from, as shown in messages (None: no configuration file)
    file: str | None = None
    #: the folder `specs` are relative to (the configuration file's)
    root: Path | None = None
    specs: tuple[str, ...] = ()
    fail_on: str | None = None
    #: rule id -> level, or None for "off"
    levels: Mapping[str, Level | None] = field(default_factory=dict)
    ignore: tuple[IgnoreEntry, ...] = ()
    #: operation globs ("GET /internal/*", "/admin/*") whose operations are not checked
    exclude_operations: tuple[str, ...] = ()
    #: extension flags (name, value): an operation carrying one is not checked
    exclude_extensions: tuple[tuple[str, object], ...] = ()
    #: x-stability-level below stable -> the most a change of such an operation may be
    #: (None: not reported at all)
    stability: Mapping[str, Level | None] = field(
        default_factory=lambda: dict.fromkeys(STABILITY_LEVELS, Level.WARNING)
    )
    deprecation_days: int = 0
    #: `[NAME=]GLOB` patterns of consumer evidence, relative to `root` (SPEC 5)
    consumers: tuple[str, ...] = ()
    #: only changes that break a known consumer count for the exit status
    fail_on_consumers: bool = False
    #: documents generated from code (SPEC 6): a shell command, or a FastAPI app's MODULE:ATTR
    generate: str | None = None
    fastapi_app: str | None = None
    #: the file the `generate` command writes (else its stdout), relative to `root`
    generated_file: str | None = None
    generate_timeout: float | None = None
    #: how keys are spelled in the file ("tool.oasguard." in pyproject.toml)
    prefix: str = ""
    #: one of VERSIONING: "major-bump-approves" lets a major increase approve breaking changes
    versioning: str = "judge"
    #: `shapes: true`: the text and JSON reports show the shape diffs, as `--shapes` does
    shapes: bool = False

    def where(self, key: str) -> str:
        """`file: key` as messages name a key of this configuration."""
        return f"{self.file}: {self.prefix}{key}"


def find(start: Path) -> Path | None:
    """The configuration file of the repository holding `start` (its root, else `start`)."""
    from oasguard.sources import enclosing_work_tree

    top = enclosing_work_tree(start.resolve()) or start.resolve()
    for name in YAML_NAMES:
        if (top / name).is_file():
            return top / name
    pyproject = top / PYPROJECT
    if _may_configure(pyproject) and _pyproject_table(pyproject, os.path.relpath(pyproject)) is not None:
        return pyproject
    return None


def _may_configure(pyproject: Path) -> bool:
    """Whether `pyproject` may hold a `[tool.oasguard]` table: a file whose text never spells
    `oasguard` (nor a `\\u` escape, which a quoted key may spell it with) holds none, and is not
    parsed (TOML's parser is a millisecond of every diff's start in a Python project); it is
    not oasguard's to judge."""
    try:
        text = pyproject.read_bytes()
    except OSError:
        return pyproject.is_file()  # a file we cannot read: parsing it says so
    return b"oasguard" in text or b"\\u" in text or b"\\U" in text


def load_settings(path: Path | None, start: Path | None = None) -> Settings:
    """Settings from `path` (`--config`), else from the repository's file, else the defaults."""
    if path is None:
        path = find(start or Path.cwd())
        if path is None:
            return Settings()
        shown = os.path.relpath(path)  # as the user would name it from here
    elif not path.is_file():
        raise ConfigError(f"--config {path}: no such file")
    else:
        shown = str(path)
    if path.name == PYPROJECT or path.suffix == ".toml":
        table = _pyproject_table(path, shown)
        if table is None:
            raise ConfigError(f"{shown}: no [tool.oasguard] table")
        return parse(table, shown, path.resolve().parent, prefix="tool.oasguard.")
    return parse(_read_yaml(path, shown), shown, path.resolve().parent)


def _pyproject_table(path: Path, shown: str) -> dict | None:
    try:
        import tomllib
    except ImportError:  # pragma: no cover - Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{shown}: cannot read ({error})") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{shown}: invalid TOML ({error})") from None
    table = document.get("tool", {}).get("oasguard") if isinstance(document.get("tool"), dict) else None
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"{shown}: tool.oasguard must be a table")
    return table


def _read_yaml(path: Path, shown: str) -> dict:
    import yaml

    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{shown}: cannot read ({error})") from None
    except yaml.MarkedYAMLError as error:
        line = f":{error.problem_mark.line + 1}" if error.problem_mark else ""
        raise ConfigError(f"{shown}{line}: invalid YAML ({error.problem})") from None
    except (yaml.YAMLError, ValueError, TypeError) as error:
        raise ConfigError(f"{shown}: invalid YAML ({error})") from None
    if document is None:
        return {}
    if not isinstance(document, dict):
        raise ConfigError(f"{shown}: must be a mapping of the keys {', '.join(KEYS)}")
    return document


def parse(table: Mapping[object, object], shown: str, root: Path, prefix: str = "") -> Settings:
    """Settings from the mapping of one file; ConfigError naming `shown` and the key if wrong."""

    def fail(key: str, message: str) -> ConfigError:
        return ConfigError(f"{shown}: {prefix}{key}: {message}")

    for key in table:
        if key not in KEYS:
            raise fail(str(key), f"unknown key{_suggest(str(key), KEYS)} (known: {', '.join(KEYS)})")

    specs = _strings(table.get("specs", []), "specs", fail)

    fail_on = table.get("fail-on")
    if fail_on is not None and fail_on not in FAIL_ON:
        raise fail("fail-on", f"unknown level {brief(fail_on)} (one of {', '.join(FAIL_ON)})")

    levels: dict[str, Level | None] = {}
    raw_levels = table.get("levels", {})
    if not isinstance(raw_levels, Mapping):
        raise fail("levels", "must be a mapping of rule id to breaking, warning, safe or off")
    for rule_id, level in raw_levels.items():
        canonical = _rule_id(rule_id, f"levels.{rule_id}", fail)
        levels[canonical] = _level(level, f"levels.{rule_id}", fail)

    raw_ignore = table.get("ignore", [])
    if not isinstance(raw_ignore, list):
        raise fail("ignore", "must be a list of entries with a 'reason'")
    ignore = tuple(_ignore_entry(index, entry, fail) for index, entry in enumerate(raw_ignore))

    operations: list[str] = []
    extensions: list[tuple[str, object]] = []
    raw_exclude = table.get("exclude", [])
    if not isinstance(raw_exclude, list):
        raise fail("exclude", "must be a list of operation globs and extension flags")
    for index, item in enumerate(raw_exclude):
        if isinstance(item, str) and item.startswith("x-"):
            extensions.append((item, True))
        elif isinstance(item, str) and item.strip():
            operations.append(_operation_glob(item, f"exclude[{index}]", fail))
        elif isinstance(item, Mapping) and item and all(str(k).startswith("x-") for k in item):
            extensions.extend((str(k), v) for k, v in item.items())
        else:
            raise fail(
                f"exclude[{index}]",
                f"{brief(item)} is neither an operation glob ('GET /internal/*') "
                "nor an extension flag ('x-internal' or {x-internal: true})",
            )

    stability = dict(Settings().stability)
    raw_stability = table.get("stability", {})
    if not isinstance(raw_stability, Mapping):
        raise fail("stability", f"must be a mapping of {', '.join(STABILITY_LEVELS)} to a level")
    for name, level in raw_stability.items():
        if name not in STABILITY_LEVELS:
            raise fail(
                f"stability.{name}",
                f"unknown stability level{_suggest(str(name), STABILITY_LEVELS)} "
                f"(one of {', '.join(STABILITY_LEVELS)})",
            )
        stability[str(name)] = _level(level, f"stability.{name}", fail)

    days = table.get("deprecation-days", 0)
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise fail("deprecation-days", f"{brief(days)} is not a whole number of days (0 or more)")

    consumers = _strings(table.get("consumers", []), "consumers", fail)
    fail_on_consumers = table.get("fail-on-consumers", False)
    if not isinstance(fail_on_consumers, bool):
        raise fail("fail-on-consumers", f"{brief(fail_on_consumers)} is not true or false")
    versioning = check_versioning(table.get("versioning", "judge"), lambda text: fail("versioning", text))
    shapes = table.get("shapes", False)
    if not isinstance(shapes, bool):
        raise fail("shapes", f"{brief(shapes)} is not true or false")

    generation = _generation(table, fail)
    if specs and (generation["generate"] or generation["fastapi_app"]):
        key = "generate" if generation["generate"] else "fastapi-app"
        raise fail(key, "cannot be set with specs: the documents come either from files or from the code")

    settings = Settings(
        **generation,
        file=shown,
        root=root,
        specs=tuple(specs),
        fail_on=fail_on,
        levels=levels,
        ignore=ignore,
        exclude_operations=tuple(operations),
        exclude_extensions=tuple(extensions),
        stability=stability,
        deprecation_days=days,
        consumers=tuple(consumers),
        fail_on_consumers=fail_on_consumers,
        prefix=prefix,
        versioning=versioning,
        shapes=shapes,
    )
    expand_specs(settings)  # a glob that matches nothing is an error on every run, not only some
    return settings


def _generation(table: Mapping[object, object], fail) -> dict:
    """The keys of documents generated from code, checked (SPEC 6)."""
    found: dict = {}
    for key in ("generate", "generated-file", "fastapi-app"):
        value = table.get(key)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise fail(key, f"{brief(value)} is not a non-empty string")
        found[key.replace("-", "_")] = value
    if found["generate"] and found["fastapi_app"]:
        raise fail("fastapi-app", "cannot be set with generate: give one of them")
    if found["generated_file"] and not found["generate"]:
        raise fail("generated-file", "names the file the `generate` command writes: set generate too")
    app = found["fastapi_app"]
    if app is not None:
        from oasguard.generate.recipe import APP

        if not APP.fullmatch(app):
            raise fail("fastapi-app", f"{brief(app)} is not MODULE:ATTR (e.g. app.main:app)")
    timeout = table.get("generate-timeout")
    if timeout is not None and (
        isinstance(timeout, bool) or not isinstance(timeout, int | float) or not 0 < timeout < float("inf")
    ):
        raise fail("generate-timeout", f"{brief(timeout)} is not a number of seconds above 0")
    found["generate_timeout"] = None if timeout is None else float(timeout)
    return found


def expand_specs(settings: Settings) -> list[Path]:
    """The files `specs` names, each path or glob relative to the configuration file's folder;
    a glob that matches no file is an error."""
    import glob  # only a configuration with `specs` globs (a JSON diff's start-up, issue 24)

    assert settings.root is not None or not settings.specs
    found: list[Path] = []
    for index, pattern in enumerate(settings.specs):
        matches = sorted(
            Path(match)
            for match in glob.glob(pattern, root_dir=settings.root, recursive=True)
            if (settings.root / match).is_file()  # type: ignore[operator]
        )
        if not matches:
            raise ConfigError(f"{settings.where(f'specs[{index}]')}: '{pattern}' matches no file")
        found.extend(settings.root / match for match in matches if settings.root / match not in found)  # type: ignore[operator]
    return found


def check_versioning(value: object, fail) -> str:
    """`value` if it is one of VERSIONING, else the error `fail` makes of the message."""
    if value not in VERSIONING:
        hint = _suggest(str(value), VERSIONING)
        raise fail(f"unknown value {brief(value)}{hint} (one of {', '.join(VERSIONING)})")
    return str(value)


def _strings(value: object, key: str, fail) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise fail(key, "must be a list of paths or globs")
    return list(value)


def _rule_id(value: object, key: str, fail) -> str:
    from oasguard.rules.registry import ALL, RULES

    if not isinstance(value, str) or value not in RULES:
        raise fail(key, f"unknown rule id {brief(value)}{_suggest(str(value), [r.id for r in ALL])}")
    return RULES[value].id


def _level(value: object, key: str, fail) -> Level | None:
    if value is False:  # YAML 1.1 reads an unquoted `off` as false
        value = "off"
    if value not in LEVEL_NAMES:
        raise fail(key, f"unknown level {brief(value)} (one of {', '.join(LEVEL_NAMES)})")
    return None if value == "off" else Level(value)


def _operation_glob(value: object, key: str, fail) -> str:
    if not isinstance(value, str) or not value.strip():
        raise fail(key, "must be an operation glob such as 'GET /internal/*' or '/internal/*'")
    method, _, path = value.strip().partition(" ")
    if path and method != "*" and not method.isalpha():
        raise fail(key, f"'{value}' is not 'METHOD /path' (a method, a space and a path glob)")
    return f"{method.upper()} {path.strip()}" if path else method


def _ignore_entry(index: int, entry: object, fail) -> IgnoreEntry:
    here = f"ignore[{index}]"
    if not isinstance(entry, Mapping):
        raise fail(here, "must be a mapping with a 'rule' or 'fingerprint' and a 'reason'")
    for key in entry:
        if key not in IGNORE_KEYS:
            known = ", ".join(IGNORE_KEYS)
            raise fail(f"{here}.{key}", f"unknown key{_suggest(str(key), IGNORE_KEYS)} (known: {known})")
    reason = entry.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        raise fail(f"{here}.reason", "every ignore entry needs a reason (why the change is accepted)")
    if entry.get("rule") is None and entry.get("fingerprint") is None:
        raise fail(f"{here}.rule", "an ignore entry needs a 'rule' or a 'fingerprint'")
    rule = _rule_id(entry["rule"], f"{here}.rule", fail) if entry.get("rule") is not None else None
    operation = entry.get("operation")
    if operation is not None:
        operation = _operation_glob(operation, f"{here}.operation", fail)
    for key in ("contains", "fingerprint"):
        value = entry.get(key)
        if value is not None and (not isinstance(value, str) or not value):
            raise fail(f"{here}.{key}", f"must be a non-empty string, not {brief(value)}")
    return IgnoreEntry(
        index=index,
        reason=reason.strip(),
        rule=rule,
        operation=operation,
        contains=entry.get("contains"),
        fingerprint=entry.get("fingerprint"),
        until=_date(entry.get("until"), f"{here}.until", fail),
    )


def _date(value: object, key: str, fail) -> datetime.date | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise fail(key, f"{brief(value)} is not a date (YYYY-MM-DD)")


def _suggest(word: str, choices) -> str:
    import difflib  # only for a misspelt key

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
