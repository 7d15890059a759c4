"""Clients of a workspace (v8 ../30- §1, v9 40- §1).

The lists run prebuilt Core statements and answer ``ClientRow`` tuples (no ORM object per row).
``archived`` (V-18) is a v9 flag: archiving also archives the client's active projects; v8 ignores it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import Select, bindparam, func, select, update
from sqlalchemy.orm import Session

from punchclock.db.functions import lower_text
from punchclock.domain import access, locks, rates, validation
from punchclock.domain.actor import Actor
from punchclock.domain.errors import Invalid, NotFound
from punchclock.domain.inputs import UNSET, Unset
from punchclock.models import Client, Project, Workspace
from punchclock.models._common import utcnow
from punchclock.webhooks import changes as webhook_changes


@dataclass(frozen=True, slots=True, kw_only=True)
class ClientChanges:
    """What an update may change. A null name is ignored; null notes, rate or currency clear them.
    ``hourly_rate`` and ``currency`` are kept only on premium workspaces (O-23)."""

    name: str | Unset | None = UNSET
    notes: str | Unset | None = UNSET
    hourly_rate: Decimal | Unset | None = UNSET
    currency: str | Unset | None = UNSET


@dataclass(frozen=True, slots=True, kw_only=True)
class ClientCreate(ClientChanges):
    workspace_id: int | None = None


def _name_taken(db: Session, workspace_id: int, name: str, exclude_id: int | None = None) -> bool:
    stmt = select(Client.id).where(
        Client.workspace_id == workspace_id,
        func.lower(Client.name) == name.lower(),
        Client.deleted_at.is_(None),
    )
    if exclude_id is not None:
        stmt = stmt.where(Client.id != exclude_id)
    return db.scalar(stmt.limit(1)) is not None


def _apply(db: Session, client: Client, workspace: Workspace, changes: ClientChanges) -> None:
    if changes.name is not UNSET and changes.name is not None:
        name = validation.clean_name(changes.name)
        if _name_taken(db, workspace.id, name, client.id):
            raise Invalid("name_taken")
        client.name = name
    if changes.notes is not UNSET:
        client.notes = changes.notes or None
    if workspace.premium:
        if changes.hourly_rate is not UNSET:
            client.hourly_rate = validation.rate(changes.hourly_rate)
        if changes.currency is not UNSET:
            client.currency = validation.currency(changes.currency)


def create(db: Session, actor: Actor, changes: ClientCreate) -> Client:
    if changes.workspace_id is None:
        raise Invalid("workspace_blank")
    workspace = access.load_workspace(db, actor, changes.workspace_id)
    if changes.name is UNSET or changes.name is None:
        raise Invalid("name_blank")
    locks.lock_names(db, workspace.id)
    client = Client(workspace_id=workspace.id, creator_id=actor.id)
    _apply(db, client, workspace, changes)
    db.add(client)
    db.flush()
    return client


def find_or_create(db: Session, actor: Actor, workspace_id: int, name: str) -> Client:
    """The workspace's live client named ``name`` (case-insensitive, archived ones too), else a new one
    (v9 ``client_name``, V-21). The caller must be a member of the workspace."""
    access.require_member(actor, workspace_id)
    clean = validation.clean_name(name)
    locks.lock_names(db, workspace_id)
    found = db.scalars(select(Client).where(
        Client.workspace_id == workspace_id, func.lower(Client.name) == clean.lower(), Client.deleted_at.is_(None),
    ).order_by(Client.id).limit(1)).first()
    if found is not None:
        return found
    client = Client(workspace_id=workspace_id, creator_id=actor.id, name=clean)
    db.add(client)
    db.flush()
    return client


def get(db: Session, actor: Actor, client_id: int, workspace_id: int | None = None) -> Client:
    """A live client the actor may read; with ``workspace_id`` (a v9 path) it must belong to it (V-6)."""
    stmt = access.readable_clients(actor).where(Client.id == client_id)
    if workspace_id is not None:
        stmt = stmt.where(Client.workspace_id == workspace_id)
    client = db.scalars(stmt).first()
    if client is None:
        raise NotFound("client_not_found")
    return client


def update_client(db: Session, actor: Actor, client_id: int, changes: ClientChanges,
                  workspace_id: int | None = None) -> Client:
    client = get(db, actor, client_id, workspace_id)
    access.require_admin(actor, client.workspace_id)
    # Rate locks before row locks (domain/locks.py).
    if changes.hourly_rate is not UNSET or changes.currency is not UNSET:
        rates.lock_for_rates(db, [client.workspace_id])
    found = locks.for_change(db, select(Client).where(Client.id == client.id, Client.deleted_at.is_(None)), Client.id)
    if not found:
        raise NotFound("client_not_found")
    client = found[0]
    workspace = db.get_one(Workspace, client.workspace_id)
    _apply(db, client, workspace, changes)
    client.updated_at = utcnow()
    db.flush()
    return client


def delete(db: Session, actor: Actor, client_id: int, workspace_id: int | None = None) -> int:
    """Tombstone the client; its projects stay, without client (their ``at`` changes)."""
    client = get(db, actor, client_id, workspace_id)
    access.require_admin(actor, client.workspace_id)
    rates.lock_for_rates(db, [client.workspace_id])
    _tombstone(db, [client])
    return client.id


def delete_many(db: Session, actor: Actor, workspace_id: int, client_ids: Sequence[int]) -> list[int]:
    """v9 bulk delete: all of the workspace's listed clients, or none (an unknown id is 404)."""
    access.require_admin(actor, workspace_id)
    rates.lock_for_rates(db, [workspace_id])
    found = _all_of(db, workspace_id, client_ids)
    _tombstone(db, found)
    return [c.id for c in found]


