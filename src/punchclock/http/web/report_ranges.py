"""The date-range presets of the report pages: this week, last week, this month, last month, this year.

Computed from the viewer's today (in their zone) and their ``beginning_of_week`` (0 = Sunday … 6 = Saturday,
as the APIs store it); every range is whole periods, today's week or month included to its end.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date, timedelta

#: Preset value -> label, in the order the select lists them; ``custom`` takes the typed dates.
PRESETS: dict[str, str] = {
    "this_week": "This week",
    "last_week": "Last week",
    "this_month": "This month",
    "last_month": "Last month",
    "this_year": "This year",
    "custom": "Custom dates",
}
DEFAULT = "this_week"


def week_start(day: date, beginning_of_week: int) -> date:
    """The first day of ``day``'s week, weeks beginning on ``beginning_of_week`` (0 = Sunday)."""
    # ``isoweekday() % 7``: Sunday 0 … Saturday 6, the stored numbering.
    return day - timedelta(days=(day.isoweekday() % 7 - beginning_of_week) % 7)


def _month(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, monthrange(year, month)[1])


def preset_range(preset: str, today: date, beginning_of_week: int) -> tuple[date, date] | None:
    """The days of ``preset`` (inclusive); None for ``custom`` or an unknown preset."""
    if preset in ("this_week", "last_week"):
        first = week_start(today, beginning_of_week) - timedelta(days=7 if preset == "last_week" else 0)
        return first, first + timedelta(days=6)
    if preset == "this_month":
        return _month(today.year, today.month)
    if preset == "last_month":
        return _month(today.year - 1, 12) if today.month == 1 else _month(today.year, today.month - 1)
    if preset == "this_year":
        return date(today.year, 1, 1), date(today.year, 12, 31)
    return None
