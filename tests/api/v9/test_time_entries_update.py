"""API v9 time entries: update (50- §4), bulk edit (§5), stop (§6), delete (§7)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy.orm import Session

from punchclock.models import TimeEntry, User, Workspace
from tests.api.v9.documented import documented
from tests.factories import (
    add_member,
    make_entry,
    make_project,
    make_tag,
    make_task,
    make_user,
    make_workspace,
    token_auth,
)

V9 = "/api/v9"
ONE = "/workspaces/{workspace_id}/time_entries/{time_entry_id}"
MANY = "/workspaces/{workspace_id}/time_entries/{time_entry_ids}"
STOP = "/workspaces/{workspace_id}/time_entries/{time_entry_id}/stop"


def put(client: TestClient, user: User, wid: int, entry_id: int, **body: Any) -> Response:
    return client.put(f"{V9}/workspaces/{wid}/time_entries/{entry_id}", headers=token_auth(user), json=body)


def updated(client: TestClient, user: User, wid: int, entry_id: int, **body: Any) -> dict[str, Any]:
    out: dict[str, Any] = documented(client).check("PUT", ONE, put(client, user, wid, entry_id, **body))
    return out


def patch(client: TestClient, user: User, wid: int, ids: str, document: Any) -> Response:
    return client.patch(f"{V9}/workspaces/{wid}/time_entries/{ids}", headers=token_auth(user), json=document)


def read(client: TestClient, user: User, entry_id: int) -> dict[str, Any]:
    r = client.get(f"{V9}/me/time_entries/{entry_id}", headers=token_auth(user))
    out: dict[str, Any] = documented(client).check("GET", "/me/time_entries/{time_entry_id}", r)
    return out


class TestPut:
    def test_description_null_is_ignored_and_empty_clears(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = user.default_workspace_id
        entry = make_entry(db, user=user, start="2024-05-01T09:00:00Z", description="Keep me")
        assert updated(client, user, wid, entry.id, description=None, billable=None)["description"] == "Keep me"
        assert updated(client, user, wid, entry.id, description="")["description"] == ""

    def test_tag_actions(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = user.default_workspace_id
        a, b, c = (make_tag(db, workspace_id=wid, name=n) for n in ("a", "b", "c"))
        entry = make_entry(db, user=user, start="2024-05-01T09:00:00Z", tags=[a])
        body = updated(client, user, wid, entry.id, tags=["c"], tag_ids=[b.id], tag_action="add")
        assert (body["tags"], body["tag_ids"]) == (["a", "b", "c"], [a.id, b.id, c.id])
        body = updated(client, user, wid, entry.id, tags=["A"], tag_action="delete")
        assert (body["tags"], body["tag_ids"]) == (["b", "c"], [b.id, c.id])
        body = updated(client, user, wid, entry.id, tag_ids=[c.id], tag_action="remove")
        assert body["tag_ids"] == [b.id]
        body = updated(client, user, wid, entry.id, tags=["new", "C"])
        assert body["tags"] == ["c", "new"]
        r = put(client, user, wid, entry.id, tags=["x"], tag_action="toggle")
        assert (r.status_code, r.json()) == (400, 'tag_action must be "add", "delete" or "remove"')

    def test_project_null_clears_the_task(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        ws = db.get(Workspace, user.default_workspace_id)
        assert ws is not None
        ws.premium = True
        db.commit()
        project = make_project(db, workspace_id=ws.id)
        task = make_task(db, project=project)
        entry = make_entry(db, user=user, start="2024-05-01T09:00:00Z", project_id=project.id, task_id=task.id)
        body = updated(client, user, ws.id, entry.id, project_id=None)
        assert (body["project_id"], body["pid"], body["task_id"], body["tid"]) == (None, None, None, None)

    def test_togglcli_stop_and_move_patterns(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = user.default_workspace_id
        entry = make_entry(db, user=user, start="2024-05-01T09:00:00Z", seconds=None)
        body = updated(client, user, wid, entry.id, start="2024-05-01T08:00:00Z", duration=-1714550400)
        assert (body["start"], body["stop"], body["duration"]) == ("2024-05-01T08:00:00+00:00", None, -1714550400)
        body = updated(client, user, wid, entry.id, stop="2024-05-01T08:45:00Z", duration=2700)
        assert (body["stop"], body["duration"]) == ("2024-05-01T08:45:00+00:00", 2700)

    def test_entry_of_another_workspace_or_user(self, client: TestClient, db: Session) -> None:
        admin, member = make_user(db), make_user(db)
        ws = make_workspace(db, admin=admin)
        add_member(db, ws, member)
        mine = make_entry(db, user=member, start="2024-05-01T09:00:00Z")
        theirs = make_entry(db, user=admin, start="2024-05-01T09:00:00Z", workspace_id=ws.id)
        r = put(client, member, ws.id, mine.id, description="x")
        assert (r.status_code, r.json()) == (404, "Time entry not found")
        r = put(client, member, ws.id, theirs.id, description="x")
        assert (r.status_code, r.json()) == (404, "Time entry not found")
        r = put(client, member, member.default_workspace_id, mine.id, billable="no")
        assert (r.status_code, r.json()) == (400, "Invalid billable")
        own = make_entry(db, user=member, start="2024-05-01T09:00:00Z", workspace_id=ws.id)
        assert updated(client, admin, ws.id, own.id, description="by admin")["user_id"] == member.id


class TestPatch:
    def test_operations_per_id(self, client: TestClient, db: Session) -> None:
        user = make_user(db, timezone="Europe/Berlin")
        wid = user.default_workspace_id
        tag = make_tag(db, workspace_id=wid, name="old")
        one = make_entry(db, user=user, start="2024-05-01T22:30:00Z", seconds=3600, tags=[tag])
        two = make_entry(db, user=user, start="2024-05-02T09:00:00Z", seconds=600)
        other = make_entry(db, user=make_user(db), start="2024-05-02T09:00:00Z")
        document = [
            {"op": "replace", "path": "/description", "value": "Bulk"},
            {"op": "add", "path": "/tags", "value": ["new"]},
            {"op": "remove", "path": "/tag_ids", "value": [tag.id]},
            {"op": "replace", "path": "/start", "value": "2024-06-10"},
        ]
        r = patch(client, user, wid, f"{one.id},{two.id},{other.id},{two.id}", document)
        assert documented(client).check("PATCH", MANY, r) == {
            "success": [one.id, two.id], "failure": [{"id": other.id, "message": "Time entry not found"}]}
        first, second = read(client, user, one.id), read(client, user, two.id)
        # 22:30 UTC on May 1 is 00:30 on May 2 in Berlin: that time of day on June 10 is 22:30 UTC on June 9.
        assert (first["start"], first["stop"], first["description"], first["tags"]) == (
            "2024-06-09T22:30:00+00:00", "2024-06-09T23:30:00+00:00", "Bulk", ["new"])
        assert (second["start"], second["duration"], second["tags"]) == ("2024-06-10T09:00:00+00:00", 600, ["new"])

    def test_a_failing_id_leaves_no_trace(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = user.default_workspace_id
        early = make_entry(db, user=user, start="2024-05-01T09:00:00Z", description="early")
        late = make_entry(db, user=user, start="2024-05-03T09:00:00Z", description="late")
        running = make_entry(db, user=user, start="2024-05-04T09:00:00Z", seconds=None, description="running")
        document = [{"op": "replace", "path": "/description", "value": "changed"},
                    {"op": "replace", "path": "/stop", "value": "2024-05-02"}]
        r = patch(client, user, wid, f"{early.id},{late.id},{running.id}", document)
        assert documented(client).check("PATCH", MANY, r) == {
            "success": [early.id],
            "failure": [{"id": late.id, "message": "Stop time must be after start time"},
                        {"id": running.id, "message": "Time entry is running"}]}
        assert read(client, user, early.id)["stop"] == "2024-05-02T10:00:00+00:00"
        assert (read(client, user, late.id)["description"], read(client, user, running.id)["description"]) == (
            "late", "running")

    def test_project_remove_and_user_id_by_admin(self, client: TestClient, db: Session) -> None:
        admin, member = make_user(db), make_user(db)
        ws = make_workspace(db, admin=admin)
        add_member(db, ws, member)
        project = make_project(db, workspace_id=ws.id)
        entry = make_entry(db, user=admin, start="2024-05-01T09:00:00Z", workspace_id=ws.id, project_id=project.id)
        document = [{"op": "remove", "path": "/project_id"}, {"op": "replace", "path": "/user_id", "value": member.id}]
        r = patch(client, admin, ws.id, str(entry.id), document)
        assert documented(client).check("PATCH", MANY, r) == {"success": [entry.id], "failure": []}
        body = read(client, member, entry.id)
        assert (body["user_id"], body["project_id"]) == (member.id, None)
        r = patch(client, member, ws.id, str(entry.id), [{"op": "replace", "path": "/user_id", "value": admin.id}])
        assert documented(client).check("PATCH", MANY, r) == {
            "success": [], "failure": [{"id": entry.id, "message": "Only workspace admins can do this"}]}

    def test_malformed_documents_are_400(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = user.default_workspace_id
        entry = make_entry(db, user=user, start="2024-05-01T09:00:00Z", description="same")
        for document in ([{"op": "replace", "path": "/shared_with_user_ids", "value": [1]}],
                         [{"op": "move", "path": "/description", "value": "x"}],
                         [{"op": "replace", "path": "/billable", "value": "yes"}],
                         [{"op": "replace", "path": "/description", "value": "x"}, "junk"]):
            r = patch(client, user, wid, str(entry.id), document)
            assert r.status_code == 400, document
        assert patch(client, user, wid, str(entry.id), {"op": "replace"}).status_code == 400
        too_many = ",".join(str(i) for i in range(1, 102))
        r = patch(client, user, wid, too_many, [])
        assert (r.status_code, r.json()) == (400, "Too many ids (maximum 100)")
        assert read(client, user, entry.id)["description"] == "same"


class TestStopAndDelete:
    def test_stop_then_409(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = user.default_workspace_id
        entry = make_entry(db, user=user, start="2024-05-01T09:00:00Z", seconds=None)
        url = f"{V9}/workspaces/{wid}/time_entries/{entry.id}/stop"
        body = documented(client).check("PATCH", STOP, client.patch(url, headers=token_auth(user)))
        assert body["stop"] is not None and body["duration"] > 0
        r = client.patch(url, headers=token_auth(user))
        assert (r.status_code, r.json()) == (409, "Time entry already stopped")
        r = client.patch(f"{V9}/workspaces/{wid}/time_entries/{entry.id + 1}/stop", headers=token_auth(user))
        assert (r.status_code, r.json()) == (404, "Time entry not found")

    def test_delete_answers_empty_and_leaves_a_tombstone(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = user.default_workspace_id
        entry = make_entry(db, user=user, start="2024-05-01T09:00:00Z")
        url = f"{V9}/workspaces/{wid}/time_entries/{entry.id}"
        r = client.delete(url, headers=token_auth(user))
        assert (r.status_code, r.content) == (200, b"")
        db.expire_all()
        stored = db.get(TimeEntry, entry.id)
        assert stored is not None and stored.deleted_at is not None
        assert read(client, user, entry.id)["server_deleted_at"] is not None
        r = client.delete(url, headers=token_auth(user))
        assert (r.status_code, r.json()) == (404, "Time entry not found")
        r = put(client, user, wid, entry.id, description="x")
        assert r.status_code == 404


def test_giving_a_running_entry_stops_the_new_owners_timer(client: TestClient, db: Session) -> None:
    admin, member = make_user(db), make_user(db)
    ws = make_workspace(db, admin=admin)
    add_member(db, ws, member)
    theirs = make_entry(db, user=member, start="2024-05-01T08:00:00Z", seconds=None, workspace_id=ws.id)
    given = make_entry(db, user=admin, start="2024-05-01T09:00:00Z", seconds=None, workspace_id=ws.id)
    r = patch(client, admin, ws.id, str(given.id), [{"op": "replace", "path": "/user_id", "value": member.id}])
    assert documented(client).check("PATCH", MANY, r) == {"success": [given.id], "failure": []}
    old, new = read(client, member, theirs.id), read(client, member, given.id)
    assert (old["stop"], old["duration"]) == ("2024-05-01T09:00:00+00:00", 3600)
    assert (new["user_id"], new["stop"]) == (member.id, None)
    r = client.get(f"{V9}/me/time_entries/current", headers=token_auth(member))
    assert documented(client).check("GET", "/me/time_entries/current", r)["id"] == given.id
