"""Ids on the wire, for every dialect: plain ASCII digits within the 64-bit id column, nothing else.

``str.isdigit()`` is true for "²" and "٣", and ``int()`` takes "٣", "+5", " 5" and "1_000": neither is
a test of what an id looks like, so every path, query and string id goes through ``id_value``.
"""

from __future__ import annotations

import re

MAX_ID = 2**63 - 1
#: Longest id list a path, query parameter or body field may name.
MAX_IDS = 1000

_DIGITS = re.compile(r"[0-9]{1,19}")


def id_value(text: str, *, allow_zero: bool = False) -> int | None:
    """The id ``text`` spells, or None when it is not ASCII digits within 1 (0 if allowed) … MAX_ID."""
    if not _DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if (0 if allow_zero else 1) <= value <= MAX_ID else None
