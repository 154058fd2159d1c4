"""`typing`'s class bases as a type checker reads them, without importing `typing` at run time.

`typing` is 10 M instructions (about 2 ms) of every start, and a run needs of it only the bases
of classes whose meaning is the type checker's, `Protocol` (an interface nothing checks at run
time) and `NamedTuple` (a tuple with named fields), and `assert_never` for the case a dispatch on
an enum never reaches. A type checker reads the `TYPE_CHECKING` branch below: `typing`'s own. At
run time a protocol is a plain class, a named tuple is made by `collections.namedtuple` as
`typing` makes it, and `assert_never` raises as `typing`'s does. The package's other names from
`typing` (`Any`, `TextIO`, `TypeVar` …) are imported under `if TYPE_CHECKING:` by the modules
that annotate with them, whose annotations are strings (`from __future__ import annotations`).
tests/test_startup.py holds that a diff does not import `typing`.
"""

from __future__ import annotations

#: False at run time, as `typing.TYPE_CHECKING` is; type checkers take a name spelt so as true
TYPE_CHECKING = False

if TYPE_CHECKING:
    import sys
    from typing import NamedTuple as NamedTuple
    from typing import NoReturn
    from typing import Protocol as Protocol

    if sys.version_info >= (3, 11):
        from typing import assert_never as assert_never
    else:
        from typing_extensions import assert_never as assert_never
else:
    import collections

    #: a protocol of the package is a plain base at run time: nothing isinstance-checks one
    #: (that would take `typing.runtime_checkable`) and nothing subclasses one
    Protocol = object

    #: what `typing` copies from a NamedTuple's class statement, beside the fields
    _SPECIAL = frozenset({"__module__", "__name__", "__annotations__", "__annotate__", "__annotate_func__"})

    class _NamedTupleMeta(type):
        """Makes the class of a `class Name(NamedTuple):` statement as `typing.NamedTupleMeta`
        does: `collections.namedtuple` of the annotated fields (those with a value are the
        defaults), then the statement's methods, docstring and other attributes set on it."""

        def __new__(cls, name: str, bases: tuple[type, ...], namespace: dict[str, object]) -> type:
            annotations = namespace.get("__annotations__")
            if annotations is None and callable(namespace.get("__annotate__")):
                # Python 3.14 evaluates a class's annotations when asked (PEP 649), unless its
                # module says `from __future__ import annotations`: asked here, as values (1)
                annotations = namespace["__annotate__"](1)  # type: ignore[operator]
            fields = dict(annotations or {})
            defaults = [namespace[field] for field in fields if field in namespace]
            if any(field not in namespace for field in list(fields)[len(fields) - len(defaults) :]):
                raise TypeError(f"{name}: a field without a default follows one with a default")
            made = collections.namedtuple(name, fields, defaults=defaults, module=namespace["__module__"])
            made.__annotations__ = made.__new__.__annotations__ = fields
            for key, value in namespace.items():
                if key not in _SPECIAL and key not in fields:
                    setattr(made, key, value)
            return made

    NamedTuple = type.__new__(_NamedTupleMeta, "NamedTuple", (), {})

    def assert_never(arg: object, /) -> NoReturn:
        """Reached only by a value a dispatch has no case for (a bug), as `typing`'s."""
        raise AssertionError(f"Expected code to be unreachable, but got: {arg!r}")
