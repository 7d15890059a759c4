"""What every Reports v2 route shares: the route class, authentication and the common parameters."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request, Response
from sqlalchemy.orm import Session

from punchclock.db.session import request_session
from punchclock.domain.errors import DomainError, RateLimited
from punchclock.http import auth, wire
from punchclock.http.reports import errors, params
from punchclock.http.routing import TransactionRoute
from punchclock.reports import query
from punchclock.reports.days import local_today
from punchclock.reports.filters import ReportFilters
from punchclock.reports.query import ReportContext


class ReportsRoute(TransactionRoute):
    """One read transaction per request; errors as ``{"error": {...}}`` (00-conventions §8)."""

    def render_error(self, err: DomainError) -> Response:
        status, body = errors.render(err)
        headers = {"Retry-After": str(err.retry_after)} if isinstance(err, RateLimited) else None
        return wire.json_response(body, status_code=status, headers=headers)


def make_router() -> APIRouter:
    return APIRouter(route_class=ReportsRoute, tags=["reports v2"])


@dataclass(frozen=True, slots=True)
class Started:
    """An authenticated report request: session, context (caller + workspace), raw params, filters."""

    db: Session
    ctx: ReportContext
    params: params.Params
    filters: ReportFilters


async def start(request: Request, *, weekly: bool = False) -> Started:
    """Authenticate (charging the Reports bucket), check ``user_agent``/``workspace_id``, membership
    (403), then parse the common filters (50-reports §2, §3)."""
    db = request_session(request)
    actor = await auth.authenticate_token(request, db, request.app.state.reports_rate)
    p = params.Params(request.query_params)
    workspace_id = params.require_caller_fields(p)
    ctx = query.context(db, actor, workspace_id)
    return Started(db, ctx, p, params.filters(p, workspace_id, local_today(actor.user.timezone), weekly=weekly))


async def start_without_filters(request: Request) -> tuple[Session, ReportContext, params.Params]:
    """As ``start`` for reports that take none of the common filters (the project dashboard, §9)."""
    db = request_session(request)
    actor = await auth.authenticate_token(request, db, request.app.state.reports_rate)
    p = params.Params(request.query_params)
    workspace_id = params.require_caller_fields(p)
    return db, query.context(db, actor, workspace_id), p
