"""togglCli's task routes without the project segment (40- §3.4, V-13), and tasks across v9, v8 and Reports v2."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from punchclock.models import Task
from tests.api.v9.documented import documented
from tests.factories import at, make_entry, make_project, make_task, make_team, token_auth

ONE = "/workspaces/{workspace_id}/tasks/{task_id}"


class TestCompatibilityRoutes:
    def test_create_with_pid_and_uid(self, client: TestClient, db: Session) -> None:
        team = make_team(db)
        other = make_project(db, workspace_id=team.ws.id, name="Other")
        h, base = token_auth(team.manager), f"/api/v9/workspaces/{team.ws.id}/tasks"
        r = client.post(base, json={"name": "CLI", "pid": team.project.id, "uid": team.member.id,
                                    "estimated_seconds": 10}, headers=h)
        body = documented(client).check("POST", "/workspaces/{workspace_id}/tasks", r)
        assert (body["name"], body["project_id"], body["project_name"], body["user_id"], body["user_name"],
                body["estimated_seconds"]) == ("CLI", team.project.id, "P", team.member.id, "Lena Berg", 10)
        r = client.post(base, json={"name": "Both", "project_id": other.id, "pid": team.project.id},
                        headers=token_auth(team.admin))
        assert documented(client).check("POST", "/workspaces/{workspace_id}/tasks", r)["project_id"] == other.id
        assert db.scalars(select(Task.project_id).order_by(Task.id)).all() == [team.project.id, other.id]

    def test_create_needs_a_project_of_the_workspace(self, client: TestClient, db: Session) -> None:
        team = make_team(db)
        foreign = make_team(db)
        h, base = token_auth(team.admin), f"/api/v9/workspaces/{team.ws.id}/tasks"
        r = client.post(base, json={"name": "x"}, headers=h)
        assert (r.status_code, r.json()) == (400, "Project can't be blank")
        r = client.post(base, json={"name": "x", "pid": None}, headers=h)
        assert (r.status_code, r.json()) == (400, "Project can't be blank")
        r = client.post(base, json={"name": "x", "pid": foreign.project.id}, headers=h)
        assert (r.status_code, r.json()) == (404, "Project not found")
        r = client.post(base, json={"name": "x", "pid": "abc"}, headers=h)
        assert (r.status_code, r.json()) == (400, "Invalid project_id")
        assert db.scalars(select(Task)).all() == []

    def test_get_update_delete_by_workspace(self, client: TestClient, db: Session) -> None:
        team = make_team(db)
        task = make_task(db, project=team.project, name="Old")
        h, path = token_auth(team.manager), f"/api/v9/workspaces/{team.ws.id}/tasks/{task.id}"
        spec = documented(client)
        assert spec.check("GET", ONE, client.get(path, headers=token_auth(team.member)))["name"] == "Old"
        body = spec.check("PUT", ONE, client.put(path, json={"name": "New", "active": False, "uid": team.admin.id},
                                                 headers=h))
        assert (body["name"], body["active"], body["user_id"]) == ("New", False, team.admin.id)
        assert spec.check("DELETE", ONE, client.delete(path, headers=h)) is None
        r = client.get(path, headers=h)
        assert (r.status_code, r.json()) == (404, "Task not found")

    def test_task_of_another_workspace_is_not_found(self, client: TestClient, db: Session) -> None:
        team = make_team(db)
        assert team.admin.default_workspace_id is not None
        elsewhere = make_project(db, workspace_id=team.admin.default_workspace_id, name="Own")
        task = make_task(db, project=elsewhere)
        h = token_auth(team.admin)
        for method in ("GET", "PUT", "DELETE"):
            r = client.request(method, f"/api/v9/workspaces/{team.ws.id}/tasks/{task.id}", json={"name": "x"},
                               headers=h)
            assert (r.status_code, r.json()) == (404, "Task not found"), method

    def test_writes_are_402_on_a_free_workspace(self, client: TestClient, db: Session) -> None:
        team = make_team(db, premium=False)
        task = make_task(db, project=team.project)
        h, base = token_auth(team.admin), f"/api/v9/workspaces/{team.ws.id}/tasks"
        paid = (402, "Tasks are available for paid workspaces only")
        r = client.post(base, json={"name": "x", "pid": team.project.id}, headers=h)
        assert (r.status_code, r.json()) == paid
        for method in ("PUT", "DELETE"):
            r = client.request(method, f"{base}/{task.id}", json={"name": "x"}, headers=h)
            assert (r.status_code, r.json()) == paid, method
        r = client.get(f"{base}/{task.id}", headers=h)
        assert documented(client).check("GET", ONE, r)["name"] == "Task"


def test_create_in_v9_read_in_v8_and_reports_change_in_v8_read_in_v9(client: TestClient, db: Session) -> None:
    team = make_team(db)
    admin, wid, pid = token_auth(team.admin), team.ws.id, team.project.id
    r = client.post(f"/api/v9/workspaces/{wid}/projects/{pid}/tasks",
                    json={"name": "Wireframes", "user_id": team.member.id, "estimated_seconds": 3600}, headers=admin)
    tid = documented(client).check("POST", "/workspaces/{workspace_id}/projects/{project_id}/tasks", r)["id"]
    db.execute(update(Task).where(Task.id == tid).values(updated_at=at("2025-03-01T10:00:00Z")))
    db.commit()
    entry = make_entry(db, user=team.member, start="2025-03-03T09:00:00Z", seconds=5400, workspace_id=wid,
                       project_id=pid, task_id=tid)

    r = client.get(f"/api/v8/tasks/{tid}", params={"fields": "uname"}, headers=admin)
    assert r.json() == {"data": {"id": tid, "name": "Wireframes", "wid": wid, "pid": pid, "uid": team.member.id,
                                 "active": True, "estimated_seconds": 3600, "tracked_seconds": 5400,
                                 "uname": "Lena Berg", "at": "2025-03-01T10:00:00+00:00"}}
    r = client.get("/reports/api/v2/details", params={"workspace_id": wid, "since": "2025-03-01",
                                                      "until": "2025-03-07", "user_agent": "tests"}, headers=admin)
    assert [(row["id"], row["tid"], row["task"], row["project"]) for row in r.json()["data"]] == [
        (entry.id, tid, "Wireframes", "P")]

    r = client.put(f"/api/v8/tasks/{tid}", json={"task": {"name": "Mockups", "active": False,
                                                          "uid": team.admin.id, "estimated_seconds": 60}},
                   headers=admin)
    assert r.status_code == 200, r.text
    db.execute(update(Task).where(Task.id == tid).values(updated_at=at("2025-03-05T08:00:00Z")))
    db.commit()
    r = client.get(f"/api/v9/workspaces/{wid}/projects/{pid}/tasks/{tid}", headers=admin)
    assert documented(client).check("GET", "/workspaces/{workspace_id}/projects/{project_id}/tasks/{task_id}", r) == {
        "id": tid, "name": "Mockups", "workspace_id": wid, "project_id": pid, "user_id": team.admin.id,
        "wid": wid, "pid": pid, "uid": team.admin.id, "user_name": "Mara Quint",
        "toggl_accounts_id": str(team.admin.id).zfill(22), "active": False,
        "estimated_seconds": 60, "tracked_seconds": 5400000, "project_name": "P", "project_color": "#4dc3ff",
        "project_billable": False, "project_is_private": False, "client_id": None, "client_name": None,
        "at": "2025-03-05T08:00:00+00:00", "server_deleted_at": None, "recurring": False, "rate": None,
        "rate_last_updated": None, "avatar_url": None, "permissions": None}
    r = client.get("/reports/api/v2/details", params={"workspace_id": wid, "since": "2025-03-01",
                                                      "until": "2025-03-07", "user_agent": "tests"}, headers=admin)
    assert [row["task"] for row in r.json()["data"]] == ["Mockups"]
