"""API v9 groups: workspace groups (30- §2.1) and organization groups (30- §2.2, V-47)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from punchclock.models import Group, GroupMember, User, Workspace
from tests.api.v9.documented import documented
from tests.api.v9.test_organizations import avatar
from tests.factories import add_invitation, add_member, make_group, make_user, make_workspace, token_auth

V9 = "/api/v9"


def fresh_group(db: Session, group_id: int) -> Group | None:
    db.rollback()
    db.expire_all()
    return db.get(Group, group_id)


def own(user: User) -> int:
    """The user's personal workspace."""
    assert user.default_workspace_id is not None
    return user.default_workspace_id


def members_of(db: Session, group_id: int) -> list[int]:
    db.rollback()
    return sorted(db.scalars(select(GroupMember.workspace_member_id).where(GroupMember.group_id == group_id)))


class Team:
    """Mara (admin), Lena and Jonas (members), Lea (pending) in "Studio"; Otto has only his own workspace."""

    def __init__(self, db: Session) -> None:
        self.mara = make_user(db, fullname="Mara Quint")
        self.lena = make_user(db, fullname="Lena Berg")
        self.jonas = make_user(db, fullname="Jonas Weber")
        self.lea = make_user(db, fullname="Lea Brandt")
        self.otto = make_user(db, fullname="Otto Out")
        self.ws = make_workspace(db, admin=self.mara, name="Studio")
        self.wid, self.org_id = self.ws.id, self.ws.organization_id
        self.m_lena = add_member(db, self.ws, self.lena)
        self.m_jonas = add_member(db, self.ws, self.jonas)
        self.m_lea = add_invitation(db, self.ws, self.lea)


@pytest.fixture
def team(db: Session) -> Team:
    return Team(db)


def group_object(g: Group, *, has_users: bool) -> dict[str, Any]:
    return {"id": g.id, "workspace_id": g.workspace_id, "name": g.name, "has_users": has_users,
            "at": g.updated_at.isoformat(timespec="seconds"), "permissions": None}


class TestWorkspaceGroups:
    def url(self, team: Team, suffix: str = "") -> str:
        return f"{V9}/workspaces/{team.wid}/groups{suffix}"

    def test_members_list_by_name_with_has_users(self, client: TestClient, db: Session, team: Team) -> None:
        zeta = make_group(db, workspace_id=team.wid, name="zeta", members=[team.m_lena])
        alpha = make_group(db, workspace_id=team.wid, name="Alpha")
        make_group(db, workspace_id=own(team.otto), name="Elsewhere")
        r = client.get(self.url(team), headers=token_auth(team.lena))
        body = documented(client).check("GET", "/workspaces/{workspace_id}/groups", r)
        assert body == [group_object(alpha, has_users=False), group_object(zeta, has_users=True)]

    def test_outsider_403(self, client: TestClient, team: Team) -> None:
        r = client.get(self.url(team), headers=token_auth(team.otto))
        assert (r.status_code, r.json()) == (403, "Workspace not found/accessible")

    def test_admin_creates(self, client: TestClient, db: Session, team: Team) -> None:
        r = client.post(self.url(team), headers=token_auth(team.mara), json={"name": " Design team ", "id": None})
        body = documented(client).check("POST", "/workspaces/{workspace_id}/groups", r)
        stored = db.scalars(select(Group)).one()
        assert (stored.name, stored.name_key, stored.workspace_id) == ("Design team", "design team", team.wid)
        assert body == group_object(stored, has_users=False)

    @pytest.mark.parametrize(("payload", "text"), [
        ({}, "Group name can't be blank"),
        ({"name": "  "}, "Group name can't be blank"),
        ({"name": "DESIGN"}, "Group name already exists"),
        ({"name": "x" * 141}, "Name is too long (maximum 140 characters)"),
        ({"name": 3}, "Invalid name"),
    ])
    def test_create_validation_400(self, client: TestClient, db: Session, team: Team, payload: dict[str, Any],
                                   text: str) -> None:
        make_group(db, workspace_id=team.wid, name="Design")
        r = client.post(self.url(team), headers=token_auth(team.mara), json=payload)
        assert (r.status_code, r.json()) == (400, text)
        db.rollback()
        assert db.scalars(select(Group.name)).all() == ["Design"]

    def test_member_cannot_write(self, client: TestClient, db: Session, team: Team) -> None:
        g = make_group(db, workspace_id=team.wid, name="Design")
        for method, suffix, payload in (("POST", "", {"name": "X"}), ("PUT", f"/{g.id}", {"name": "X"}),
                                        ("DELETE", f"/{g.id}", None)):
            r = client.request(method, self.url(team, suffix), headers=token_auth(team.lena), json=payload)
            assert (r.status_code, r.json()) == (403, "Only workspace admins can do this"), method
        assert fresh_group(db, g.id).name == "Design"  # type: ignore[union-attr]

    def test_rename_null_ignored_other_workspace_404(self, client: TestClient, db: Session, team: Team) -> None:
        g = make_group(db, workspace_id=team.wid, name="Design", members=[team.m_jonas])
        foreign = make_group(db, workspace_id=own(team.mara), name="Mine")
        r = client.put(self.url(team, f"/{g.id}"), headers=token_auth(team.mara), json={"name": "Craft"})
        body = documented(client).check("PUT", "/workspaces/{workspace_id}/groups/{group_id}", r)
        stored = fresh_group(db, g.id)
        assert stored is not None and body == group_object(stored, has_users=True)
        assert body["name"] == "Craft"
        r = client.put(self.url(team, f"/{g.id}"), headers=token_auth(team.mara), json={"name": None})
        assert r.json()["name"] == "Craft"
        r = client.put(self.url(team, f"/{foreign.id}"), headers=token_auth(team.mara), json={"name": "Moved"})
        assert (r.status_code, r.json()) == (404, "Group not found")
        r = client.delete(self.url(team, "/999999"), headers=token_auth(team.mara))
        assert (r.status_code, r.json()) == (404, "Group not found")

    def test_delete_empty_answer_memberships_go(self, client: TestClient, db: Session, team: Team) -> None:
        g = make_group(db, workspace_id=team.wid, name="Design", members=[team.m_lena])
        r = client.delete(self.url(team, f"/{g.id}"), headers=token_auth(team.mara))
        assert documented(client).check("DELETE", "/workspaces/{workspace_id}/groups/{group_id}", r) is None
        assert r.content == b""
        assert fresh_group(db, g.id) is None
        assert db.scalars(select(GroupMember)).all() == []


