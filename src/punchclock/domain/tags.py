"""Tags of a workspace (30-clients-projects-tags-tasks §4).

The list runs a prebuilt Core statement and answers ``TagRow`` tuples (no ORM object per row).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import delete as sql_delete
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from punchclock.domain import access, locks, validation
from punchclock.domain.actor import Actor
from punchclock.domain.errors import Invalid, NotFound
from punchclock.domain.inputs import UNSET, Unset
from punchclock.models import Tag, TimeEntryTag
from punchclock.models._common import utcnow


@dataclass(frozen=True, slots=True, kw_only=True)
class TagChanges:
    """Only the name changes; a null name is ignored."""

    name: str | Unset | None = UNSET


@dataclass(frozen=True, slots=True, kw_only=True)
class TagCreate(TagChanges):
    workspace_id: int | None = None


def name_taken(db: Session, workspace_id: int, name: str, exclude_id: int | None = None) -> bool:
    """Case-insensitive uniqueness among the workspace's live tags (O-44)."""
    stmt = select(Tag.id).where(
        Tag.workspace_id == workspace_id,
        func.lower(Tag.name) == name.lower(),
        Tag.deleted_at.is_(None),
    )
    if exclude_id is not None:
        stmt = stmt.where(Tag.id != exclude_id)
    return db.scalar(stmt.limit(1)) is not None


def _clean_unique_name(db: Session, workspace_id: int, value: str | Unset | None, exclude_id: int | None = None
                       ) -> str:
    if value is UNSET or value is None:
        raise Invalid("name_blank")
    name = validation.clean_name(value)
    if name_taken(db, workspace_id, name, exclude_id):
        raise Invalid("name_taken")
    return name


def create(db: Session, actor: Actor, changes: TagCreate) -> Tag:
    """Any member may create a tag; the workspace is required (no default workspace, O-14)."""
    if changes.workspace_id is None:
        raise Invalid("workspace_blank")
    workspace = access.load_workspace(db, actor, changes.workspace_id)
    locks.lock_names(db, workspace.id)
    tag = Tag(workspace_id=workspace.id, name=_clean_unique_name(db, workspace.id, changes.name))
    db.add(tag)
    db.flush()
    return tag


def get(db: Session, actor: Actor, tag_id: int) -> Tag:
    tag = db.scalars(access.readable_tags(actor).where(Tag.id == tag_id)).first()
    if tag is None:
        raise NotFound("tag_not_found")
    return tag


def update_tag(db: Session, actor: Actor, tag_id: int, changes: TagChanges) -> Tag:
    """Admins only; only the name changes (entries reference the tag row, so they show the new name)."""
    tag = get(db, actor, tag_id)
    access.require_admin(actor, tag.workspace_id)
    found = locks.for_change(db, select(Tag).where(Tag.id == tag.id, Tag.deleted_at.is_(None)), Tag.id)
    if not found:
        raise NotFound("tag_not_found")
    tag = found[0]
    if changes.name is not UNSET and changes.name is not None:
        tag.name = _clean_unique_name(db, tag.workspace_id, changes.name, tag.id)
    tag.updated_at = utcnow()
    db.flush()
    return tag


def delete(db: Session, actor: Actor, tag_id: int) -> int:
    """Tombstone the tag and take it off every time entry, leaving the entries' ``at`` unchanged."""
    tag = get(db, actor, tag_id)
    access.require_admin(actor, tag.workspace_id)
    now = utcnow()
    db.execute(update(Tag).where(Tag.id == tag.id).values(deleted_at=now, updated_at=now),
               execution_options={"synchronize_session": "fetch"})
    db.execute(sql_delete(TimeEntryTag).where(TimeEntryTag.tag_id == tag.id))
    db.flush()
    return tag.id


class TagRow(NamedTuple):
    """A live tag as the list answers it (the fields ``tag_out`` reads)."""

    id: int
    workspace_id: int
    name: str
    updated_at: datetime
    deleted_at: datetime | None


_T = Tag.__table__.c
#: Binds ``scope_wid`` (checked: member).
_OF_WORKSPACE = (select(*(_T[name] for name in TagRow._fields))
                 .where(access.tag_readable(access.in_checked_workspace(_T.workspace_id))).order_by(_T.id))


def list_workspace(db: Session, actor: Actor, workspace_id: int) -> list[TagRow]:
    access.require_member(actor, workspace_id)
    return [TagRow._make(r) for r in db.connection().execute(_OF_WORKSPACE, {"scope_wid": workspace_id})]
