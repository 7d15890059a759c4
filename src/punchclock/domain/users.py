"""Users: sign-up, profile, password and token changes."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from punchclock.domain import organizations, security, time_entries, validation
from punchclock.domain.actor import Actor
from punchclock.domain.errors import Invalid
from punchclock.domain.inputs import given
from punchclock.domain.users_inputs import UserChanges, UserCreate, or_none
from punchclock.models import AuthSession, User, Workspace, WorkspaceMember
from punchclock.models._common import utcnow

EMAIL = re.compile(r"^[^@\s\x00-\x1f]+@[^@\s\x00-\x1f]+\.[^@\s\x00-\x1f]+$")

MIN_PASSWORD = 6
MAX_FULLNAME = 100
MAX_LANGUAGE = 16  # users.language is String(16)
TIMEOFDAY_FORMATS = ("H:mm", "h:mm A")
DATE_FORMATS = ("YYYY-MM-DD", "DD.MM.YYYY", "DD-MM-YYYY", "MM/DD/YYYY", "DD/MM/YYYY", "MM-DD-YYYY")
DURATION_FORMATS = ("improved", "classic", "decimal")
#: Days of time entries included in ``GET /me?with_related_data=true`` (the user object's ``retention``).
RETENTION_DAYS = time_entries.RECENT_DAYS


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    from zoneinfo import available_timezones

    # "localtime" and "Factory" are system artefacts, not zones a user lives in.
    return frozenset(z for z in available_timezones() if z not in ("localtime", "Factory"))


def valid_timezone(value: str) -> str:
    if value not in _zones():
        raise Invalid("invalid_timezone")
    return value


def valid_email(value: str) -> str:
    if not EMAIL.match(value.strip()) or len(value.strip()) > 255:
        raise Invalid("invalid_email")
    return value.strip()


def valid_fullname(value: str) -> str:
    if not value.strip():
        raise Invalid("fullname_blank")
    name = value.strip()
    if validation.has_control(name, single_line=True):
        raise Invalid("invalid_field", field="fullname")
    if len(name) > MAX_FULLNAME:
        raise Invalid("fullname_too_long", max=MAX_FULLNAME)
    return name


def valid_password(value: str) -> str:
    """The password rule of sign-up and ``PUT /me``, for callers that set a password directly."""
    if len(value) < MIN_PASSWORD:
        raise Invalid("password_too_short")
    return value


def email_taken(db: Session, email: str, exclude_id: int | None = None) -> bool:
    stmt = select(User.id).where(func.lower(User.email) == email.lower())
    if exclude_id is not None:
        stmt = stmt.where(User.id != exclude_id)
    return db.scalar(stmt) is not None


def fullname_from_email(email: str) -> str:
    """``test.user@…`` -> ``Test User`` (10-users-and-auth §5)."""
    local = email.split("@", 1)[0]
    return " ".join(p.capitalize() for p in re.split(r"[._-]+", local) if p) or local


def new_workspace(db: Session, name: str, owner: User, organization_id: int | None = None) -> Workspace:
    """A workspace with ``owner`` as active admin, in its own new organization unless one is given (V-1)."""
    if organization_id is None:
        organization_id = organizations.create(db, name, owner.id).id
    ws = Workspace(name=name[:140], api_token=security.new_api_token(), organization_id=organization_id)
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
    if len(password) < MIN_PASSWORD:
        raise Invalid("password_too_short")
    return _create(db, email=email, password_hash=security.hash_password(password), fullname=fullname,
                   timezone=timezone)


def _create(db: Session, *, email: str, password_hash: str, fullname: str | None, timezone: str) -> User:
    user = User(
        email=email,
        password_hash=password_hash,
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


# -- sign-up ------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Signup:
    """A sign-up request that passed every check not needing the database."""

    email: str
    password: str
    timezone: str
    fullname: str | None


def check_signup(request: UserCreate) -> Signup:
    """Validate a sign-up without the database (all messages at once; O-38)."""
    checks = validation.FieldChecks(given(request))
    email = or_none(request.email)
    if email is None or not email.strip():
        checks.fail("email_blank")
    else:
        checks.check("email", valid_email)
    password = or_none(request.password) or ""
    if not password:
        checks.fail("password_blank")
    elif len(password) < MIN_PASSWORD:
        checks.fail("password_too_short")
    checks.check("timezone", valid_timezone)
    fullname = or_none(request.fullname)
    if fullname is not None and fullname.strip():
        checks.check("fullname", valid_fullname)
    checks.raise_problems()
    values = checks.values
    return Signup(email=values["email"], password=password,
                  timezone=values.get("timezone", "Etc/UTC"), fullname=values.get("fullname"))


def signup(db: Session, request: Signup, password_hash: str) -> User:
    """``POST /signups`` after ``check_signup`` (10-users-and-auth §5, O-40).

    ``password_hash`` is computed by the caller (argon2 is slow; the edge runs it off the event loop).
    An e-mail that belongs to a placeholder account (created by an invitation, no password yet)
    completes that account instead of failing: it gets the password, the defaults and its own
    personal workspace; its pending invitations stay pending.
    """
    existing = db.scalar(select(User).where(func.lower(User.email) == request.email.lower()))
    if existing is None:
        return _create(db, email=request.email, password_hash=password_hash, fullname=request.fullname,
                       timezone=request.timezone)
    if existing.password_hash is not None:
        raise Invalid("email_taken")
    existing.password_hash = password_hash
    existing.fullname = request.fullname or existing.fullname or fullname_from_email(existing.email)
    existing.timezone = request.timezone
    ws = new_workspace(db, f"{existing.fullname}'s workspace", existing)
    existing.default_workspace_id = ws.id
    existing.updated_at = utcnow()
    db.flush()
    return existing


# -- PUT /me ------------------------------------------------------------------------------------------

#: Plain boolean preferences stored as they come (10-users-and-auth §3).
BOOLEAN_FIELDS = (
    "send_product_emails",
    "send_weekly_report",
    "send_timer_notifications",
    "store_start_and_stop_time",
    "sidebar_piechart",
)


@dataclass(frozen=True, slots=True)
class PasswordCheck:
    """The argon2 part of a password change, computed without the database (it is slow)."""

    current_ok: bool
    new_hash: str | None


def check_password_change(password_hash: str | None, changes: UserChanges) -> PasswordCheck | None:
    """Verify ``current_password`` and hash ``password``; None when no new password is asked for."""
    password, current = changes.new_password, or_none(changes.current_password)
    if password is None:
        return None
    ok = bool(current and security.verify_password(password_hash, current))
    usable = ok and len(password) >= MIN_PASSWORD
    return PasswordCheck(current_ok=ok, new_hash=security.hash_password(password) if usable else None)


def update_me(db: Session, actor: Actor, changes: UserChanges, *, keep_session: str | None = None,
              password_check: PasswordCheck | None = None) -> User:
    """Apply a ``PUT /me``: validate every field first (all messages at once), then change.

    A password change deletes every session of the user except ``keep_session`` (a cookie value).
    ``password_check`` is ``check_password_change`` done beforehand; without it, it is done here.
    """
    user = load_user(db, actor)
    checks = validation.FieldChecks(given(changes))
    check = checks.check
    check("fullname", valid_fullname)
    check("email", valid_email)
    check("timezone", valid_timezone)
    check("beginning_of_week", _beginning_of_week)
    check("timeofday_format", lambda v: _one_of(v, TIMEOFDAY_FORMATS, "invalid_timeofday_format"))
    check("date_format", lambda v: _one_of(v, DATE_FORMATS, "invalid_date_format"))
    check("duration_format", lambda v: _one_of(v, DURATION_FORMATS, "invalid_duration_format"))
    check("language", _language)
    check("default_workspace_id", lambda v: _default_workspace(actor, v))
    checks.flags(BOOLEAN_FIELDS)
    new = checks.values
    if "email" in new and email_taken(db, new["email"], exclude_id=user.id):
        checks.fail("email_taken")

    password = changes.new_password
    pw = password_check or check_password_change(user.password_hash, changes)
    if password is not None and pw is not None:
        if not changes.current_password:
            checks.fail("current_password_required")
        elif not pw.current_ok:
            checks.fail("current_password_invalid")
        if len(password) < MIN_PASSWORD:
            checks.fail("password_too_short")
    checks.raise_problems()

    changed = False
    for field, value in new.items():
        if getattr(user, field) != value:
            setattr(user, field, value)
            changed = True
    if pw is not None and pw.new_hash is not None:  # every rule above passed
        user.password_hash = pw.new_hash
        end_sessions(db, user.id, keep=keep_session)
        changed = True
    if changed:
        user.updated_at = utcnow()
    db.flush()
    return user


def _one_of(value: str, allowed: Sequence[str], code: str) -> str:
    if value not in allowed:
        raise Invalid(code)
    return value


def _beginning_of_week(value: int) -> int:
    if not 0 <= value <= 6:
        raise Invalid("invalid_beginning_of_week")
    return value


def _language(value: str) -> str:
    if not value.strip():
        raise Invalid("language_blank")
    if len(value.strip()) > MAX_LANGUAGE:
        raise Invalid("invalid_language")
    return value.strip()


def _default_workspace(actor: Actor, workspace_id: int) -> int:
    if not actor.is_member(workspace_id):
        raise Invalid("invalid_default_workspace")
    return workspace_id


# -- tokens and sessions ------------------------------------------------------------------------------

def reset_token(db: Session, user: User) -> str:
    """A fresh API token; the old one stops working at once, sessions stay (10-users-and-auth §4)."""
    user.api_token = security.new_api_token()
    user.updated_at = utcnow()
    db.flush()
    return user.api_token


def end_sessions(db: Session, user_id: int, *, keep: str | None = None) -> None:
    """Delete the user's sessions, except the one whose cookie value is ``keep``."""
    stmt = delete(AuthSession).where(AuthSession.user_id == user_id)
    if keep is not None:
        stmt = stmt.where(AuthSession.token_hash != security.digest(keep))
    db.execute(stmt)


