"""The weekly report as PDF: the seven days of each row and its details, in time or earnings."""

from __future__ import annotations

from typing import IO, Any

from punchclock.domain.colors import PALETTE, hex_color
from punchclock.reports.csv import duration
from punchclock.reports.pdf.charts import overview, totals_cards
from punchclock.reports.pdf.layout import Document
from punchclock.reports.pdf.model import NO_COLOR, Bar, Chart, Meta, Share, bucket_label
from punchclock.reports.pdf.tables import Column, RowKind, Table, duration_title, fill
from punchclock.reports.results import Money, ProjectSubject, Subject, WeeklyReport


def chart(report: WeeklyReport) -> Chart:
    return Chart("day", [Bar(bucket_label("day", d, 7), s or 0) for d, s in zip(report.dates, report.week.days,
                                                                                   strict=True)])



def subject_text(subject: Subject) -> tuple[str, str | None]:
    if isinstance(subject, ProjectSubject):
        return subject.name or "(no project)", subject.client_name
    return subject.name, None


def shares(report: WeeklyReport) -> list[Share]:
    shares = []
    for index, row in enumerate(report.rows):
        name, detail = subject_text(row.subject)
        if isinstance(row.subject, ProjectSubject):
            color = NO_COLOR if row.subject.color is None else hex_color(row.subject.color)
        else:
            color = PALETTE[index % len(PALETTE)]
        shares.append(Share(name, detail, row.week.total, [Money(m.currency, m.total) for m in row.week.money],
                            color))
    return sorted(shares, key=lambda s: -s.seconds)


def _weekly_title(subject: Subject) -> str:
    name, client = subject_text(subject)
    return f"{name} · {client}" if client else name


def render(out: IO[bytes], meta: Meta, report: WeeklyReport) -> None:
    doc = Document(out, meta)
    show, hours = meta.show_money, meta.display_hours
    grouping, other = ("project", "user") if report.grouping == "projects" else ("user", "project")
    overview(doc, totals_cards(report.totals, meta), chart(report), f"By {grouping}",
              shares(report), report.totals.seconds)
    days = [Column(f"{d:%a}\n{d.isoformat()}", 58, "right") for d in report.dates]
    fixed = [*days, Column("Total", 66, "right")]
    if report.earnings:
        fixed.append(Column("Currency", 46))
    what = "Earnings" if report.earnings else duration_title(hours).replace("Duration", "Time")
    table = Table(doc, f"{what} per day, by {grouping} and {other}",
                   fill(fixed, f"{grouping.capitalize()} / {other}", 0, lines=2))
    table.start()

    def time_line(title: str, week: Any, kind: RowKind, **style: Any) -> None:
        values = ["" if s is None else duration(s, hours) for s in week.days]
        table.row([title, *values, duration(week.total, hours)], kind=kind, **style)

    def money_lines(title: str, week: Any, kind: RowKind, **style: Any) -> None:
        for n, m in enumerate(week.money):
            values = [("" if a is None else f"{a:,.2f}") if show else "" for a in m.days]
            table.row([title if n == 0 else "", *values, f"{m.total:,.2f}" if show else "",
                       m.currency if show else ""], kind=kind if n == 0 else "member", **style)

    line = money_lines if report.earnings else time_line
    for row in report.rows:
        line(_weekly_title(row.subject), row.week, "group", bold=True, shade=True)
        for d in row.details:
            line(_weekly_title(d.subject), d.week, "member", indent=10)
    if not report.rows:
        table.row(["No entries", *[""] * len(fixed)])
    line("Total", report.week, "plain", bold=True, rule=True)
    if report.earnings and not report.week.money:
        table.row(["Total", *[""] * len(fixed)], bold=True, rule=True)
    doc.finish()

