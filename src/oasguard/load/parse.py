"""Parse bytes as JSON or YAML by their content, refusing what would exhaust time or memory."""

from __future__ import annotations

import json
import re

from oasguard.errors import LoadError

#: At most this many nodes once YAML aliases are expanded (a "billion laughs" stops here).
MAX_EXPANDED_NODES = 5_000_000
_ALIAS = re.compile(rb"(?:^|[\s\[{,:-])\*[^\s\[\]{},]")


def parse(data: bytes, name: str) -> object:
    """The data structure in `data`; LoadError naming `name` (and the line) if it is not one."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    stripped = data.lstrip()
    if not stripped:
        raise LoadError(f"{name}: empty document")
    if stripped[:1] in (b"{", b"["):
        try:
            return json.loads(data)
        except RecursionError:
            raise LoadError(f"{name}: nested too deeply") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            json_error = error  # YAML flow style also starts with "{": give YAML a chance
        try:
            return _parse_yaml(data, name)
        except LoadError:
            if isinstance(json_error, json.JSONDecodeError):
                raise LoadError(f"{name}:{json_error.lineno}: invalid JSON ({json_error.msg})") from None
            raise
    return _parse_yaml(data, name)


def _parse_yaml(data: bytes, name: str) -> object:
    import yaml  # only when there is YAML to read: JSON documents never pay for the import

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # SafeLoader: PyYAML without libyaml
    try:
        document = yaml.load(data, Loader=loader)
    except yaml.MarkedYAMLError as error:
        line = f":{error.problem_mark.line + 1}" if error.problem_mark else ""
        raise LoadError(f"{name}{line}: invalid YAML ({error.problem})") from None
    except yaml.YAMLError as error:
        raise LoadError(f"{name}: invalid YAML ({error})") from None
    except RecursionError:
        raise LoadError(f"{name}: nested too deeply") from None
    except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as error:
        # a scalar PyYAML reads but cannot construct, such as the timestamp 2024-02-30
        raise LoadError(f"{name}: invalid YAML value ({type(error).__name__}: {error})") from None
    if _ALIAS.search(data):
        _check_expansion(document, name)
    return document


def _check_expansion(document: object, name: str) -> None:
    """Refuse YAML whose aliases expand beyond MAX_EXPANDED_NODES (each shared node counted per use).

    The parser shares aliased nodes, so memory is fine; but every later walk would pay the full
    expansion. Sizes are computed once per distinct node, bottom up, without recursion.
    """
    sizes: dict[int, int] = {}
    entered: set[int] = set()
    stack: list[tuple[object, bool]] = [(document, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in sizes:
            continue
        if not children_done:
            if id(node) in entered:
                raise LoadError(f"{name}: a YAML alias refers to a node that contains it")
            entered.add(id(node))
        children = list(node.values()) if isinstance(node, dict) else node if isinstance(node, list) else ()
        if not children_done:
            stack.append((node, True))
            stack.extend((child, False) for child in children if id(child) not in sizes)
            continue
        # a long string counts for its length: copying it is what an alias bomb of strings costs
        own = 1 + len(node) // 100 if isinstance(node, str) else 1
        total = own + sum(sizes.get(id(child), 1) for child in children)
        if total > MAX_EXPANDED_NODES:
            raise LoadError(
                f"{name}: YAML aliases expand to more than {MAX_EXPANDED_NODES:,} nodes (an alias bomb?)"
            )
        sizes[id(node)] = total
