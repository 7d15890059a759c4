"""Reports in the browser: summary, detailed and weekly pages with charts, and their CSV and PDF downloads.

A GET form (shareable URLs, the back button works) in Reports v2's parameter names; the filters, the
reports, the charts' figures and the exports are the Reports API's own functions (``report_params``,
``reports.*``, ``report_exports``), so the page shows what ``/reports/api/v2`` answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from punchclock.domain.colors import hex_color
from punchclock.domain.errors import Malformed, NotFound
from punchclock.http.ids import id_value
from punchclock.http.v9 import errors as v9_errors
from punchclock.http.web import report_charts, report_exports, report_options, report_params, report_ranges
from punchclock.http.web.common import Viewer, WebRoute, page, signed_in
from punchclock.http.web.report_params import ReportForm
from punchclock.reports import detailed, query
from punchclock.reports.filters import ReportFilters
from punchclock.reports.money import per_currency
from punchclock.reports.pdf import summary as summary_pdf
from punchclock.reports.pdf import weekly as weekly_pdf
from punchclock.reports.query import ReportContext
from punchclock.reports.results import Money, SummaryGroup

router = APIRouter(route_class=WebRoute, include_in_schema=False)

KINDS = {"summary": "Summary", "detailed": "Detailed", "weekly": "Weekly"}
FORMATS = ("csv", "pdf")
#: Items listed under each summary group: a year of distinct descriptions would make a page of thousands.
ITEMS_SHOWN = 25
#: Friendlier words than the API's for the mistakes a person makes in the form.
_MESSAGES = {
    "since_after_until": "The start date is after the end date.",
    "until_before_since": "The end date is before the start date.",
    "span_too_long": "A report covers at most one year.",
}


@dataclass(slots=True)
class Run:
    """One report request: who asks, the form, the report context and (when the form is valid) the filters."""

    viewer: Viewer
    form: ReportForm
    ctx: ReportContext
    filters: ReportFilters | None
    #: Why there are no filters: a date, span or id the API refuses.
    problem: Malformed | None

    @property
    def error(self) -> str | None:
        return None if self.problem is None else _MESSAGES.get(self.problem.code, v9_errors.render(self.problem)[1])


def group_money(group: SummaryGroup) -> list[Money]:
    """What a summary group's items billed per currency (as its PDF line: the "none" group too)."""
    return [m for m in per_currency(Money(i.currency, i.amount) for i in group.items) if m.amount]


def project_color(color: int | None) -> str | None:
    return None if color is None else hex_color(color)


async def _start(request: Request, kind: str) -> Run:
    if kind not in KINDS:
        raise NotFound("not_found_route")
    viewer = await signed_in(request)
    form = report_params.read_form(kind, request.query_params, viewer.user)
    workspace_id = viewer.workspace_id
    if form.workspace_id:
        asked = id_value(form.workspace_id)
        if asked is None:
            raise Malformed("invalid_param", name="workspace_id")
        workspace_id = asked
    # Members only (403 otherwise), as the API: a shared link to another workspace shows nothing of it.
    ctx = query.context(viewer.db, viewer.actor, workspace_id)
    try:
        return Run(viewer, form, ctx, report_params.report_filters(form, workspace_id, viewer.user), None)
    except Malformed as err:
        return Run(viewer, form, ctx, None, err)


@router.get("/reports")
async def reports_home(request: Request) -> Response:
    query_string = request.url.query
    return RedirectResponse("/reports/summary" + ("?" + query_string if query_string else ""), status_code=303)


@router.get("/reports/{kind}.{fmt}")
async def download(request: Request, kind: str, fmt: str) -> Response:
    """The CSV or PDF of exactly the page's report (the page's links pin its dates)."""
    run = await _start(request, kind)
    if fmt not in FORMATS:
        raise NotFound("not_found_route")
    if run.filters is None:
        raise run.problem or Malformed("invalid_param", name="since")
    db, ctx, form, filters = run.viewer.db, run.ctx, run.form, run.filters
    hours = form.display_hours
    if kind == "summary":
        return report_exports.summary_export(request, db, ctx, filters, fmt, hours, form.grouping, form.subgrouping)
    if kind == "weekly":
        return report_exports.weekly_export(request, db, ctx, filters, fmt, hours, form.grouping)
    return report_exports.detailed_export(request, db, ctx, filters, fmt, hours)


@router.get("/reports/{kind}")
async def report_page(request: Request, kind: str) -> Response:
    run = await _start(request, kind)
    context = _common(run)
    if run.filters is not None:
        context.update(_figures(run, run.filters))
    # A mistyped range shows the form with the message (200: the browser logs any 4xx document as an error).
    return page(request, f"reports/{kind}.html", **context)


def _common(run: Run) -> dict[str, Any]:
    """What every report page shows: the form with its choices, the tabs, the download links."""
    form, filters = run.form, run.filters
    pinned = None if filters is None else (filters.since, filters.until)
    return {
        "viewer": run.viewer, "form": form, "kinds": KINDS, "presets": report_ranges.PRESETS,
        "options": report_options.load(run.viewer.db, run.viewer.actor, run.ctx.workspace_id),
        "labels": report_options.LABELS, "tab_query": form.query(), "download_query": form.query(pinned=pinned),
        "filters": filters, "error": run.error, "show_money": run.ctx.show_money,
        "summary_groupings": report_params.SUMMARY_GROUPINGS, "weekly_groupings": report_params.WEEKLY_GROUPINGS,
        "subgroupings": report_params.subgroupings(form.grouping) if form.kind == "summary" else [],
        "tz": run.viewer.actor.tz, "fmt": run.viewer.user, "title_text": summary_pdf.title_text,
        "subject_text": weekly_pdf.subject_text,
        "group_money": group_money, "items_shown": ITEMS_SHOWN, "project_color": project_color,
    }


def _figures(run: Run, filters: ReportFilters) -> dict[str, Any]:
    """The report, its totals and its charts."""
    db, ctx, form = run.viewer.db, run.ctx, run.form
    entries = query.entries(ctx, filters, query.resolve(db, filters))
    out: dict[str, Any] = {
        "chart": report_charts.time_chart(db, ctx, filters, entries),
        "shares": report_charts.project_shares(db, entries),
    }
    if form.kind == "summary":
        out["report"] = report_exports.summary_report(db, ctx, filters, form.grouping, form.subgrouping)
    elif form.kind == "weekly":
        out["report"] = report_exports.weekly_report(db, ctx, filters, form.grouping)
    else:
        out["report"] = detailed.report(db, ctx, filters, page=form.page)
        out["pages"] = -(-out["report"].totals.count // detailed.PER_PAGE)
    out["totals"] = out["report"].totals
    return out
