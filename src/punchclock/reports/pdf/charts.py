"""The first page of every report: heading, totals cards, time chart and breakdown."""

from __future__ import annotations

import math

from reportlab.graphics import renderPDF
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors

from punchclock.reports.money import per_currency
from punchclock.reports.pdf.layout import (
    ACCENT,
    BOLD,
    FONT,
    INK,
    LEFT,
    MUTED,
    RIGHT,
    RULE,
    SHADE,
    SIZE,
    TOP,
    WIDTH,
    Document,
    amount_text,
    bar_label,
    clip,
    time_text,
    width_of,
)
from punchclock.reports.pdf.model import BREAKDOWN_LINES, NO_COLOR, Chart, Meta, Share
from punchclock.reports.results import Totals


def _heading(doc: Document) -> None:
    meta = doc.meta
    doc.text(LEFT, TOP - 16, meta.title, font=BOLD, size=18)
    doc.text(RIGHT, TOP - 16, "punchclock", font=BOLD, size=10, color=ACCENT, align="right")
    doc.text(LEFT, TOP - 34, meta.workspace, font=BOLD, size=11)
    doc.text(LEFT + width_of(meta.workspace, BOLD, 11) + 10, TOP - 34, meta.period, size=11, color=MUTED)
    y = TOP - 50
    filters = meta.filters or [("Filters", "none")]
    if len(filters) > 5:  # the heading keeps its height: the rest share one line
        filters = [*filters[:4], ("More", "; ".join(f"{label}: {value}" for label, value in filters[4:]))]
    for label, value in filters:
        doc.text(LEFT, y, f"{label}:", font=BOLD, color=MUTED)
        doc.text(LEFT + 100, y, clip(value, WIDTH - 100), color=MUTED)
        y -= 10
    doc.y = y - 4


def _cards(doc: Document, cards: list[tuple[str, str]], note: str | None = None) -> None:
    """The report's totals as a row of labelled figures."""
    top = doc.y
    width = min(150.0, WIDTH / max(len(cards), 1))
    c = doc.canvas
    for index, (label, value) in enumerate(cards):
        x = LEFT + index * width
        c.setFillColor(SHADE)
        c.roundRect(x, top - 36, width - 8, 34, 3, stroke=0, fill=1)
        doc.text(x + 8, top - 13, label, size=7, color=MUTED)
        doc.text(x + 8, top - 29, clip(value, width - 24, BOLD, 12), font=BOLD, size=12)
    doc.y = top - 44
    if note:
        doc.text(LEFT, doc.y - 2, note, size=7, color=MUTED)
        doc.y -= 12


def totals_cards(totals: Totals, meta: Meta) -> tuple[list[tuple[str, str]], str | None]:
    cards = [("Total time", time_text(totals.seconds, meta.display_hours)),
             ("Billable time", time_text(totals.billable_seconds, meta.display_hours))]
    if meta.show_money:
        cards += [(f"Amount {m.currency}", amount_text(m.amount, m.currency)) for m in totals.currencies]
    cards.append(("Entries", f"{totals.count:,}"))
    return cards, None if meta.show_money else meta.hidden_money_note


