"""What every web route shares: the route class (CSRF, errors as pages), the signed-in viewer, forms.

A failed state change rolls back, then answers a redirect back to the page it came from with the error
as a flash message; a failed page view answers an error page; a request of the page's own scripts
(``Accept: application/json``) answers ``{"error": text}``. Messages are API v9's wording.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from punchclock.db.session import finish, request_session
from punchclock.domain.actor import Actor, UserRecord
from punchclock.domain.errors import DomainError, Forbidden, Invalid, Malformed, Unauthenticated
from punchclock.domain.users import default_workspace
from punchclock.http import auth, wire
from punchclock.http.routing import Handler, TransactionRoute
from punchclock.http.v9 import errors as v9_errors
from punchclock.http.web import csrf, pages
from punchclock.http.web import session as web_session
from punchclock.models import Workspace

SAFE_METHODS = ("GET", "HEAD")


class CsrfFailed(Exception):
    """A state change without this browser's token: from another site, or a form older than its session."""


class WebRoute(TransactionRoute):
    """One transaction per request, as the APIs; CSRF checked first; domain errors as pages or flashes."""

    def _unit_of_work(self, inner: Handler) -> Handler:
        async def web(request: Request) -> Response:
            try:
                if request.method not in SAFE_METHODS:
                    await _check_csrf(request)
                return await inner(request)
            except CsrfFailed:
                finish(request, commit=False)
                return pages.render(request, "error.html", 403, status=403,
                                    message="This form has expired. Reload the page and try again.")
            except RequestValidationError as exc:
                finish(request, commit=False)
                return error_response(request, _malformed(exc))
            except DomainError as err:
                finish(request, commit=False)
                return error_response(request, err)
            except IntegrityError:  # a unique index caught a race the service's own check lost
                finish(request, commit=False)
                return error_response(request, Invalid("conflict"))

        return super()._unit_of_work(web)


class AdminRoute(WebRoute):
    """Routes for admins only (``signed_in(request, admin=True)``): a member gets the 403 page for the forms
    too, not a redirect back with a flash, since there is no page of theirs to go back to."""

    def _unit_of_work(self, inner: Handler) -> Handler:
        async def admins_only(request: Request) -> Response:
            try:
                return await inner(request)
            except Forbidden as err:
                if err.code != "admin_only" or request.method in SAFE_METHODS or wants_json(request):
                    raise
                finish(request, commit=False)
                return pages.render(request, "error.html", 403, status=403, message=v9_errors.render(err)[1])

        return super()._unit_of_work(admins_only)


def _malformed(exc: RequestValidationError) -> DomainError:
    first = exc.errors()[0] if exc.errors() else {}
    loc = [str(p) for p in first.get("loc", ()) if p not in ("query", "path", "body", "header")]
    return Malformed("invalid_param", name=loc[-1] if loc else "parameter")


async def _check_csrf(request: Request) -> None:
    origin = request.headers.get("origin")
    if origin is not None and origin != f"{request.url.scheme}://{request.url.netloc}":
        raise CsrfFailed
    sent = request.headers.get(csrf.HEADER)
    if sent is None:
        value = (await request.form()).get(csrf.FIELD)
        sent = value if isinstance(value, str) else None
    secrets = (web_session.session_secret(request), web_session.pre_secret(request))
    if not any(csrf.valid(secret, sent) for secret in secrets):
        raise CsrfFailed


def wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def error_response(request: Request, err: DomainError) -> Response:
    if isinstance(err, Unauthenticated) and not wants_json(request):
        target = "/login"
        if request.method in SAFE_METHODS:
            target += "?next=" + quote(_path_and_query(request), safe="")
        return RedirectResponse(target, status_code=303)
    status, text = v9_errors.render(err)
    if wants_json(request):
        return wire.json_response({"error": text}, status_code=status)
    if request.method in SAFE_METHODS:
        return pages.render(request, "error.html", status, status=status, message=text)
    return see_other(request, back_to(request), error=text)


def _path_and_query(request: Request) -> str:
    query = request.url.query
    return request.url.path + ("?" + query if query else "")


