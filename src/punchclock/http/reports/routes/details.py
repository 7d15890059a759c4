"""``GET /details`` (50-reports §7) and its exports (§10): ``page`` is ignored by both (O-70)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import IO

from fastapi import Request, Response
from sqlalchemy.orm import Session

from punchclock.http import wire
from punchclock.http.reports import common, exports, openapi, params, serialize
from punchclock.reports import csv, detailed, overview, pdf, query
from punchclock.reports.filters import ReportFilters
from punchclock.reports.pdf.model import Meta
from punchclock.reports.totals import totals

router = common.make_router()


@router.get("/details", summary="Detailed report",
            **openapi.json_report(openapi.DETAILS_PAGED, "ReportsDetailed"))
async def details(request: Request) -> Response:
    s = await common.start(request)
    order, desc = params.order(s.params, detailed.ORDER_FIELDS, "date", True)
    page = s.params.details_page()
    report = detailed.report(s.db, s.ctx, s.filters, order=order, descending=desc, page=page)
    return wire.json_response(serialize.detailed(report, s.ctx.show_money))


@router.get("/details.csv", summary="Detailed report as CSV (every matching entry)",
            **openapi.export(openapi.DETAILS, openapi.CSV))
async def details_csv(request: Request) -> Response:
    s = await common.start(request)
    order, desc = params.order(s.params, detailed.ORDER_FIELDS, "date", True)
    display = params.display_hours(s.params)
    ctx, filters = s.ctx, s.filters

    def lines(db: Session) -> Iterator[str]:
        return csv.details_lines(detailed.every_line(db, ctx, filters, order=order, descending=desc), display,
                                 ctx.show_money)

    return exports.csv_text_response(request, "details", filters, csv.DETAILS_HEADER, lines)


@router.get("/details.pdf", summary="Detailed report as PDF (every matching entry)",
            **openapi.export(openapi.DETAILS, openapi.PDF))
async def details_pdf(request: Request) -> Response:
    s = await common.start(request)
    order, desc = params.order(s.params, detailed.ORDER_FIELDS, "date", True)
    meta = overview.make_meta(s.db, s.ctx, s.filters, "Detailed report", params.display_hours(s.params))
    return exports.pdf_response(request, "details", s.filters, pdf_writer(s.ctx, s.filters, meta, order, desc))


def pdf_writer(ctx: query.ReportContext, filters: ReportFilters, meta: Meta, order: str,
               descending: bool) -> Callable[[Session, IO[bytes]], None]:
    """The detailed PDF under ``meta`` (also the Reports v3 export's, 60-reports-v3 §9)."""

    def write(db: Session, out: IO[bytes]) -> None:
        # Everything but the heading is read here, from the body's own session (O-70: all rows).
        entries = query.entries(ctx, filters, query.resolve(db, filters))
        pdf.detailed.render(out, meta, totals(db, entries), overview.time_chart(db, ctx.zones, filters, entries),
                            overview.project_shares(db, entries),
                            detailed.every_row(db, ctx, filters, order=order, descending=descending, entries=entries))

    return write
