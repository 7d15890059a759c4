"""Projects of a workspace (30-clients-projects-tags-tasks §2).

Writes take typed inputs (``ProjectChanges``/``ProjectCreate``) and work on ORM objects; reads run
prebuilt Core statements and answer ``ProjectRow`` tuples (no ORM object per row).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select, and_, bindparam, case, func, null, or_, select, true, update
from sqlalchemy import delete as sql_delete
from sqlalchemy.orm import Session

from punchclock.domain import access, locks, project_clients, rates, validation
from punchclock.domain.actor import Actor
from punchclock.domain.colors import PALETTE, nearest_palette_id
from punchclock.domain.errors import Forbidden, Invalid, NotFound
from punchclock.domain.inputs import UNSET, Unset
from punchclock.models import Client, Project, ProjectMember, Task, TimeEntry, Workspace
from punchclock.models._common import utcnow
from punchclock.webhooks import changes as webhook_changes

#: Inputs kept only on premium workspaces (O-23).
PREMIUM_FIELDS = ("billable", "rate", "currency", "estimated_hours")
#: Settings a new project takes from its template unless the request sets them (O-43).
TEMPLATE_FIELDS = ("client_id", "billable", "is_private", "color", "rate", "currency", "auto_estimates",
                   "estimated_hours")
#: Fields for which an explicit null means "none" (O-16); a null elsewhere is ignored.
NULLABLE = frozenset({"client_id", "rate", "currency", "estimated_hours"})
#: Inputs that change a link of the rate chain (domain/rates.py); the client brings its own rate.
RATE_FIELDS = ("rate", "currency", "client_id", "client_name")
CENT = Decimal("0.01")
HOUR = 3600


@dataclass(frozen=True, slots=True, kw_only=True)
class ProjectChanges:
    """What an update may change (30- §2.5); ``UNSET`` leaves a field alone.

    A null name, flag or colour is ignored; a null client, estimate, rate or currency clears it (O-16).
    ``billable``, ``estimated_hours``, ``rate`` and ``currency`` are kept only on premium workspaces (O-23).
    """

    name: str | Unset | None = UNSET
    client_id: int | Unset | None = UNSET
    active: bool | Unset | None = UNSET
    is_private: bool | Unset | None = UNSET
    template: bool | Unset | None = UNSET
    billable: bool | Unset | None = UNSET
    auto_estimates: bool | Unset | None = UNSET
    estimated_hours: int | Unset | None = UNSET
    rate: Decimal | Unset | None = UNSET
    currency: str | Unset | None = UNSET
    #: A palette id as sent (v8 sends a number or a numeric string). ``parse_color`` reads it in the
    #: order of the other rules, so that a request with several faults gets v8's first error.
    color: object = UNSET
    #: A checked ``#rrggbb`` (v9, V-17): kept exactly, the nearest palette id goes to ``color``.
    color_hex: str | Unset = UNSET
    #: Informational dates (v9, V-19); a null start date is ignored, a null end date clears it.
    start_date: date | Unset | None = UNSET
    end_date: date | Unset | None = UNSET
    #: v9's ``client_name`` (V-21): the client of that name, found case-insensitively or created.
    client_name: str | Unset | None = UNSET


@dataclass(frozen=True, slots=True, kw_only=True)
class ProjectCreate(ProjectChanges):
    """A new project: its workspace, and optionally a template to copy settings from (O-43)."""

    workspace_id: int | None = None
    template_id: int | None = None


def hours_half_up(seconds: int) -> int:
    """Whole hours, a remainder of exactly half an hour rounding up (O-86); seconds are never negative."""
    return (seconds + HOUR // 2) // HOUR


def parse_color(value: Any) -> int:
    """A palette id given as number or numeric string; anything else, or outside 0..14, is invalid."""
    if isinstance(value, bool):
        raise Invalid("invalid_color")
    if isinstance(value, int):
        color = value
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit() and len(value) <= 6:
        color = int(value.strip())
    else:
        raise Invalid("invalid_color")
    if not 0 <= color < len(PALETTE):
        raise Invalid("invalid_color")
    return color


def name_taken(db: Session, workspace_id: int, client_id: int | None, name: str,
               exclude_id: int | None = None) -> bool:
    """Unique per (workspace, client-or-none), archived projects included, case-insensitive (O-42)."""
    stmt = select(Project.id).where(
        Project.workspace_id == workspace_id,
        Project.client_id.is_(None) if client_id is None else Project.client_id == client_id,
        func.lower(Project.name) == name.lower(),
        Project.deleted_at.is_(None),
    )
    if exclude_id is not None:
        stmt = stmt.where(Project.id != exclude_id)
    return db.scalar(stmt.limit(1)) is not None


def _client_of(db: Session, workspace_id: int, client_id: int) -> int:
    found = db.scalar(
        select(Client.id).where(Client.id == client_id, Client.workspace_id == workspace_id,
                                Client.deleted_at.is_(None))
    )
    if found is None:
        raise NotFound("client_not_found")
    return client_id


def _apply(db: Session, project: Project, workspace: Workspace, changes: ProjectChanges) -> None:
    """Validate and set the fields ``changes`` sends (``UNSET`` ones stay as they are)."""
    with db.no_autoflush:
        if changes.name is not UNSET and changes.name is not None:
            project.name = validation.clean_name(changes.name)
        if changes.client_id is not UNSET:
            cid = changes.client_id
            project.client_id = None if cid is None else _client_of(db, workspace.id, cid)
        for flag in ("active", "is_private", "template", "auto_estimates"):
            value = getattr(changes, flag)
            if value is not UNSET and value is not None:
                setattr(project, flag, value)
        _apply_color(project, changes)
        _apply_dates(project, changes)
        if workspace.premium:
            _apply_premium(project, changes)
        if (changes.name is not UNSET or changes.client_id is not UNSET) and name_taken(
            db, workspace.id, project.client_id, project.name, project.id
        ):
            raise Invalid("name_taken")


def _apply_color(project: Project, changes: ProjectChanges) -> None:
    """A palette id drops the exact hex; a hex keeps it and takes the nearest palette id (V-17)."""
    if changes.color is not UNSET and changes.color is not None:
        project.color = parse_color(changes.color)
        project.color_hex = None
    if changes.color_hex is not UNSET:
        project.color_hex = changes.color_hex.lower()
        project.color = nearest_palette_id(changes.color_hex)


def _apply_dates(project: Project, changes: ProjectChanges) -> None:
    if changes.start_date is not UNSET and changes.start_date is not None:
        project.start_date = changes.start_date
    if changes.end_date is not UNSET:
        project.end_date = changes.end_date
    if project.end_date is not None and project.start_date is not None and project.end_date < project.start_date:
        raise Invalid("end_before_start")


def _apply_premium(project: Project, changes: ProjectChanges) -> None:
    if changes.billable is not UNSET and changes.billable is not None:
        project.billable = changes.billable
    if changes.estimated_hours is not UNSET:
        hours = changes.estimated_hours
        if hours is not None and hours < 0:
            raise Invalid("estimated_hours_negative")
        project.estimated_hours = hours
    if changes.rate is not UNSET:
        project.rate = validation.rate(changes.rate)
    if changes.currency is not UNSET:
        project.currency = validation.currency(changes.currency)


def _is_set(changes: ProjectChanges, key: str) -> bool:
    """Whether the request decides ``key`` itself: sent, and not a null that would be ignored."""
    value = getattr(changes, key)
    return value is not UNSET and (value is not None or key in NULLABLE)


def _template(db: Session, actor: Actor, workspace_id: int, template_id: int) -> Project:
    template = db.scalars(
        access.readable_projects(actor).where(
            Project.id == template_id, Project.workspace_id == workspace_id, Project.template.is_(True)
        )
    ).first()
    if template is None:
        raise NotFound("template_not_found")
    return template


def _copy_from_template(db: Session, project: Project, template: Project, premium: bool, creator_id: int) -> None:
    """The template's project users (the creator stays a manager) and, on premium workspaces, its tasks."""
    members = db.scalars(
        select(ProjectMember).where(ProjectMember.project_id == template.id).order_by(ProjectMember.id)
    ).all()
    for m in members:
        if m.user_id == creator_id:
            continue
        db.add(ProjectMember(project_id=project.id, user_id=m.user_id, workspace_id=project.workspace_id,
                             manager=m.manager, rate=m.rate if premium else None))
    if not premium:
        return  # tasks are a paid feature (O-23): nothing to copy into a free workspace
    tasks = db.scalars(
        select(Task).where(Task.project_id == template.id, Task.deleted_at.is_(None)).order_by(Task.id)
    ).all()
    for t in tasks:
        db.add(Task(project_id=project.id, workspace_id=project.workspace_id, user_id=t.user_id, name=t.name,
                    estimated_seconds=t.estimated_seconds, active=t.active))