def local_path(target: str | None, default: str = "/") -> str:
    """``target`` when it is a path on this site (``/…`` but not ``//…``), else ``default``: no open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def back_to(request: Request, default: str = "/") -> str:
    """Where a failed form returns: its ``Referer`` when that is this site, else ``default``."""
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc != request.url.netloc:
        return default
    return local_path(referer.path + ("?" + referer.query if referer.query else ""), default)


def see_other(request: Request, target: str, *, ok: str | None = None, error: str | None = None) -> Response:
    """A 303 to ``target`` (after a form), optionally with a flash message for the page it shows."""
    response = RedirectResponse(local_path(target), status_code=303)
    if ok is not None or error is not None:
        web_session.set_flash(request, response, "error" if error is not None else "ok", error or ok or "")
    return response


@dataclass(slots=True)
class Viewer:
    """The signed-in person, their current workspace, and the request's database session."""

    actor: Actor
    db: Session
    #: The user's default workspace while it is an active membership, else their lowest-id one.
    workspace_id: int
    #: (id, name) of every active membership, for the switcher.
    workspaces: list[tuple[int, str]]

    @property
    def user(self) -> UserRecord:
        return self.actor.user

    @property
    def is_admin(self) -> bool:
        return self.actor.is_admin(self.workspace_id)

    @property
    def workspace_name(self) -> str:
        return next((name for wid, name in self.workspaces if wid == self.workspace_id), "")


async def signed_in(request: Request, *, admin: bool = False) -> Viewer:
    """The viewer of a page, or ``Unauthenticated`` (a redirect to the sign-in page)."""
    db = request_session(request)
    actor = auth.cookie_actor(db, web_session.session_secret(request))
    if actor is None:
        raise Unauthenticated("bad_credentials")
    request.state.user_id = actor.user.id  # for the access log
    db.info["actor_id"] = actor.user.id  # for webhook events of this request's changes
    names = dict(db.execute(select(Workspace.id, Workspace.name).where(Workspace.id.in_(actor.workspaces))).all())
    current = default_workspace(actor.user.default_workspace_id, actor.workspaces)
    if current is None:
        raise Forbidden("workspace_not_found")
    viewer = Viewer(actor, db, current, sorted(names.items(), key=lambda item: item[1].lower()))
    if admin and not viewer.is_admin:
        raise Forbidden("admin_only")
    request.state.viewer = viewer
    return viewer


class Form:
    """A submitted form's fields, read as the types the services take (absent and blank told apart)."""

    def __init__(self, data: FormData) -> None:
        self.data = data

    @classmethod
    async def read(cls, request: Request) -> Form:
        return cls(await request.form())

    def has(self, name: str) -> bool:
        return name in self.data

    def text(self, name: str, default: str = "") -> str:
        value = self.data.get(name)
        return value.strip() if isinstance(value, str) else default

    def optional_id(self, name: str) -> int | None:
        """A numeric id, or None for a blank or absent field; anything else is a 400."""
        value = self.text(name)
        if not value:
            return None
        if not value.isdigit() or len(value) > 18:
            raise Malformed("invalid_param", name=name)
        return int(value)

    def ids(self, name: str) -> list[int]:
        """Every value of a multi-valued field (checkboxes, ``<select multiple>``) as ids."""
        out = []
        for value in self.data.getlist(name):
            if not isinstance(value, str) or not value.strip().isdigit() or len(value.strip()) > 18:
                raise Malformed("invalid_param", name=name)
            out.append(int(value))
        return out

    def checkbox(self, name: str) -> bool:
        return self.text(name) not in ("", "0", "false", "off")

    def values(self, name: str) -> list[str]:
        return [v.strip() for v in self.data.getlist(name) if isinstance(v, str) and v.strip()]


def page(request: Request, template: str, status_code: int = 200, **context: Any) -> Response:
    """Shorthand for ``pages.render`` (the viewer comes from ``signed_in``)."""
    return pages.render(request, template, status_code, **context)


async def error_page(request: Request, status: int, message: str) -> Response:
    """An error page for a path no route answered, with the menu when the browser is signed in."""
    try:
        await signed_in(request)
    except DomainError:
        request.state.viewer = None
    try:
        return pages.render(request, "error.html", status, status=status, message=message)
    finally:
        finish(request, commit=False)
