"""Wall-clock times of an export (the exporting person's zone) to UTC, with the DST edge cases decided.

An ambiguous time (the hour repeated when clocks go back) is its first occurrence for a start; for an end
the first too, unless that puts it before the start, then the second. A time inside the hour skipped when
clocks go forward never happened: the line is rejected rather than guessed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo


class NonexistentTime(ValueError):
    """A wall-clock time that the zone skips (spring forward)."""


def _utc(naive: datetime, zone: ZoneInfo, fold: int) -> datetime:
    return naive.replace(tzinfo=zone, fold=fold).astimezone(UTC)


def _first(naive: datetime, zone: ZoneInfo) -> datetime:
    """The first occurrence in UTC; a skipped time does not come back unchanged from the round trip."""
    utc = _utc(naive, zone, 0)
    back = utc.astimezone(zone)
    if (back.minute, back.hour, back.day) != (naive.minute, naive.hour, naive.day):
        raise NonexistentTime(naive)
    return utc


def start_to_utc(naive: datetime, zone: ZoneInfo) -> datetime:
    return _first(naive, zone)


def end_to_utc(naive: datetime, zone: ZoneInfo, start: datetime) -> datetime:
    """``start`` is the entry's UTC start; the second occurrence is taken only when the first precedes it."""
    first = _first(naive, zone)
    if first < start:
        return _utc(naive, zone, 1)
    return first
