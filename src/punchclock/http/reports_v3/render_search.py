"""Reports v3 JSON of the detailed rows (60- §4.2), the totals (§5) and the project lines (§8).

Money is integer cents; instants are UTC ``…+00:00`` like v9 (V-2), except ``at_tz``, which is the
owner's local time with its offset (the swagger's v2-compatible form).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from punchclock.domain.actor import zone
from punchclock.http.v9 import render
from punchclock.reports.by_project import ProjectUserLine
from punchclock.reports.search import SearchEntry, SearchPage, SearchRow
from punchclock.reports.tracked import Tracked


def _local(value: datetime, tz_name: str) -> str:
    return value.astimezone(zone(tz_name)).isoformat(timespec="seconds")


def _entry(e: SearchEntry, tz_name: str) -> dict[str, Any]:
    return {"id": e.id, "seconds": e.seconds, "start": render.utc(e.start), "stop": render.utc(e.stop),
            "at": render.utc(e.updated_at), "at_tz": _local(e.updated_at, tz_name)}


def row(r: SearchRow, *, show_money: bool, hide_amounts: bool, show_email: bool) -> dict[str, Any]:
    """One row; hidden money (O-79) empties the currency too, ``hide_amounts`` only the figures."""
    figures = show_money and not hide_amounts
    return {
        "row_number": r.row_number,
        "user_id": r.user_id,
        "username": r.user_name,
        "email": r.email if show_email else None,
        "toggl_accounts_id": render.accounts_id(r.user_id),
        "project_id": r.project_id,
        "project_name": r.project_name,
        "project_color": r.project_hex,
        "project_hex": r.project_hex,
        "client_name": r.client_name,
        "task_id": r.task_id,
        "task_name": r.task_name,
        "description": r.description,
        "billable": r.billable,
        "tag_ids": [tag_id for tag_id, _ in r.tags],
        "tag_names": [name for _, name in r.tags],
        "hourly_rate_in_cents": r.rate_cents if figures else None,
        "currency": r.currency if show_money else "",
        "billable_amount_in_cents": r.amount_cents if figures and r.billable else None,
        "time_entries": [_entry(e, r.timezone) for e in r.entries],
    }


def rows(page: SearchPage, *, show_money: bool, hide_amounts: bool, show_email: bool) -> list[dict[str, Any]]:
    return [row(r, show_money=show_money, hide_amounts=hide_amounts, show_email=show_email) for r in page.rows]


def next_headers(page: SearchPage) -> dict[str, str]:
    """``X-Next-*`` only when more rows follow (60- §4.3)."""
    if page.next_row_number is None or page.next_id is None or page.next_start is None:
        return {}
    return {"X-Next-ID": str(page.next_id), "X-Next-Row-Number": str(page.next_row_number),
            "X-Next-Timestamp": str(int(page.next_start.timestamp()))}


def totals(t: Tracked, *, show_money: bool) -> dict[str, Any]:
    """The §5 object; hidden money: no amount, no rates, and no rate keys in the graph."""
    graph = None
    if t.graph is not None:
        graph = [{"seconds": b.seconds,
                  "billable_amount_in_cents": b.amount_cents if show_money else None,
                  "labour_cost_in_cents": None,
                  "by_rate": {str(rate): seconds for rate, seconds in b.by_rate} if show_money else {}}
                 for b in t.graph]
    return {
        "seconds": t.seconds,
        "tracked_days": t.tracked_days,
        "billable_amount_in_cents": t.amount_cents if show_money else None,
        "labour_cost_in_cents": None,
        "resolution": t.resolution,
        "rates": [{"billable_seconds": r.billable_seconds, "hourly_rate_in_cents": r.rate_cents,
                   "currency": r.currency} for r in t.rates] if show_money else [],
        "graph": graph,
    }


def project_lines(lines: list[ProjectUserLine]) -> list[dict[str, Any]]:
    return [{"user_id": x.user_id, "project_id": x.project_id, "tracked_seconds": x.tracked_seconds,
             "billable_seconds": x.billable_seconds} for x in lines]
