"""Users: sign-up, profile, password and token changes."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from punchclock.domain import security
from punchclock.domain.errors import Invalid
from punchclock.models import User, Workspace, WorkspaceMember

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def valid_email(value: Any) -> str:
    if not isinstance(value, str) or not EMAIL.match(value.strip()) or len(value.strip()) > 255:
        raise Invalid("invalid_email")
    return value.strip()


def email_taken(db: Session, email: str, exclude_id: int | None = None) -> bool:
    stmt = select(User.id).where(func.lower(User.email) == email.lower())
    if exclude_id is not None:
        stmt = stmt.where(User.id != exclude_id)
    return db.scalar(stmt) is not None


def fullname_from_email(email: str) -> str:
    """``test.user@…`` -> ``Test User`` (10-users-and-auth §5)."""
    local = email.split("@", 1)[0]
    return " ".join(p.capitalize() for p in re.split(r"[._-]+", local) if p) or local


def new_workspace(db: Session, name: str, owner: User) -> Workspace:
    ws = Workspace(name=name[:140], api_token=security.new_api_token())
    db.add(ws)
    db.flush()
    db.add(WorkspaceMember(workspace_id=ws.id, user_id=owner.id, admin=True, active=True))
    return ws


def register(
    db: Session,
    *,
    email: str,
    password: str,
    fullname: str | None = None,
    timezone: str = "Etc/UTC",
) -> User:
    """Create a user with a personal workspace ``"<fullname>'s workspace"`` as default workspace."""
    email = valid_email(email)
    if email_taken(db, email):
        raise Invalid("email_taken")
    if len(password) < 6:
        raise Invalid("password_too_short")
    user = User(
        email=email,
        password_hash=security.hash_password(password),
        api_token=security.new_api_token(),
        fullname=(fullname or "").strip() or fullname_from_email(email),
        timezone=timezone,
    )
    db.add(user)
    db.flush()
    ws = new_workspace(db, f"{user.fullname}'s workspace", user)
    user.default_workspace_id = ws.id
    db.flush()
    return user
