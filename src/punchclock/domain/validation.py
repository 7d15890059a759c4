"""Small shared validation rules."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from punchclock.domain.errors import Invalid

CURRENCY = re.compile(r"^[A-Z]{3}$")

# C0 control characters. No text field may hold one (PostgreSQL cannot even store U+0000), except
# that tab, line feed and carriage return are legal in multi-line text such as descriptions.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CONTROL_OR_BREAK = re.compile(r"[\x00-\x1f]")


def has_control(text: str, *, single_line: bool = False) -> bool:
    """Whether ``text`` holds a C0 control character (tab and line breaks count only when ``single_line``)."""
    return (_CONTROL_OR_BREAK if single_line else _CONTROL).search(text) is not None


def clean_name(value: str, max_len: int = 255, code: str = "name_blank") -> str:
    if not value.strip():
        raise Invalid(code)
    name = value.strip()
    if has_control(name, single_line=True):
        raise Invalid("invalid_field", field="name")
    if len(name) > max_len:
        raise Invalid("name_too_long", max=max_len)
    return name


#: Largest hourly rate accepted; keeps cents within a 64-bit column with room to multiply.
MAX_RATE = Decimal("1000000000")
CENT = Decimal("0.01")


def rate(value: Decimal | None, code: str = "rate_negative", too_large: str = "rate_too_large") -> Decimal | None:
    """A non-negative rate, rounded half-up to cents: what is stored is what is answered."""
    if value is None:
        return None
    if not value.is_finite() or value < 0:
        raise Invalid(code)
    if value > MAX_RATE:
        raise Invalid(too_large)
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def currency(value: str | None) -> str | None:
    if value is not None and not CURRENCY.match(value):
        raise Invalid("invalid_currency")
    return value


class FieldChecks:
    """Validate several fields of a partial update and report every failure at once.

    ``check(field, rule)`` skips absent and ``None`` values; ``values`` collects what passed.
    """

    def __init__(self, changes: Mapping[str, Any]) -> None:
        self.changes = changes
        self.values: dict[str, Any] = {}
        self.problems: list[tuple[str, dict[str, Any]]] = []

    def check(self, field: str, rule: Callable[[Any], Any]) -> None:
        value = self.changes.get(field)
        if value is None:
            return
        try:
            self.values[field] = rule(value)
        except Invalid as err:
            self.problems.extend(err.codes)

    def flags(self, fields: Iterable[str]) -> None:
        for field in fields:
            if self.changes.get(field) is not None:
                self.values[field] = bool(self.changes[field])

    def fail(self, code: str) -> None:
        self.problems.append((code, {}))

    def raise_problems(self) -> None:
        if self.problems:
            raise Invalid.many(self.problems)
