"""API v9 project users (40-catalog §5)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from punchclock.models import ProjectMember, TimeEntry, User
from tests.api.v9.documented import documented
from tests.factories import (
    add_member,
    add_project_user,
    make_entry,
    make_project,
    make_user,
    make_workspace,
    token_auth,
)

V9 = "/api/v9"


def home(user: User) -> int:
    """The user's personal workspace (factories always make one)."""
    assert user.default_workspace_id is not None
    return user.default_workspace_id
LIST = "/workspaces/{workspace_id}/project_users"
ONE = "/workspaces/{workspace_id}/project_users/{project_user_id}"


def call(client: TestClient, method: str, user: User, path: str, body: Any = None) -> Any:
    return client.request(method, V9 + path, json=body, headers=token_auth(user))


def ok(client: TestClient, method: str, user: User, template: str, path: str, body: Any = None) -> Any:
    return documented(client).check(method, template, call(client, method, user, path, body))


def fails(client: TestClient, method: str, user: User, path: str, body: Any, status: int, message: str) -> None:
    r = call(client, method, user, path, body)
    assert (r.status_code, r.json()) == (status, message)


def stamp(pm: ProjectMember) -> str:
    return pm.updated_at.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def fresh(db: Session) -> None:
    db.rollback()  # end the snapshot a read opened (SQLite WAL), then reload
    db.expire_all()


class TestList:
    def test_objects_filters_and_visibility(self, client: TestClient, db: Session) -> None:
        admin = make_user(db)
        member = make_user(db)
        ws = make_workspace(db, admin=admin, premium=True, only_admins_see_billable_rates=True)
        add_member(db, ws, member)
        public = make_project(db, workspace_id=ws.id, name="Public")
        secret = make_project(db, workspace_id=ws.id, name="Secret", is_private=True)
        a = add_project_user(db, public, member, rate=Decimal("20.50"))
        b = add_project_user(db, public, admin, manager=True)
        c = add_project_user(db, secret, admin)
        rows = ok(client, "GET", admin, LIST, f"/workspaces/{ws.id}/project_users")
        assert rows[0] == {"id": a.id, "project_id": public.id, "user_id": member.id, "workspace_id": ws.id,
                           "manager": False, "rate": 20.5, "rate_last_updated": None, "labor_cost": None,
                           "labor_cost_last_updated": None, "group_id": None, "gid": None, "at": stamp(a)}
        assert [r["id"] for r in rows] == [a.id, b.id, c.id]
        as_member = ok(client, "GET", member, LIST, f"/workspaces/{ws.id}/project_users")
        assert [(r["id"], r["rate"]) for r in as_member] == [(a.id, None), (b.id, None)]  # rates hidden
        by_project = ok(client, "GET", admin, LIST, f"/workspaces/{ws.id}/project_users?project_ids={secret.id}")
        assert [r["id"] for r in by_project] == [c.id]
        by_user = ok(client, "GET", admin, LIST,
                     f"/workspaces/{ws.id}/project_users?user_id={admin.id}&project_ids={public.id},{secret.id}")
        assert [r["id"] for r in by_user] == [b.id, c.id]
        fails(client, "GET", make_user(db), f"/workspaces/{ws.id}/project_users", None, 403,
              "Workspace not found/accessible")
        fails(client, "GET", admin, f"/workspaces/{ws.id}/project_users?user_id=x", None, 400, "Invalid user_id")


