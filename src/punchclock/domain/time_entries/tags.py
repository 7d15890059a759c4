"""Tags of time entries: name rules, §7.2 combination, and resolving names to (possibly new) tags."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, String, bindparam, delete, func, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from punchclock.db.base import table
from punchclock.domain import tags as catalog_tags
from punchclock.domain.actor import Actor
from punchclock.domain.errors import Invalid
from punchclock.models import Tag, TimeEntryTag
from punchclock.models._common import utcnow
from punchclock.webhooks import changes as webhook_changes

MAX_TAG_NAME = 255
TAG_ACTIONS = ("add", "remove")

_TAGS = table(Tag)
_ENTRY_TAGS = table(TimeEntryTag)
_TAG = _TAGS.c
_TT = _ENTRY_TAGS.c
_CREATE = {
    dialect: insert_(_TAGS).values(
        workspace_id=bindparam("workspace_id"), name=bindparam("b_name"), creator_id=bindparam("b_creator"),
        created_at=bindparam("b_now", type_=_TAG.created_at.type),
        updated_at=bindparam("b_now", type_=_TAG.updated_at.type),
    ).on_conflict_do_nothing()
    for dialect, insert_ in (("postgresql", pg_insert), ("sqlite", sqlite_insert))
}
_CLEAR = delete(_ENTRY_TAGS).where(_TT.time_entry_id == bindparam("entry_id"))
_ADD = insert(_ENTRY_TAGS)


def clean_tag_names(value: object) -> list[str]:
    """Trimmed, empty strings dropped, case-insensitive duplicates collapsed (first spelling wins)."""
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        raise Invalid("invalid_field", field="tags")
    names: dict[str, str] = {}
    for raw in value:
        if not isinstance(raw, str):
            raise Invalid("invalid_field", field="tags")
        name = raw.strip()
        if not name:
            continue
        if len(name) > MAX_TAG_NAME:
            raise Invalid("tag_name_too_long", max=MAX_TAG_NAME)
        names.setdefault(name.lower(), name)
    return list(names.values())


def tag_action(value: object) -> str | None:
    if value is None:
        return None
    action = value.strip().lower() if isinstance(value, str) else None
    if action not in TAG_ACTIONS:
        raise Invalid("invalid_tag_action")
    return action


def combine_tags(current: Sequence[str], given: Sequence[str], action: str | None) -> list[str]:
    """§7.2: replace (no action), union (``add``) or difference (``remove``), case-insensitively."""
    if action is None:
        return list(given)
    if action == "add":
        merged = {n.lower(): n for n in current}
        for n in given:
            merged.setdefault(n.lower(), n)
        return list(merged.values())
    drop = {n.lower() for n in given}
    return [n for n in current if n.lower() not in drop]


@lru_cache(maxsize=32)
def _find_statement(count: int) -> Select[Any]:
    """Live tags of a workspace named like ``count`` names, compared by the database's ``lower()``
    (built once per count: requests name few tags)."""
    return select(_TAG.id, _TAG.name).where(
        _TAG.workspace_id == bindparam("workspace_id"),
        func.lower(_TAG.name).in_([func.lower(bindparam(f"name_{i}", type_=String())) for i in range(count)]),
        _TAG.deleted_at.is_(None),
    )


def _find(db: Session, workspace_id: int, names: Sequence[str]) -> list[tuple[int, str]]:
    params: dict[str, object] = {f"name_{i}": name for i, name in enumerate(names)}
    rows = db.connection().execute(_find_statement(len(names)), {**params, "workspace_id": workspace_id})
    return [(tag_id, name) for tag_id, name in rows.all()]


def _create(db: Session, actor: Actor, workspace_id: int, name: str) -> tuple[int, str]:
    """Create an unknown tag (§3.5, O-44); a concurrent creation of the same name is reused.

    ``ON CONFLICT DO NOTHING`` (the unique index ``uq_tags_name``): on PostgreSQL a racing insert of
    the same name waits for the other transaction and then does nothing, and the select after it sees
    the committed row, so both requests succeed with one tag.
    """
    conn = db.connection()
    inserted = conn.execute(_CREATE[conn.dialect.name],
                            {"workspace_id": workspace_id, "b_name": name, "b_creator": actor.id, "b_now": utcnow()})
    found = _find(db, workspace_id, [name])
    if not found:  # only if the other creator's tag was deleted in the meantime
        raise Invalid("conflict")
    # Not a concurrent request's tag. PostgreSQL counts no rows of an INSERT … RETURNING (-1) but has no key
    # after DO NOTHING; SQLite counts them but keeps the previous insert's key.
    if (inserted.rowcount == 1) if inserted.rowcount >= 0 else inserted.inserted_primary_key is not None:
        webhook_changes.record(db, "tag", "created", [found[0][0]], workspace_id)
    return found[0]


def resolve(db: Session, actor: Actor, known: dict[tuple[int, str], tuple[int, str]], workspace_id: int,
            names: Sequence[str]) -> dict[int, str]:
    """Tags for ``names`` in the workspace, matched case-insensitively, unknown names created (if the
    caller may create tags there): their stored names by id, in the order of ``names``. ``known``
    caches (workspace, lowercased name) -> (id, stored name) for one request."""
    missing = [n for n in names if (workspace_id, n.lower()) not in known]
    if missing:
        for tag_id, stored in _find(db, workspace_id, missing):
            known.setdefault((workspace_id, stored.lower()), (tag_id, stored))
        new = [n for n in missing if (workspace_id, n.lower()) not in known]
        if new:
            catalog_tags.require_may_create_in(db, actor, workspace_id)
        # Sorted: two requests creating the same new names wait for each other in one order, never in a cycle.
        for name in sorted(new, key=str.lower):
            key = (workspace_id, name.lower())
            if key not in known:
                known[key] = _create(db, actor, workspace_id, name)
    return dict(known[(workspace_id, n.lower())] for n in names)


_BY_IDS = select(_TAG.id, _TAG.name).where(
    _TAG.workspace_id == bindparam("workspace_id"), _TAG.id.in_(bindparam("tag_ids", expanding=True)),
    _TAG.deleted_at.is_(None))


def with_tag_ids(db: Session, workspace_id: int, names: list[str], tag_ids: Sequence[int] | None) -> list[str]:
    """``names`` plus the names of ``tag_ids`` (live tags of the workspace, else 400 naming the first
    unknown id), case-insensitive duplicates collapsed: v9 sends names and ids as one set (50- §3)."""
    if not tag_ids:
        return names
    found = dict(db.connection().execute(_BY_IDS, {"workspace_id": workspace_id, "tag_ids": list(tag_ids)}).all())
    for tag_id in tag_ids:
        if tag_id not in found:
            raise Invalid("tag_id_not_found", id=tag_id)
    merged = {n.lower(): n for n in names}
    for tag_id in tag_ids:
        merged.setdefault(found[tag_id].lower(), found[tag_id])
    return list(merged.values())


def set_tags(db: Session, entry_id: int, tag_ids: Sequence[int], *, new: bool = False) -> None:
    """Replace the tags of an entry (``new``: it has none yet)."""
    conn = db.connection()
    if not new:
        conn.execute(_CLEAR, {"entry_id": entry_id})
    if tag_ids:
        conn.execute(_ADD, [{"time_entry_id": entry_id, "tag_id": t} for t in tag_ids])
