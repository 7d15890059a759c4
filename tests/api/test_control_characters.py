"""NUL and the other C0 control characters are refused at the edge, identically on SQLite and PostgreSQL.

PostgreSQL cannot store U+0000 (it answered 500, and logged the request body with the SQL
parameters); SQLite stored it. Tab and line breaks stay legal in multi-line text (descriptions).
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from punchclock.models import Client, Project, Tag, TimeEntry, User
from tests.factories import basic, make_user, token_auth

CONTROLS = ["\x00", "\x01", "\x08", "\x0b", "\x1b", "\x1f"]


def _count(db: Session, model: type) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(model)) or 0


@pytest.mark.parametrize("char", CONTROLS, ids=[f"U+{ord(c):04X}" for c in CONTROLS])
def test_text_with_a_control_character_is_refused_everywhere(client: TestClient, db: Session, char: str) -> None:
    user = make_user(db)
    auth, wid = token_auth(user), user.default_workspace_id
    writes = [
        ("/api/v8/time_entries", {"time_entry": {"description": f"a{char}b", "duration": 60,
                                                 "start": "2026-01-05T09:00:00Z", "created_with": "t"}},
         "description"),
        ("/api/v8/time_entries", {"time_entry": {"tags": [f"x{char}"], "duration": 60,
                                                 "start": "2026-01-05T09:00:00Z", "created_with": "t"}}, "tags"),
        ("/api/v8/clients", {"client": {"name": f"Acme{char}", "wid": wid}}, "name"),
        ("/api/v8/projects", {"project": {"name": f"P{char}", "wid": wid}}, "name"),
        ("/api/v8/tags", {"tag": {"name": f"t{char}", "wid": wid}}, "name"),
    ]
    for path, body, field in writes:
        r = client.post(path, headers=auth, json=body)
        assert (r.status_code, r.json()) == (404, [f"Invalid {field}"]), path
    signup = {"user": {"email": f"new{char}@example.org", "password": "secret-9", "created_with": "t"}}
    r = client.post("/api/v8/signups", json=signup)
    assert (r.status_code, r.json()) == (404, ["Invalid email"])
    r = client.put("/api/v8/me", headers=auth, json={"user": {"fullname": f"Ada{char}"}})
    assert (r.status_code, r.json()) == (404, ["Invalid fullname"])
    assert [_count(db, m) for m in (TimeEntry, Client, Project, Tag, User)] == [0, 0, 0, 0, 1]


def test_names_are_single_line_but_descriptions_keep_tabs_and_line_breaks(client: TestClient, db: Session) -> None:
    user = make_user(db)
    auth, wid = token_auth(user), user.default_workspace_id
    for char in ["\t", "\n", "\r"]:
        r = client.post("/api/v8/clients", headers=auth, json={"client": {"name": f"Acme{char}Ltd", "wid": wid}})
        assert (r.status_code, r.json()) == (404, ["Invalid name"])
        r = client.put("/api/v8/me", headers=auth, json={"user": {"fullname": f"Ada{char}L"}})
        assert (r.status_code, r.json()) == (404, ["Invalid fullname"])
    text = "line one\n\tindented\r\nline three"
    r = client.post("/api/v8/time_entries", headers=auth, json={"time_entry": {
        "description": text, "duration": 60, "start": "2026-01-05T09:00:00Z", "created_with": "t"}})
    assert (r.status_code, r.json()["data"]["description"]) == (200, text)
    assert client.get(f"/api/v8/time_entries/{r.json()['data']['id']}", headers=auth).json()["data"][
        "description"] == text


def test_query_parameters_with_control_characters_are_400_in_each_dialect(client: TestClient, db: Session) -> None:
    user = make_user(db)
    auth, wid = token_auth(user), user.default_workspace_id
    r = client.get(f"/reports/api/v2/details?user_agent=t&workspace_id={wid}&description=a%00b", headers=auth)
    assert r.status_code == 400
    assert r.json()["error"]["message"] == "description has an invalid value"
    r = client.get("/api/v8/time_entries?start_date=2026-01-01T00:00:00Z%00", headers=auth)
    assert (r.status_code, r.json()) == (400, ["Invalid start_date"])
    r = client.get("/user/accept_invitation?code=abc%01")
    assert r.status_code == 400
    ok = client.get(f"/reports/api/v2/details?user_agent=t&workspace_id={wid}&description=a%09b", headers=auth)
    assert (ok.status_code, ok.json()["total_count"]) == (200, 0)


def test_credentials_with_a_nul_are_refused_like_wrong_ones(client: TestClient, db: Session) -> None:
    make_user(db, email="ada@example.org")
    for headers in (basic("ada@example.org\x00", "secret-pass-1"), basic("tok\x00en", "api_token")):
        r = client.get("/api/v8/me", headers=headers)
        assert (r.status_code, r.json()) == (403, ["Incorrect username and/or password"])
    r = client.post("/api/v8/sessions", json={"email": "ada@example.org\x00", "password": "x"})
    assert (r.status_code, r.json()) == (403, ["Incorrect username and/or password"])


def test_a_failing_statement_never_shows_its_parameters(
    client: TestClient, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What uvicorn logs for a 500 is the exception's text: it must not carry bound values (bodies, e-mails)."""
    from punchclock.domain import clients

    def broken_create(session: Session, *_args: object, **_kw: object) -> None:
        session.execute(text("SELECT no_such_column WHERE :secret = :secret"), {"secret": "s3cret-body-text"})

    monkeypatch.setattr(clients, "create", broken_create)
    user = make_user(db)
    body = {"client": {"name": "Acme", "wid": user.default_workspace_id}}
    with pytest.raises(DBAPIError) as caught:
        client.post("/api/v8/clients", headers=token_auth(user), json=body)
    assert "s3cret-body-text" not in str(caught.value)
    assert "[SQL parameters hidden due to hide_parameters=True]" in str(caught.value)
    quiet = TestClient(client.app, raise_server_exceptions=False)
    r = quiet.post("/api/v8/clients", headers=token_auth(user), json=body)
    assert (r.status_code, r.json()) == (500, ["Internal error"])