def _tombstone(db: Session, found: Sequence[Client]) -> None:
    if not found:
        return
    now = utcnow()
    ids = [c.id for c in found]
    for client in found:
        client.deleted_at = now
        client.updated_at = now
    project_ids = db.scalars(select(Project.id).where(Project.client_id.in_(ids))).all()
    webhook_changes.record_where(db, "project", "updated", Project.client_id.in_(ids), Project.deleted_at.is_(None))
    db.execute(update(Project).where(Project.client_id.in_(ids)).values(client_id=None, updated_at=now))
    db.flush()
    rates.refresh_projects(db, project_ids)  # the clients' rates and currencies no longer apply


def _all_of(db: Session, workspace_id: int, client_ids: Sequence[int]) -> list[Client]:
    """The listed live clients of the workspace, locked in id order; the first unknown id is 404."""
    wanted = list(dict.fromkeys(client_ids))
    stmt = select(Client).where(Client.id.in_(wanted), Client.workspace_id == workspace_id,
                                Client.deleted_at.is_(None))
    found = {c.id: c for c in locks.for_change(db, stmt, Client.id)}
    missing = [i for i in wanted if i not in found]
    if missing:
        raise NotFound("client_id_not_found", id=missing[0])
    return [found[i] for i in sorted(found)]


# -- archiving (v9 only, V-18: not premium-gated) -----------------------------------------------------

def archive(db: Session, actor: Actor, workspace_id: int, client_id: int) -> list[int]:
    """Archive the client and its active projects; answers those projects' ids."""
    access.require_admin(actor, workspace_id)
    client = get(db, actor, client_id, workspace_id)
    return _archive(db, _all_of(db, workspace_id, [client.id]))


def archive_many(db: Session, actor: Actor, workspace_id: int, client_ids: Sequence[int]
                 ) -> tuple[list[int], list[int]]:
    """v9 bulk archive, all or nothing: the client ids and the ids of the projects archived with them."""
    access.require_admin(actor, workspace_id)
    found = _all_of(db, workspace_id, client_ids)
    return [c.id for c in found], _archive(db, found)


def _archive(db: Session, found: Sequence[Client]) -> list[int]:
    if not found:
        return []
    now = utcnow()
    for client in found:
        client.archived = True
        client.updated_at = now
    active = select(Project.id).where(Project.client_id.in_([c.id for c in found]), Project.active.is_(True),
                                      Project.deleted_at.is_(None))
    project_ids = list(db.scalars(locks.locking(active, Project.id)).all())
    _set_active(db, project_ids, False, now)
    webhook_changes.record(db, "project", "updated", project_ids, found[0].workspace_id)
    db.flush()
    return project_ids


