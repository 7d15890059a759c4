"""What every Reports v3 route shares: the route class, authentication, the body and the common filters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fastapi import APIRouter, Request, Response
from sqlalchemy.orm import Session

from punchclock.db.session import request_session
from punchclock.domain.errors import DomainError, RateLimited
from punchclock.http import auth, wire
from punchclock.http.reports_v3 import body, errors
from punchclock.http.routing import TransactionRoute
from punchclock.reports import query
from punchclock.reports.days import local_today
from punchclock.reports.filters import ReportFilters
from punchclock.reports.query import ReportContext

PREFIX = "/workspace/{workspace_id}"


class ReportsV3Route(TransactionRoute):
    """One read transaction per request (reports are POSTs that write nothing); errors as JSON strings."""

    def render_error(self, err: DomainError) -> Response:
        status, text = errors.render(err)
        headers = {"Retry-After": str(err.retry_after)} if isinstance(err, RateLimited) else None
        return wire.json_response(text, status_code=status, headers=headers)


def make_router() -> APIRouter:
    return APIRouter(route_class=ReportsV3Route, tags=["reports v3"])


@dataclass(frozen=True, slots=True)
class Caller:
    """An authenticated member of the path workspace, with the report context and the caller's today."""

    db: Session
    ctx: ReportContext
    today: date


async def caller(request: Request, workspace_id: int) -> Caller:
    """Authenticate (token, e-mail + password or cookie; the ``reports_v3:`` buckets), then membership (403)."""
    state = request.app.state
    db = request_session(request, read_only=True)
    actor = await auth.authenticate(request, db, state.reports_v3_rate, state.settings.session_cookie_name,
                                    scope="reports_v3:")
    ctx = query.context(db, actor, workspace_id)
    return Caller(db, ctx, local_today(actor.user.timezone))


async def read_body(request: Request, *, optional: bool = False) -> body.Body:
    """The JSON object body; missing or ``{}`` is 400 unless ``optional`` (60- §2)."""
    data = await wire.read_json(request, request.app.state.settings.max_body_bytes)
    if optional and data in (None, {}):
        return body.Body({})
    return body.require(data)


@dataclass(frozen=True, slots=True)
class Started:
    """An authenticated report request with its body and the common filters over its date range."""

    db: Session
    ctx: ReportContext
    body: body.Body
    filters: ReportFilters


async def start(request: Request, workspace_id: int) -> Started:
    """Caller, body and the common filters of 60- §3 for the reports with a plain date range."""
    c = await caller(request, workspace_id)
    b = await read_body(request)
    since, until = body.date_range(b, c.today)
    return Started(c.db, c.ctx, b, body.filters(b, workspace_id, since, until))
