"""Small shared validation rules."""

from __future__ import annotations

import re
from decimal import Decimal
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


def rate(value: Decimal | None, code: str = "rate_negative") -> Decimal | None:
    if value is not None and value < 0:
        raise Invalid(code)
    return value


def currency(value: str | None) -> str | None:
    if value is not None and not CURRENCY.match(value):
        raise Invalid("invalid_currency")
    return value
