"""``POST summary/time_entries`` (60- §6, V-33): the common filters, the grouping pair, JSON groups out."""

from __future__ import annotations

from fastapi import Request, Response

from punchclock.http import wire
from punchclock.http.reports_v3 import common, docs_search, docs_summary, render_summary
from punchclock.http.reports_v3.body import Body
from punchclock.http.v9.params import path_id
from punchclock.reports import sub_groups
from punchclock.reports.results import Dimension

router = common.make_router()


def _dimension(body: Body, name: str, allowed: tuple[Dimension, ...], default: Dimension) -> Dimension:
    return Dimension(body.choice(name, (d.value for d in allowed), default.value))


@router.post(common.PREFIX + "/summary/time_entries", summary="Summary report: groups and their sub-groups",
             openapi_extra=docs_search.request_body(docs_summary.V3SummaryBody),
             responses=docs_search.answer(docs_summary.V3Summary, "Groups and their sub-groups, by title"))
async def summary_report(workspace_id: docs_search.WorkspaceId, request: Request) -> Response:
    s = await common.start(request, path_id(workspace_id))
    b = s.body
    grouping = _dimension(b, "grouping", sub_groups.GROUPINGS, Dimension.PROJECTS)
    sub_grouping = _dimension(b, "sub_grouping", sub_groups.SUB_GROUPINGS, Dimension.TIME_ENTRIES)
    report = sub_groups.report(
        s.db, s.ctx, s.filters, grouping=grouping, sub_grouping=sub_grouping,
        distinguish_rates=bool(b.boolean("distinguish_rates")),
        with_entry_ids=bool(b.boolean("include_time_entry_ids")),
    )
    return wire.json_response(render_summary.summary(report, s.ctx.show_money))