def end_session(db: Session, user_id: int, secret: str) -> None:
    """Delete the session named by cookie value ``secret`` if it belongs to ``user_id``."""
    db.execute(
        delete(AuthSession).where(AuthSession.user_id == user_id, AuthSession.token_hash == security.digest(secret))
    )


def default_workspace(stored: int | None, active: Iterable[int]) -> int | None:
    """The stored default while it is an active membership, else the lowest-id active one (v9 V-49).

    ``None`` only without any active membership: a read never creates a workspace.
    """
    ids = set(active)
    return stored if stored in ids else min(ids, default=None)


def workspace_premium(db: Session, actor: Actor) -> list[tuple[int, bool]]:
    """``(workspace id, premium)`` of each active membership, by id (what v9 ``/me/features`` derives from)."""
    if not actor.workspaces:
        return []
    rows = db.execute(select(Workspace.id, Workspace.premium).where(Workspace.id.in_(actor.workspaces))
                      .order_by(Workspace.id))
    return [(wid, bool(premium)) for wid, premium in rows]


def recent_stopped_entries(db: Session, actor: Actor, now: datetime) -> time_entries.History:
    """The caller's stopped live entries started in the last ``RETENTION_DAYS`` days, newest first (v9
    ``/me/web-timer``, 20- §9: its clients require a stop, so the running entry is left out)."""
    found = time_entries.recent(db, actor, now, with_running=False)
    kept = [e for e in found.entries if e.stop is not None]
    return time_entries.History(kept, {e.id: found.tags[e.id] for e in kept})


def load_user(db: Session, actor: Actor) -> User:
    """The caller as an ORM object, for services that change it (``actor.user`` is a read-only snapshot)."""
    return db.get_one(User, actor.id)
