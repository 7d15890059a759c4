"""Project lists with the filters, sorting and paging of v9 (40-catalog §2.5, 20-me §8), on Core.

One statement per request: client names joined, tracked seconds and automatic estimates aggregated
in SQL (``domain/projects.py``), the status derived in SQL so that the ``statuses`` filter and paging
agree. Visibility is always ``access.project_visible``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Date, and_, case, exists, false, literal, or_, select
from sqlalchemy.orm import Session

from punchclock.db.functions import lower_text
from punchclock.domain import access
from punchclock.domain.actor import Actor
from punchclock.domain.errors import NotFound
from punchclock.domain.projects import ESTIMATE_SECONDS, TRACKED_SECONDS, hours_half_up
from punchclock.models import Client, Project, ProjectMember

STATUSES = ("deleted", "archived", "upcoming", "ended", "active")
SORT_FIELDS = ("name", "created_at", "at", "client_name")  # "id" too, for the per-user lists

_P = Project.__table__.c
_C = Client.__table__.c
_PM = ProjectMember.__table__.c


class ProjectListRow(NamedTuple):
    """A project as v9 shows it; ``estimated_hours`` resolved (O-47), ``status`` derived (40- §2.1)."""

    id: int
    workspace_id: int
    client_id: int | None
    client_name: str | None
    name: str
    active: bool
    is_private: bool
    template: bool
    template_id: int | None
    billable: bool
    auto_estimates: bool
    rate: Decimal | None
    currency: str | None
    color: int
    color_hex: str | None
    start_date: date
    end_date: date | None
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None
    status: str
    estimated_hours: int | None
    actual_seconds: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ProjectQuery:
    """What a list asks for; ``None`` means "no filter". ``today`` is the caller's date (statuses)."""

    today: date
    workspace_id: int | None = None
    active: bool | None = None
    since: datetime | None = None
    billable: bool | None = None
    #: ``0`` stands for "without client".
    client_ids: tuple[int, ...] | None = None
    project_ids: tuple[int, ...] | None = None
    user_ids: tuple[int, ...] | None = None
    statuses: tuple[str, ...] | None = None
    name: str | None = None
    only_templates: bool = False
    only_me: bool = False
    only_editable: bool = False
    min_id: int | None = None
    sort_field: str = "name"
    descending: bool = False
    limit: int | None = None
    offset: int = 0


def today_of(actor: Actor) -> date:
    """"Today" for statuses and default start dates: the caller's zone (40- §2.1, V-19)."""
    return datetime.now(actor.tz).date()


def status_of(today: date) -> ColumnElement[str]:
    day = literal(today, Date)
    return case(
        (_P.deleted_at.is_not(None), "deleted"),
        (_P.active.is_(False), "archived"),
        (_P.start_date > day, "upcoming"),
        (and_(_P.end_date.is_not(None), _P.end_date < day), "ended"),
        else_="active",
    )


def _member_of(actor_id: int, *extra: ColumnElement[bool]) -> ColumnElement[bool]:
    return exists().where(_PM.project_id == _P.id, _PM.user_id == actor_id, *extra)


def _ids_clause(column: Any, ids: tuple[int, ...]) -> ColumnElement[bool]:
    return column.in_(ids) if ids else false()


def _filters(actor: Actor, q: ProjectQuery, status: ColumnElement[str]) -> list[ColumnElement[bool]]:
    """The WHERE clauses of ``q`` beyond visibility."""
    out: list[ColumnElement[bool]] = []
    if q.workspace_id is not None:
        out.append(_P.workspace_id == q.workspace_id)
    live = _P.deleted_at.is_(None)
    if q.since is None:
        out.append(live)
    else:  # tombstones included (10- §9), whatever the other filters say about live rows
        out.append(_P.updated_at > q.since)
    if q.active is not None:
        out.append(or_(~live, _P.active.is_(q.active)) if q.since is not None else _P.active.is_(q.active))
    if q.billable is not None:
        out.append(_P.billable.is_(q.billable))
    if q.client_ids is not None:
        real = tuple(i for i in q.client_ids if i != 0)
        out.append(or_(_ids_clause(_P.client_id, real), _P.client_id.is_(None) if 0 in q.client_ids else false()))
    if q.project_ids is not None:
        out.append(_ids_clause(_P.id, q.project_ids))
    if q.user_ids is not None:
        out.append(exists().where(_PM.project_id == _P.id, _ids_clause(_PM.user_id, q.user_ids)))
    if q.statuses is not None:
        out.append(status.in_(q.statuses))
    if q.name:
        out.append(lower_text(_P.name).contains(q.name.lower(), autoescape=True))
    if q.only_templates:
        out.append(_P.template.is_(True))
    if q.only_me:
        out.append(_member_of(actor.id))
    if q.only_editable:
        admin_of = [w for w, admin in actor.workspaces.items() if admin]
        out.append(or_(_ids_clause(_P.workspace_id, tuple(admin_of)), _member_of(actor.id, _PM.manager.is_(True))))
    if q.min_id is not None:
        out.append(_P.id >= q.min_id)
    return out


def _order(q: ProjectQuery) -> list[Any]:
    key: Any = {"id": _P.id, "name": lower_text(_P.name), "created_at": _P.created_at, "at": _P.updated_at,
                "client_name": lower_text(_C.name)}[q.sort_field]
    keys = [key.desc() if q.descending else key.asc(), _P.id.desc() if q.descending else _P.id.asc()]
    if q.sort_field == "client_name":  # projects without client last in both directions, on both dialects
        keys.insert(0, _C.name.is_(None))
    return keys


def select_rows(db: Session, actor: Actor, q: ProjectQuery) -> list[ProjectListRow]:
    status = status_of(q.today)
    stmt = (
        select(_P.id, _P.workspace_id, _P.client_id, _C.name, _P.name, _P.active, _P.is_private, _P.template,
               _P.template_id, _P.billable, _P.auto_estimates, _P.rate, _P.currency, _P.color, _P.color_hex,
               _P.start_date, _P.end_date, _P.created_at, _P.updated_at, _P.deleted_at, status,
               _P.estimated_hours, ESTIMATE_SECONDS, TRACKED_SECONDS)
        .select_from(Project.__table__.outerjoin(Client.__table__, _C.id == _P.client_id))
        .where(access.project_visible(actor), *_filters(actor, q, status))
        .order_by(*_order(q))
    )
    if q.limit is not None:
        stmt = stmt.limit(q.limit).offset(q.offset)
    out = []
    for *stored, manual, auto_seconds, tracked in db.connection().execute(stmt).all():
        estimate = manual if auto_seconds is None else hours_half_up(int(auto_seconds))
        out.append(ProjectListRow._make((*stored, estimate, int(tracked))))
    return out


def read(db: Session, actor: Actor, project_id: int, today: date) -> ProjectListRow:
    """One visible live project (404 otherwise)."""
    found = select_rows(db, actor, ProjectQuery(today=today, project_ids=(project_id,)))
    if not found:
        raise NotFound("project_not_found")
    return found[0]
