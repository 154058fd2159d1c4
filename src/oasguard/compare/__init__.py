"""Compare: walk two normalised graphs side by side and yield facts (what changed, where).

operations/ compares paths, operations, parameters, bodies, responses and security (one module
per family of rules); schema.py walks schema pairs and keywords/ holds the checker of each
keyword family. Every rule id is spelled where its fact is made.
"""

from oasguard.compare.api import compare
from oasguard.compare.facts import Fact

__all__ = ["Fact", "compare"]
