"""The rules' documentation from the registry: docs/rules.md
(`python -m oasguard.rules.docs > docs/rules.md`), `oasguard rules` and `oasguard explain`."""

from __future__ import annotations

import difflib
import sys
import textwrap

from oasguard.errors import UsageError
from oasguard.rules.base import Area, Rule
from oasguard.rules.examples import example
from oasguard.rules.registry import ALL, RULES
from oasguard.rules.schema import WAIVERS

#: what a rule judges when its id does not say (request-…, response-…)
_AREA_DIRECTION = {
    Area.PARAMETERS: "request",
    Area.REQUEST_BODY: "request",
    Area.REQUEST_SCHEMA: "request",
    Area.RESPONSES: "response",
    Area.RESPONSE_SCHEMA: "response",
    Area.SECURITY: "request",
}


def direction(rule: Rule) -> str:
    """ "request" (what a client sends), "response" (what it reads) or "both"."""
    for side in ("request", "response"):
        if rule.id.startswith(f"{side}-") or f"-{side}-" in rule.id:
            return side
    return _AREA_DIRECTION.get(rule.area, "both")


def documentation(rule: Rule) -> str:
    """The rule's docstring, with its before/after example (from rules/examples.py when the
    docstring has none)."""
    text = textwrap.dedent(rule.doc).strip()
    found = example(rule.id, rule.doc)
    if found is not None:
        text += f"\nBefore: {found[0]}. After: {found[1]}."
    return text


def catalogue() -> list[dict[str, str]]:
    """Every rule as `oasguard rules` lists it, in registry order."""
    return [
        {
            "id": rule.id,
            "level": rule.level.value,
            "direction": direction(rule),
            "area": rule.area.value,
            "summary": rule.summary,
        }
        for rule in ALL
    ]


def checker_places(rule: Rule) -> list[str]:
    """Where the code that finds `rule` is, as a reader looks for it:
    `compare/keywords/properties.py::check_properties`, `policy.py`."""
    places = []
    for name in rule.checkers:
        module, _, function = name.partition(":")
        path = "/".join(module.split(".")[1:]) + ".py"
        places.append(f"{path}::{function}" if function else path)
    return places


def explain(rule_id: str) -> str:
    """A rule's documentation as `oasguard explain` prints it; UsageError for an unknown id."""
    rule = RULES.get(rule_id)
    if rule is None:
        close = difflib.get_close_matches(rule_id, [r.id for r in ALL], n=1, cutoff=0.6)
        hint = f" (did you mean '{close[0]}'?)" if close else " (see: oasguard rules)"
        raise UsageError(f"explain: unknown rule id '{rule_id}'{hint}")
    lines = [
        rule.id,
        "",
        f"Default level: {rule.level.value}. Direction: {direction(rule)}. Area: {rule.area.value}.",
    ]
    if rule.id != rule_id:
        lines.append(f"('{rule_id}' is an older name of this rule.)")
    lines += ["", documentation(rule), "", f"Message: {rule.message}"]
    lines.append(f"Found by: {', '.join(checker_places(rule))} (under src/oasguard/)")
    lines += [f'Its level can be changed in the configuration: levels = {{ {rule.id} = "warning" }}', ""]
    return "\n".join(lines)


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
                f"**{rule.level.value}**. " + documentation(rule),
            ]
            lines.append("")
            lines.append(f"Message: `{rule.message}`")
            found = ", ".join(f"`{place}`" for place in checker_places(rule))
            lines += ["", f"Found by: {found}."]
            if rule.id in WAIVERS:
                lines += ["", f"No mirror on the other side: {WAIVERS[rule.id]}."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
