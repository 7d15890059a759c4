"""Operator actions on user accounts (``punchclock user …``): list, password, disable, token."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from punchclock.domain import security, users
from punchclock.models import AuthSession, User, WorkspaceMember
from punchclock.models._common import utcnow


@dataclass(frozen=True, slots=True)
class UserRow:
    id: int
    email: str
    fullname: str
    workspace_ids: tuple[int, ...]
    last_login_at: datetime | None
    disabled_at: datetime | None


def user_rows(db: Session) -> list[UserRow]:
    """Every user by id, with the workspaces they are an active member of (pending invitations excluded)."""
    memberships: dict[int, list[int]] = {}
    active = select(WorkspaceMember.user_id, WorkspaceMember.workspace_id).where(WorkspaceMember.active)
    for user_id, workspace_id in db.execute(active.order_by(WorkspaceMember.workspace_id)):
        memberships.setdefault(user_id, []).append(workspace_id)
    return [
        UserRow(u.id, u.email, u.fullname, tuple(memberships.get(u.id, ())), u.last_login_at, u.disabled_at)
        for u in db.scalars(select(User).order_by(User.id))
    ]


def find_user(db: Session, email: str) -> User | None:
    """The user whose e-mail is ``email``, compared case-insensitively as logins are."""
    return db.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def set_password(db: Session, user: User, password: str) -> int:
    """Replace the password (sign-up rule, ``Invalid`` otherwise); ends every session. Returns sessions ended."""
    users.valid_password(password)
    user.password_hash = security.hash_password(password)
    user.updated_at = utcnow()
    return end_all_sessions(db, user)


def disable(db: Session, user: User) -> int:
    """Mark the user disabled (kept if already set) and end their sessions. Returns sessions ended."""
    if user.disabled_at is None:
        user.disabled_at = utcnow()
        user.updated_at = user.disabled_at
    return end_all_sessions(db, user)


def enable(db: Session, user: User) -> bool:
    """Clear ``disabled_at``; False when the user was not disabled."""
    if user.disabled_at is None:
        return False
    user.disabled_at = None
    user.updated_at = utcnow()
    db.flush()
    return True


def end_all_sessions(db: Session, user: User) -> int:
    ended = db.scalar(select(func.count()).select_from(AuthSession).where(AuthSession.user_id == user.id)) or 0
    users.end_sessions(db, user.id)
    db.flush()
    return ended
