"""The web app's session cookie, apart from the APIs' (their cookie keeps its contract's name and rules).

``Secure`` and the ``__Host-`` prefix when the request came over HTTPS (directly or, with uvicorn's proxy
headers, through a trusted proxy); plain on ``http://127.0.0.1`` so ``make run`` works in a browser.
Sessions are server-side rows (``auth_sessions``, only a digest stored) shared with the API logins.
A pre-session cookie carries the CSRF secret of forms shown before sign-in (login, sign-up, reset).
"""

from __future__ import annotations

import base64
import binascii

import orjson
from fastapi import Request, Response
from sqlalchemy import delete
from sqlalchemy.orm import Session

from punchclock.domain.security import digest, new_session_secret
from punchclock.http import auth
from punchclock.models import AuthSession

SECURE_NAME, PLAIN_NAME = "__Host-punchclock", "punchclock"
SECURE_PRE, PLAIN_PRE = "__Host-punchclock-pre", "punchclock-pre"
FLASH = "punchclock-flash"


def is_secure(request: Request) -> bool:
    return request.url.scheme == "https"


def session_name(request: Request) -> str:
    return SECURE_NAME if is_secure(request) else PLAIN_NAME


def pre_name(request: Request) -> str:
    return SECURE_PRE if is_secure(request) else PLAIN_PRE


def session_secret(request: Request) -> str | None:
    return request.cookies.get(session_name(request)) or None


def pre_secret(request: Request) -> str | None:
    return request.cookies.get(pre_name(request)) or None


def _cookie(response: Response, request: Request, name: str, value: str, max_age: int | None) -> None:
    response.set_cookie(name, value, max_age=max_age, path="/", httponly=True, samesite="lax",
                        secure=is_secure(request))


def ensure_pre_session(request: Request, response: Response) -> str:
    """The pre-session secret of an anonymous form page, made (and set on ``response``) when absent."""
    secret = pre_secret(request) or getattr(request.state, "new_pre_secret", None)
    if secret is None:
        secret = request.state.new_pre_secret = new_session_secret()
    _cookie(response, request, pre_name(request), secret, None)
    return secret


def sign_in(request: Request, response: Response, db: Session, user_id: int, max_age: int) -> None:
    """A fresh session for ``user_id`` (never one the browser brought: no fixation) and no pre-session."""
    end_current(request, db)
    secret = auth.open_session(db, user_id, max_age)
    _cookie(response, request, session_name(request), secret, max_age)
    response.delete_cookie(pre_name(request), path="/", secure=is_secure(request), httponly=True, samesite="lax")


def end_current(request: Request, db: Session) -> None:
    """Delete the session row the browser's cookie names, whoever it belongs to."""
    old = session_secret(request)
    if old:
        db.execute(delete(AuthSession).where(AuthSession.token_hash == digest(old)))


def sign_out(request: Request, response: Response) -> None:
    response.delete_cookie(session_name(request), path="/", secure=is_secure(request), httponly=True, samesite="lax")


def set_flash(request: Request, response: Response, kind: str, text: str) -> None:
    """A message for the next page the browser shows (``kind``: ``ok`` or ``error``)."""
    value = base64.urlsafe_b64encode(orjson.dumps([kind, text])).decode()
    _cookie(response, request, FLASH, value, 60)


def take_flash(request: Request, response: Response) -> tuple[str, str] | None:
    raw = request.cookies.get(FLASH)
    if not raw:
        return None
    response.delete_cookie(FLASH, path="/", secure=is_secure(request), httponly=True, samesite="lax")
    try:
        kind, text = orjson.loads(base64.urlsafe_b64decode(raw.encode()))
    except (ValueError, binascii.Error, TypeError):
        return None
    return (kind, text) if isinstance(kind, str) and isinstance(text, str) else None
