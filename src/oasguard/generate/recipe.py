"""How a side's document is made from its tree: a shell command, or a FastAPI application to
import, and where the document is read (stdout, or a file the command writes)."""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from oasguard.errors import UsageError

#: the default of --generate-timeout, in seconds
DEFAULT_TIMEOUT = 120.0

#: MODULE:ATTR, as uvicorn names an application (`app.main:app`, `service:api.app`)
APP = re.compile(r"[A-Za-z_][\w]*(\.[A-Za-z_]\w*)*:[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")

#: run by the chosen interpreter in the tree: imports the application and prints its document.
#: What the application prints while it loads goes to stderr, never into the document.
FASTAPI_EXPORT = """\
import importlib, json, sys
document_out, sys.stdout = sys.stdout, sys.stderr
module, _, attribute = sys.argv[1].partition(":")
app = importlib.import_module(module)
found = module
for name in attribute.split("."):
    if not hasattr(app, name):
        sys.exit(f"{sys.argv[1]}: {found} has no attribute {name!r}")
    app, found = getattr(app, name), f"{found}.{name}"
if not callable(getattr(app, "openapi", None)):
    sys.exit(f"{sys.argv[1]} is a {type(app).__name__}, not a FastAPI application (it has no openapi())")
document_out.write(json.dumps(app.openapi()))
document_out.flush()
"""


@dataclass(frozen=True)
class Recipe:
    """What to run in a side's tree and where its document is; plain data."""

    #: a shell command (`--generate`), run with the tree's folder as its working directory
    command: str | None = None
    #: MODULE:ATTR of a FastAPI application (`--fastapi-app`)
    fastapi_app: str | None = None
    #: the interpreter that imports the application (default: the one running oasguard)
    python: str | None = None
    #: the document is this file of the tree, written by the command (else its stdout)
    file: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    #: reuse a document generated from the same tree by the same recipe
    cache: bool = True
    #: where in the tree the command runs, relative to its top
    folder: PurePosixPath = field(default_factory=PurePosixPath)

    def __post_init__(self) -> None:
        check(self)

    @property
    def shown(self) -> str:
        """How messages name the recipe: the command as written."""
        return self.command if self.command is not None else f"--fastapi-app {self.fastapi_app}"

    def interpreter(self) -> str:
        return self.python or sys.executable

    def arguments(self) -> tuple[list[str] | str, bool]:
        """What to run and whether through the shell."""
        if self.command is not None:
            return self.command, True
        return [self.interpreter(), "-c", FASTAPI_EXPORT, str(self.fastapi_app)], False

    def parts(self) -> tuple[str, ...]:
        """What the cache key holds of the recipe (with the tree's key)."""
        made = ("command", self.command) if self.command is not None else ("app", str(self.fastapi_app))
        python = self.interpreter() if self.command is None else ""
        return (*made, python, self.file or "", self.folder.as_posix())

    def environment(self, tree: Path) -> dict[str, str]:
        """The command's environment: the tree first on the import path, and no variable that
        would lead git from the temporary tree back into the repository."""
        from oasguard.generate.trees import REPOSITORY_VARIABLES

        env = {k: v for k, v in os.environ.items() if k not in REPOSITORY_VARIABLES}
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(tree), os.environ.get("PYTHONPATH")) if p)
        return env


def check(recipe: Recipe) -> None:
    """UsageError naming the option when the recipe cannot be followed."""
    if (recipe.command is None) == (recipe.fastapi_app is None):
        raise UsageError("give one of --generate COMMAND and --fastapi-app MODULE:ATTR")
    if recipe.command is not None and not recipe.command.strip():
        raise UsageError("--generate: the command is empty")
    if recipe.fastapi_app is not None and not APP.fullmatch(recipe.fastapi_app):
        raise UsageError(f"--fastapi-app: '{recipe.fastapi_app}' is not MODULE:ATTR (e.g. app.main:app)")
    if recipe.fastapi_app is not None and recipe.file is not None:
        raise UsageError("--generated-file goes with --generate (--fastapi-app prints its document)")
    if recipe.python is not None and recipe.fastapi_app is None:
        raise UsageError("--fastapi-python goes with --fastapi-app")
    if not recipe.timeout > 0 or recipe.timeout == float("inf"):
        raise UsageError(f"--generate-timeout: {recipe.timeout:g} is not a number of seconds above 0")
    if recipe.file is not None:
        inside(recipe.file, "--generated-file")


def inside(path: str, option: str) -> PurePosixPath:
    """`path` as a relative path that stays inside a tree."""
    clean = PurePosixPath(os.path.normpath(path).replace(os.sep, "/")) if path else PurePosixPath(".")
    if clean.is_absolute() or clean.parts[:1] == ("..",) or str(clean) == "." or "\0" in path:
        raise UsageError(f"{option}: '{path}' must be a file inside the tree")
    return clean
