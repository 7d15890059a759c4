"""``POST weekly/time_entries`` (60- §7, V-34): seven days from ``start_date``, rows per owner, project and rate."""

from __future__ import annotations

from fastapi import Request, Response

from punchclock.http import wire
from punchclock.http.reports_v3 import body, common, docs_search, docs_summary, render_summary
from punchclock.http.v9.params import path_id
from punchclock.reports import week_rows

router = common.make_router()


@router.post(common.PREFIX + "/weekly/time_entries", summary="Weekly report: seven days per user, project and rate",
             openapi_extra=docs_search.request_body(docs_summary.V3WeeklyBody),
             responses=docs_search.answer(list[docs_summary.V3WeeklyRow], "Rows by user, project and rate"))
async def weekly_report(workspace_id: docs_search.WorkspaceId, request: Request) -> Response:
    wid = path_id(workspace_id)
    c = await common.caller(request, wid)
    b = await common.read_body(request)
    # The week starts on the caller's beginning_of_week unless start_date says otherwise.
    first, last, _ = body.week_range(b, c.today, c.ctx.actor.user.beginning_of_week)
    rows = week_rows.report(c.db, c.ctx, body.filters(b, wid, first, last))
    return wire.json_response(render_summary.weekly(rows, c.ctx.show_money))
