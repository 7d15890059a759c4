"""Who is calling: Basic (token or e-mail+password) or the session cookie -> Actor.

A disabled user (``users.disabled_at`` set) is unknown to every statement here, so each means fails
exactly as wrong credentials do. Failed logins are throttled (http/loginthrottle.py).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Coroutine, Sequence
from dataclasses import fields
from datetime import timedelta
from typing import Any, cast

from fastapi import Request
from sqlalchemy import Row, and_, bindparam, func, insert, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from punchclock.db.base import table
from punchclock.domain.actor import Actor, UserRecord
from punchclock.domain.errors import RateLimited, Unauthenticated
from punchclock.domain.security import digest, new_session_secret, verify_password
from punchclock.domain.validation import has_control
from punchclock.http.loginthrottle import account_key
from punchclock.http.ratelimit import Rate
from punchclock.models import AuthSession, User, Workspace, WorkspaceMember
from punchclock.models._common import utcnow

LEGACY_COOKIES = ("toggl_api_session_new", "toggl_api_session")


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "-"


def _basic(header: str) -> tuple[str, str]:
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        raise Unauthenticated("bad_credentials")
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise Unauthenticated("bad_credentials") from None
    user, sep, password = decoded.partition(":")
    # No e-mail or token holds a control character, and PostgreSQL could not even compare a NUL.
    # Surrounding whitespace is trimmed later (a token read from a file ends in a newline, 00- §5.2).
    if not sep or has_control(user.strip(), single_line=True):
        raise Unauthenticated("bad_credentials")
    return user, password


# The hot path: one prebuilt Core statement finds the user and their active memberships together;
# rows become a ``UserRecord`` and the Actor, with no ORM object.
_USERS, _MEMBERS, _WORKSPACES = table(User), table(WorkspaceMember), table(Workspace)
_USER_COLUMNS = [_USERS.c[f.name] for f in fields(UserRecord)]
_N = len(_USER_COLUMNS)
_MEMBERSHIPS = (
    select(*_USER_COLUMNS, _MEMBERS.c.workspace_id, _MEMBERS.c.admin, _WORKSPACES.c.only_admins_see_billable_rates)
    .select_from(
        _USERS.outerjoin(_MEMBERS, and_(_MEMBERS.c.user_id == _USERS.c.id, _MEMBERS.c.active.is_(True)))
        .outerjoin(_WORKSPACES, _WORKSPACES.c.id == _MEMBERS.c.workspace_id)
    )
    .where(_USERS.c.disabled_at.is_(None))
)
_BY_TOKEN = _MEMBERSHIPS.where(_USERS.c.api_token == bindparam("token"))
_BY_ID = _MEMBERSHIPS.where(_USERS.c.id == bindparam("user_id"))
_SESSIONS = table(AuthSession)
_BY_SESSION = _MEMBERSHIPS.join(_SESSIONS, _SESSIONS.c.user_id == _USERS.c.id).where(
    _SESSIONS.c.token_hash == bindparam("digest"), _SESSIONS.c.expires_at > bindparam("now")
)

_BY_EMAIL = select(_USERS.c.id, _USERS.c.password_hash, _USERS.c.last_login_at).where(
    func.lower(_USERS.c.email) == bindparam("email"), _USERS.c.disabled_at.is_(None)
)
# A login is not a change of the user object: its ``at`` (updated_at) stays as it was.
_RECORD_LOGIN = (
    update(_USERS).where(_USERS.c.id == bindparam("user_id"))
    .values(last_login_at=bindparam("now"), updated_at=_USERS.c.updated_at)
)

LOGIN_RECORD_INTERVAL = timedelta(minutes=1)


class BadPassword(Unauthenticated):
    """A wrong (or unknown) e-mail + password: charged to its (account, IP) failure bucket too."""

    def __init__(self, account: str) -> None:
        super().__init__("bad_credentials")
        self.account = account


def _actor(rows: Sequence[Row[*tuple[Any, ...]]], method: str) -> Actor:
    """The Actor from ``_MEMBERSHIPS`` rows: the user's columns, then one active membership per row (or None)."""
    members = [row[_N:] for row in rows if row[_N] is not None]
    return Actor(user=UserRecord(*rows[0][:_N]), workspaces={wid: admin for wid, admin, _ in members},
                 method=method, rates_hidden={wid: hidden for wid, _, hidden in members})


async def _authenticate(request: Request, db: Session, cookie_names: tuple[str, ...]) -> Actor:
    header = request.headers.get("authorization")
    if header is not None:
        name, password = _basic(header)
        if password == "api_token":
            rows = db.connection().execute(_BY_TOKEN, {"token": name.strip()}).all()
            if rows:
                return _actor(rows, "token")
            # End the lookup's transaction: none may stay open across the password check's await.
            db.rollback()
        return await _password_user(request, db, name, password)
    for cookie in cookie_names:
        secret = request.cookies.get(cookie)
        if secret:
            rows = db.connection().execute(_BY_SESSION, {"digest": digest(secret), "now": utcnow()}).all()
            if rows:
                return _actor(rows, "session")
            break
    raise Unauthenticated("bad_credentials")


