"""Reports query parameters -> domain filters (50-reports §3): the wire's spellings end here.

Parsed by hand from the query string rather than declared per route, because id lists may come
comma-separated, repeated, or both (they merge), and every failure must name its parameter in the
Reports error format.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from starlette.datastructures import QueryParams

from punchclock.domain.errors import Malformed
from punchclock.http.ids import MAX_ID, id_value
from punchclock.reports.filters import IdFilter, ReportFilters, day_range, report_day

#: Filter lists may be longer than v8's id paths: a report may name every project of a workspace.
MAX_IDS = 10_000
_INTEGER = re.compile(r"-?[0-9]{1,19}")


@dataclass(frozen=True, slots=True)
class Params:
    """The raw query string with typed readers; each failure raises ``Malformed`` naming the parameter."""

    query: QueryParams

    def text(self, name: str) -> str | None:
        values = [v for v in self.query.getlist(name) if v.strip()]
        return values[-1].strip() if values else None

    def required_text(self, name: str, code: str = "param_required") -> str:
        value = self.text(name)
        if value is None:
            raise Malformed(code, name=name)
        return value

    def integer(self, name: str, *, default: int | None = None, minimum: int = 1) -> int | None:
        value = self.text(name)
        if value is None:
            return default
        # Plain ASCII digits: int() would also take "1_000", "+5" and non-ASCII digits.
        if not _INTEGER.fullmatch(value):
            raise Malformed("invalid_param", name=name)
        number = int(value)
        if number < minimum or number > MAX_ID:
            raise Malformed("invalid_param", name=name)
        return number

    def details_page(self) -> int:
        """``page`` of the detailed report: 1-based, but ``0`` reads as page 1 (O-89: tap-toggl starts there
        and retries every other answer forever); negative or non-integer is 400 as for any integer."""
        return self.integer("page", default=1, minimum=0) or 1

    def required_integer(self, name: str) -> int:
        number = self.integer(name)
        if number is None:
            raise Malformed("param_required", name=name)
        return number

    def choice(self, name: str, values: Iterable[str], default: str) -> str:
        value = self.text(name)
        if value is None:
            return default
        if value not in values:
            raise Malformed("invalid_param", name=name)
        return value

    def switch(self, name: str, on: str, off: str, default: bool | None) -> bool | None:
        """Two spellings for true/false (``on``/``off``, ``true``/``false``); absent -> ``default``."""
        value = self.text(name)
        if value is None:
            return default
        if value.lower() == on:
            return True
        if value.lower() == off:
            return False
        raise Malformed("invalid_param", name=name)

    def day(self, name: str) -> date | None:
        """``YYYY-MM-DD``; of a longer ISO string only the date is used (§3.1)."""
        value = self.text(name)
        if value is None:
            return None
        day = report_day(value)
        if day is None:
            raise Malformed("invalid_param", name=name)
        return day

    def ids(self, name: str) -> list[int] | None:
        """Comma-separated and/or repeated non-negative ids, merged; absent or empty -> None."""
        parts = [p.strip() for v in self.query.getlist(name) for p in v.split(",")]
        parts = [p for p in parts if p]
        if not parts:
            return None
        values = [v for v in (id_value(p, allow_zero=True) for p in parts) if v is not None]
        if len(parts) > MAX_IDS or len(values) < len(parts):
            raise Malformed("invalid_param", name=name)
        return values

    def id_filter(self, name: str) -> IdFilter | None:
        """``0`` selects entries without the object (O-62)."""
        values = self.ids(name)
        if values is None:
            return None
        return IdFilter(frozenset(v for v in values if v), 0 in values)

    def id_set(self, name: str) -> frozenset[int] | None:
        values = self.ids(name)
        return None if values is None else frozenset(values)


def date_range(p: Params, today: date, *, weekly: bool = False) -> tuple[date, date]:
    """``since`` and ``until`` with the defaults and limits of §3.1 (weekly: §6.1, O-81)."""
    since, until = p.day("since"), p.day("until")
    if weekly:
        first = since if since is not None else today - timedelta(days=6)
        if until is not None and until < first:
            raise Malformed("until_before_since")
        return first, first + timedelta(days=6)
    return day_range(since, until, today)


def require_caller_fields(p: Params) -> int:
    """``user_agent`` and ``workspace_id`` come first in every report (§2); returns the workspace id."""
    p.required_text("user_agent", "user_agent_required")
    return p.required_integer("workspace_id")


def filters(p: Params, workspace_id: int, today: date, *, weekly: bool = False) -> ReportFilters:
    since, until = date_range(p, today, weekly=weekly)
    billable = p.choice("billable", ("yes", "no", "both"), "both")
    # Common to every report (§3), though only some use them: a bad value is a 400 everywhere.
    p.switch("distinct_rates", "on", "off", False)
    display_hours(p)
    return ReportFilters(
        workspace_id=workspace_id,
        since=since,
        until=until,
        billable=None if billable == "both" else billable == "yes",
        client_ids=p.id_filter("client_ids"),
        project_ids=p.id_filter("project_ids"),
        tag_ids=p.id_filter("tag_ids"),
        task_ids=p.id_filter("task_ids"),
        user_ids=p.id_set("user_ids"),
        members_of_group_ids=p.id_set("members_of_group_ids"),
        or_members_of_group_ids=p.id_set("or_members_of_group_ids"),
        time_entry_ids=p.id_set("time_entry_ids"),
        description=p.text("description"),
        without_description=bool(p.switch("without_description", "true", "false", False)),
        rounding=bool(p.switch("rounding", "on", "off", False)),
    )


def order(p: Params, fields: Iterable[str], default_field: str, default_desc: bool) -> tuple[str, bool]:
    field = p.choice("order_field", tuple(fields), default_field)
    return field, bool(p.switch("order_desc", "on", "off", default_desc))


def display_hours(p: Params) -> str:
    return p.choice("display_hours", ("decimal", "minutes"), "minutes")
