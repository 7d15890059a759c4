"""Settings: the profile (formats, password, API token), the workspace's settings, the workspace switcher.

The same services as API v9's ``PUT /me``, ``POST /me/reset_token`` and ``PUT /workspaces/{id}``, with their
checks and messages; a refused form shows the page again with what was typed and the service's message
(status 200, as a page the browser shows: a 4xx document is a console error, which the browser tests forbid).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from punchclock.domain import access, users, workspaces
from punchclock.domain.errors import DomainError, Invalid
from punchclock.domain.users_inputs import UserChanges
from punchclock.http import wire
from punchclock.http.v9 import errors as v9_errors
from punchclock.http.web import session as web_session
from punchclock.http.web import settings_forms as forms
from punchclock.http.web.common import Form, Viewer, WebRoute, back_to, page, see_other, signed_in, wants_json

router = APIRouter(route_class=WebRoute, include_in_schema=False)


@router.get("/settings")
async def settings_home() -> Response:
    return RedirectResponse("/settings/profile", status_code=303)


# -- profile ------------------------------------------------------------------------------------------

def _profile_page(request: Request, viewer: Viewer, *, values: dict[str, Any] | None = None,
                  error: str = "") -> Response:
    public_url = str(request.app.state.settings.public_url).rstrip("/")
    return page(request, "settings/profile.html", values=values or forms.profile_values(viewer.user),
                api_token=viewer.user.api_token, public_url=public_url, error=error, **forms.profile_choices())


@router.get("/settings/profile")
async def profile(request: Request) -> Response:
    return _profile_page(request, await signed_in(request))


@router.post("/settings/profile")
async def save_profile(request: Request) -> Response:
    viewer = await signed_in(request)
    values = forms.profile_submitted(await Form.read(request))
    try:
        users.update_me(viewer.db, viewer.actor, forms.profile_changes(values))
    except DomainError as err:
        viewer.db.rollback()
        return _profile_page(request, viewer, values=values, error=v9_errors.render(err)[1])
    return see_other(request, "/settings/profile", ok="Your profile is saved.")


@router.post("/settings/password")
async def change_password(request: Request) -> Response:
    viewer = await signed_in(request)
    changes = forms.password_changes(await Form.read(request))
    # argon2 (verify + hash) runs in a thread; no transaction stays open across that await
    # (http/routing.py): the read-only one of signing in ends first, as in v9's PUT /me.
    viewer.db.commit()
    check = await run_in_threadpool(users.check_password_change, viewer.user.password_hash, changes)
    users.update_me(viewer.db, viewer.actor, changes, keep_session=web_session.session_secret(request),
                    password_check=check)
    return see_other(request, "/settings/profile#password",
                     ok="Your password is changed. Other browsers and apps that used it are signed out.")


@router.post("/settings/token/reset")
async def reset_token(request: Request) -> Response:
    viewer = await signed_in(request)
    token = users.reset_token(viewer.db, users.load_user(viewer.db, viewer.actor))
    if wants_json(request):
        return wire.json_response({"api_token": token})
    return see_other(request, "/settings/profile#api-token",
                     ok="Your API token is reset: the old one no longer works.")


# -- workspace ----------------------------------------------------------------------------------------

def _workspace_page(request: Request, viewer: Viewer, *, values: dict[str, Any] | None = None,
                    error: str = "") -> Response:
    ws = workspaces.get(viewer.db, viewer.actor, viewer.workspace_id)
    view = access.view_for(viewer.actor, ws)
    return page(request, "settings/workspace.html", ws=ws, values=values or forms.workspace_values(ws),
                editable=view.admin, show_rates=view.show_rates, error=error, **forms.workspace_choices())


@router.get("/settings/workspace")
async def workspace(request: Request) -> Response:
    """Admins change the settings; members see them (rates only where the workspace shows them)."""
    return _workspace_page(request, await signed_in(request))


@router.post("/settings/workspace")
async def save_workspace(request: Request) -> Response:
    viewer = await signed_in(request, admin=True)
    form = await Form.read(request)
    try:
        if form.has("premium_shown"):  # before the settings: the default rate is kept only when premium
            workspaces.set_premium(viewer.db, viewer.actor, viewer.workspace_id, form.checkbox("premium"))
        workspaces.update(viewer.db, viewer.actor, viewer.workspace_id, forms.workspace_changes(form))
    except DomainError as err:
        viewer.db.rollback()
        return _workspace_page(request, viewer, values=forms.workspace_submitted(form),
                               error=v9_errors.render(err)[1])
    return see_other(request, "/settings/workspace", ok="The workspace settings are saved.")


@router.post("/settings/workspace/switch")
async def switch_workspace(request: Request) -> Response:
    """The menu's switcher: the chosen workspace becomes the default one, which is the one the app shows."""
    viewer = await signed_in(request)
    workspace_id = (await Form.read(request)).optional_id("workspace_id")
    if workspace_id is None:
        raise Invalid("invalid_default_workspace")
    users.update_me(viewer.db, viewer.actor, UserChanges(default_workspace_id=workspace_id))
    name = dict(viewer.workspaces).get(workspace_id, "")
    return see_other(request, back_to(request, "/timer"), ok=f"You are now in {name}.")
