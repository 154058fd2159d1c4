"""Write the example reports of docs/examples/ from the petstore pair, by the real command.

    python docs/examples/generate.py               # rewrite the examples
    python docs/examples/generate.py --check       # exit 1 if an example is not what oasguard writes
    python docs/examples/generate.py --screenshot  # also petstore-html.png, by headless chromium

`tests/test_formats_examples.py` runs the check, so the examples stay current. The screenshot is
not checked (fonts differ between machines): take it again when the page changes."""

from __future__ import annotations

import os
import shutil
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
    "petstore.html": ("diff", "--format", "html"),
}
#: the screenshot of petstore.html: a desktop browser's width, tall enough for the whole page
SCREENSHOT = "petstore-html.png"
WINDOW = "1280,1400"


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


def screenshot() -> None:
    """petstore.html as Debian's chromium shows it (headless, the page's script run)."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        raise SystemExit("--screenshot needs chromium (apt-get install chromium)")
    page = (HERE / "petstore.html").as_uri()
    command = [browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]
    command += [f"--window-size={WINDOW}", f"--screenshot={HERE / SCREENSHOT}", page]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    if result.returncode != 0 or not (HERE / SCREENSHOT).exists():
        raise SystemExit(f"chromium failed: {result.stderr.strip()[-500:]}")
    print(f"wrote docs/examples/{SCREENSHOT}")


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
    if "--screenshot" in argv and not check:
        screenshot()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