def create(db: Session, actor: Actor, changes: ProjectCreate) -> Project:
    if changes.workspace_id is None:
        raise Invalid("workspace_blank")
    workspace = access.load_workspace(db, actor, changes.workspace_id)
    if workspace.only_admins_may_create_projects and not actor.is_admin(workspace.id):
        raise Forbidden("admins_create_projects")
    if changes.name is UNSET or changes.name is None:
        raise Invalid("name_blank")
    template = None
    if changes.template_id is not None:
        template = _template(db, actor, workspace.id, changes.template_id)

    effective = project_clients.resolve(db, actor, workspace.id, changes)
    if template is not None:
        effective = replace(effective, **{key: getattr(template, key) for key in TEMPLATE_FIELDS
                                          if not _is_set(effective, key)})
        if not _is_set(changes, "color") and changes.color_hex is UNSET and template.color_hex is not None:
            effective = replace(effective, color_hex=template.color_hex)

    locks.lock_names(db, workspace.id)
    now = utcnow()
    project = Project(
        workspace_id=workspace.id, name="", active=True, is_private=workspace.projects_private_by_default,
        template=False, auto_estimates=False,
        billable=workspace.projects_billable_by_default if workspace.premium else False, color=0,
        template_id=None if template is None else template.id, created_at=now, updated_at=now,
        start_date=now.astimezone(actor.tz).date(),  # "today" in the caller's zone (V-19)
    )
    _apply(db, project, workspace, effective)
    db.add(project)
    db.flush()
    if (effective.color is UNSET or effective.color is None) and effective.color_hex is UNSET:
        # The id is only known now; an explicit ``updated_at`` keeps ``at`` equal to ``created_at``.
        db.execute(update(Project).where(Project.id == project.id)
                   .values(color=project.id % len(PALETTE), updated_at=now))
    db.add(ProjectMember(project_id=project.id, user_id=actor.id, workspace_id=workspace.id, manager=True))
    if template is not None:
        _copy_from_template(db, project, template, workspace.premium, actor.id)
    db.flush()
    return project


