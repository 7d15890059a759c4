"""API v9 task lists: the workspace envelope (40- §3.3), ``/me/tasks`` (20- §8) and ``/me``'s related tasks."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from punchclock.domain.actor import Actor, UserRecord
from punchclock.http.v9.schemas.tasks import related
from punchclock.models import Project, Task, User
from tests.api.v9.documented import documented
from tests.factories import (
    Team,
    add_member,
    add_project_user,
    at,
    count_queries,
    make_entry,
    make_project,
    make_task,
    make_team,
    make_user,
    make_workspace,
    token_auth,
)

LIST = "/workspaces/{workspace_id}/tasks"


@dataclass
class World:
    team: Team
    banana: Task
    apple: Task
    cherry: Task
    secret: Task


def stamp(db: Session, task: Task, created: str, updated: str, deleted: str | None = None) -> None:
    values: dict[str, Any] = {"created_at": at(created), "updated_at": at(updated)}
    if deleted is not None:
        values["deleted_at"] = at(deleted)
    db.execute(update(Task).where(Task.id == task.id).values(**values))
    db.commit()


def world(db: Session) -> World:
    """banana (P), Apple (P, done), cherry (Other) and secret (a private project only the admin sees)."""
    team = make_team(db)
    other = make_project(db, workspace_id=team.ws.id, name="Other")
    hidden = make_project(db, workspace_id=team.ws.id, name="Hidden", is_private=True)
    banana = make_task(db, project=team.project, name="banana")
    apple = make_task(db, project=team.project, name="Apple", active=False)
    cherry = make_task(db, project=other, name="cherry")
    secret = make_task(db, project=hidden, name="secret")
    stamp(db, banana, "2025-01-03T00:00:00Z", "2025-02-01T00:00:00Z")
    stamp(db, apple, "2025-01-01T00:00:00Z", "2025-02-02T00:00:00Z")
    stamp(db, cherry, "2025-01-02T00:00:00Z", "2025-02-03T00:00:00Z")
    stamp(db, secret, "2025-01-04T00:00:00Z", "2025-02-04T00:00:00Z")
    return World(team, banana, apple, cherry, secret)


def page(client: TestClient, user: User, wid: int, **params: Any) -> dict[str, Any]:
    r = client.get(f"/api/v9/workspaces/{wid}/tasks", params=params, headers=token_auth(user))
    body: dict[str, Any] = documented(client).check("GET", LIST, r)
    return body


def names(body: dict[str, Any] | list[dict[str, Any]]) -> list[str]:
    rows = body["data"] if isinstance(body, dict) else body
    return [t["name"] for t in rows]


class TestWorkspaceTasks:
    def test_envelope_defaults(self, client: TestClient, db: Session) -> None:
        w = world(db)
        body = page(client, w.team.member, w.team.ws.id)
        assert {k: v for k, v in body.items() if k != "data"} == {
            "page": 1, "per_page": 50, "total_count": 3, "sort_field": "name", "sort_order": "ASC"}
        assert names(body) == ["Apple", "banana", "cherry"]
        assert body["data"][0]["project_name"] == "P" and body["data"][2]["project_name"] == "Other"
        assert names(page(client, w.team.admin, w.team.ws.id)) == ["Apple", "banana", "cherry", "secret"]

    def test_paging_and_sorting(self, client: TestClient, db: Session) -> None:
        w = world(db)
        m, wid = w.team.member, w.team.ws.id
        second = page(client, m, wid, page=2, per_page=2)
        assert (names(second), second["page"], second["per_page"], second["total_count"]) == (["cherry"], 2, 2, 3)
        past = page(client, m, wid, page=3, per_page=2)
        assert (past["data"], past["total_count"]) == ([], 3)
        first = page(client, m, wid, per_page=2)
        assert (names(first), first["total_count"]) == (["Apple", "banana"], 3)
        assert page(client, m, wid, per_page=500)["per_page"] == 200
        newest = page(client, m, wid, sort_field="created_at", sort_order="desc")
        assert (names(newest), newest["sort_field"], newest["sort_order"]) == (
            ["banana", "cherry", "Apple"], "created_at", "DESC")
        assert names(page(client, m, wid, sort_order="DESC")) == ["cherry", "banana", "Apple"]

    def test_filters(self, client: TestClient, db: Session) -> None:
        w = world(db)
        m, wid = w.team.member, w.team.ws.id
        assert names(page(client, m, wid, active="true")) == ["banana", "cherry"]
        assert names(page(client, m, wid, active="false")) == ["Apple"]
        assert names(page(client, m, wid, active="both")) == ["Apple", "banana", "cherry"]
        assert names(page(client, m, wid, pid=w.team.project.id)) == ["Apple", "banana"]
        assert names(page(client, m, wid, search="AN")) == ["banana"]
        assert names(page(client, m, wid, search="%")) == []
        assert names(page(client, m, wid, start_date="2020-01-01", end_date="2020-01-02")) == [
            "Apple", "banana", "cherry"]
        counted = page(client, m, wid, active="true", per_page=1)
        assert (names(counted), counted["total_count"]) == (["banana"], 2)

    def test_since_lists_tombstones(self, client: TestClient, db: Session) -> None:
        w = world(db)
        stamp(db, w.banana, "2025-01-03T00:00:00Z", "2025-03-01T00:00:00Z", deleted="2025-03-01T00:00:00Z")
        since = int(at("2025-02-02T00:00:00Z").timestamp())
        body = page(client, w.team.member, w.team.ws.id, since=since)
        assert [(t["name"], t["server_deleted_at"]) for t in body["data"]] == [
            ("banana", "2025-03-01T00:00:00+00:00"), ("cherry", None)]
        assert names(page(client, w.team.member, w.team.ws.id)) == ["Apple", "cherry"]

    def test_free_workspace_is_empty(self, client: TestClient, db: Session) -> None:
        team = make_team(db, premium=False)
        make_task(db, project=team.project)
        body = page(client, team.admin, team.ws.id)
        assert (body["data"], body["total_count"]) == ([], 0)

    def test_bad_parameters(self, client: TestClient, db: Session) -> None:
        w = world(db)
        h, base = token_auth(w.team.member), f"/api/v9/workspaces/{w.team.ws.id}/tasks"
        for params, message in (({"sort_field": "at"}, "Invalid sort_field"),
                                ({"sort_order": "up"}, "Invalid sort_order"),
                                ({"per_page": "0"}, "Invalid per_page"), ({"page": "x"}, "Invalid page"),
                                ({"active": "x"}, "Invalid active"), ({"pid": "x"}, "Invalid pid"),
                                ({"since": "yesterday"}, "Invalid since")):
            r = client.get(base, params=params, headers=h)
            assert (r.status_code, r.json()) == (400, message), params
        r = client.get(f"/api/v9/workspaces/{w.team.outsider.default_workspace_id}/tasks", headers=h)
        assert (r.status_code, r.json()) == (403, "Workspace not found/accessible")


class TestMeTasks:
    def test_active_tasks_of_premium_workspaces_by_id(self, client: TestClient, db: Session) -> None:
        w = world(db)
        free = make_workspace(db, admin=w.team.admin, name="Free", premium=False)
        add_member(db, free, w.team.member)
        make_task(db, project=make_project(db, workspace_id=free.id, name="F"), name="free task")
        personal = w.team.member.default_workspace_id
        assert personal is not None
        own = make_task(db, project=make_project(db, workspace_id=personal, name="Mine"), name="mine")
        spec, h = documented(client), token_auth(w.team.member)
        body = spec.check("GET", "/me/tasks", client.get("/api/v9/me/tasks", headers=h))
        assert [t["id"] for t in body] == [w.banana.id, w.cherry.id, own.id]
        assert body[0] == {
            "id": w.banana.id, "name": "banana", "workspace_id": w.team.ws.id, "project_id": w.team.project.id,
            "wid": w.team.ws.id, "pid": w.team.project.id, "uid": None,
            "user_id": None, "user_name": None, "toggl_accounts_id": None, "active": True, "estimated_seconds": 0,
            "tracked_seconds": 0, "project_name": "P", "project_color": "#4dc3ff", "project_billable": False,
            "project_is_private": False, "client_id": None, "client_name": None, "at": "2025-02-01T00:00:00+00:00",
            "server_deleted_at": None, "recurring": False, "rate": None, "rate_last_updated": None,
            "avatar_url": None, "permissions": None}
        every = spec.check("GET", "/me/tasks", client.get("/api/v9/me/tasks", params={
            "include_not_active": "true", "meta": "true"}, headers=h))
        assert [t["id"] for t in every] == [w.banana.id, w.apple.id, w.cherry.id, own.id]
        window = spec.check("GET", "/me/tasks", client.get("/api/v9/me/tasks", params={
            "include_not_active": "true", "offset": 1, "per_page": 2}, headers=h))
        assert [t["id"] for t in window] == [w.apple.id, w.cherry.id]
        r = client.get("/api/v9/me/tasks", params={"per_page": "0"}, headers=h)
        assert (r.status_code, r.json()) == (400, "Invalid per_page")

    def test_since_and_private_projects(self, client: TestClient, db: Session) -> None:
        w = world(db)
        stamp(db, w.cherry, "2025-01-02T00:00:00Z", "2025-03-01T00:00:00Z", deleted="2025-03-01T00:00:00Z")
        h = token_auth(w.team.member)
        since = int(at("2025-02-01T12:00:00Z").timestamp())
        body = documented(client).check("GET", "/me/tasks", client.get("/api/v9/me/tasks", params={"since": since},
                                                                        headers=h))
        assert [(t["name"], t["server_deleted_at"]) for t in body] == [("cherry", "2025-03-01T00:00:00+00:00")]
        hidden = db.get(Project, w.secret.project_id)
        assert hidden is not None
        add_project_user(db, hidden, w.team.member)
        body = documented(client).check("GET", "/me/tasks", client.get("/api/v9/me/tasks", headers=h))
        assert names(body) == ["banana", "secret"]


def actor_of(db: Session, user: User, workspaces: dict[int, bool]) -> Actor:
    record = UserRecord(**{f.name: getattr(user, f.name) for f in fields(UserRecord)})
    return Actor(user=record, workspaces=workspaces)


def test_related_is_the_default_me_tasks(client: TestClient, db: Session) -> None:
    w = world(db)
    outsider = make_user(db)
    r = client.get("/api/v9/me/tasks", headers=token_auth(w.team.member))
    personal = w.team.member.default_workspace_id
    assert personal is not None
    actor = actor_of(db, w.team.member, {w.team.ws.id: False, personal: True})
    settings = client.app.state.settings  # type: ignore[attr-defined]
    assert related(db, actor, settings) == r.json()
    assert names(related(db, actor, settings)) == ["banana", "cherry"]
    assert related(db, actor_of(db, outsider, {}), settings) == []


def test_lists_run_a_fixed_number_of_statements(client: TestClient, db: Session) -> None:
    """One statement for the rows (tracked time, project, client and assignee included), whatever their number."""
    team = make_team(db)
    h = token_auth(team.member)
    paths = ["/api/v9/me/tasks", f"/api/v9/workspaces/{team.ws.id}/tasks",
             f"/api/v9/workspaces/{team.ws.id}/projects/{team.project.id}/tasks"]
    make_task(db, project=team.project, name="t0", user_id=team.member.id)

    def statements() -> list[int]:
        counts = []
        for path in paths:
            with count_queries(client.app) as counter:
                assert client.get(path, headers=h).status_code == 200
            counts.append(counter[0])
        return counts

    few = statements()
    for i in range(1, 6):
        task = make_task(db, project=team.project, name=f"t{i}", user_id=team.admin.id)
        make_entry(db, user=team.member, start="2025-03-03T09:00:00Z", workspace_id=team.ws.id,
                   project_id=team.project.id, task_id=task.id)
    assert statements() == few
