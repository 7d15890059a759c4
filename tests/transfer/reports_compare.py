"""Every Reports API v2 report of a date range, ids replaced by names: what two servers holding the same data
(one imported from the other) must answer identically, to the second and the cent.

``get(path, params)`` returns the parsed JSON of ``/reports/api/v2/<path>``, so the snapshot works through a
TestClient and through an ``httpx.Client`` on a live server alike.

Ids differ between the two servers; every place that holds one also holds the object's name (``title``,
``user``, ``project``, ``client``, ``task``), so dropping the id keys is replacing ids by names. ``updated``
(a row's last change) is the import's time, not the data's, and is dropped too. Lists are put in a canonical
order: a report orders by title or date, ties by id, and ids are what differs.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from punchclock.reports import summary, weekly

Get = Callable[[str, dict[str, str]], Any]
#: Keys holding ids (and the import time), never data.
ID_KEYS = frozenset({"id", "pid", "tid", "uid", "cid", "wid", "ids", "time_entry_ids", "updated"})
WEEK = timedelta(days=7)


def by_names(value: Any) -> Any:
    """``value`` without id keys, every list of objects sorted by content."""
    if isinstance(value, dict):
        return {k: by_names(v) for k, v in value.items() if k not in ID_KEYS}
    if isinstance(value, list):
        items = [by_names(v) for v in value]
        if all(isinstance(v, dict) for v in items):
            items.sort(key=lambda v: json.dumps(v, sort_keys=True))
        return items
    return value


def _detailed(get: Get, base: dict[str, str]) -> dict[str, Any]:
    """All pages of the detailed report: the totals and every row."""
    first = get("details", {**base, "page": "1"})
    rows = list(first["data"])
    page = 1
    while len(rows) < first["total_count"]:
        page += 1
        more = get("details", {**base, "page": str(page)})["data"]
        assert more, f"page {page} is empty with {len(rows)} of {first['total_count']} rows read"
        rows.extend(more)
    return by_names({**{k: v for k, v in first.items() if k != "data"}, "data": rows})


def _weeks(since: date, until: date) -> list[date]:
    """The starts of the weeks that cover since..until (a weekly report is seven days from ``since``)."""
    starts, day = [], since
    while day <= until:
        starts.append(day)
        day += WEEK
    return starts


def reports_v2_snapshot(get: Get, workspace_id: int, since: date, until: date) -> dict[str, Any]:
    """Every summary (each allowed grouping/subgrouping pair), the detailed report (all pages) and every
    weekly report (both groupings, durations and earnings) of since..until (at most one year)."""
    base = {"workspace_id": str(workspace_id), "since": since.isoformat(), "until": until.isoformat(),
            "user_agent": "punchclock round trip"}
    snapshot: dict[str, Any] = {}
    for grouping, subgroupings in summary.ALLOWED.items():
        for subgrouping in subgroupings:
            params = {**base, "grouping": grouping.value, "subgrouping": subgrouping.value}
            snapshot[f"summary {grouping.value}/{subgrouping.value}"] = by_names(get("summary", params))
    snapshot["detailed"] = _detailed(get, base)
    for start in _weeks(since, until):
        for grouping in weekly.GROUPINGS:
            for calculate in weekly.CALCULATIONS:
                params = {"workspace_id": base["workspace_id"], "user_agent": base["user_agent"],
                          "since": start.isoformat(), "grouping": grouping, "calculate": calculate}
                snapshot[f"weekly {start} {grouping} {calculate}"] = by_names(get("weekly", params))
    return snapshot


def first_difference(source: Any, target: Any, path: str = "") -> str | None:
    """Where two snapshots part, as ``path: source value != target value``; None when equal."""
    if isinstance(source, dict) and isinstance(target, dict):
        for key in sorted(source.keys() | target.keys()):
            found = first_difference(source.get(key), target.get(key), f"{path}/{key}")
            if found:
                return found
        return None
    if isinstance(source, list) and isinstance(target, list) and len(source) == len(target):
        for i, (a, b) in enumerate(zip(source, target, strict=True)):
            found = first_difference(a, b, f"{path}[{i}]")
            if found:
                return found
        return None
    if source != target:
        return f"{path}: {json.dumps(source)[:600]} != {json.dumps(target)[:600]}"
    return None


def differences(source: dict[str, Any], target: dict[str, Any], limit: int = 5) -> list[str]:
    """The first difference of each report that differs (a few), for a readable failure message."""
    found = [first_difference(source.get(key), target.get(key), key) for key in sorted(source.keys() | target.keys())]
    return [f for f in found if f][:limit]
