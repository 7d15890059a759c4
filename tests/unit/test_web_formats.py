"""The web app's typed durations and times, and how it shows them in the user's formats."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from punchclock.http.web.formats import (
    local,
    parse_duration,
    parse_time,
    show_date,
    show_duration,
    show_money,
    show_time,
)


@pytest.mark.parametrize(("text", "seconds"), [
    ("1:30", 5400), ("90m", 5400), ("1.5h", 5400), ("1h 30m", 5400), ("45", 2700), ("1:30:15", 5415),
    ("0:00:45", 45), ("1,5h", 5400), ("30s", 30), ("1h30m", 5400), ("2 h 15 m", 8100),
    (" 1:30 ", 5400), ("1.25", 75), ("0", 0), ("2H", 7200), ("0.1h", 360),
])
def test_durations_people_type(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds


# Spelled-out units: the longer names must win over their one-letter prefixes.
@pytest.mark.parametrize(("text", "seconds"), [("2 hours", 7200), ("90 min", 5400), ("1 hr", 3600), ("20 sec", 20)])
def test_spelled_out_units(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "   ", "abc", "1:75", "h", "1.5x", "1h abc", "-1h", "1:30pm", "::"])
def test_junk_is_no_duration(text: str) -> None:
    assert parse_duration(text) is None


@pytest.mark.parametrize(("text", "clock"), [
    ("9:05", time(9, 5)), ("09:05", time(9, 5)), ("0905", time(9, 5)), ("9", time(9)),
    ("21:05:30", time(21, 5, 30)), ("9:05 pm", time(21, 5)), ("9:05 PM", time(21, 5)), ("9:05am", time(9, 5)),
    ("12:00 am", time(0)), ("12:30 pm", time(12, 30)), ("12 p", time(12)), ("0:00", time(0)), ("23:59", time(23, 59)),
])
def test_times_people_type(text: str, clock: time) -> None:
    assert parse_time(text) == clock


@pytest.mark.parametrize("text", ["", "24:00", "9:60", "13 pm", "0 am", "noon", "9.05", "9:5", "-1"])
def test_junk_is_no_time(text: str) -> None:
    assert parse_time(text) is None


@pytest.mark.parametrize(("seconds", "fmt", "shown"), [
    (5400, "improved", "1:30:00"), (8100, "improved", "2:15:00"), (59, "improved", "0:00:59"),
    (36000 * 10, "improved", "100:00:00"), (309, "classic", "05:09 min"), (3909, "classic", "1:05:09"),
    (5400, "decimal", "1.50 h"), (3930, "decimal", "1.09 h"), (-5, "improved", "0:00:00"),
])
def test_durations_in_the_users_format(seconds: int, fmt: str, shown: str) -> None:
    assert show_duration(seconds, fmt) == shown


@pytest.mark.parametrize(("fmt", "shown"), [
    ("YYYY-MM-DD", "2026-03-02"), ("DD.MM.YYYY", "02.03.2026"), ("MM/DD/YYYY", "03/02/2026"),
    ("DD/MM/YYYY", "02/03/2026"), ("DD-MM-YYYY", "02-03-2026"), ("MM-DD-YYYY", "03-02-2026"),
    ("nonsense", "2026-03-02"),
])
def test_dates_in_the_users_format(fmt: str, shown: str) -> None:
    assert show_date(date(2026, 3, 2), fmt) == shown


def test_times_in_the_users_format_and_zone() -> None:
    instant = local(datetime(2026, 2, 10, 23, 30, tzinfo=UTC), ZoneInfo("Europe/Berlin"))
    assert (instant.date(), show_time(instant, "H:mm"), show_time(instant, "h:mm A")) == (
        date(2026, 2, 11), "00:30", "12:30 AM")
    assert show_time(time(13, 5), "h:mm A") == "1:05 PM"
    assert show_time(time(12, 0), "h:mm A") == "12:00 PM"
    assert show_time(time(9, 7), "H:mm") == "09:07"


def test_money_has_two_decimals_and_separators() -> None:
    assert show_money(Decimal("1234.5"), "EUR") == "1,234.50 EUR"
    assert show_money(Decimal("0.005")) == "0.01"
    assert show_money(1200) == "1,200.00"
    assert show_money(None, "EUR") == ""
