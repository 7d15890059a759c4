"""API v9 me (20-me-and-users): the caller's user object, token, preferences, features; status and sign-up."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import WithJsonSchema
from starlette.concurrency import run_in_threadpool

from punchclock.config import Settings
from punchclock.db.session import request_session
from punchclock.domain import security, users
from punchclock.domain.errors import Forbidden
from punchclock.http import auth, wire
from punchclock.http.routing import V9Route
from punchclock.http.v8.docs.ops import ok, op, request_body
from punchclock.http.v9 import params
from punchclock.http.v9.deps import body_object, caller, parse
from punchclock.http.v9.docs.users import (
    V9MeUpdate,
    V9Preferences,
    V9PreferencesUpdate,
    V9Signup,
    V9Status,
    V9User,
    V9UserWithRelatedData,
    V9WebTimer,
    V9WorkspaceFeatures,
)
from punchclock.http.v9.schemas.users import (
    MeIn,
    PreferencesIn,
    SignupIn,
    features_out,
    preferences_out,
    related_out,
    user_out,
    web_timer_out,
)
from punchclock.models._common import utcnow

router = APIRouter(route_class=V9Route, tags=["v9 me"])

WithRelatedData = Annotated[str | None, WithJsonSchema({"type": "boolean", "default": False}), Query(
    description="Add the caller's clients, projects, tags, tasks, time entries (last 9 days and the running "
                "one) and workspaces, each in its v9 shape.")]
#: Status-only answers (10- §3, V-10): 200 with no body at all.
EMPTY: dict[str, Any] = {"response_class": Response, "responses": {200: {"description": "Empty body."}}}


def _own(workspace_id: int | None) -> list[int]:
    """A new user's only active membership: the personal workspace sign-up just made their default."""
    return [] if workspace_id is None else [workspace_id]


def _settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def _empty() -> Response:
    return Response(status_code=200, headers=wire.NO_STORE)


@router.get("/me", summary="The caller's user object, optionally with their data",
            **op(V9User | V9UserWithRelatedData))
async def get_me(request: Request, with_related_data: WithRelatedData = None) -> Response:
    actor, db = await caller(request)
    settings = _settings(request)
    body = user_out(actor.user, actor.workspaces, settings.public_url)
    if params.flag(request, "with_related_data", False):
        body.update(related_out(db, actor, settings))
    return wire.json_response(body)


@router.put("/me", summary="Change the caller's profile or password", **op(V9User, V9MeUpdate))
async def update_me(request: Request) -> Response:
    actor, db = await caller(request)
    settings = _settings(request)
    changes = parse(await body_object(request), MeIn).changes()
    check = None
    if changes.new_password is not None:
        # argon2 (verify + hash) runs in a thread; no transaction may stay open across that await
        # (http/routing.py), so the read-only one of authentication ends first: nothing was written.
        db.commit()
        check = await run_in_threadpool(users.check_password_change, actor.user.password_hash, changes)
    keep = (auth.session_cookie_value(request, settings.session_cookie_name)
            if actor.method == "session" else None)
    user = users.update_me(db, actor, changes, keep_session=keep, password_check=check)
    return wire.json_response(user_out(user, actor.workspaces, settings.public_url))


@router.get("/me/logged", summary="Whether the credentials are valid (200 empty, else 403)", **EMPTY)
async def logged(request: Request) -> Response:
    await caller(request)
    return _empty()


@router.post("/me/reset_token", summary="Replace the caller's API token (answers the new one)",
             **op(schema={"type": "string", "pattern": "^[0-9a-f]{32}$"}, description="The new API token."))
async def reset_token(request: Request) -> Response:
    actor, db = await caller(request)
    return wire.json_response(users.reset_token(db, users.load_user(db, actor)))


# An empty answer cannot publish the POST body's component: the GET answer publishes it (``ok(..., body=)``).
@router.get("/me/preferences", summary="The caller's preferences",
            responses=ok(V9Preferences, body=V9PreferencesUpdate))
async def get_preferences(request: Request) -> Response:
    actor, _ = await caller(request)
    return wire.json_response(preferences_out(actor.user))


@router.post("/me/preferences", summary="Change the caller's preferences (empty answer)",
             openapi_extra=request_body(V9PreferencesUpdate, required=False), **EMPTY)
async def update_preferences(request: Request) -> Response:
    actor, db = await caller(request)
    users.update_me(db, actor, parse(await body_object(request), PreferencesIn).changes())
    return _empty()


@router.get("/me/features", summary="Features of each of the caller's workspaces",
            **op(list[V9WorkspaceFeatures]))
async def features(request: Request) -> Response:
    actor, db = await caller(request)
    return wire.json_response(features_out(users.workspace_premium(db, actor)))


@router.get("/me/web-timer", summary="Clients, projects, tags and the recent stopped time entries",
            **op(V9WebTimer))
async def web_timer(request: Request) -> Response:
    actor, db = await caller(request)
    return wire.json_response(web_timer_out(db, actor, _settings(request), utcnow()))


@router.get("/status", summary="Service status (no authentication)", **op(V9Status))
async def status() -> Response:
    return wire.json_response({"status": "OK"})


@router.post("/signup", summary="Sign up (compatibility: the v8 sign-up body)", **op(V9User, V9Signup))
async def signup(request: Request) -> Response:
    settings = _settings(request)
    # Anonymous: the caller's IP pays, in the v9 bucket family (10- §8).
    auth.charge_anonymous(request, request.app.state.v9_rate, scope="v9:")
    if not settings.signup_enabled:
        raise Forbidden("signup_disabled")
    data = await body_object(request)
    inner = data["user"] if isinstance(data.get("user"), dict) else data
    checked = users.check_signup(parse(inner, SignupIn).create())
    # argon2 in a thread, before the database is touched (no transaction open across the await).
    password_hash = await run_in_threadpool(security.hash_password, checked.password)
    user = users.signup(request_session(request), checked, password_hash)
    return wire.json_response(user_out(user, _own(user.default_workspace_id), settings.public_url))
