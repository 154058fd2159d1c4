"""Render docs/rules.md from the registry: `python -m oasguard.rules.docs > docs/rules.md`."""

from __future__ import annotations

import sys
import textwrap

from oasguard.rules.base import Area
from oasguard.rules.registry import ALL
from oasguard.rules.schema import WAIVERS


def render() -> str:
    lines = [
        "# Rules",
        "",
        "Generated from the rule registry (`src/oasguard/rules/`) by",
        "`python -m oasguard.rules.docs > docs/rules.md`; a test keeps it current.",
        "",
        "Each change oasguard reports carries one of these ids and, by default, the level shown.",
        "`request-…` rules judge what a client sends, `response-…` rules what it reads;",
        "callbacks and webhooks reverse the roles (what the API sends there is judged by the",
        "`response-…` rules).",
        "",
        "| id | level | area | summary |",
        "|---|---|---|---|",
    ]
    for rule in ALL:
        lines.append(
            f"| [`{rule.id}`](#{rule.id}) | {rule.level.value} | {rule.area.value} | {rule.summary} |"
        )
    for area in Area:
        lines += ["", f"## {area.value.capitalize()}"]
        for rule in (r for r in ALL if r.area is area):
            lines += [
                "",
                f"### {rule.id}",
                "",
                f"**{rule.level.value}**. " + textwrap.dedent(rule.doc).strip(),
            ]
            lines.append("")
            lines.append(f"Message: `{rule.message}`")
            if rule.id in WAIVERS:
                lines += ["", f"No mirror on the other side: {WAIVERS[rule.id]}."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
