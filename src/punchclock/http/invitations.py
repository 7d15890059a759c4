"""``/user/accept_invitation?code=…``: the small web page that accepts a workspace invitation (O-29, O-88).

Outside ``/api/v8``. ``GET`` shows an HTML page naming the workspace, with a form: a new password and
full name for an account created by the invitation (a placeholder without password), or the password
of an existing account. ``POST`` accepts, the invitee proving who they are with

* v8 credentials on the request (Basic e-mail+password, Basic ``token:api_token``, the session cookie):
  the authenticated user must be the invitee (403 otherwise); an empty body is fine; or
* form field ``password`` (with optional ``fullname``): it completes a placeholder account, or signs in
  the invited existing account.

An ``Authorization`` header decides when present; otherwise a ``password`` field; otherwise the cookie.
``Accept: application/json`` answers ``{"data": <workspace user>}`` and v8 error arrays; anything else
gets HTML. Unknown, used and expired codes are 404.
"""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import parse_qs, quote

from fastapi import APIRouter, Request, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from punchclock.config import Settings
from punchclock.db.session import finish
from punchclock.domain import members, security
from punchclock.domain.actor import zone
from punchclock.domain.errors import DomainError, Invalid, Malformed, RateLimited
from punchclock.http import auth, wire
from punchclock.http.routing import TransactionRoute
from punchclock.http.v8 import errors as v8_errors
from punchclock.http.v8.deps import AppSettings, DbSession
from punchclock.http.v8.schemas.members import workspace_user_out

router = APIRouter(route_class=TransactionRoute, tags=["invitations"])

PATH = members.ACCEPT_PATH
#: Fields read from a form; more than a handful is not a form of this page.
MAX_FORM_FIELDS = 20

HTML_HEADERS = {
    "Cache-Control": "no-store",
    # The code sits in the URL: never hand it on as a referrer, never let the page be framed.
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
}


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "").lower()


# -- pages --------------------------------------------------------------------------------------------

_STYLE = (
    "body{font-family:system-ui,sans-serif;background:#f4f4f5;color:#18181b;margin:0}"
    "main{max-width:28rem;margin:4rem auto;background:#fff;padding:2rem;border-radius:.5rem}"
    "label{display:block;margin:1rem 0 .25rem}input{width:100%;padding:.5rem;box-sizing:border-box}"
    "button{margin-top:1.5rem;padding:.6rem 1.2rem}.note{color:#52525b;font-size:.9rem}"
    ".error{color:#b91c1c}"
)


def _page(title: str, body: str) -> str:
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><main>{body}</main></body></html>\n"
    )


