"""v9 renders every date-time in UTC as ``YYYY-MM-DDTHH:MM:SS+00:00`` (10- §3.3, V-2).

toggl-api-wrapper parses by *replacing* the offset with UTC, so any other offset would shift times.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from punchclock.http.avatar import path_for


def utc(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="seconds")


def utc_epoch(seconds: int | None) -> str | None:
    """``utc`` of an instant given as whole seconds since the epoch (the Core rows of time entries)."""
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds")


def day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def money(value: Decimal | None) -> int | float | None:
    """Currency units as a JSON number, without fraction when integral (10- §3.4)."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def accounts_id(user_id: int) -> str:
    """``toggl_accounts_id``: the user id left-padded to 22 digits; toggl_python requires the length (V-26)."""
    return str(user_id).zfill(22)


def image_url(public_url: str, fullname: str | None, email: str, user_id: int) -> str:
    """A user's avatar, the same picture as v8's (``http/avatar.py``), as an absolute URL: toggl_python
    validates ``image_url`` as one. Used for every avatar field of v9 (``avatar_url``, ``user_avatar_url``)."""
    return public_url.rstrip("/") + path_for(fullname, email, user_id)
