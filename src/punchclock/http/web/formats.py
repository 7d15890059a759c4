"""How the web app shows and reads times, dates, durations and money: in the user's zone and formats.

Display follows the user's settings (``date_format``, ``timeofday_format``, ``duration_format``);
input accepts what people type: durations as ``1:30``, ``1:30:15``, ``90m``, ``1.5h``, ``1h 30m``, ``45``
(minutes), and times as ``9:05``, ``0905``, ``9:05 pm``.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

_DATE_PATTERNS = {
    "YYYY-MM-DD": "%Y-%m-%d", "DD.MM.YYYY": "%d.%m.%Y", "DD-MM-YYYY": "%d-%m-%Y",
    "MM/DD/YYYY": "%m/%d/%Y", "DD/MM/YYYY": "%d/%m/%Y", "MM-DD-YYYY": "%m-%d-%Y",
}


def local(instant: datetime, tz: ZoneInfo) -> datetime:
    return instant.astimezone(tz)


def show_date(day: date, date_format: str) -> str:
    return day.strftime(_DATE_PATTERNS.get(date_format, "%Y-%m-%d"))


def show_time(moment: datetime | time, timeofday_format: str) -> str:
    if timeofday_format == "h:mm A":
        hour = moment.hour % 12 or 12
        return f"{hour}:{moment.minute:02d} {'PM' if moment.hour >= 12 else 'AM'}"
    return f"{moment.hour:02d}:{moment.minute:02d}"


def show_duration(seconds: int, duration_format: str = "improved") -> str:
    """``improved`` 1:05:09; ``classic`` 1:05:09 from an hour on, else 05:09 min; ``decimal`` 1.09 h."""
    seconds = max(0, int(seconds))
    if duration_format == "decimal":
        return f"{(Decimal(seconds) / 3600).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)} h"
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if duration_format == "classic" and hours == 0:
        return f"{minutes:02d}:{secs:02d} min"
    return f"{hours}:{minutes:02d}:{secs:02d}"


def show_money(amount: Decimal | int | None, currency: str | None = None) -> str:
    """Two decimals with thousands separators, then the currency code: ``1,234.50 EUR``."""
    if amount is None:
        return ""
    text = f"{Decimal(amount).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,.2f}"
    return f"{text} {currency}" if currency else text


# Longest unit names first: ``h`` before ``hours`` would leave "ours" unparsed.
_UNIT = re.compile(r"(\d+(?:[.,]\d+)?)\s*(hours?|hrs|hr|h|minutes?|mins|min|m|seconds?|secs|sec|s)", re.I)
_CLOCK = re.compile(r"^(\d+):([0-5]?\d)(?::([0-5]?\d))?$")
_NUMBER = re.compile(r"^\d+(?:[.,]\d+)?$")


def parse_duration(text: str) -> int | None:
    """Seconds from a typed duration, or None when it is not one (``1:30`` is 1 h 30 min; ``45`` is 45 min)."""
    text = text.strip().lower()
    if not text:
        return None
    clock = _CLOCK.match(text)
    if clock:
        h, m, s = clock.groups()
        return int(h) * 3600 + int(m) * 60 + int(s or 0)
    if _NUMBER.match(text):
        return _rounded(Decimal(text.replace(",", ".")) * 60)
    parts = _UNIT.findall(text)
    if not parts or _UNIT.sub("", text).strip():
        return None
    total = Decimal(0)
    for number, unit in parts:
        scale = 3600 if unit[0] == "h" else 60 if unit[0] == "m" else 1
        total += Decimal(number.replace(",", ".")) * scale
    return _rounded(total)


def _rounded(seconds: Decimal) -> int:
    return int(seconds.quantize(Decimal(1), rounding=ROUND_HALF_UP))


_TIME = re.compile(r"^(\d{1,2})(?::?(\d{2}))?(?::(\d{2}))?\s*(am|pm|a|p)?$")


def parse_time(text: str) -> time | None:
    """A time of day typed as ``9``, ``9:05``, ``0905``, ``21:05:30``, ``9:05 pm``; None when it is not one."""
    match = _TIME.match(text.strip().lower())
    if not match:
        return None
    hour, minute, second = int(match[1]), int(match[2] or 0), int(match[3] or 0)
    if match[4]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match[4].startswith("p") else 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return time(hour, minute, second)
