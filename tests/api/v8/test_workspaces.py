"""Workspaces: list, get, update, users list (20-workspaces §1-§4, §5.1)."""

from __future__ import annotations

import time
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from punchclock.models import User, Workspace
from tests.factories import add_member, at, basic, make_user, make_workspace, token_auth


def snapshot(db: Session, wid: int) -> dict[str, Any]:
    db.expire_all()
    ws = db.get_one(Workspace, wid)
    return {c.name: getattr(ws, c.key) for c in Workspace.__table__.columns}


def put_ws(client: TestClient, user: User, wid: int, fields: Any) -> Any:
    return client.put(f"/api/v8/workspaces/{wid}", headers=token_auth(user), json={"workspace": fields})


class TestListWorkspaces:
    def test_admin_and_member_views_ordered_by_id(self, client: TestClient, db: Session) -> None:
        me, boss = make_user(db, fullname="Mara Quint"), make_user(db)
        coop = make_workspace(db, admin=boss, name="Harbour Co-op", premium=False, default_currency="EUR",
                              default_hourly_rate=Decimal("35"), only_admins_may_create_projects=True,
                              only_admins_see_billable_rates=True, projects_billable_by_default=False,
                              rounding=0, logo_url="https://punchclock.example.org/logos/coop.png",
                              updated_at=at("2023-06-11T14:20:00Z"))
        add_member(db, coop, me)
        own = db.get_one(Workspace, me.default_workspace_id)
        own.default_hourly_rate = Decimal("80")
        own.rounding_minutes = 15
        own.updated_at = at("2023-09-01T10:00:00Z")
        db.commit()
        r = client.get("/api/v8/workspaces", headers=token_auth(me))
        assert r.status_code == 200
        assert r.json() == [
            {"id": own.id, "name": "Mara Quint's workspace", "premium": True, "admin": True,
             "default_hourly_rate": 80, "default_currency": "USD", "only_admins_may_create_projects": False,
             "only_admins_see_billable_rates": False, "only_admins_see_team_dashboard": False,
             "projects_billable_by_default": True, "rounding": 1, "rounding_minutes": 15,
             "at": "2023-09-01T10:00:00+00:00", "api_token": own.api_token, "ical_enabled": False},
            {"id": coop.id, "name": "Harbour Co-op", "premium": False, "admin": False,
             "default_currency": "EUR", "only_admins_may_create_projects": True,
             "only_admins_see_billable_rates": True, "only_admins_see_team_dashboard": False,
             "projects_billable_by_default": False, "rounding": 0, "rounding_minutes": 0,
             "at": "2023-06-11T14:20:00+00:00", "logo_url": "https://punchclock.example.org/logos/coop.png",
             "ical_enabled": False},
        ]
        assert coop.id > own.id

    def test_member_sees_rate_when_not_hidden(self, client: TestClient, db: Session) -> None:
        me, boss = make_user(db), make_user(db)
        ws = make_workspace(db, admin=boss, default_hourly_rate=Decimal("12.50"))
        add_member(db, ws, me)
        [_, item] = client.get("/api/v8/workspaces", headers=token_auth(me)).json()
        assert (item["default_hourly_rate"], item["admin"], "api_token" in item) == (12.5, False, False)

    def test_pending_and_foreign_workspaces_are_not_listed(self, client: TestClient, db: Session) -> None:
        me, boss = make_user(db), make_user(db)
        pending = make_workspace(db, admin=boss, name="Invited")
        add_member(db, pending, me, active=False)
        ids = [w["id"] for w in client.get("/api/v8/workspaces", headers=token_auth(me)).json()]
        assert ids == [me.default_workspace_id]

    def test_no_memberships_is_empty_array(self, client: TestClient, db: Session) -> None:
        me = make_user(db)
        db.delete(db.get_one(Workspace, me.default_workspace_id))
        db.commit()
        r = client.get("/api/v8/workspaces", headers=token_auth(me))
        assert (r.status_code, r.json()) == (200, [])

    def test_timestamps_in_the_callers_zone(self, client: TestClient, db: Session) -> None:
        me = make_user(db, timezone="Europe/Helsinki")
        ws = db.get_one(Workspace, me.default_workspace_id)
        ws.updated_at = at("2023-01-10T08:00:00Z")
        db.commit()
        assert client.get("/api/v8/workspaces", headers=token_auth(me)).json()[0]["at"] == "2023-01-10T10:00:00+02:00"

    def test_requires_authentication(self, client: TestClient, db: Session) -> None:
        me = make_user(db)
        r = client.get("/api/v8/workspaces", headers=basic(me.email, "wrong"))
        assert (r.status_code, r.json()) == (403, ["Incorrect username and/or password"])


