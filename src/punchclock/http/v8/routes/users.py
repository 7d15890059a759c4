from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from punchclock.config import Settings
from punchclock.domain import access, security, sync, users
from punchclock.domain.actor import Actor, zone
from punchclock.domain.errors import DomainError, Forbidden, Malformed
from punchclock.http import auth
from punchclock.http.routing import V8Route
from punchclock.http.v8 import params
from punchclock.http.v8.deps import (
    AppSettings,
    Body,
    CurrentActor,
    DbSession,
    caller,
    current_actor,
    json_body,
    settings_of,
)
from punchclock.http.v8.docs import answers, bodies
from punchclock.http.v8.docs.ops import op
from punchclock.http.v8.docs.params import Since, WithRelatedData
from punchclock.http.v8.schemas.users import LoginIn, SignupIn, UserIn, image_url, me_out, related_out
from punchclock.http.wire import json_response

router = APIRouter(route_class=V8Route, tags=["users"])

_INTEGER = re.compile(r"[+-]?[0-9]{1,18}")
#: ``since`` is clamped into what a datetime can hold (0 .. 9999-12-31T23:59:59Z).
_MAX_EPOCH = 253402300799


def _parse_since(value: str | None) -> datetime | None:
    if value is None or value.strip() == "":
        return None
    if not _INTEGER.fullmatch(value.strip()):
        raise Malformed("invalid_param", name="since")
    return datetime.fromtimestamp(min(max(int(value), 0), _MAX_EPOCH), UTC)


def _me_body(db: Session, actor: Actor, settings: Settings, with_related_data: str | None, since: str | None
             ) -> dict[str, Any]:
    """``{"since": <now>, "data": user}`` shared by ``GET /me`` and ``POST /sessions``."""
    related = params.flag(with_related_data, "with_related_data", False)
    changed_since = _parse_since(since)
    now = int(time.time())  # taken before reading, so that the next ``since`` misses nothing
    data = me_out(actor.user, actor.tz, image_url(settings.public_url))
    if related:
        rel = sync.related(db, actor, now=datetime.fromtimestamp(now, UTC), since=changed_since)
        data.update(related_out(rel, access.views(db, actor), actor.tz))
    return {"since": now, "data": data}


def _session_cookie(settings: Settings, value: str, max_age: int) -> str:
    secure = "; Secure" if settings.session_cookie_secure else ""
    if max_age == 0:  # the clearing form of 10-users-and-auth §6.2
        return f"{settings.session_cookie_name}=; Path=/; Max-Age=0; HttpOnly{secure}; SameSite=Lax"
    return f"{settings.session_cookie_name}={value}; Path=/; HttpOnly{secure}; SameSite=Lax; Max-Age={max_age}"


def _with_new_session(db: Session, actor: Actor, settings: Settings, body: dict[str, Any]) -> Response:
    # GET /me reads in a deferred SQLite transaction, which cannot be upgraded to a writer once
    # another connection committed (SQLITE_BUSY_SNAPSHOT, no busy wait). Nothing was written yet:
    # end the reads so that the session row starts a transaction of its own.
    db.commit()
    secret = auth.open_session(db, actor.id, settings.session_max_age)
    return json_response(body, headers={"Set-Cookie": _session_cookie(settings, secret, settings.session_max_age)})


@router.get("/me", summary="The caller, optionally with all their data", **op(answers.V8MeSync))
async def get_me(request: Request, with_related_data: WithRelatedData = None, since: Since = None) -> Response:
    actor, db = await caller(request)  # a hot path: no FastAPI dependency (deps.caller)
    settings = settings_of(request)
    body = _me_body(db, actor, settings, with_related_data, since)
    if actor.method == "password":  # e-mail + password login also opens a session (O-8)
        return _with_new_session(db, actor, settings, body)
    return json_response(body)


@router.put("/me", summary="Change the caller's settings", **op(answers.V8MeData, bodies.UserUpdate))
async def update_me(request: Request, actor: CurrentActor, db: DbSession, settings: AppSettings, body: Body
                    ) -> Response:
    data, _ = params.unwrap(body, "user", UserIn)
    changes = data.changes()
    keep = auth.session_cookie_value(request, settings.session_cookie_name) if actor.method == "session" else None
    check = None
    if changes.new_password is not None:
        # argon2 (verify + hash) runs in a thread. No transaction may stay open across that await
        # (http/routing.py), so the read-only one of authentication ends first; nothing was written.
        db.commit()
        check = await run_in_threadpool(users.check_password_change, actor.user.password_hash, changes)
    user = users.update_me(db, actor, changes, keep_session=keep, password_check=check)
    return json_response({"data": me_out(user, actor.tz, image_url(settings.public_url))})


@router.post("/reset_token", summary="Replace the caller's API token",
             **op(schema={"type": "string", "description": "The new API token."}))
async def reset_token(actor: CurrentActor, db: DbSession) -> Response:
    return json_response(users.reset_token(db, users.load_user(db, actor)))


@router.post("/signups", summary="Sign up", **op(answers.V8MeData, bodies.Signup))
async def signup(request: Request, db: DbSession, settings: AppSettings) -> Response:
    auth.charge_anonymous(request, request.app.state.v8_rate)
    if not settings.signup_enabled:
        raise Forbidden("signup_disabled")
    data, _ = params.unwrap(await json_body(request), "user", SignupIn)
    checked = users.check_signup(data.create())
    # argon2 in a thread, before the database is touched (no transaction open across the await).
    password_hash = await run_in_threadpool(security.hash_password, checked.password)
    user = users.signup(db, checked, password_hash)
    return json_response({"data": me_out(user, zone(user.timezone), image_url(settings.public_url))})


@router.post("/sessions", summary="Open a session (sets the session cookie)",
             **op(answers.V8MeSync, bodies.Login, body_required=False))
async def create_session(
    request: Request, db: DbSession, settings: AppSettings,
    with_related_data: WithRelatedData = None, since: Since = None,
) -> Response:
    login = None if "authorization" in request.headers else await _body_login(request)
    if login is not None:
        actor = await auth.authenticate_password(request, db, request.app.state.v8_rate, login.email, login.password)
        request.state.actor = actor
    else:
        actor = await current_actor(request)
    body = _me_body(db, actor, settings, with_related_data, since)
    return _with_new_session(db, actor, settings, body)


async def _body_login(request: Request) -> LoginIn | None:
    """``{"email", "password"}`` in the body (O-8); any other body is ignored, as the docs say."""
    try:
        body = await json_body(request)
    except DomainError:
        return None
    try:
        return LoginIn.model_validate(body) if isinstance(body, dict) else None
    except ValueError:
        return None


@router.delete("/sessions", summary="Close the session (clears the cookie)",
               **op(schema={"type": "null"}, description="Always null."))
async def delete_session(request: Request, actor: CurrentActor, db: DbSession, settings: AppSettings) -> Response:
    secret = auth.session_cookie_value(request, settings.session_cookie_name)
    if secret:
        users.end_session(db, actor.id, secret)
    return json_response(None, headers={"Set-Cookie": _session_cookie(settings, "", 0)})
