"""``GET /project``: the project dashboard (50-reports §9), JSON only."""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response

from punchclock.http import wire
from punchclock.http.reports import common, openapi, params
from punchclock.http.reports.serialize import ms
from punchclock.reports import project
from punchclock.reports.project import ProjectDashboard, TaskLine, UserLine

router = common.make_router()


def _user(u: UserLine, show_money: bool) -> dict[str, Any]:
    return {
        "name": u.name,
        "duration": ms(u.seconds),
        "billable_duration": ms(u.billable_seconds) if show_money else None,
        "billable_amount": u.amount if show_money else None,
    }


def _top_task(t: TaskLine, show_money: bool) -> dict[str, Any]:
    # The docs spell the assignee key "asignee" in this list only (§9.2).
    return {
        "duration": ms(t.seconds),
        "billable_amount": t.amount if show_money else None,
        "name": t.name,
        "estimated_seconds": t.estimated_seconds,
        "asignee": t.assignee,
    }


def _page_task(t: TaskLine, show_money: bool) -> dict[str, Any]:
    return {
        "name": t.name,
        "assignee": t.assignee,
        "estimated_seconds": t.estimated_seconds,
        "duration": ms(t.seconds),
        "billable_amount": t.amount if show_money else None,
    }


def dashboard_json(d: ProjectDashboard, show_money: bool) -> dict[str, Any]:
    """Every documented key, always; hidden money reads ``""``/null (§4.4)."""
    return {
        "name": d.name,
        "duration": ms(d.seconds),
        "duration_without_task": ms(d.seconds_without_task),
        "billable_duration": ms(d.billable_seconds) if show_money else None,
        "billable_amount": d.amount if show_money else None,
        "tasks_count": d.tasks_count,
        "currency": d.currency if show_money else "",
        "estimated_seconds": d.estimated_seconds,
        "task_estimated_seconds": d.task_estimated_seconds,
        "use_task_estimated_seconds": d.use_task_estimates,
        "tasks_per_page": d.tasks_per_page,
        "users": [_user(u, show_money) for u in d.users],
        "top_tasks": [_top_task(t, show_money) for t in d.top_tasks],
        "tasks_page": [_page_task(t, show_money) for t in d.tasks_page],
    }


@router.get("/project", summary="Project dashboard",
            **openapi.json_report(openapi.PROJECT, "ReportsProjectDashboard"))
async def project_dashboard(request: Request) -> Response:
    db, ctx, p = await common.start_without_filters(request)
    project_id = p.required_integer("project_id")
    page = p.integer("page", default=1) or 1
    order, desc = params.order(p, project.ORDER_FIELDS, "name", False)
    result = project.dashboard(db, ctx, project_id, order=order, descending=desc, page=page)
    return wire.json_response(dashboard_json(result, ctx.show_money))
