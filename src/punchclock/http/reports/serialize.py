"""Report results -> the Reports v2 JSON shapes. Money is masked here when the caller may not see it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from punchclock.domain.colors import hex_color
from punchclock.reports.results import DetailedReport, DetailedRow, Money, Totals

MS = 1000


def number(value: Decimal | None) -> int | float | None:
    """What ``wire`` writes for a ``Decimal`` (an int when integral, else a float), converted here: amounts
    are many in summary and weekly reports, and a conversion per value in orjson's fallback costs more.
    Exact for amounts below 2**53 cents, far above any total.
    """
    if value is None:
        return None
    f = float(value)
    return int(f) if f.is_integer() else f


def ms(seconds: int | None) -> int | None:
    return None if seconds is None else seconds * MS


def currencies(items: list[Money], show_money: bool, *, placeholder: bool = True) -> list[dict[str, Any]]:
    """``total_currencies``: per currency; the no-billable placeholder; ``""``/null when hidden (§4.4, §5)."""
    out: list[dict[str, Any]] = [{"currency": m.currency, "amount": m.amount} for m in items]
    if not out and placeholder:
        out = [{"currency": None, "amount": None}]
    if not show_money:
        out = [{"currency": "", "amount": None} for _ in out]
    return out


def totals(t: Totals, show_money: bool) -> dict[str, Any]:
    return {
        "total_grand": ms(t.seconds) if t.count else None,
        "total_billable": ms(t.billable_seconds) or None,
        "total_currencies": currencies(t.currencies, show_money),
    }


def _ts(value: Any) -> str:
    return value.isoformat(timespec="seconds")  # type: ignore[no-any-return]


def detailed_row(r: DetailedRow, show_money: bool) -> dict[str, Any]:
    amount: Decimal | None = r.amount if show_money else None
    return {
        "id": r.id,
        "pid": r.project_id,
        "tid": r.task_id,
        "uid": r.user_id,
        "description": r.description,
        "start": _ts(r.start),
        "end": _ts(r.stop),
        "updated": _ts(r.updated_at),
        "dur": r.seconds * MS,
        "user": r.user_name,
        "use_stop": r.use_stop,
        "client": r.client_name,
        "project": r.project_name,
        "project_color": None if r.project_color is None else str(r.project_color),
        "project_hex_color": None if r.project_color is None else hex_color(r.project_color),
        "task": r.task_name,
        "billable": amount,
        "is_billable": r.billable,
        "cur": r.currency if show_money else "",
        "tags": r.tags,
    }


def detailed(report: DetailedReport, show_money: bool) -> dict[str, Any]:
    return {
        **totals(report.totals, show_money),
        "total_count": report.totals.count,
        "per_page": report.per_page,
        "data": [detailed_row(r, show_money) for r in report.rows],
    }
