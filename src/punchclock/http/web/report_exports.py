"""The report pages' CSV and PDF downloads: the Reports v2 exporters, called as the v2 routes call them.

With the API's defaults for what the form does not offer (summary items not split by rate, rows ordered
by title or by date, newest first), the CSV answers the same bytes as
``/reports/api/v2/{summary,details,weekly}.csv`` for the same filters and ``display_hours``.
"""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Request, Response
from sqlalchemy.orm import Session

from punchclock.http.reports import exports
from punchclock.http.reports.routes.details import pdf_writer
from punchclock.reports import csv, detailed, overview, pdf, query, summary, weekly
from punchclock.reports.filters import ReportFilters
from punchclock.reports.query import ReportContext
from punchclock.reports.results import Dimension, SummaryReport, WeeklyReport


def summary_report(db: Session, ctx: ReportContext, filters: ReportFilters, grouping: str,
                   subgrouping: str) -> SummaryReport:
    return summary.report(db, ctx, filters, grouping=Dimension(grouping), subgrouping=Dimension(subgrouping))


def weekly_report(db: Session, ctx: ReportContext, filters: ReportFilters, grouping: str) -> WeeklyReport:
    return weekly.report(db, ctx, filters, grouping="users" if grouping == "users" else "projects")


def summary_export(request: Request, db: Session, ctx: ReportContext, filters: ReportFilters, fmt: str,
                   display_hours: str, grouping: str, subgrouping: str) -> Response:
    report = summary_report(db, ctx, filters, grouping, subgrouping)
    if fmt == "csv":
        return exports.csv_rows_response("summary", filters, csv.summary_header(report.grouping, report.subgrouping),
                                         csv.summary_rows(report, display_hours, ctx.show_money))
    options = [("Grouping", f"by {report.grouping.value}, sub-grouping by {report.subgrouping.value}")]
    meta = overview.make_meta(db, ctx, filters, "Summary report", display_hours, options)
    chart = overview.time_chart(db, ctx.zones, filters, query.entries(ctx, filters, query.resolve(db, filters)))
    return exports.pdf_response(request, "summary", filters, lambda _db, out: pdf.summary.render(out, meta, report,
                                                                                                 chart))


def detailed_export(request: Request, db: Session, ctx: ReportContext, filters: ReportFilters, fmt: str,
                    display_hours: str) -> Response:
    if fmt == "csv":
        def lines(body_db: Session) -> Iterator[str]:
            return csv.details_lines(detailed.every_line(body_db, ctx, filters), display_hours, ctx.show_money)

        return exports.csv_text_response(request, "details", filters, csv.DETAILS_HEADER, lines)
    meta = overview.make_meta(db, ctx, filters, "Detailed report", display_hours)
    return exports.pdf_response(request, "details", filters, pdf_writer(ctx, filters, meta, "date", True))


def weekly_export(request: Request, db: Session, ctx: ReportContext, filters: ReportFilters, fmt: str,
                  display_hours: str, grouping: str) -> Response:
    report = weekly_report(db, ctx, filters, grouping)
    if fmt == "csv":
        return exports.csv_rows_response("weekly", filters, csv.weekly_header(report),
                                         csv.weekly_rows(report, display_hours, ctx.show_money))
    options = [("Grouping", f"by {report.grouping}"), ("Calculate", "time")]
    meta = overview.make_meta(db, ctx, filters, "Weekly report", display_hours, options)
    return exports.pdf_response(request, "weekly", filters, lambda _db, out: pdf.weekly.render(out, meta, report))
