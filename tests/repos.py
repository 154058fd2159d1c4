"""Temporary git repositories with OpenAPI documents and a configuration in either file, for
the policy, configuration and many-spec tests."""

from __future__ import annotations

import copy
import datetime
import json
import subprocess
from pathlib import Path

import yaml

from conftest import run_cli

#: the two configuration files, each written from the same mapping
CONFIG_FILES = ("pyproject", "yaml")


def api(paths: dict, version: str = "3.0.3") -> dict:
    """A small OpenAPI document with `paths`."""
    return {"openapi": version, "info": {"title": "t", "version": "1"}, "paths": copy.deepcopy(paths)}


def op(*, responses: dict | None = None, **fields) -> dict:
    """An operation with a 200 response (or `responses`) and `fields`."""
    return {**fields, "responses": responses or {"200": {"description": "ok"}}}


def query(name: str, required: bool = False, **fields) -> dict:
    return {"name": name, "in": "query", "required": required, "schema": {"type": "string"}} | fields


class Repo:
    """A git repository in `root` with one commit `base` to diff against."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.email", "test@example.com")
        self.git("config", "user.name", "test")
        self.git("config", "commit.gpgsign", "false")

    def git(self, *args: str) -> str:
        done = subprocess.run(["git", *args], cwd=self.root, capture_output=True, text=True, check=True)
        return done.stdout

    def write(self, path: str, content: dict | str) -> Path:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        text = content if isinstance(content, str) else yaml.safe_dump(content, sort_keys=False)
        target.write_text(text, encoding="utf-8")
        return target

    def commit(self, message: str = "base") -> None:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)

    def configure(self, kind: str, settings: dict) -> Path:
        """Write `settings` as `.oasguard.yaml` or as `[tool.oasguard]` of pyproject.toml."""
        if kind == "yaml":
            return self.write(".oasguard.yaml", settings)
        assert kind == "pyproject", kind
        lines = ["[project]", 'name = "demo"', "", "[tool.oasguard]"]
        lines += [f"{toml_key(key)} = {toml_value(value)}" for key, value in settings.items()]
        return self.write("pyproject.toml", "\n".join(lines) + "\n")

    def oasguard(self, *args: str, cwd: Path | None = None):
        return run_cli(*args, cwd=cwd or self.root, env={"NO_COLOR": "1"})

    def json(self, *args: str):
        """`oasguard diff ARGS --format json`: (exit status, report, stderr)."""
        run = self.oasguard("diff", *args, "--format", "json")
        assert run.returncode in (0, 1), run.stderr
        return run.returncode, json.loads(run.stdout), run.stderr


def toml_key(key: str) -> str:
    return json.dumps(key)


def toml_value(value: object) -> str:
    """A TOML value (inline) for what a configuration holds."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(value)


def ids(report: dict) -> list[str]:
    return sorted(change["id"] for change in report["changes"])
