"""JSON as the export writes it: exact decimal money, keys in the order given, the same bytes every time.

``json`` cannot write a ``Decimal`` as a number without going through ``float``; exported rates must read
back as the very Decimal they were (``75.5``, never ``75.49999…``), so numbers are written by hand here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from decimal import Decimal

JsonValue = object


def number(value: Decimal) -> str:
    """``Decimal("75.50")`` -> ``75.5``, ``Decimal("100.00")`` -> ``100``: the shortest exact form."""
    return format(value.normalize(), "f")


def dumps(value: JsonValue, indent: int = 0) -> str:
    """``value`` (dicts, lists, str, int, bool, None, Decimal) as indented JSON text."""
    pad, inner = "  " * indent, "  " * (indent + 1)
    if isinstance(value, Decimal):
        return number(value)
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        items = [f"{inner}{json.dumps(str(k), ensure_ascii=False)}: {dumps(v, indent + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, Sequence) and not isinstance(value, str):
        if not value:
            return "[]"
        return "[\n" + ",\n".join(inner + dumps(v, indent + 1) for v in value) + "\n" + pad + "]"
    return json.dumps(value, ensure_ascii=False)


def encode(value: JsonValue) -> bytes:
    """The bytes of a ZIP member: UTF-8, a final newline."""
    return (dumps(value) + "\n").encode("utf-8")
