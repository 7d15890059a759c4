"""Groups: create, rename, delete, list (20-workspaces §8, O-26, O-27, O-31)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from punchclock.models import Group, GroupMember, User, Workspace, WorkspaceMember
from tests.factories import add_member, at, make_group, make_user, make_workspace, token_auth


def fresh(db: Session) -> None:
    """See what the app wrote: end the session's transaction (a SQLite snapshot hides later commits)."""
    db.commit()
    db.expire_all()


def groups_of(db: Session, wid: int) -> list[tuple[int, str]]:
    fresh(db)
    return [(g.id, g.name) for g in db.scalars(select(Group).where(Group.workspace_id == wid).order_by(Group.id))]


def count_groups(db: Session) -> int:
    fresh(db)
    return db.scalar(select(func.count()).select_from(Group)) or 0


def team(db: Session) -> tuple[User, User, Workspace]:
    """An admin and a plain member of workspace "Quint Studio"."""
    admin, member = make_user(db, fullname="Mara Quint"), make_user(db, fullname="Jon Vik")
    ws = make_workspace(db, admin=admin, name="Quint Studio")
    add_member(db, ws, member)
    return admin, member, ws


def ts(value: Any) -> str:
    return str(value.isoformat(timespec="seconds"))


def post(client: TestClient, user: User, body: Any) -> Any:
    return client.post("/api/v8/groups", headers=token_auth(user), json=body)


