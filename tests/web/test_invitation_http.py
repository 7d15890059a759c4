"""/user/accept_invitation from a browser: its own form signs the browser in to the web app; API clients
and forms from elsewhere keep the old answers (the HTML confirmation, the JSON object) and get no session."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from punchclock.app import create_app
from punchclock.config import Settings
from punchclock.domain.security import digest
from punchclock.models import AuthSession, User, WorkspaceMember
from tests.factories import PASSWORD, add_invitation, make_placeholder, make_user, make_workspace

pytestmark = pytest.mark.filterwarnings("ignore")
PATH = "/user/accept_invitation?code="


@pytest.fixture
def web(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings)
    with TestClient(app, follow_redirects=False) as c:
        yield c
    app.state.engine.dispose()


def _arrange(c: TestClient, *, placeholder: bool) -> tuple[int, int]:
    """Workspace "Quint Studio" inviting lea@example.com (code ``c1``); (workspace id, Lea's user id)."""
    db: Session = c.app.state.sessionmaker()  # type: ignore[attr-defined]
    admin = make_user(db, email="mara@example.com")
    ws = make_workspace(db, admin=admin, name="Quint Studio")
    lea = make_placeholder(db, email="lea@example.com") if placeholder else make_user(db, email="lea@example.com")
    add_invitation(db, ws, lea, code="c1")
    ids = (ws.id, lea.id)
    db.close()
    return ids


def _token(c: TestClient) -> str:
    page = c.get(PATH + "c1")
    match = re.search(r'<input type="hidden" name="csrf" value="([0-9a-f]{64})">', page.text)
    assert page.status_code == 200 and match, page.text
    return match[1]


def _member(c: TestClient, wid: int, uid: int) -> tuple[bool, int | None]:
    db: Session = c.app.state.sessionmaker()  # type: ignore[attr-defined]
    member = db.scalars(select(WorkspaceMember).where(WorkspaceMember.workspace_id == wid,
                                                      WorkspaceMember.user_id == uid)).one()
    answer = (member.active, db.get_one(User, uid).default_workspace_id)
    db.close()
    return answer


def test_the_pages_own_form_signs_the_browser_in(web: TestClient) -> None:
    wid, uid = _arrange(web, placeholder=True)
    page = web.get(PATH + "c1")
    csp = page.headers["content-security-policy"]
    assert "unsafe-inline" not in csp and "style-src 'self'" in csp and "<style>" not in page.text
    assert '<link rel="stylesheet" href="/static/app.css' in page.text
    answer = web.post(PATH + "c1", data={"csrf": _token(web), "password": "welcome-9", "fullname": "Lea B"})
    assert (answer.status_code, answer.headers["location"]) == (303, "/timer")
    secret = web.cookies["punchclock"]
    db: Session = web.app.state.sessionmaker()  # type: ignore[attr-defined]
    assert db.scalars(select(AuthSession.user_id).where(AuthSession.token_hash == digest(secret))).one() == uid
    db.close()
    assert web.get("/").headers["location"] == "/timer"
    assert _member(web, wid, uid) == (True, wid)


def test_an_existing_account_joins_and_the_workspace_becomes_its_current_one(web: TestClient) -> None:
    wid, uid = _arrange(web, placeholder=False)
    answer = web.post(PATH + "c1", data={"csrf": _token(web), "password": PASSWORD}, headers={"Origin": "null"})
    assert (answer.status_code, answer.headers["location"]) == (303, "/timer")
    assert _member(web, wid, uid) == (True, wid)


def test_a_signed_in_invitee_needs_no_password(web: TestClient) -> None:
    wid, uid = _arrange(web, placeholder=False)
    login = re.search(r'name="csrf" value="([0-9a-f]{64})"', web.get("/login").text)
    assert login
    web.post("/login", data={"csrf": login[1], "email": "lea@example.com", "password": PASSWORD})
    page = web.get(PATH + "c1")
    assert "<p>You are signed in as lea@example.com.</p><button type=\"submit\">Join Quint Studio</button>" in page.text
    answer = web.post(PATH + "c1", data={"csrf": _token(web)})
    assert (answer.status_code, answer.headers["location"]) == (303, "/timer")
    assert _member(web, wid, uid) == (True, wid)


def test_forms_without_the_token_or_from_elsewhere_get_no_session(web: TestClient) -> None:
    _arrange(web, placeholder=True)
    token = _token(web)
    answer = web.post(PATH + "c1", data={"csrf": token, "password": "welcome-9"},
                      headers={"Origin": "https://evil.example"})
    assert answer.status_code == 200 and "<h1>Welcome to Quint Studio</h1>" in answer.text
    assert "punchclock" not in answer.cookies


def test_a_token_for_another_browser_gets_no_session(web: TestClient) -> None:
    _arrange(web, placeholder=True)
    web.get(PATH + "c1")
    answer = web.post(PATH + "c1", data={"csrf": "0" * 64, "password": "welcome-9"})
    assert answer.status_code == 200 and "<h1>Welcome to Quint Studio</h1>" in answer.text
    assert "punchclock" not in answer.cookies
