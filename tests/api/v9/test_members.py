"""API v9 workspace members (30- §4; §1.2 organization workspace users)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from punchclock.models import GroupMember, Organization, ProjectMember, TimeEntry, User, WorkspaceMember
from tests.api.v9.documented import documented
from tests.factories import (
    add_invitation,
    make_entry,
    make_group,
    make_team,
    make_user,
    token_auth,
)

V9 = "/api/v9"


def _utc(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds")


def _membership(db: Session, wid: int, user: User) -> WorkspaceMember:
    db.rollback()  # a new snapshot (SQLite WAL keeps the old one inside a transaction)
    db.expire_all()  # and fresh rows (a rollback outside a transaction expires nothing)
    return db.scalars(select(WorkspaceMember).where(WorkspaceMember.workspace_id == wid,
                                                    WorkspaceMember.user_id == user.id)).one()


class TestUsers:
    def test_members_list_by_name_emails_for_admins_only(self, client: TestClient, db: Session) -> None:
        team = make_team(db)
        invitee = make_user(db, fullname="Anton Pending", timezone="Europe/Berlin")
        add_invitation(db, team.ws, invitee)
        url = f"{V9}/workspaces/{team.ws.id}/users"

        def row(u: User, *, active: bool = True, admin: bool = False, email: bool) -> dict[str, Any]:
            return {"id": u.id, "email": u.email if email else None, "fullname": u.fullname, "is_active": active,
                    "is_admin": admin, "inactive": False, "role": "admin" if admin else "user",
                    "timezone": u.timezone}

        r = client.get(url, headers=token_auth(team.member))
        body = documented(client).check("GET", "/workspaces/{workspace_id}/users", r)
        order = [(invitee, False, False), (team.manager, True, False), (team.member, True, False),
                 (team.admin, True, True)]  # Anton, Jonas, Lena, Mara
        assert body == [row(u, active=a, admin=ad, email=False) for u, a, ad in order]
        r = client.get(f"{url}?exclude_deleted=true", headers=token_auth(team.admin))
        body = documented(client).check("GET", "/workspaces/{workspace_id}/users", r)
        assert body == [row(u, active=a, admin=ad, email=True) for u, a, ad in order]
        r = client.get(url, headers=token_auth(team.outsider))
        assert (r.status_code, r.json()) == (403, "Workspace not found/accessible")


class TestWorkspaceUsers:
    def test_object(self, client: TestClient, db: Session) -> None:
        team = make_team(db)
        invitee = make_user(db, fullname="Anton Pending", timezone="Europe/Berlin")
        pending = add_invitation(db, team.ws, invitee, code="code-1")
        lena = _membership(db, team.ws.id, team.member)
        group = make_group(db, workspace_id=team.ws.id, name="G", members=[lena])
        admin_m = _membership(db, team.ws.id, team.admin)
        url = f"{V9}/workspaces/{team.ws.id}/workspace_users"

        r = client.get(url, headers=token_auth(team.admin))
        body = documented(client).check("GET", "/workspaces/{workspace_id}/workspace_users", r)
        assert [w["id"] for w in body] == sorted(w["id"] for w in body)
        assert body[0] == {
            "id": admin_m.id, "uid": team.admin.id, "user_id": team.admin.id, "wid": team.ws.id,
            "workspace_id": team.ws.id, "admin": True, "workspace_admin": True, "organization_admin": True,
            "role": "admin", "active": True, "email": team.admin.email, "name": "Mara Quint",
            "timezone": "Etc/UTC", "at": _utc(admin_m.updated_at), "group_ids": [], "invite_url": None,
            "inactive": False, "is_direct": True, "2fa_enabled": False, "view_edit_billable_rates": False,
            "view_edit_labor_costs": False, "role_id": None, "invitation_code": None, "rate": None,
            "rate_last_updated": None, "labor_cost": None, "labor_cost_last_updated": None,
            "working_hours_in_minutes": None, "avatar_file_name": None}
        by_id = {w["id"]: w for w in body}
        assert (by_id[lena.id]["group_ids"], by_id[lena.id]["organization_admin"], by_id[lena.id]["role"]) == (
            [group.id], False, "user")
        p = by_id[pending.id]
        assert (p["active"], p["timezone"], p["invite_url"]) == (
            False, "Europe/Berlin", "http://testserver/user/accept_invitation?code=code-1")

        r = client.get(f"{url}?includeIndirect=true", headers=token_auth(team.member))
        body = documented(client).check("GET", "/workspaces/{workspace_id}/workspace_users", r)
        assert {w["id"]: (w["email"], w["invite_url"]) for w in body}[pending.id] == (None, None)
        assert all(w["email"] is None for w in body)

    def test_organization_admin_is_the_owner_too(self, client: TestClient, db: Session) -> None:
        team = make_team(db)
        db.get_one(Organization, team.ws.organization_id).owner_user_id = team.member.id
        db.commit()
        r = client.get(f"{V9}/workspaces/{team.ws.id}/workspace_users", headers=token_auth(team.member))
        body = documented(client).check("GET", "/workspaces/{workspace_id}/workspace_users", r)
        assert {w["user_id"]: w["organization_admin"] for w in body} == {
            team.admin.id: True, team.manager.id: False, team.member.id: True}


class TestUpdateWorkspaceUser:
    def test_admin_role_and_groups(self, client: TestClient, db: Session) -> None:
        team = make_team(db)
        lena = _membership(db, team.ws.id, team.member)
        g1 = make_group(db, workspace_id=team.ws.id, name="G1")
        url = f"{V9}/workspaces/{team.ws.id}/workspace_users/{lena.id}"
        r = client.put(url, json={"role": "admin", "group_ids": [g1.id], "inactive": False, "rate": 5,
                                  "labor_cost": 3, "postedFields": ["admin"]}, headers=token_auth(team.admin))
        assert (r.status_code, r.content) == (200, b"")
        assert _membership(db, team.ws.id, team.member).admin is True
        assert db.scalars(select(GroupMember.group_id).where(GroupMember.workspace_member_id == lena.id)).all() == [
            g1.id]
        r = client.put(url, json={"admin": False, "role": "admin", "group_ids": None}, headers=token_auth(team.admin))
        assert (r.status_code, r.content) == (200, b"")
        assert _membership(db, team.ws.id, team.member).admin is False
        assert db.scalars(select(GroupMember.group_id).where(GroupMember.workspace_member_id == lena.id)).all() == []
        r = client.put(url, json={"role": "user"}, headers=token_auth(team.admin))
        assert r.status_code == 200 and _membership(db, team.ws.id, team.member).admin is False

    def test_errors(self, client: TestClient, db: Session) -> None:
        team = make_team(db)
        lena = _membership(db, team.ws.id, team.member)
        mara = _membership(db, team.ws.id, team.admin)
        other = _membership(db, team.outsider.default_workspace_id or 0, team.outsider)
        url = f"{V9}/workspaces/{team.ws.id}/workspace_users/{lena.id}"
        cases = [
            ({"role": "projectlead"}, 400, "Unsupported role"),
            ({"role": "teamlead"}, 400, "Unsupported role"),
            ({"inactive": True}, 400, "Deactivating members is not supported"),
            ({"admin": "yes"}, 400, "Invalid admin"),
            ({"group_ids": ["x"]}, 400, "Invalid group_ids"),
            ({"group_ids": [999999]}, 404, "Group not found"),
        ]
        for body, status, message in cases:
            r = client.put(url, json=body, headers=token_auth(team.admin))
            assert (r.status_code, r.json()) == (status, message), body
        r = client.put(f"{V9}/workspaces/{team.ws.id}/workspace_users/{mara.id}", json={"admin": False},
                       headers=token_auth(team.admin))
        assert (r.status_code, r.json()) == (400, "Workspace needs at least one admin")
        r = client.put(url, json={"admin": True}, headers=token_auth(team.member))
        assert (r.status_code, r.json()) == (403, "Only workspace admins can do this")
        # A membership of another workspace through this path: 404, even to its own admin.
        r = client.put(f"{V9}/workspaces/{team.ws.id}/workspace_users/{other.id}", json={"admin": True},
                       headers=token_auth(team.admin))
        assert (r.status_code, r.json()) == (404, "Workspace user not found")
        assert _membership(db, team.ws.id, team.member).admin is False


class TestDeleteWorkspaceUser:
    def test_v8_effects(self, client: TestClient, db: Session) -> None:
        team = make_team(db)
        team.manager.default_workspace_id = team.ws.id
        db.commit()
        jonas = _membership(db, team.ws.id, team.manager).id
        entry = make_entry(db, user=team.manager, workspace_id=team.ws.id, start="2024-05-01T10:00:00Z").id
        r = client.delete(f"{V9}/workspaces/{team.ws.id}/workspace_users/{jonas}", headers=token_auth(team.admin))
        assert (r.status_code, r.content) == (200, b"")
        db.rollback()
        db.expire_all()
        assert db.get(WorkspaceMember, jonas) is None
        assert db.scalars(select(ProjectMember).where(ProjectMember.user_id == team.manager.id)).all() == []
        assert db.get_one(TimeEntry, entry).workspace_id == team.ws.id
        own = db.scalars(select(WorkspaceMember.workspace_id).where(WorkspaceMember.user_id == team.manager.id)).one()
        assert db.get_one(User, team.manager.id).default_workspace_id == own

    def test_rules(self, client: TestClient, db: Session) -> None:
        team = make_team(db)
        mara = _membership(db, team.ws.id, team.admin)
        lena = _membership(db, team.ws.id, team.member).id
        base = f"{V9}/workspaces/{team.ws.id}/workspace_users"
        r = client.delete(f"{base}/{mara.id}", headers=token_auth(team.admin))
        assert (r.status_code, r.json()) == (400, "Workspace needs at least one admin")
        r = client.delete(f"{base}/{lena}", headers=token_auth(team.member))
        assert (r.status_code, r.json()) == (403, "Only workspace admins can do this")
        r = client.delete(f"{base}/999999", headers=token_auth(team.admin))
        assert (r.status_code, r.json()) == (404, "Workspace user not found")
        assert _membership(db, team.ws.id, team.member).id == lena


class TestOrganizationWorkspaceUsers:
    def test_filters_and_paging(self, client: TestClient, db: Session) -> None:
        team = make_team(db)
        anton = make_user(db, fullname="Anton Pending", email="anton@corp.example")
        add_invitation(db, team.ws, anton)
        oid, wid = team.ws.organization_id, team.ws.id
        url = f"{V9}/organizations/{oid}/workspaces/{wid}/workspace_users"
        template = "/organizations/{organization_id}/workspaces/{workspace_id}/workspace_users"

        def names(query: str, user: User = team.admin) -> list[str]:
            r = client.get(url + query, headers=token_auth(user))
            return [w["name"] for w in documented(client).check("GET", template, r)]

        everyone = ["Mara Quint", "Jonas Weber", "Lena Berg", "Anton Pending"]  # by membership id
        assert names("") == everyone
        assert names("?active=true") == everyone[:3]
        assert names("?active=false") == ["Anton Pending"]
        assert names("?name=BER") == ["Jonas Weber", "Lena Berg"]
        assert names("?search=corp.example") == ["Anton Pending"]
        assert names("?search=corp.example", team.member) == []  # e-mails are not searchable by members
        assert names("?page=2&per_page=3") == ["Anton Pending"]
        assert names("?per_page=2") == everyone[:2]
        assert names("?page=3&per_page=2") == []
        r = client.get(url + "?per_page=0", headers=token_auth(team.admin))
        assert (r.status_code, r.json()) == (400, "Invalid per_page")

    def test_access(self, client: TestClient, db: Session) -> None:
        team = make_team(db)
        oid, wid = team.ws.organization_id, team.ws.id
        other_org = db.get_one(User, team.outsider.id).default_workspace_id
        r = client.get(f"{V9}/organizations/{oid}/workspaces/{wid}/workspace_users", headers=token_auth(team.outsider))
        assert (r.status_code, r.json()) == (403, "Organization not found/accessible")
        r = client.get(f"{V9}/organizations/{oid + 1000}/workspaces/{wid}/workspace_users",
                       headers=token_auth(team.admin))
        assert (r.status_code, r.json()) == (403, "Organization not found/accessible")
        # A workspace of another organization (the admin's own) through this one: not accessible.
        own = team.admin.default_workspace_id
        r = client.get(f"{V9}/organizations/{oid}/workspaces/{own}/workspace_users", headers=token_auth(team.admin))
        assert (r.status_code, r.json()) == (403, "Workspace not found/accessible")
        assert other_org is not None
