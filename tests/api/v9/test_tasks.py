"""API v9 project tasks (40- §3.1, §3.2): the object, CRUD below a project, bulk PATCH, premium and roles."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from punchclock.models import Task, TimeEntry
from tests.api.v9.documented import documented
from tests.factories import (
    Team,
    add_project_user,
    at,
    make_client,
    make_entry,
    make_project,
    make_task,
    make_team,
    make_user,
    token_auth,
)

TASKS = "/workspaces/{workspace_id}/projects/{project_id}/tasks"
TASK = TASKS + "/{task_id}"
PAID = "Tasks are available for paid workspaces only"
BAD_OP = "Invalid patch operation: op must be add, replace or remove"


def url(team: Team, suffix: str = "", project_id: int | None = None) -> str:
    return f"/api/v9/workspaces/{team.ws.id}/projects/{project_id or team.project.id}/tasks{suffix}"


def set_at(db: Session, task_id: int, when: str) -> None:
    db.execute(update(Task).where(Task.id == task_id).values(updated_at=at(when)))
    db.commit()


def task_object(team: Team, task_id: int, **changes: Any) -> dict[str, Any]:
    """A task of project P (public, not billable, palette id 0, no client) as v9 renders it."""
    base: dict[str, Any] = {
        "id": task_id, "name": "Task", "workspace_id": team.ws.id, "project_id": team.project.id,
        "user_id": None, "user_name": None, "toggl_accounts_id": None, "active": True, "estimated_seconds": 0,
        "tracked_seconds": 0, "project_name": "P", "project_color": "#4dc3ff", "project_billable": False,
        "project_is_private": False, "client_id": None, "client_name": None, "at": "2026-01-02T03:04:05+00:00",
        "server_deleted_at": None, "recurring": False, "rate": None, "rate_last_updated": None,
        "avatar_url": None, "permissions": None,
    }
    task = {**base, **changes}
    # togglCli reads the short names (the client wins over the contract's long-only list).
    return {**task, "wid": task["workspace_id"], "pid": task["project_id"], "uid": task["user_id"]}


class TestObject:
    def test_create_answers_the_whole_object(self, client: TestClient, db: Session) -> None:
        team = make_team(db)
        before = datetime.now(UTC).replace(microsecond=0)
        r = client.post(url(team), json={"name": " Wireframes ", "estimated_seconds": 7200, "user_id": team.member.id,
                                          "active": False, "workspace_id": 999, "id": None},
                        headers=token_auth(team.manager))
        body = documented(client).check("POST", TASKS, r)
        stored = db.scalars(select(Task).where(Task.id == body["id"])).one()
        assert stored.updated_at >= before
        assert body == task_object(
            team, stored.id, name="Wireframes", user_id=team.member.id, user_name="Lena Berg",
            toggl_accounts_id=str(team.member.id).zfill(22), active=False, estimated_seconds=7200,
            at=stored.updated_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00"))

    def test_project_client_colour_and_tracked_milliseconds(self, client: TestClient, db: Session) -> None:
        team = make_team(db)
        acme = make_client(db, workspace_id=team.ws.id, name="Acme")
        project = make_project(db, workspace_id=team.ws.id, name="Ferry", client_id=acme.id, billable=True,
                               is_private=True, color=6, color_hex="#0b83d9")
        task = make_task(db, project=project, name="Design", user_id=team.admin.id, estimated_seconds=60)
        start = "2025-03-03T09:00:00Z"
        make_entry(db, user=team.admin, start=start, seconds=5400, workspace_id=team.ws.id, project_id=project.id,
                   task_id=task.id)
        make_entry(db, user=team.member, start="2025-03-04T09:00:00Z", seconds=61, workspace_id=team.ws.id,
                   project_id=project.id, task_id=task.id)
        make_entry(db, user=team.admin, start="2025-03-05T09:00:00Z", seconds=None, workspace_id=team.ws.id,
                   project_id=project.id, task_id=task.id)  # running: not counted
        gone = make_entry(db, user=team.admin, start="2025-03-01T09:00:00Z", seconds=999, workspace_id=team.ws.id,
                          project_id=project.id, task_id=task.id)
        db.execute(update(TimeEntry).where(TimeEntry.id == gone.id).values(deleted_at=at("2025-03-02T00:00:00Z")))
        db.commit()
        set_at(db, task.id, "2026-01-02T03:04:05Z")
        r = client.get(url(team, f"/{task.id}", project.id), headers=token_auth(team.admin))
        assert documented(client).check("GET", TASK, r) == task_object(
            team, task.id, name="Design", project_id=project.id, user_id=team.admin.id, user_name="Mara Quint",
            toggl_accounts_id=str(team.admin.id).zfill(22), estimated_seconds=60, tracked_seconds=5461000,
            project_name="Ferry", project_color="#0b83d9", project_billable=True, project_is_private=True,
            client_id=acme.id, client_name="Acme")

    def test_palette_colour_without_hex(self, client: TestClient, db: Session) -> None:
        team = make_team(db)
        project = make_project(db, workspace_id=team.ws.id, name="Q", color=13)
        task = make_task(db, project=project)
        r = client.get(url(team, f"/{task.id}", project.id), headers=token_auth(team.member))
        assert documented(client).check("GET", TASK, r)["project_color"] == "#bc2d07"


class TestProjectTasks:
    def test_list_by_name_and_active_filter(self, client: TestClient, db: Session) -> None:
        team = make_team(db)
        b = make_task(db, project=team.project, name="b")
        a = make_task(db, project=team.project, name="A")
        done = make_task(db, project=team.project, name="c", active=False)
        other = make_project(db, workspace_id=team.ws.id, name="Other")
        make_task(db, project=other, name="elsewhere")
        deleted = make_task(db, project=team.project, name="0 deleted")
        db.execute(update(Task).where(Task.id == deleted.id).values(deleted_at=at("2025-01-01T00:00:00Z")))
        db.commit()
        spec, h = documented(client), token_auth(team.member)
        every = spec.check("GET", TASKS, client.get(url(team), headers=h))
        assert [(t["id"], t["active"]) for t in every] == [(a.id, True), (b.id, True), (done.id, False)]
        for value in ("false", "FALSE", "0"):
            assert [t["id"] for t in spec.check("GET", TASKS, client.get(url(team), params={"active": value},
                                                                          headers=h))] == [a.id, b.id, done.id]
        only = spec.check("GET", TASKS, client.get(url(team), params={"active": "true"}, headers=h))
        assert [t["id"] for t in only] == [a.id, b.id]
        assert client.get(url(team), params={"active": "maybe"}, headers=h).json() == "Invalid active"

    def test_list_is_empty_on_a_free_workspace_but_one_task_is_readable(self, client: TestClient,
                                                                         db: Session) -> None:
        team = make_team(db, premium=False)
        task = make_task(db, project=team.project, name="Kept")
        set_at(db, task.id, "2026-01-02T03:04:05Z")
        h = token_auth(team.member)
        assert documented(client).check("GET", TASKS, client.get(url(team), headers=h)) == []
        r = client.get(url(team, f"/{task.id}"), headers=h)
        assert documented(client).check("GET", TASK, r) == task_object(team, task.id, name="Kept")

    def test_update_partial_with_explicit_nulls(self, client: TestClient, db: Session) -> None:
        team = make_team(db)
        task = make_task(db, project=team.project, name="Old", user_id=team.member.id, estimated_seconds=30)
        r = client.put(url(team, f"/{task.id}"), json={"name": None, "active": None, "estimated_seconds": None,
                                                       "user_id": None}, headers=token_auth(team.manager))
        body = documented(client).check("PUT", TASK, r)
        assert (body["name"], body["active"], body["estimated_seconds"], body["user_id"], body["user_name"],
                body["toggl_accounts_id"]) == ("Old", True, 30, None, None, None)
        r = client.put(url(team, f"/{task.id}"), json={"name": "New", "active": False, "estimated_seconds": 0,
                                                       "uid": team.admin.id}, headers=token_auth(team.admin))
        body = documented(client).check("PUT", TASK, r)
        assert (body["name"], body["active"], body["estimated_seconds"], body["user_id"], body["user_name"]) == (
            "New", False, 0, team.admin.id, "Mara Quint")
        r = client.put(url(team, f"/{task.id}"), json={"user_id": team.member.id, "uid": team.admin.id},
                       headers=token_auth(team.admin))
        assert documented(client).check("PUT", TASK, r)["user_id"] == team.member.id  # the long name wins

    def test_delete_answers_empty_and_unlinks_entries(self, client: TestClient, db: Session) -> None:
        team = make_team(db)
        task = make_task(db, project=team.project)
        entry = make_entry(db, user=team.member, start="2025-03-03T09:00:00Z", workspace_id=team.ws.id,
                           project_id=team.project.id, task_id=task.id)
        r = client.delete(url(team, f"/{task.id}"), headers=token_auth(team.manager))
        assert documented(client).check("DELETE", TASK, r) is None
        assert r.content == b""
        db.expire_all()
        assert db.get(TimeEntry, entry.id).task_id is None  # type: ignore[union-attr]
        assert db.get(Task, task.id).deleted_at is not None  # type: ignore[union-attr]
        r = client.get(url(team, f"/{task.id}"), headers=token_auth(team.manager))
        assert (r.status_code, r.json()) == (404, "Task not found")

    def test_paths_must_agree(self, client: TestClient, db: Session) -> None:
        team = make_team(db)
        other = make_project(db, workspace_id=team.ws.id, name="Other")
        task = make_task(db, project=other)
        foreign = make_team(db)
        h = token_auth(team.admin)
        for method in ("GET", "PUT", "DELETE"):
            r = client.request(method, url(team, f"/{task.id}"), json={"name": "x"}, headers=h)
            assert (r.status_code, r.json()) == (404, "Task not found"), method
        # A project of another workspace, and a workspace the caller does not belong to.
        r = client.get(url(team, "", foreign.project.id), headers=h)
        assert (r.status_code, r.json()) == (404, "Project not found")
        r = client.get(f"/api/v9/workspaces/{foreign.ws.id}/projects/{foreign.project.id}/tasks", headers=h)
        assert (r.status_code, r.json()) == (403, "Workspace not found/accessible")
        r = client.post(url(team, "", 999999), json={"name": "x"}, headers=h)
        assert (r.status_code, r.json()) == (404, "Project not found")
        r = client.get(url(team, "/abc"), headers=h)
        assert (r.status_code, r.json()) == (400, "Invalid id")

    def test_private_project_of_others_is_invisible(self, client: TestClient, db: Session) -> None:
        team = make_team(db)
        secret = make_project(db, workspace_id=team.ws.id, name="Secret", is_private=True)
        task = make_task(db, project=secret)
        r = client.get(url(team, f"/{task.id}", secret.id), headers=token_auth(team.member))
        assert (r.status_code, r.json()) == (404, "Project not found")
        add_project_user(db, secret, team.member)
        r = client.get(url(team, f"/{task.id}", secret.id), headers=token_auth(team.member))
        assert documented(client).check("GET", TASK, r)["id"] == task.id


class TestWriteRules:
    def test_every_write_is_402_on_a_free_workspace(self, client: TestClient, db: Session) -> None:
        team = make_team(db, premium=False)
        task = make_task(db, project=team.project)
        h = token_auth(team.admin)
        calls = [("POST", url(team), {"name": "x"}), ("PUT", url(team, f"/{task.id}"), {"name": "x"}),
                 ("DELETE", url(team, f"/{task.id}"), None),
                 ("PATCH", url(team, f"/{task.id}"), [{"op": "replace", "path": "/active", "value": False}])]
        for method, path, body in calls:
            r = client.request(method, path, json=body, headers=h)
            assert (r.status_code, r.json()) == (402, PAID), method
        db.expire_all()
        assert db.get(Task, task.id).deleted_at is None  # type: ignore[union-attr]

    def test_only_admins_and_managers_write(self, client: TestClient, db: Session) -> None:
        team = make_team(db)
        task = make_task(db, project=team.project)
        h = token_auth(team.member)
        denied = "Only workspace admins and project managers can do this"
        for method, path in (("POST", url(team)), ("PUT", url(team, f"/{task.id}")),
                             ("DELETE", url(team, f"/{task.id}"))):
            r = client.request(method, path, json={"name": "x"}, headers=h)
            assert (r.status_code, r.json()) == (403, denied), method

    def test_validation_is_400(self, client: TestClient, db: Session) -> None:
        team = make_team(db)
        make_task(db, project=team.project, name="Taken")
        stranger = make_user(db)
        h = token_auth(team.admin)
        cases = [
            ({"name": "tAKEN"}, "Name has already been taken"),
            ({}, "Name can't be blank"),
            ({"name": "  "}, "Name can't be blank"),
            ({"name": "x", "estimated_seconds": -1}, "Estimated seconds can't be negative"),
            ({"name": "x", "estimated_seconds": True}, "Invalid estimated_seconds"),
            ({"name": "x", "estimated_seconds": 2**40}, "Invalid estimated_seconds"),
            ({"name": "x", "user_id": stranger.id}, "User is not a member of this workspace"),
            ({"name": "x", "user_id": "abc"}, "Invalid user_id"),
            ({"name": "x", "active": "yes"}, "Invalid active"),
            ({"name": 5}, "Invalid name"),
        ]
        for body, message in cases:
            r = client.post(url(team), json=body, headers=h)
            assert (r.status_code, r.json()) == (400, message), body
        r = client.post(url(team), content=b"[1]", headers=h)
        assert r.status_code == 400
        r = client.post(url(team), content=b"{bad", headers=h)
        assert r.status_code == 400
        assert db.scalars(select(Task.name)).all() == ["Taken"]

    def test_numeric_strings_are_ids(self, client: TestClient, db: Session) -> None:
        team = make_team(db)
        r = client.post(url(team), json={"name": "x", "user_id": str(team.member.id)}, headers=token_auth(team.admin))
        assert documented(client).check("POST", TASKS, r)["user_id"] == team.member.id


class TestBulkPatch:
    def test_each_id_on_its_own(self, client: TestClient, db: Session) -> None:
        team = make_team(db)
        one = make_task(db, project=team.project, name="one")
        two = make_task(db, project=team.project, name="two", user_id=team.member.id)
        other = make_task(db, project=make_project(db, workspace_id=team.ws.id, name="Other"), name="three")
        doc = [{"op": "replace", "path": "/active", "value": False},
               {"op": "add", "path": "/estimated_seconds", "value": 90},
               {"op": "remove", "path": "/user_id"}]
        r = client.patch(url(team, f"/{two.id},{one.id},{other.id},999,{one.id}"), json=doc,
                         headers=token_auth(team.manager))
        assert documented(client).check("PATCH", TASKS + "/{task_ids}", r) == {
            "success": [two.id, one.id],
            "failure": [{"id": other.id, "message": "Task not found"}, {"id": 999, "message": "Task not found"}]}
        db.expire_all()
        assert [(t.id, t.active, t.estimated_seconds, t.user_id) for t in db.scalars(
            select(Task).order_by(Task.id))] == [(one.id, False, 90, None), (two.id, False, 90, None),
                                                 (other.id, True, 0, None)]

    def test_a_failing_id_keeps_its_values(self, client: TestClient, db: Session) -> None:
        team = make_team(db)
        one = make_task(db, project=team.project, name="one")
        two = make_task(db, project=team.project, name="two")
        doc = [{"op": "replace", "path": "/name", "value": "Same"},
               {"op": "replace", "path": "/estimated_seconds", "value": 5}]
        r = client.patch(url(team, f"/{one.id},{two.id}"), json=doc, headers=token_auth(team.admin))
        assert documented(client).check("PATCH", TASKS + "/{task_ids}", r) == {
            "success": [one.id], "failure": [{"id": two.id, "message": "Name has already been taken"}]}
        db.expire_all()
        assert [(t.name, t.estimated_seconds) for t in db.scalars(select(Task).order_by(Task.id))] == [
            ("Same", 5), ("two", 0)]

    def test_members_fail_per_id(self, client: TestClient, db: Session) -> None:
        team = make_team(db)
        one = make_task(db, project=team.project, name="one")
        r = client.patch(url(team, f"/{one.id}"), json=[{"op": "replace", "path": "/name", "value": "x"}],
                         headers=token_auth(team.member))
        assert documented(client).check("PATCH", TASKS + "/{task_ids}", r) == {"success": [], "failure": [
            {"id": one.id, "message": "Only workspace admins and project managers can do this"}]}

    def test_malformed_documents_change_nothing(self, client: TestClient, db: Session) -> None:
        team = make_team(db)
        one = make_task(db, project=team.project, name="one")
        cases = [
            ([{"op": "move", "path": "/name", "value": "x"}], BAD_OP),
            ([{"op": "replace", "path": "/project_id", "value": 1}], "Invalid patch path /project_id"),
            ([{"op": "remove", "path": "/name"}], "Invalid patch path /name"),
            ([{"op": "replace", "path": "/active", "value": "no"}], "Invalid active"),
            ([{"op": "replace", "path": "/estimated_seconds", "value": True}], "Invalid estimated_seconds"),
            ([{"op": "replace", "path": "/user_id", "value": "x"}], "Invalid user_id"),
            ([{"op": "replace", "path": "/name"}], "Invalid name"),
            ([], "The patch document changes nothing"),
            (["x"], BAD_OP),
        ]
        for doc, message in [*cases, ({"op": "replace"}, None)]:
            r = client.patch(url(team, f"/{one.id}"), json=doc, headers=token_auth(team.admin))
            assert r.status_code == 400, doc
            if message is not None:
                assert r.json() == message, doc
        ids = ",".join(str(i) for i in range(1, 102))
        r = client.patch(url(team, f"/{ids}"), json=[{"op": "replace", "path": "/active", "value": False}],
                         headers=token_auth(team.admin))
        assert (r.status_code, r.json()) == (400, "Too many ids (maximum 100)")
        db.expire_all()
        assert db.get(Task, one.id).name == "one"  # type: ignore[union-attr]
