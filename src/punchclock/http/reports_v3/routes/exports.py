"""Reports v3 exports (60-reports-v3 §9, V-35): CSV, PDF and XLSX files of the detailed, summary and weekly reports.

An export is the Reports v2 export (50-reports §10) of the same filters, with the v3 body's options mapped
onto v2's: the same builders and renderers, every row (``page_size`` and ``first_*`` are not read, so no
``X-Next-*`` header), file names ``punchclock_<report>_<start_date>_<end_date>.<ext>``. Errors are JSON
strings, raised before the file starts.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import IO, Any, cast

from fastapi import Request, Response
from sqlalchemy.orm import Session

from punchclock.http.reports import exports
from punchclock.http.reports.routes import details as v2_details
from punchclock.http.reports_v3 import body, common
from punchclock.reports import csv, detailed, overview, pdf, query, search, summary, weekly, xlsx
from punchclock.reports.pdf.model import DATE_FORMATS, Meta
from punchclock.reports.results import Dimension, Grouping, SummaryReport, WeeklyReport

router = common.make_router()

#: ``duration_format`` -> v2's ``display_hours``: ``improved`` is ``classic``'s ``HH:MM:SS`` (§9).
DURATION_FORMATS = {"classic": "minutes", "improved": "minutes", "decimal": "decimal"}
SUMMARY_ORDERS = ("title", "duration")
HIDDEN_ON_REQUEST = "Amounts are not shown: the export was asked for without them (hide_amounts)."
_DETAILED, _SUMMARY, _WEEKLY = "detailed", "summary", "weekly"


Schema = dict[str, Any]


def _enum(values: Iterable[str], default: str) -> Schema:
    return {"type": "string", "enum": [str(v) for v in values], "default": str(default)}


_FLAG: Schema = {"type": "boolean", "default": False}
_DIRECTION = ("ASC", "DESC")
#: The export options of each report's body (§9), besides the JSON report's fields (OpenAPI).
_OPTIONS: dict[str, tuple[str, Schema]] = {
    _DETAILED: ("search/time_entries", {
        "order_by": _enum((*search.ORDERS, "title"), "date"),
        "order_dir": {**_enum(_DIRECTION, "DESC"), "description": "DESC for date and last_update, else ASC"},
        "date_format": {**_enum(DATE_FORMATS, "YYYY-MM-DD"), "description": "How the PDF writes days"},
        "hide_amounts": _FLAG,
    }),
    _SUMMARY: ("summary/time_entries", {
        "grouping": _enum(summary.GROUPINGS, Dimension.PROJECTS), "sub_grouping": _enum(summary.SUBGROUPINGS,
                                                                                       Dimension.TIME_ENTRIES),
        "distinguish_rates": _FLAG, "order_by": _enum(SUMMARY_ORDERS, "title"), "order_dir": _enum(_DIRECTION, "ASC"),
        "hide_amounts": _FLAG, "hide_rates": {**_FLAG, "description": "The PDF leaves out the hourly rates"},
    }),
    _WEEKLY: ("weekly/time_entries", {"grouping": _enum(weekly.GROUPINGS, "projects"),
                                      "calculate": _enum(weekly.CALCULATIONS, "time")}),
}
_CSV = ("CSV", "text/csv", {"type": "string"})
_PDF = ("PDF", exports.PDF_TYPE, {"type": "string", "format": "binary"})
_XLSX = ("XLSX", exports.XLSX_TYPE, {"type": "string", "format": "binary"})


def _docs(report: str, kind: str, media_type: str, schema: Schema) -> dict[str, Any]:
    """Route options of an export (OpenAPI): its summary, its body, and the file instead of a JSON 200."""
    path, options = _OPTIONS[report]
    body_schema = {
        "type": "object", "additionalProperties": True,
        "properties": {"duration_format": _enum(DURATION_FORMATS, "classic"), **options},
        "description": f"The body of POST {path} (dates and filters) with these options; paging is ignored.",
    }
    return {
        "summary": f"{report.capitalize()} report as {kind} (every row)",
        "response_class": Response,
        "openapi_extra": {"requestBody": {"required": True, "content": {"application/json": {"schema": body_schema}}}},
        "responses": {200: {"description": f"The {report} report as a file",
                            "content": {media_type: {"schema": schema}}}},
    }


@dataclass(frozen=True, slots=True)
class Export:
    """A report request with the options every export shares."""

    started: common.Started
    display_hours: str
    #: Money the caller may see, hidden because the body asked (``hide_amounts``).
    hidden_on_request: bool = False

    @property
    def ctx(self) -> query.ReportContext:
        return self.started.ctx

    def meta(self, title: str, options: Sequence[tuple[str, str]] = ()) -> Meta:
        """The PDF heading; it does not blame the workspace's rights for amounts the caller chose to hide."""
        s = self.started
        meta = overview.make_meta(s.db, s.ctx, s.filters, title, self.display_hours, options)
        return replace(meta, hidden_money_note=HIDDEN_ON_REQUEST) if self.hidden_on_request else meta


