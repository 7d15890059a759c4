"""PDF renderings of the reports (50-reports §10): a document a person would hand to a client.

Every report gets the same first page: title, workspace, period, filters, totals, a bar chart of the
time per local day (per week or month for long periods) and a breakdown by the report's grouping
with durations and shares; the report's table follows and runs over as many pages as it needs, its
header repeated on each, "Page N of M" in every footer. Landscape A4.

The detailed PDF holds every matching entry (O-70), up to a year of a large workspace, so its table
is drawn straight onto a ``reportlab`` canvas row by row from an iterator: nothing but the canvas's
own page streams is kept, the rows are never collected into a list or a platypus story. The page
total is unknown until the last row, so each footer draws a form (PDF XObject) that is defined once
at the end — the "deferred total" the PDF format allows without a second pass over the rows.

Data that a PDF needs beyond the report objects (chart buckets, the project breakdown of the detailed
report, readable filter names) is aggregated here in SQL over ``query.entries``, like every report.
reportlab is imported by this module only.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, Literal

import reportlab
from reportlab import rl_config
from reportlab.graphics import renderPDF
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import ColumnElement, case, func, literal, select
from sqlalchemy.orm import Session

from punchclock.domain import access
from punchclock.domain.actor import zone
from punchclock.domain.colors import PALETTE, hex_color
from punchclock.models import Client, Group, Project, Tag, Task, User, WorkspaceMember
from punchclock.reports import query
from punchclock.reports.csv import duration
from punchclock.reports.days import OwnerZones, midnight
from punchclock.reports.filters import IdFilter, ReportFilters
from punchclock.reports.query import ReportContext
from punchclock.reports.results import DetailedRow, Money, Totals
from punchclock.reports.summary import Dimension, SummaryReport, Title
from punchclock.reports.totals import cents
from punchclock.reports.weekly import ProjectSubject, Subject, WeeklyReport

# Binary (deflated) page streams without the ASCII85 layer: a quarter smaller and faster to write. Global
# to reportlab, which nothing but this module uses.
rl_config.useA85 = 0

# -- what a PDF shows besides the report object ----------------------------------------------------------

#: Periods up to this many days get one bar per day; up to ``WEEK_BARS_UNTIL`` one per week; longer, per month.
DAY_BARS_UNTIL = 31
WEEK_BARS_UNTIL = 26 * 7
#: Breakdown lines on the first page; the rest are summed into one "other" line.
BREAKDOWN_LINES = 9
NAMES_SHOWN = 6
#: An en dash, between the two ends of a period or of a time span.
DASH = "\u2013"


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

    @property
    def period(self) -> str:
        return f"{self.since.isoformat()} {DASH} {self.until.isoformat()}"


def make_meta(db: Session, ctx: ReportContext, filters: ReportFilters, title: str, display_hours: str,
              options: Sequence[tuple[str, str]] = ()) -> Meta:
    """The heading of a report: ``options`` (grouping…) come before the filters."""
    return Meta(title=title, workspace=ctx.workspace.name, since=filters.since, until=filters.until,
                filters=[*options, *filter_lines(db, ctx, filters)],
                generated=datetime.now(zone(ctx.actor.user.timezone)), display_hours=display_hours,
                show_money=ctx.show_money)


def _bucket_starts(since: date, until: date) -> tuple[str, list[date]]:
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


def _bucket_label(unit: str, day: date, count: int) -> str:
    if unit == "month":
        return day.strftime("%b %Y") if count <= 6 else day.strftime("%b %y")
    if unit == "day" and count <= 7:
        return day.strftime("%a %d %b")
    return day.strftime("%d %b")


def bucket_index(zones: OwnerZones, start: ColumnElement[datetime], user_id: ColumnElement[int],
                 starts: Sequence[date]) -> ColumnElement[int]:
    """Which bucket (0…len-1) an entry's local start day falls in; the buckets begin on ``starts``."""
    def buckets(zone: str) -> Any:
        if len(starts) == 1:
            return literal(0)
        bounds = [midnight(d, zone) for d in starts[1:]]
        return case(*((start < b, literal(i)) for i, b in enumerate(bounds)), else_=literal(len(starts) - 1))

    names = zones.names
    if len(names) == 1:
        return buckets(names[0])  # type: ignore[no-any-return]
    whens = [(user_id.in_(list(zones.zones[z])), buckets(z)) for z in names[:-1]]
    return case(*whens, else_=buckets(names[-1]))


