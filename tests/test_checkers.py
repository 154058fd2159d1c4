"""Every rule can be found in the code: the registry names the checker of each id
(rules/checkers.py), the checker spells the id, and `oasguard explain` and docs/rules.md say where."""

from __future__ import annotations

import ast
import importlib
import inspect
import re

import pytest

from checkers_scan import COMPARE, table
from conftest import ROOT
from oasguard.rules import checkers as checkers_table
from oasguard.rules import parameters, paths
from oasguard.rules.registry import ALL, RULES

ID_LIKE = re.compile(r"^(request|response|security|server|operation|path|webhook|required|optional)-[a-z-]+$")


def _resolve(name: str) -> object:
    module_name, _, qualname = name.partition(":")
    found: object = importlib.import_module(module_name)
    for part in qualname.split(".") if qualname else ():
        found = getattr(found, part)
    return found


@pytest.mark.parametrize("rule", ALL, ids=lambda rule: rule.id)
def test_every_rule_names_checkers_that_spell_its_id(rule):
    assert rule.checkers, f"{rule.id} has no checker"
    places = ("oasguard.compare.", *(f"{module}:" for module in checkers_table.AFTER_POLICY))
    compare_checkers = [name for name in rule.checkers if name.startswith(places)]
    assert compare_checkers, f"{rule.id}: no checker in compare/ (or after policy)"
    facts = checkers_table.FROM_POLICY.get(rule.id, (rule.id,))
    for name in compare_checkers:
        source = inspect.getsource(_resolve(name))  # type: ignore[arg-type]
        assert any(f'"{fact}"' in source for fact in facts), f"{name} does not spell {facts}"
    if rule.id in checkers_table.FROM_POLICY:
        assert rule.checkers[-1] == "oasguard.policy"
        constant = next(
            f"{family.__name__.rsplit('.', 1)[1].upper()}.{key}"
            for family in (paths, parameters)
            for key, value in vars(family).items()
            if value == rule.id
        )
        policy = inspect.getsource(_resolve("oasguard.policy"))  # type: ignore[arg-type]
        assert constant.replace("PARAMETERS.", "P.") in policy, f"policy.py never makes {rule.id}"


def test_the_table_lists_every_function_that_spells_an_id():
    """A new check that makes a fact of a known id must join the table (and so `explain`)."""
    assert {rule.id: rule.checkers for rule in ALL} == table()


def test_compare_spells_no_id_the_registry_does_not_know():
    spelled = {
        (path.name, node.value)
        for path in COMPARE.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and ID_LIKE.match(node.value)
    }
    assert len(spelled) > 100  # the ids are spelled in compare/, not assembled
    assert {(name, value) for name, value in spelled if value not in RULES} == set()


def test_compare_reads_no_level_from_the_registry():
    """Levels are policy's: compare/ may ask whether a rule is `compatible`, not its level."""
    for path in COMPARE.rglob("*.py"):
        tree = ast.parse(path.read_text())
        levels = [
            node.lineno for node in ast.walk(tree) if isinstance(node, ast.Attribute) and node.attr == "level"
        ]
        assert levels == [], f"{path.relative_to(ROOT)} reads .level at lines {levels}"
        assert "Level." not in path.read_text(), f"{path.relative_to(ROOT)} names a Level"


def test_explain_says_which_checker_finds_the_rule(cli):
    done = cli("explain", "response-property-removed")
    assert done.returncode == 0, done.stderr
    line = next(line for line in done.stdout.splitlines() if line.startswith("Found by: "))
    assert "compare/keywords/properties.py::check_properties" in line
    path, _, function = line.removeprefix("Found by: ").split(" ")[0].partition("::")
    source = (ROOT / "src" / "oasguard" / path).read_text()
    assert f"def {function}(" in source and '"response-property-removed"' in source


def test_explain_names_policy_for_a_rule_policy_makes(cli):
    done = cli("explain", "operation-removed-after-sunset")
    assert done.returncode == 0, done.stderr
    assert "compare/operations/paths.py::check_removed, policy.py" in done.stdout


def test_rules_md_says_where_each_rule_is_found():
    text = (ROOT / "docs" / "rules.md").read_text()
    for rule in ALL:
        section = text.split(f"\n### {rule.id}\n", 1)[1].split("\n### ", 1)[0]
        assert "Found by: `" in section, f"docs/rules.md: {rule.id} does not say where it is found"
