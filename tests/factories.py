"""Arrange helpers: explicit keyword overrides, committed so the app sees them."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from punchclock.domain import organizations, security, users
from punchclock.models import (
    Client,
    Project,
    ProjectMember,
    Tag,
    Task,
    TimeEntry,
    TimeEntryTag,
    User,
    Workspace,
    WorkspaceMember,
)

_counter = iter(range(1, 1_000_000))
PASSWORD = "secret-pass-1"


def basic(username: str, password: str) -> dict[str, str]:
    raw = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


def token_auth(user: User) -> dict[str, str]:
    return basic(user.api_token, "api_token")


def make_user(db: Session, *, email: str | None = None, password: str = PASSWORD, fullname: str | None = None,
              timezone: str = "Etc/UTC", **fields: Any) -> User:
    """A registered user with a personal workspace (``user.default_workspace_id``)."""
    n = next(_counter)
    user = users.register(db, email=email or f"user{n}@example.org", password=password,
                          fullname=fullname or f"User {n}", timezone=timezone)
    for k, v in fields.items():
        setattr(user, k, v)
    db.commit()
    return user


def make_workspace(db: Session, *, admin: User, name: str = "Team", **fields: Any) -> Workspace:
    fields.setdefault("organization_id", organizations.create(db, name, admin.id).id)
    ws = Workspace(name=name, api_token=security.new_api_token(), **fields)
    db.add(ws)
    db.flush()
    db.add(WorkspaceMember(workspace_id=ws.id, user_id=admin.id, admin=True, active=True))
    db.commit()
    return ws


def add_member(db: Session, ws: Workspace | int, user: User, *, admin: bool = False, active: bool = True
               ) -> WorkspaceMember:
    wid = ws if isinstance(ws, int) else ws.id
    m = WorkspaceMember(workspace_id=wid, user_id=user.id, admin=admin, active=active)
    db.add(m)
    db.commit()
    return m


def make_client(db: Session, *, workspace_id: int, name: str = "Client", **fields: Any) -> Client:
    c = Client(workspace_id=workspace_id, name=name, **fields)
    db.add(c)
    db.commit()
    return c


def make_project(db: Session, *, workspace_id: int, name: str = "Project", manager: User | None = None,
                 **fields: Any) -> Project:
    fields.setdefault("is_private", False)
    p = Project(workspace_id=workspace_id, name=name, **fields)
    db.add(p)
    db.flush()
    if manager is not None:
        db.add(ProjectMember(project_id=p.id, user_id=manager.id, workspace_id=workspace_id, manager=True))
    db.commit()
    return p


def add_project_user(db: Session, project: Project, user: User, *, manager: bool = False,
                     rate: Decimal | None = None) -> ProjectMember:
    m = ProjectMember(project_id=project.id, user_id=user.id, workspace_id=project.workspace_id,
                      manager=manager, rate=rate)
    db.add(m)
    db.commit()
    return m


def make_tag(db: Session, *, workspace_id: int, name: str) -> Tag:
    t = Tag(workspace_id=workspace_id, name=name)
    db.add(t)
    db.commit()
    return t


def make_task(db: Session, *, project: Project, name: str = "Task", **fields: Any) -> Task:
    t = Task(project_id=project.id, workspace_id=project.workspace_id, name=name, **fields)
    db.add(t)
    db.commit()
    return t


def at(text: str) -> datetime:
    """``"2023-10-02T07:00:00Z"`` -> aware UTC datetime."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def make_entry(db: Session, *, user: User, start: datetime | str, seconds: int | None = 3600,
               workspace_id: int | None = None, tags: list[Tag] | None = None, **fields: Any) -> TimeEntry:
    """A stopped entry of ``seconds`` (``None`` = running)."""
    import uuid

    s = at(start) if isinstance(start, str) else start
    e = TimeEntry(
        guid=str(uuid.uuid4()), user_id=user.id, workspace_id=workspace_id or user.default_workspace_id,
        start=s, stop=None if seconds is None else s + timedelta(seconds=seconds),
        duration=0 if seconds is None else seconds, created_with="tests", **fields,
    )
    db.add(e)
    db.flush()
    for t in tags or []:
        db.add(TimeEntryTag(time_entry_id=e.id, tag_id=t.id))
    db.commit()
    return e


# -- groups and invitations (helper: members/groups) --------------------------------------------------

def make_group(db: Session, *, workspace_id: int, name: str = "Group", members: list[WorkspaceMember] | None = None,
               **fields: Any) -> Any:
    """A group (``models.Group``) with ``members`` (workspace-member rows) in it."""
    from punchclock.models import Group, GroupMember

    g = Group(workspace_id=workspace_id, name=name, name_key=name.casefold(), **fields)
    db.add(g)
    db.flush()
    for m in members or []:
        db.add(GroupMember(group_id=g.id, workspace_member_id=m.id))
    db.commit()
    return g


def add_invitation(db: Session, ws: Workspace | int, user: User, *, code: str | None = None,
                   invited_at: datetime | None = None) -> WorkspaceMember:
    """A pending membership of ``user`` with a live invitation code (``invited_at`` defaults to now)."""
    import secrets

    wid = ws if isinstance(ws, int) else ws.id
    m = WorkspaceMember(workspace_id=wid, user_id=user.id, admin=False, active=False,
                        invite_code=code or secrets.token_urlsafe(32),
                        invited_at=invited_at or datetime.now(UTC).replace(microsecond=0))
    db.add(m)
    db.commit()
    return m


def make_placeholder(db: Session, *, email: str, fullname: str | None = None) -> User:
    """An account created by an invitation: no password, no workspace."""
    u = User(email=email, password_hash=None, api_token=security.new_api_token(),
             fullname=fullname or users.fullname_from_email(email))
    db.add(u)
    db.commit()
    return u


@contextmanager
def count_queries(app: Any) -> Iterator[list[int]]:
    """Counts the SQL statements the app's engine runs inside the block (for N+1 checks)."""
    counter = [0]

    def before(*_args: Any, **_kw: Any) -> None:
        counter[0] += 1

    event.listen(app.state.engine, "before_cursor_execute", before)
    try:
        yield counter
    finally:
        event.remove(app.state.engine, "before_cursor_execute", before)


@dataclass
class Team:
    admin: User
    manager: User
    member: User
    outsider: User
    ws: Workspace
    project: Project
    manager_link: ProjectMember


def make_team(db: Session, **ws_fields: Any) -> Team:
    """Admin Mara, manager Jonas (manager of public project P), member Lena, outsider Otto (own workspace only)."""
    admin = make_user(db, fullname="Mara Quint")
    manager = make_user(db, fullname="Jonas Weber")
    member = make_user(db, fullname="Lena Berg")
    outsider = make_user(db, fullname="Otto Out")
    ws = make_workspace(db, admin=admin, **ws_fields)
    add_member(db, ws, manager)
    add_member(db, ws, member)
    project = make_project(db, workspace_id=ws.id, name="P")
    link = add_project_user(db, project, manager, manager=True)
    return Team(admin, manager, member, outsider, ws, project, link)


class Clock:
    """A monotonic clock the test moves by hand (``clock.now += 90``), for limiter buckets."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now
