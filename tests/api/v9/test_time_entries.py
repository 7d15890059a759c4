"""API v9 time entries: create (50- §3) and the object (50- §1)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from punchclock.http.avatar import path_for
from punchclock.models import Tag, TimeEntry, User, Workspace
from tests.api.v9.documented import documented
from tests.factories import (
    add_member,
    make_client,
    make_entry,
    make_project,
    make_tag,
    make_task,
    make_user,
    make_workspace,
    token_auth,
)

V9 = "/api/v9"
CREATE = "/workspaces/{workspace_id}/time_entries"
KEYS = ["id", "workspace_id", "wid", "project_id", "pid", "task_id", "tid", "user_id", "uid", "billable", "start",
        "stop", "duration", "description", "tags", "tag_ids", "duronly", "at", "server_deleted_at", "shared_with",
        "permissions", "expense_ids"]


def post(client: TestClient, user: User, ws_id: int, query: str = "", /, **body: Any) -> Response:
    body.setdefault("created_with", "pytest")
    return client.post(f"{V9}/workspaces/{ws_id}/time_entries{query}", headers=token_auth(user), json=body)


def created(client: TestClient, user: User, ws_id: int, query: str = "", /, **body: Any) -> dict[str, Any]:
    out: dict[str, Any] = documented(client).check("POST", CREATE, post(client, user, ws_id, query, **body))
    return out


def epoch(text: str) -> int:
    return int(datetime.fromisoformat(text).timestamp())


def stored_at(db: Session, entry_id: int) -> str:
    db.expire_all()
    entry = db.get(TimeEntry, entry_id)
    assert entry is not None
    return entry.updated_at.astimezone(UTC).isoformat(timespec="seconds")


def error(response: Response, status: int) -> Any:
    assert response.status_code == status, response.text
    return response.json()


class TestCreate:
    def test_stopped_entry_every_key_in_order(self, client: TestClient, db: Session) -> None:
        user = make_user(db, timezone="Europe/Berlin")
        wid = user.default_workspace_id
        kept = make_tag(db, workspace_id=wid, name="beta")
        body = created(client, user, wid, description="Review", start="2024-05-02T09:00:00.123456Z",
                       stop="2024-05-02T12:30:00+02:00", tags=["Alpha", "beta"], tag_ids=[kept.id])
        db.rollback()
        alpha = db.scalars(select(Tag).where(Tag.name == "Alpha")).one()
        assert list(body) == KEYS
        assert body == {
            "id": body["id"], "workspace_id": wid, "wid": wid, "project_id": None, "pid": None, "task_id": None,
            "tid": None, "user_id": user.id, "uid": user.id, "billable": False,
            "start": "2024-05-02T09:00:00+00:00", "stop": "2024-05-02T10:30:00+00:00",
            "duration": 5400, "description": "Review", "tags": ["Alpha", "beta"],
            "tag_ids": [alpha.id, kept.id], "duronly": True, "at": stored_at(db, body["id"]),
            "server_deleted_at": None, "shared_with": None, "permissions": None, "expense_ids": [],
        }

    def test_stop_before_start_is_400(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = post(client, user, user.default_workspace_id, start="2024-05-02T09:00:00Z",
                 stop="2024-05-02T10:30:00+02:00")
        assert error(r, 400) == "Stop time must be after start time"

    def test_duration_gives_stop_and_tag_ids_follow_names(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = user.default_workspace_id
        zed, apple = make_tag(db, workspace_id=wid, name="zed"), make_tag(db, workspace_id=wid, name="Apple")
        body = created(client, user, wid, start="2024-05-02T09:00:00+02:00", duration=5400,
                       tag_ids=[zed.id, apple.id], tags=["ZED"])
        assert (body["start"], body["stop"], body["duration"]) == (
            "2024-05-02T07:00:00+00:00", "2024-05-02T08:30:00+00:00", 5400)
        assert (body["tags"], body["tag_ids"]) == (["Apple", "zed"], [apple.id, zed.id])

    def test_running_entry_stops_the_other(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = user.default_workspace_id
        first = created(client, user, wid, start="2024-05-02T08:00:00Z", duration=-1)
        assert (first["stop"], first["duration"]) == (None, -epoch("2024-05-02T08:00:00+00:00"))
        second = created(client, user, wid, start="2024-05-02T09:00:00Z", duration=-1714640400)
        assert second["stop"] is None
        r = client.get(f"{V9}/me/time_entries/{first['id']}", headers=token_auth(user))
        old = documented(client).check("GET", "/me/time_entries/{time_entry_id}", r)
        assert (old["stop"], old["duration"]) == ("2024-05-02T09:00:00+00:00", 3600)

    def test_togglcli_start_body(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = user.default_workspace_id
        body = created(client, user, wid, id=None, workspace_id=wid, description="Review", project_id=None,
                       start="2024-05-02T09:00:00.123456Z", stop=None, duration=-1714640400,
                       created_with="TogglCLI", tags=None)
        assert (body["start"], body["stop"], body["tags"], body["tag_ids"]) == (
            "2024-05-02T09:00:00+00:00", None, [], [])

    def test_short_names_and_the_long_name_wins(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = user.default_workspace_id
        p1 = make_project(db, workspace_id=wid, name="One")
        p2 = make_project(db, workspace_id=wid, name="Two")
        body = created(client, user, wid, wid=wid, pid=p1.id, start="2024-05-02T09:00:00Z", duration=60)
        assert (body["project_id"], body["pid"]) == (p1.id, p1.id)
        body = created(client, user, wid, project_id=p2.id, pid=p1.id, start="2024-05-02T10:00:00Z", duration=60)
        assert (body["project_id"], body["pid"]) == (p2.id, p2.id)

    def test_start_date_replaces_the_date_in_the_callers_zone(self, client: TestClient, db: Session) -> None:
        user = make_user(db, timezone="Europe/Berlin")
        body = created(client, user, user.default_workspace_id, start="2024-05-02T23:30:00Z",
                       start_date="2024-06-10", duration=60)
        # 23:30 UTC is 01:30 on May 3 in Berlin; that time of day on June 10 (CEST) is 23:30 UTC on June 9.
        assert body["start"] == "2024-06-09T23:30:00+00:00"

    def test_task_sets_project_on_premium(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        ws = db.get(Workspace, user.default_workspace_id)
        assert ws is not None
        ws.premium = True
        db.commit()
        project = make_project(db, workspace_id=ws.id)
        task = make_task(db, project=project)
        body = created(client, user, ws.id, tid=task.id, start="2024-05-02T09:00:00Z", duration=60)
        assert (body["task_id"], body["tid"], body["project_id"]) == (task.id, task.id, project.id)

    def test_admin_files_for_a_member(self, client: TestClient, db: Session) -> None:
        admin, member = make_user(db), make_user(db)
        ws = make_workspace(db, admin=admin)
        add_member(db, ws, member)
        body = created(client, admin, ws.id, user_id=member.id, start="2024-05-02T09:00:00Z", duration=60)
        assert (body["user_id"], body["uid"]) == (member.id, member.id)
        r = post(client, member, ws.id, uid=admin.id, start="2024-05-02T09:00:00Z", duration=60)
        assert error(r, 403) == "Only workspace admins can do this"

    def test_meta_extras(self, client: TestClient, db: Session) -> None:
        user = make_user(db, fullname="Mara Quint")
        wid = user.default_workspace_id
        acme = make_client(db, workspace_id=wid, name="Acme")
        project = make_project(db, workspace_id=wid, name="Site", client_id=acme.id, color=6, billable=True)
        body = created(client, user, wid, "?meta=true", project_id=project.id, start="2024-05-02T09:00:00Z",
                       duration=60)
        assert list(body)[len(KEYS):] == ["client_id", "client_name", "project_name", "project_color",
                                          "project_active", "project_billable", "task_name", "user_name",
                                          "user_avatar_url"]
        assert {k: body[k] for k in list(body)[len(KEYS):]} == {
            "client_id": acme.id, "client_name": "Acme", "project_name": "Site", "project_color": "#14a88e",
            "project_active": True, "project_billable": True, "task_name": None, "user_name": "Mara Quint",
            "user_avatar_url": "http://testserver" + path_for(user.fullname, user.email, user.id)}


class TestCreateErrors:
    def test_required_fields(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = user.default_workspace_id
        r = client.post(f"{V9}/workspaces/{wid}/time_entries", headers=token_auth(user),
                        json={"start": "2024-05-02T09:00:00Z", "duration": 5})
        assert error(r, 400) == "created_with is required"
        assert error(post(client, user, wid, duration=5), 400) == "start can't be blank"
        assert error(post(client, user, wid, start="2024-05-02T09:00:00Z"), 400) == "duration or stop is required"

    def test_bad_values(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = user.default_workspace_id
        start = "2024-05-02T09:00:00Z"
        assert error(post(client, user, wid, start="yesterday", duration=5), 400) == "Invalid start"
        assert error(post(client, user, wid, start=start, duration=5, billable="yes"), 400) == "Invalid billable"
        assert error(post(client, user, wid, start=start, duration=5, tag_ids=[987]), 400) == "Tag 987 not found"
        assert error(post(client, user, wid, start=start, duration=5, start_date="05/02"), 400) == \
            "Invalid start_date"
        other = make_user(db)
        assert error(post(client, user, wid, start=start, duration=5, workspace_id=other.default_workspace_id),
                     400) == "workspace_id does not match the path"
        r = client.post(f"{V9}/workspaces/{wid}/time_entries", headers=token_auth(user), json=["x"])
        assert r.status_code == 400
        assert db.scalars(select(TimeEntry)).all() == []

    def test_foreign_workspace_is_403(self, client: TestClient, db: Session) -> None:
        user, other = make_user(db), make_user(db)
        r = post(client, user, other.default_workspace_id, start="2024-05-02T09:00:00Z", duration=5)
        assert error(r, 403) == "Workspace not found/accessible"

    def test_project_of_another_workspace_is_404(self, client: TestClient, db: Session) -> None:
        user, other = make_user(db), make_user(db)
        project = make_project(db, workspace_id=other.default_workspace_id)
        r = post(client, user, user.default_workspace_id, project_id=project.id, start="2024-05-02T09:00:00Z",
                 duration=5)
        assert error(r, 404) == "Project not found"

    def test_only_admins_may_create_tags(self, client: TestClient, db: Session) -> None:
        admin, member = make_user(db), make_user(db)
        ws = make_workspace(db, admin=admin, only_admins_may_create_tags=True)
        add_member(db, ws, member)
        make_tag(db, workspace_id=ws.id, name="known")
        start = "2024-05-02T09:00:00Z"
        r = post(client, member, ws.id, start=start, duration=5, tags=["KNOWN", "new"])
        assert error(r, 403) == "Only workspace admins may create tags here"
        assert db.scalars(select(TimeEntry)).all() == []
        assert created(client, member, ws.id, start=start, duration=5, tags=["Known"])["tags"] == ["known"]
        assert created(client, admin, ws.id, start=start, duration=5, tags=["new"])["tags"] == ["new"]
        db.rollback()
        tag = db.scalars(select(Tag).where(Tag.name == "new")).one()
        assert tag.creator_id == admin.id


def test_reading_other_users_entry_is_404(client: TestClient, db: Session) -> None:
    user, other = make_user(db), make_user(db)
    entry = make_entry(db, user=other, start="2024-05-02T09:00:00Z")
    r = client.get(f"{V9}/me/time_entries/{entry.id}", headers=token_auth(user))
    assert error(r, 404) == "Time entry not found"