def org_group(g: Group, users: list[tuple[Any, bool]]) -> dict[str, Any]:
    return {"group_id": g.id, "name": g.name, "at": g.updated_at.isoformat(timespec="seconds"),
            "workspaces": [g.workspace_id],
            "users": [{"user_id": u.id, "name": u.fullname, "avatar_url": avatar(u), "inactive": False,
                       "joined": joined} for u, joined in users],
            "permissions": None}


class TestOrganizationGroups:
    def url(self, team: Team, suffix: str = "") -> str:
        return f"{V9}/organizations/{team.org_id}/groups{suffix}"

    def test_members_list_with_users_by_name_and_filters(self, client: TestClient, db: Session, team: Team) -> None:
        design = make_group(db, workspace_id=team.wid, name="Design", members=[team.m_lena, team.m_lea, team.m_jonas])
        craft = make_group(db, workspace_id=team.wid, name="craft")
        make_group(db, workspace_id=own(team.otto), name="Design 2")
        r = client.get(self.url(team), headers=token_auth(team.lena))
        body = documented(client).check("GET", "/organizations/{organization_id}/groups", r)
        assert body == [org_group(craft, []),
                        org_group(design, [(team.jonas, True), (team.lea, False), (team.lena, True)])]
        assert [g["name"] for g in client.get(self.url(team, "?name=SIG"), headers=token_auth(team.lena)).json()
                ] == ["Design"]
        assert client.get(self.url(team, f"?workspace={own(team.otto)}"),
                          headers=token_auth(team.lena)).json() == []
        r = client.get(self.url(team), headers=token_auth(team.otto))
        assert (r.status_code, r.json()) == (403, "Organization not found/accessible")

    def test_create_with_users_workspace_omitted(self, client: TestClient, db: Session, team: Team) -> None:
        r = client.post(self.url(team), headers=token_auth(team.mara),
                        json={"name": "Design", "users": [team.lena.id, str(team.lea.id)]})
        body = documented(client).check("POST", "/organizations/{organization_id}/groups", r)
        g = db.scalars(select(Group)).one()
        assert (g.workspace_id, g.name) == (team.wid, "Design")
        assert members_of(db, g.id) == sorted([team.m_lena.id, team.m_lea.id])
        assert body == org_group(g, [(team.lea, False), (team.lena, True)])

    @pytest.mark.parametrize(("payload", "text"), [
        ({"name": "G", "workspaces": ["{wid}", "{own}"]}, "A group belongs to exactly one workspace"),
        ({"name": "G", "workspaces": ["{own}"]}, "Workspace {own} does not belong to this organization"),
        ({"name": "G", "users": ["{otto}"]}, "User {otto} is not a member of this workspace"),
        ({"users": []}, "Group name can't be blank"),
        ({"name": "G", "users": "x"}, "Invalid users"),
    ])
    def test_create_validation(self, client: TestClient, db: Session, team: Team, payload: dict[str, Any],
                               text: str) -> None:
        values = {"{wid}": team.wid, "{own}": own(team.mara), "{otto}": team.otto.id}
        for key in ("workspaces", "users"):
            if isinstance(payload.get(key), list):
                payload[key] = [values.get(v, v) for v in payload[key]]
        r = client.post(self.url(team), headers=token_auth(team.mara), json=payload)
        for placeholder, value in values.items():
            text = text.replace(placeholder, str(value))
        assert (r.status_code, r.json()) == (400, text)
        assert db.scalars(select(Group)).all() == []

    def test_several_workspaces_need_one_named(self, client: TestClient, db: Session, team: Team) -> None:
        db.add(Workspace(name="Annex", api_token="z" * 32, organization_id=team.org_id))
        db.commit()
        r = client.post(self.url(team), headers=token_auth(team.mara), json={"name": "G"})
        assert (r.status_code, r.json()) == (400, "A group belongs to exactly one workspace")

    def test_put_replaces_users_and_renames(self, client: TestClient, db: Session, team: Team) -> None:
        g = make_group(db, workspace_id=team.wid, name="Design", members=[team.m_lena, team.m_jonas])
        r = client.put(self.url(team, f"/{g.id}"), headers=token_auth(team.mara),
                       json={"name": "Craft", "users": [team.jonas.id, team.mara.id], "workspaces": [team.wid]})
        body = documented(client).check("PUT", "/organizations/{organization_id}/groups/{group_id}", r)
        stored = fresh_group(db, g.id)
        assert stored is not None and stored.name == "Craft"
        mara_member = db.scalars(select(GroupMember.workspace_member_id).where(
            GroupMember.group_id == g.id, GroupMember.workspace_member_id != team.m_jonas.id)).one()
        assert members_of(db, g.id) == sorted([team.m_jonas.id, mara_member])
        assert body == org_group(stored, [(team.jonas, True), (team.mara, True)])
        r = client.put(self.url(team, f"/{g.id}"), headers=token_auth(team.mara), json={"users": None})
        assert r.json()["users"] == [] and r.json()["name"] == "Craft"

    def test_put_errors(self, client: TestClient, db: Session, team: Team) -> None:
        g = make_group(db, workspace_id=team.wid, name="Design", members=[team.m_lena])
        mine = own(team.mara)
        foreign = make_group(db, workspace_id=mine, name="Mine")
        r = client.put(self.url(team, f"/{g.id}"), headers=token_auth(team.mara), json={"workspaces": [mine]})
        assert (r.status_code, r.json()) == (400, "A group belongs to exactly one workspace")
        r = client.put(self.url(team, f"/{g.id}"), headers=token_auth(team.mara), json={"users": [team.otto.id]})
        assert (r.status_code, r.json()) == (400, f"User {team.otto.id} is not a member of this workspace")
        r = client.put(self.url(team, f"/{foreign.id}"), headers=token_auth(team.mara), json={"name": "X"})
        assert (r.status_code, r.json()) == (404, "Group not found")
        r = client.put(self.url(team, f"/{g.id}"), headers=token_auth(team.lena), json={"name": "X"})
        assert (r.status_code, r.json()) == (403, "Only workspace admins can do this")
        assert members_of(db, g.id) == [team.m_lena.id]

    def test_patch_each_operation_on_its_own(self, client: TestClient, db: Session, team: Team) -> None:
        g = make_group(db, workspace_id=team.wid, name="Design", members=[team.m_lena])
        document = [
            {"op": "add", "path": "/users", "value": [team.jonas.id, team.lea.id]},
            {"op": "remove", "path": "/users", "value": [team.lena.id]},
            {"op": "add", "path": "/users", "value": [team.otto.id, team.mara.id]},
            {"op": "add", "path": "/workspaces", "value": [team.wid]},
            {"op": "replace", "path": "/users", "value": [team.mara.id]},
            {"op": "add", "path": "/users", "value": []},
            "junk",
        ]
        r = client.patch(self.url(team, f"/{g.id}"), headers=token_auth(team.mara), json=document)
        body = documented(client).check("PATCH", "/organizations/{organization_id}/groups/{group_id}", r)
        assert body == {"success": document[:2], "failure": [
            {"patch": document[2], "message": f"User {team.otto.id} is not a member of this workspace"},
            {"patch": document[3], "message": "A group belongs to exactly one workspace"},
            {"patch": document[4], "message": "Unsupported operation: op must be add or remove, path /users"},
            {"patch": document[5], "message": "Value must be a list of 1 to 100 user ids"},
            {"patch": "junk", "message": "Unsupported operation: op must be add or remove, path /users"},
        ]}
        assert members_of(db, g.id) == sorted([team.m_jonas.id, team.m_lea.id])

    def test_patch_needs_an_array(self, client: TestClient, db: Session, team: Team) -> None:
        g = make_group(db, workspace_id=team.wid, name="Design")
        r = client.patch(self.url(team, f"/{g.id}"), headers=token_auth(team.mara), json={"op": "add"})
        assert r.status_code == 400

    def test_delete(self, client: TestClient, db: Session, team: Team) -> None:
        g = make_group(db, workspace_id=team.wid, name="Design", members=[team.m_lena])
        r = client.delete(self.url(team, f"/{g.id}"), headers=token_auth(team.mara))
        assert documented(client).check("DELETE", "/organizations/{organization_id}/groups/{group_id}", r) is None
        assert fresh_group(db, g.id) is None