class TestWrites:
    def test_create_update_delete(self, client: TestClient, db: Session) -> None:
        admin = make_user(db)
        member = make_user(db)
        ws = make_workspace(db, admin=admin, premium=True)
        add_member(db, ws, member)
        p = make_project(db, workspace_id=ws.id, name="P")
        created = ok(client, "POST", admin, LIST, f"/workspaces/{ws.id}/project_users",
                     {"project_id": p.id, "user_id": member.id, "rate": 30, "labor_cost": 5, "gid": 3})
        pm = db.scalars(select(ProjectMember).where(ProjectMember.user_id == member.id)).one()
        assert created == {"id": pm.id, "project_id": p.id, "user_id": member.id, "workspace_id": ws.id,
                           "manager": False, "rate": 30, "rate_last_updated": None, "labor_cost": None,
                           "labor_cost_last_updated": None, "group_id": None, "gid": None, "at": stamp(pm)}
        fails(client, "POST", admin, f"/workspaces/{ws.id}/project_users", {"project_id": p.id,
              "user_id": member.id}, 400, "User is already a project user")
        path = f"/workspaces/{ws.id}/project_users/{pm.id}"
        changed = ok(client, "PUT", admin, ONE, path, {"manager": True, "rate": None, "project_id": 999})
        assert (changed["manager"], changed["rate"], changed["project_id"]) == (True, None, p.id)
        pm_id = pm.id
        r = call(client, "DELETE", admin, path)
        assert (r.status_code, r.json()) == (200, pm_id)
        fresh(db)
        assert db.scalar(select(ProjectMember.id).where(ProjectMember.id == pm_id)) is None
        fails(client, "DELETE", admin, path, None, 404, "Project user not found")

    def test_create_rules(self, client: TestClient, db: Session) -> None:
        admin = make_user(db)
        member = make_user(db)
        stranger = make_user(db)
        ws = make_workspace(db, admin=admin)
        add_member(db, ws, member)
        p = make_project(db, workspace_id=ws.id, name="P")
        elsewhere = make_project(db, workspace_id=home(admin), name="Home")
        path = f"/workspaces/{ws.id}/project_users"
        fails(client, "POST", admin, path, {"project_id": p.id, "user_id": stranger.id}, 400,
              "User is not a member of this workspace")
        fails(client, "POST", member, path, {"project_id": p.id, "user_id": member.id}, 403,
              "Only workspace admins and project managers can do this")
        fails(client, "POST", admin, path, {"project_id": elsewhere.id, "user_id": member.id}, 404, "Project not found")
        fails(client, "POST", admin, path, {"user_id": member.id}, 400, "Project can't be blank")
        fails(client, "POST", admin, path, {"project_id": p.id, "user_id": "x"}, 400, "Invalid user_id")
        fails(client, "POST", admin, path, {"project_id": p.id, "user_id": member.id, "manager": 1}, 400,
              "Invalid manager")

    def test_non_premium_rate_is_not_stored(self, client: TestClient, db: Session) -> None:
        admin = make_user(db)
        ws = make_workspace(db, admin=admin, premium=False)
        p = make_project(db, workspace_id=ws.id, name="P")
        body = ok(client, "POST", admin, LIST, f"/workspaces/{ws.id}/project_users",
                  {"project_id": p.id, "user_id": admin.id, "rate": 30, "manager": True})
        assert (body["rate"], body["manager"]) == (None, True)

    def test_rate_change_re_resolves_entry_rates(self, client: TestClient, db: Session) -> None:
        admin = make_user(db)
        ws = make_workspace(db, admin=admin, premium=True)
        p = make_project(db, workspace_id=ws.id, name="P", rate=Decimal("10"))
        pm = add_project_user(db, p, admin)
        e = make_entry(db, user=admin, start="2026-01-05T08:00:00Z", project_id=p.id, workspace_id=ws.id)
        ok(client, "PUT", admin, ONE, f"/workspaces/{ws.id}/project_users/{pm.id}", {"rate": 55})
        fresh(db)
        assert db.get_one(TimeEntry, e.id).rate == Decimal("55")
        ok(client, "PUT", admin, ONE, f"/workspaces/{ws.id}/project_users/{pm.id}", {"rate": None})
        fresh(db)
        assert db.get_one(TimeEntry, e.id).rate == Decimal("10")

    def test_bulk_patch(self, client: TestClient, db: Session) -> None:
        admin = make_user(db)
        member = make_user(db)
        ws = make_workspace(db, admin=admin, premium=True)
        add_member(db, ws, member)
        led = make_project(db, workspace_id=ws.id, name="Led")
        add_project_user(db, led, member, manager=True)
        other = make_project(db, workspace_id=ws.id, name="Other")
        a = add_project_user(db, led, admin)
        b = add_project_user(db, other, admin)
        doc = [{"op": "replace", "path": "/manager", "value": True}, {"op": "replace", "path": "/rate", "value": 7}]
        r = call(client, "PATCH", member, f"/workspaces/{ws.id}/project_users/{a.id},{b.id},999", doc)
        body = documented(client).check("PATCH", "/workspaces/{workspace_id}/project_users/{project_user_ids}", r)
        assert body == {"success": [a.id], "failure": [
            {"id": b.id, "message": "Only workspace admins and project managers can do this"},
            {"id": 999, "message": "Project user not found"}]}
        fresh(db)
        assert (db.get_one(ProjectMember, a.id).manager, db.get_one(ProjectMember, a.id).rate) == (True, Decimal("7"))
        assert db.get_one(ProjectMember, b.id).manager is False
        r = call(client, "PATCH", admin, f"/workspaces/{ws.id}/project_users/{a.id}",
                 [{"op": "remove", "path": "/rate"}])
        assert r.json() == {"success": [a.id], "failure": []}
        fresh(db)
        assert db.get_one(ProjectMember, a.id).rate is None
        r = call(client, "PATCH", admin, f"/workspaces/{ws.id}/project_users/{a.id}",
                 [{"op": "remove", "path": "/manager"}])
        assert (r.status_code, r.json()) == (400, "Invalid path /manager")


class TestCrossDialect:
    def test_v9_create_v8_read_v8_change_v9_read(self, client: TestClient, db: Session) -> None:
        admin = make_user(db)
        member = make_user(db)
        ws = make_workspace(db, admin=admin, premium=True)
        add_member(db, ws, member)
        p = make_project(db, workspace_id=ws.id, name="P")
        made = ok(client, "POST", admin, LIST, f"/workspaces/{ws.id}/project_users",
                  {"project_id": p.id, "user_id": member.id, "manager": True, "rate": 12.5})
        v8 = client.get(f"/api/v8/workspaces/{ws.id}/project_users", headers=token_auth(admin)).json()
        assert [(r["id"], r["pid"], r["uid"], r["manager"], r["rate"]) for r in v8] == [
            (made["id"], p.id, member.id, True, 12.5)]
        r = client.put(f"/api/v8/project_users/{made['id']}", json={"project_user": {"manager": False, "rate": 3}},
                       headers=token_auth(admin))
        assert r.status_code == 200, r.text
        rows = ok(client, "GET", admin, LIST, f"/workspaces/{ws.id}/project_users")
        assert [(r["id"], r["manager"], r["rate"]) for r in rows] == [(made["id"], False, 3)]
