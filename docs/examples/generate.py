"""Write the example reports of docs/examples/ from the petstore pair, by the real command.

    python docs/examples/generate.py          # rewrite the examples
    python docs/examples/generate.py --check  # exit 1 if an example is not what oasguard writes

`tests/test_formats_examples.py` runs the check, so the examples stay current."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PAIR = ("fixtures/petstore/base.yaml", "fixtures/petstore/revision.yaml")
#: example file → the command's arguments before the pair
EXAMPLES = {
    "petstore.md": ("diff", "--format", "markdown"),
    "petstore.sarif": ("diff", "--format", "sarif"),
    "petstore.txt": ("diff", "--format", "text"),
    "petstore-shapes.txt": ("diff", "--format", "text", "--shapes"),
    "petstore-gitlab.json": ("diff", "--format", "gitlab"),
    "petstore-changelog.md": ("changelog",),
}


def generate(name: str) -> str:
    """What `oasguard ARGS PAIR` writes for example `name`, run from the repository's top level
    (paths in the report are relative to it), without colour."""
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    env["NO_COLOR"] = "1"
    result = subprocess.run(
        [sys.executable, "-m", "oasguard", *EXAMPLES[name], *PAIR],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        env=env,
        check=False,
    )
    if result.returncode not in (0, 1):
        raise SystemExit(f"oasguard failed for {name}: {result.stderr.strip()}")
    return result.stdout


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for name in EXAMPLES:
        path = HERE / name
        text = generate(name)
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if text == current:
            continue
        if check:
            stale.append(name)
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote docs/examples/{name}")
    if stale:
        print(f"stale: {', '.join(stale)} (run: python docs/examples/generate.py)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
