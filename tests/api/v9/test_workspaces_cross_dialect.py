"""Workspaces and memberships across dialects: changed in v9, read in v8, and the other way round."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from punchclock.models import WorkspaceMember
from tests.api.v9.documented import documented
from tests.factories import make_team, token_auth

V8, V9 = "/api/v8", "/api/v9"


def test_settings_changed_in_v9_read_in_v8_and_back(client: TestClient, db: Session) -> None:
    team = make_team(db)
    wid, auth = team.ws.id, token_auth(team.admin)
    r = client.put(f"{V9}/workspaces/{wid}", headers=auth, json={
        "name": "Cross", "default_hourly_rate": 42.5, "default_currency": "EUR", "rounding": 0,
        "rounding_minutes": 30, "only_admins_may_create_projects": True, "only_admins_see_billable_rates": True,
        "projects_billable_by_default": False})
    at = documented(client).check("PUT", "/workspaces/{workspace_id}", r)["at"]
    v8 = client.get(f"{V8}/workspaces/{wid}", headers=auth).json()["data"]
    assert {k: v8[k] for k in ("name", "default_hourly_rate", "default_currency", "rounding", "rounding_minutes",
                               "only_admins_may_create_projects", "only_admins_see_billable_rates",
                               "projects_billable_by_default", "at", "premium", "admin")} == {
        "name": "Cross", "default_hourly_rate": 42.5, "default_currency": "EUR", "rounding": 0,
        "rounding_minutes": 30, "only_admins_may_create_projects": True, "only_admins_see_billable_rates": True,
        "projects_billable_by_default": False, "at": at, "premium": True, "admin": True}
    # v8 members do not see the rate either (the flag set in v9 applies to both).
    assert "default_hourly_rate" not in client.get(f"{V8}/workspaces/{wid}", headers=token_auth(team.member)
                                                   ).json()["data"]

    r = client.put(f"{V8}/workspaces/{wid}", headers=auth, json={"workspace": {
        "name": "Back", "default_hourly_rate": 10, "rounding": -1, "rounding_minutes": 15,
        "only_admins_see_team_dashboard": True, "only_admins_see_billable_rates": False}})
    assert r.status_code == 200
    r = client.get(f"{V9}/workspaces/{wid}", headers=token_auth(team.member))
    body = documented(client).check("GET", "/workspaces/{workspace_id}", r)
    assert {k: body[k] for k in ("name", "default_hourly_rate", "rounding", "rounding_minutes",
                                 "only_admins_see_team_dashboard", "only_admins_see_billable_rates",
                                 "default_currency", "admin", "role")} == {
        "name": "Back", "default_hourly_rate": 10, "rounding": -1, "rounding_minutes": 15,
        "only_admins_see_team_dashboard": True, "only_admins_see_billable_rates": False,
        "default_currency": "EUR", "admin": False, "role": "user"}
    assert body["at"] == r.json()["last_modified"]


def test_member_admin_flag_across_dialects(client: TestClient, db: Session) -> None:
    team = make_team(db)
    wid, auth = team.ws.id, token_auth(team.admin)
    lena = db.scalars(select(WorkspaceMember.id).where(WorkspaceMember.workspace_id == wid,
                                                       WorkspaceMember.user_id == team.member.id)).one()

    def v8_admins() -> dict[int, bool]:
        return {w["uid"]: w["admin"] for w in client.get(f"{V8}/workspaces/{wid}/workspace_users",
                                                         headers=auth).json()}

    def v9_admins() -> dict[int, bool]:
        r = client.get(f"{V9}/workspaces/{wid}/workspace_users", headers=auth)
        return {w["user_id"]: w["admin"] for w in documented(client).check(
            "GET", "/workspaces/{workspace_id}/workspace_users", r)}

    r = client.put(f"{V9}/workspaces/{wid}/workspace_users/{lena}", json={"role": "admin"}, headers=auth)
    assert (r.status_code, r.content) == (200, b"")
    assert v8_admins() == {team.admin.id: True, team.manager.id: False, team.member.id: True}
    # Lena (now admin) sees the workspace as admin through v8 too.
    assert client.get(f"{V8}/workspaces/{wid}", headers=token_auth(team.member)).json()["data"]["admin"] is True

    r = client.put(f"{V8}/workspace_users/{lena}", json={"workspace_user": {"admin": False}}, headers=auth)
    assert r.status_code == 200
    assert v9_admins() == {team.admin.id: True, team.manager.id: False, team.member.id: False}

    # The v9 admin set (V-25) read through v8.
    r = client.put(f"{V9}/workspaces/{wid}", json={"admins": [team.manager.id, team.member.id]}, headers=auth)
    assert documented(client).check("PUT", "/workspaces/{workspace_id}", r)["admin"] is False
    assert v8_admins() == {team.admin.id: False, team.manager.id: True, team.member.id: True}
    r = client.get(f"{V8}/workspaces/{wid}", headers=auth)
    assert r.json()["data"]["admin"] is False
