"""GET /me?with_related_data=true, with and without ``since`` (10-users-and-auth §2.1, O-54, O-55)."""

from __future__ import annotations

import time
from datetime import timedelta
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from punchclock.models import Tag, User, Workspace
from punchclock.models._common import utcnow
from tests.factories import (
    add_member,
    add_project_user,
    at,
    make_client,
    make_entry,
    make_project,
    make_tag,
    make_task,
    make_user,
    make_workspace,
    token_auth,
)

KEYS = ["workspaces", "clients", "projects", "tasks", "tags", "time_entries"]
T = at("2023-10-01T00:00:00Z")
T_EPOCH = int(T.timestamp())
BEFORE = at("2023-09-30T23:59:59Z")
AFTER = at("2023-10-01T00:00:01Z")


def related(client: TestClient, user: User, query: str = "") -> dict[str, Any]:
    before = int(time.time())
    r = client.get(f"/api/v8/me?with_related_data=true{query}", headers=token_auth(user))
    after = int(time.time())
    assert r.status_code == 200
    body = r.json()
    assert before <= body["since"] <= after
    return body["data"]  # type: ignore[no-any-return]


def ids(items: list[dict[str, Any]]) -> list[int]:
    return [i["id"] for i in items]


def touch_tag(db: Session, tag: Tag, *, updated: Any = None, deleted: Any = None) -> None:
    if deleted is not None:
        tag.deleted_at = deleted
    tag.updated_at = updated
    db.commit()


