"""Reports v3: the detailed report ``search/time_entries`` (60- §4) and its totals (§5)."""

from __future__ import annotations

from fastapi import Request, Response

from punchclock.http import wire
from punchclock.http.ids import MAX_ID
from punchclock.http.reports_v3 import body, common, docs_search, render_search
from punchclock.http.v9.params import path_id
from punchclock.reports import search, tracked
from punchclock.reports.search import SearchQuery

router = common.make_router()


def search_query(b: body.Body) -> SearchQuery:
    """Grouping, order and page of 60- §4.1 and §4.3."""
    order = b.detailed_order(search.ORDERS)
    descending = b.descending(order in search.DESCENDING_BY_DEFAULT)
    size = b.integer("page_size", default=search.PAGE_SIZE, minimum=1)
    b.integer("first_timestamp", minimum=-MAX_ID)  # accepted with first_id, still typed
    b.boolean("enrich_response")
    return SearchQuery(
        grouped=bool(b.boolean("grouped", False)),
        order=order,
        descending=descending,
        page_size=min(size or search.PAGE_SIZE, search.MAX_PAGE_SIZE),
        first_row_number=b.integer("first_row_number", minimum=1),
        first_id=b.integer("first_id", minimum=1),
    )


@router.post(common.PREFIX + "/search/time_entries", summary="Detailed report: rows of time entries, paged",
             openapi_extra=docs_search.request_body(docs_search.V3SearchBody),
             responses=docs_search.answer(list[docs_search.V3SearchRow], "Rows of the page; X-Next-* when more follow",
                                          docs_search.NEXT_HEADERS))
async def search_time_entries(workspace_id: docs_search.WorkspaceId, request: Request) -> Response:
    s = await common.start(request, path_id(workspace_id))
    q = search_query(s.body)
    hide_amounts = bool(s.body.boolean("hide_amounts", False))
    page = search.search(s.db, s.ctx, s.filters, q)
    show_email = s.ctx.actor.is_admin(s.ctx.workspace_id)
    answer = render_search.rows(page, show_money=s.ctx.show_money, hide_amounts=hide_amounts, show_email=show_email)
    return wire.json_response(answer, headers=render_search.next_headers(page))


@router.post(common.PREFIX + "/search/time_entries/totals", summary="Totals of the detailed report",
             openapi_extra=docs_search.request_body(docs_search.V3TotalsBody),
             responses=docs_search.answer(docs_search.V3Totals, "Seconds, tracked days, amounts, rates, graph"))
async def search_totals(workspace_id: docs_search.WorkspaceId, request: Request) -> Response:
    s = await common.start(request, path_id(workspace_id))
    s.body.boolean("grouped")  # no effect on sums
    s.body.boolean("withInlineRates")
    granularity = s.body.choice("granularity", tracked.RESOLUTIONS, "")
    resolution = granularity or s.body.choice("resolution", tracked.RESOLUTIONS, "") or None
    report = tracked.tracked(s.db, s.ctx, s.filters, resolution=resolution,
                             with_graph=bool(s.body.boolean("with_graph", False)),
                             beginning_of_week=s.ctx.actor.user.beginning_of_week)
    return wire.json_response(render_search.totals(report, show_money=s.ctx.show_money))
