"""Tags of a workspace (v8 30-clients-projects-tags-tasks §4, v9 40- §4).

The list runs a prebuilt Core statement and answers ``TagRow`` tuples (no ORM object per row).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Select, bindparam, func, select, update
from sqlalchemy import delete as sql_delete
from sqlalchemy.orm import Session

from punchclock.db.functions import lower_text
from punchclock.domain import access, locks, validation
from punchclock.domain.actor import Actor
from punchclock.domain.clients import like_escape
from punchclock.domain.errors import Forbidden, Invalid, NotFound
from punchclock.domain.inputs import UNSET, Unset
from punchclock.models import Tag, TimeEntry, TimeEntryTag, Workspace
from punchclock.models._common import utcnow
from punchclock.webhooks import changes as webhook_changes


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


def require_may_create(actor: Actor, workspace_id: int, only_admins: bool) -> None:
    """Creating a tag (by ``POST /tags`` or by naming an unknown tag on a time entry) needs a workspace
    admin when the workspace sets ``only_admins_may_create_tags`` (v8 and v9 alike). Membership is the
    caller's to check."""
    if only_admins and not actor.is_admin(workspace_id):
        raise Forbidden("admins_create_tags")


def require_may_create_in(db: Session, actor: Actor, workspace_id: int) -> None:
    """``require_may_create`` reading the workspace's flag (one scalar query; none for admins)."""
    if actor.is_admin(workspace_id):
        return
    flag = db.scalar(select(Workspace.only_admins_may_create_tags).where(Workspace.id == workspace_id))
    require_may_create(actor, workspace_id, bool(flag))


def _clean_unique_name(db: Session, workspace_id: int, value: str | Unset | None, exclude_id: int | None = None
                       ) -> str:
    if value is UNSET or value is None:
        raise Invalid("name_blank")
    name = validation.clean_name(value)
    if name_taken(db, workspace_id, name, exclude_id):
        raise Invalid("tag_name_taken")
    return name


def create(db: Session, actor: Actor, changes: TagCreate) -> Tag:
    """Any member may create a tag unless the workspace reserves it to admins; the workspace is required
    (no default workspace, O-14)."""
    if changes.workspace_id is None:
        raise Invalid("workspace_blank")
    workspace = access.load_workspace(db, actor, changes.workspace_id)
    require_may_create(actor, workspace.id, workspace.only_admins_may_create_tags)
    locks.lock_names(db, workspace.id)
    tag = Tag(workspace_id=workspace.id, name=_clean_unique_name(db, workspace.id, changes.name), creator_id=actor.id)
    db.add(tag)
    db.flush()
    return tag


def get(db: Session, actor: Actor, tag_id: int, workspace_id: int | None = None) -> Tag:
    """A live tag the actor may read; with ``workspace_id`` (a v9 path) it must belong to it (V-6)."""
    stmt = access.readable_tags(actor).where(Tag.id == tag_id)
    if workspace_id is not None:
        stmt = stmt.where(Tag.workspace_id == workspace_id)
    tag = db.scalars(stmt).first()
    if tag is None:
        raise NotFound("tag_not_found")
    return tag


def update_tag(db: Session, actor: Actor, tag_id: int, changes: TagChanges, workspace_id: int | None = None) -> Tag:
    """Admins only; only the name changes (entries reference the tag row, so they show the new name)."""
    tag = get(db, actor, tag_id, workspace_id)
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


def delete(db: Session, actor: Actor, tag_id: int, workspace_id: int | None = None) -> int:
    """Tombstone the tag and take it off every time entry, leaving the entries' ``at`` unchanged."""
    tag = get(db, actor, tag_id, workspace_id)
    access.require_admin(actor, tag.workspace_id)
    now = utcnow()
    webhook_changes.record(db, "tag", "deleted", [tag.id], tag.workspace_id)
    webhook_changes.record_where(db, "time_entry", "updated", TimeEntry.deleted_at.is_(None), TimeEntry.id.in_(
        select(TimeEntryTag.time_entry_id).where(TimeEntryTag.tag_id == tag.id)))
    db.execute(update(Tag).where(Tag.id == tag.id).values(deleted_at=now, updated_at=now),
               execution_options={"synchronize_session": "fetch"})
    db.execute(sql_delete(TimeEntryTag).where(TimeEntryTag.tag_id == tag.id))
    db.flush()
    return tag.id


class TagRow(NamedTuple):
    """A tag as the lists answer it (the fields ``tag_out`` of v8 and v9 read)."""

    id: int
    workspace_id: int
    name: str
    updated_at: datetime
    deleted_at: datetime | None
    creator_id: int | None


_T = Tag.__table__.c
_COLUMNS = [_T[name] for name in TagRow._fields]
#: Binds ``scope_wid`` (checked: member).
_OF_WORKSPACE = (select(*_COLUMNS)
                 .where(access.tag_readable(access.in_checked_workspace(_T.workspace_id))).order_by(_T.id))
#: Binds ``access.member_params``.
_VISIBLE = select(*_COLUMNS).where(access.tag_readable(access.in_member_workspaces(_T.workspace_id))).order_by(_T.id)
#: Binds ``access.member_params`` and ``since``: tombstones included (v9 10- §9).
_CHANGED = (select(*_COLUMNS).where(access.tag_readable(access.in_member_workspaces(_T.workspace_id), True),
                                    _T.updated_at > bindparam("since", type_=_T.updated_at.type)).order_by(_T.id))


def _searched(by_text: bool, paged: bool) -> Select[Any]:
    """v9 workspace list: ``needle`` (a LIKE pattern) in the name; by name then id; ``lim``/``off``."""
    stmt = select(*_COLUMNS).where(access.tag_readable(access.in_checked_workspace(_T.workspace_id)))
    if by_text:
        stmt = stmt.where(lower_text(_T.name).like(bindparam("needle"), escape="\\"))
    stmt = stmt.order_by(lower_text(_T.name), _T.id)
    return stmt.limit(bindparam("lim")).offset(bindparam("off")) if paged else stmt


_SEARCHED = {(by_text, paged): _searched(by_text, paged) for by_text in (True, False) for paged in (True, False)}


def list_workspace(db: Session, actor: Actor, workspace_id: int) -> list[TagRow]:
    access.require_member(actor, workspace_id)
    return [TagRow._make(r) for r in db.connection().execute(_OF_WORKSPACE, {"scope_wid": workspace_id})]


def list_searched(db: Session, actor: Actor, workspace_id: int, *, search: str | None,
                  limit: int | None = None, offset: int = 0) -> list[TagRow]:
    """v9 ``GET /tags``: names containing ``search`` (case-insensitive), by name; a page when ``limit``."""
    access.require_member(actor, workspace_id)
    params: dict[str, Any] = {"scope_wid": workspace_id, "lim": limit, "off": offset}
    if search:
        params["needle"] = "%" + like_escape(search.lower()) + "%"
    rows = db.connection().execute(_SEARCHED[bool(search), limit is not None], params)
    return [TagRow._make(r) for r in rows]


def list_visible(db: Session, actor: Actor) -> list[TagRow]:
    """Live tags of all the actor's workspaces, by id."""
    return [TagRow._make(r) for r in db.connection().execute(_VISIBLE, access.member_params(actor))]


def list_changed(db: Session, actor: Actor, since: datetime) -> list[TagRow]:
    """Tags of the actor's workspaces changed after ``since``, deleted ones included, by id."""
    params = {**access.member_params(actor), "since": since}
    return [TagRow._make(r) for r in db.connection().execute(_CHANGED, params)]
