"""Helpers of the team, invitation and password-reset tests: arranged accounts, signed-in HTTP clients."""

from __future__ import annotations

import re
from dataclasses import dataclass

import httpx

from punchclock.models import User, Workspace
from tests.factories import make_user, make_workspace
from tests.web.browser import PASSWORD, WebServer


@dataclass
class Person:
    id: int
    email: str
    fullname: str
    workspace_id: int


def person(server: WebServer, who: str, fullname: str, *, workspace: str | None = None,
           password: str = PASSWORD) -> Person:
    """An account with a password; with ``workspace`` it also administers a new workspace of that name
    (its default), else its personal workspace is its default."""
    db = server.session()
    try:
        user: User = make_user(db, email=server.email(who), password=password, fullname=fullname,
                               timezone="Europe/Berlin")
        wid = user.default_workspace_id
        if workspace is not None:
            ws: Workspace = make_workspace(db, admin=user, name=workspace)
            user.default_workspace_id = wid = ws.id
            db.commit()
        assert wid is not None
        return Person(user.id, user.email, fullname, wid)
    finally:
        db.close()


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([0-9a-f]{64})"', html)
    assert match, html[:500]
    return match[1]


def http_client(server: WebServer) -> httpx.Client:
    return httpx.Client(base_url=server.base, follow_redirects=False, timeout=20)


def signed_in_client(server: WebServer, email: str, password: str = PASSWORD) -> httpx.Client:
    """An HTTP client signed in to the web app (the login form, with its CSRF token)."""
    c = http_client(server)
    answer = c.post("/login", data={"csrf": csrf_of(c.get("/login").text), "email": email, "password": password})
    assert answer.status_code == 303, answer.text[:300]
    return c


def page_token(c: httpx.Client, path: str) -> str:
    """The CSRF token of a signed-in page (the layout's meta tag)."""
    match = re.search(r'name="csrf-token" content="([0-9a-f]{64})"', c.get(path).text)
    assert match, path
    return match[1]