class TestGetWorkspace:
    def test_member_reads_one_workspace(self, client: TestClient, db: Session) -> None:
        me = make_user(db, timezone="Europe/Helsinki")
        ws = make_workspace(db, admin=me, name="Quint Studio", updated_at=at("2023-09-01T10:00:00Z"))
        r = client.get(f"/api/v8/workspaces/{ws.id}", headers=token_auth(me))
        assert r.status_code == 200
        assert r.json() == {"data": {
            "id": ws.id, "name": "Quint Studio", "premium": True, "admin": True, "default_hourly_rate": 0,
            "default_currency": "USD", "only_admins_may_create_projects": False,
            "only_admins_see_billable_rates": False, "only_admins_see_team_dashboard": False,
            "projects_billable_by_default": True, "rounding": 1, "rounding_minutes": 0,
            "at": "2023-09-01T13:00:00+03:00", "api_token": ws.api_token, "ical_enabled": False}}

    def test_non_member_pending_and_unknown_are_404(self, client: TestClient, db: Session) -> None:
        me, other = make_user(db), make_user(db)
        pending = make_workspace(db, admin=other)
        add_member(db, pending, me, active=False)
        for wid in (other.default_workspace_id, pending.id, 99999):
            r = client.get(f"/api/v8/workspaces/{wid}", headers=token_auth(me))
            assert (r.status_code, r.json()) == (404, ["Workspace not found"])

    @pytest.mark.parametrize("segment", ["1,2", "abc", "0", "-1", "99999999999999999999999"])
    def test_bad_ids_are_400(self, client: TestClient, db: Session, segment: str) -> None:
        me = make_user(db)
        r = client.get(f"/api/v8/workspaces/{segment}", headers=token_auth(me))
        assert r.status_code == 400


