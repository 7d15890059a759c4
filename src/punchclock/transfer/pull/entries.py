"""Pulling time entries into the spool, in windows of at most a year (the Reports API's longest span).

Admins read every member's entries through the Reports API v3 detailed report, paged by its
``X-Next-Row-Number`` header; other members only have their own, through ``/me/time_entries``. The cursor
(window, next row) is checkpointed after every page.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date, timedelta
from typing import Any

from punchclock.transfer.pull.fetch import V9, Fetcher

REPORTS_V3 = "/reports/api/v3"
PHASE = "time entries"


def one_year_after(day: date) -> date:
    """The same calendar day a year later (29 February -> 28 February)."""
    year = day.year + 1
    return date(year, day.month, min(day.day, monthrange(year, day.month)[1]))


def windows(since: date, until: date) -> list[tuple[date, date]]:
    """Consecutive (first, last) day ranges covering since..until, each shorter than a year."""
    out = []
    first = since
    while first <= until:
        nxt = one_year_after(first)
        out.append((first, min(nxt - timedelta(days=1), until)))
        first = nxt
    return out


def search_path(workspace_id: int) -> str:
    return f"{REPORTS_V3}/workspace/{workspace_id}/search/time_entries"


def pull_reports(fetcher: Fetcher, workspace_id: int, spans: list[tuple[date, date]], page_size: int) -> None:
    """Every member's stopped entries: detailed-report rows, oldest first, one row per entry."""
    resource = f"ws{workspace_id}/time_entries"
    if fetcher.spool.done(resource):
        return
    cursor: dict[str, Any] = fetcher.spool.cursor(resource) or {"window": 0, "row": 1}
    while cursor["window"] < len(spans):
        first, last = spans[cursor["window"]]
        body = {"start_date": first.isoformat(), "end_date": last.isoformat(), "grouped": False,
                "order_by": "date", "order_dir": "ASC", "page_size": page_size, "first_row_number": cursor["row"]}
        # Toggl's own clients send the three together; punchclock goes by the row number.
        body.update({k: cursor[k] for k in ("first_id", "first_timestamp") if k in cursor})
        response = fetcher.client.post(search_path(workspace_id), body)
        rows = response.json()
        following = response.headers.get("X-Next-Row-Number")
        if following and rows:
            cursor = {"window": cursor["window"], "row": int(following)}
            for key, header in (("first_id", "X-Next-ID"), ("first_timestamp", "X-Next-Timestamp")):
                if response.headers.get(header, "").isdigit():
                    cursor[key] = int(response.headers[header])
        else:
            cursor = {"window": cursor["window"] + 1, "row": 1}
        fetcher.spool.append(resource, rows, cursor)
        fetcher.page_done(PHASE)
    fetcher.spool.finish(resource)


def pull_own(fetcher: Fetcher, workspace_id: int, spans: list[tuple[date, date]]) -> None:
    """The token owner's entries of one workspace (running one included, the mapping skips it)."""
    resource = f"ws{workspace_id}/my_time_entries"
    if fetcher.spool.done(resource):
        return
    window: int = fetcher.spool.cursor(resource) or 0
    while window < len(spans):
        first, last = spans[window]
        # A date as end_date includes that whole day (v9 50- §2.1), so consecutive windows do not overlap.
        rows = fetcher.client.get(V9 + "/me/time_entries",
                                  {"start_date": first.isoformat(), "end_date": last.isoformat(),
                                   "meta": "true"}).json()
        window += 1
        fetcher.spool.append(resource, [r for r in rows if r.get("workspace_id", r.get("wid")) == workspace_id],
                             window)
        fetcher.page_done(PHASE)
    fetcher.spool.finish(resource)
