"""JSON of the Reports v3 summary (60- §6, V-33) and weekly (§7, V-34) reports; money hidden per 50-reports §4.4."""

from __future__ import annotations

from typing import Any

from punchclock.domain.colors import hex_color
from punchclock.reports.results import Dimension
from punchclock.reports.sub_groups import Rate, SubGroup, Summary
from punchclock.reports.week_rows import WeekRow


def _rate(r: Rate) -> dict[str, Any]:
    return {"billable_seconds": r.billable_seconds, "hourly_rate_in_cents": r.rate_cents, "currency": r.currency}


def _sub_group(s: SubGroup, show_money: bool) -> dict[str, Any]:
    return {
        "id": s.id,
        # Only a description is a title here; the other sub-groups are named by their id (60- §6).
        "title": s.title.name if s.title.dimension is Dimension.TIME_ENTRIES else None,
        "seconds": s.seconds,
        "rates": [_rate(r) for r in s.rates] if show_money else None,
        "ids": None if s.entry_ids is None else list(s.entry_ids),
    }


def summary(report: Summary, show_money: bool) -> dict[str, Any]:
    return {"groups": [{"id": g.id, "sub_groups": [_sub_group(s, show_money) for s in g.sub_groups]}
                       for g in report.groups]}


def _week_row(r: WeekRow, show_money: bool) -> dict[str, Any]:
    p = r.project
    color = None if p is None else hex_color(p.color)
    return {
        "user_id": r.user_id,
        "user_name": r.user_name,
        "project_id": None if p is None else p.id,
        "project_name": None if p is None else p.name,
        "client_name": None if p is None else p.client,
        # Both colour fields carry the hex, as the detailed rows do (60- §4.2).
        "project_color": color,
        "project_hex_color": color,
        "planned_task_id": None,
        "seconds": list(r.seconds),
        "billable_seconds": list(r.billable_seconds),
        "billable_amounts_in_cents": list(r.amount_cents) if show_money else None,
        "hourly_rate_in_cents": r.rate_cents if show_money else None,
        "currency": (r.currency or "") if show_money else "",
    }


def weekly(rows: list[WeekRow], show_money: bool) -> list[dict[str, Any]]:
    return [_week_row(r, show_money) for r in rows]