def _export(s: common.Started, *, hide_amounts: bool) -> Export:
    """``duration_format``; ``hide_amounts`` (where §9 lists it) hides money as a hidden rate does (§4.4)."""
    display = DURATION_FORMATS[s.body.choice("duration_format", DURATION_FORMATS, "classic")]
    if hide_amounts and s.body.boolean("hide_amounts", False) and s.ctx.show_money:
        return Export(replace(s, ctx=replace(s.ctx, show_money=False)), display, hidden_on_request=True)
    return Export(s, display)


# -- detailed ---------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Detailed:
    export: Export
    order: str
    descending: bool
    #: Owners' e-mails are for workspace admins only (V-24), as in the JSON rows (60- §4.2).
    show_emails: bool
    #: How the PDF writes days (the CSV and XLSX keep v2's ``YYYY-MM-DD``, 50-reports §10).
    date_format: str


async def _detailed(request: Request, workspace_id: int) -> Detailed:
    s = await common.start(request, workspace_id)
    e = _export(s, hide_amounts=True)
    order = s.body.detailed_order(search.ORDERS)
    return Detailed(e, order, s.body.descending(order in search.DESCENDING_BY_DEFAULT),
                    s.ctx.actor.is_admin(workspace_id), s.body.choice("date_format", DATE_FORMATS, "YYYY-MM-DD"))


def _without_emails(lines: Iterable[tuple[tuple[Any, ...], list[str]]]) -> Iterator[tuple[tuple[Any, ...], list[str]]]:
    for line, tags in lines:
        yield (line[0], None, *line[2:]), tags


@router.post(common.PREFIX + "/search/time_entries.csv", **_docs(_DETAILED, *_CSV))
async def detailed_csv(request: Request, workspace_id: int) -> Response:
    d = await _detailed(request, workspace_id)
    ctx, filters = d.export.ctx, d.export.started.filters

    def lines(db: Session) -> Iterator[str]:
        every = detailed.every_line(db, ctx, filters, order=d.order, descending=d.descending)
        return csv.details_lines(every if d.show_emails else _without_emails(every), d.export.display_hours,
                                 ctx.show_money)

    return exports.csv_text_response(request, _DETAILED, filters, csv.DETAILS_HEADER, lines)


@router.post(common.PREFIX + "/search/time_entries.pdf", **_docs(_DETAILED, *_PDF))
async def detailed_pdf(request: Request, workspace_id: int) -> Response:
    d = await _detailed(request, workspace_id)
    s = d.export.started
    meta = replace(d.export.meta("Detailed report"), date_format=d.date_format)
    return exports.pdf_response(request, _DETAILED, s.filters,
                                v2_details.pdf_writer(d.export.ctx, s.filters, meta, d.order, d.descending))


@router.post(common.PREFIX + "/search/time_entries.xlsx", **_docs(_DETAILED, *_XLSX))
async def detailed_xlsx(request: Request, workspace_id: int) -> Response:
    d = await _detailed(request, workspace_id)
    ctx, filters, display = d.export.ctx, d.export.started.filters, d.export.display_hours

    def write(db: Session, out: IO[bytes]) -> None:
        rows = detailed.every_row(db, ctx, filters, order=d.order, descending=d.descending)
        xlsx.write(out, "Detailed report", csv.DETAILS_HEADER,
                   xlsx.detailed_rows(rows, display, ctx.show_money, d.show_emails))

    return exports.document_response(request, _DETAILED, filters, write, exports.XLSX_TYPE, "xlsx")


# -- summary ----------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Summary:
    export: Export
    report: SummaryReport
    show_rates: bool


