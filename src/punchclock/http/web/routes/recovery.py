"""Password reset by e-mail: ask for a link, follow it, choose a new password (signed in afterwards).

Asking answers the same page whether or not the address has an account (no enumeration) and is
charged to the client IP's v9 bucket, as sign-up is; the mail goes out after the commit. The link's
secret sits in the path; the pages' ``Referrer-Policy: same-origin`` keeps it from other sites (not
``no-referrer``: a browser then sends ``Origin: null``, which the CSRF check refuses).
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from punchclock.db.session import request_session
from punchclock.domain import mail, password_resets, security, users
from punchclock.domain.errors import DomainError
from punchclock.http import auth
from punchclock.http.v9 import errors as v9_errors
from punchclock.http.web import session as web_session
from punchclock.http.web.common import Form, WebRoute, page, see_other

router = APIRouter(route_class=WebRoute, include_in_schema=False)

SENT_PATH = "/password/forgot/sent"


def _charge(request: Request) -> None:
    auth.charge_anonymous(request, request.app.state.v9_rate, scope="v9:")


def _invalid(request: Request) -> Response:
    return page(request, "recovery/invalid.html", 404, minutes=password_resets.VALID_MINUTES)


@router.get("/password/forgot")
async def forgot_page(request: Request) -> Response:
    return page(request, "recovery/forgot.html", email="")


@router.post("/password/forgot")
async def forgot(request: Request) -> Response:
    _charge(request)
    email = (await Form.read(request)).text("email")
    if not email:
        return page(request, "recovery/forgot.html", 400, email="", error="Enter the e-mail address of your account.")
    link = password_resets.request_link(request_session(request), email)
    response = see_other(request, SENT_PATH)
    if link is not None:
        url = password_resets.reset_url(request.app.state.settings.public_url, link.secret)
        # After the commit and the answer: nothing is mailed for a rolled-back link.
        response.background = BackgroundTask(mail.send_all, request.app.state.mail_sender,
                                             [password_resets.reset_mail(link, url)])
    return response


@router.get(SENT_PATH)
async def sent_page(request: Request) -> Response:
    return page(request, "recovery/sent.html", minutes=password_resets.VALID_MINUTES)


@router.get("/password/reset/{secret}")
async def reset_page(request: Request, secret: str) -> Response:
    user = password_resets.find(request_session(request), secret)
    if user is None:
        return _invalid(request)
    return page(request, "recovery/reset.html", secret=secret, email=user.email)


@router.post("/password/reset/{secret}")
async def reset(request: Request, secret: str) -> Response:
    _charge(request)
    password = (await Form.read(request)).text("password")
    db = request_session(request)
    user = password_resets.find(db, secret)
    if user is None:
        return _invalid(request)
    email = user.email
    db.rollback()  # no transaction stays open across the password hashing in a thread
    try:
        users.valid_password(password)
    except DomainError as err:
        return page(request, "recovery/reset.html", 400, secret=secret, email=email,
                    error=v9_errors.render(err)[1])
    password_hash = await run_in_threadpool(security.hash_password, password)
    user_id = password_resets.complete(db, secret, password_hash)
    if user_id is None:  # used meanwhile (a second tab) or expired while typing
        return _invalid(request)
    response = see_other(request, "/timer", ok="Your password was changed. You are signed in.")
    web_session.sign_in(request, response, db, user_id, int(request.app.state.settings.session_max_age))
    return response
