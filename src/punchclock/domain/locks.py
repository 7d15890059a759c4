"""Row locks for read-modify-write (PostgreSQL; SQLite writers hold the whole database already).

A service that changes rows it has read locks them first with ``for_change``. The rows come back
reloaded, so the change starts from what the last committed writer left: an ORM flush writes only the
columns whose value differs from the one read, and a stale read would make it skip a column that a
concurrent request has changed meanwhile (two updates then blend into a state neither asked for).

Lock order, the same in every service so that two writers never deadlock: domain/rates.py's
advisory locks first (when rates or time entries change), then rows by ascending id. FOR NO KEY
UPDATE is what an UPDATE takes anyway; it lets others insert rows that reference the locked ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from punchclock.models import Workspace

T = TypeVar("T")


def locking(stmt: Select[T], id_column: Any) -> Select[T]:
    """``stmt`` locking its rows in ascending id order (also for statements built once at import)."""
    return stmt.order_by(id_column).with_for_update(key_share=True)


def for_change(db: Session, stmt: Select[T], id_column: Any) -> Sequence[T]:
    """The rows of ``stmt`` locked in ascending id order and reloaded from the database."""
    return db.scalars(locking(stmt, id_column).execution_options(populate_existing=True)).all()


def lock_names(db: Session, workspace_id: int) -> None:
    """Before a new client, project or tag checks that its name is free: the workspace row is the lock.

    Two requests creating one name would both see it free and race to the unique index, and the
    loser would be told "conflict, retry" instead of the rule's "Name has already been taken".
    """
    lock_ids(db, Workspace, [workspace_id])


def lock_ids(db: Session, model: Any, ids: Iterable[int]) -> None:
    """Lock rows of ``model`` by id, ascending, without loading them (serialises checks on their children)."""
    wanted = sorted(set(ids))
    if wanted:
        db.execute(select(model.id).where(model.id.in_(wanted)).order_by(model.id).with_for_update(key_share=True))
