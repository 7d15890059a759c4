"""Pure start/stop/duration rules of time entries (40-time-entries §3.2, §3.4, §5, §7.1; O-15).

No database, no wire: aware UTC datetimes and whole seconds in, the same out. A running entry has
``stop is None``; its stored ``duration`` is 0 and the wire shows ``-epoch(start)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from punchclock.domain.errors import Invalid

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MIN_YEAR = 1970
MAX_YEAR = 2100
#: The ``duration`` column is a 32-bit integer (about 68 years).
MAX_DURATION = 2**31 - 1


@dataclass(frozen=True, slots=True)
class Times:
    start: datetime
    #: None = running.
    stop: datetime | None
    #: Stored seconds: ``stop - start`` when stopped, 0 while running.
    duration: int

    @property
    def running(self) -> bool:
        return self.stop is None


def epoch(value: datetime) -> int:
    return int((value - EPOCH).total_seconds())


def seconds_between(start: datetime, stop: datetime) -> int:
    return int((stop - start).total_seconds())


def wire_duration(start: datetime, stop: datetime | None, stored: int) -> int:
    """What v8 shows: the stored seconds, or ``-epoch(start)`` while running (00-conventions §4.4)."""
    return wire_duration_epoch(epoch(start), None if stop is None else epoch(stop), stored)


def wire_duration_epoch(start: int, stop: int | None, stored: int) -> int:
    """``wire_duration`` of instants given as seconds since the epoch (time-entry lists select them so)."""
    return -start if stop is None else stored


def check_start(start: datetime) -> None:
    if not MIN_YEAR <= start.year <= MAX_YEAR:
        raise Invalid("start_year")


def _stopped(start: datetime, stop: datetime) -> Times:
    if stop < start:
        raise Invalid("stop_before_start")
    seconds = seconds_between(start, stop)
    if seconds > MAX_DURATION:
        raise Invalid("duration_too_long")
    return Times(start, stop, seconds)


def _from_duration(start: datetime, duration: int) -> Times:
    if duration > MAX_DURATION:
        raise Invalid("duration_too_long")
    return Times(start, start + timedelta(seconds=duration), duration)


def on_create(start: datetime, stop: datetime | None, duration: int | None) -> Times:
    """§3.2: a sent ``stop`` wins over ``duration``; a negative duration means running."""
    check_start(start)
    if stop is not None:
        return _stopped(start, stop)
    if duration is None:
        raise Invalid("duration_blank")
    if duration < 0:
        return Times(start, None, 0)
    return _from_duration(start, duration)


def on_update(current: Times, start: datetime | None, stop: datetime | None, duration: int | None) -> Times:
    """§7.1. ``None`` means "not sent" (an explicit null stop counts as not sent)."""
    new_start = current.start if start is None else start
    if start is not None:
        check_start(new_start)
    if stop is not None:
        return _stopped(new_start, stop)
    if duration is not None:
        if duration < 0:
            return Times(new_start, None, 0)
        return _from_duration(new_start, duration)
    if current.running:
        return Times(new_start, None, 0)
    return _from_duration(new_start, current.duration)


def _capped(start: datetime, stop: datetime) -> Times:
    seconds = seconds_between(start, stop)
    if seconds > MAX_DURATION:
        return Times(start, start + timedelta(seconds=MAX_DURATION), MAX_DURATION)
    return Times(start, stop, seconds)


def stop_now(start: datetime, now: datetime) -> Times:
    """Stop a running entry now (§5); an entry started in the future stops at its start."""
    return _capped(start, max(now, start))


def auto_stop(old_start: datetime, new_start: datetime, now: datetime) -> Times:
    """§3.4: the previous running entry stops at the new start if that lies after its own start,
    else at the current time (never before its own start). Capped to what the column can hold."""
    return _capped(old_start, new_start if new_start > old_start else max(now, old_start))
