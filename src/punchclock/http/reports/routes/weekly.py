"""``GET /weekly`` (50-reports §6), its JSON shape, and its CSV and PDF exports (§10)."""

from __future__ import annotations

from typing import Any, cast

from fastapi import Request, Response

from punchclock.domain.colors import hex_color
from punchclock.http import wire
from punchclock.http.reports import common, exports, openapi, params, serialize
from punchclock.reports import csv, overview, pdf, weekly
from punchclock.reports.results import Grouping, ProjectSubject, Subject, UserSubject, Week, WeeklyReport

router = common.make_router()


def title(subject: Subject) -> dict[str, Any]:
    """``{"user"}`` or ``{"project", "client"}`` plus the colour keys when there is a project (§6.2)."""
    if isinstance(subject, UserSubject):
        return {"user": subject.name}
    out: dict[str, Any] = {"project": subject.name, "client": subject.client_name}
    if subject.id is not None and subject.color is not None:
        out["color"] = str(subject.color)
        out["hex_color"] = hex_color(subject.color)
    return out


def _id(subject: Subject) -> dict[str, Any]:
    return {"pid": subject.id} if isinstance(subject, ProjectSubject) else {"uid": subject.id}


def week_values(week: Week, earnings: bool, show_money: bool, *, empty_total: bool = False) -> list[Any]:
    """The 8 values of §6.3 (ms, day 1…7 and the sum), or one object per currency in earnings mode.

    ``empty_total``: the report-wide ``week_totals`` of a report without entries, whose sum is null.
    """
    if earnings:
        if not show_money:
            return [None for _ in week.money]  # one null per currency (§4.4, O-66)
        return [{"currency": m.currency, "amount": [*map(serialize.number, m.days), serialize.number(m.total)]}
                for m in week.money]
    return [*(serialize.ms(d) for d in week.days), None if empty_total else serialize.ms(week.total)]


def weekly_json(report: WeeklyReport, show_money: bool) -> dict[str, Any]:
    earn = report.earnings
    return {
        **serialize.totals(report.totals, show_money),
        "data": [
            {
                "title": title(row.subject),
                **_id(row.subject),
                "totals": week_values(row.week, earn, show_money),
                "details": [
                    {**_id(d.subject), "title": title(d.subject), "totals": week_values(d.week, earn, show_money)}
                    for d in row.details
                ],
            }
            for row in report.rows
        ],
        "week_totals": week_values(report.week, earn, show_money, empty_total=not report.has_entries),
    }


def _report(s: common.Started) -> WeeklyReport:
    """The weekly report of the request's parameters (shared by JSON, CSV and PDF)."""
    grouping = s.params.choice("grouping", weekly.GROUPINGS, "projects")
    calculate = s.params.choice("calculate", weekly.CALCULATIONS, "time")
    order, desc = params.order(s.params, weekly.ORDER_FIELDS, "title", False)
    return weekly.report(s.db, s.ctx, s.filters, grouping=cast(Grouping, grouping),
                         earnings=calculate == "earnings", order=order, descending=desc)


@router.get("/weekly", summary="Weekly report", **openapi.json_report(openapi.WEEKLY, "ReportsWeekly"))
async def weekly_report(request: Request) -> Response:
    s = await common.start(request, weekly=True)
    report = _report(s)
    return wire.json_response(weekly_json(report, s.ctx.show_money))


@router.get("/weekly.csv", summary="Weekly report as CSV", **openapi.export(openapi.WEEKLY, openapi.CSV))
async def weekly_csv(request: Request) -> Response:
    s = await common.start(request, weekly=True)
    report = _report(s)
    display = params.display_hours(s.params)
    return exports.csv_rows_response("weekly", s.filters, csv.weekly_header(report),
                                     csv.weekly_rows(report, display, s.ctx.show_money))


@router.get("/weekly.pdf", summary="Weekly report as PDF", **openapi.export(openapi.WEEKLY, openapi.PDF))
async def weekly_pdf(request: Request) -> Response:
    s = await common.start(request, weekly=True)
    report = _report(s)
    options = [("Grouping", f"by {report.grouping}"), ("Calculate", "earnings" if report.earnings else "time")]
    meta = overview.make_meta(s.db, s.ctx, s.filters, "Weekly report", params.display_hours(s.params), options)
    return exports.pdf_response(request, "weekly", s.filters, lambda _db, out: pdf.weekly.render(out, meta, report))
