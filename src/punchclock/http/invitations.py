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
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from punchclock import __version__
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
from punchclock.http.web import csrf
from punchclock.http.web import session as web_session
from punchclock.models._common import utcnow

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
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; "
        "base-uri 'none'"
    ),
}


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "").lower()


# -- pages --------------------------------------------------------------------------------------------

_HEAD = (
    '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">'
    '<link rel="stylesheet" href="/static/app.css?v={v}"><link rel="stylesheet" href="/static/team.css?v={v}">'
).format(v=escape(__version__))
_BRAND = (
    '<header class="topbar"><a class="brand" href="/"><svg aria-hidden="true" width="22" height="22" '
    'viewBox="0 0 24 24"><circle cx="12" cy="12" r="10" fill="none" stroke="currentColor" stroke-width="2.5"/>'
    '<path d="M12 6v6l4 2" fill="none" stroke="currentColor" stroke-width="2.5" stroke-linecap="round"/></svg>'
    "<span>punchclock</span></a></header>"
)


def _page(title: str, body: str) -> str:
    """The web app's look (its stylesheets, no script), in markup of its own: API clients read it too."""
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{escape(title)}</title>{_HEAD}</head>"
        f'<body>{_BRAND}<main id="main" class="page auth invite"><section class="card narrow">{body}</section>'
        "</main></body></html>\n"
    )


def _html(content: str, status_code: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(content, status_code=status_code, media_type="text/html; charset=utf-8",
                    headers={**HTML_HEADERS, **(headers or {})})


def _action(code: str) -> str:
    return escape(f"{PATH}?code={quote(code, safe='')}")


def _hidden_csrf(token: str) -> str:
    return f'<input type="hidden" name="{csrf.FIELD}" value="{escape(token)}">' if token else ""


def invitation_page(inv: members.Invitation, code: str, csrf_token: str = "", signed_in: bool = False) -> str:
    """The accept form; ``csrf_token`` lets a browser's accepting sign it in to the web app, and
    ``signed_in`` (the browser's web session is the invitee's) needs no password."""
    ws, email = escape(inv.workspace_name), escape(inv.email)
    intro = f"<h1>Join {ws}</h1><p>You have been invited to the workspace <strong>{ws}</strong> as {email}.</p>"
    start = f'<form method="post" action="{_action(code)}">{_hidden_csrf(csrf_token)}'
    if signed_in:
        form = f"{start}<p>You are signed in as {email}.</p><button type=\"submit\">Join {ws}</button></form>"
    elif inv.placeholder:
        form = (
            f"{start}<p>Choose a password to create your account.</p>"
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
            f"{start}<p>Sign in as {email} to accept.</p>"
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
        return {k: v[0] for k, v in parsed.items() if k in ("password", "fullname", csrf.FIELD)}
    body = await wire.read_json(request, max_bytes)
    if not isinstance(body, dict):
        return {}
    fields = {name: _field(body, name) for name in ("password", "fullname")}
    return {k: v for k, v in fields.items() if v is not None}


# -- routes -------------------------------------------------------------------------------------------

def _web_user(request: Request, db: Session) -> int | None:
    """The user the browser is signed in to the web app as (its own cookie), or None."""
    actor = auth.cookie_actor(db, web_session.session_secret(request))
    return actor.id if actor is not None else None


def _from_our_page(request: Request, form: dict[str, str]) -> bool:
    """A form of this page in a browser (same origin, the browser's CSRF token), which may sign it in to
    the web app; anything else (an API client, a form from another site) accepts without a web session."""
    origin = request.headers.get("origin")  # "null" from this page: its Referrer-Policy is no-referrer
    if origin not in (None, "null", f"{request.url.scheme}://{request.url.netloc}"):
        return False
    sent = form.get(csrf.FIELD)
    return any(csrf.valid(secret, sent)
               for secret in (web_session.session_secret(request), web_session.pre_secret(request)))


@router.get(PATH)
async def show_invitation(request: Request, db: DbSession, settings: AppSettings, code: str | None = None
                          ) -> Response:
    try:
        auth.charge_anonymous(request, request.app.state.v8_rate)
        inv = members.invitation(db, code, invite_days=settings.invite_days)
    except DomainError as err:
        return _error(request, err, None)
    assert code is not None
    response = _html("")
    token = csrf.token_for(web_session.ensure_pre_session(request, response))
    signed_in = not inv.placeholder and _web_user(request, db) == inv.user_id
    response.body = invitation_page(inv, code, token, signed_in).encode()
    response.headers["content-length"] = str(len(response.body))
    return response


@router.post(PATH)
async def accept_invitation(request: Request, db: DbSession, settings: AppSettings, code: str | None = None
                            ) -> Response:
    try:
        form = await read_form(request, settings.max_body_bytes)
        browser = not _wants_json(request) and _from_our_page(request, form)
        accepted = await _accept(request, db, settings, code, form, browser)
    except DomainError as err:
        return _error(request, err, code)
    m = accepted.membership
    if _wants_json(request):
        return wire.json_response({"data": workspace_user_out(m, zone(m.user.timezone))})
    if browser:  # on into the web app, signed in, in the workspace just joined (the web's current one)
        if m.user.default_workspace_id != m.member.workspace_id:
            m.user.default_workspace_id = m.member.workspace_id
            m.user.updated_at = utcnow()
            db.flush()
        response = RedirectResponse("/timer", status_code=303, headers=HTML_HEADERS)
        web_session.set_flash(request, response, "ok", f"Welcome to {accepted.workspace_name}.")
        web_session.sign_in(request, response, db, m.user.id, settings.session_max_age)
        return response
    return _html(accepted_page(accepted))


async def _accept(request: Request, db: Session, settings: Settings, code: str | None, form: dict[str, str],
                  browser: bool) -> members.Accepted:
    rate = request.app.state.v8_rate
    invite_days = settings.invite_days
    password = form.get("password")
    if "authorization" not in request.headers and password is None and browser:
        web_user = _web_user(request, db)
        if web_user is not None:
            return members.accept(db, code, web_user, invite_days=invite_days)
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
