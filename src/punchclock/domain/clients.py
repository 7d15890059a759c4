"""Clients of a workspace.

The lists run prebuilt Core statements and answer ``ClientRow`` tuples (no ORM object per row).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from punchclock.domain import access, locks, rates, validation
from punchclock.domain.actor import Actor
from punchclock.domain.errors import Invalid, NotFound
from punchclock.domain.inputs import UNSET, Unset
from punchclock.models import Client, Project, Workspace
from punchclock.models._common import utcnow


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
    client = Client(workspace_id=workspace.id)
    _apply(db, client, workspace, changes)
    db.add(client)
    db.flush()
    return client


def get(db: Session, actor: Actor, client_id: int) -> Client:
    client = db.scalars(access.readable_clients(actor).where(Client.id == client_id)).first()
    if client is None:
        raise NotFound("client_not_found")
    return client


def update_client(db: Session, actor: Actor, client_id: int, changes: ClientChanges) -> Client:
    client = get(db, actor, client_id)
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


def delete(db: Session, actor: Actor, client_id: int) -> int:
    """Tombstone the client; its projects stay, without client (their ``at`` changes)."""
    client = get(db, actor, client_id)
    access.require_admin(actor, client.workspace_id)
    rates.lock_for_rates(db, [client.workspace_id])
    now = utcnow()
    client.deleted_at = now
    client.updated_at = now
    project_ids = db.scalars(select(Project.id).where(Project.client_id == client.id)).all()
    db.execute(update(Project).where(Project.client_id == client.id).values(client_id=None, updated_at=now))
    db.flush()
    rates.refresh_projects(db, project_ids)  # the client's rate and currency no longer apply
    return client.id


class ClientRow(NamedTuple):
    """A live client as the lists answer it (the fields ``client_out`` reads)."""

    id: int
    workspace_id: int
    name: str
    notes: str | None
    hourly_rate: Decimal | None
    currency: str | None
    updated_at: datetime
    deleted_at: datetime | None


_C = Client.__table__.c
_COLUMNS = [_C[name] for name in ClientRow._fields]
#: Binds ``access.member_params``.
_VISIBLE = select(*_COLUMNS).where(access.client_readable(access.in_member_workspaces(_C.workspace_id))).order_by(_C.id)
#: Binds ``scope_wid`` (checked: member).
_OF_WORKSPACE = (select(*_COLUMNS).where(access.client_readable(access.in_checked_workspace(_C.workspace_id)))
                 .order_by(_C.id))


def list_visible(db: Session, actor: Actor) -> list[ClientRow]:
    return [ClientRow._make(r) for r in db.connection().execute(_VISIBLE, access.member_params(actor))]


def list_workspace(db: Session, actor: Actor, workspace_id: int) -> list[ClientRow]:
    access.require_member(actor, workspace_id)
    return [ClientRow._make(r) for r in db.connection().execute(_OF_WORKSPACE, {"scope_wid": workspace_id})]