class TestCreateGroup:
    def test_admin_creates_group_with_trimmed_name(self, client: TestClient, db: Session) -> None:
        admin, _, ws = team(db)
        r = post(client, admin, {"group": {"name": "  Design team ", "wid": ws.id, "id": 77, "at": "x"}})
        assert r.status_code == 200
        [(gid, name)] = groups_of(db, ws.id)
        stored = db.get_one(Group, gid)
        assert r.json() == {"data": {"id": gid, "wid": ws.id, "name": "Design team", "at": ts(stored.updated_at)}}
        assert name == "Design team" and stored.name_key == "design team"

    def test_wid_as_numeric_string_is_accepted(self, client: TestClient, db: Session) -> None:
        admin, _, ws = team(db)
        r = post(client, admin, {"group": {"name": "Ops", "wid": str(ws.id)}})
        assert (r.status_code, r.json()["data"]["wid"]) == (200, ws.id)

    def test_rendered_in_callers_time_zone(self, client: TestClient, db: Session) -> None:
        admin = make_user(db, timezone="Europe/Helsinki")
        r = post(client, admin, {"group": {"name": "Ops", "wid": admin.default_workspace_id}})
        assert r.json()["data"]["at"].endswith(("+02:00", "+03:00"))

    def test_name_taken_case_insensitively_in_same_workspace_only(self, client: TestClient, db: Session) -> None:
        admin, _, ws = team(db)
        g = make_group(db, workspace_id=ws.id, name="Design")
        r = post(client, admin, {"group": {"name": "DESIGN", "wid": ws.id}})
        assert (r.status_code, r.json()) == (404, ["Name has already been taken"])
        r = post(client, admin, {"group": {"name": "design", "wid": admin.default_workspace_id}})
        assert r.status_code == 200
        assert groups_of(db, ws.id) == [(g.id, "Design")]

    def test_unicode_names_compare_casefolded(self, client: TestClient, db: Session) -> None:
        admin, _, ws = team(db)
        make_group(db, workspace_id=ws.id, name="Straße")
        r = post(client, admin, {"group": {"name": "STRASSE", "wid": ws.id}})
        assert (r.status_code, r.json()) == (404, ["Name has already been taken"])

    def test_missing_fields_are_validation_failures(self, client: TestClient, db: Session) -> None:
        admin, _, ws = team(db)
        assert post(client, admin, {"group": {"name": "X"}}).json() == ["Workspace can't be blank"]
        r = post(client, admin, {"group": {"wid": ws.id}})
        assert (r.status_code, r.json()) == (404, ["Name can't be blank"])
        r = post(client, admin, {"group": {"wid": ws.id, "name": "   "}})
        assert (r.status_code, r.json()) == (404, ["Name can't be blank"])
        r = post(client, admin, {"group": {"wid": ws.id, "name": "x" * 141}})
        assert (r.status_code, r.json()) == (404, ["Name is too long (maximum 140 characters)"])
        r = post(client, admin, {"group": {"wid": ws.id, "name": "x" * 140}})
        assert r.status_code == 200
        assert groups_of(db, ws.id) == [(r.json()["data"]["id"], "x" * 140)]

    def test_wrong_types_are_invalid_field(self, client: TestClient, db: Session) -> None:
        admin, _, ws = team(db)
        r = post(client, admin, {"group": {"name": 5, "wid": ws.id}})
        assert (r.status_code, r.json()) == (404, ["Invalid name"])
        r = post(client, admin, {"group": {"name": "X", "wid": "abc"}})
        assert (r.status_code, r.json()) == (404, ["Invalid wid"])
        r = post(client, admin, {"group": {"name": "X", "wid": 2**70}})
        assert (r.status_code, r.json()) == (404, ["Invalid wid"])
        r = post(client, admin, {"group": ["X"]})
        assert (r.status_code, r.json()) == (404, ["group can't be blank"])
        assert count_groups(db) == 0

    def test_missing_wrapper_empty_body_and_malformed_json(self, client: TestClient, db: Session) -> None:
        admin, _, ws = team(db)
        r = post(client, admin, {"name": "X", "wid": ws.id})
        assert (r.status_code, r.json()) == (404, ["group can't be blank"])
        r = client.post("/api/v8/groups", headers={**token_auth(admin), "Content-Type": "application/json"},
                        content=b"")
        assert (r.status_code, r.json()) == (404, ["group can't be blank"])
        r = client.post("/api/v8/groups", headers=token_auth(admin), content=b'{"group": {')
        assert (r.status_code, r.json()) == (400, ["Invalid JSON"])
        assert count_groups(db) == 0

    def test_member_is_forbidden_outsider_and_unknown_workspace_not_found(self, client: TestClient,
                                                                            db: Session) -> None:
        admin, member, ws = team(db)
        outsider = make_user(db)
        r = post(client, member, {"group": {"name": "X", "wid": ws.id}})
        assert (r.status_code, r.json()) == (403, ["Only workspace admins can do this"])
        r = post(client, outsider, {"group": {"name": "X", "wid": ws.id}})
        assert (r.status_code, r.json()) == (404, ["Workspace not found"])
        r = post(client, admin, {"group": {"name": "X", "wid": 999999}})
        assert (r.status_code, r.json()) == (404, ["Workspace not found"])
        assert count_groups(db) == 0

    def test_pending_invitee_is_not_a_member(self, client: TestClient, db: Session) -> None:
        _, _, ws = team(db)
        pending = make_user(db)
        add_member(db, ws, pending, admin=True, active=False)
        r = post(client, pending, {"group": {"name": "X", "wid": ws.id}})
        assert (r.status_code, r.json()) == (404, ["Workspace not found"])

    def test_bad_credentials(self, client: TestClient, db: Session) -> None:
        r = client.post("/api/v8/groups", headers={"Authorization": "Basic Zm9vOmJhcg=="},
                        json={"group": {"name": "X", "wid": 1}})
        assert (r.status_code, r.json()) == (403, ["Incorrect username and/or password"])