def _axis_step(max_hours: float) -> float:
    for step in (0.25, 0.5, 1, 2, 4, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if max_hours / step <= 5:
            return step
    return float(10 ** math.ceil(math.log10(max_hours / 5)))


def _chart(doc: Document, chart: Chart, x: float, top: float, width: float, height: float) -> None:
    unit = {"day": "day", "week": "week (weeks start on Monday)", "month": "month"}[chart.unit]
    doc.text(x, top - 10, f"Time per {unit}", font=BOLD, size=9)
    hours = [b.seconds / 3600 for b in chart.bars]
    highest = max(hours, default=0.0)
    step = _axis_step(highest) if highest else 1.0
    d = Drawing(width, height - 18)
    bc = VerticalBarChart()
    bc.x, bc.y = 34, 26 if len(chart.bars) <= 10 else 30
    bc.width, bc.height = width - 40, height - 18 - bc.y - 12
    bc.data = [hours]
    bc.strokeColor = None
    bc.bars[0].fillColor = ACCENT
    bc.bars[0].strokeColor = None
    bc.barSpacing = 1
    bc.groupSpacing = 6 if len(chart.bars) <= 14 else 2
    bc.valueAxis.valueMin = 0
    bc.valueAxis.valueMax = step * max(1, math.ceil(highest / step))
    bc.valueAxis.valueStep = step
    bc.valueAxis.labelTextFormat = lambda v: f"{v:g} h"
    bc.valueAxis.labels.fontName, bc.valueAxis.labels.fontSize = FONT, 6.5
    bc.valueAxis.labels.fillColor = MUTED
    bc.valueAxis.strokeColor = RULE
    bc.valueAxis.visibleGrid = True
    bc.valueAxis.gridStrokeColor = SHADE
    bc.categoryAxis.categoryNames = [b.label for b in chart.bars]
    bc.categoryAxis.strokeColor = RULE
    labels = bc.categoryAxis.labels
    labels.fontName, labels.fontSize, labels.fillColor = FONT, 6.5, MUTED
    if len(chart.bars) > 10:
        labels.angle, labels.boxAnchor, labels.dx, labels.dy = 45, "ne", 2, -2
    else:
        labels.boxAnchor, labels.dy = "n", -3
    if len(chart.bars) <= 16:
        # Each bar carries its time, so the figures can be read off without the axis.
        display = doc.meta.display_hours
        bc.barLabelFormat = lambda v: bar_label(round(v * 3600), display)
        bc.barLabels.fontName, bc.barLabels.fontSize = FONT, 6.5
        bc.barLabels.fillColor, bc.barLabels.nudge = INK, 6
    d.add(bc)
    renderPDF.draw(d, doc.canvas, x, top - height)
    if not highest:
        doc.text(x + 34 + (width - 40) / 2, top - height / 2, "No time tracked in this period", size=9,
                 color=MUTED, align="center")


def _breakdown(doc: Document, title: str, shares: list[Share], total_seconds: int, x: float, top: float,
               width: float) -> None:
    meta = doc.meta
    doc.text(x, top - 10, title, font=BOLD, size=9)
    if len(shares) > BREAKDOWN_LINES + 1:
        rest = shares[BREAKDOWN_LINES:]
        shares = [*shares[:BREAKDOWN_LINES],
                  Share(f"{len(rest)} more", None, sum(s.seconds for s in rest),
                        per_currency(m for s in rest for m in s.money), NO_COLOR)]
    money = meta.show_money and any(s.money for s in shares)
    amount_w = 84 if money else 0
    name_w = width - 12 - 50 - 40 - amount_w
    y = top - 26
    c = doc.canvas
    if not shares:
        doc.text(x, y, "No entries", color=MUTED)
    for s in shares:
        part = s.seconds / total_seconds if total_seconds else 0.0
        c.setFillColor(colors.HexColor(s.color))
        c.rect(x, y - 0.5, 7, 7, stroke=0, fill=1)
        name = clip(s.name, name_w - 4, BOLD)
        doc.text(x + 12, y, name, font=BOLD)
        if s.detail and name_w - width_of(name, BOLD) > 30:
            doc.text(x + 12 + width_of(name, BOLD) + 5, y, clip(s.detail, name_w - width_of(name, BOLD) - 9),
                     color=MUTED)
        right = x + 12 + name_w
        doc.text(right + 48, y, time_text(s.seconds, meta.display_hours), align="right")
        doc.text(right + 88, y, f"{part * 100:.1f} %", align="right", color=MUTED)
        if money:
            # One currency per line: a second one goes under the first, a third is only counted.
            amounts = [amount_text(m.amount, m.currency) for m in s.money]
            if len(amounts) > 2:
                amounts = [amounts[0], f"+ {len(amounts) - 1} currencies"]
            for n, amount in enumerate(amounts):
                doc.text(x + width, y - 7.5 * n, clip(amount, amount_w - 6), align="right",
                         size=SIZE if n == 0 else 6.5, color=INK if n == 0 else MUTED)
        # The share as a thin bar under the name.
        c.setFillColor(SHADE)
        c.rect(x + 12, y - 4.5, name_w - 4, 2, stroke=0, fill=1)
        c.setFillColor(colors.HexColor(s.color))
        c.rect(x + 12, y - 4.5, (name_w - 4) * part, 2, stroke=0, fill=1)
        y -= 16


def overview(doc: Document, cards: tuple[list[tuple[str, str]], str | None], chart: Chart,
              breakdown_title: str, shares: list[Share], total_seconds: int) -> None:
    _heading(doc)
    _cards(doc, *cards)
    height = 190.0
    top = doc.y - 4
    _chart(doc, chart, LEFT, top, WIDTH * 0.5, height)
    _breakdown(doc, breakdown_title, shares, total_seconds, LEFT + WIDTH * 0.54, top, WIDTH * 0.46)
    doc.y = top - height - 14

