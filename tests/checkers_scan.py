"""Which function of compare/ spells each registry id: read from the source with `ast`, so that
tests/test_checkers.py can hold the registry's `checkers` (rules/checkers.py) to the code."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
COMPARE = SRC / "oasguard" / "compare"
#: the one module outside compare/ that makes changes: the versioning rules, judged after policy
AFTER_POLICY = SRC / "oasguard" / "rules" / "versioning.py"


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def functions(path: Path) -> dict[str, ast.AST]:
    """Every function of a module, top-level or a method (`Class.method`), by qualified name; a
    function nested in another is part of it."""
    found: dict[str, ast.AST] = {}
    pending: list[tuple[ast.AST, str]] = [(ast.parse(path.read_text()), "")]
    while pending:
        node, prefix = pending.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                found[f"{prefix}{child.name}"] = child
            elif isinstance(child, ast.ClassDef):
                pending.append((child, f"{prefix}{child.name}."))
    return found


def spelled(ids: set[str]) -> dict[str, set[str]]:
    """id -> the functions of compare/ (and of the versioning rules) whose source spells it."""
    found: dict[str, set[str]] = {}
    for path in [*sorted(COMPARE.rglob("*.py")), AFTER_POLICY]:
        for name, node in functions(path).items():
            for sub in ast.walk(node):
                if isinstance(sub, ast.Constant) and sub.value in ids:
                    found.setdefault(sub.value, set()).add(f"{module_name(path)}:{name}")
    return found


def table() -> dict[str, tuple[str, ...]]:
    """What rules/checkers.py should say, read from the code: for each id, the functions that
    spell it; for a rule policy makes of a fact, those of the fact and `oasguard.policy`."""
    from oasguard.rules.checkers import FROM_POLICY
    from oasguard.rules.registry import ALL

    found = spelled({rule.id for rule in ALL})
    result = {}
    for rule in ALL:
        if rule.id in FROM_POLICY:
            names = {name for fact in FROM_POLICY[rule.id] for name in found.get(fact, ())}
            result[rule.id] = (*sorted(names), "oasguard.policy")
        else:
            result[rule.id] = tuple(sorted(found.get(rule.id, ())))
    return result


if __name__ == "__main__":  # print the table's entries, to paste into rules/checkers.py
    import sys

    sys.path.insert(0, str(SRC))
    for rule_id, names in table().items():
        print(f"    {rule_id!r}: {names!r},".replace("'", '"'))
