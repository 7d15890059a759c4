"""Signing in and out, and signing up: the pages a person sees before the app."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from punchclock.db.session import request_session
from punchclock.domain import security, users
from punchclock.domain.errors import DomainError, Forbidden
from punchclock.domain.users_inputs import UserCreate
from punchclock.http import auth
from punchclock.http.v9 import errors as v9_errors
from punchclock.http.web import session as web_session
from punchclock.http.web.common import Form, WebRoute, local_path, page, see_other, signed_in

router = APIRouter(route_class=WebRoute, include_in_schema=False)


def _max_age(request: Request) -> int:
    return int(request.app.state.settings.session_max_age)


@router.get("/")
async def home(request: Request) -> Response:
    actor = auth.cookie_actor(request_session(request), web_session.session_secret(request))
    return RedirectResponse("/timer" if actor else "/login", status_code=303)


@router.get("/login")
async def login_page(request: Request, next: str = "/timer") -> Response:
    return page(request, "account/login.html", next=local_path(next, "/timer"), email="",
                signup=request.app.state.settings.signup_enabled)


@router.post("/login")
async def login(request: Request) -> Response:
    form = await Form.read(request)
    email, target = form.text("email"), local_path(form.text("next"), "/timer")
    db = request_session(request)
    try:
        actor = await auth.authenticate_password(request, db, request.app.state.v9_rate, email, form.text("password"))
    except DomainError as err:
        db.rollback()
        message = "Wrong e-mail or password." if err.code == "bad_credentials" else v9_errors.render(err)[1]
        return page(request, "account/login.html", 403 if err.code == "bad_credentials" else 429, next=target,
                    email=email, error=message, signup=request.app.state.settings.signup_enabled)
    response = RedirectResponse(target, status_code=303)
    web_session.sign_in(request, response, db, actor.user.id, _max_age(request))
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    viewer = await signed_in(request)
    web_session.end_current(request, viewer.db)
    response = see_other(request, "/login", ok="You are signed out.")
    web_session.sign_out(request, response)
    return response


@router.get("/signup")
async def signup_page(request: Request) -> Response:
    if not request.app.state.settings.signup_enabled:
        raise Forbidden("signup_disabled")
    return page(request, "account/signup.html", email="", fullname="", timezone="")


@router.post("/signup")
async def signup(request: Request) -> Response:
    settings = request.app.state.settings
    auth.charge_anonymous(request, request.app.state.v9_rate, scope="v9:")
    if not settings.signup_enabled:
        raise Forbidden("signup_disabled")
    form = await Form.read(request)
    fields = {"email": form.text("email"), "fullname": form.text("fullname"), "timezone": form.text("timezone")}
    try:
        given = {name: value for name, value in fields.items() if value}
        checked = users.check_signup(UserCreate(password=form.text("password"), **given))
        password_hash = await run_in_threadpool(security.hash_password, checked.password)
        db = request_session(request)
        user = users.signup(db, checked, password_hash)
    except DomainError as err:
        request_session(request).rollback()
        return page(request, "account/signup.html", 400, error=v9_errors.render(err)[1], **fields)
    response = see_other(request, "/timer", ok="Welcome to punchclock.")
    web_session.sign_in(request, response, db, user.id, _max_age(request))
    return response
