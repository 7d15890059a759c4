"""The report pages' range presets: whole weeks (on the viewer's first weekday), months and the year."""

from __future__ import annotations

from datetime import date

import pytest

from punchclock.http.web.report_ranges import PRESETS, preset_range, week_start

# Wednesday 2026-03-04.
WEDNESDAY = date(2026, 3, 4)


@pytest.mark.parametrize(("beginning", "first"), [
    (1, date(2026, 3, 2)),  # Monday
    (0, date(2026, 3, 1)),  # Sunday
    (3, date(2026, 3, 4)),  # Wednesday: today starts the week
    (4, date(2026, 2, 26)),  # Thursday: last Thursday
    (6, date(2026, 2, 28)),  # Saturday
])
def test_this_week_starts_on_the_viewers_first_weekday(beginning: int, first: date) -> None:
    assert week_start(WEDNESDAY, beginning) == first
    assert preset_range("this_week", WEDNESDAY, beginning) == (first, date.fromordinal(first.toordinal() + 6))


def test_last_week_is_the_seven_days_before_this_week() -> None:
    assert preset_range("last_week", WEDNESDAY, 1) == (date(2026, 2, 23), date(2026, 3, 1))
    assert preset_range("last_week", date(2026, 1, 1), 1) == (date(2025, 12, 22), date(2025, 12, 28))
    # A Sunday with weeks from Monday belongs to the week that began six days before.
    assert preset_range("last_week", date(2026, 3, 8), 1) == (date(2026, 2, 23), date(2026, 3, 1))


def test_months_are_whole_calendar_months() -> None:
    assert preset_range("this_month", WEDNESDAY, 1) == (date(2026, 3, 1), date(2026, 3, 31))
    assert preset_range("last_month", WEDNESDAY, 1) == (date(2026, 2, 1), date(2026, 2, 28))
    assert preset_range("last_month", date(2024, 3, 31), 1) == (date(2024, 2, 1), date(2024, 2, 29))
    assert preset_range("last_month", date(2026, 1, 15), 1) == (date(2025, 12, 1), date(2025, 12, 31))
    assert preset_range("this_month", date(2026, 12, 31), 1) == (date(2026, 12, 1), date(2026, 12, 31))


def test_this_year_and_custom() -> None:
    assert preset_range("this_year", WEDNESDAY, 1) == (date(2026, 1, 1), date(2026, 12, 31))
    assert preset_range("custom", WEDNESDAY, 1) is None
    assert preset_range("next_decade", WEDNESDAY, 1) is None
    assert list(PRESETS) == ["this_week", "last_week", "this_month", "last_month", "this_year", "custom"]