def time_chart(db: Session, ctx: ReportContext, filters: ReportFilters) -> Chart:
    """Seconds per bar over ``since`` … ``until``, summed in SQL by the owner-local start day."""
    unit, starts = _bucket_starts(filters.since, filters.until)
    base = query.entries(db, ctx, filters).subquery()
    keyed = select(bucket_index(ctx.zones, base.c.start, base.c.user_id, starts).label("bucket"),
                   base.c.seconds).subquery()
    sums = dict(db.execute(select(keyed.c.bucket, func.sum(keyed.c.seconds)).group_by(keyed.c.bucket)).all())
    return Chart(unit, [Bar(_bucket_label(unit, d, len(starts)), int(sums.get(i) or 0)) for i, d in enumerate(starts)])


def weekly_chart(report: WeeklyReport) -> Chart:
    return Chart("day", [Bar(_bucket_label("day", d, 7), s or 0) for d, s in zip(report.dates, report.week.days,
                                                                                   strict=True)])


def _money(per_currency: dict[str, int]) -> list[Money]:
    return [Money(c, cents(v)) for c, v in sorted(per_currency.items())]


def project_shares(db: Session, ctx: ReportContext, filters: ReportFilters) -> list[Share]:
    """Time and billed amounts per project (the detailed report's breakdown), longest first."""
    base = query.entries(db, ctx, filters).subquery()
    rows = db.execute(
        select(base.c.project_id, base.c.currency, func.sum(base.c.seconds),
               func.sum(base.c.amount_cents), func.max(case((base.c.billable.is_(True), 1), else_=0)))
        .group_by(base.c.project_id, base.c.currency)
    ).all()
    seconds: dict[int | None, int] = {}
    billed: dict[int | None, dict[str, int]] = {}
    for pid, currency, secs, amount, billable in rows:
        seconds[pid] = seconds.get(pid, 0) + int(secs or 0)
        if billable:
            per = billed.setdefault(pid, {})
            per[currency] = per.get(currency, 0) + int(amount or 0)
    names = {pid: (name, client, color) for pid, name, client, color in db.execute(
        select(Project.id, Project.name, Client.name, Project.color)
        .outerjoin(Client, Client.id == Project.client_id)
        .where(Project.id.in_(sorted(p for p in seconds if p is not None)))
    )}
    shares = []
    for pid, secs in seconds.items():
        name, client, color = names.get(pid, (None, None, None)) if pid is not None else (None, None, None)
        shares.append(Share(name or "(no project)", client, secs, _money(billed.get(pid, {})),
                            _NO_COLOR if color is None else hex_color(color)))
    return sorted(shares, key=lambda s: (-s.seconds, s.name.casefold()))


def _title_text(t: Title) -> str:
    if t.name is not None:
        return t.name or "(no description)"
    return {Dimension.PROJECTS: "(no project)", Dimension.CLIENTS: "(no client)",
            Dimension.TASKS: "(no task)"}.get(t.dimension, "(none)")


def summary_shares(report: SummaryReport) -> list[Share]:
    """The summary's groups as breakdown lines, longest first."""
    shares = []
    for index, g in enumerate(report.groups):
        per: dict[str, Decimal] = {}
        for item in g.items:
            per[item.currency] = per.get(item.currency, Decimal(0)) + item.amount
        color = (hex_color(g.title.color) if g.title.color is not None else _NO_COLOR) \
            if report.grouping is Dimension.PROJECTS else PALETTE[index % len(PALETTE)]
        shares.append(Share(_title_text(g.title), g.title.client, g.seconds,
                            [Money(c, a) for c, a in sorted(per.items())], color))
    return sorted(shares, key=lambda s: -s.seconds)


def _subject_text(subject: Subject) -> tuple[str, str | None]:
    if isinstance(subject, ProjectSubject):
        return subject.name or "(no project)", subject.client_name
    return subject.name, None


def weekly_shares(report: WeeklyReport) -> list[Share]:
    shares = []
    for index, row in enumerate(report.rows):
        name, detail = _subject_text(row.subject)
        if isinstance(row.subject, ProjectSubject):
            color = _NO_COLOR if row.subject.color is None else hex_color(row.subject.color)
        else:
            color = PALETTE[index % len(PALETTE)]
        shares.append(Share(name, detail, row.week.total, [Money(m.currency, m.total) for m in row.week.money],
                            color))
    return sorted(shares, key=lambda s: -s.seconds)


