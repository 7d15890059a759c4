"""The Reports v3 project endpoints (60- §8): seconds per (project, owner), and one project's §5 totals."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from sqlalchemy import case, func, literal, select
from sqlalchemy.orm import Session

from punchclock.domain.errors import PaymentRequired
from punchclock.reports import project, query
from punchclock.reports.filters import IdFilter, ReportFilters
from punchclock.reports.query import ReportContext
from punchclock.reports.tracked import Tracked, tracked


@dataclass(frozen=True, slots=True)
class ProjectUserLine:
    user_id: int
    project_id: int
    tracked_seconds: int
    billable_seconds: int


def per_project_user(db: Session, ctx: ReportContext, filters: ReportFilters) -> list[ProjectUserLine]:
    """One line per (project, owner) with counted entries, entries without project left out; by project
    id, then user id."""
    e = query.entries(ctx, filters, query.resolve(db, filters)).subquery()
    billable = func.sum(case((e.c.billable.is_(True), e.c.seconds), else_=literal(0)))
    rows = db.connection().execute(
        select(e.c.user_id, e.c.project_id, func.sum(e.c.seconds), billable)
        .where(e.c.project_id.is_not(None))
        .group_by(e.c.project_id, e.c.user_id)
        .order_by(e.c.project_id, e.c.user_id),
        ctx.zones.range_values(filters.since, filters.until),
    ).all()
    return [ProjectUserLine(r[0], r[1], int(r[2]), int(r[3])) for r in rows]


def project_totals(db: Session, ctx: ReportContext, filters: ReportFilters, project_id: int, *,
                   beginning_of_week: int = 1) -> Tracked:
    """The §5 totals of one project: premium only (402 before the project is looked up, like v2's project
    dashboard, V-45), 404 when the caller can't see the project."""
    if not ctx.workspace.premium:
        raise PaymentRequired("reports_premium")
    found, _ = project._load_project(db, ctx, project_id)
    only = dataclasses.replace(filters, project_ids=IdFilter(frozenset({found.id})))
    return tracked(db, ctx, only, beginning_of_week=beginning_of_week)
