"""Schema paths that share their tails: a fact found below a chain of 10,000 `$ref`s is not
copied 10,000 times, once per component it is spliced into.

A path is a tuple of tokens or, once long, a `Joined` path: a tuple of tokens (the `head`) in
front of a path found inside a component (the `tail`), kept by reference. Splicing a path below
another is then O(1), and a path is a tuple again only for the facts that are reported
(`materialise`). Short paths stay plain tuples: the common case costs what it always did.
"""

from __future__ import annotations

from collections.abc import Iterator

from oasguard.compare.keywords import Token

#: a path no longer than this is copied as a tuple when spliced (cheaper than a Joined below it)
_SHORT = 32


class Joined:
    """`head` followed by `tail`, `length` tokens in all (always more than `_SHORT`)."""

    __slots__ = ("head", "length", "tail")

    def __init__(self, head: tuple[Token, ...], tail: Path) -> None:
        self.head = head
        self.tail = tail
        self.length = len(head) + len(tail)

    def __len__(self) -> int:
        return self.length

    def __iter__(self) -> Iterator[Token]:
        path: Path = self
        while isinstance(path, Joined):
            yield from path.head
            path = path.tail
        yield from path

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, (Joined, tuple)):
            return NotImplemented
        return equal(self, other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Joined({tuple(self)!r})"


Path = tuple[Token, ...] | Joined


def join(head: tuple[Token, ...], tail: Path) -> Path:
    """`head` followed by `tail`, sharing `tail` when the whole is long."""
    if not head:
        return tail
    if isinstance(tail, tuple) and len(head) + len(tail) <= _SHORT:
        return (*head, *tail)
    return Joined(head, tail)


def materialise(path: Path) -> tuple[Token, ...]:
    return path if isinstance(path, tuple) else tuple(path)


def equal(a: Path, b: Path) -> bool:
    """Whether two paths hold the same tokens: lengths first, then chunk by chunk from the front,
    ending at the first difference or at a tail both share."""
    if len(a) != len(b):
        return False
    while a is not b:
        a_head, a_tail = (a.head, a.tail) if isinstance(a, Joined) else (a, ())
        b_head, b_tail = (b.head, b.tail) if isinstance(b, Joined) else (b, ())
        if not a_head and not b_head:
            return True  # both ended (equal lengths)
        n = min(len(a_head), len(b_head))
        if a_head[:n] != b_head[:n]:
            return False
        a = _rest(a_head[n:], a_tail)
        b = _rest(b_head[n:], b_tail)
    return True


def _rest(head: tuple[Token, ...], tail: Path) -> Path:
    if not head:
        return tail
    rest = Joined.__new__(Joined)  # not `join`: `tail` must stay the object it is, to be matched
    rest.head, rest.tail, rest.length = head, tail, len(head) + len(tail)
    return rest