class TestUpdateGroup:
    def test_renames_and_ignores_wid_and_other_keys(self, client: TestClient, db: Session) -> None:
        admin, _, ws = team(db)
        g = make_group(db, workspace_id=ws.id, name="Design", updated_at=at("2023-01-01T00:00:00Z"))
        r = client.put(f"/api/v8/groups/{g.id}", headers=token_auth(admin),
                       json={"group": {"name": "Design team", "wid": admin.default_workspace_id, "id": 9}})
        assert r.status_code == 200
        fresh(db)
        stored = db.get_one(Group, g.id)
        assert stored.updated_at > at("2023-01-01T00:00:00Z")
        assert r.json() == {"data": {"id": g.id, "wid": ws.id, "name": "Design team", "at": ts(stored.updated_at)}}
        assert (stored.workspace_id, stored.name_key) == (ws.id, "design team")

    def test_null_name_is_ignored_blank_name_is_not(self, client: TestClient, db: Session) -> None:
        admin, _, ws = team(db)
        g = make_group(db, workspace_id=ws.id, name="Design")
        r = client.put(f"/api/v8/groups/{g.id}", headers=token_auth(admin), json={"group": {"name": None}})
        assert (r.status_code, r.json()["data"]["name"]) == (200, "Design")
        r = client.put(f"/api/v8/groups/{g.id}", headers=token_auth(admin), json={"group": {"name": ""}})
        assert (r.status_code, r.json()) == (404, ["Name can't be blank"])
        assert groups_of(db, ws.id) == [(g.id, "Design")]

    def test_own_name_in_other_case_is_allowed_another_groups_name_is_taken(self, client: TestClient,
                                                                            db: Session) -> None:
        admin, _, ws = team(db)
        g = make_group(db, workspace_id=ws.id, name="Design")
        ops = make_group(db, workspace_id=ws.id, name="Ops")
        r = client.put(f"/api/v8/groups/{g.id}", headers=token_auth(admin), json={"group": {"name": "DESIGN"}})
        assert (r.status_code, r.json()["data"]["name"]) == (200, "DESIGN")
        r = client.put(f"/api/v8/groups/{g.id}", headers=token_auth(admin), json={"group": {"name": "ops"}})
        assert (r.status_code, r.json()) == (404, ["Name has already been taken"])
        assert groups_of(db, ws.id) == [(g.id, "DESIGN"), (ops.id, "Ops")]

    def test_permissions_and_unknown_ids(self, client: TestClient, db: Session) -> None:
        admin, member, ws = team(db)
        g = make_group(db, workspace_id=ws.id, name="Design")
        foreign = make_group(db, workspace_id=make_user(db).default_workspace_id, name="Theirs")
        body = {"group": {"name": "Z"}}
        r = client.put(f"/api/v8/groups/{g.id}", headers=token_auth(member), json=body)
        assert (r.status_code, r.json()) == (403, ["Only workspace admins can do this"])
        r = client.put(f"/api/v8/groups/{foreign.id}", headers=token_auth(admin), json=body)
        assert (r.status_code, r.json()) == (404, ["Group not found"])
        r = client.put("/api/v8/groups/999999", headers=token_auth(admin), json=body)
        assert (r.status_code, r.json()) == (404, ["Group not found"])
        r = client.put("/api/v8/groups/99999999999999999999", headers=token_auth(admin), json=body)
        assert (r.status_code, r.json()) == (400, ["Invalid id"])
        r = client.put(f"/api/v8/groups/{g.id},{g.id}", headers=token_auth(admin), json=body)
        assert (r.status_code, r.json()) == (400, ["Id lists are not allowed here"])
        assert groups_of(db, ws.id) == [(g.id, "Design")]

    def test_bad_bodies(self, client: TestClient, db: Session) -> None:
        admin, _, ws = team(db)
        g = make_group(db, workspace_id=ws.id, name="Design")
        url = f"/api/v8/groups/{g.id}"
        r = client.put(url, headers=token_auth(admin), json={"name": "Z"})
        assert (r.status_code, r.json()) == (404, ["group can't be blank"])
        r = client.put(url, headers=token_auth(admin), content=b"")
        assert (r.status_code, r.json()) == (404, ["group can't be blank"])
        r = client.put(url, headers=token_auth(admin), content=b"{nope")
        assert (r.status_code, r.json()) == (400, ["Invalid JSON"])
        r = client.put(url, headers=token_auth(admin), json={"group": {"name": ["Z"]}})
        assert (r.status_code, r.json()) == (404, ["Invalid name"])
        assert groups_of(db, ws.id) == [(g.id, "Design")]


