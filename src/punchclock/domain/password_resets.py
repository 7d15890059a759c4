"""Password reset by e-mail: single-use, expiring links (``password_resets``; only a digest is stored).

Asking for a link never tells whether the address has an account: the caller answers the same page
either way and mails only when ``request_link`` returned something. Accounts without a password (made
by an invitation, not yet accepted) get no link: the invitation is their way in. A used link, or a
successful reset, spends every other link of the account too; the reset ends all its sessions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from punchclock.domain import security, users
from punchclock.domain.mail import Mail
from punchclock.models import PasswordReset, User
from punchclock.models._common import utcnow

#: How long a link stays valid (a setting would be ``password_reset_minutes``).
VALID_MINUTES = 60
#: Unused, unexpired links per account: asking more often mails nothing (no mail bombing).
MAX_LIVE = 3
PATH = "/password/reset/"
#: ``security.new_session_secret`` is 43 characters; anything much longer is no link of ours.
MAX_SECRET = 64


@dataclass(frozen=True, slots=True)
class Link:
    """A new link: the secret goes into the mail only (the database keeps its digest)."""

    user_id: int
    email: str
    secret: str
    expires_at: datetime


def request_link(db: Session, email: str, *, minutes: int = VALID_MINUTES, now: datetime | None = None
                 ) -> Link | None:
    """A fresh link for the account of ``email`` (any case), or None: no such account, no password
    yet, or already ``MAX_LIVE`` live links."""
    key = email.strip().lower()
    if not key or len(key) > 255:
        return None
    user = db.scalars(select(User).where(func.lower(User.email) == key, User.password_hash.is_not(None))).first()
    if user is None:
        return None
    now = now or utcnow()
    live = db.scalar(select(func.count()).select_from(PasswordReset).where(
        PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None), PasswordReset.expires_at > now))
    if live is not None and live >= MAX_LIVE:
        return None
    secret = security.new_session_secret()
    expires = now + timedelta(minutes=minutes)
    db.add(PasswordReset(token_hash=security.digest(secret), user_id=user.id, created_at=now, expires_at=expires))
    db.flush()
    return Link(user.id, user.email, secret, expires)


def _live(secret: str, now: datetime) -> Select[PasswordReset]:
    return select(PasswordReset).where(PasswordReset.token_hash == security.digest(secret),
                                       PasswordReset.used_at.is_(None), PasswordReset.expires_at > now)


def find(db: Session, secret: str, *, now: datetime | None = None) -> User | None:
    """The account a live link resets, or None for an unknown, used or expired link."""
    if not secret or len(secret) > MAX_SECRET:
        return None
    reset = db.scalars(_live(secret, now or utcnow())).first()
    return None if reset is None else db.get(User, reset.user_id)


def complete(db: Session, secret: str, password_hash: str, *, now: datetime | None = None) -> int | None:
    """Set the account's password from a live link and spend it; None when the link is not live.

    The link's row is locked first, so two submissions of one link cannot both succeed. Every other
    link of the account is spent and every session of the account ends. Returns the user id.
    """
    if not secret or len(secret) > MAX_SECRET:
        return None
    now = now or utcnow()
    reset = db.scalars(_live(secret, now).with_for_update()).first()
    if reset is None:
        return None
    user = db.get_one(User, reset.user_id)
    user.password_hash = password_hash
    user.updated_at = now
    db.execute(update(PasswordReset).where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
               .values(used_at=now))
    users.end_sessions(db, user.id)
    db.flush()
    return user.id


def reset_url(public_url: str, secret: str) -> str:
    return f"{public_url.rstrip('/')}{PATH}{secret}"


def reset_mail(link: Link, url: str, minutes: int = VALID_MINUTES) -> Mail:
    text = (
        "Hello,\n\n"
        "somebody (hopefully you) asked to reset the password of your punchclock account.\n\n"
        f"Choose a new password here:\n{url}\n\n"
        f"The link can be used once and is valid for {minutes} minutes.\n"
        "If you did not ask for it, ignore this mail: your password stays as it is.\n"
    )
    return Mail(to=link.email, subject="Reset your punchclock password", text=text)
