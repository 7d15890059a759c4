"""``GET /summary`` (50-reports §8): parameters in, the summary JSON out (money masked per §4.4); exports (§10)."""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response

from punchclock.domain.colors import hex_color
from punchclock.http import wire
from punchclock.http.reports import common, exports, openapi, params, serialize
from punchclock.reports import csv, overview, pdf, query, summary
from punchclock.reports.results import Dimension, SummaryGroup, SummaryItem, SummaryReport, Title

router = common.make_router()

#: The key of a one-field title per dimension (§8.2, §8.3).
_TITLE_KEY = {
    Dimension.CLIENTS: "client",
    Dimension.USERS: "user",
    Dimension.TASKS: "task",
    Dimension.TIME_ENTRIES: "time_entry",
}


def title(t: Title) -> dict[str, Any]:
    if t.dimension is not Dimension.PROJECTS:
        return {_TITLE_KEY[t.dimension]: t.name}
    out: dict[str, Any] = {"project": t.name, "client": t.client}
    if t.color is not None:
        # The docs name the hex key ``color_hex``, the other reports ``hex_color``: both are sent (O-45).
        hexa = hex_color(t.color)
        out.update({"color": str(t.color), "color_hex": hexa, "hex_color": hexa})
    return out


def _joined(ids: tuple[int, ...] | None) -> str:
    return ",".join(str(i) for i in ids or ())


def item(i: SummaryItem, show_money: bool, *, with_ids: bool, with_entry_ids: bool,
         titles: dict[int, dict[str, Any]] | None = None) -> dict[str, Any]:
    """``titles``: the title objects already rendered, by ``id`` of the ``Title`` (items share them)."""
    rendered = None if titles is None else titles.get(id(i.title))
    if rendered is None:
        rendered = title(i.title)
        if titles is not None:
            titles[id(i.title)] = rendered
    out: dict[str, Any] = {
        "title": rendered,
        "time": serialize.ms(i.seconds),
        "cur": i.currency if show_money else "",
        "sum": serialize.number(i.amount) if show_money else None,
        "rate": serialize.number(i.rate) if show_money else None,
    }
    if with_ids:
        out["ids"] = _joined(i.object_ids)
    if with_entry_ids:
        out["time_entry_ids"] = _joined(i.entry_ids)
    return out


def group(g: SummaryGroup, show_money: bool, *, with_ids: bool, with_entry_ids: bool,
          titles: dict[int, dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "id": g.id,
        "title": title(g.title),
        "time": serialize.ms(g.seconds),
        # A group with a null id keeps [] even when money is hidden (O-80, §4.4).
        "total_currencies": serialize.currencies(g.currencies, show_money, placeholder=False),
        "items": [item(i, show_money, with_ids=with_ids, with_entry_ids=with_entry_ids, titles=titles)
                  for i in g.items],
    }


def body(report: SummaryReport, show_money: bool, *, with_ids: bool, with_entry_ids: bool) -> dict[str, Any]:
    # Sub-group titles repeat across groups (a user in every project): each is rendered once.
    titles: dict[int, dict[str, Any]] = {}
    return {
        **serialize.totals(report.totals, show_money),
        "data": [group(g, show_money, with_ids=with_ids, with_entry_ids=with_entry_ids, titles=titles)
                 for g in report.groups],
    }


def _report(s: common.Started) -> tuple[SummaryReport, bool, bool]:
    """The summary of the request's parameters, with the ``subgrouping_ids`` and
    ``grouped_time_entry_ids`` switches (shared by JSON, CSV and PDF)."""
    p = s.params
    grouping = Dimension(p.choice("grouping", [d.value for d in summary.GROUPINGS], Dimension.PROJECTS.value))
    subgrouping = Dimension(p.choice("subgrouping", [d.value for d in summary.SUBGROUPINGS],
                                     Dimension.TIME_ENTRIES.value))
    summary.check_pair(grouping, subgrouping)
    order, desc = params.order(p, summary.ORDER_FIELDS, "title", False)
    with_ids = bool(p.switch("subgrouping_ids", "true", "false", False))
    with_entry_ids = bool(p.switch("grouped_time_entry_ids", "true", "false", False))
    report = summary.report(
        s.db, s.ctx, s.filters, grouping=grouping, subgrouping=subgrouping,
        distinct_rates=bool(p.switch("distinct_rates", "on", "off", False)),
        # Time-entry items name their entries in ``ids`` too (O-67).
        with_entry_ids=with_entry_ids or (with_ids and subgrouping is Dimension.TIME_ENTRIES),
        order=order, descending=desc,
    )
    return report, with_ids, with_entry_ids


@router.get("/summary", summary="Summary report", **openapi.json_report(openapi.SUMMARY, "ReportsSummary"))
async def summary_report(request: Request) -> Response:
    s = await common.start(request)
    report, with_ids, with_entry_ids = _report(s)
    return wire.json_response(body(report, s.ctx.show_money, with_ids=with_ids, with_entry_ids=with_entry_ids))


@router.get("/summary.csv", summary="Summary report as CSV", **openapi.export(openapi.SUMMARY, openapi.CSV))
async def summary_csv(request: Request) -> Response:
    s = await common.start(request)
    report, _, _ = _report(s)
    display = params.display_hours(s.params)
    return exports.csv_rows_response("summary", s.filters, csv.summary_header(report.grouping, report.subgrouping),
                                     csv.summary_rows(report, display, s.ctx.show_money))


@router.get("/summary.pdf", summary="Summary report as PDF", **openapi.export(openapi.SUMMARY, openapi.PDF))
async def summary_pdf(request: Request) -> Response:
    s = await common.start(request)
    report, _, _ = _report(s)
    options = [("Grouping", f"by {report.grouping.value}, sub-grouping by {report.subgrouping.value}")]
    meta = overview.make_meta(s.db, s.ctx, s.filters, "Summary report", params.display_hours(s.params), options)
    entries = query.entries(s.ctx, s.filters, query.resolve(s.db, s.filters))
    chart = overview.time_chart(s.db, s.ctx.zones, s.filters, entries)
    return exports.pdf_response(request, "summary", s.filters,
                                lambda _db, out: pdf.summary.render(out, meta, report, chart))
