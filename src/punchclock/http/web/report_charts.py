"""The report pages' charts as plain values for SVG: time per day (or week, month) and the share per project.

The figures come from the PDF's own aggregates (``reports.overview``: one SQL query each, over the
report's entries statement), so the page, its PDF and the API agree; this module only lays them out.
Geometry is in SVG user units: the bars' SVG is ``len(bars)`` wide and ``HEIGHT`` high, stretched to
the figure's width by CSS; the share bar is ``SHARE_WIDTH`` wide.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from punchclock.reports import overview
from punchclock.reports.filters import ReportFilters
from punchclock.reports.pdf.model import Share, bucket_starts
from punchclock.reports.query import ReportContext
from punchclock.reports.results import Money

HEIGHT = 100
SHARE_WIDTH = 1000
#: Labels under the bars: with more bars than this, only every n-th is written.
LABELS_SHOWN = 12


@dataclass(frozen=True, slots=True)
class BarView:
    day: date
    seconds: int
    x: float
    y: float
    height: float
    #: Whether its label is written under the chart (all bars keep their ``<title>`` and table row).
    labelled: bool


@dataclass(frozen=True, slots=True)
class TimeChart:
    unit: str
    bars: list[BarView]
    peak: int


@dataclass(frozen=True, slots=True)
class ShareView:
    name: str
    client: str | None
    seconds: int
    money: list[Money]
    color: str
    percent: str
    x: float
    width: float


def time_chart(db: Session, ctx: ReportContext, filters: ReportFilters, entries: Select[Any]) -> TimeChart:
    """Seconds per day up to 31 days, per (Monday-based) week up to 26 weeks, else per month, as the PDF."""
    chart = overview.time_chart(db, ctx.zones, filters, entries)
    _, starts = bucket_starts(filters.since, filters.until)
    peak = max((b.seconds for b in chart.bars), default=0)
    step = -(-len(starts) // LABELS_SHOWN)
    bars = []
    for i, (bar, day) in enumerate(zip(chart.bars, starts, strict=True)):
        height = round(bar.seconds * HEIGHT / peak, 3) if peak else 0.0
        bars.append(BarView(day, bar.seconds, i + 0.15, HEIGHT - height, height, i % step == 0))
    return TimeChart(chart.unit, bars, peak)


def percent(part: int, whole: int) -> str:
    """``part`` of ``whole`` in percent with one decimal, half up: ``42.9``."""
    if not whole:
        return "0.0"
    return str((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def project_shares(db: Session, entries: Select[Any]) -> list[ShareView]:
    """Each project's time (longest first) with its percent and its segment of the stacked bar."""
    shares: list[Share] = overview.project_shares(db, entries)
    total = sum(s.seconds for s in shares)
    out, x = [], 0.0
    for s in shares:
        width = round(s.seconds * SHARE_WIDTH / total, 3) if total else 0.0
        out.append(ShareView(s.name, s.detail, s.seconds, s.money, s.color, percent(s.seconds, total), x, width))
        x += width
    return out
