"""Titles of the objects a report names: one query per kind for the whole set of ids present.

Reports group by ids in SQL and look the titles up afterwards, for the ids they found only. With a
``Scope`` (the PDF's filter lines), ids outside the workspace or hidden from the caller get no title.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, Select, bindparam, select
from sqlalchemy.orm import Session

from punchclock.domain import access
from punchclock.domain.actor import Actor
from punchclock.models import Client, Group, Project, Tag, Task, User, WorkspaceMember


class Kind(StrEnum):
    CLIENTS = "clients"
    USERS = "users"
    TASKS = "tasks"
    TAGS = "tags"
    GROUPS = "groups"


@dataclass(frozen=True, slots=True)
class Scope:
    """Only objects of this workspace that the actor may see."""

    workspace_id: int
    actor: Actor


@dataclass(frozen=True, slots=True)
class ProjectTitle:
    id: int
    name: str
    #: The colour id (``domain.colors``).
    color: int
    #: The project's client name, None without client.
    client: str | None


def _wanted(ids: Iterable[int | None]) -> list[int]:
    return sorted({i for i in ids if i is not None})


#: The ids asked for, bound at execution: the unscoped statements are built once (building one
#: took longer than running it).
_IDS: BindParameter[int] = bindparam("title_ids", expanding=True)
_PROJECTS = (select(Project.id, Project.name, Project.color, Client.name)
             .outerjoin(Client, Client.id == Project.client_id))


def projects(db: Session, ids: Iterable[int | None], scope: Scope | None = None) -> dict[int, ProjectTitle]:
    """Name, colour and client name of each project (None ids are skipped)."""
    wanted = _wanted(ids)
    if not wanted:
        return {}
    rows: Iterable[Any]
    if scope is None:
        rows = db.connection().execute(_UNSCOPED_PROJECTS, {"title_ids": wanted})
    else:
        rows = db.execute(_PROJECTS.where(Project.id.in_(wanted), Project.workspace_id == scope.workspace_id,
                                          access.project_visible(scope.actor)))
    return {pid: ProjectTitle(pid, name, color, client) for pid, name, color, client in rows}


def _scoped(kind: Kind, scope: Scope) -> Callable[[Select[Any]], Select[Any]]:
    ws = scope.workspace_id
    conditions: dict[Kind, Callable[[Select[Any]], Select[Any]]] = {
        Kind.CLIENTS: lambda s: s.where(Client.workspace_id == ws),
        Kind.USERS: lambda s: s.join(WorkspaceMember, WorkspaceMember.user_id == User.id)
        .where(WorkspaceMember.workspace_id == ws),
        Kind.TASKS: lambda s: s.join(Project, Project.id == Task.project_id)
        .where(Task.workspace_id == ws, access.project_visible(scope.actor)),
        Kind.TAGS: lambda s: s.where(Tag.workspace_id == ws),
        Kind.GROUPS: lambda s: s.where(Group.workspace_id == ws),
    }
    return conditions[kind]


_COLUMNS: dict[Kind, tuple[Any, Any]] = {
    Kind.CLIENTS: (Client.id, Client.name),
    Kind.USERS: (User.id, User.fullname),
    Kind.TASKS: (Task.id, Task.name),
    Kind.TAGS: (Tag.id, Tag.name),
    Kind.GROUPS: (Group.id, Group.name),
}


_UNSCOPED_PROJECTS = _PROJECTS.where(Project.id.in_(_IDS))
_UNSCOPED_NAMES: dict[Kind, Select[Any]] = {kind: select(key, label).where(key.in_(_IDS))
                                            for kind, (key, label) in _COLUMNS.items()}


def names(db: Session, kind: Kind, ids: Iterable[int | None], scope: Scope | None = None) -> dict[int, str]:
    """The name of each object of ``kind`` (a user's full name); None ids are skipped."""
    wanted = _wanted(ids)
    if not wanted:
        return {}
    if scope is None:
        return {oid: name for oid, name in db.connection().execute(_UNSCOPED_NAMES[kind], {"title_ids": wanted})}
    key, label = _COLUMNS[kind]
    id_in: ColumnElement[bool] = key.in_(wanted)
    stmt: Select[Any] = _scoped(kind, scope)(select(key, label).where(id_in))
    return {oid: name for oid, name in db.execute(stmt)}