def _names(db: Session, stmt: Any, ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(ids)
    return dict(db.execute(stmt(wanted)).all()) if wanted else {}


def _listed(ids: Iterable[int], names: dict[int, str], none: str | None = None) -> str:
    shown = [names.get(i, f"#{i}") for i in sorted(ids, key=lambda i: names.get(i, "").casefold())]
    if none is not None:
        shown.append(none)
    if len(shown) > NAMES_SHOWN:
        shown = [*shown[:NAMES_SHOWN - 1], f"and {len(shown) - NAMES_SHOWN + 1} more"]
    return ", ".join(shown)


def filter_lines(db: Session, ctx: ReportContext, filters: ReportFilters) -> list[tuple[str, str]]:
    """The filters in words, with the names the caller may see (an id it may not see stays ``#id``)."""
    ws, actor = ctx.workspace_id, ctx.actor
    out: list[tuple[str, str]] = []
    if filters.billable is not None:
        out.append(("Billable", "yes" if filters.billable else "no"))

    def id_filter(label: str, f: IdFilter | None, stmt: Any, none: str) -> None:
        if f is not None:
            out.append((label, _listed(f.ids, _names(db, stmt, f.ids), none if f.include_none else None)))

    id_filter("Clients", filters.client_ids, lambda ids: select(Client.id, Client.name).where(
        Client.workspace_id == ws, Client.id.in_(ids)), "(no client)")
    id_filter("Projects", filters.project_ids, lambda ids: select(Project.id, Project.name).where(
        Project.workspace_id == ws, Project.id.in_(ids), access.project_visible(actor)), "(no project)")
    id_filter("Tasks", filters.task_ids, lambda ids: select(Task.id, Task.name).join(
        Project, Project.id == Task.project_id).where(
        Task.workspace_id == ws, Task.id.in_(ids), access.project_visible(actor)), "(no task)")
    id_filter("Tags", filters.tag_ids, lambda ids: select(Tag.id, Tag.name).where(
        Tag.workspace_id == ws, Tag.id.in_(ids)), "(no tags)")
    if filters.user_ids is not None:
        users = _names(db, lambda ids: select(User.id, User.fullname).join(
            WorkspaceMember, WorkspaceMember.user_id == User.id).where(
            WorkspaceMember.workspace_id == ws, User.id.in_(ids)), filters.user_ids)
        out.append(("Users", _listed(filters.user_ids, users)))
    for label, groups in (("Members of groups", filters.members_of_group_ids),
                          ("Or members of groups", filters.or_members_of_group_ids)):
        if groups is not None:
            names = _names(db, lambda ids: select(Group.id, Group.name).where(
                Group.workspace_id == ws, Group.id.in_(ids)), groups)
            out.append((label, _listed(groups, names)))
    if filters.time_entry_ids is not None:
        count = len(filters.time_entry_ids)
        out.append(("Time entries", f"{count} selected" if count != 1 else "1 selected"))
    if filters.description:
        out.append(("Description contains", f"“{filters.description}”"))
    if filters.without_description:
        out.append(("Description", "none"))
    if filters.rounding:
        out.append(("Rounding", "durations rounded per workspace rules"))
    return out


# -- fonts, geometry, text -------------------------------------------------------------------------------

FONT, BOLD = "PunchclockSans", "PunchclockSans-Bold"
#: DejaVu Sans covers far more scripts than Vera (which reportlab ships); both have the same Latin metrics.
_DEJAVU, _VERA = Path("/usr/share/fonts/truetype/dejavu"), Path(reportlab.__file__).parent / "fonts"
_FONT_FILES = ((_DEJAVU / "DejaVuSans.ttf", _DEJAVU / "DejaVuSans-Bold.ttf"),
               (_VERA / "Vera.ttf", _VERA / "VeraBd.ttf"))

PAGE_W, PAGE_H = landscape(A4)
MARGIN = 36.0
LEFT, RIGHT = MARGIN, PAGE_W - MARGIN
WIDTH = RIGHT - LEFT
TOP = PAGE_H - MARGIN
#: The lowest baseline a table row may use; the footer sits below it.
BOTTOM = MARGIN + 8
FOOTER_Y = MARGIN - 14

SIZE = 7.5
LEADING = 9.0
PAD = 2.5

INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#616e7c")
RULE = colors.HexColor("#cbd2d9")
SHADE = colors.HexColor("#f0f4f8")
ACCENT = colors.HexColor("#268bb5")
_NO_COLOR = "#9aa5b1"


@lru_cache(maxsize=1)
def _fonts() -> None:
    """Register the two faces once per process (the registry is global)."""
    regular, bold = next(pair for pair in _FONT_FILES if pair[0].is_file() and pair[1].is_file())
    pdfmetrics.registerFont(TTFont(FONT, str(regular)))
    pdfmetrics.registerFont(TTFont(BOLD, str(bold)))


@lru_cache(maxsize=16384)
def _width(text: str, font: str = FONT, size: float = SIZE) -> float:
    """Cached: table cells repeat (names, projects, descriptions), and measuring is pure Python."""
    return pdfmetrics.stringWidth(text, font, size)  # type: ignore[no-any-return]


def _clip(text: str, width: float, font: str = FONT, size: float = SIZE) -> str:
    """``text`` cut to ``width`` with an ellipsis (binary search on the length: long texts stay cheap)."""
    if _width(text, font, size) <= width:
        return text
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if _width(text[:mid].rstrip() + "…", font, size) <= width:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + "…"


def _wrap_words(text: str, width: float, max_lines: int, font: str, size: float) -> tuple[list[str], bool]:
    """Greedy word wrap of one paragraph into at most ``max_lines`` lines; True when text was left over."""
    lines: list[str] = []
    rest = text
    while rest and len(lines) < max_lines:
        if _width(rest, font, size) <= width:
            lines.append(rest)
            return lines, False
        words, line, taken = rest.split(" "), "", 0
        for word in words:
            candidate = f"{line} {word}" if line else word
            if _width(candidate, font, size) > width:
                break
            line, taken = candidate, taken + 1
        if taken == 0:  # a word wider than the column: break it inside
            line = _clip(words[0], width, font, size).removesuffix("…") or words[0][:1]
            rest = rest[len(line):].lstrip()
        else:
            rest = " ".join(words[taken:])
        lines.append(line)
    return lines, bool(rest)


def _wrap(text: str, width: float, max_lines: int, font: str = FONT, size: float = SIZE) -> list[str]:
    """``text`` on at most ``max_lines`` lines (its own line breaks kept); a cut shows as an ellipsis."""
    if "\n" not in text and _width(text, font, size) <= width:
        return [text]  # the common case, one measurement
    paragraphs = [" ".join(p.split()) for p in text.split("\n")]
    paragraphs = [p for p in paragraphs if p] or [""]
    out: list[str] = []
    cut = False
    for index, paragraph in enumerate(paragraphs):
        lines, cut = _wrap_words(paragraph, width, max_lines - len(out), font, size)
        out += lines
        if len(out) >= max_lines:
            cut = cut or index < len(paragraphs) - 1
            break
    if cut:
        out[-1] = _clip(out[-1] + "…", width, font, size)
    return out


def _sum(amount: Decimal, currency: str) -> str:
    """An amount as a reader expects it: thousands separated, two decimals, its currency."""
    return f"{amount:,.2f} {currency}"


def _amounts(items: Iterable[Money], sep: str = ", ") -> str:
    return sep.join(_sum(m.amount, m.currency) for m in items)


def _time(seconds: int, display_hours: str) -> str:
    """A duration standing alone (cards, breakdown): decimal hours carry their unit."""
    text = duration(seconds, display_hours)
    return f"{text} h" if display_hours == "decimal" else text


def _bar_label(seconds: int, display_hours: str) -> str:
    if not seconds:
        return ""
    if display_hours == "decimal":
        return duration(seconds, display_hours)
    minutes = (seconds + 30) // 60
    return f"{minutes // 60}:{minutes % 60:02d}"


# -- the document: pages, running header, footer, deferred page total -----------------------------------

class _Document:
    """A canvas with the page furniture every report shares; ``y`` is the top of the free space."""

    def __init__(self, out: IO[bytes], meta: Meta) -> None:
        _fonts()
        self.meta = meta
        self.canvas = Canvas(out, pagesize=(PAGE_W, PAGE_H), pageCompression=1)
        self.canvas.setTitle(f"{meta.title} — {meta.workspace} — {meta.period}")
        self.canvas.setAuthor("punchclock")
        self.canvas.setCreator("punchclock")
        self.page = 1
        self.y = TOP

    def text(self, x: float, y: float, text: str, *, font: str = FONT, size: float = SIZE,
             color: colors.Color = INK, align: Literal["left", "right", "center"] = "left") -> None:
        c = self.canvas
        c.setFont(font, size)
        c.setFillColor(color)
        if align == "right":
            c.drawRightString(x, y, text)
        elif align == "center":
            c.drawCentredString(x, y, text)
        else:
            c.drawString(x, y, text)

    def _footer(self) -> None:
        c, meta = self.canvas, self.meta
        c.setStrokeColor(RULE)
        c.setLineWidth(0.5)
        c.line(LEFT, FOOTER_Y + 9, RIGHT, FOOTER_Y + 9)
        stamp = meta.generated.strftime("%Y-%m-%d %H:%M %Z").strip()
        self.text(LEFT, FOOTER_Y, f"{meta.title} · {meta.workspace} · {meta.period} · generated {stamp} by punchclock",
                  size=6.5, color=MUTED)
        label = f"Page {self.page} of "
        x = RIGHT - 60
        self.text(x, FOOTER_Y, label, size=6.5, color=MUTED)
        c.saveState()
        c.translate(x + _width(label, FONT, 6.5), FOOTER_Y)
        c.doForm("page_total")
        c.restoreState()

    def new_page(self) -> None:
        self._footer()
        self.canvas.showPage()
        self.page += 1
        meta = self.meta
        self.text(LEFT, TOP - 8, meta.title, font=BOLD, size=9)
        self.text(LEFT + _width(meta.title, BOLD, 9) + 8, TOP - 8, f"{meta.workspace} · {meta.period}",
                  size=8, color=MUTED)
        self.y = TOP - 24

    def finish(self) -> None:
        self._footer()
        self.canvas.showPage()
        # The total every footer refers to: defined once, now that it is known.
        self.canvas.beginForm("page_total")
        self.text(0, 0, str(self.page), size=6.5, color=MUTED)
        self.canvas.endForm()
        self.canvas.save()


# -- first page: heading, totals, chart, breakdown --------------------------------------------------------

def _heading(doc: _Document) -> None:
    meta = doc.meta
    doc.text(LEFT, TOP - 16, meta.title, font=BOLD, size=18)
    doc.text(RIGHT, TOP - 16, "punchclock", font=BOLD, size=10, color=ACCENT, align="right")
    doc.text(LEFT, TOP - 34, meta.workspace, font=BOLD, size=11)
    doc.text(LEFT + _width(meta.workspace, BOLD, 11) + 10, TOP - 34, meta.period, size=11, color=MUTED)
    y = TOP - 50
    filters = meta.filters or [("Filters", "none")]
    if len(filters) > 5:  # the heading keeps its height: the rest share one line
        filters = [*filters[:4], ("More", "; ".join(f"{label}: {value}" for label, value in filters[4:]))]
    for label, value in filters:
        doc.text(LEFT, y, f"{label}:", font=BOLD, color=MUTED)
        doc.text(LEFT + 100, y, _clip(value, WIDTH - 100), color=MUTED)
        y -= 10
    doc.y = y - 4


def _cards(doc: _Document, cards: list[tuple[str, str]], note: str | None = None) -> None:
    """The report's totals as a row of labelled figures."""
    top = doc.y
    width = min(150.0, WIDTH / max(len(cards), 1))
    c = doc.canvas
    for index, (label, value) in enumerate(cards):
        x = LEFT + index * width
        c.setFillColor(SHADE)
        c.roundRect(x, top - 36, width - 8, 34, 3, stroke=0, fill=1)
        doc.text(x + 8, top - 13, label, size=7, color=MUTED)
        doc.text(x + 8, top - 29, _clip(value, width - 24, BOLD, 12), font=BOLD, size=12)
    doc.y = top - 44
    if note:
        doc.text(LEFT, doc.y - 2, note, size=7, color=MUTED)
        doc.y -= 12


def _totals_cards(totals: Totals, display_hours: str, show_money: bool) -> tuple[list[tuple[str, str]], str | None]:
    cards = [("Total time", _time(totals.seconds, display_hours)),
             ("Billable time", _time(totals.billable_seconds, display_hours))]
    if show_money:
        cards += [(f"Amount {m.currency}", _sum(m.amount, m.currency)) for m in totals.currencies]
    cards.append(("Entries", f"{totals.count:,}"))
    note = None if show_money else "Amounts are not shown: only workspace admins see billable rates."
    return cards, note


def _axis_step(max_hours: float) -> float:
    for step in (0.25, 0.5, 1, 2, 4, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if max_hours / step <= 5:
            return step
    return float(10 ** math.ceil(math.log10(max_hours / 5)))


def _chart(doc: _Document, chart: Chart, x: float, top: float, width: float, height: float) -> None:
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
        bc.barLabelFormat = lambda v: _bar_label(round(v * 3600), display)
        bc.barLabels.fontName, bc.barLabels.fontSize = FONT, 6.5
        bc.barLabels.fillColor, bc.barLabels.nudge = INK, 6
    d.add(bc)
    renderPDF.draw(d, doc.canvas, x, top - height)
    if not highest:
        doc.text(x + 34 + (width - 40) / 2, top - height / 2, "No time tracked in this period", size=9,
                 color=MUTED, align="center")


def _breakdown(doc: _Document, title: str, shares: list[Share], total_seconds: int, x: float, top: float,
               width: float) -> None:
    meta = doc.meta
    doc.text(x, top - 10, title, font=BOLD, size=9)
    if len(shares) > BREAKDOWN_LINES + 1:
        rest = shares[BREAKDOWN_LINES:]
        per: dict[str, Decimal] = {}
        for s in rest:
            for m in s.money:
                per[m.currency] = per.get(m.currency, Decimal(0)) + m.amount
        shares = [*shares[:BREAKDOWN_LINES],
                  Share(f"{len(rest)} more", None, sum(s.seconds for s in rest),
                        [Money(c, a) for c, a in sorted(per.items())], _NO_COLOR)]
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
        name = _clip(s.name, name_w - 4, BOLD)
        doc.text(x + 12, y, name, font=BOLD)
        if s.detail and name_w - _width(name, BOLD) > 30:
            doc.text(x + 12 + _width(name, BOLD) + 5, y, _clip(s.detail, name_w - _width(name, BOLD) - 9),
                     color=MUTED)
        right = x + 12 + name_w
        doc.text(right + 48, y, _time(s.seconds, meta.display_hours), align="right")
        doc.text(right + 88, y, f"{part * 100:.1f} %", align="right", color=MUTED)
        if money:
            # One currency per line: a second one goes under the first, a third is only counted.
            amounts = [_sum(m.amount, m.currency) for m in s.money]
            if len(amounts) > 2:
                amounts = [amounts[0], f"+ {len(amounts) - 1} currencies"]
            for n, amount in enumerate(amounts):
                doc.text(x + width, y - 7.5 * n, _clip(amount, amount_w - 6), align="right",
                         size=SIZE if n == 0 else 6.5, color=INK if n == 0 else MUTED)
        # The share as a thin bar under the name.
        c.setFillColor(SHADE)
        c.rect(x + 12, y - 4.5, name_w - 4, 2, stroke=0, fill=1)
        c.setFillColor(colors.HexColor(s.color))
        c.rect(x + 12, y - 4.5, (name_w - 4) * part, 2, stroke=0, fill=1)
        y -= 16


def _overview(doc: _Document, cards: tuple[list[tuple[str, str]], str | None], chart: Chart,
              breakdown_title: str, shares: list[Share], total_seconds: int) -> None:
    _heading(doc)
    _cards(doc, *cards)
    height = 190.0
    top = doc.y - 4
    _chart(doc, chart, LEFT, top, WIDTH * 0.5, height)
    _breakdown(doc, breakdown_title, shares, total_seconds, LEFT + WIDTH * 0.54, top, WIDTH * 0.46)
    doc.y = top - height - 14


# -- the table ---------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Column:
    title: str
    width: float
    align: Literal["left", "right"] = "left"
    #: Lines a long value may wrap onto before it is cut with an ellipsis.
    lines: int = 1


RowKind = Literal["plain", "group", "member"]


@dataclass(slots=True)
class _Table:
    """Rows drawn one at a time; a row that does not fit starts a new page with the header repeated.

    A ``group`` row (a project with its users…) is kept with its first member row, and members that
    spill onto a new page are preceded by the group's title marked "(continued)".
    """

    doc: _Document
    title: str
    columns: list[Column]
    header_lines: int = field(init=False)
    group: str | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.header_lines = max(len(c.title.split("\n")) for c in self.columns)

    def start(self, min_rows: int = 3) -> None:
        """The section title and header; on a new page unless a few rows still fit on this one."""
        needed = 18 + self.header_lines * LEADING + PAD * 2 + min_rows * (LEADING + PAD * 2)
        if self.doc.y - needed < BOTTOM:
            self.doc.new_page()
        self.doc.text(LEFT, self.doc.y - 9, self.title, font=BOLD, size=9)
        self.doc.y -= 18
        self._header()

    def _header(self) -> None:
        doc, c = self.doc, self.doc.canvas
        height = self.header_lines * LEADING + PAD * 2
        c.setFillColor(INK)
        c.rect(LEFT, doc.y - height, WIDTH, height, stroke=0, fill=1)
        x = LEFT
        for col in self.columns:
            for n, line in enumerate(col.title.split("\n")):
                y = doc.y - PAD - LEADING * (n + 1) + 2
                tx = x + col.width - 3 if col.align == "right" else x + 3
                doc.text(tx, y, line, font=BOLD, color=colors.white, align=col.align)
            x += col.width
        doc.y -= height

    def row(self, cells: Sequence[str], *, bold: bool = False, indent: float = 0.0, shade: bool = False,
            rule: bool = False, kind: RowKind = "plain", lines: int | None = None) -> None:
        """One row; ``lines`` overrides how many lines every cell may take."""
        font = BOLD if bold else FONT
        wrapped = [
            _wrap(text, col.width - 6 - (indent if i == 0 else 0), lines or col.lines, font)
            for i, (col, text) in enumerate(zip(self.columns, cells, strict=True))
        ]
        height = max(len(w) for w in wrapped) * LEADING + PAD * 2
        keep = LEADING + PAD * 2 if kind == "group" else 0.0
        doc = self.doc
        if doc.y - height - keep < BOTTOM:
            doc.new_page()
            self._header()
            if kind == "member" and self.group is not None:
                self._draw([[_clip(f"{self.group} (continued)", self.columns[0].width - 6, BOLD)],
                            *[[""] for _ in self.columns[1:]]], LEADING + PAD * 2, BOLD, 0.0, True, False)
        if kind == "group":
            self.group = cells[0]
        elif kind == "plain":
            self.group = None
        self._draw(wrapped, height, font, indent, shade, rule)

    def _draw(self, wrapped: list[list[str]], height: float, font: str, indent: float, shade: bool,
              rule: bool) -> None:
        doc, c = self.doc, self.doc.canvas
        if shade:
            c.setFillColor(SHADE)
            c.rect(LEFT, doc.y - height, WIDTH, height, stroke=0, fill=1)
        if rule:
            c.setStrokeColor(INK)
            c.setLineWidth(0.8)
            c.line(LEFT, doc.y, RIGHT, doc.y)
        # One text object per row, font and colour set once: drawString would re-measure every
        # string and open a text object each, which dominated the time of a large detailed PDF.
        text = c.beginText()
        text.setFont(font, SIZE, LEADING)
        text.setFillColor(INK)
        x = LEFT
        for i, (col, lines) in enumerate(zip(self.columns, wrapped, strict=True)):
            for n, line in enumerate(lines):
                if not line:
                    continue
                y = doc.y - PAD - LEADING * (n + 1) + 2
                if col.align == "right":
                    text.setTextOrigin(x + col.width - 3 - _width(line, font), y)
                else:
                    text.setTextOrigin(x + 3 + (indent if i == 0 else 0), y)
                text.textLine(line)  # unlike textOut, does not measure the string again
            x += col.width
        c.drawText(text)
        doc.y -= height
        c.setStrokeColor(RULE)
        c.setLineWidth(0.3)
        c.line(LEFT, doc.y, RIGHT, doc.y)


def _fill(fixed: list[Column], flexible: str, position: int, lines: int = 1) -> list[Column]:
    """``fixed`` plus a column taking the rest of the page width at ``position``."""
    rest = WIDTH - sum(c.width for c in fixed)
    return [*fixed[:position], Column(flexible, rest, lines=lines), *fixed[position:]]


def _duration_title(display_hours: str) -> str:
    return "Hours" if display_hours == "decimal" else "Duration"


# -- the three reports --------------------------------------------------------------------------------------

def details(out: IO[bytes], meta: Meta, totals: Totals, chart: Chart, shares: list[Share],
            rows: Iterable[DetailedRow]) -> None:
    """The detailed report: every row of ``rows`` (consumed once, in order) in the table."""
    doc = _Document(out, meta)
    show, hours = meta.show_money, meta.display_hours
    _overview(doc, _totals_cards(totals, hours, show), chart, "By project", shares, totals.seconds)
    fixed = [Column("Date", 54), Column("Time", 56), Column("User", 78, lines=2), Column("Client", 74, lines=2),
             Column("Project", 92, lines=2), Column("Task", 62, lines=2), Column("Tags", 60, lines=2),
             Column(_duration_title(hours), 54, "right")]
    if show:
        fixed.append(Column("Amount", 74, "right"))
    table = _Table(doc, f"Time entries ({totals.count:,})", _fill(fixed, "Description", 6, lines=2))
    table.start()
    for index, r in enumerate(rows):
        days = (r.stop.date() - r.start.date()).days
        cells = [
            r.start.date().isoformat(), f"{r.start:%H:%M}{DASH}{r.stop:%H:%M}" + (f" +{days}d" if days else ""),
            r.user_name, r.client_name or "", r.project_name or "", r.task_name or "",
            r.description or "(no description)", ", ".join(r.tags), duration(r.seconds, hours),
        ]
        if show:
            cells.append("" if r.amount is None or r.currency is None else _sum(r.amount, r.currency))
        table.row(cells, shade=index % 2 == 1)
    total = ["Total", "", "", "", "", "", f"{totals.count:,} entries", "", duration(totals.seconds, hours)]
    if show:
        total.append(_amounts(totals.currencies, "\n"))
    table.row(total, bold=True, rule=True, lines=max(1, len(totals.currencies)))
    doc.finish()


def _weekly_title(subject: Subject) -> str:
    name, client = _subject_text(subject)
    return f"{name} · {client}" if client else name


def weekly(out: IO[bytes], meta: Meta, report: WeeklyReport) -> None:
    doc = _Document(out, meta)
    show, hours = meta.show_money, meta.display_hours
    grouping, other = ("project", "user") if report.grouping == "projects" else ("user", "project")
    _overview(doc, _totals_cards(report.totals, hours, show), weekly_chart(report), f"By {grouping}",
              weekly_shares(report), report.totals.seconds)
    days = [Column(f"{d:%a}\n{d.isoformat()}", 58, "right") for d in report.dates]
    fixed = [*days, Column("Total", 66, "right")]
    if report.earnings:
        fixed.append(Column("Currency", 46))
    what = "Earnings" if report.earnings else _duration_title(hours).replace("Duration", "Time")
    table = _Table(doc, f"{what} per day, by {grouping} and {other}",
                   _fill(fixed, f"{grouping.capitalize()} / {other}", 0, lines=2))
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


_DIMENSION_WORDS = {Dimension.PROJECTS: "project", Dimension.CLIENTS: "client", Dimension.USERS: "user",
                    Dimension.TASKS: "task", Dimension.TIME_ENTRIES: "time entry"}


def _summary_title(t: Title) -> str:
    text = _title_text(t)
    return f"{text} · {t.client}" if t.dimension is Dimension.PROJECTS and t.client else text


def summary(out: IO[bytes], meta: Meta, report: SummaryReport, chart: Chart) -> None:
    doc = _Document(out, meta)
    show, hours = meta.show_money, meta.display_hours
    total = report.totals.seconds
    group_word, sub_word = _DIMENSION_WORDS[report.grouping], _DIMENSION_WORDS[report.subgrouping]
    _overview(doc, _totals_cards(report.totals, hours, show), chart, f"By {group_word}", summary_shares(report),
              total)
    fixed = [Column(_duration_title(hours), 60, "right"), Column("Share", 46, "right")]
    if show:
        fixed += [Column("Rate", 80, "right"), Column("Amount", 100, "right")]
    table = _Table(doc, f"Summary by {group_word} and {sub_word}",
                   _fill(fixed, f"{group_word.capitalize()} / {sub_word}", 0, lines=2))
    table.start()

    def share(seconds: int) -> str:
        return f"{seconds / total * 100:.1f} %" if total else ""

    for g in report.groups:
        per: dict[str, Decimal] = {}
        for i in g.items:
            per[i.currency] = per.get(i.currency, Decimal(0)) + i.amount
        cells = [_summary_title(g.title), duration(g.seconds, hours), share(g.seconds)]
        if show:
            cells += ["", _amounts((Money(c, a) for c, a in sorted(per.items())), "\n")]
        table.row(cells, bold=True, shade=True, kind="group", lines=max(2, len(per)))
        for i in g.items:
            cells = [_summary_title(i.title), duration(i.seconds, hours), share(i.seconds)]
            if show:
                rate = "mixed" if i.rate is None else f"{_sum(i.rate, i.currency)}/h"
                cells += [rate, _sum(i.amount, i.currency)]
            table.row(cells, indent=10, kind="member")
    if not report.groups:
        table.row(["No entries", *[""] * len(fixed)])
    cells = ["Total", duration(total, hours), "100.0 %" if total else ""]
    if show:
        cells += ["", _amounts(report.totals.currencies, "\n")]
    table.row(cells, bold=True, rule=True, lines=max(1, len(report.totals.currencies)))
    doc.finish()
