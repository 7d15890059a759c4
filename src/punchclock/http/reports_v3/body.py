"""Reports v3 JSON bodies -> domain filters (60- §3): the wire's spellings end here.

A body is read once into ``Body``, whose typed readers raise ``Invalid("invalid_field")`` naming the
field; ``null`` reads as absent everywhere and unknown keys are ignored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from punchclock.domain.errors import Invalid, Malformed
from punchclock.http.ids import MAX_ID
from punchclock.reports.filters import IdFilter, ReportFilters, day_range, report_day

#: A report may name every project of a workspace.
MAX_IDS = 10_000
#: The rounding steps a body may ask for (O-25).
ROUNDING_MINUTES = frozenset({0, 1, 5, 6, 10, 12, 15, 30, 60, 240})


@dataclass(frozen=True, slots=True)
class Body:
    """A report body (a JSON object) with typed readers."""

    data: dict[str, Any]

    def _get(self, name: str) -> Any:
        return self.data.get(name)

    def boolean(self, name: str, default: bool | None = None) -> bool | None:
        value = self._get(name)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise Invalid("invalid_field", field=name)
        return value

    def integer(self, name: str, *, default: int | None = None, minimum: int = 0,
                maximum: int = MAX_ID) -> int | None:
        value = self._get(name)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
            raise Invalid("invalid_field", field=name)
        return value

    def text(self, name: str) -> str | None:
        value = self._get(name)
        if value is None:
            return None
        if not isinstance(value, str):
            raise Invalid("invalid_field", field=name)
        return value

    def choice(self, name: str, values: Iterable[str], default: str) -> str:
        value = self.text(name)
        if value is None:
            return default
        if value not in tuple(values):
            raise Invalid("invalid_field", field=name)
        return value

    def detailed_order(self, orders: Iterable[str]) -> str:
        """The detailed report's ``order_by`` (60- §4.1), default ``date``. ``title`` reads as ``description``
        (a row's title): toggl-api-wrapper 2.2.0 types the detailed ``order_by`` as ``title``/``duration``."""
        order = self.choice("order_by", (*orders, "title"), "date")
        return "description" if order == "title" else order

    def descending(self, default: bool) -> bool:
        """``order_dir``: ``ASC`` or ``DESC`` in any case; absent -> ``default`` (60- §4.1)."""
        value = self.text("order_dir")
        if value is None:
            return default
        if value.upper() not in ("ASC", "DESC"):
            raise Invalid("invalid_field", field="order_dir")
        return value.upper() == "DESC"

    def day(self, name: str) -> date | None:
        """``YYYY-MM-DD``; of a longer ISO string only the date is used (V-29)."""
        value = self.text(name)
        if value is None:
            return None
        day = report_day(value)
        if day is None:
            raise Invalid("invalid_field", field=name)
        return day

    def _list(self, name: str) -> list[Any] | None:
        value = self._get(name)
        if value is None:
            return None
        if not isinstance(value, list) or len(value) > MAX_IDS:
            raise Invalid("invalid_field", field=name)
        return value or None  # [] means "no filter" (V-30)

    def ids(self, name: str) -> frozenset[int] | None:
        values = self._list(name)
        if values is None:
            return None
        if not all(_is_id(v) for v in values):
            raise Invalid("invalid_field", field=name)
        return frozenset(values)

    def id_filter(self, name: str) -> IdFilter | None:
        """An element ``null`` (or ``0``) selects entries without the object (V-30)."""
        values = self._list(name)
        if values is None:
            return None
        if not all(v is None or v == 0 or _is_id(v) for v in values) or any(isinstance(v, bool) for v in values):
            raise Invalid("invalid_field", field=name)
        return IdFilter(frozenset(v for v in values if v), any(v is None or v == 0 for v in values))


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


def require(data: Any) -> Body:
    """A report body: a non-empty JSON object (60- §2: a missing body or ``{}`` is 400)."""
    if data is None or data == {}:
        raise Malformed("body_empty")
    if not isinstance(data, dict):
        raise Malformed("object_expected")
    return Body(data)


def date_range(body: Body, today: date) -> tuple[date, date]:
    """``start_date`` … ``end_date`` with v2's defaults and limits (V-29)."""
    return day_range(body.day("start_date"), body.day("end_date"), today)


def week_range(body: Body, today: date, beginning_of_week: int) -> tuple[date, date, date]:
    """The weekly report's seven days (60- §7, V-34): ``(first, last_counted, seventh)``.

    ``start_date`` opens the week (default: the first day of the caller's current week, ``beginning_of_week``
    0 = Sunday … 6 = Saturday); an ``end_date`` must lie within the seven days and the days after it count 0,
    so the filters run ``first`` … ``last_counted`` while the report still has seven columns.
    """
    first = body.day("start_date")
    if first is None:
        first = today - timedelta(days=(today.isoweekday() - beginning_of_week) % 7)
    seventh = first + timedelta(days=6)
    end = body.day("end_date")
    if end is not None and end < first:
        raise Malformed("since_after_until")
    if end is not None and end > seventh:
        raise Malformed("weekly_span")
    return first, end if end is not None else seventh, seventh


def rounding(body: Body) -> tuple[bool, int | None]:
    """Whether to round, and the step asked for instead of the workspace's (V-31)."""
    on = body.integer("rounding", minimum=-MAX_ID)
    minutes = body.integer("rounding_minutes")
    if minutes is not None and minutes not in ROUNDING_MINUTES:
        raise Invalid("invalid_field", field="rounding_minutes")
    return bool(on), minutes


def filters(body: Body, workspace_id: int, since: date, until: date) -> ReportFilters:
    """The common filters of 60- §3 over the days ``since`` … ``until`` (from ``date_range``, or weekly's)."""
    low, high = body.integer("min_duration_seconds"), body.integer("max_duration_seconds")
    if low is not None and high is not None and low > high:
        raise Invalid("min_above_max")
    body.text("startTime"), body.text("endTime")  # accepted, ignored; still typed
    on, minutes = rounding(body)
    description = body.text("description")
    return ReportFilters(
        workspace_id=workspace_id,
        since=since,
        until=until,
        billable=body.boolean("billable"),
        client_ids=body.id_filter("client_ids"),
        project_ids=body.id_filter("project_ids"),
        tag_ids=body.id_filter("tag_ids"),
        task_ids=body.id_filter("task_ids"),
        user_ids=body.ids("user_ids"),
        # With user_ids too an owner passes when in either (V-30): v2's or-groups.
        or_members_of_group_ids=body.ids("group_ids"),
        time_entry_ids=body.ids("time_entry_ids"),
        description=description or None,
        rounding=on,
        rounding_minutes=minutes if on else None,
        min_seconds=low,
        max_seconds=high,
    )
