"""Money in reports: integer cents until the end, then ``Decimal`` with two places (50-reports §4).

SQL sums amounts as integer cents (each entry's amount rounded half up to the cent once, by
``domain.rates.amount_cents_sql``); these helpers turn them into ``Decimal`` once per figure shown and
add amounts per currency, so that every total is the exact sum of its parts.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from punchclock.reports.results import Money

#: One cent: the exponent of every amount a report shows.
CENT = Decimal("0.01")
#: Nothing billed, with that exponent (a sum of amounts starts from it).
ZERO = Decimal("0.00")


def cents(value: int | None) -> Decimal:
    """Integer cents as a two-place ``Decimal`` (None: nothing billed, 0.00)."""
    return Decimal(value or 0).scaleb(-2)


def add(into: dict[str, Decimal], currency: str, amount: Decimal) -> None:
    into[currency] = into.get(currency, Decimal(0)) + amount


def per_currency(items: Iterable[Money]) -> list[Money]:
    """``items`` summed per currency, ordered by currency code."""
    sums: dict[str, Decimal] = {}
    for m in items:
        add(sums, m.currency, m.amount)
    return [Money(c, sums[c]) for c in sorted(sums)]


def from_cents(per: dict[str, int]) -> list[Money]:
    """Cents per currency as ``Money``, ordered by currency code."""
    return [Money(c, cents(v)) for c, v in sorted(per.items())]
