"""What v9's ``meta=true`` adds to time entries (50- §1): names of their project, client, task and owner.

Three queries for any number of entries (projects with their clients, tasks, owners), never one per entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from punchclock.db.base import table
from punchclock.domain import colors
from punchclock.models import Client, Project, Task, User


class EntryMeta(NamedTuple):
    client_id: int | None
    client_name: str | None
    project_name: str | None
    #: ``#rrggbb``: the hex a client chose, else the palette colour's (V-17).
    project_color: str | None
    project_active: bool | None
    project_billable: bool | None
    task_name: str | None
    user_name: str
    #: For the owner's avatar URL (``user_avatar_url``), which the HTTP layer builds.
    user_email: str


_P = table(Project).c
_C = table(Client).c
_PROJECTS = (
    select(_P.id, _P.client_id, _C.name, _P.name, _P.color, _P.color_hex, _P.active, _P.billable)
    .join_from(table(Project), table(Client), _C.id == _P.client_id, isouter=True)
    .where(_P.id.in_(bindparam("ids", expanding=True)))
)
_TASKS = select(table(Task).c.id, table(Task).c.name).where(table(Task).c.id.in_(bindparam("ids", expanding=True)))
_U = table(User).c
_USERS = select(_U.id, _U.fullname, _U.email).where(_U.id.in_(bindparam("ids", expanding=True)))
_NO_PROJECT = (None, None, None, 0, None, None, None)


def _by_id(db: Session, stmt: Any, ids: Iterable[int | None]) -> dict[int, Any]:
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    return {row[0]: row[1:] for row in db.connection().execute(stmt, {"ids": wanted})}


def related(db: Session, entries: Sequence[Any]) -> dict[int, EntryMeta]:
    """``EntryMeta`` by entry id; ``entries`` are ``EntryRow`` or ``EntryStamps`` tuples."""
    projects = _by_id(db, _PROJECTS, (e.project_id for e in entries))
    tasks = _by_id(db, _TASKS, (e.task_id for e in entries))
    users = _by_id(db, _USERS, (e.user_id for e in entries))
    out: dict[int, EntryMeta] = {}
    for e in entries:
        client_id, client_name, name, color, color_hex, active, billable = projects.get(e.project_id, _NO_PROJECT)
        task = tasks.get(e.task_id)
        shown = None if name is None else colors.hex_color(color) if color_hex is None else color_hex
        out[e.id] = EntryMeta(client_id, client_name, name, shown, active, billable,
                              None if task is None else task[0], *users[e.user_id])
    return out
