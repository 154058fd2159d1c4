"""Compare: walk two normalised graphs side by side and yield facts (what changed, where)."""

from oasguard.compare.api import compare
from oasguard.compare.facts import Fact

__all__ = ["Fact", "compare"]