def restore(db: Session, actor: Actor, workspace_id: int, client_id: int, *, all_projects: bool,
            project_ids: Sequence[int]) -> Client:
    """Clear ``archived``; re-activate the listed projects (each the client's, else 400) or all its
    archived ones."""
    access.require_admin(actor, workspace_id)
    client = _all_of(db, workspace_id, [get(db, actor, client_id, workspace_id).id])[0]
    mine = select(Project.id).where(Project.client_id == client.id, Project.deleted_at.is_(None))
    if all_projects:
        targets = list(db.scalars(locks.locking(mine.where(Project.active.is_(False)), Project.id)).all())
    else:
        wanted = list(dict.fromkeys(project_ids))
        targets = list(db.scalars(locks.locking(mine.where(Project.id.in_(wanted)), Project.id)).all())
        stray = [i for i in wanted if i not in set(targets)]
        if stray:
            raise Invalid("project_not_of_client", id=stray[0])
    now = utcnow()
    webhook_changes.record_where(db, "project", "updated", Project.id.in_(targets), Project.active.is_(False))
    _set_active(db, targets, True, now)
    client.archived = False
    client.updated_at = now
    db.flush()
    return client


def _set_active(db: Session, project_ids: Sequence[int], active: bool, now: datetime) -> None:
    if project_ids:
        db.execute(update(Project).where(Project.id.in_(project_ids), Project.active.is_(not active))
                   .values(active=active, updated_at=now), execution_options={"synchronize_session": "fetch"})


class ClientRow(NamedTuple):
    """A client as the lists answer it (the fields ``client_out`` of v8 and v9 read)."""

    id: int
    workspace_id: int
    name: str
    notes: str | None
    hourly_rate: Decimal | None
    currency: str | None
    updated_at: datetime
    deleted_at: datetime | None
    archived: bool
    creator_id: int | None


_C = Client.__table__.c
_COLUMNS = [_C[name] for name in ClientRow._fields]
#: Binds ``access.member_params``.
_VISIBLE = select(*_COLUMNS).where(access.client_readable(access.in_member_workspaces(_C.workspace_id))).order_by(_C.id)
#: Binds ``access.member_params`` and ``since``: tombstones included (v9 10- §9).
_CHANGED = (select(*_COLUMNS).where(access.client_readable(access.in_member_workspaces(_C.workspace_id), True),
                                    _C.updated_at > bindparam("since", type_=_C.updated_at.type)).order_by(_C.id))
#: Binds ``scope_wid`` (checked: member).
_OF_WORKSPACE = (select(*_COLUMNS).where(access.client_readable(access.in_checked_workspace(_C.workspace_id)))
                 .order_by(_C.id))


def _filtered(archived: bool | None, by_name: bool) -> Select[Any]:
    """v9 workspace list: by status (None = both) and name (``needle``, a LIKE pattern), by name then id."""
    stmt = select(*_COLUMNS).where(access.client_readable(access.in_checked_workspace(_C.workspace_id)))
    if archived is not None:
        stmt = stmt.where(_C.archived.is_(archived))
    if by_name:
        stmt = stmt.where(lower_text(_C.name).like(bindparam("needle"), escape="\\"))
    return stmt.order_by(lower_text(_C.name), _C.id)


_FILTERED = {(archived, by_name): _filtered(archived, by_name)
             for archived in (True, False, None) for by_name in (True, False)}


def list_visible(db: Session, actor: Actor) -> list[ClientRow]:
    return [ClientRow._make(r) for r in db.connection().execute(_VISIBLE, access.member_params(actor))]


def list_changed(db: Session, actor: Actor, since: datetime) -> list[ClientRow]:
    """Clients of the actor's workspaces changed after ``since``, deleted ones included, by id."""
    params = {**access.member_params(actor), "since": since}
    return [ClientRow._make(r) for r in db.connection().execute(_CHANGED, params)]


def list_workspace(db: Session, actor: Actor, workspace_id: int) -> list[ClientRow]:
    access.require_member(actor, workspace_id)
    return [ClientRow._make(r) for r in db.connection().execute(_OF_WORKSPACE, {"scope_wid": workspace_id})]


def list_filtered(db: Session, actor: Actor, workspace_id: int, *, archived: bool | None,
                  name: str | None) -> list[ClientRow]:
    """v9 ``GET /clients``: ``archived`` None = both; ``name`` matches anywhere, case-insensitively."""
    access.require_member(actor, workspace_id)
    params: dict[str, Any] = {"scope_wid": workspace_id}
    if name:
        params["needle"] = "%" + like_escape(name.lower()) + "%"
    rows = db.connection().execute(_FILTERED[archived, bool(name)], params)
    return [ClientRow._make(r) for r in rows]


def like_escape(text: str) -> str:
    """``text`` matched literally by ``LIKE … ESCAPE '\\'``."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
