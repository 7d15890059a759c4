"""API v9 organizations (30- §1) and ``GET /me/organizations`` (20- §8)."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from punchclock.http.avatar import path_for
from punchclock.models import Group, GroupMember, Organization, User, Workspace, WorkspaceMember
from tests.api.v9.documented import documented
from tests.factories import (
    add_invitation,
    add_member,
    make_group,
    make_user,
    make_workspace,
    token_auth,
)

V9 = "/api/v9"


def fresh(db: Session, model: Any, ident: int) -> Any:
    """The committed row: ending the session's transaction ends its snapshot; the factories' objects are
    not expired by that (they were committed before), so expire them too."""
    db.rollback()
    db.expire_all()
    return db.get_one(model, ident)


def org_of(db: Session, workspace_id: int) -> Organization:
    db.rollback()
    db.expire_all()
    return db.get_one(Organization, db.get_one(Workspace, workspace_id).organization_id)


def org_object(org: Organization, *, admin: bool, owner: bool, user_count: int) -> dict[str, Any]:
    return {
        "id": org.id, "name": org.name, "at": org.updated_at.isoformat(timespec="seconds"),
        "created_at": org.created_at.isoformat(timespec="seconds"), "admin": admin, "owner": owner,
        "user_count": user_count, "is_multi_workspace_enabled": True, "is_unified": False,
        "pricing_plan_name": "Self-hosted", "pricing_plan_enterprise": False, "max_workspaces": None,
        "max_data_retention_days": None, "pricing_plan_id": None, "subscription": None, "trial_info": None,
        "suspended_at": None, "server_deleted_at": None, "permissions": None,
    }


def avatar(u: User) -> str:
    return "http://testserver" + path_for(u.fullname, u.email, u.id)


class Team:
    """Mara (owner, admin), Jonas (admin), Lena (member), Lea (pending invitee) in workspace "Studio"."""

    def __init__(self, db: Session) -> None:
        self.mara = make_user(db, fullname="Mara Quint")
        self.jonas = make_user(db, fullname="Jonas Weber")
        self.lena = make_user(db, fullname="Lena Berg")
        self.lea = make_user(db, fullname="Lea Brandt")
        self.otto = make_user(db, fullname="Otto Out")
        self.ws = make_workspace(db, admin=self.mara, name="Studio")
        self.wid = self.ws.id
        self.m_jonas = add_member(db, self.ws, self.jonas, admin=True)
        self.m_lena = add_member(db, self.ws, self.lena)
        self.m_lea = add_invitation(db, self.ws, self.lea)
        self.org_id = self.ws.organization_id


@pytest.fixture
def team(db: Session) -> Team:
    return Team(db)


class TestRead:
    def test_my_organizations_by_id_with_roles_and_counts(self, client: TestClient, db: Session, team: Team) -> None:
        r = client.get(V9 + "/me/organizations", headers=token_auth(team.lena))
        body = documented(client).check("GET", "/me/organizations", r)
        own = org_of(db, team.lena.default_workspace_id or 0)
        studio = org_of(db, team.wid)
        assert own.id < studio.id
        assert body == [org_object(own, admin=True, owner=True, user_count=1),
                        org_object(studio, admin=False, owner=False, user_count=3)]
        assert own.name == "Lena Berg's workspace" and studio.name == "Studio"

    def test_one_organization_for_members_admin_without_owning(self, client: TestClient, db: Session,
                                                              team: Team) -> None:
        r = client.get(f"{V9}/organizations/{team.org_id}", headers=token_auth(team.jonas))
        body = documented(client).check("GET", "/organizations/{organization_id}", r)
        assert body == org_object(org_of(db, team.wid), admin=True, owner=False, user_count=3)  # Lea is pending

    @pytest.mark.parametrize("who", ["otto", "lea"])
    def test_outsiders_and_invitees_get_403(self, client: TestClient, team: Team, who: str) -> None:
        r = client.get(f"{V9}/organizations/{team.org_id}", headers=token_auth(getattr(team, who)))
        assert (r.status_code, r.json()) == (403, "Organization not found/accessible")

    def test_unknown_organization_is_403_and_bad_id_400(self, client: TestClient, team: Team) -> None:
        r = client.get(f"{V9}/organizations/999999", headers=token_auth(team.mara))
        assert (r.status_code, r.json()) == (403, "Organization not found/accessible")
        r = client.get(f"{V9}/organizations/abc", headers=token_auth(team.mara))
        assert (r.status_code, r.json()) == (400, "Invalid id")

    def test_admin_of_every_workspace_is_organization_admin(self, client: TestClient, db: Session,
                                                            team: Team) -> None:
        second = Workspace(name="Annex", api_token="x" * 32, organization_id=team.org_id)
        db.add(second)
        db.flush()
        db.add(WorkspaceMember(workspace_id=second.id, user_id=team.lena.id, admin=True, active=True))
        db.commit()
        r = client.get(f"{V9}/organizations/{team.org_id}", headers=token_auth(team.jonas))
        assert r.json()["admin"] is False  # admin of Studio only, not of Annex
        r = client.get(f"{V9}/organizations/{team.org_id}", headers=token_auth(team.mara))
        assert (r.json()["admin"], r.json()["owner"], r.json()["user_count"]) == (True, True, 3)


class TestCreate:
    def test_creates_organization_and_premium_workspace(self, client: TestClient, db: Session) -> None:
        user = make_user(db, fullname="Mara Quint")
        own = user.default_workspace_id
        r = client.post(V9 + "/organizations", headers=token_auth(user),
                        json={"name": "  Quint Holding ", "workspace_name": "Quint Design"})
        body = documented(client).check("POST", "/organizations", r)
        ws = fresh(db, Workspace, body["workspace_id"])
        org = db.get_one(Organization, body["id"])
        assert body == {"id": org.id, "name": "Quint Holding", "workspace_id": ws.id,
                        "workspace_name": "Quint Design", "permissions": None}
        assert (ws.organization_id, ws.premium, org.owner_user_id) == (org.id, True, user.id)
        membership = db.scalars(select(WorkspaceMember).where(WorkspaceMember.workspace_id == ws.id)).one()
        assert (membership.user_id, membership.admin, membership.active) == (user.id, True, True)
        assert db.get_one(User, user.id).default_workspace_id == own  # had one: kept

    def test_workspace_named_like_organization_and_becomes_default_when_none(self, client: TestClient,
                                                                             db: Session) -> None:
        user = make_user(db, default_workspace_id=None)
        r = client.post(V9 + "/organizations", headers=token_auth(user), json={"name": "Harbour"})
        body = documented(client).check("POST", "/organizations", r)
        assert (body["name"], body["workspace_name"]) == ("Harbour", "Harbour")
        assert fresh(db, User, user.id).default_workspace_id == body["workspace_id"]

    @pytest.mark.parametrize(("payload", "text"), [
        ({}, "Organization name can't be blank"),
        ({"name": "   "}, "Organization name can't be blank"),
        ({"name": "x" * 141}, "Name is too long (maximum 140 characters)"),
        ({"name": "Ok", "workspace_name": " "}, "Workspace name can't be blank"),
        ({"name": 5}, "Invalid name"),
    ])
    def test_invalid_input_is_400(self, client: TestClient, db: Session, payload: dict[str, Any], text: str
                                  ) -> None:
        user = make_user(db)
        before = db.scalars(select(Organization.id)).all()
        r = client.post(V9 + "/organizations", headers=token_auth(user), json=payload)
        assert (r.status_code, r.json()) == (400, text)
        db.rollback()
        assert db.scalars(select(Organization.id)).all() == before


class TestUpdate:
    def test_organization_admin_renames_empty_answer(self, client: TestClient, db: Session, team: Team) -> None:
        r = client.put(f"{V9}/organizations/{team.org_id}", headers=token_auth(team.jonas),
                       json={"name": " Studio Group "})
        assert documented(client).check("PUT", "/organizations/{organization_id}", r) is None
        assert r.content == b""
        assert fresh(db, Organization, team.org_id).name == "Studio Group"
        assert db.get_one(Workspace, team.wid).name == "Studio"

    def test_member_gets_403_and_blank_name_400(self, client: TestClient, db: Session, team: Team) -> None:
        r = client.put(f"{V9}/organizations/{team.org_id}", headers=token_auth(team.lena), json={"name": "X"})
        assert (r.status_code, r.json()) == (403, "Only organization admins can do this")
        r = client.put(f"{V9}/organizations/{team.org_id}", headers=token_auth(team.mara), json={"name": ""})
        assert (r.status_code, r.json()) == (400, "Organization name can't be blank")
        assert fresh(db, Organization, team.org_id).name == "Studio"


class TestLeave:
    def test_member_leaves_every_workspace_of_the_organization(self, client: TestClient, db: Session,
                                                              team: Team) -> None:
        r = client.delete(f"{V9}/organizations/{team.org_id}/users/leave", headers=token_auth(team.lena))
        assert documented(client).check("DELETE", "/organizations/{organization_id}/users/leave", r) is None
        db.rollback()
        assert db.scalars(select(WorkspaceMember.workspace_id).where(
            WorkspaceMember.user_id == team.lena.id)).all() == [team.lena.default_workspace_id]  # her own is kept
        r = client.get(f"{V9}/organizations/{team.org_id}", headers=token_auth(team.lena))
        assert r.status_code == 403

    def test_pending_invitations_in_the_organization_go_too(self, client: TestClient, db: Session,
                                                           team: Team) -> None:
        annex = Workspace(name="Annex", api_token="a" * 32, organization_id=team.org_id)
        db.add(annex)
        db.commit()
        invited = add_invitation(db, annex, team.lena)
        make_group(db, workspace_id=annex.id, name="Annex team", members=[invited])
        elsewhere = add_invitation(db, team.mara.default_workspace_id or 0, team.lena)
        r = client.delete(f"{V9}/organizations/{team.org_id}/users/leave", headers=token_auth(team.lena))
        assert r.status_code == 200
        db.rollback()
        kept = db.scalars(select(WorkspaceMember.id).where(
            WorkspaceMember.user_id == team.lena.id, WorkspaceMember.workspace_id != team.lena.default_workspace_id))
        assert kept.all() == [elsewhere.id]  # an invitation outside the organization stays
        assert db.scalars(select(GroupMember)).all() == []

    def test_last_admin_cannot_leave(self, client: TestClient, db: Session, team: Team) -> None:
        client.delete(f"{V9}/organizations/{team.org_id}/users/leave", headers=token_auth(team.jonas))
        r = client.delete(f"{V9}/organizations/{team.org_id}/users/leave", headers=token_auth(team.mara))
        assert (r.status_code, r.json()) == (400, "Cannot remove the last admin of workspace Studio")
        db.rollback()
        assert db.scalars(select(WorkspaceMember.user_id).where(WorkspaceMember.workspace_id == team.wid,
                                                                WorkspaceMember.admin.is_(True))).all() == [
            team.mara.id]

    def test_owner_leaving_passes_ownership_to_earliest_admin(self, client: TestClient, db: Session,
                                                              team: Team) -> None:
        r = client.delete(f"{V9}/organizations/{team.org_id}/users/leave", headers=token_auth(team.mara))
        assert r.status_code == 200
        assert fresh(db, Organization, team.org_id).owner_user_id == team.jonas.id
        r = client.get(f"{V9}/organizations/{team.org_id}", headers=token_auth(team.jonas))
        assert (r.json()["owner"], r.json()["user_count"]) == (True, 2)


def users_url(org_id: int, query: str = "") -> str:
    return f"{V9}/organizations/{org_id}/users" + (f"?{query}" if query else "")


def membership(wid: int, member: WorkspaceMember, *, admin: bool, active: bool,
               groups: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"workspace_id": wid, "workspace_name": "Studio", "workspace_user_id": member.id, "admin": admin,
            "role": "admin" if admin else "user", "active": active, "inactive": False, "default_currency": "USD",
            "groups": groups or [], "rate": None, "cost": None, "working_hours": None, "role_id": None,
            "view_edit_billable_rates": False, "view_edit_labor_costs": False}


class TestUsers:
    def names(self, client: TestClient, user: User, org_id: int, query: str = "") -> list[str]:
        r = client.get(users_url(org_id, query), headers=token_auth(user))
        body = documented(client).check("GET", "/organizations/{organization_id}/users", r)
        return [u["name"] for u in body]

    def test_admin_sees_every_user_by_name_with_emails(self, client: TestClient, db: Session, team: Team) -> None:
        group = make_group(db, workspace_id=team.wid, name="Design", members=[team.m_lena])
        r = client.get(users_url(team.org_id), headers=token_auth(team.mara))
        body = documented(client).check("GET", "/organizations/{organization_id}/users", r)
        assert (r.headers["X-Page"], r.headers["X-Per-Page"], r.headers["X-Total-Count"]) == ("1", "50", "4")
        assert [u["name"] for u in body] == ["Jonas Weber", "Lea Brandt", "Lena Berg", "Mara Quint"]
        lena_groups = [{"group_id": group.id, "name": "Design"}]
        assert body[2] == {
            "id": team.lena.id, "user_id": team.lena.id, "organization_id": team.org_id, "name": "Lena Berg",
            "email": team.lena.email, "avatar_url": avatar(team.lena), "admin": False, "owner": False, "joined": True,
            "inactive": False, "invitation_id": None, "role_id": None, "2fa_enabled": False,
            "can_edit_email": False, "groups": lena_groups, "workspace_count": 1,
            "workspaces": [membership(team.wid, team.m_lena, admin=False, active=True, groups=lena_groups)],
        }
        assert (body[1]["joined"], body[1]["invitation_id"], body[1]["workspaces"]) == (
            False, team.m_lea.id, [membership(team.wid, team.m_lea, admin=False, active=False)])
        roles = {u["name"]: (u["admin"], u["owner"]) for u in body}
        assert roles == {"Jonas Weber": (True, False), "Lea Brandt": (False, False), "Lena Berg": (False, False),
                         "Mara Quint": (True, True)}

    def test_members_see_no_email(self, client: TestClient, team: Team) -> None:
        r = client.get(users_url(team.org_id), headers=token_auth(team.lena))
        assert [u["email"] for u in r.json()] == [None, None, None, None]

    def test_paging_and_descending_order(self, client: TestClient, team: Team) -> None:
        r = client.get(users_url(team.org_id, "page=2&per_page=3&sort_dir=desc"), headers=token_auth(team.mara))
        assert [u["name"] for u in r.json()] == ["Jonas Weber"]
        assert (r.headers["X-Page"], r.headers["X-Per-Page"], r.headers["X-Total-Count"]) == ("2", "3", "4")
        r = client.get(users_url(team.org_id, "per_page=500&page=9"), headers=token_auth(team.mara))
        assert (r.json(), r.headers["X-Per-Page"], r.headers["X-Total-Count"]) == ([], "200", "4")

    def test_filters(self, client: TestClient, db: Session, team: Team) -> None:
        make_group(db, workspace_id=team.wid, name="Design", members=[team.m_lena, team.m_jonas])
        group_id = db.scalars(select(Group.id)).one()
        cases = {
            "filter=BER": ["Jonas Weber", "Lena Berg"],
            f"filter={team.jonas.email.upper()}": ["Jonas Weber"],
            "active_status=invited": ["Lea Brandt"],
            "active_status=active": ["Jonas Weber", "Lena Berg", "Mara Quint"],
            "active_status=active,invited": ["Jonas Weber", "Lea Brandt", "Lena Berg", "Mara Quint"],
            "active_status=inactive": [],
            "only_admins=true": ["Jonas Weber", "Mara Quint"],
            f"groups={group_id}": ["Jonas Weber", "Lena Berg"],
            f"workspaces={team.wid}&filter=ma": ["Mara Quint"],
            f"workspaces={team.mara.default_workspace_id}": [],
        }
        for query, names in cases.items():
            assert self.names(client, team.lena, team.org_id, query) == names, query

    @pytest.mark.parametrize("query", ["active_status=gone", "sort_dir=up", "per_page=0", "page=x", "groups=a",
                                       "only_admins=maybe"])
    def test_bad_parameters_are_400(self, client: TestClient, team: Team, query: str) -> None:
        r = client.get(users_url(team.org_id, query), headers=token_auth(team.mara))
        assert r.status_code == 400
        assert r.json().startswith("Invalid ")

    def test_outsider_gets_403(self, client: TestClient, team: Team) -> None:
        r = client.get(users_url(team.org_id), headers=token_auth(team.otto))
        assert (r.status_code, r.json()) == (403, "Organization not found/accessible")


class TestInvitations:
    def url(self, team: Team) -> str:
        return f"{V9}/organizations/{team.org_id}/invitations"

    def test_invites_per_email_and_workspace(self, client: TestClient, db: Session, team: Team,
                                             caplog: pytest.LogCaptureFixture) -> None:
        group = make_group(db, workspace_id=team.wid, name="Design")
        with caplog.at_level(logging.INFO, logger="punchclock.mail"):
            r = client.post(self.url(team), headers=token_auth(team.mara), json={
                "emails": ["new.comer@example.org", "not-an-address", team.lena.email],
                "workspaces": [{"workspace_id": team.wid, "admin": False, "role": "admin"}],
                "groups": [group.id], "project_invite": {"ignored": True}})
        body = documented(client).check("POST", "/organizations/{organization_id}/invitations", r)
        db.rollback()
        newcomer = db.scalars(select(User).where(User.email == "new.comer@example.org")).one()
        pending = db.scalars(select(WorkspaceMember).where(WorkspaceMember.user_id == newcomer.id)).one()
        assert (pending.workspace_id, pending.active, pending.admin) == (team.wid, False, True)
        assert db.scalars(select(GroupMember.group_id).where(
            GroupMember.workspace_member_id == pending.id)).all() == [group.id]
        assert body == {
            "data": [{"email": "new.comer@example.org", "invitation_id": pending.id,
                      "invite_url": f"http://testserver/user/accept_invitation?code={pending.invite_code}",
                      "organization_id": team.org_id, "recipient_id": newcomer.id, "sender_id": team.mara.id,
                      "workspaces": [{"workspace_id": team.wid, "workspace_user_id": pending.id,
                                      "user_id": newcomer.id}]}],
            "invitations": [],
            "messages": ["not-an-address is not a valid e-mail address",
                         f"{team.lena.email} is already a member of this workspace"],
        }
        assert caplog.messages == ["mail not sent (no SMTP server configured): to=new.comer@example.org "
                                   "subject=Invitation to Studio on punchclock"]

    def test_single_workspace_may_be_omitted_skip_email_sends_none(self, client: TestClient, db: Session,
                                                                   team: Team,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
        with caplog.at_level(logging.INFO, logger="punchclock.mail"):
            r = client.post(self.url(team), headers=token_auth(team.jonas),
                            json={"emails": ["x.y@example.org"], "skip_email": True})
        body = documented(client).check("POST", "/organizations/{organization_id}/invitations", r)
        assert [d["workspaces"][0]["workspace_id"] for d in body["data"]] == [team.wid]
        assert caplog.messages == []
        db.rollback()
        invited = db.get_one(WorkspaceMember, body["data"][0]["invitation_id"])
        assert (invited.admin, invited.active) == (False, False)

    @pytest.mark.parametrize(("payload", "status", "text"), [
        ({"emails": []}, 400, "Emails can't be blank"),
        ({}, 400, "Emails can't be blank"),
        ({"emails": ["a@example.org"], "workspaces": [{"workspace_id": 999999}]}, 400,
         "Workspace 999999 does not belong to this organization"),
        ({"emails": ["a@example.org"], "workspaces": [{"workspace_id": "{wid}", "role": "projectlead"}]}, 400,
         "Role must be admin or user"),
        ({"emails": ["a@example.org"], "groups": [999999]}, 400,
         "Group 999999 does not belong to the invited workspaces"),
    ])
    def test_invalid_requests(self, client: TestClient, db: Session, team: Team, payload: dict[str, Any],
                              status: int, text: str) -> None:
        for w in payload.get("workspaces", []):
            if w["workspace_id"] == "{wid}":
                w["workspace_id"] = team.wid
        r = client.post(self.url(team), headers=token_auth(team.mara), json=payload)
        assert (r.status_code, r.json()) == (status, text)
        db.rollback()
        assert db.scalars(select(User.id).where(User.email == "a@example.org")).first() is None

    def test_member_is_not_workspace_admin(self, client: TestClient, team: Team) -> None:
        r = client.post(self.url(team), headers=token_auth(team.lena), json={"emails": ["a@example.org"]})
        assert (r.status_code, r.json()) == (403, "Only workspace admins can do this")

    def test_several_workspaces_need_a_list(self, client: TestClient, db: Session, team: Team) -> None:
        db.add(Workspace(name="Annex", api_token="y" * 32, organization_id=team.org_id))
        db.commit()
        r = client.post(self.url(team), headers=token_auth(team.mara), json={"emails": ["a@example.org"]})
        assert (r.status_code, r.json()) == (400, "At least one workspace is required")


class TestCrossDialect:
    def test_v9_invitation_is_a_v8_pending_workspace_user_v8_removal_shows_in_v9(
            self, client: TestClient, db: Session, team: Team) -> None:
        r = client.post(f"{V9}/organizations/{team.org_id}/invitations", headers=token_auth(team.mara),
                        json={"emails": ["lea.new@example.org"], "skip_email": True})
        member_id = r.json()["data"][0]["invitation_id"]
        v8 = client.get(f"/api/v8/workspaces/{team.wid}/workspace_users", headers=token_auth(team.mara)).json()
        invited = next(u for u in v8 if u["id"] == member_id)
        assert (invited["email"], invited["active"], invited["admin"], invited["wid"]) == (
            "lea.new@example.org", False, False, team.wid)
        # v8 removes Lena; the v9 organization no longer counts her
        assert client.delete(f"/api/v8/workspace_users/{team.m_lena.id}", headers=token_auth(team.mara)
                             ).status_code == 200
        r = client.get(f"{V9}/organizations/{team.org_id}", headers=token_auth(team.mara))
        assert r.json()["user_count"] == 2
        names = [u["name"] for u in client.get(users_url(team.org_id), headers=token_auth(team.mara)).json()]
        assert names == ["Jonas Weber", "Lea Brandt", "Lea New", "Mara Quint"]