class TestRelatedDataWithoutSince:
    def test_every_key_present_for_a_fresh_user(self, client: TestClient, db: Session) -> None:
        me = make_user(db)
        data = related(client, me)
        assert {k: data[k] for k in KEYS[1:]} == {k: [] for k in KEYS[1:]}
        assert ids(data["workspaces"]) == [me.default_workspace_id]
        assert data["id"] == me.id and data["api_token"] == me.api_token

    def test_visible_live_objects_of_active_workspaces(self, client: TestClient, db: Session) -> None:
        me, boss, stranger = make_user(db), make_user(db), make_user(db)
        own = me.default_workspace_id
        team = make_workspace(db, admin=boss, name="Team", only_admins_see_billable_rates=True)
        add_member(db, team, me)
        pending = make_workspace(db, admin=boss, name="Pending")
        add_member(db, pending, me, active=False)
        free = make_workspace(db, admin=me, name="Free", premium=False)
        # clients
        c_own = make_client(db, workspace_id=own, name="Northwind", updated_at=at("2023-09-02T08:00:00Z"))
        c_team = make_client(db, workspace_id=team.id, name="Rated", hourly_rate=Decimal("50"), currency="EUR",
                             updated_at=at("2023-09-02T08:00:00Z"))
        make_client(db, workspace_id=own, name="Gone", deleted_at=at("2023-09-03T00:00:00Z"))
        make_client(db, workspace_id=pending.id, name="Pending client")
        make_client(db, workspace_id=stranger.default_workspace_id, name="Foreign")
        # projects
        p_live = make_project(db, workspace_id=own, name="Live", client_id=c_own.id)
        p_archived = make_project(db, workspace_id=own, name="Archived", active=False)
        make_project(db, workspace_id=own, name="Deleted", deleted_at=at("2023-09-03T00:00:00Z"))
        make_project(db, workspace_id=team.id, name="Secret", is_private=True)
        p_mine = make_project(db, workspace_id=team.id, name="Mine", is_private=True)
        add_project_user(db, p_mine, me)
        p_free = make_project(db, workspace_id=free.id, name="Free project")
        # tasks: active ones of visible projects in premium workspaces
        t_live = make_task(db, project=p_live, name="Layout", estimated_seconds=7200, user_id=me.id,
                           updated_at=at("2023-09-04T10:00:00Z"))
        make_task(db, project=p_live, name="Done", active=False)
        make_task(db, project=p_live, name="Removed", deleted_at=at("2023-09-05T00:00:00Z"))
        t_archived = make_task(db, project=p_archived, name="Old but active")
        make_task(db, project=p_free, name="Not premium")
        # tags
        tag_own = make_tag(db, workspace_id=own, name="invoiced")
        touch_tag(db, tag_own, updated=at("2023-09-03T12:00:00Z"))
        tag_team = make_tag(db, workspace_id=team.id, name="Alpha")
        touch_tag(db, make_tag(db, workspace_id=own, name="old"), updated=utcnow(), deleted=utcnow())
        make_tag(db, workspace_id=pending.id, name="pending-tag")
        # time entries: own, started within 9 days, plus the running one
        now = utcnow()
        e_recent = make_entry(db, user=me, start=now - timedelta(days=2), seconds=1800, project_id=p_live.id,
                              task_id=t_live.id, description="Homepage layout", tags=[tag_own],
                              workspace_id=own, billable=True)
        e_edge = make_entry(db, user=me, start=now - timedelta(days=8, hours=23), seconds=600,
                            workspace_id=team.id, tags=[tag_team])
        make_entry(db, user=me, start=now - timedelta(days=9, hours=1), seconds=600)
        e_running = make_entry(db, user=me, start=now - timedelta(days=20), seconds=None)
        make_entry(db, user=me, start=now - timedelta(days=1), seconds=60, deleted_at=now)
        make_entry(db, user=boss, start=now - timedelta(days=1), seconds=60, workspace_id=team.id)
        make_entry(db, user=stranger, start=now - timedelta(days=1), seconds=60)

        data = related(client, me)

        assert ids(data["workspaces"]) == [own, team.id, free.id]
        assert data["workspaces"][1]["admin"] is False and "default_hourly_rate" not in data["workspaces"][1]
        assert data["clients"] == [
            {"id": c_own.id, "wid": own, "name": "Northwind", "at": "2023-09-02T08:00:00+00:00"},
            {"id": c_team.id, "wid": team.id, "name": "Rated", "cur": "EUR", "at": "2023-09-02T08:00:00+00:00"},
        ]
        assert ids(data["projects"]) == [p_live.id, p_archived.id, p_mine.id, p_free.id]
        assert data["projects"][0]["cid"] == c_own.id and "server_deleted_at" not in data["projects"][0]
        assert ids(data["tasks"]) == [t_live.id, t_archived.id]
        assert data["tasks"][0] == {
            "id": t_live.id, "name": "Layout", "wid": own, "pid": p_live.id, "uid": me.id, "active": True,
            "estimated_seconds": 7200, "tracked_seconds": 1800, "at": "2023-09-04T10:00:00+00:00",
        }
        assert data["tags"] == [
            {"id": tag_own.id, "wid": own, "name": "invoiced", "at": "2023-09-03T12:00:00+00:00"},
            {"id": tag_team.id, "wid": team.id, "name": "Alpha", "at": data["tags"][1]["at"]},
        ]
        assert ids(data["time_entries"]) == [e_recent.id, e_edge.id, e_running.id]
        recent = data["time_entries"][0]
        start = now - timedelta(days=2)
        assert {k: recent[k] for k in ("wid", "pid", "tid", "uid", "billable", "start", "stop", "duration",
                                       "description", "tags")} == {
            "wid": own, "pid": p_live.id, "tid": t_live.id, "uid": me.id, "billable": True,
            "start": start.isoformat(), "stop": (start + timedelta(seconds=1800)).isoformat(),
            "duration": 1800, "description": "Homepage layout", "tags": ["invoiced"],
        }
        assert data["time_entries"][1]["tags"] == ["Alpha"]
        running = data["time_entries"][2]
        assert running["duration"] == -int((now - timedelta(days=20)).timestamp()) and "stop" not in running
        assert all("server_deleted_at" not in item for k in KEYS for item in data[k])

    def test_admin_sees_private_projects_of_own_workspace(self, client: TestClient, db: Session) -> None:
        me = make_user(db)
        secret = make_project(db, workspace_id=me.default_workspace_id, name="Secret", is_private=True)
        assert ids(related(client, me)["projects"]) == [secret.id]

    def test_helsinki_user_gets_local_offsets(self, client: TestClient, db: Session) -> None:
        me = make_user(db, timezone="Europe/Helsinki")
        c = make_client(db, workspace_id=me.default_workspace_id, name="C", updated_at=at("2023-01-10T08:00:00Z"))
        p = make_project(db, workspace_id=me.default_workspace_id, name="P", updated_at=at("2023-07-10T08:00:00Z"),
                         created_at=at("2023-01-10T08:00:00Z"))
        data = related(client, me)
        assert data["clients"] == [{"id": c.id, "wid": me.default_workspace_id, "name": "C",
                                    "at": "2023-01-10T10:00:00+02:00"}]
        assert (data["projects"][0]["id"], data["projects"][0]["at"], data["projects"][0]["created_at"]) == (
            p.id, "2023-07-10T11:00:00+03:00", "2023-01-10T10:00:00+02:00")

    def test_without_flag_no_related_keys(self, client: TestClient, db: Session) -> None:
        me = make_user(db)
        make_client(db, workspace_id=me.default_workspace_id, name="C")
        data = client.get("/api/v8/me", headers=token_auth(me)).json()["data"]
        assert not set(KEYS) & set(data)
        data = client.get("/api/v8/me?with_related_data=0", headers=token_auth(me)).json()["data"]
        assert not set(KEYS) & set(data)