async def _password_user(request: Request, db: Session, email: str, password: str) -> Actor:
    account = account_key(email)
    request.app.state.login_throttle.check(client_ip(request), account)
    # argon2 takes tens of milliseconds by design, so it runs in a thread. The lookup uses its own
    # short connection: no request transaction may stay open across an await (see http/routing.py).
    # Session.get_bind() is typed Engine | Connection; app.py's sessionmakers are bound to the Engine.
    engine = cast(Engine, db.get_bind())
    with engine.execution_options(sqlite_immediate=False).connect() as conn:
        row = conn.execute(_BY_EMAIL, {"email": account}).first()
    ok = await run_in_threadpool(verify_password, row[1] if row else None, password)
    if row is None or not ok:
        raise BadPassword(account)
    # Clients that send e-mail + password on every call would write on every call: once a minute is
    # enough for "last login". Its own short write: a GET's read transaction can't become a writer.
    if row[2] is None or utcnow() - row[2] >= LOGIN_RECORD_INTERVAL:
        with engine.execution_options(sqlite_immediate=True).begin() as conn:
            record_login(conn, row[0])
    rows = db.connection().execute(_BY_ID, {"user_id": row[0]}).all()
    if not rows:  # deleted or disabled between the two statements
        raise BadPassword(account)
    return _actor(rows, "password")


def record_login(conn: Connection, user_id: int) -> None:
    """``last_login_at``: e-mail + password logins and new sessions, never token or cookie calls (hot path)."""
    conn.execute(_RECORD_LOGIN, {"user_id": user_id, "now": utcnow()})


async def authenticate(request: Request, db: Session, rate: Rate, cookie_name: str, scope: str = "") -> Actor:
    """Authenticate, then charge the rate-limit bucket of (credential, IP); failures charge IP only.

    ``scope`` names the bucket family: ``""`` for v8, ``"v9:"`` for API v9 (its own rate, V-11).
    """
    return await _charged(request, db, rate, _authenticate(request, db, (cookie_name, *LEGACY_COOKIES)), scope)


async def authenticate_password(request: Request, db: Session, rate: Rate, email: str, password: str) -> Actor:
    """E-mail + password from a request body (``POST /sessions`` extension, O-8); charged like Basic."""
    async def attempt() -> Actor:
        return await _password_user(request, db, email, password)

    return await _charged(request, db, rate, attempt())


async def authenticate_token(request: Request, db: Session, rate: Rate) -> Actor:
    """Reports API v2: HTTP Basic with ``<api_token>:api_token`` only (50-reports §2, O-7); its own buckets."""
    async def attempt() -> Actor:
        header = request.headers.get("authorization")
        if header is None:
            raise Unauthenticated("bad_credentials")
        name, password = _basic(header)
        rows = db.connection().execute(_BY_TOKEN, {"token": name.strip()}).all() if password == "api_token" else []
        if not rows:
            raise Unauthenticated("bad_credentials")
        return _actor(rows, "token")

    return await _charged(request, db, rate, attempt(), scope="reports:")


async def _charged(
    request: Request, db: Session, rate: Rate, attempt: Coroutine[Any, Any, Actor], scope: str = ""
) -> Actor:
    limiter = request.app.state.limiter
    ip = client_ip(request)
    try:
        actor = await attempt
    except Unauthenticated as exc:
        request.app.state.login_throttle.failed(ip, exc.account if isinstance(exc, BadPassword) else None)
        wait = limiter.hit(f"{scope}ip:{ip}", rate)
        if wait:
            raise RateLimited(wait) from None
        raise
    user = actor.user
    request.state.user_id = user.id  # for the access log
    db.info["actor_id"] = user.id  # for the webhook events of this request's changes (webhooks/outbox.py)
    key = f"{scope}t:{user.api_token}:{ip}" if actor.method == "token" else f"{scope}u:{user.id}:{ip}"
    wait = limiter.hit(key, rate)
    if wait:
        raise RateLimited(wait)
    return actor


def charge_anonymous(request: Request, rate: Rate, scope: str = "") -> None:
    """An unauthenticated call (sign-up) pays into its client IP's bucket of the ``scope`` family."""
    wait = request.app.state.limiter.hit(f"{scope}ip:{client_ip(request)}", rate)
    if wait:
        raise RateLimited(wait)


_OPEN_SESSION = insert(_SESSIONS).values(
    token_hash=bindparam("digest"), user_id=bindparam("user_id"), created_at=bindparam("now"),
    expires_at=bindparam("expires"))


def open_session(db: Session, user_id: int, max_age: int) -> str:
    """Create a server-side session; returns the cookie value (only its digest is stored)."""
    secret = new_session_secret()
    now = utcnow()
    conn = db.connection()
    conn.execute(_OPEN_SESSION, {"digest": digest(secret), "user_id": user_id, "now": now,
                                 "expires": now + timedelta(seconds=max_age)})
    record_login(conn, user_id)
    return secret


def cookie_actor(db: Session, secret: str | None) -> Actor | None:
    """The web app's caller: the user whose live session ``secret`` names (no header, no rate bucket)."""
    if not secret:
        return None
    rows = db.connection().execute(_BY_SESSION, {"digest": digest(secret), "now": utcnow()}).all()
    return _actor(rows, "session") if rows else None


def session_cookie_value(request: Request, cookie_name: str) -> str | None:
    for name in (cookie_name, *LEGACY_COOKIES):
        if request.cookies.get(name):
            return request.cookies[name]
    return None
