"""What a PDF shows besides the report object: the chart, the breakdown lines and the heading.

Plain values, computed before rendering (by ``reports.overview`` or from the report objects), so the
renderers of this package never read the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from punchclock.reports.results import Money

#: Periods up to this many days get one bar per day; up to ``WEEK_BARS_UNTIL`` one per week; longer, per month.
DAY_BARS_UNTIL = 31
WEEK_BARS_UNTIL = 26 * 7
#: Breakdown lines on the first page; the rest are summed into one "other" line.
BREAKDOWN_LINES = 9
NAMES_SHOWN = 6
#: An en dash, between the two ends of a period or of a time span.
DASH = "\u2013"
#: How a PDF may write days: Reports v3's ``date_format`` (60-reports-v3 §9), the formats Toggl offers.
DATE_FORMATS = {
    "YYYY-MM-DD": "{y:04d}-{m:02d}-{d:02d}", "DD.MM.YYYY": "{d:02d}.{m:02d}.{y:04d}",
    "DD-MM-YYYY": "{d:02d}-{m:02d}-{y:04d}", "MM/DD/YYYY": "{m:02d}/{d:02d}/{y:04d}",
    "DD/MM/YYYY": "{d:02d}/{m:02d}/{y:04d}", "MM-DD-YYYY": "{m:02d}-{d:02d}-{y:04d}",
}


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    seconds: int


@dataclass(frozen=True, slots=True)
class Chart:
    #: "day", "week" or "month": what one bar covers.
    unit: str
    bars: list[Bar]


@dataclass(frozen=True, slots=True)
class Share:
    """One line of the breakdown: a project, user, client… with its time and billed amounts."""

    name: str
    detail: str | None
    seconds: int
    money: list[Money]
    color: str


@dataclass(frozen=True, slots=True)
class Meta:
    """The heading of every page: what the report is, of what, for when, filtered how."""

    title: str
    workspace: str
    since: date
    until: date
    #: (label, value) lines, e.g. ("Projects", "Ferry timetable app, (no project)").
    filters: list[tuple[str, str]]
    generated: datetime
    display_hours: str
    show_money: bool
    #: A key of ``DATE_FORMATS``: how the heading and the detailed rows write days.
    date_format: str = "YYYY-MM-DD"
    #: Why amounts are missing when ``show_money`` is false (Reports v3's ``hide_amounts`` says its own).
    hidden_money_note: str = "Amounts are not shown: only workspace admins see billable rates."

    def day(self, day: date) -> str:
        return DATE_FORMATS[self.date_format].format(y=day.year, m=day.month, d=day.day)

    @property
    def period(self) -> str:
        return f"{self.day(self.since)} {DASH} {self.day(self.until)}"


#: The colour of lines that have none (no project, "n more").
NO_COLOR = "#9aa5b1"


def bucket_starts(since: date, until: date) -> tuple[str, list[date]]:
    """The first day of each bar: days, Monday-based weeks or calendar months (the first starts at ``since``)."""
    days = (until - since).days + 1
    if days <= DAY_BARS_UNTIL:
        return "day", [since + timedelta(days=i) for i in range(days)]
    if days <= WEEK_BARS_UNTIL:
        monday = since - timedelta(days=since.weekday())
        weeks = [monday + timedelta(weeks=i) for i in range((until - monday).days // 7 + 1)]
        return "week", [since, *weeks[1:]]
    months, first = [since], date(since.year, since.month, 1)
    while True:
        first = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        if first > until:
            return "month", months
        months.append(first)


def bucket_label(unit: str, day: date, count: int) -> str:
    if unit == "month":
        return day.strftime("%b %Y") if count <= 6 else day.strftime("%b %y")
    if unit == "day" and count <= 7:
        return day.strftime("%a %d %b")
    return day.strftime("%d %b")