class TestRelatedDataSince:
    def test_only_changes_after_since_including_deletions(self, client: TestClient, db: Session) -> None:
        me = make_user(db, timezone="Europe/Helsinki")
        own = me.default_workspace_id
        ws = db.get_one(Workspace, own)
        ws.updated_at = BEFORE
        changed_ws = make_workspace(db, admin=me, name="Changed", updated_at=AFTER)
        db.commit()
        make_client(db, workspace_id=own, name="Old", updated_at=BEFORE)
        make_client(db, workspace_id=own, name="Exactly T", updated_at=T)
        c_new = make_client(db, workspace_id=own, name="New", updated_at=AFTER)
        c_gone = make_client(db, workspace_id=own, name="Gone", updated_at=at("2023-10-02T06:00:00Z"),
                             deleted_at=at("2023-10-02T06:00:00Z"))
        make_client(db, workspace_id=own, name="Gone long ago", updated_at=BEFORE, deleted_at=BEFORE)
        make_project(db, workspace_id=own, name="Old", updated_at=BEFORE)
        p_gone = make_project(db, workspace_id=own, name="Gone", updated_at=AFTER, deleted_at=AFTER)
        p_old = make_project(db, workspace_id=own, name="Host", updated_at=BEFORE)
        t_done = make_task(db, project=p_old, name="Done", active=False, updated_at=AFTER)
        t_gone = make_task(db, project=p_old, name="Gone", updated_at=AFTER, deleted_at=AFTER)
        make_task(db, project=p_old, name="Unchanged", updated_at=BEFORE)
        tag_gone = make_tag(db, workspace_id=own, name="gone")
        touch_tag(db, tag_gone, updated=AFTER, deleted=AFTER)
        touch_tag(db, make_tag(db, workspace_id=own, name="stale"), updated=BEFORE)
        e_old_start = make_entry(db, user=me, start="2022-01-03T09:00:00Z", seconds=60, updated_at=AFTER)
        e_deleted = make_entry(db, user=me, start="2023-09-29T09:00:00Z", seconds=60, updated_at=AFTER,
                               deleted_at=AFTER)
        make_entry(db, user=me, start=utcnow() - timedelta(hours=1), seconds=60, updated_at=BEFORE)

        data = related(client, me, f"&since={T_EPOCH}")

        assert ids(data["workspaces"]) == [changed_ws.id]
        assert data["clients"] == [
            {"id": c_new.id, "wid": own, "name": "New", "at": "2023-10-01T03:00:01+03:00"},
            {"id": c_gone.id, "wid": own, "name": "Gone", "at": "2023-10-02T09:00:00+03:00",
             "server_deleted_at": "2023-10-02T09:00:00+03:00"},
        ]
        assert ids(data["projects"]) == [p_gone.id]
        assert data["projects"][0]["server_deleted_at"] == "2023-10-01T03:00:01+03:00"
        assert ids(data["tasks"]) == [t_done.id, t_gone.id]
        assert data["tasks"][0]["active"] is False and "server_deleted_at" not in data["tasks"][0]
        assert data["tasks"][1]["server_deleted_at"] == "2023-10-01T03:00:01+03:00"
        assert data["tags"] == [{"id": tag_gone.id, "wid": own, "name": "gone", "at": "2023-10-01T03:00:01+03:00",
                                 "server_deleted_at": "2023-10-01T03:00:01+03:00"}]
        assert ids(data["time_entries"]) == [e_old_start.id, e_deleted.id]
        assert data["time_entries"][0]["start"] == "2022-01-03T11:00:00+02:00"
        assert "server_deleted_at" not in data["time_entries"][0]
        assert data["time_entries"][1]["server_deleted_at"] == "2023-10-01T03:00:01+03:00"

    def test_top_level_since_round_trips(self, client: TestClient, db: Session) -> None:
        me = make_user(db)
        first = client.get("/api/v8/me?with_related_data=true", headers=token_auth(me)).json()
        assert ids(first["data"]["workspaces"]) == [me.default_workspace_id]
        time.sleep(1.1)  # later changes carry a later second than the returned since
        c = client.post("/api/v8/clients", headers=token_auth(me),
                        json={"client": {"name": "Fresh", "wid": me.default_workspace_id}}).json()["data"]
        second = related(client, me, f"&since={first['since']}")
        assert (second["workspaces"], ids(second["clients"])) == ([], [c["id"]])

    def test_since_far_in_future_or_past_is_clamped(self, client: TestClient, db: Session) -> None:
        me = make_user(db)
        assert ids(related(client, me, "&since=99999999999999")["workspaces"]) == []
        assert ids(related(client, me, "&since=-5")["workspaces"]) == [me.default_workspace_id]

    def test_invalid_since_is_400(self, client: TestClient, db: Session) -> None:
        me = make_user(db)
        r = client.get("/api/v8/me?with_related_data=true&since=last-week", headers=token_auth(me))
        assert (r.status_code, r.json()) == (400, ["Invalid since"])

    def test_tasks_of_non_premium_workspaces_never_listed(self, client: TestClient, db: Session) -> None:
        me = make_user(db)
        free = make_workspace(db, admin=me, name="Free", premium=False)
        p = make_project(db, workspace_id=free.id, name="P")
        make_task(db, project=p, name="T", updated_at=AFTER)
        assert related(client, me, f"&since={T_EPOCH}")["tasks"] == []