def _html(content: str, status_code: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(content, status_code=status_code, media_type="text/html; charset=utf-8",
                    headers={**HTML_HEADERS, **(headers or {})})


def _action(code: str) -> str:
    return escape(f"{PATH}?code={quote(code, safe='')}")


def invitation_page(inv: members.Invitation, code: str) -> str:
    ws, email = escape(inv.workspace_name), escape(inv.email)
    intro = f"<h1>Join {ws}</h1><p>You have been invited to the workspace <strong>{ws}</strong> as {email}.</p>"
    if inv.placeholder:
        form = (
            f'<form method="post" action="{_action(code)}">'
            "<p>Choose a password to create your account.</p>"
            f'<input type="hidden" name="email" value="{email}" autocomplete="username">'
            f'<label for="fullname">Full name</label>'
            f'<input id="fullname" name="fullname" maxlength="100" value="{escape(inv.fullname)}">'
            '<label for="password">Password (at least 6 characters)</label>'
            '<input id="password" name="password" type="password" minlength="6" required '
            'autocomplete="new-password">'
            "<button type=\"submit\">Create account and join</button></form>"
        )
    else:
        form = (
            f'<form method="post" action="{_action(code)}">'
            f"<p>Sign in as {email} to accept.</p>"
            f'<input type="hidden" name="email" value="{email}" autocomplete="username">'
            '<label for="password">Password</label>'
            '<input id="password" name="password" type="password" required autocomplete="current-password">'
            "<button type=\"submit\">Sign in and join</button></form>"
            '<p class="note">A client can also accept by sending <code>POST</code> to this address with '
            "its usual credentials (Basic e-mail and password, or the API token).</p>"
        )
    return _page(f"Join {inv.workspace_name}", intro + form)


def accepted_page(accepted: members.Accepted) -> str:
    ws = escape(accepted.workspace_name)
    email = escape(accepted.membership.user.email)
    return _page(
        f"Welcome to {accepted.workspace_name}",
        f"<h1>Welcome to {ws}</h1><p>You are now a member of the workspace <strong>{ws}</strong>.</p>"
        f"<p>Sign in to your time-tracking client as {email}.</p>",
    )


def error_page(messages: list[str], code: str | None) -> str:
    items = "".join(f'<p class="error">{escape(m)}</p>' for m in messages)
    back = f'<p><a href="{_action(code)}">Back to the invitation</a></p>' if code else ""
    return _page("Invitation", f"<h1>Invitation</h1>{items}{back}")


def _error(request: Request, err: DomainError, code: str | None) -> Response:
    finish(request, commit=False)  # nothing of a failed attempt is kept
    status, messages = v8_errors.render(err)
    headers = {"Retry-After": str(err.retry_after)} if isinstance(err, RateLimited) else None
    if _wants_json(request):
        return wire.json_response(messages, status_code=status, headers=headers)
    return _html(error_page(messages, code), status, headers)


# -- request body -------------------------------------------------------------------------------------

def _field(data: dict[str, Any], name: str) -> str | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise Invalid("invalid_field", field=name)
    return value


async def read_form(request: Request, max_bytes: int) -> dict[str, str]:
    """``password`` / ``fullname`` from an urlencoded form or a JSON object; an empty body has none (O-88)."""
    raw = await request.body()
    if len(raw) > max_bytes:
        raise Malformed("body_too_large")
    if not raw.strip():
        return {}
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype.startswith("multipart/"):
        raise Malformed("invalid_form")  # the page's form is urlencoded; multipart needs no support here
    if ctype == "application/x-www-form-urlencoded":
        try:
            parsed = parse_qs(raw.decode("utf-8"), keep_blank_values=True, errors="strict",
                              max_num_fields=MAX_FORM_FIELDS)
        except ValueError:  # bad UTF-8 or too many fields
            raise Malformed("invalid_form") from None
        return {k: v[0] for k, v in parsed.items() if k in ("password", "fullname")}
    body = await wire.read_json(request, max_bytes)
    if not isinstance(body, dict):
        return {}
    fields = {name: _field(body, name) for name in ("password", "fullname")}
    return {k: v for k, v in fields.items() if v is not None}


# -- routes -------------------------------------------------------------------------------------------

@router.get(PATH)
async def show_invitation(request: Request, db: DbSession, settings: AppSettings, code: str | None = None
                          ) -> Response:
    try:
        auth.charge_anonymous(request, request.app.state.v8_rate)
        inv = members.invitation(db, code, invite_days=settings.invite_days)
    except DomainError as err:
        return _error(request, err, None)
    assert code is not None
    return _html(invitation_page(inv, code))


@router.post(PATH)
async def accept_invitation(request: Request, db: DbSession, settings: AppSettings, code: str | None = None
                            ) -> Response:
    try:
        accepted = await _accept(request, db, settings, code)
    except DomainError as err:
        return _error(request, err, code)
    m = accepted.membership
    if _wants_json(request):
        return wire.json_response({"data": workspace_user_out(m, zone(m.user.timezone))})
    return _html(accepted_page(accepted))


async def _accept(request: Request, db: Session, settings: Settings, code: str | None) -> members.Accepted:
    rate = request.app.state.v8_rate
    invite_days = settings.invite_days
    form = await read_form(request, settings.max_body_bytes)
    password = form.get("password")
    if "authorization" in request.headers or password is None:
        actor = await auth.authenticate(request, db, rate, settings.session_cookie_name)
        return members.accept(db, code, actor.id, invite_days=invite_days)

    inv = members.invitation(db, code, invite_days=invite_days)
    # argon2 runs in a thread and signing in awaits too: no transaction may stay open across that
    # (http/routing.py). Nothing was written; ``accept`` looks the code up again afterwards.
    db.rollback()
    if inv.placeholder:
        auth.charge_anonymous(request, rate)
        fullname = members.check_new_account(password, form.get("fullname"))
        password_hash = await run_in_threadpool(security.hash_password, password)
        return members.accept(db, code, inv.user_id, invite_days=invite_days, password_hash=password_hash,
                              fullname=fullname)
    actor = await auth.authenticate_password(request, db, rate, inv.email, password)
    return members.accept(db, code, actor.id, invite_days=invite_days)
