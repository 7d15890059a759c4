"""API v9 GET/POST /me/preferences and GET /me/features (20-me-and-users §6, §7)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from punchclock.models import User, Workspace, WorkspaceMember
from tests.api.v9.documented import documented
from tests.factories import add_member, make_user, make_workspace, token_auth


def stored(db: Session, user: User) -> User:
    db.expire_all()
    return db.get_one(User, user.id)


class TestPreferences:
    def test_object_with_both_week_spellings(self, client: TestClient, db: Session) -> None:
        user = make_user(db, timezone="Europe/Berlin", date_format="DD.MM.YYYY", timeofday_format="h:mm A",
                         duration_format="decimal", beginning_of_week=0, send_product_emails=False,
                         send_weekly_report=True, send_timer_notifications=False)
        r = client.get("/api/v9/me/preferences", headers=token_auth(user))
        assert documented(client).check("GET", "/me/preferences", r) == {
            "date_format": "DD.MM.YYYY",
            "timeofday_format": "h:mm A",
            "duration_format": "decimal",
            "BeginningOfWeek": 0,
            "beginningOfWeek": 0,
            "pg_time_zone_name": "Europe/Berlin",
            "record_timeline": False,
            "send_product_emails": False,
            "send_weekly_report": True,
            "send_timer_notifications": False,
            "alpha_features": [],
        }

    def test_post_changes_the_honoured_keys_and_answers_empty(self, client: TestClient, db: Session) -> None:
        user = make_user(db, fullname="Mara Quint")
        r = client.post("/api/v9/me/preferences", headers=token_auth(user), json={
            "date_format": "MM/DD/YYYY", "timeofday_format": "h:mm A", "duration_format": "classic",
            "send_product_emails": False, "send_weekly_report": False, "send_timer_notifications": False,
            "BeginningOfWeek": 4, "fullname": "Not Honoured", "record_timeline": True})
        assert documented(client).check("POST", "/me/preferences", r) is None
        assert r.content == b""
        u = stored(db, user)
        assert (u.date_format, u.timeofday_format, u.duration_format, u.send_product_emails, u.send_weekly_report,
                u.send_timer_notifications, u.beginning_of_week, u.fullname) == (
            "MM/DD/YYYY", "h:mm A", "classic", False, False, False, 4, "Mara Quint")
        r = client.get("/api/v9/me/preferences", headers=token_auth(user))
        body = documented(client).check("GET", "/me/preferences", r)
        assert (body["BeginningOfWeek"], body["beginningOfWeek"], body["record_timeline"]) == (4, 4, False)

    def test_camel_case_spelling_wins_over_the_capitalised_one(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = client.post("/api/v9/me/preferences", headers=token_auth(user),
                        json={"beginningOfWeek": 6, "BeginningOfWeek": 2})
        assert r.status_code == 200
        assert stored(db, user).beginning_of_week == 6

    def test_empty_body_changes_nothing(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        before = client.get("/api/v9/me/preferences", headers=token_auth(user)).json()
        r = client.post("/api/v9/me/preferences", headers=token_auth(user))
        assert (r.status_code, r.content) == (200, b"")
        assert client.get("/api/v9/me/preferences", headers=token_auth(user)).json() == before

    @pytest.mark.parametrize(("fields", "message"), [
        ({"timeofday_format": "HH:mm"}, "Invalid time of day format"),
        ({"date_format": "YY-MM-DD"}, "Invalid date format"),
        ({"duration_format": "fancy"}, "Invalid duration format"),
        ({"beginningOfWeek": 9}, "Beginning of week must be between 0 and 6"),
        ({"BeginningOfWeek": -1}, "Beginning of week must be between 0 and 6"),
        ({"send_weekly_report": "yes"}, "Invalid send_weekly_report"),
        ({"beginningOfWeek": "1"}, "Invalid beginningOfWeek"),
    ])
    def test_invalid_values_are_400_and_write_nothing(self, client: TestClient, db: Session,
                                                      fields: dict[str, Any], message: str) -> None:
        user = make_user(db)
        r = client.post("/api/v9/me/preferences", headers=token_auth(user),
                        json={"date_format": "MM/DD/YYYY", **fields})
        assert (r.status_code, r.json()) == (400, message)
        u = stored(db, user)
        assert (u.date_format, u.beginning_of_week, u.send_weekly_report) == ("YYYY-MM-DD", 1, True)

    def test_client_specific_preferences_are_out_of_scope(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = client.get("/api/v9/me/preferences/web", headers=token_auth(user))
        assert (r.status_code, r.json()) == (404, "Not found")

    def test_requires_authentication(self, client: TestClient) -> None:
        for method in ("GET", "POST"):
            r = client.request(method, "/api/v9/me/preferences")
            assert (r.status_code, r.json()) == (403, "Incorrect username and/or password")


def features(premium: bool) -> list[dict[str, Any]]:
    names = ["tasks", "billable_rates", "project_dashboard", "time_estimates", "webhooks", "groups"]
    return [{"feature_id": i, "name": name, "enabled": premium or i > 4} for i, name in enumerate(names, 1)]


class TestFeatures:
    def test_one_element_per_active_workspace_by_id(self, client: TestClient, db: Session) -> None:
        owner = make_user(db)
        user = make_user(db)
        db.get_one(Workspace, user.default_workspace_id).premium = False
        db.commit()
        premium = make_workspace(db, admin=owner, name="Paid", premium=True)
        left = make_workspace(db, admin=owner, name="Left", premium=True)
        add_member(db, premium, user)
        add_member(db, left, user, active=False)
        r = client.get("/api/v9/me/features", headers=token_auth(user))
        assert documented(client).check("GET", "/me/features", r) == [
            {"workspace_id": user.default_workspace_id, "features": features(False)},
            {"workspace_id": premium.id, "features": features(True)},
        ]

    def test_no_active_workspace_is_an_empty_list(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        for m in db.query(WorkspaceMember).filter_by(user_id=user.id):
            m.active = False
        db.commit()
        r = client.get("/api/v9/me/features", headers=token_auth(user))
        assert documented(client).check("GET", "/me/features", r) == []
