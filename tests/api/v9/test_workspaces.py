"""API v9 workspaces (30- §3, §1.2 new workspaces of an organization): object, lists, settings, admins."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from punchclock.models import Organization, Workspace, WorkspaceMember
from tests.api.v9.documented import documented
from tests.factories import add_invitation, add_member, make_project, make_team, make_user, token_auth

V9 = "/api/v9"


def _utc(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds")


def expected(ws: Workspace, *, admin: bool, rate: Any) -> dict[str, Any]:
    """The whole object of 30- §3.1, in order."""
    return {
        "id": ws.id, "name": ws.name, "organization_id": ws.organization_id, "premium": ws.premium,
        "business_ws": ws.premium, "admin": admin, "role": "admin" if admin else "user",
        "default_currency": ws.default_currency, "rounding": ws.rounding, "rounding_minutes": ws.rounding_minutes,
        "only_admins_may_create_projects": ws.only_admins_may_create_projects,
        "only_admins_see_team_dashboard": ws.only_admins_see_team_dashboard,
        "projects_billable_by_default": ws.projects_billable_by_default, "default_hourly_rate": rate,
        "only_admins_may_create_tags": ws.only_admins_may_create_tags,
        "projects_private_by_default": ws.projects_private_by_default,
        "only_admins_see_billable_rates": ws.only_admins_see_billable_rates, "logo_url": ws.logo_url or "",
        "reports_collapse": True, "projects_enforce_billable": False, "limit_public_project_data": False,
        "hide_start_end_times": False, "ical_enabled": False, "disable_approvals": False, "disable_expenses": False,
        "disable_timesheet_view": False, "ical_url": None, "csv_upload": None, "rate_last_updated": None,
        "suspended_at": None, "server_deleted_at": None, "working_hours_in_minutes": None,
        "max_data_retention_days": None, "te_constraints": None, "subscription": None, "api_token": None,
        "permissions": None, "at": _utc(ws.updated_at), "last_modified": _utc(ws.updated_at),
    }


class TestGetWorkspace:
    def test_admin_sees_every_key_in_order(self, client: TestClient, db: Session) -> None:
        team = make_team(db, name="Acme", default_hourly_rate=Decimal("50"), logo_url="https://x.example/l.png")
        r = client.get(f"{V9}/workspaces/{team.ws.id}", headers=token_auth(team.admin))
        body = documented(client).check("GET", "/workspaces/{workspace_id}", r)
        db.refresh(team.ws)
        assert body == expected(team.ws, admin=True, rate=50)
        assert list(body) == list(expected(team.ws, admin=True, rate=50))
        assert body["default_hourly_rate"] == 50 and isinstance(body["default_hourly_rate"], int)
        assert body["logo_url"] == "https://x.example/l.png"
        assert body["premium"] is True and body["projects_private_by_default"] is True

    def test_member_with_hidden_rates_gets_null_rate(self, client: TestClient, db: Session) -> None:
        team = make_team(db, default_hourly_rate=Decimal("12.5"), only_admins_see_billable_rates=True)
        r = client.get(f"{V9}/workspaces/{team.ws.id}", headers=token_auth(team.member))
        body = documented(client).check("GET", "/workspaces/{workspace_id}", r)
        db.refresh(team.ws)
        assert body == expected(team.ws, admin=False, rate=None)
        assert body["logo_url"] == ""
        r = client.get(f"{V9}/workspaces/{team.ws.id}", headers=token_auth(team.admin))
        assert r.json()["default_hourly_rate"] == 12.5

    def test_member_sees_rate_when_not_hidden(self, client: TestClient, db: Session) -> None:
        team = make_team(db, default_hourly_rate=Decimal("12.5"))
        r = client.get(f"{V9}/workspaces/{team.ws.id}", headers=token_auth(team.member))
        assert documented(client).check("GET", "/workspaces/{workspace_id}", r)["default_hourly_rate"] == 12.5

    def test_outsider_and_unknown_workspace_are_403(self, client: TestClient, db: Session) -> None:
        team = make_team(db)
        for wid in (team.ws.id, 999999):
            r = client.get(f"{V9}/workspaces/{wid}", headers=token_auth(team.outsider))
            assert (r.status_code, r.json()) == (403, "Workspace not found/accessible")
        r = client.get(f"{V9}/workspaces/abc", headers=token_auth(team.admin))
        assert r.status_code == 400

    def test_pending_invitee_is_not_a_member(self, client: TestClient, db: Session) -> None:
        team = make_team(db)
        add_invitation(db, team.ws, team.outsider)
        r = client.get(f"{V9}/workspaces/{team.ws.id}", headers=token_auth(team.outsider))
        assert (r.status_code, r.json()) == (403, "Workspace not found/accessible")


class TestMyWorkspaces:
    def test_lists_with_active_project_count(self, client: TestClient, db: Session) -> None:
        team = make_team(db, name="Acme")  # project P is active
        make_project(db, workspace_id=team.ws.id, name="Q", is_private=True)  # counted although invisible
        make_project(db, workspace_id=team.ws.id, name="Old", active=False)
        make_project(db, workspace_id=team.ws.id, name="Gone", deleted_at=datetime.now(UTC))
        own = db.get_one(Workspace, team.member.default_workspace_id)
        for path in ("/me/workspaces", "/workspaces"):
            r = client.get(V9 + path, headers=token_auth(team.member))
            body = documented(client).check("GET", path, r)
            db.refresh(team.ws)
            db.refresh(own)
            assert body == [
                {**expected(own, admin=True, rate=0), "active_project_count": 0},
                {**expected(team.ws, admin=False, rate=0), "active_project_count": 2},
            ]

    def test_since_keeps_later_changes(self, client: TestClient, db: Session) -> None:
        team = make_team(db)
        own = db.get_one(Workspace, team.admin.default_workspace_id)
        own.updated_at = datetime(2024, 1, 1, tzinfo=UTC)
        team.ws.updated_at = datetime(2024, 3, 1, tzinfo=UTC)
        db.commit()
        since = int(datetime(2024, 2, 1, tzinfo=UTC).timestamp())
        for path in ("/me/workspaces", "/workspaces"):
            r = client.get(f"{V9}{path}?since={since}", headers=token_auth(team.admin))
            assert [w["id"] for w in documented(client).check("GET", path, r)] == [team.ws.id]
            r = client.get(f"{V9}{path}?since=x", headers=token_auth(team.admin))
            assert (r.status_code, r.json()) == (400, "Invalid since")

    def test_no_credentials_is_403(self, client: TestClient) -> None:
        r = client.get(f"{V9}/me/workspaces")
        assert (r.status_code, r.json()) == (403, "Incorrect username and/or password")


class TestUpdateWorkspace:
    def test_settings_and_new_columns(self, client: TestClient, db: Session) -> None:
        team = make_team(db)
        body = {"name": " Renamed ", "default_currency": "EUR", "default_hourly_rate": 75,
                "only_admins_may_create_projects": True, "only_admins_may_create_tags": True,
                "only_admins_see_billable_rates": True, "only_admins_see_team_dashboard": True,
                "projects_billable_by_default": False, "projects_private_by_default": False,
                "rounding": -1, "rounding_minutes": 15,
                "rate_change_mode": "start-today", "reports_collapse": False, "projects_enforce_billable": True,
                "limit_public_project_data": True, "initial_pricing_plan": 3, "premium": False, "id": 5}
        r = client.put(f"{V9}/workspaces/{team.ws.id}", json=body, headers=token_auth(team.admin))
        out = documented(client).check("PUT", "/workspaces/{workspace_id}", r)
        db.refresh(team.ws)
        assert out == expected(team.ws, admin=True, rate=75)
        assert (team.ws.name, team.ws.default_currency, team.ws.default_hourly_rate) == ("Renamed", "EUR", Decimal(75))
        assert team.ws.only_admins_may_create_tags is True and team.ws.projects_private_by_default is False
        assert (team.ws.rounding, team.ws.rounding_minutes, team.ws.premium) == (-1, 15, True)
        assert out["reports_collapse"] is True and out["projects_enforce_billable"] is False

    def test_rate_not_stored_on_non_premium(self, client: TestClient, db: Session) -> None:
        team = make_team(db, premium=False, default_hourly_rate=Decimal("10"))
        r = client.put(f"{V9}/workspaces/{team.ws.id}", json={"default_hourly_rate": 99, "name": "Free"},
                       headers=token_auth(team.admin))
        out = documented(client).check("PUT", "/workspaces/{workspace_id}", r)
        assert (out["default_hourly_rate"], out["name"], out["premium"], out["business_ws"]) == (10, "Free", False,
                                                                                                False)

    def test_validation_is_400(self, client: TestClient, db: Session) -> None:
        team = make_team(db)
        cases = [
            ({"rounding": 2}, "Rounding must be -1, 0 or 1"),
            ({"rounding_minutes": 7}, "Rounding minutes must be one of 0, 1, 5, 6, 10, 12, 15, 30, 60, 240"),
            ({"name": "  "}, "Name can't be blank"),
            ({"only_admins_may_create_tags": "true"}, "Invalid only_admins_may_create_tags"),
            ({"rounding": "1"}, "Invalid rounding"),
            ({"admins": "x"}, "Invalid admins"),
        ]
        for body, message in cases:
            r = client.put(f"{V9}/workspaces/{team.ws.id}", json=body, headers=token_auth(team.admin))
            assert (r.status_code, r.json()) == (400, message), body
        r = client.put(f"{V9}/workspaces/{team.ws.id}", content=b"[1]", headers=token_auth(team.admin))
        assert r.status_code == 400
        db.refresh(team.ws)
        assert (team.ws.rounding, team.ws.name) == (1, "Team")

    def test_non_admin_is_403_before_the_body(self, client: TestClient, db: Session) -> None:
        team = make_team(db)
        r = client.put(f"{V9}/workspaces/{team.ws.id}", content=b"{bad", headers=token_auth(team.member))
        assert (r.status_code, r.json()) == (403, "Only workspace admins can do this")
        r = client.put(f"{V9}/workspaces/{team.ws.id}", json={"name": "X"}, headers=token_auth(team.outsider))
        assert (r.status_code, r.json()) == (403, "Workspace not found/accessible")

    def test_admins_replaces_the_admin_set(self, client: TestClient, db: Session) -> None:
        team = make_team(db)
        r = client.put(f"{V9}/workspaces/{team.ws.id}", json={"admins": [team.admin.id, str(team.member.id)]},
                       headers=token_auth(team.admin))
        assert documented(client).check("PUT", "/workspaces/{workspace_id}", r)["admin"] is True
        assert _admins(db, team.ws.id) == {team.admin.id, team.member.id}
        # The caller may hand over: the answer shows their new role.
        r = client.put(f"{V9}/workspaces/{team.ws.id}", json={"admins": [team.manager.id]},
                       headers=token_auth(team.admin))
        out = documented(client).check("PUT", "/workspaces/{workspace_id}", r)
        assert (out["admin"], out["role"]) == (False, "user")
        assert _admins(db, team.ws.id) == {team.manager.id}

    def test_admins_errors(self, client: TestClient, db: Session) -> None:
        team = make_team(db)
        add_invitation(db, team.ws, team.outsider)
        cases = [
            ([team.admin.id, team.outsider.id], f"User {team.outsider.id} is not a member of this workspace"),
            ([999999], "User 999999 is not a member of this workspace"),
            ([], "Workspace needs at least one admin"),
        ]
        for admins, message in cases:
            r = client.put(f"{V9}/workspaces/{team.ws.id}", json={"admins": admins, "name": "Changed"},
                           headers=token_auth(team.admin))
            assert (r.status_code, r.json()) == (400, message)
        assert _admins(db, team.ws.id) == {team.admin.id}
        db.refresh(team.ws)
        assert team.ws.name == "Team"
        r = client.put(f"{V9}/workspaces/{team.ws.id}", json={"admins": None}, headers=token_auth(team.admin))
        assert r.status_code == 200 and _admins(db, team.ws.id) == {team.admin.id}


def _admins(db: Session, wid: int) -> set[int]:
    db.rollback()  # a new snapshot (SQLite WAL keeps the old one inside a transaction)
    db.expire_all()  # and fresh rows (a rollback outside a transaction expires nothing)
    return set(db.scalars(select(WorkspaceMember.user_id).where(
        WorkspaceMember.workspace_id == wid, WorkspaceMember.admin.is_(True), WorkspaceMember.active.is_(True))))


class TestCreateInOrganization:
    def test_org_admin_creates_premium_workspace(self, client: TestClient, db: Session) -> None:
        team = make_team(db)
        oid = team.ws.organization_id
        body = {"name": "Second", "default_currency": "EUR", "rounding_minutes": 5, "admins": [team.member.id],
                "only_admins_may_create_tags": True}
        r = client.post(f"{V9}/organizations/{oid}/workspaces", json=body, headers=token_auth(team.admin))
        out = documented(client).check("POST", "/organizations/{organization_id}/workspaces", r)
        ws = db.get_one(Workspace, out["id"])
        assert out == expected(ws, admin=True, rate=0)
        assert (ws.organization_id, ws.name, ws.premium, ws.default_currency, ws.rounding_minutes) == (
            oid, "Second", True, "EUR", 5)
        assert ws.only_admins_may_create_tags is True
        assert _admins(db, ws.id) == {team.admin.id, team.member.id}
        # The new workspace is the caller's to read at once, and the organization now has two.
        r = client.get(f"{V9}/workspaces/{ws.id}", headers=token_auth(team.member))
        assert documented(client).check("GET", "/workspaces/{workspace_id}", r)["admin"] is True

    def test_rules(self, client: TestClient, db: Session) -> None:
        team = make_team(db)
        oid = team.ws.organization_id
        url = f"{V9}/organizations/{oid}/workspaces"
        r = client.post(url, json={"name": "X"}, headers=token_auth(team.member))
        assert (r.status_code, r.json()) == (403, "Only organization admins can do this")
        r = client.post(url, json={"name": "X"}, headers=token_auth(team.outsider))
        assert (r.status_code, r.json()) == (403, "Organization not found/accessible")
        r = client.post(f"{V9}/organizations/999999/workspaces", json={"name": "X"}, headers=token_auth(team.admin))
        assert (r.status_code, r.json()) == (403, "Organization not found/accessible")
        r = client.post(url, json={}, headers=token_auth(team.admin))
        assert (r.status_code, r.json()) == (400, "Name can't be blank")
        r = client.post(url, json={"name": "X", "admins": [team.outsider.id]}, headers=token_auth(team.admin))
        assert (r.status_code, r.json()) == (400, f"User {team.outsider.id} is not a member of this organization")
        assert db.scalars(select(Workspace.id).where(Workspace.organization_id == oid)).all() == [team.ws.id]

    def test_admin_of_every_workspace_is_org_admin(self, client: TestClient, db: Session) -> None:
        team = make_team(db)
        oid = team.ws.organization_id
        db.get_one(Organization, oid).owner_user_id = team.manager.id
        db.commit()
        # Not the owner, but admin of the only workspace: organization admin (V-46).
        r = client.post(f"{V9}/organizations/{oid}/workspaces", json={"name": "Mine"}, headers=token_auth(team.admin))
        assert documented(client).check("POST", "/organizations/{organization_id}/workspaces", r)["name"] == "Mine"
        # Now admin of one of two workspaces only: no longer.
        r = client.post(f"{V9}/organizations/{oid}/workspaces", json={"name": "Y"}, headers=token_auth(team.member))
        assert r.status_code == 403
        mine = db.scalars(select(Workspace).where(Workspace.name == "Mine")).one()
        assert mine.organization_id == oid
        add_member(db, mine, team.member)
        r = client.post(f"{V9}/organizations/{oid}/workspaces", json={"name": "Z"}, headers=token_auth(team.member))
        assert (r.status_code, r.json()) == (403, "Only organization admins can do this")


class TestStatisticsAndConstraints:
    def test_statistics(self, client: TestClient, db: Session) -> None:
        from tests.factories import make_group

        team = make_team(db)
        add_member(db, team.ws, make_user(db, fullname="Anna Admin"), admin=True)
        add_invitation(db, team.ws, team.outsider)
        make_group(db, workspace_id=team.ws.id, name="G1")
        make_group(db, workspace_id=team.ws.id, name="G2")
        anna = db.scalars(select(WorkspaceMember).where(WorkspaceMember.workspace_id == team.ws.id,
                                                        WorkspaceMember.admin.is_(True),
                                                        WorkspaceMember.user_id != team.admin.id)).one()
        r = client.get(f"{V9}/workspaces/{team.ws.id}/statistics", headers=token_auth(team.member))
        assert documented(client).check("GET", "/workspaces/{workspace_id}/statistics", r) == {
            "admins": [{"user_id": anna.user_id, "name": "Anna Admin"},
                       {"user_id": team.admin.id, "name": "Mara Quint"}],
            "groups_count": 2, "members_count": 4}

    def test_time_entry_constraints(self, client: TestClient, db: Session) -> None:
        team = make_team(db)
        url = f"{V9}/workspaces/{team.ws.id}/time_entry_constraints"
        r = client.get(url, headers=token_auth(team.member))
        assert documented(client).check("GET", "/workspaces/{workspace_id}/time_entry_constraints", r) == {
            "description_present": False, "project_present": False, "tag_present": False, "task_present": False,
            "time_entry_constraints_enabled": False}
        r = client.post(url, json={}, headers=token_auth(team.admin))
        assert (r.status_code, r.json()) == (405, "Method not allowed")
        r = client.get(url, headers=token_auth(team.outsider))
        assert (r.status_code, r.json()) == (403, "Workspace not found/accessible")


def test_since_boundary_is_exclusive(client: TestClient, db: Session) -> None:
    team = make_team(db)
    team.ws.updated_at = datetime(2024, 3, 1, tzinfo=UTC)
    db.commit()
    at = int(team.ws.updated_at.timestamp())
    r = client.get(f"{V9}/me/workspaces?since={at}", headers=token_auth(team.member))
    own = db.get_one(Workspace, team.member.default_workspace_id)
    assert own.updated_at > team.ws.updated_at + timedelta(days=1)
    assert [w["id"] for w in documented(client).check("GET", "/me/workspaces", r)] == [own.id]
