"""Reports v3: ``projects/summary`` and ``projects/{project_id}/summary`` (60- §8)."""

from __future__ import annotations

from fastapi import Request, Response

from punchclock.http import wire
from punchclock.http.reports_v3 import body, common, docs_search, render_search
from punchclock.http.v9.params import path_id
from punchclock.reports import by_project
from punchclock.reports.filters import ReportFilters

router = common.make_router()


async def _days(request: Request, workspace_id: int, *, optional: bool) -> tuple[common.Caller, ReportFilters]:
    """The caller and the body's days (§3 rules); the other filters do not apply here (60- §8)."""
    c = await common.caller(request, workspace_id)
    b = await common.read_body(request, optional=optional)
    since, until = body.date_range(b, c.today)
    return c, ReportFilters(workspace_id=workspace_id, since=since, until=until)


@router.post(common.PREFIX + "/projects/summary", summary="Tracked and billable seconds per project and user",
             openapi_extra=docs_search.request_body(docs_search.V3ProjectsBody),
             responses=docs_search.answer(list[docs_search.V3ProjectLine], "One line per (project, user)"))
async def projects_summary(workspace_id: docs_search.WorkspaceId, request: Request) -> Response:
    c, filters = await _days(request, path_id(workspace_id), optional=False)
    return wire.json_response(render_search.project_lines(by_project.per_project_user(c.db, c.ctx, filters)))


@router.post(common.PREFIX + "/projects/{project_id}/summary", summary="One project's totals (premium)",
             openapi_extra=docs_search.request_body(docs_search.V3ProjectsBody, required=False),
             responses=docs_search.answer(docs_search.V3Totals, "The totals of the project's entries, no graph"))
async def project_summary(workspace_id: docs_search.WorkspaceId, project_id: docs_search.ProjectId,
                          request: Request) -> Response:
    wid, pid = path_id(workspace_id), path_id(project_id)
    c, filters = await _days(request, wid, optional=True)
    report = by_project.project_totals(c.db, c.ctx, filters, pid, beginning_of_week=c.ctx.actor.user.beginning_of_week)
    return wire.json_response(render_search.totals(report, show_money=c.ctx.show_money))
