"""The detailed report as PDF: every entry of the report, streamed row by row onto the canvas."""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO

from punchclock.reports.csv import duration
from punchclock.reports.pdf.charts import overview, totals_cards
from punchclock.reports.pdf.layout import Document, amount_text, amounts_text
from punchclock.reports.pdf.model import DASH, Chart, Meta, Share
from punchclock.reports.pdf.tables import Column, Table, duration_title, fill
from punchclock.reports.results import DetailedRow, Totals


def render(out: IO[bytes], meta: Meta, totals: Totals, chart: Chart, shares: list[Share],
            rows: Iterable[DetailedRow]) -> None:
    """The detailed report: every row of ``rows`` (consumed once, in order) in the table."""
    doc = Document(out, meta)
    show, hours = meta.show_money, meta.display_hours
    overview(doc, totals_cards(totals, meta), chart, "By project", shares, totals.seconds)
    fixed = [Column("Date", 54), Column("Time", 56), Column("User", 78, lines=2), Column("Client", 74, lines=2),
             Column("Project", 92, lines=2), Column("Task", 62, lines=2), Column("Tags", 60, lines=2),
             Column(duration_title(hours), 54, "right")]
    if show:
        fixed.append(Column("Amount", 74, "right"))
    table = Table(doc, f"Time entries ({totals.count:,})", fill(fixed, "Description", 6, lines=2))
    table.start()
    for index, r in enumerate(rows):
        days = (r.stop.date() - r.start.date()).days
        cells = [
            meta.day(r.start.date()), f"{r.start:%H:%M}{DASH}{r.stop:%H:%M}" + (f" +{days}d" if days else ""),
            r.user_name, r.client_name or "", r.project_name or "", r.task_name or "",
            r.description or "(no description)", ", ".join(r.tags), duration(r.seconds, hours),
        ]
        if show:
            cells.append("" if r.amount is None or r.currency is None else amount_text(r.amount, r.currency))
        table.row(cells, shade=index % 2 == 1)
    total = ["Total", "", "", "", "", "", f"{totals.count:,} entries", "", duration(totals.seconds, hours)]
    if show:
        total.append(amounts_text(totals.currencies, "\n"))
    table.row(total, bold=True, rule=True, lines=max(1, len(totals.currencies)))
    doc.finish()

