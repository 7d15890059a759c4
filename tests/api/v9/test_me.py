"""API v9 user object, GET/PUT /me, /me/logged, /me/reset_token, /status, /signup (20-me-and-users)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from punchclock.app import create_app
from punchclock.config import Settings
from punchclock.domain import security
from punchclock.http.avatar import path_for
from punchclock.models import AuthSession, Organization, User, Workspace, WorkspaceMember
from tests.api.v9.documented import documented
from tests.factories import PASSWORD, add_member, at, basic, make_user, make_workspace, token_auth

COOKIE = "__Host-timer-session"
FAIL = (403, "Incorrect username and/or password")


def snapshot(db: Session, user_id: int) -> User:
    db.expire_all()
    return db.get_one(User, user_id)


def login(client: TestClient, user: User, password: str = PASSWORD) -> str:
    r = client.post("/api/v8/sessions", headers=basic(user.email, password))
    assert r.status_code == 200
    client.cookies.clear()
    return str(r.headers["set-cookie"].split(";", 1)[0].split("=", 1)[1])


def put_me(client: TestClient, user: User, body: Any, headers: dict[str, str] | None = None) -> Any:
    return client.put("/api/v9/me", headers=headers or token_auth(user), json=body)


class TestUserObject:
    def test_every_key_with_exact_values_in_utc(self, client: TestClient, db: Session) -> None:
        user = make_user(db, email="mara.quint@example.org", fullname="Mara Quint", timezone="Asia/Tokyo",
                         beginning_of_week=3, created_at=at("2023-01-15T09:00:00Z"),
                         updated_at=at("2023-09-30T18:02:11Z"))
        r = client.get("/api/v9/me", headers=token_auth(user))
        body = documented(client).check("GET", "/me", r)
        assert body == {
            "id": user.id,
            "api_token": user.api_token,
            "email": "mara.quint@example.org",
            "fullname": "Mara Quint",
            "timezone": "Asia/Tokyo",
            "default_workspace_id": user.default_workspace_id,
            "beginning_of_week": 3,
            "image_url": "http://testserver" + path_for("Mara Quint", "mara.quint@example.org", user.id),
            "country_id": None,
            "has_password": True,
            "openid_enabled": False,
            "openid_email": None,
            "2fa_enabled": False,
            "toggl_accounts_id": str(user.id).zfill(22),
            "created_at": "2023-01-15T09:00:00+00:00",
            "updated_at": "2023-09-30T18:02:11+00:00",
            "at": "2023-09-30T18:02:11+00:00",
            "authorization_updated_at": "2023-09-30T18:02:11+00:00",
            "toggl_accounts_updated_at": "2023-09-30T18:02:11+00:00",
        }
        assert list(body)[:6] == ["id", "api_token", "email", "fullname", "timezone", "default_workspace_id"]
        assert r.headers["cache-control"] == "no-store"
        assert client.get(body["image_url"]).status_code == 200  # the v8 avatar, served

    def test_toggl_accounts_id_is_22_digits(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        body = client.get("/api/v9/me", headers=token_auth(user)).json()
        assert body["toggl_accounts_id"] == "0" * (22 - len(str(user.id))) + str(user.id)
        assert len(body["toggl_accounts_id"]) == 22

    def test_has_password_false_without_password(self, client: TestClient, db: Session) -> None:
        user = make_user(db, password_hash=None)
        r = client.get("/api/v9/me", headers=token_auth(user))
        assert documented(client).check("GET", "/me", r)["has_password"] is False

    def test_default_workspace_falls_back_to_lowest_active_membership(self, client: TestClient, db: Session) -> None:
        owner = make_user(db)
        user = make_user(db)
        first = make_workspace(db, admin=owner, name="First")
        second = make_workspace(db, admin=owner, name="Second")
        add_member(db, second, user)
        add_member(db, first, user)
        personal = db.get_one(WorkspaceMember, _membership_id(db, user.default_workspace_id, user.id))
        personal.active = False  # the stored default is no longer an active membership
        db.commit()
        body = documented(client).check("GET", "/me", client.get("/api/v9/me", headers=token_auth(user)))
        assert body["default_workspace_id"] == first.id == min(first.id, second.id)

    def test_default_workspace_null_stored_and_null_without_memberships(self, client: TestClient,
                                                                        db: Session) -> None:
        user = make_user(db)
        personal = user.default_workspace_id
        user.default_workspace_id = None
        db.commit()
        r = client.get("/api/v9/me", headers=token_auth(user))
        assert documented(client).check("GET", "/me", r)["default_workspace_id"] == personal
        db.get_one(WorkspaceMember, _membership_id(db, personal, user.id)).active = False
        db.commit()
        r = client.get("/api/v9/me", headers=token_auth(user))
        assert documented(client).check("GET", "/me", r)["default_workspace_id"] is None

    def test_with_related_data_false_is_the_bare_object(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        plain = client.get("/api/v9/me", headers=token_auth(user)).json()
        r = client.get("/api/v9/me?with_related_data=false", headers=token_auth(user))
        assert documented(client).check("GET", "/me", r) == plain
        assert "since" not in plain and "data" not in plain and "workspaces" not in plain

    def test_bad_flag_is_400(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = client.get("/api/v9/me?with_related_data=maybe", headers=token_auth(user))
        assert (r.status_code, r.json()) == (400, "Invalid with_related_data")


def _membership_id(db: Session, workspace_id: int | None, user_id: int) -> int:
    return int(db.scalars(select(WorkspaceMember.id).where(WorkspaceMember.workspace_id == workspace_id,
                                                           WorkspaceMember.user_id == user_id)).one())


class TestPutMe:
    def test_changes_profile_and_answers_the_user_object(self, client: TestClient, db: Session) -> None:
        user = make_user(db, fullname="Mara Quint")
        other = make_workspace(db, admin=user, name="Other")
        r = put_me(client, user, {"fullname": "Mara Quint-Ferreira", "email": "mara@example.org",
                                  "timezone": "Europe/Lisbon", "beginning_of_week": 0,
                                  "default_workspace_id": str(other.id), "country_id": 42, "id": None,
                                  "unknown": "ignored"})
        body = documented(client).check("PUT", "/me", r)
        stored = snapshot(db, user.id)
        assert (stored.fullname, stored.email, stored.timezone, stored.beginning_of_week,
                stored.default_workspace_id) == ("Mara Quint-Ferreira", "mara@example.org", "Europe/Lisbon", 0,
                                                 other.id)
        assert body["fullname"] == "Mara Quint-Ferreira"
        assert body["email"] == "mara@example.org"
        assert body["timezone"] == "Europe/Lisbon"
        assert body["beginning_of_week"] == 0
        assert body["default_workspace_id"] == other.id
        assert body["country_id"] is None
        assert body["updated_at"] == body["at"] == stored.updated_at.strftime("%Y-%m-%dT%H:%M:%S+00:00")
        assert client.get("/api/v9/me", headers=token_auth(user)).json() == body

    def test_empty_body_and_nulls_change_nothing(self, client: TestClient, db: Session) -> None:
        user = make_user(db, fullname="Mara Quint")
        before = client.get("/api/v9/me", headers=token_auth(user)).json()
        r = client.put("/api/v9/me", headers=token_auth(user))
        assert documented(client).check("PUT", "/me", r) == before
        r = put_me(client, user, {"fullname": None, "timezone": None, "default_workspace_id": None})
        assert documented(client).check("PUT", "/me", r) == before
        assert snapshot(db, user.id).fullname == "Mara Quint"

    @pytest.mark.parametrize(("fields", "message"), [
        ({"timezone": "Mars/Olympus"}, "Invalid timezone"),
        ({"fullname": "  "}, "Fullname can't be blank"),
        ({"email": "not-an-address"}, "Invalid e-mail"),
        ({"beginning_of_week": 7}, "Beginning of week must be between 0 and 6"),
        ({"beginning_of_week": "1"}, "Invalid beginning_of_week"),
        ({"default_workspace_id": "x"}, "Invalid default_workspace_id"),
        ({"fullname": 5}, "Invalid fullname"),
    ])
    def test_invalid_values_are_400_and_write_nothing(self, client: TestClient, db: Session,
                                                      fields: dict[str, Any], message: str) -> None:
        user = make_user(db, fullname="Mara Quint")
        r = put_me(client, user, fields)
        assert (r.status_code, r.json()) == (400, message)
        stored = snapshot(db, user.id)
        assert (stored.fullname, stored.timezone, stored.beginning_of_week) == ("Mara Quint", "Etc/UTC", 1)

    def test_default_workspace_must_be_an_active_membership(self, client: TestClient, db: Session) -> None:
        user, stranger = make_user(db), make_user(db)
        inactive = make_workspace(db, admin=stranger, name="Left")
        add_member(db, inactive, user, active=False)
        for wid in (stranger.default_workspace_id, inactive.id, 999999):
            r = put_me(client, user, {"default_workspace_id": wid})
            assert (r.status_code, r.json()) == (400, "Invalid default workspace")
        assert snapshot(db, user.id).default_workspace_id == user.default_workspace_id

    def test_email_of_another_user_is_taken(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        make_user(db, email="taken@example.org")
        r = put_me(client, user, {"email": "Taken@Example.org"})
        assert (r.status_code, r.json()) == (400, "User with this email already exists")

    def test_body_must_be_an_object(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = client.put("/api/v9/me", headers=token_auth(user), json=["fullname"])
        assert r.status_code == 400 and isinstance(r.json(), str)
        r = client.put("/api/v9/me", headers=token_auth(user), content=b'{"fullname": ')
        assert (r.status_code, r.json()) == (400, "Invalid JSON")

    def test_requires_authentication(self, client: TestClient, db: Session) -> None:
        r = client.put("/api/v9/me", json={"fullname": "X"})
        assert (r.status_code, r.json()) == FAIL


class TestPasswordChange:
    def test_toggl_python_body_changes_password_and_keeps_current_cookie(self, client: TestClient,
                                                                          db: Session) -> None:
        user = make_user(db)
        current, other = login(client, user), login(client, user)
        r = put_me(client, user, {"current_password": PASSWORD, "password": "new-secret-2"},
                   headers={"Cookie": f"{COOKIE}={current}"})
        assert documented(client).check("PUT", "/me", r)["has_password"] is True
        assert client.get("/api/v9/me", headers={"Cookie": f"{COOKIE}={other}"}).status_code == 403
        assert client.get("/api/v9/me", headers={"Cookie": f"{COOKIE}={current}"}).status_code == 200
        assert client.get("/api/v9/me", headers=basic(user.email, PASSWORD)).status_code == 403
        assert client.get("/api/v9/me", headers=basic(user.email, "new-secret-2")).status_code == 200
        assert security.verify_password(snapshot(db, user.id).password_hash, "new-secret-2")

    def test_with_basic_auth_every_session_ends(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        login(client, user)
        r = put_me(client, user, {"current_password": PASSWORD, "password": "new-secret-2"},
                   headers=basic(user.email, PASSWORD))
        assert r.status_code == 200
        db.expire_all()
        assert db.scalar(select(func.count()).select_from(AuthSession).where(AuthSession.user_id == user.id)) == 0

    @pytest.mark.parametrize(("fields", "message"), [
        ({"password": "new-secret-2"}, "Current password is required"),
        ({"password": "new-secret-2", "current_password": ""}, "Current password is required"),
        ({"password": "new-secret-2", "current_password": "wrong-one"}, "Current password is not valid"),
        ({"password": "short", "current_password": PASSWORD}, "Password should be at least 6 characters"),
    ])
    def test_rejected_changes_are_400(self, client: TestClient, db: Session, fields: dict[str, str],
                                      message: str) -> None:
        user = make_user(db)
        r = put_me(client, user, {**fields, "fullname": "Changed"})
        assert (r.status_code, r.json()) == (400, message)
        assert client.get("/api/v9/me", headers=basic(user.email, PASSWORD)).status_code == 200
        assert snapshot(db, user.id).fullname == user.fullname


class TestLoggedAndToken:
    def test_logged_is_200_with_empty_body(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = client.get("/api/v9/me/logged", headers=token_auth(user))
        assert documented(client).check("GET", "/me/logged", r) is None
        assert r.content == b""
        assert r.headers["cache-control"] == "no-store"

    def test_logged_is_403_for_bad_or_missing_credentials(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        for headers in ({}, basic(user.email, "wrong-pass"), basic("f" * 32, "api_token")):
            r = client.get("/api/v9/me/logged", headers=headers)
            assert (r.status_code, r.json()) == FAIL

    def test_reset_token_answers_the_new_token_as_a_bare_string(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        old = user.api_token
        r = client.post("/api/v9/me/reset_token", headers=token_auth(user))
        token = documented(client).check("POST", "/me/reset_token", r)
        assert isinstance(token, str) and re.fullmatch(r"[0-9a-f]{32}", token) and token != old
        assert snapshot(db, user.id).api_token == token
        assert client.get("/api/v9/me/logged", headers=basic(old, "api_token")).status_code == 403
        r = client.get("/api/v9/me", headers=basic(token, "api_token"))
        assert documented(client).check("GET", "/me", r)["api_token"] == token

    def test_status_needs_no_authentication(self, client: TestClient) -> None:
        r = client.get("/api/v9/status")
        assert documented(client).check("GET", "/status", r) == {"status": "OK"}
        r = client.get("/api/v9/status", headers=basic("nobody@example.org", "wrong"))
        assert (r.status_code, r.json()) == (200, {"status": "OK"})


def signup(client: TestClient, fields: Any, **kw: Any) -> Any:
    return client.post("/api/v9/signup", json={"user": fields}, **kw)


class TestSignup:
    def test_togglcli_body_creates_user_workspace_and_organization(self, client: TestClient,
                                                                   db: Session) -> None:
        r = signup(client, {"email": "ines.rocha@example.org", "password": "correct-horse-9",
                            "timezone": "Europe/Lisbon", "created_with": "togglCli"})
        body = documented(client).check("POST", "/signup", r)
        db.expire_all()
        user = db.scalars(select(User)).one()
        ws = db.scalars(select(Workspace)).one()
        org = db.scalars(select(Organization)).one()
        assert (ws.name, ws.organization_id, org.name, org.owner_user_id) == (
            "Ines Rocha's workspace", org.id, "Ines Rocha's workspace", user.id)
        assert db.scalars(select(WorkspaceMember.admin).where(WorkspaceMember.user_id == user.id)).all() == [True]
        assert body["id"] == user.id and body["api_token"] == user.api_token
        assert (body["email"], body["fullname"], body["timezone"]) == (
            "ines.rocha@example.org", "Ines Rocha", "Europe/Lisbon")
        assert body["default_workspace_id"] == ws.id
        assert body["has_password"] is True
        assert client.get("/api/v9/me", headers=basic(body["api_token"], "api_token")).json() == body

    def test_minimal_body_defaults_the_timezone(self, client: TestClient, db: Session) -> None:
        r = signup(client, {"email": "jo.ko@example.org", "password": "secret1"})
        assert documented(client).check("POST", "/signup", r)["timezone"] == "Etc/UTC"

    @pytest.mark.parametrize(("fields", "message"), [
        ({"password": "secret1"}, "Email can't be blank"),
        ({"email": "a@example.org"}, "Password can't be blank"),
        ({"email": "a@example.org", "password": "short"}, "Password should be at least 6 characters"),
        ({"email": "nope", "password": "secret1"}, "Invalid e-mail"),
        ({"email": "a@example.org", "password": "secret1", "timezone": "Nowhere/Land"}, "Invalid timezone"),
        ({"email": "a@example.org", "password": 123456}, "Invalid password"),
    ])
    def test_validation_failures_are_400_and_create_nothing(self, client: TestClient, db: Session,
                                                            fields: dict[str, Any], message: str) -> None:
        r = signup(client, fields)
        assert (r.status_code, r.json()) == (400, message)
        db.expire_all()
        assert db.scalar(select(func.count()).select_from(User)) == 0

    def test_registered_email_is_taken(self, client: TestClient, db: Session) -> None:
        make_user(db, email="taken@example.org")
        r = signup(client, {"email": "TAKEN@example.org", "password": "secret1"})
        assert (r.status_code, r.json()) == (400, "User with this email already exists")

    def test_disabled_signup_is_403(self, closed_client: TestClient, db: Session) -> None:
        r = signup(closed_client, {"email": "x@example.org", "password": "secret1"})
        assert (r.status_code, r.json()) == (403, "Sign-up is disabled")
        db.expire_all()
        assert db.scalar(select(func.count()).select_from(User)) == 0


@pytest.fixture
def closed_client(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings.model_copy(update={"signup_enabled": False}))
    with TestClient(app) as c:
        yield c
    app.state.engine.dispose()
