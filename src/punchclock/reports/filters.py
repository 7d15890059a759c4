"""What a report asks for, in domain terms (the HTTP edge parses the wire parameters into these)."""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta

from punchclock.domain.errors import Malformed


@dataclass(frozen=True, slots=True)
class IdFilter:
    """A whitelist of ids; ``include_none`` also selects entries without such an object (the wire's ``0``)."""

    ids: frozenset[int] = frozenset()
    include_none: bool = False


@dataclass(frozen=True, slots=True)
class ReportFilters:
    """The common filters of every report (50-reports §3); ``None`` means "no filter"."""

    workspace_id: int
    since: date
    until: date
    billable: bool | None = None
    client_ids: IdFilter | None = None
    project_ids: IdFilter | None = None
    tag_ids: IdFilter | None = None
    task_ids: IdFilter | None = None
    user_ids: frozenset[int] | None = None
    members_of_group_ids: frozenset[int] | None = None
    or_members_of_group_ids: frozenset[int] | None = None
    time_entry_ids: frozenset[int] | None = None
    description: str | None = None
    without_description: bool = False
    #: Round each entry's duration with the workspace's rounding rule before anything is summed.
    rounding: bool = False
    #: The rounding step in minutes instead of the workspace's (Reports v3 ``rounding_minutes``, V-31).
    rounding_minutes: int | None = None
    #: Inclusive bounds on the (rounded) duration in seconds (Reports v3).
    min_seconds: int | None = None
    max_seconds: int | None = None


_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
#: Room for the defaults (±6 days), the one-year span and the UTC bounds of local days.
FIRST_DAY, LAST_DAY = date(2, 1, 1), date(9998, 12, 31)


def report_day(text: str) -> date | None:
    """The date of a report bound: ``YYYY-MM-DD``, of a longer ISO string its first ten characters
    (50-reports §3.1, V-29); None when it is not one or lies outside ``FIRST_DAY`` … ``LAST_DAY``.

    Exactly YYYY-MM-DD: ``fromisoformat`` alone would also take "20231002" and "2023-W40-1".
    """
    if not _DAY.fullmatch(text[:10]):
        return None
    try:
        day = date.fromisoformat(text[:10])
    except ValueError:
        return None
    return day if FIRST_DAY <= day <= LAST_DAY else None


def one_year_after(day: date) -> date:
    """The same calendar day a year later (29 February -> 28 February)."""
    year = day.year + 1
    return date(year, day.month, min(day.day, monthrange(year, day.month)[1]))


def day_range(since: date | None, until: date | None, today: date) -> tuple[date, date]:
    """The report's days from the asked bounds, with the defaults and limits of 50-reports §3.1 (V-29).

    Neither: the last seven days; only ``since``: up to today, or seven days when today is not within a
    year after it; only ``until``: the seven days ending then. At most one year.
    """
    if since is None and until is None:
        since, until = today - timedelta(days=6), today
    elif until is None:
        assert since is not None
        far = since > today or one_year_after(since) < today
        until = since + timedelta(days=6) if far else today
    elif since is None:
        since = until - timedelta(days=6)
    if since > until:
        raise Malformed("since_after_until")
    if until > one_year_after(since):
        raise Malformed("span_too_long")
    return since, until
