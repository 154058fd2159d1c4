"""SHA-256 of fingerprints and group ids, without `hashlib`'s binding to OpenSSL.

`import hashlib` loads OpenSSL (`_hashlib`, 10 M instructions: 2.5 ms of every diff's start-up)
to offer every algorithm; a report needs one, which CPython also builds in (`_sha2`; `_sha256`
before Python 3.12). The digests are the same. The built-in one is 0.5 µs slower a call on
Python 3.11 (about 1 ms for Stripe's 2,013 fingerprints), so it pays on every diff.
"""

from __future__ import annotations

import sys

# each module asked for by its version's name: an import that fails has searched every folder of
# `sys.path` first (0.4 M instructions)
try:
    if sys.version_info >= (3, 12):
        from _sha2 import sha256
    else:
        from _sha256 import sha256
except ImportError:  # an interpreter built without it: OpenSSL's
    from hashlib import sha256

__all__ = ["sha256"]
