"""Local midnights as UTC instants (reports/days.py; 50-reports §3.1, O-56), DST days included.

Every expected instant is written by hand from the zone's published rules.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from punchclock.reports.days import local_today, midnight


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(("day", "zone", "expected"), [
    # Berlin, autumn 2023: 10-29 is 25 h long (CEST +2 until 03:00, then CET +1).
    (date(2023, 10, 29), "Europe/Berlin", "2023-10-28T22:00:00"),
    (date(2023, 10, 30), "Europe/Berlin", "2023-10-29T23:00:00"),
    # Berlin, spring 2024: 03-31 is 23 h long.
    (date(2024, 3, 31), "Europe/Berlin", "2024-03-30T23:00:00"),
    (date(2024, 4, 1), "Europe/Berlin", "2024-03-31T22:00:00"),
    # New York, autumn 2023: 11-05 is 25 h long (EDT -4 until 02:00, then EST -5).
    (date(2023, 11, 5), "America/New_York", "2023-11-05T04:00:00"),
    (date(2023, 11, 6), "America/New_York", "2023-11-06T05:00:00"),
    # Santiago skips local midnight on 2023-09-03 (00:00 -> 01:00, -4 -> -3): the day begins at 01:00 -03.
    (date(2023, 9, 3), "America/Santiago", "2023-09-03T04:00:00"),
    (date(2023, 9, 4), "America/Santiago", "2023-09-04T03:00:00"),
    (date(2023, 10, 29), "Etc/UTC", "2023-10-29T00:00:00"),
    (date(2023, 10, 29), "Pacific/Kiritimati", "2023-10-28T10:00:00"),
])
def test_midnight(day: date, zone: str, expected: str) -> None:
    assert midnight(day, zone) == utc(expected)


def test_day_lengths_around_the_changes() -> None:
    """25 h in autumn, 23 h in spring: the next midnight is not the previous one plus 24 h."""
    assert (midnight(date(2023, 10, 30), "Europe/Berlin") - midnight(date(2023, 10, 29), "Europe/Berlin")
            ).total_seconds() == 25 * 3600
    assert (midnight(date(2024, 4, 1), "Europe/Berlin") - midnight(date(2024, 3, 31), "Europe/Berlin")
            ).total_seconds() == 23 * 3600


@pytest.mark.parametrize(("now", "zone", "expected"), [
    ("2023-10-29T22:59:59", "Europe/Berlin", date(2023, 10, 29)),
    ("2023-10-29T23:00:00", "Europe/Berlin", date(2023, 10, 30)),
    ("2024-03-31T21:59:59", "Europe/Berlin", date(2024, 3, 31)),
    ("2024-03-31T22:00:00", "Europe/Berlin", date(2024, 4, 1)),
])
def test_local_today(now: str, zone: str, expected: date) -> None:
    assert local_today(zone, utc(now)) == expected