def get(db: Session, actor: Actor, project_id: int) -> Project:
    return access.load_project(db, actor, project_id)


def _locked(db: Session, project_id: int) -> Project:
    """The live project, locked and reloaded (domain/locks.py); deleted meanwhile: 404."""
    found = locks.for_change(db, select(Project).where(Project.id == project_id, Project.deleted_at.is_(None)),
                             Project.id)
    if not found:
        raise NotFound("project_not_found")
    return found[0]


def update_project(db: Session, actor: Actor, project_id: int, changes: ProjectChanges) -> Project:
    """Admins and managers; the workspace cannot change and a template only counts on create (O-17)."""
    project = get(db, actor, project_id)
    access.require_project_manager(db, actor, project)
    if any(getattr(changes, k) is not UNSET for k in RATE_FIELDS):  # rate locks before row locks (domain/locks.py)
        rates.lock_for_rates(db, [project.workspace_id])
    project = _locked(db, project.id)
    workspace = db.get_one(Workspace, project.workspace_id)
    _apply(db, project, workspace, project_clients.resolve(db, actor, workspace.id, changes))
    project.updated_at = utcnow()
    db.flush()
    return project


def delete_many(db: Session, actor: Actor, project_ids: Sequence[int], *, name_ids: bool = False,
                delete_entries: bool = False) -> list[int]:
    """Delete projects, all or nothing (O-18): check every id first, then change.

    Each project becomes a tombstone; its tasks are tombstoned and its project users removed; time
    entries on it lose project and task (their ``at`` changes), or with ``delete_entries`` (v9's
    ``teDeletionMode=delete``) are deleted. ``name_ids`` makes errors name the id.
    """
    ids = list(dict.fromkeys(project_ids))
    found = {p.id: p for p in db.scalars(access.readable_projects(actor).where(Project.id.in_(ids)))}
    for pid in ids:  # in list order, so that the error names the first bad id (O-18)
        if pid not in found:
            raise NotFound("project_id_not_found" if name_ids else "project_not_found", id=pid)
        if not access.is_project_manager(db, actor, found[pid]):
            raise Forbidden("manager_only_id" if name_ids else "manager_only", id=pid)

    rates.lock_for_rates(db, {p.workspace_id for p in found.values()})  # entries fall back to the default
    now = utcnow()
    if delete_entries:
        webhook_changes.record_where(db, "time_entry", "deleted", TimeEntry.project_id.in_(ids),
                                     TimeEntry.deleted_at.is_(None))
        db.execute(update(TimeEntry).where(TimeEntry.project_id.in_(ids), TimeEntry.deleted_at.is_(None))
                   .values(deleted_at=now, updated_at=now), execution_options={"synchronize_session": False})
    task_ids = select(Task.id).where(Task.project_id.in_(ids))
    webhook_changes.record_where(db, "time_entry", "updated", TimeEntry.deleted_at.is_(None),
                                 or_(TimeEntry.project_id.in_(ids), TimeEntry.task_id.in_(task_ids)))
    webhook_changes.record_where(db, "task", "deleted", Task.project_id.in_(ids), Task.deleted_at.is_(None))
    webhook_changes.removing(db, "project_user", ProjectMember.project_id.in_(ids))
    webhook_changes.record_where(db, "project", "deleted", Project.id.in_(ids))
    db.execute(
        update(TimeEntry)
        .where(or_(TimeEntry.project_id.in_(ids), TimeEntry.task_id.in_(task_ids)))
        # Without project the rate chain ends at the workspace default (50-reports §4.1).
        .values(project_id=None, task_id=None, updated_at=now, rate=rates.default_rate(),
                currency=rates.default_currency()),
        execution_options={"synchronize_session": False},
    )
    db.execute(
        update(Task).where(Task.project_id.in_(ids), Task.deleted_at.is_(None)).values(deleted_at=now, updated_at=now),
        execution_options={"synchronize_session": False},
    )
    db.execute(sql_delete(ProjectMember).where(ProjectMember.project_id.in_(ids)),
               execution_options={"synchronize_session": False})
    # A statement, not attribute assignments: an explicit ``updated_at`` is never replaced by ``onupdate``.
    db.execute(update(Project).where(Project.id.in_(ids)).values(deleted_at=now, updated_at=now),
               execution_options={"synchronize_session": "fetch"})
    db.flush()
    return ids