async def _summary(request: Request, workspace_id: int) -> Summary:
    """The v2 summary of the body's ``grouping``, ``sub_grouping``, ``distinguish_rates`` and order (60- §6, §9)."""
    s = await common.start(request, workspace_id)
    b = s.body
    grouping = Dimension(b.choice("grouping", [d.value for d in summary.GROUPINGS], Dimension.PROJECTS.value))
    subgrouping = Dimension(b.choice("sub_grouping", [d.value for d in summary.SUBGROUPINGS],
                                     Dimension.TIME_ENTRIES.value))
    e = _export(s, hide_amounts=True)
    order = b.choice("order_by", SUMMARY_ORDERS, "title")
    report = summary.report(s.db, e.ctx, s.filters, grouping=grouping, subgrouping=subgrouping,
                            distinct_rates=bool(b.boolean("distinguish_rates", False)), order=order,
                            descending=b.descending(False))
    return Summary(e, report, not b.boolean("hide_rates", False))


@router.post(common.PREFIX + "/summary/time_entries.csv", **_docs(_SUMMARY, *_CSV))
async def summary_csv(request: Request, workspace_id: int) -> Response:
    m = await _summary(request, workspace_id)
    header = csv.summary_header(m.report.grouping, m.report.subgrouping)
    rows = csv.summary_rows(m.report, m.export.display_hours, m.export.ctx.show_money)
    return exports.csv_rows_response(_SUMMARY, m.export.started.filters, header, rows)


@router.post(common.PREFIX + "/summary/time_entries.pdf", **_docs(_SUMMARY, *_PDF))
async def summary_pdf(request: Request, workspace_id: int) -> Response:
    m = await _summary(request, workspace_id)
    s, ctx, report = m.export.started, m.export.ctx, m.report
    options = [("Grouping", f"by {report.grouping.value}, sub-grouping by {report.subgrouping.value}")]
    meta = m.export.meta("Summary report", options)
    entries = query.entries(ctx, s.filters, query.resolve(s.db, s.filters))
    chart = overview.time_chart(s.db, ctx.zones, s.filters, entries)
    return exports.pdf_response(request, _SUMMARY, s.filters, lambda _db, out: pdf.summary.render(
        out, meta, report, chart, show_rates=m.show_rates))


@router.post(common.PREFIX + "/summary/time_entries.xlsx", **_docs(_SUMMARY, *_XLSX))
async def summary_xlsx(request: Request, workspace_id: int) -> Response:
    m = await _summary(request, workspace_id)
    display, show = m.export.display_hours, m.export.ctx.show_money
    return exports.document_response(request, _SUMMARY, m.export.started.filters,
                                     lambda _db, out: xlsx.summary(out, m.report, display, show),
                                     exports.XLSX_TYPE, "xlsx")


# -- weekly -----------------------------------------------------------------------------------------------

async def _weekly(request: Request, workspace_id: int) -> tuple[Export, WeeklyReport]:
    """The v2 weekly over v3's week (60- §7: days after ``end_date`` count 0) by ``grouping`` and ``calculate``."""
    c = await common.caller(request, workspace_id)
    b = await common.read_body(request)
    first, last, _ = body.week_range(b, c.today, c.ctx.actor.user.beginning_of_week)
    s = common.Started(c.db, c.ctx, b, body.filters(b, workspace_id, first, last))
    grouping = cast(Grouping, b.choice("grouping", weekly.GROUPINGS, "projects"))
    calculate = b.choice("calculate", weekly.CALCULATIONS, "time")
    e = _export(s, hide_amounts=False)
    return e, weekly.report(s.db, s.ctx, s.filters, grouping=grouping, earnings=calculate == "earnings")


@router.post(common.PREFIX + "/weekly/time_entries.csv", **_docs(_WEEKLY, *_CSV))
async def weekly_csv(request: Request, workspace_id: int) -> Response:
    e, report = await _weekly(request, workspace_id)
    return exports.csv_rows_response(_WEEKLY, e.started.filters, csv.weekly_header(report),
                                     csv.weekly_rows(report, e.display_hours, e.ctx.show_money))


@router.post(common.PREFIX + "/weekly/time_entries.pdf", **_docs(_WEEKLY, *_PDF))
async def weekly_pdf(request: Request, workspace_id: int) -> Response:
    e, report = await _weekly(request, workspace_id)
    s = e.started
    options = [("Grouping", f"by {report.grouping}"), ("Calculate", "earnings" if report.earnings else "time")]
    meta = e.meta("Weekly report", options)
    return exports.pdf_response(request, _WEEKLY, s.filters, lambda _db, out: pdf.weekly.render(out, meta, report))

