"""The summary report as PDF: groups and their items, with shares of the total time."""

from __future__ import annotations

from typing import IO

from punchclock.domain.colors import PALETTE, hex_color
from punchclock.reports.csv import duration
from punchclock.reports.money import per_currency
from punchclock.reports.pdf.charts import overview, totals_cards
from punchclock.reports.pdf.layout import Document, amount_text, amounts_text
from punchclock.reports.pdf.model import NO_COLOR, Chart, Meta, Share
from punchclock.reports.pdf.tables import Column, Table, duration_title, fill
from punchclock.reports.results import Dimension, Money, SummaryGroup, SummaryReport, Title


def title_text(t: Title) -> str:
    if t.name is not None:
        return t.name or "(no description)"
    return {Dimension.PROJECTS: "(no project)", Dimension.CLIENTS: "(no client)",
            Dimension.TASKS: "(no task)"}.get(t.dimension, "(none)")


def shares(report: SummaryReport) -> list[Share]:
    """The summary's groups as breakdown lines, longest first."""
    out = []
    for index, g in enumerate(report.groups):
        color = (hex_color(g.title.color) if g.title.color is not None else NO_COLOR) \
            if report.grouping is Dimension.PROJECTS else PALETTE[index % len(PALETTE)]
        out.append(Share(title_text(g.title), g.title.client, g.seconds, _group_money(g), color))
    return sorted(out, key=lambda s: -s.seconds)


def _group_money(g: SummaryGroup) -> list[Money]:
    """What the group's items billed, per currency (the "none" group included, unlike its JSON)."""
    return per_currency(Money(i.currency, i.amount) for i in g.items)


_DIMENSION_WORDS = {Dimension.PROJECTS: "project", Dimension.CLIENTS: "client", Dimension.USERS: "user",
                    Dimension.TASKS: "task", Dimension.TIME_ENTRIES: "time entry"}


def _summary_title(t: Title) -> str:
    text = title_text(t)
    return f"{text} · {t.client}" if t.dimension is Dimension.PROJECTS and t.client else text


def render(out: IO[bytes], meta: Meta, report: SummaryReport, chart: Chart, *, show_rates: bool = True) -> None:
    """``show_rates``: the items' hourly rates (Reports v3's ``hide_rates`` turns them off)."""
    doc = Document(out, meta)
    show, hours = meta.show_money, meta.display_hours
    rates = show and show_rates
    total = report.totals.seconds
    group_word, sub_word = _DIMENSION_WORDS[report.grouping], _DIMENSION_WORDS[report.subgrouping]
    overview(doc, totals_cards(report.totals, meta), chart, f"By {group_word}", shares(report), total)
    fixed = [Column(duration_title(hours), 60, "right"), Column("Share", 46, "right")]
    if rates:
        fixed.append(Column("Rate", 80, "right"))
    if show:
        fixed.append(Column("Amount", 100, "right"))
    table = Table(doc, f"Summary by {group_word} and {sub_word}",
                  fill(fixed, f"{group_word.capitalize()} / {sub_word}", 0, lines=2))
    table.start()

    def share(seconds: int) -> str:
        return f"{seconds / total * 100:.1f} %" if total else ""

    def money(rate: str, amount: str) -> list[str]:
        return [*([rate] if rates else ()), *([amount] if show else ())]

    for g in report.groups:
        per = _group_money(g)
        cells = [_summary_title(g.title), duration(g.seconds, hours), share(g.seconds)]
        cells += money("", amounts_text(per, "\n"))
        table.row(cells, bold=True, shade=True, kind="group", lines=max(2, len(per)))
        for i in g.items:
            cells = [_summary_title(i.title), duration(i.seconds, hours), share(i.seconds)]
            rate = "mixed" if i.rate is None else f"{amount_text(i.rate, i.currency)}/h"
            cells += money(rate, amount_text(i.amount, i.currency))
            table.row(cells, indent=10, kind="member")
    if not report.groups:
        table.row(["No entries", *[""] * len(fixed)])
    cells = ["Total", duration(total, hours), "100.0 %" if total else ""]
    cells += money("", amounts_text(report.totals.currencies, "\n"))
    table.row(cells, bold=True, rule=True, lines=max(1, len(report.totals.currencies)))
    doc.finish()