class TestDeleteGroup:
    def test_deletes_group_and_its_memberships(self, client: TestClient, db: Session) -> None:
        admin, member, ws = team(db)
        m = db.scalars(select(WorkspaceMember).where(WorkspaceMember.user_id == member.id,
                                                     WorkspaceMember.workspace_id == ws.id)).one()
        gid = make_group(db, workspace_id=ws.id, name="Design", members=[m]).id
        keep = make_group(db, workspace_id=ws.id, name="Ops", members=[m]).id
        mid = m.id
        r = client.delete(f"/api/v8/groups/{gid}", headers=token_auth(admin))
        assert (r.status_code, r.json()) == (200, [gid])
        assert groups_of(db, ws.id) == [(keep, "Ops")]
        assert list(db.execute(select(GroupMember.group_id, GroupMember.workspace_member_id))) == [(keep, mid)]
        users = client.get(f"/api/v8/workspaces/{ws.id}/workspace_users", headers=token_auth(admin)).json()
        assert [u.get("group_ids") for u in users] == [None, [keep]]
        r = client.delete(f"/api/v8/groups/{gid}", headers=token_auth(admin))
        assert (r.status_code, r.json()) == (404, ["Group not found"])

    def test_name_is_free_again_after_delete(self, client: TestClient, db: Session) -> None:
        admin, _, ws = team(db)
        g = make_group(db, workspace_id=ws.id, name="Design")
        assert client.delete(f"/api/v8/groups/{g.id}", headers=token_auth(admin)).status_code == 200
        assert post(client, admin, {"group": {"name": "design", "wid": ws.id}}).status_code == 200

    def test_permissions_and_unknown_ids(self, client: TestClient, db: Session) -> None:
        admin, member, ws = team(db)
        g = make_group(db, workspace_id=ws.id, name="Design")
        foreign = make_group(db, workspace_id=make_user(db).default_workspace_id, name="Theirs")
        r = client.delete(f"/api/v8/groups/{g.id}", headers=token_auth(member))
        assert (r.status_code, r.json()) == (403, ["Only workspace admins can do this"])
        r = client.delete(f"/api/v8/groups/{foreign.id}", headers=token_auth(admin))
        assert (r.status_code, r.json()) == (404, ["Group not found"])
        r = client.delete("/api/v8/groups/0", headers=token_auth(admin))
        assert (r.status_code, r.json()) == (400, ["Invalid id"])
        r = client.delete("/api/v8/groups/123456789012345678901", headers=token_auth(admin))
        assert (r.status_code, r.json()) == (400, ["Invalid id"])
        assert count_groups(db) == 2


class TestListGroups:
    def test_admin_gets_groups_of_that_workspace_by_id(self, client: TestClient, db: Session) -> None:
        admin, _, ws = team(db)
        b = make_group(db, workspace_id=ws.id, name="B team", updated_at=at("2023-10-02T09:20:00Z"))
        a = make_group(db, workspace_id=ws.id, name="A team", updated_at=at("2023-10-02T09:21:00Z"))
        make_group(db, workspace_id=admin.default_workspace_id, name="Elsewhere")
        r = client.get(f"/api/v8/workspaces/{ws.id}/groups", headers=token_auth(admin))
        assert r.status_code == 200
        assert r.json() == [
            {"id": b.id, "wid": ws.id, "name": "B team", "at": "2023-10-02T09:20:00+00:00"},
            {"id": a.id, "wid": ws.id, "name": "A team", "at": "2023-10-02T09:21:00+00:00"},
        ]

    def test_empty_list_is_array(self, client: TestClient, db: Session) -> None:
        admin, _, ws = team(db)
        assert client.get(f"/api/v8/workspaces/{ws.id}/groups", headers=token_auth(admin)).json() == []

    def test_member_forbidden_outsider_not_found_bad_ids(self, client: TestClient, db: Session) -> None:
        admin, member, ws = team(db)
        make_group(db, workspace_id=ws.id, name="Design")
        r = client.get(f"/api/v8/workspaces/{ws.id}/groups", headers=token_auth(member))
        assert (r.status_code, r.json()) == (403, ["Only workspace admins can do this"])
        r = client.get(f"/api/v8/workspaces/{ws.id}/groups", headers=token_auth(make_user(db)))
        assert (r.status_code, r.json()) == (404, ["Workspace not found"])
        r = client.get("/api/v8/workspaces/99999999999999999999/groups", headers=token_auth(admin))
        assert (r.status_code, r.json()) == (400, ["Invalid id"])
        r = client.get(f"/api/v8/workspaces/{ws.id},1/groups", headers=token_auth(admin))
        assert (r.status_code, r.json()) == (400, ["Id lists are not allowed here"])