class TestUpdateWorkspace:
    def test_admin_updates_every_writable_field(self, client: TestClient, db: Session) -> None:
        me = make_user(db)
        ws = make_workspace(db, admin=me, name="Quint Studio", updated_at=at("2023-01-01T00:00:00Z"))
        r = put_ws(client, me, ws.id, {
            "name": " Quint Studio GmbH ", "default_currency": "CHF", "default_hourly_rate": 95.125,
            "rounding": 0, "rounding_minutes": 6, "only_admins_may_create_projects": True,
            "only_admins_see_billable_rates": True, "only_admins_see_team_dashboard": True,
            "projects_billable_by_default": False,
        })
        assert r.status_code == 200
        data = r.json()["data"]
        changed = datetime.fromisoformat(data.pop("at"))
        assert abs(changed.timestamp() - time.time()) < 5
        assert data == {
            "id": ws.id, "name": "Quint Studio GmbH", "premium": True, "admin": True,
            "default_hourly_rate": 95.13, "default_currency": "CHF", "only_admins_may_create_projects": True,
            "only_admins_see_billable_rates": True, "only_admins_see_team_dashboard": True,
            "projects_billable_by_default": False, "rounding": 0, "rounding_minutes": 6,
            "api_token": ws.api_token, "ical_enabled": False,
        }
        stored = snapshot(db, ws.id)
        assert (stored["name"], stored["default_hourly_rate"], stored["default_currency"], stored["rounding"],
                stored["rounding_minutes"]) == ("Quint Studio GmbH", Decimal("95.13"), "CHF", 0, 6)

    def test_read_only_keys_unknown_keys_and_nulls_are_ignored(self, client: TestClient, db: Session) -> None:
        me = make_user(db)
        ws = make_workspace(db, admin=me, name="Keep", default_hourly_rate=Decimal("10"))
        before = snapshot(db, ws.id)
        r = put_ws(client, me, ws.id, {"premium": False, "admin": False, "api_token": "0" * 32, "id": 5,
                                       "logo_url": "https://x/y.png", "at": "2001-01-01T00:00:00Z",
                                       "name": None, "rounding": None, "default_hourly_rate": None,
                                       "only_admins_see_billable_rates": None, "guid": "x"})
        assert r.status_code == 200
        data = r.json()["data"]
        assert (data["premium"], data["admin"], data["api_token"], data["name"]) == (True, True, ws.api_token, "Keep")
        assert "logo_url" not in data
        after = snapshot(db, ws.id)
        after.pop("updated_at"), before.pop("updated_at")
        assert after == before

    @pytest.mark.parametrize("rounding_minutes", [0, 1, 5, 6, 10, 12, 15, 30, 60, 240])
    def test_every_allowed_rounding_step(self, client: TestClient, db: Session, rounding_minutes: int) -> None:
        me = make_user(db)
        r = put_ws(client, me, me.default_workspace_id, {"rounding_minutes": rounding_minutes, "rounding": -1})
        assert (r.json()["data"]["rounding_minutes"], r.json()["data"]["rounding"]) == (rounding_minutes, -1)

    @pytest.mark.parametrize("fields, message", [
        ({"name": "  "}, "Name can't be blank"),
        ({"name": "x" * 141}, "Name is too long (maximum 140 characters)"),
        ({"default_hourly_rate": -1}, "Default hourly rate can't be negative"),
        ({"default_hourly_rate": 10**12}, "Default hourly rate is too large"),
        ({"default_currency": "eur"}, "Invalid currency"),
        ({"default_currency": "EURO"}, "Invalid currency"),
        ({"rounding": 2}, "Rounding must be -1, 0 or 1"),
        ({"rounding_minutes": 7}, "Rounding minutes must be one of 0, 1, 5, 6, 10, 12, 15, 30, 60, 240"),
        ({"rounding": "1"}, "Invalid rounding"),
        ({"rounding_minutes": True}, "Invalid rounding_minutes"),
        ({"only_admins_see_billable_rates": "true"}, "Invalid only_admins_see_billable_rates"),
        ({"default_hourly_rate": "lots"}, "Invalid default_hourly_rate"),
        ({"name": 42}, "Invalid name"),
    ])
    def test_invalid_values_are_404_and_write_nothing(self, client: TestClient, db: Session,
                                                       fields: dict[str, Any], message: str) -> None:
        me = make_user(db)
        wid = me.default_workspace_id
        before = snapshot(db, wid)
        r = put_ws(client, me, wid, {"rounding_minutes": 15, **fields})
        assert (r.status_code, r.json()) == (404, [message])
        assert snapshot(db, wid) == before

    def test_several_failures_at_once(self, client: TestClient, db: Session) -> None:
        me = make_user(db)
        r = put_ws(client, me, me.default_workspace_id, {"name": "", "default_currency": "x", "rounding": 5})
        assert (r.status_code, r.json()) == (404, ["Name can't be blank", "Invalid currency",
                                                   "Rounding must be -1, 0 or 1"])

    def test_rate_not_stored_on_non_premium_workspace(self, client: TestClient, db: Session) -> None:
        me = make_user(db)
        ws = make_workspace(db, admin=me, premium=False, default_hourly_rate=Decimal("20"))
        r = put_ws(client, me, ws.id, {"default_hourly_rate": 95, "default_currency": "EUR"})
        assert r.status_code == 200
        assert (r.json()["data"]["default_hourly_rate"], r.json()["data"]["default_currency"]) == (20, "EUR")
        assert snapshot(db, ws.id)["default_hourly_rate"] == Decimal("20.00")

    def test_non_admin_is_403_and_nothing_changes(self, client: TestClient, db: Session) -> None:
        boss, me = make_user(db), make_user(db)
        ws = make_workspace(db, admin=boss, name="Boss")
        add_member(db, ws, me)
        before = snapshot(db, ws.id)
        r = put_ws(client, me, ws.id, {"name": "Mine now", "rounding": 9})
        assert (r.status_code, r.json()) == (403, ["Only workspace admins can do this"])
        assert snapshot(db, ws.id) == before

    def test_non_member_pending_and_unknown_are_404(self, client: TestClient, db: Session) -> None:
        me, other = make_user(db), make_user(db)
        pending = make_workspace(db, admin=other)
        add_member(db, pending, me, admin=True, active=False)
        for wid in (other.default_workspace_id, pending.id, 99999):
            before = snapshot(db, wid) if wid != 99999 else None
            r = put_ws(client, me, wid, {"name": "Taken over"})
            assert (r.status_code, r.json()) == (404, ["Workspace not found"])
            if before is not None:
                assert snapshot(db, wid) == before

    def test_bad_bodies_and_ids(self, client: TestClient, db: Session) -> None:
        me = make_user(db)
        wid = me.default_workspace_id
        url = f"/api/v8/workspaces/{wid}"
        r = client.put(url, headers=token_auth(me), json={"name": "X"})
        assert (r.status_code, r.json()) == (404, ["workspace can't be blank"])
        r = client.put(url, headers=token_auth(me), content=b"")
        assert (r.status_code, r.json()) == (404, ["workspace can't be blank"])
        r = client.put(url, headers=token_auth(me), content=b'{"workspace": {"name": ')
        assert (r.status_code, r.json()) == (400, ["Invalid JSON"])
        r = client.put("/api/v8/workspaces/99999999999999999999999", headers=token_auth(me),
                       json={"workspace": {"name": "X"}})
        assert (r.status_code, r.json()) == (400, ["Invalid id"])
        r = client.put(f"/api/v8/workspaces/{wid},{wid}", headers=token_auth(me), json={"workspace": {"name": "X"}})
        assert r.status_code == 400
        assert snapshot(db, wid)["name"] == f"{me.fullname}'s workspace"