# -- reads on prebuilt Core statements (the hot paths: no ORM object per row) --------------------------

class ProjectRow(NamedTuple):
    """A live project as the read paths answer it, ``estimated_hours`` resolved (O-47)."""

    id: int
    workspace_id: int
    client_id: int | None
    name: str
    billable: bool
    is_private: bool
    active: bool
    template: bool
    template_id: int | None
    auto_estimates: bool
    rate: Decimal | None
    currency: str | None
    color: int
    updated_at: datetime
    created_at: datetime
    deleted_at: datetime | None
    #: The manual estimate, or with ``auto_estimates`` the live tasks' estimates in whole hours half-up.
    estimated_hours: int | None
    #: Hours tracked on the project by all users, half-up (O-35); only when asked for.
    actual_hours: int | None


_P = Project.__table__.c
_TASKS = Task.__table__.c
_ENTRIES = TimeEntry.__table__.c
#: Seconds of the live tasks' estimates, for projects with automatic estimates only (else NULL).
ESTIMATE_SECONDS = case((_P.auto_estimates.is_(True), func.coalesce(
    select(func.sum(_TASKS.estimated_seconds))
    .where(_TASKS.project_id == _P.id, _TASKS.deleted_at.is_(None)).scalar_subquery(), 0)))
#: Seconds tracked on the project: stopped, non-deleted entries of all users.
TRACKED_SECONDS = func.coalesce(
    select(func.sum(_ENTRIES.duration))
    .where(_ENTRIES.project_id == _P.id, _ENTRIES.stop.is_not(None), _ENTRIES.deleted_at.is_(None))
    .scalar_subquery(), 0)
