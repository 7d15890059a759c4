"""Small shared validation rules."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from punchclock.domain.errors import Invalid

CURRENCY = re.compile(r"^[A-Z]{3}$")


def clean_name(value: Any, max_len: int = 255, code: str = "name_blank") -> str:
    if not isinstance(value, str) or not value.strip():
        raise Invalid(code)
    name = value.strip()
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