class TestWorkspaceUsers:
    def test_admin_lists_active_and_pending_users_without_tokens(self, client: TestClient, db: Session) -> None:
        admin = make_user(db, email="mara@example.org", fullname="Mara Quint", timezone="Europe/Helsinki",
                          created_at=at("2023-01-15T09:00:00Z"), updated_at=at("2023-07-01T12:00:00Z"))
        ws = make_workspace(db, admin=admin, name="Studio")
        member = make_user(db, email="lea@example.org", fullname="Lea Brandt", date_format="MM/DD/YYYY",
                           timeofday_format="h:mm A", beginning_of_week=0, created_at=at("2023-02-01T00:00:00Z"),
                           updated_at=at("2023-02-01T00:00:00Z"))
        add_member(db, ws, member)
        member.default_workspace_id = ws.id
        member.updated_at = at("2023-03-01T00:00:00Z")
        db.commit()
        pending = make_user(db, email="ola@example.org", fullname="Ola Berg")
        add_member(db, ws, pending, active=False)
        make_user(db, email="stranger@example.org")
        r = client.get(f"/api/v8/workspaces/{ws.id}/users", headers=token_auth(admin))
        assert r.status_code == 200
        items = r.json()
        assert [u["id"] for u in items] == [admin.id, member.id, pending.id]
        assert items[1] == {
            "id": member.id, "default_wid": ws.id, "email": "lea@example.org", "fullname": "Lea Brandt",
            "jquery_timeofday_format": "h:i A", "jquery_date_format": "m/d/Y", "timeofday_format": "h:mm A",
            "date_format": "MM/DD/YYYY", "store_start_and_stop_time": True, "beginning_of_week": 0,
            "language": "en_US", "image_url": "http://testserver/avatars/LB-94.svg",
            "sidebar_piechart": False, "at": "2023-03-01T02:00:00+02:00", "created_at": "2023-02-01T02:00:00+02:00",
            "retention": 9,
            "record_timeline": False, "render_timeline": False, "timeline_enabled": False,
            "timeline_experiment": False, "should_upgrade": False, "new_blog_post": {}, "invitation": {},
            "timezone": "Etc/UTC",
        }
        # default_wid only where this workspace is the user's default; never a token.
        assert "default_wid" not in items[0] and "default_wid" not in items[2]
        assert all("api_token" not in u and "send_weekly_report" not in u for u in items)
        assert items[0]["created_at"] == "2023-01-15T11:00:00+02:00"

    def test_non_admin_is_403_and_outsiders_404(self, client: TestClient, db: Session) -> None:
        admin, member, outsider = make_user(db), make_user(db), make_user(db)
        ws = make_workspace(db, admin=admin)
        add_member(db, ws, member)
        r = client.get(f"/api/v8/workspaces/{ws.id}/users", headers=token_auth(member))
        assert (r.status_code, r.json()) == (403, ["Only workspace admins can do this"])
        r = client.get(f"/api/v8/workspaces/{ws.id}/users", headers=token_auth(outsider))
        assert (r.status_code, r.json()) == (404, ["Workspace not found"])
        r = client.get("/api/v8/workspaces/1,2/users", headers=token_auth(admin))
        assert r.status_code == 400

    def test_pending_admin_cannot_list(self, client: TestClient, db: Session) -> None:
        admin, invited = make_user(db), make_user(db)
        ws = make_workspace(db, admin=admin)
        add_member(db, ws, invited, admin=True, active=False)
        r = client.get(f"/api/v8/workspaces/{ws.id}/users", headers=token_auth(invited))
        assert (r.status_code, r.json()) == (404, ["Workspace not found"])