#: ``ProjectRow``'s stored fields, in its order, then the manual estimate; the two sums follow.
_STORED = (_P.id, _P.workspace_id, _P.client_id, _P.name, _P.billable, _P.is_private, _P.active, _P.template,
           _P.template_id, _P.auto_estimates, _P.rate, _P.currency, _P.color, _P.updated_at, _P.created_at,
           _P.deleted_at, _P.estimated_hours)
_LIVE = _P.deleted_at.is_(None)


def _active_is(active: bool | None) -> ColumnElement[bool]:
    return true() if active is None else _P.active.is_(active)


def _statement(where: ColumnElement[bool], *, hours: bool = False, estimates: bool = True) -> Select[Any]:
    estimate = ESTIMATE_SECONDS if estimates else null()
    tracked = TRACKED_SECONDS if hours else null()
    return select(*_STORED, estimate, tracked).where(where, _LIVE).order_by(_P.id)


_TRISTATE = (True, False, None)
#: By (active, only templates, actual hours); binds ``access.project_workspace_params``.
_OF_WORKSPACE = {
    (active, templates, hours): _statement(
        and_(access.project_visible_in_workspace(), _active_is(active),
             _P.template.is_(True) if templates else true()), hours=hours)
    for active in _TRISTATE for templates in (False, True) for hours in (False, True)
}
#: By active; binds ``cid`` and ``access.project_actor_params``. This list has always answered the
#: stored ``estimated_hours``, never the automatic estimate (O-47): kept as it was.
_OF_CLIENT = {
    active: _statement(and_(access.project_visible_anywhere(), _P.client_id == bindparam("cid"), _active_is(active)),
                       estimates=False)
    for active in _TRISTATE
}
#: Binds ``pid`` and ``access.project_actor_params``.
_BY_ID = _statement(and_(access.project_visible_anywhere(), _P.id == bindparam("pid")))


def _rows(db: Session, stmt: Select[Any], params: dict[str, Any]) -> list[ProjectRow]:
    out = []
    for *stored, manual, auto_seconds, tracked in db.connection().execute(stmt, params).all():
        out.append(ProjectRow._make((
            *stored,
            manual if auto_seconds is None else hours_half_up(int(auto_seconds)),
            None if tracked is None else hours_half_up(int(tracked)),
        )))
    return out


def read(db: Session, actor: Actor, project_id: int) -> ProjectRow:
    """A visible live project by id (404 otherwise), as the read paths answer it."""
    found = _rows(db, _BY_ID, {"pid": project_id, **access.project_actor_params(actor)})
    if not found:
        raise NotFound("project_not_found")
    return found[0]


def list_for_client(db: Session, actor: Actor, client_id: int, active: bool | None) -> list[ProjectRow]:
    return _rows(db, _OF_CLIENT[active], {"cid": client_id, **access.project_actor_params(actor)})


def list_workspace(db: Session, actor: Actor, workspace_id: int, active: bool | None = True,
                   only_templates: bool = False, with_hours: bool = False) -> list[ProjectRow]:
    """Projects of the workspace the actor can see (O-26); ``with_hours`` adds ``actual_hours`` (O-35)."""
    access.require_member(actor, workspace_id)
    stmt = _OF_WORKSPACE[active, only_templates, with_hours]
    return _rows(db, stmt, access.project_workspace_params(actor, workspace_id))


def project_users(db: Session, actor: Actor, project_id: int) -> tuple[Project, Sequence[ProjectMember]]:
    """A visible project and its project users, by id."""
    project = access.load_project(db, actor, project_id)
    members = db.scalars(
        access.readable_project_members(actor)
        .where(ProjectMember.project_id == project.id)
        .order_by(ProjectMember.id)
    ).all()
    return project, members
