"""PUT /time_entries/{id} and PUT /time_entries/{id,id,...} (40-time-entries §7, §10)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from punchclock.models import Tag, TimeEntry, User
from tests.factories import (
    add_member,
    add_project_user,
    at,
    make_entry,
    make_project,
    make_tag,
    make_task,
    make_user,
    make_workspace,
    token_auth,
)

URL = "/api/v8/time_entries"


def put(client: TestClient, user: User, ids: int | str, **fields: Any) -> Any:
    return client.put(f"{URL}/{ids}", headers=token_auth(user), json={"time_entry": fields})


def epoch(text: str) -> int:
    return int(datetime.fromisoformat(text).timestamp())


def snapshot(db: Session, entry_id: int) -> tuple[Any, ...]:
    db.expire_all()
    e = db.get(TimeEntry, entry_id)
    assert e is not None
    return (e.start, e.stop, e.duration, e.description, e.project_id, e.task_id, e.workspace_id, e.billable,
            e.updated_at, e.deleted_at)


class TestUpdateTimes:
    def test_documented_example(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = user.default_workspace_id
        call = make_tag(db, workspace_id=wid, name="call")
        entry = make_entry(db, user=user, start="2023-10-04T06:00:00Z", seconds=1800, description="Client call",
                           tags=[call], billable=True)
        r = put(client, user, entry.id, description="Client call (follow-up)", start="2023-10-04T06:00:00Z",
                duration=2700, tags=["call", "billable-extra"], billable=False)
        data = r.json()["data"]
        assert data == {
            "id": entry.id, "guid": entry.guid, "wid": wid, "uid": user.id, "billable": False,
            "start": "2023-10-04T06:00:00+00:00", "stop": "2023-10-04T06:45:00+00:00", "duration": 2700,
            "description": "Client call (follow-up)", "tags": ["billable-extra", "call"], "duronly": False,
            "at": data["at"],
        }
        assert data["at"] != "2023-10-04T06:30:00+00:00"

    def test_stop_wins_and_uses_the_new_start(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        entry = make_entry(db, user=user, start="2023-10-02T07:00:00Z", seconds=60)
        data = put(client, user, entry.id, start="2023-10-02T08:00:00+01:00", stop="2023-10-02T08:30:00Z",
                   duration=5).json()["data"]
        assert (data["start"], data["stop"], data["duration"]) == (
            "2023-10-02T07:00:00+00:00", "2023-10-02T08:30:00+00:00", 5400)
        db.expire_all()
        assert db.get(TimeEntry, entry.id).duration == 5400

    def test_only_start_moves_a_stopped_entry(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        entry = make_entry(db, user=user, start="2023-10-02T07:00:00Z", seconds=5400)
        data = put(client, user, entry.id, start="2023-10-05T10:00:00Z").json()["data"]
        assert (data["start"], data["stop"], data["duration"]) == (
            "2023-10-05T10:00:00+00:00", "2023-10-05T11:30:00+00:00", 5400)

    def test_only_start_keeps_a_running_entry_running(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        entry = make_entry(db, user=user, start="2023-10-02T07:00:00Z", seconds=None)
        data = put(client, user, entry.id, start="2023-10-02T06:00:00Z").json()["data"]
        assert "stop" not in data
        assert data["duration"] == -epoch("2023-10-02T06:00:00+00:00") == -1696226400

    def test_duration_stops_a_running_entry(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        entry = make_entry(db, user=user, start="2023-10-02T07:00:00Z", seconds=None)
        data = put(client, user, entry.id, duration=5400).json()["data"]
        assert (data["stop"], data["duration"]) == ("2023-10-02T08:30:00+00:00", 5400)
        assert client.get(f"{URL}/current", headers=token_auth(user)).json() == {"data": None}

    def test_stop_stops_a_running_entry(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        entry = make_entry(db, user=user, start="2023-10-02T07:00:00Z", seconds=None)
        data = put(client, user, entry.id, stop="2023-10-02T07:45:00Z").json()["data"]
        assert (data["stop"], data["duration"]) == ("2023-10-02T07:45:00+00:00", 2700)

    def test_negative_duration_restarts_and_stops_the_other_timer(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        other = make_entry(db, user=user, start="2023-10-03T07:00:00Z", seconds=None)
        entry = make_entry(db, user=user, start="2023-10-03T09:00:00Z", seconds=600)
        data = put(client, user, entry.id, duration=-1).json()["data"]
        assert "stop" not in data and data["duration"] == -epoch("2023-10-03T09:00:00+00:00")
        db.expire_all()
        stopped = db.get(TimeEntry, other.id)
        assert (stopped.stop, stopped.duration) == (at("2023-10-03T09:00:00Z"), 7200)
        assert db.get(TimeEntry, entry.id).stop is None

    def test_explicit_null_stop_alone_is_ignored(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        entry = make_entry(db, user=user, start="2023-10-02T07:00:00Z", seconds=5400)
        data = put(client, user, entry.id, stop=None, start=None, billable=None, wid=None).json()["data"]
        assert (data["stop"], data["duration"], data["wid"]) == (
            "2023-10-02T08:30:00+00:00", 5400, user.default_workspace_id)

    def test_invalid_times_change_nothing(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        entry = make_entry(db, user=user, start="2023-10-02T07:00:00Z", seconds=5400)
        before = snapshot(db, entry.id)
        cases = [
            ({"stop": "2023-10-02T06:00:00Z"}, ["Stop time must be after start time"]),
            ({"start": "2023-10-02T09:00:00Z", "stop": "2023-10-02T08:00:00Z"}, ["Stop time must be after start time"]),
            ({"start": "2101-01-01T00:00:00Z"}, ["Start time year must be between 1970 and 2100"]),
            ({"start": "soon"}, ["Invalid start"]),
            ({"stop": "later"}, ["Invalid stop"]),
            ({"duration": "x"}, ["Invalid duration"]),
            ({"duration": 2**31}, ["Duration is too long (maximum 2147483647 seconds)"]),
        ]
        for fields, expected in cases:
            r = put(client, user, entry.id, **fields)
            assert (r.status_code, r.json()) == (404, expected), fields
        assert snapshot(db, entry.id) == before

    def test_helsinki_user_updates_in_local_time(self, client: TestClient, db: Session) -> None:
        user = make_user(db, timezone="Europe/Helsinki")
        entry = make_entry(db, user=user, start="2023-10-02T06:00:00Z", seconds=60)
        data = put(client, user, entry.id, start="2023-10-02T12:00:00", stop="2023-10-02T11:30:00.000Z").json()["data"]
        assert (data["start"], data["stop"], data["duration"]) == (
            "2023-10-02T12:00:00+03:00", "2023-10-02T14:30:00+03:00", 9000)


class TestUpdateTags:
    def entry_with(self, db: Session, user: User, *names: str) -> TimeEntry:
        wid = user.default_workspace_id
        return make_entry(db, user=user, start="2023-10-02T07:00:00Z",
                          tags=[make_tag(db, workspace_id=wid, name=n) for n in names])

    def test_replace(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        entry = self.entry_with(db, user, "a", "b")
        assert put(client, user, entry.id, tags=["c", " B "]).json()["data"]["tags"] == ["b", "c"]

    def test_empty_list_or_blank_removes_all(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        entry = self.entry_with(db, user, "a", "b")
        assert "tags" not in put(client, user, entry.id, tags=[""]).json()["data"]
        entry2 = self.entry_with(db, user, "c")
        assert "tags" not in put(client, user, entry2.id, tags=[]).json()["data"]

    def test_add_is_a_union_that_creates_unknown_tags(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        entry = self.entry_with(db, user, "On-site", "phase-1")
        data = put(client, user, entry.id, tags=["on-site", "q4", "invoiced"], tag_action="add").json()["data"]
        assert data["tags"] == ["invoiced", "On-site", "phase-1", "q4"]
        db.expire_all()
        assert db.scalar(select(func.count()).select_from(Tag)) == 4

    def test_remove_and_removing_everything(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        entry = self.entry_with(db, user, "a", "b", "c")
        assert put(client, user, entry.id, tags=["B", "zzz"], tag_action="remove").json()["data"]["tags"] == ["a", "c"]
        data = put(client, user, entry.id, tags=["a", "c"], tag_action="remove").json()["data"]
        assert "tags" not in data
        db.expire_all()
        assert db.scalar(select(func.count()).select_from(Tag)) == 3  # removing never creates

    def test_invalid_tag_action(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        entry = self.entry_with(db, user, "a")
        r = put(client, user, entry.id, tags=["b"], tag_action="toggle")
        assert (r.status_code, r.json()) == (404, ['tag_action must be "add" or "remove"'])
        assert client.get(f"{URL}/{entry.id}", headers=token_auth(user)).json()["data"]["tags"] == ["a"]

    def test_tags_absent_leave_tags_alone(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        entry = self.entry_with(db, user, "a")
        assert put(client, user, entry.id, description="x").json()["data"]["tags"] == ["a"]


class TestUpdateReferences:
    def test_null_pid_clears_project_and_task(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        project = make_project(db, workspace_id=user.default_workspace_id)
        task = make_task(db, project=project)
        entry = make_entry(db, user=user, start="2023-10-02T07:00:00Z", project_id=project.id, task_id=task.id)
        data = put(client, user, entry.id, pid=None).json()["data"]
        assert "pid" not in data and "tid" not in data

    def test_null_tid_clears_only_the_task(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        project = make_project(db, workspace_id=user.default_workspace_id)
        task = make_task(db, project=project)
        entry = make_entry(db, user=user, start="2023-10-02T07:00:00Z", project_id=project.id, task_id=task.id)
        data = put(client, user, entry.id, tid=None).json()["data"]
        assert data["pid"] == project.id and "tid" not in data

    def test_changing_the_project_drops_the_old_task(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = user.default_workspace_id
        p1, p2 = make_project(db, workspace_id=wid, name="A"), make_project(db, workspace_id=wid, name="B")
        task = make_task(db, project=p1)
        entry = make_entry(db, user=user, start="2023-10-02T07:00:00Z", project_id=p1.id, task_id=task.id)
        data = put(client, user, entry.id, pid=p2.id).json()["data"]
        assert data["pid"] == p2.id and "tid" not in data

    def test_unchanged_pid_keeps_the_task(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        project = make_project(db, workspace_id=user.default_workspace_id)
        task = make_task(db, project=project)
        entry = make_entry(db, user=user, start="2023-10-02T07:00:00Z", project_id=project.id, task_id=task.id)
        data = put(client, user, entry.id, pid=project.id, wid=user.default_workspace_id).json()["data"]
        assert (data["pid"], data["tid"]) == (project.id, task.id)

    def test_task_without_project_sets_the_project(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        project = make_project(db, workspace_id=user.default_workspace_id)
        task = make_task(db, project=project)
        entry = make_entry(db, user=user, start="2023-10-02T07:00:00Z")
        data = put(client, user, entry.id, tid=task.id).json()["data"]
        assert (data["pid"], data["tid"]) == (project.id, task.id)

    def test_reference_errors_change_nothing(self, client: TestClient, db: Session) -> None:
        user, other = make_user(db), make_user(db)
        wid = user.default_workspace_id
        team = make_workspace(db, admin=user)
        p1, p2 = make_project(db, workspace_id=wid, name="A"), make_project(db, workspace_id=wid, name="B")
        task2 = make_task(db, project=p2)
        team_project = make_project(db, workspace_id=team.id)
        team_task = make_task(db, project=team_project)
        foreign = make_project(db, workspace_id=other.default_workspace_id)
        entry = make_entry(db, user=user, start="2023-10-02T07:00:00Z", project_id=p1.id)
        before = snapshot(db, entry.id)
        cases = [
            ({"pid": p1.id, "tid": task2.id}, ["Task does not belong to the project"]),
            ({"pid": None, "tid": task2.id}, ["Task does not belong to the project"]),
            ({"pid": team_project.id}, ["Project does not belong to the workspace"]),
            ({"tid": team_task.id}, ["Project does not belong to the workspace"]),
            ({"pid": foreign.id}, ["Project not found"]),
            ({"pid": 999}, ["Project not found"]),
            ({"tid": 999}, ["Task not found"]),
            ({"wid": other.default_workspace_id}, ["Workspace not found"]),
        ]
        for fields, expected in cases:
            r = put(client, user, entry.id, **fields)
            assert (r.status_code, r.json()) == (404, expected), fields
        assert snapshot(db, entry.id) == before

    def test_private_project_of_another_team(self, client: TestClient, db: Session) -> None:
        admin, member = make_user(db), make_user(db)
        team = make_workspace(db, admin=admin)
        add_member(db, team, member)
        secret = make_project(db, workspace_id=team.id, is_private=True)
        entry = make_entry(db, user=member, start="2023-10-02T07:00:00Z", workspace_id=team.id)
        r = put(client, member, entry.id, pid=secret.id)
        assert (r.status_code, r.json()) == (404, ["Project not found"])
        r = put(client, admin, entry.id, pid=secret.id)  # the admin sees it, the owner may not use it
        assert (r.status_code, r.json()) == (403, ["You cannot add time to this project"])
        add_project_user(db, secret, member)
        assert put(client, admin, entry.id, pid=secret.id).json()["data"]["pid"] == secret.id

    def test_owner_keeps_a_project_they_lost_access_to_when_editing_other_fields(
        self, client: TestClient, db: Session
    ) -> None:
        admin, member = make_user(db), make_user(db)
        team = make_workspace(db, admin=admin)
        add_member(db, team, member)
        secret = make_project(db, workspace_id=team.id, is_private=True)
        entry = make_entry(db, user=member, start="2023-10-02T07:00:00Z", workspace_id=team.id, project_id=secret.id)
        data = put(client, member, entry.id, pid=secret.id, description="still mine").json()["data"]
        assert (data["pid"], data["description"]) == (secret.id, "still mine")

    def test_moving_to_another_workspace(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = user.default_workspace_id
        team = make_workspace(db, admin=user)
        project = make_project(db, workspace_id=wid)
        tag = make_tag(db, workspace_id=wid, name="Phase-1")
        make_tag(db, workspace_id=team.id, name="phase-1")
        entry = make_entry(db, user=user, start="2023-10-02T07:00:00Z", project_id=project.id, tags=[tag],
                           billable=True)
        data = put(client, user, entry.id, wid=team.id).json()["data"]
        assert (data["wid"], data["billable"], data["tags"]) == (team.id, True, ["phase-1"])
        assert "pid" not in data
        team_project = make_project(db, workspace_id=team.id, name="T")
        data = put(client, user, entry.id, wid=wid, pid=None, tags=["new"]).json()["data"]
        assert (data["wid"], data["tags"]) == (wid, ["new"])
        data = put(client, user, entry.id, wid=team.id, pid=team_project.id).json()["data"]
        assert (data["wid"], data["pid"], data["tags"]) == (team.id, team_project.id, ["new"])
        db.expire_all()
        assert db.scalar(select(Tag.workspace_id).where(Tag.name == "new").order_by(Tag.id.desc()).limit(1)) == team.id

    def test_moving_to_a_free_workspace_drops_billable(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        free = make_workspace(db, admin=user, premium=False)
        entry = make_entry(db, user=user, start="2023-10-02T07:00:00Z", billable=True)
        assert put(client, user, entry.id, wid=free.id, billable=True).json()["data"]["billable"] is False

    def test_admin_cannot_move_a_members_entry_where_the_member_is_not(
        self, client: TestClient, db: Session
    ) -> None:
        admin, member = make_user(db), make_user(db)
        team = make_workspace(db, admin=admin)
        add_member(db, team, member)
        entry = make_entry(db, user=member, start="2023-10-02T07:00:00Z", workspace_id=team.id)
        r = put(client, admin, entry.id, wid=admin.default_workspace_id)
        assert (r.status_code, r.json()) == (404, ["Workspace not found"])


class TestUpdateOtherFields:
    def test_description_cleared_by_null_or_empty(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        entry = make_entry(db, user=user, start="2023-10-02T07:00:00Z", description="x")
        assert "description" not in put(client, user, entry.id, description=None).json()["data"]
        put(client, user, entry.id, description="y")
        assert "description" not in put(client, user, entry.id, description="").json()["data"]
        r = put(client, user, entry.id, description="d" * 3001)
        assert (r.status_code, r.json()) == (404, ["Description is too long (maximum 3000 characters)"])

    def test_billable_and_duronly(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        free = make_workspace(db, admin=user, premium=False)
        entry = make_entry(db, user=user, start="2023-10-02T07:00:00Z")
        data = put(client, user, entry.id, billable=True, duronly=True).json()["data"]
        assert (data["billable"], data["duronly"]) == (True, True)
        free_entry = make_entry(db, user=user, start="2023-10-02T07:00:00Z", workspace_id=free.id)
        assert put(client, user, free_entry.id, billable=True).json()["data"]["billable"] is False

    def test_uid_guid_and_created_with_are_ignored(self, client: TestClient, db: Session) -> None:
        user, other = make_user(db), make_user(db)
        entry = make_entry(db, user=user, start="2023-10-02T07:00:00Z")
        data = put(client, user, entry.id, uid=other.id, guid="new-guid", created_with=5, id=77).json()["data"]
        assert (data["id"], data["uid"], data["guid"]) == (entry.id, user.id, entry.guid)

    def test_at_changes(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        entry = make_entry(db, user=user, start="2023-10-02T07:00:00Z", updated_at=at("2023-10-02T08:00:00Z"))
        assert put(client, user, entry.id, tags=["x"]).json()["data"]["at"] != "2023-10-02T08:00:00+00:00"


class TestUpdatePermissionsAndInput:
    def test_deleted_foreign_and_unknown_entries(self, client: TestClient, db: Session) -> None:
        me, other = make_user(db), make_user(db)
        gone = make_entry(db, user=me, start="2023-10-02T07:00:00Z", deleted_at=at("2023-10-03T00:00:00Z"))
        theirs = make_entry(db, user=other, start="2023-10-02T07:00:00Z")
        for eid in (gone.id, theirs.id, 999):
            r = put(client, me, eid, description="x")
            assert (r.status_code, r.json()) == (404, ["Time entry not found"]), eid
        assert snapshot(db, theirs.id)[3] == ""

    def test_admin_updates_a_members_entry_member_cannot_update_the_admins(
        self, client: TestClient, db: Session
    ) -> None:
        admin, member = make_user(db), make_user(db)
        team = make_workspace(db, admin=admin)
        add_member(db, team, member)
        members = make_entry(db, user=member, start="2023-10-02T07:00:00Z", workspace_id=team.id)
        admins = make_entry(db, user=admin, start="2023-10-02T07:00:00Z", workspace_id=team.id)
        assert put(client, admin, members.id, description="ok").json()["data"]["description"] == "ok"
        assert put(client, member, admins.id, description="no").status_code == 404

    def test_admin_restarting_a_members_entry_stops_the_members_timer(self, client: TestClient, db: Session) -> None:
        admin, member = make_user(db), make_user(db)
        team = make_workspace(db, admin=admin)
        add_member(db, team, member)
        running = make_entry(db, user=member, start="2023-10-02T07:00:00Z", seconds=None)
        admins_timer = make_entry(db, user=admin, start="2023-10-02T07:00:00Z", seconds=None)
        entry = make_entry(db, user=member, start="2023-10-02T08:00:00Z", workspace_id=team.id)
        put(client, admin, entry.id, duration=-1)
        db.expire_all()
        assert db.get(TimeEntry, running.id).stop == at("2023-10-02T08:00:00Z")
        assert db.get(TimeEntry, admins_timer.id).stop is None

    def test_bad_input(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        entry = make_entry(db, user=user, start="2023-10-02T07:00:00Z")
        before = snapshot(db, entry.id)
        r = client.put(f"{URL}/{entry.id}", headers=token_auth(user), json={"description": "x"})
        assert (r.status_code, r.json()) == (404, ["time_entry can't be blank"])
        r = client.put(f"{URL}/{entry.id}", headers=token_auth(user), content=b"")
        assert (r.status_code, r.json()) == (404, ["time_entry can't be blank"])
        r = client.put(f"{URL}/{entry.id}", headers=token_auth(user), content=b"{'a'}")
        assert (r.status_code, r.json()) == (400, ["Invalid JSON"])
        r = put(client, user, entry.id, billable="true")
        assert (r.status_code, r.json()) == (404, ["Invalid billable"])
        r = put(client, user, entry.id, pid=2**64)
        assert (r.status_code, r.json()) == (404, ["Invalid pid"])
        r = put(client, user, "99999999999999999999", description="x")
        assert (r.status_code, r.json()) == (400, ["Invalid id"])
        assert snapshot(db, entry.id) == before


class TestBulkUpdate:
    def test_documented_example_adds_tags_to_each(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = user.default_workspace_id
        on_site, phase = make_tag(db, workspace_id=wid, name="on-site"), make_tag(db, workspace_id=wid, name="phase-1")
        e1 = make_entry(db, user=user, start="2023-10-02T07:00:00Z", seconds=5400)
        e2 = make_entry(db, user=user, start="2023-10-03T13:00:00Z", seconds=9000, tags=[on_site, phase])
        r = put(client, user, f"{e1.id},{e2.id}", tags=["invoiced", "q4"], tag_action="add")
        assert r.status_code == 200
        data = r.json()["data"]
        assert [(d["id"], d["tags"], d["duration"]) for d in data] == [
            (e1.id, ["invoiced", "q4"], 5400), (e2.id, ["invoiced", "on-site", "phase-1", "q4"], 9000)]
        db.expire_all()
        assert db.scalar(select(func.count()).select_from(Tag)) == 4

    def test_replace_and_remove(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = user.default_workspace_id
        a, b = make_tag(db, workspace_id=wid, name="a"), make_tag(db, workspace_id=wid, name="b")
        e1 = make_entry(db, user=user, start="2023-10-02T07:00:00Z", tags=[a, b])
        e2 = make_entry(db, user=user, start="2023-10-02T09:00:00Z", tags=[a])
        data = put(client, user, f"{e1.id},{e2.id}", tags=["a"], tag_action="remove").json()["data"]
        assert [d.get("tags") for d in data] == [["b"], None]
        data = put(client, user, f"{e1.id},{e2.id}", tags=["c"]).json()["data"]
        assert [d["tags"] for d in data] == [["c"], ["c"]]

    def test_path_order_and_duplicates(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        e1 = make_entry(db, user=user, start="2023-10-02T07:00:00Z")
        e2 = make_entry(db, user=user, start="2023-10-02T09:00:00Z")
        data = put(client, user, f"{e2.id},{e1.id},{e2.id}", description="bulk").json()["data"]
        assert [(d["id"], d["description"]) for d in data] == [(e2.id, "bulk"), (e1.id, "bulk")]

    def test_single_id_with_comma_is_an_array(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        e1 = make_entry(db, user=user, start="2023-10-02T07:00:00Z")
        data = put(client, user, f"{e1.id},{e1.id}", tags=["x"], tag_action="add").json()["data"]
        assert isinstance(data, list) and data[0]["tags"] == ["x"]
        single = put(client, user, e1.id, tags=["y"], tag_action="add").json()["data"]
        assert single["tags"] == ["x", "y"]

    def test_other_fields_apply_to_each(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        project = make_project(db, workspace_id=user.default_workspace_id)
        e1 = make_entry(db, user=user, start="2023-10-02T07:00:00Z", seconds=60)
        e2 = make_entry(db, user=user, start="2023-10-02T09:00:00Z", seconds=120)
        data = put(client, user, f"{e1.id},{e2.id}", pid=project.id, billable=True, duration=900).json()["data"]
        assert [(d["pid"], d["billable"], d["stop"]) for d in data] == [
            (project.id, True, "2023-10-02T07:15:00+00:00"), (project.id, True, "2023-10-02T09:15:00+00:00")]

    def test_unknown_or_foreign_id_changes_nothing_and_is_named(self, client: TestClient, db: Session) -> None:
        user, other = make_user(db), make_user(db)
        e1 = make_entry(db, user=user, start="2023-10-02T07:00:00Z")
        theirs = make_entry(db, user=other, start="2023-10-02T07:00:00Z")
        for ids, bad in ((f"{e1.id},999", 999), (f"{e1.id},{theirs.id}", theirs.id)):
            r = put(client, user, ids, tags=["new"], description="changed")
            assert (r.status_code, r.json()) == (404, [f"Time entry {bad} not found"])
        db.expire_all()
        assert db.get(TimeEntry, e1.id).description == ""
        assert db.scalar(select(func.count()).select_from(Tag)) == 0

    def test_a_failure_on_a_later_entry_rolls_back_the_earlier_ones(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        team = make_workspace(db, admin=user)
        project = make_project(db, workspace_id=user.default_workspace_id)
        e1 = make_entry(db, user=user, start="2023-10-02T07:00:00Z")
        e2 = make_entry(db, user=user, start="2023-10-02T09:00:00Z", workspace_id=team.id)
        before = snapshot(db, e1.id)
        r = put(client, user, f"{e1.id},{e2.id}", pid=project.id, tags=["t"])
        assert (r.status_code, r.json()) == (404, ["Project does not belong to the workspace"])
        assert snapshot(db, e1.id) == before
        assert db.scalar(select(func.count()).select_from(Tag)) == 0
        assert client.get(f"{URL}/{e1.id}", headers=token_auth(user)).json()["data"].get("tags") is None

    def test_restarting_several_entries_leaves_the_last_one_running(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        a = make_entry(db, user=user, start="2023-10-02T07:00:00Z", seconds=60)
        b = make_entry(db, user=user, start="2023-10-02T09:00:00Z", seconds=None)
        r = put(client, user, f"{a.id},{b.id}", duration=-1)
        assert r.status_code == 200
        assert ["stop" in d for d in r.json()["data"]] == [True, False]
        db.expire_all()
        stopped_a = db.get(TimeEntry, a.id)
        assert (stopped_a.stop, stopped_a.duration) == (at("2023-10-02T09:00:00Z"), 7200)
        assert db.get(TimeEntry, b.id).stop is None

    def test_admin_bulk_updates_members_entries(self, client: TestClient, db: Session) -> None:
        admin, member = make_user(db), make_user(db)
        team = make_workspace(db, admin=admin)
        add_member(db, team, member)
        e1 = make_entry(db, user=member, start="2023-10-02T07:00:00Z", workspace_id=team.id)
        e2 = make_entry(db, user=admin, start="2023-10-02T07:00:00Z")
        data = put(client, admin, f"{e1.id},{e2.id}", tags=["team"]).json()["data"]
        assert [(d["uid"], d["tags"]) for d in data] == [(member.id, ["team"]), (admin.id, ["team"])]
        r = put(client, member, f"{e1.id},{e2.id}", tags=["x"])
        assert (r.status_code, r.json()) == (404, [f"Time entry {e2.id} not found"])

    def test_malformed_id_lists(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        e1 = make_entry(db, user=user, start="2023-10-02T07:00:00Z")
        for ids in (f"{e1.id},x", f"{e1.id},", f"{e1.id},-2", f"{e1.id},0"):
            r = put(client, user, ids, tags=["x"])
            assert (r.status_code, r.json()) == (400, ["Invalid id"]), ids
        r = put(client, user, ",".join(str(i) for i in range(1, 1002)), tags=["x"])
        assert (r.status_code, r.json()) == (400, ["Too many ids (maximum 1000)"])
        r = client.put(f"{URL}/{e1.id},{e1.id}", headers=token_auth(user), json={"tags": ["x"]})
        assert (r.status_code, r.json()) == (404, ["time_entry can't be blank"])
        assert "tags" not in client.get(f"{URL}/{e1.id}", headers=token_auth(user)).json()["data"]