class TestCrossDialect:
    def test_v9_group_read_in_v8_renamed_in_v8_read_in_v9(self, client: TestClient, db: Session, team: Team
                                                          ) -> None:
        r = client.post(f"{V9}/organizations/{team.org_id}/groups", headers=token_auth(team.mara),
                        json={"name": "Design", "users": [team.lena.id]})
        gid = r.json()["group_id"]
        v8 = client.get(f"/api/v8/workspaces/{team.wid}/groups", headers=token_auth(team.mara)).json()
        assert [(g["id"], g["wid"], g["name"]) for g in v8] == [(gid, team.wid, "Design")]
        users = client.get(f"/api/v8/workspaces/{team.wid}/workspace_users", headers=token_auth(team.mara)).json()
        assert next(u for u in users if u["uid"] == team.lena.id)["group_ids"] == [gid]
        r = client.put(f"/api/v8/groups/{gid}", headers=token_auth(team.mara), json={"group": {"name": "Craft"}})
        assert r.status_code == 200
        r = client.put(f"/api/v8/workspace_users/{team.m_jonas.id}", headers=token_auth(team.mara),
                       json={"workspace_user": {"group_ids": [gid]}})
        assert r.status_code == 200
        stored = fresh_group(db, gid)
        assert stored is not None
        v9 = client.get(f"{V9}/organizations/{team.org_id}/groups", headers=token_auth(team.lena)).json()
        assert v9 == [org_group(stored, [(team.jonas, True), (team.lena, True)])]
        assert client.get(f"{V9}/workspaces/{team.wid}/groups", headers=token_auth(team.lena)).json() == [
            group_object(stored, has_users=True)]

    def test_v8_keeps_its_messages(self, client: TestClient, db: Session, team: Team) -> None:
        make_group(db, workspace_id=team.wid, name="Design")
        r = client.post("/api/v8/groups", headers=token_auth(team.mara),
                        json={"group": {"name": "design", "wid": team.wid}})
        assert (r.status_code, r.json()) == (404, ["Name has already been taken"])
        r = client.post("/api/v8/groups", headers=token_auth(team.mara), json={"group": {"wid": team.wid}})
        assert (r.status_code, r.json()) == (404, ["Name can't be blank"])
