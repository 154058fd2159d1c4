"""CPU of each test, for finding what the suite spends (issue 17): wall time on two shared cores
says little. A pytest plugin and its summary:

    OASGUARD_CPU_PROFILE=/tmp/profile PYTHONPATH=tests .venv/bin/pytest -p cpu_profile
    .venv/bin/python tests/cpu_profile.py /tmp/profile

Each test's user + system time of its process and of the processes it waited for
(`getrusage` SELF + CHILDREN), its wall time and xdist group, one JSON line per test in one
file per worker; then the process's total at the end of the session (collection included)."""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest


def _cpu() -> float:
    own, waited = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + waited.ru_utime + waited.ru_stime


def _write(record: dict) -> None:
    folder = Path(os.environ.get("OASGUARD_CPU_PROFILE", "cpu-profile"))
    folder.mkdir(parents=True, exist_ok=True)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    with (folder / f"{worker}.jsonl").open("a", encoding="utf-8") as out:
        out.write(json.dumps(record) + "\n")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    cpu, started = _cpu(), time.time()
    yield
    group = item.get_closest_marker("xdist_group")
    _write(
        {
            "id": item.nodeid,
            "cpu": round(_cpu() - cpu, 3),
            "wall": round(time.time() - started, 3),
            "start": started,
            "group": group.args[0] if group and group.args else None,
        }
    )


def pytest_sessionfinish(session: pytest.Session) -> None:
    _write({"session_cpu": round(_cpu(), 3), "end": time.time()})


def summary(folder: Path, top: int = 20) -> str:
    """The session totals per process, then CPU by file, by xdist group and the top tests."""
    tests, sessions = [], {}
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if "id" in record:
                tests.append(record)
            else:
                sessions[path.stem] = record["session_cpu"]
    by_file, by_group = Counter(), Counter()
    for test in tests:
        by_file[test["id"].split("::")[0]] += test["cpu"]
        by_group[test["group"] or "(none)"] += test["cpu"]
    lines = [f"{len(tests)} tests, {sum(t['cpu'] for t in tests):.1f} s of CPU; per process: {sessions}"]
    for title, counts in (("by file", by_file), ("by xdist group", by_group)):
        lines.append(f"-- {title}")
        lines += [f"{seconds:7.1f}  {name}" for name, seconds in counts.most_common(top)]
    lines.append("-- tests (CPU, wall)")
    for test in sorted(tests, key=lambda t: -t["cpu"])[:top]:
        lines.append(f"{test['cpu']:7.2f} {test['wall']:7.2f}  {test['id']}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(summary(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 20))
