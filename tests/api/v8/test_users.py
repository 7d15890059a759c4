"""The user object, GET/PUT /me, POST /reset_token, POST /signups (10-users-and-auth §1-§5)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from punchclock.app import create_app
from punchclock.config import Settings
from punchclock.domain import security
from punchclock.models import AuthSession, User, Workspace, WorkspaceMember
from tests.factories import PASSWORD, add_member, at, basic, make_user, make_workspace, token_auth

COOKIE = "__Host-timer-session"
FAIL = (403, ["Incorrect username and/or password"])


def login(client: TestClient, user: User, password: str = PASSWORD) -> str:
    r = client.post("/api/v8/sessions", headers=basic(user.email, password))
    assert r.status_code == 200
    client.cookies.clear()
    return r.headers["set-cookie"].split(";", 1)[0].split("=", 1)[1]


def put_me(client: TestClient, user: User, fields: Any, headers: dict[str, str] | None = None) -> Any:
    return client.put("/api/v8/me", headers=headers or token_auth(user), json={"user": fields})


def snapshot(db: Session, user_id: int) -> dict[str, Any]:
    db.expire_all()
    u = db.get_one(User, user_id)
    return {c.name: getattr(u, c.key) for c in User.__table__.columns}


class TestGetMe:
    def test_full_user_object_with_exact_values(self, client: TestClient, db: Session) -> None:
        user = make_user(db, email="mara.quint@example.org", fullname="Mara Quint", beginning_of_week=1,
                         send_product_emails=False, created_at=at("2023-01-15T09:00:00Z"),
                         updated_at=at("2023-09-30T18:02:11Z"))
        before = int(time.time())
        r = client.get("/api/v8/me", headers=token_auth(user))
        after = int(time.time())
        assert r.status_code == 200
        body = r.json()
        assert before <= body["since"] <= after
        assert body["data"] == {
            "id": user.id,
            "api_token": user.api_token,
            "default_wid": user.default_workspace_id,
            "email": "mara.quint@example.org",
            "fullname": "Mara Quint",
            "jquery_timeofday_format": "H:i",
            "jquery_date_format": "Y-m-d",
            "timeofday_format": "H:mm",
            "date_format": "YYYY-MM-DD",
            "store_start_and_stop_time": True,
            "beginning_of_week": 1,
            "language": "en_US",
            "image_url": "http://testserver/avatars/MQ-47.svg",
            "sidebar_piechart": False,
            "at": "2023-09-30T18:02:11+00:00",
            "created_at": "2023-01-15T09:00:00+00:00",
            "retention": 9,
            "record_timeline": False,
            "render_timeline": False,
            "timeline_enabled": False,
            "timeline_experiment": False,
            "should_upgrade": False,
            "new_blog_post": {},
            "invitation": {},
            "send_product_emails": False,
            "send_weekly_report": True,
            "send_timer_notifications": True,
            "openid_enabled": False,
            "timezone": "Etc/UTC",
            "duration_format": "improved",
        }
        assert re.fullmatch(r"[0-9a-f]{32}", body["data"]["api_token"])
        assert r.headers["content-type"] == "application/json; charset=utf-8"
        assert r.headers["cache-control"] == "no-store"

    def test_helsinki_user_sees_own_offsets(self, client: TestClient, db: Session) -> None:
        user = make_user(db, timezone="Europe/Helsinki", created_at=at("2023-01-15T09:00:00Z"),
                         updated_at=at("2023-10-02T06:00:00Z"))
        data = client.get("/api/v8/me", headers=token_auth(user)).json()["data"]
        assert (data["created_at"], data["at"]) == ("2023-01-15T11:00:00+02:00", "2023-10-02T09:00:00+03:00")
        assert data["timezone"] == "Europe/Helsinki"

    def test_default_wid_omitted_when_none(self, client: TestClient, db: Session) -> None:
        user = make_user(db, default_workspace_id=None)
        assert "default_wid" not in client.get("/api/v8/me", headers=token_auth(user)).json()["data"]

    def test_since_without_related_data_is_only_accepted(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        plain = client.get("/api/v8/me", headers=token_auth(user)).json()["data"]
        r = client.get("/api/v8/me?since=1696240800&with_related_data=false", headers=token_auth(user))
        assert r.status_code == 200 and r.json()["data"] == plain
        assert "workspaces" not in plain

    @pytest.mark.parametrize("query, message", [
        ("since=abc", "Invalid since"),
        ("since=1696240800.5", "Invalid since"),
        ("since=2023-10-02", "Invalid since"),
        ("with_related_data=maybe", "Invalid with_related_data"),
    ])
    def test_bad_query_parameters_are_400(self, client: TestClient, db: Session, query: str, message: str) -> None:
        user = make_user(db)
        r = client.get(f"/api/v8/me?{query}", headers=token_auth(user))
        assert (r.status_code, r.json()) == (400, [message])

    def test_requires_authentication(self, client: TestClient, db: Session) -> None:
        make_user(db)
        r = client.get("/api/v8/me")
        assert (r.status_code, r.json()) == FAIL


class TestUpdateMe:
    def test_updates_every_writable_field(self, client: TestClient, db: Session) -> None:
        user = make_user(db, email="mara.quint@example.org", updated_at=at("2023-01-01T00:00:00Z"))
        team = make_workspace(db, admin=user, name="Team")
        r = put_me(client, user, {
            "fullname": "  Mara Quint-Ferreira ", "email": "Mara.QF@example.org",
            "send_product_emails": False, "send_weekly_report": False, "send_timer_notifications": False,
            "store_start_and_stop_time": False, "sidebar_piechart": True, "beginning_of_week": 0,
            "timezone": "Europe/Lisbon", "timeofday_format": "h:mm A", "date_format": "DD.MM.YYYY",
            "duration_format": "decimal", "default_wid": team.id, "language": "pt_PT",
        })
        assert r.status_code == 200
        data = r.json()["data"]
        assert {k: data[k] for k in (
            "fullname", "email", "send_product_emails", "send_weekly_report", "send_timer_notifications",
            "store_start_and_stop_time", "sidebar_piechart", "beginning_of_week", "timezone",
            "timeofday_format", "jquery_timeofday_format", "date_format", "jquery_date_format",
            "duration_format", "default_wid", "language",
        )} == {
            "fullname": "Mara Quint-Ferreira", "email": "Mara.QF@example.org", "send_product_emails": False,
            "send_weekly_report": False, "send_timer_notifications": False, "store_start_and_stop_time": False,
            "sidebar_piechart": True, "beginning_of_week": 0, "timezone": "Europe/Lisbon",
            "timeofday_format": "h:mm A", "jquery_timeofday_format": "h:i A", "date_format": "DD.MM.YYYY",
            "jquery_date_format": "d.m.Y", "duration_format": "decimal", "default_wid": team.id,
            "language": "pt_PT",
        }
        assert "since" not in r.json() and data["api_token"] == user.api_token
        stored = snapshot(db, user.id)
        assert (stored["email"], stored["default_workspace_id"], stored["timezone"]) == (
            "Mara.QF@example.org", team.id, "Europe/Lisbon")
        # ``at`` moved to now and is rendered in the new zone (Lisbon).
        changed = datetime.fromisoformat(data["at"])
        assert abs(changed.timestamp() - time.time()) < 5
        assert changed.utcoffset() == ZoneInfo("Europe/Lisbon").utcoffset(changed.replace(tzinfo=None))

    @pytest.mark.parametrize("date_format, jquery", [
        ("YYYY-MM-DD", "Y-m-d"), ("DD.MM.YYYY", "d.m.Y"), ("DD-MM-YYYY", "d-m-Y"),
        ("MM/DD/YYYY", "m/d/Y"), ("DD/MM/YYYY", "d/m/Y"), ("MM-DD-YYYY", "m-d-Y"),
    ])
    def test_jquery_date_format_is_derived(self, client: TestClient, db: Session, date_format: str,
                                           jquery: str) -> None:
        user = make_user(db)
        data = put_me(client, user, {"date_format": date_format, "timeofday_format": "H:mm"}).json()["data"]
        assert (data["jquery_date_format"], data["jquery_timeofday_format"]) == (jquery, "H:i")

    def test_own_email_in_other_case_is_allowed(self, client: TestClient, db: Session) -> None:
        user = make_user(db, email="lea@example.org")
        r = put_me(client, user, {"email": "LEA@example.org"})
        assert (r.status_code, r.json()["data"]["email"]) == (200, "LEA@example.org")

    def test_read_only_and_unknown_keys_and_nulls_are_ignored(self, client: TestClient, db: Session) -> None:
        user = make_user(db, fullname="Kept Name")
        before = snapshot(db, user.id)
        r = put_me(client, user, {"id": 999, "api_token": "0" * 32, "created_at": "2001-01-01T00:00:00Z",
                                  "image_url": "x", "retention": 1, "fullname": None, "timezone": None,
                                  "send_weekly_report": None, "ui_modified_at": 123})
        assert r.status_code == 200
        data = r.json()["data"]
        assert (data["id"], data["api_token"], data["fullname"], data["retention"]) == (
            user.id, user.api_token, "Kept Name", 9)
        after = snapshot(db, user.id)
        assert after == before

    @pytest.mark.parametrize("fields, message", [
        ({"fullname": "   "}, "Fullname can't be blank"),
        ({"fullname": "x" * 101}, "Fullname is too long (maximum 100 characters)"),
        ({"email": "not-an-address"}, "Invalid e-mail"),
        ({"beginning_of_week": 7}, "Beginning of week must be between 0 and 6"),
        ({"beginning_of_week": -1}, "Beginning of week must be between 0 and 6"),
        ({"timezone": "Mars/Olympus"}, "Invalid timezone"),
        ({"timezone": "europe/helsinki"}, "Invalid timezone"),
        ({"timeofday_format": "HH:mm"}, "Invalid time of day format"),
        ({"date_format": "YYYY/MM/DD"}, "Invalid date format"),
        ({"duration_format": "fancy"}, "Invalid duration format"),
        ({"language": ""}, "Language can't be blank"),
        ({"language": "x" * 17}, "Invalid language"),
        ({"beginning_of_week": "1"}, "Invalid beginning_of_week"),
        ({"beginning_of_week": True}, "Invalid beginning_of_week"),
        ({"send_weekly_report": "yes"}, "Invalid send_weekly_report"),
        ({"fullname": 5}, "Invalid fullname"),
        ({"default_wid": "abc"}, "Invalid default_wid"),
        ({"default_wid": 2**70}, "Invalid default_wid"),
    ])
    def test_invalid_values_are_404_and_write_nothing(self, client: TestClient, db: Session,
                                                       fields: dict[str, Any], message: str) -> None:
        user = make_user(db)
        before = snapshot(db, user.id)
        r = put_me(client, user, {**fields, "language": fields.get("language", "de_DE")})
        assert (r.status_code, r.json()) == (404, [message])
        assert snapshot(db, user.id) == before

    def test_several_failures_are_reported_together(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = put_me(client, user, {"fullname": "", "timezone": "Nowhere", "beginning_of_week": 9})
        assert (r.status_code, r.json()) == (404, [
            "Fullname can't be blank", "Invalid timezone", "Beginning of week must be between 0 and 6"])

    def test_email_of_another_user_is_taken(self, client: TestClient, db: Session) -> None:
        make_user(db, email="taken@example.org")
        user = make_user(db)
        r = put_me(client, user, {"email": "TAKEN@example.org", "fullname": "New"})
        assert (r.status_code, r.json()) == (404, ["User with this email already exists"])
        assert snapshot(db, user.id)["fullname"] == user.fullname

    def test_default_wid_must_be_an_active_membership(self, client: TestClient, db: Session) -> None:
        user, other = make_user(db), make_user(db)
        pending = make_workspace(db, admin=other, name="Pending")
        add_member(db, pending, user, active=False)
        for wid in (pending.id, other.default_workspace_id, 987654):
            r = put_me(client, user, {"default_wid": wid})
            assert (r.status_code, r.json()) == (404, ["Invalid default workspace"])
        shared = make_workspace(db, admin=other, name="Shared")
        add_member(db, shared, user)
        r = put_me(client, user, {"default_wid": str(shared.id)})
        assert (r.status_code, r.json()["data"]["default_wid"]) == (200, shared.id)

    def test_missing_wrapper_empty_body_and_malformed_json(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = client.put("/api/v8/me", headers=token_auth(user), json={"fullname": "X"})
        assert (r.status_code, r.json()) == (404, ["user can't be blank"])
        r = client.put("/api/v8/me", headers=token_auth(user), content=b"")
        assert (r.status_code, r.json()) == (404, ["user can't be blank"])
        r = client.put("/api/v8/me", headers=token_auth(user), content=b'{"user": {')
        assert (r.status_code, r.json()) == (400, ["Invalid JSON"])

    def test_requires_authentication(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = client.put("/api/v8/me", headers=basic(user.email, "wrong"), json={"user": {"fullname": "X"}})
        assert (r.status_code, r.json()) == FAIL
        assert snapshot(db, user.id)["fullname"] == user.fullname


class TestChangePassword:
    def test_change_kills_other_sessions_and_keeps_current_cookie(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        current, other = login(client, user), login(client, user)
        r = put_me(client, user, {"current_password": PASSWORD, "password": "new-secret-2"},
                   headers={"Cookie": f"{COOKIE}={current}"})
        assert r.status_code == 200
        assert client.get("/api/v8/me", headers={"Cookie": f"{COOKIE}={other}"}).status_code == 403
        assert client.get("/api/v8/me", headers={"Cookie": f"{COOKIE}={current}"}).status_code == 200
        assert client.get("/api/v8/me", headers=basic(user.email, PASSWORD)).status_code == 403
        assert client.get("/api/v8/me", headers=basic(user.email, "new-secret-2")).status_code == 200
        assert client.get("/api/v8/me", headers=token_auth(user)).status_code == 200  # token unchanged
        db.expire_all()
        assert security.verify_password(db.get_one(User, user.id).password_hash, "new-secret-2")

    def test_change_with_basic_auth_kills_every_session(self, client: TestClient, db: Session) -> None:
        user, bystander = make_user(db), make_user(db)
        mine, theirs = login(client, user), login(client, bystander)
        r = put_me(client, user, {"current_password": PASSWORD, "password": "new-secret-2"},
                   headers=basic(user.email, PASSWORD))
        assert r.status_code == 200
        assert client.get("/api/v8/me", headers={"Cookie": f"{COOKIE}={mine}"}).status_code == 403
        assert client.get("/api/v8/me", headers={"Cookie": f"{COOKIE}={theirs}"}).status_code == 200
        db.expire_all()
        assert db.scalar(select(func.count()).select_from(AuthSession).where(AuthSession.user_id == user.id)) == 0

    @pytest.mark.parametrize("fields, message", [
        ({"password": "new-secret-2"}, "Current password is required"),
        ({"password": "new-secret-2", "current_password": ""}, "Current password is required"),
        ({"password": "new-secret-2", "current_password": "wrong-one"}, "Current password is not valid"),
        ({"password": "short", "current_password": PASSWORD}, "Password should be at least 6 characters"),
    ])
    def test_rejected_changes_keep_password_and_sessions(self, client: TestClient, db: Session,
                                                          fields: dict[str, str], message: str) -> None:
        user = make_user(db)
        session = login(client, user)
        r = put_me(client, user, {**fields, "fullname": "Changed"})
        assert (r.status_code, r.json()) == (404, [message])
        assert client.get("/api/v8/me", headers=basic(user.email, PASSWORD)).status_code == 200
        assert client.get("/api/v8/me", headers={"Cookie": f"{COOKIE}={session}"}).status_code == 200
        assert snapshot(db, user.id)["fullname"] == user.fullname

    def test_current_password_alone_changes_nothing(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = put_me(client, user, {"current_password": "whatever"})
        assert r.status_code == 200
        assert client.get("/api/v8/me", headers=basic(user.email, PASSWORD)).status_code == 200


class TestResetToken:
    def test_new_token_replaces_old_one_and_sessions_stay(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        old = user.api_token
        session = login(client, user)
        r = client.post("/api/v8/reset_token", headers=token_auth(user))
        assert r.status_code == 200
        new = r.json()
        assert isinstance(new, str) and re.fullmatch(r"[0-9a-f]{32}", new) and new != old
        assert r.content == f'"{new}"'.encode()
        assert client.get("/api/v8/me", headers=basic(old, "api_token")).status_code == 403
        assert client.get("/api/v8/me", headers=basic(new, "api_token")).json()["data"]["api_token"] == new
        assert client.get("/api/v8/me", headers={"Cookie": f"{COOKIE}={session}"}).status_code == 200
        db.expire_all()
        assert db.get_one(User, user.id).api_token == new

    def test_works_with_cookie_and_ignores_body(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        session = login(client, user)
        r = client.post("/api/v8/reset_token", headers={"Cookie": f"{COOKIE}={session}"}, content=b"{oops")
        assert r.status_code == 200 and r.json() != user.api_token

    def test_requires_authentication(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = client.post("/api/v8/reset_token", headers=basic(user.email, "wrong"))
        assert (r.status_code, r.json()) == FAIL
        db.expire_all()
        assert db.get_one(User, user.id).api_token == user.api_token


def signup(client: TestClient, fields: Any, **kw: Any) -> Any:
    return client.post("/api/v8/signups", json={"user": fields}, **kw)


def user_count(db: Session) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(User)) or 0


class TestSignup:
    def test_creates_user_with_defaults_and_personal_workspace(self, client: TestClient, db: Session) -> None:
        r = signup(client, {"email": "ines.rocha@example.org", "password": "correct-horse-9",
                            "timezone": "Europe/Lisbon", "created_with": "punchclock-cli 0.3"})
        assert r.status_code == 200
        data = r.json()["data"]
        assert "since" not in r.json()
        user = db.scalars(select(User)).one()
        ws = db.scalars(select(Workspace)).one()
        member = db.scalars(select(WorkspaceMember)).one()
        created = datetime.fromisoformat(data.pop("created_at"))
        changed = datetime.fromisoformat(data.pop("at"))
        assert data == {
            "id": user.id, "api_token": user.api_token, "default_wid": ws.id, "email": "ines.rocha@example.org",
            "fullname": "Ines Rocha", "jquery_timeofday_format": "H:i", "jquery_date_format": "Y-m-d",
            "timeofday_format": "H:mm", "date_format": "YYYY-MM-DD", "store_start_and_stop_time": True,
            "beginning_of_week": 1, "language": "en_US", "image_url": "http://testserver/avatars/IR-47.svg",
            "sidebar_piechart": False, "retention": 9, "record_timeline": False, "render_timeline": False,
            "timeline_enabled": False, "timeline_experiment": False, "should_upgrade": False,
            "new_blog_post": {}, "invitation": {}, "send_product_emails": True, "send_weekly_report": True,
            "send_timer_notifications": True, "openid_enabled": False, "timezone": "Europe/Lisbon",
            "duration_format": "improved",
        }
        assert re.fullmatch(r"[0-9a-f]{32}", user.api_token)
        assert created == user.created_at and changed == user.updated_at
        lisbon = ZoneInfo("Europe/Lisbon").utcoffset(user.created_at.replace(tzinfo=None))
        assert created.utcoffset() == lisbon
        assert (ws.name, ws.premium, ws.default_currency) == ("Ines Rocha's workspace", True, "USD")
        assert (member.user_id, member.workspace_id, member.admin, member.active) == (user.id, ws.id, True, True)
        assert security.verify_password(user.password_hash, "correct-horse-9")
        assert client.get("/api/v8/me", headers=basic("ines.rocha@example.org", "correct-horse-9")).status_code == 200
        assert client.get("/api/v8/me", headers=basic(user.api_token, "api_token")).status_code == 200

    def test_minimal_body_defaults_timezone_and_derives_fullname(self, client: TestClient, db: Session) -> None:
        r = signup(client, {"email": "test_user-name@example.org", "password": "secret1"})
        data = r.json()["data"]
        assert (data["fullname"], data["timezone"], data["at"][-6:]) == ("Test User Name", "Etc/UTC", "+00:00")

    def test_explicit_fullname_names_the_workspace(self, client: TestClient, db: Session) -> None:
        r = signup(client, {"email": "x@example.org", "password": "secret1", "fullname": " Lea Brandt "})
        assert r.json()["data"]["fullname"] == "Lea Brandt"
        assert db.scalars(select(Workspace.name)).one() == "Lea Brandt's workspace"

    def test_no_authentication_needed_and_bad_header_ignored(self, client: TestClient, db: Session) -> None:
        r = signup(client, {"email": "x@example.org", "password": "secret1"}, headers=basic("a", "b"))
        assert r.status_code == 200

    @pytest.mark.parametrize("fields, messages", [
        ({"password": "secret1"}, ["Email can't be blank"]),
        ({"email": "x@example.org"}, ["Password can't be blank"]),
        ({}, ["Email can't be blank", "Password can't be blank"]),
        ({"email": "nope", "password": "secret1"}, ["Invalid e-mail"]),
        ({"email": "x@example.org", "password": "12345"}, ["Password should be at least 6 characters"]),
        ({"email": "x@example.org", "password": "secret1", "timezone": "Atlantis/Capital"}, ["Invalid timezone"]),
        ({"email": "x@example.org", "password": "secret1", "fullname": "x" * 101},
         ["Fullname is too long (maximum 100 characters)"]),
        ({"email": 5, "password": "secret1"}, ["Invalid email"]),
        ({"email": "x@example.org", "password": 123456}, ["Invalid password"]),
    ])
    def test_validation_failures_create_nothing(self, client: TestClient, db: Session, fields: dict[str, Any],
                                                messages: list[str]) -> None:
        r = signup(client, fields)
        assert (r.status_code, r.json()) == (404, messages)
        assert user_count(db) == 0
        assert db.scalar(select(func.count()).select_from(Workspace)) == 0

    def test_registered_email_is_taken_case_insensitively(self, client: TestClient, db: Session) -> None:
        make_user(db, email="ines@example.org")
        r = signup(client, {"email": "INES@example.org", "password": "secret1"})
        assert (r.status_code, r.json()) == (404, ["User with this email already exists"])
        assert user_count(db) == 1

    def test_missing_wrapper_and_malformed_json(self, client: TestClient, db: Session) -> None:
        r = client.post("/api/v8/signups", json={"email": "x@example.org", "password": "secret1"})
        assert (r.status_code, r.json()) == (404, ["user can't be blank"])
        r = client.post("/api/v8/signups", content=b"")
        assert (r.status_code, r.json()) == (404, ["user can't be blank"])
        r = client.post("/api/v8/signups", content=b'{"user": ')
        assert (r.status_code, r.json()) == (400, ["Invalid JSON"])
        assert user_count(db) == 0

    def test_placeholder_account_from_invitation_is_completed(self, client: TestClient, db: Session) -> None:
        admin = make_user(db)
        team = make_workspace(db, admin=admin, name="Team")
        invited = User(email="lea.brandt@example.org", api_token=security.new_api_token(), password_hash=None)
        db.add(invited)
        db.commit()
        add_member(db, team, invited, active=False)
        r = signup(client, {"email": "Lea.Brandt@example.org", "password": "secret1", "timezone": "Europe/Berlin"})
        assert r.status_code == 200
        data = r.json()["data"]
        assert (data["id"], data["fullname"], data["timezone"]) == (invited.id, "Lea Brandt", "Europe/Berlin")
        db.expire_all()
        memberships = {m.workspace_id: m.active for m in db.scalars(
            select(WorkspaceMember).where(WorkspaceMember.user_id == invited.id))}
        assert memberships == {team.id: False, data["default_wid"]: True}
        assert db.get_one(Workspace, data["default_wid"]).name == "Lea Brandt's workspace"
        assert client.get("/api/v8/me", headers=basic("lea.brandt@example.org", "secret1")).status_code == 200
        again = signup(client, {"email": "lea.brandt@example.org", "password": "secret2"})
        assert (again.status_code, again.json()) == (404, ["User with this email already exists"])


@pytest.fixture
def closed_client(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings.model_copy(update={"signup_enabled": False}))
    with TestClient(app) as c:
        yield c
    app.state.engine.dispose()


@pytest.fixture
def limited_client(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings.model_copy(update={"rate_limit": True, "v8_burst": 2, "v8_rate_per_second": 0.01}))
    with TestClient(app) as c:
        yield c
    app.state.engine.dispose()


class TestSignupConfiguration:
    def test_disabled_signup_is_403(self, closed_client: TestClient, db: Session) -> None:
        r = signup(closed_client, {"email": "x@example.org", "password": "secret1"})
        assert (r.status_code, r.json()) == (403, ["Sign-up is disabled"])
        assert user_count(db) == 0

    def test_signups_charge_the_anonymous_ip_bucket(self, limited_client: TestClient, db: Session) -> None:
        first = signup(limited_client, {"email": "a@example.org", "password": "secret1"})
        second = signup(limited_client, {"email": "b@example.org", "password": "short"})
        third = signup(limited_client, {"email": "c@example.org", "password": "secret1"})
        assert (first.status_code, second.status_code) == (200, 404)
        assert (third.status_code, third.json()) == (429, ["Too many requests, slow down"])
        assert 1 <= int(third.headers["retry-after"]) <= 100
        assert user_count(db) == 1
        # A failed login from the same IP shares that bucket; a good token has its own.
        assert limited_client.get("/api/v8/me", headers=basic("a@example.org", "nope1")).status_code == 429
        token = db.scalars(select(User.api_token)).one()
        assert limited_client.get("/api/v8/me", headers=basic(token, "api_token")).status_code == 200
