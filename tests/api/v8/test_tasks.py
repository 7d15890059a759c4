"""Tasks (30-clients-projects-tags-tasks §5; 00-conventions §10-12; O-18, O-21, O-23, O-27, O-48)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from punchclock.models import Task, TimeEntry, User
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
    token_auth,
)

URL = "/api/v8/tasks"
PAID_ONLY = (402, ["Tasks are available for paid workspaces only"])
MANAGERS_ONLY = (403, ["Only workspace admins and project managers can do this"])


def ts(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds")


arrange = make_team


def tasks_in_db(db: Session) -> list[tuple[str, int | None, int, bool, bool]]:
    """(name, assignee, estimate, active, deleted) of every stored task, by id."""
    db.expire_all()
    rows = db.scalars(select(Task).order_by(Task.id))
    return [(t.name, t.user_id, t.estimated_seconds, t.active, t.deleted_at is not None) for t in rows]


def task(db: Session, task_id: int) -> Task:
    db.expire_all()
    found = db.get(Task, task_id)
    assert found is not None
    return found


def track(db: Session, t: Team, user: User, task_: Task, seconds: int | None, **kw: Any) -> TimeEntry:
    return make_entry(db, user=user, start="2023-10-02T07:00:00Z", seconds=seconds, workspace_id=t.ws.id,
                      project_id=task_.project_id, task_id=task_.id, **kw)



class TestCreateTask:
    def test_documented_example_has_no_at(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        r = client.post(URL, headers=token_auth(t.admin),
                        json={"task": {"name": "Wireframes", "pid": t.project.id, "estimated_seconds": 14400}})
        assert r.status_code == 200
        tid = db.scalars(select(Task.id)).one()
        assert r.json() == {"data": {"id": tid, "name": "Wireframes", "wid": t.ws.id, "pid": t.project.id,
                                     "active": True, "estimated_seconds": 14400, "tracked_seconds": 0}}
        assert tasks_in_db(db) == [("Wireframes", None, 14400, True, False)]

    def test_assignee_inactive_and_fields(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        r = client.post(URL, headers=token_auth(t.manager), json={"task": {
            "name": " Copywriting ", "pid": t.project.id, "wid": t.ws.id, "uid": t.member.id, "active": False,
            "fields": "done_seconds,uname,bogus"}})
        assert r.status_code == 200
        assert r.json()["data"] == {"id": r.json()["data"]["id"], "name": "Copywriting", "wid": t.ws.id,
                                    "pid": t.project.id, "uid": t.member.id, "active": False,
                                    "estimated_seconds": 0, "tracked_seconds": 0, "done_seconds": 0,
                                    "uname": "Lena Berg"}
        assert tasks_in_db(db) == [("Copywriting", t.member.id, 0, False, False)]

    def test_estimate_null_and_false_read_as_zero(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        for name, value in (("A", None), ("B", False), ("C", "600")):
            r = client.post(URL, headers=token_auth(t.admin),
                            json={"task": {"name": name, "pid": t.project.id, "estimated_seconds": value}})
            assert r.status_code == 200, name
        assert [row[2] for row in tasks_in_db(db)] == [0, 0, 600]

    def test_invited_member_may_be_assigned(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        invitee = make_user(db)
        add_member(db, t.ws, invitee, active=False)
        r = client.post(URL, headers=token_auth(t.admin),
                        json={"task": {"name": "T", "pid": t.project.id, "uid": invitee.id}})
        assert (r.status_code, r.json()["data"]["uid"]) == (200, invitee.id)

    def test_permission_levels(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        body = {"task": {"name": "T", "pid": t.project.id}}
        r = client.post(URL, headers=token_auth(t.member), json=body)
        assert (r.status_code, r.json()) == MANAGERS_ONLY
        r = client.post(URL, headers=token_auth(t.outsider), json=body)
        assert (r.status_code, r.json()) == (404, ["Project not found"])
        secret = make_project(db, workspace_id=t.ws.id, name="Secret", is_private=True)
        r = client.post(URL, headers=token_auth(t.member), json={"task": {"name": "T", "pid": secret.id}})
        assert (r.status_code, r.json()) == (404, ["Project not found"])
        assert tasks_in_db(db) == []
        r = client.post(URL, headers=token_auth(t.admin), json={"task": {"name": "T", "pid": secret.id}})
        assert r.status_code == 200

    def test_non_premium_workspace_is_402_for_everyone(self, client: TestClient, db: Session) -> None:
        t = arrange(db, premium=False)
        for who in (t.admin, t.manager, t.member):
            r = client.post(URL, headers=token_auth(who), json={"task": {"name": "T", "pid": t.project.id}})
            assert (r.status_code, r.json()) == PAID_ONLY
        assert tasks_in_db(db) == []

    def test_name_rules(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        h = token_auth(t.admin)
        make_task(db, project=t.project, name="Wireframes")
        make_task(db, project=t.project, name="Gone", deleted_at=at("2023-01-01T00:00:00Z"))
        other = make_project(db, workspace_id=t.ws.id, name="Other")
        for name in (None, "", "   "):
            r = client.post(URL, headers=h, json={"task": {"name": name, "pid": t.project.id}})
            assert (r.status_code, r.json()) == (404, ["Name can't be blank"]), name
        r = client.post(URL, headers=h, json={"task": {"pid": t.project.id}})
        assert (r.status_code, r.json()) == (404, ["Name can't be blank"])
        r = client.post(URL, headers=h, json={"task": {"name": "WIREFRAMES", "pid": t.project.id}})
        assert (r.status_code, r.json()) == (404, ["Name has already been taken"])
        r = client.post(URL, headers=h, json={"task": {"name": "x" * 256, "pid": t.project.id}})
        assert (r.status_code, r.json()) == (404, ["Name is too long (maximum 255 characters)"])
        assert client.post(URL, headers=h, json={"task": {"name": "wireframes", "pid": other.id}}).status_code == 200
        assert client.post(URL, headers=h, json={"task": {"name": "gone", "pid": t.project.id}}).status_code == 200
        assert [row[0] for row in tasks_in_db(db)] == ["Wireframes", "Gone", "wireframes", "gone"]

    def test_project_and_workspace_rules(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        h = token_auth(t.admin)
        r = client.post(URL, headers=h, json={"task": {"name": "T"}})
        assert (r.status_code, r.json()) == (404, ["Project can't be blank"])
        foreign = make_project(db, workspace_id=t.outsider.default_workspace_id, name="Theirs")
        for pid in (999_999, foreign.id):
            r = client.post(URL, headers=h, json={"task": {"name": "T", "pid": pid}})
            assert (r.status_code, r.json()) == (404, ["Project not found"])
        r = client.post(URL, headers=h, json={"task": {"name": "T", "pid": t.project.id,
                                                       "wid": t.admin.default_workspace_id}})
        assert (r.status_code, r.json()) == (404, ["Workspace does not match project"])
        assert tasks_in_db(db) == []

    def test_assignee_must_belong_to_workspace(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        for uid in (t.outsider.id, 999_999):
            r = client.post(URL, headers=token_auth(t.admin),
                            json={"task": {"name": "T", "pid": t.project.id, "uid": uid}})
            assert (r.status_code, r.json()) == (404, ["User is not a member of this workspace"])
        assert tasks_in_db(db) == []

    def test_bad_input_writes_nothing(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        h = token_auth(t.admin)
        r = client.post(URL, headers=h, content=b'{"task": [')
        assert (r.status_code, r.json()) == (400, ["Invalid JSON"])
        r = client.post(URL, headers=h, json={"name": "T", "pid": t.project.id})
        assert (r.status_code, r.json()) == (404, ["task can't be blank"])
        r = client.post(URL, headers=h, content=b"")
        assert (r.status_code, r.json()) == (404, ["task can't be blank"])
        r = client.post(URL, headers=h, json={"task": "Wireframes"})
        assert (r.status_code, r.json()) == (404, ["task can't be blank"])
        cases: list[tuple[dict[str, Any], list[str]]] = [
            ({"name": 5}, ["Invalid name"]),
            ({"pid": "abc"}, ["Invalid pid"]),
            ({"wid": "abc"}, ["Invalid wid"]),
            ({"uid": "abc"}, ["Invalid uid"]),
            ({"uid": 2**70}, ["Invalid uid"]),
            ({"active": "yes"}, ["Invalid active"]),
            ({"estimated_seconds": True}, ["Invalid estimated_seconds"]),
            ({"estimated_seconds": 1.5}, ["Invalid estimated_seconds"]),
            ({"estimated_seconds": "abc"}, ["Invalid estimated_seconds"]),
            ({"estimated_seconds": 2**31}, ["Invalid estimated_seconds"]),
            ({"estimated_seconds": -1}, ["Estimated seconds can't be negative"]),
            ({"name": "", "estimated_seconds": -1}, ["Name can't be blank", "Estimated seconds can't be negative"]),
        ]
        for override, expected in cases:
            r = client.post(URL, headers=h, json={"task": {"name": "T", "pid": t.project.id, **override}})
            assert (r.status_code, r.json()) == (404, expected), override
        assert tasks_in_db(db) == []


class TestGetTask:
    def test_member_reads_task_with_tracked_seconds_and_fields(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        wire = make_task(db, project=t.project, name="Wireframes", estimated_seconds=14400, user_id=t.member.id)
        track(db, t, t.member, wire, 5400)
        track(db, t, t.admin, wire, 3600)
        track(db, t, t.admin, wire, 600, deleted_at=at("2023-10-03T00:00:00Z"))
        track(db, t, t.manager, wire, None)
        url = f"{URL}/{wire.id}"
        stored = task(db, wire.id)
        r = client.get(url, headers=token_auth(t.member))
        assert r.json() == {"data": {"id": wire.id, "name": "Wireframes", "wid": t.ws.id, "pid": t.project.id,
                                     "uid": t.member.id, "active": True, "estimated_seconds": 14400,
                                     "tracked_seconds": 9000, "at": ts(stored.updated_at)}}
        r = client.get(url + "?fields=done_seconds,uname", headers=token_auth(t.member))
        assert (r.json()["data"]["done_seconds"], r.json()["data"]["uname"]) == (9000, "Lena Berg")

    def test_done_task_and_unassigned_uname(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        done = make_task(db, project=t.project, name="Done", active=False)
        r = client.get(f"{URL}/{done.id}?fields=uname", headers=token_auth(t.member))
        assert r.status_code == 200
        assert (r.json()["data"]["active"], "uname" in r.json()["data"]) == (False, False)

    def test_non_premium_workspace_still_answers(self, client: TestClient, db: Session) -> None:
        t = arrange(db, premium=False)
        old = make_task(db, project=t.project, name="Old")
        r = client.get(f"{URL}/{old.id}", headers=token_auth(t.member))
        assert (r.status_code, r.json()["data"]["name"]) == (200, "Old")

    def test_invisible_deleted_unknown_and_bad_ids(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        secret = make_project(db, workspace_id=t.ws.id, name="Secret", is_private=True)
        hidden = make_task(db, project=secret, name="Hidden")
        gone = make_task(db, project=t.project, name="Gone", deleted_at=at("2023-01-01T00:00:00Z"))
        visible = make_task(db, project=t.project, name="Visible")
        for who, tid in ((t.member, hidden.id), (t.admin, gone.id), (t.admin, 999_999), (t.outsider, visible.id)):
            r = client.get(f"{URL}/{tid}", headers=token_auth(who))
            assert (r.status_code, r.json()) == (404, ["Task not found"])
        assert client.get(f"{URL}/{hidden.id}", headers=token_auth(t.admin)).status_code == 200
        r = client.get(f"{URL}/{visible.id},{hidden.id}", headers=token_auth(t.admin))
        assert (r.status_code, r.json()) == (400, ["Id lists are not allowed here"])
        r = client.get(f"{URL}/99999999999999999999", headers=token_auth(t.admin))
        assert (r.status_code, r.json()) == (400, ["Invalid id"])


class TestUpdateTask:
    def test_changes_every_writable_field_and_ignores_pid_wid(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        other = make_project(db, workspace_id=t.ws.id, name="Other")
        wire = make_task(db, project=t.project, name="Wireframes")
        track(db, t, t.member, wire, 1200)
        r = client.put(f"{URL}/{wire.id}", headers=token_auth(t.manager), json={"task": {
            "name": "Mockups", "uid": t.member.id, "estimated_seconds": 7200, "active": False,
            "pid": other.id, "wid": t.admin.default_workspace_id, "fields": "uname"}})
        assert r.status_code == 200
        stored = task(db, wire.id)
        assert r.json() == {"data": {"id": wire.id, "name": "Mockups", "wid": t.ws.id, "pid": t.project.id,
                                     "uid": t.member.id, "active": False, "estimated_seconds": 7200,
                                     "tracked_seconds": 1200, "uname": "Lena Berg", "at": ts(stored.updated_at)}}
        assert tasks_in_db(db) == [("Mockups", t.member.id, 7200, False, False)]

    def test_nulls(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        wire = make_task(db, project=t.project, name="Wireframes", user_id=t.member.id, estimated_seconds=60,
                         active=False)
        r = client.put(f"{URL}/{wire.id}", headers=token_auth(t.admin), json={"task": {
            "name": None, "uid": None, "estimated_seconds": None, "active": None}})
        assert r.status_code == 200
        assert tasks_in_db(db) == [("Wireframes", None, 0, False, False)]

    def test_rename_to_own_name_in_other_case_but_not_to_a_taken_one(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        wire = make_task(db, project=t.project, name="Wireframes")
        make_task(db, project=t.project, name="Copy")
        h = token_auth(t.admin)
        assert client.put(f"{URL}/{wire.id}", headers=h, json={"task": {"name": "WIREFRAMES"}}).status_code == 200
        r = client.put(f"{URL}/{wire.id}", headers=h, json={"task": {"name": "copy"}})
        assert (r.status_code, r.json()) == (404, ["Name has already been taken"])
        r = client.put(f"{URL}/{wire.id}", headers=h, json={"task": {"name": " "}})
        assert (r.status_code, r.json()) == (404, ["Name can't be blank"])
        assert [row[0] for row in tasks_in_db(db)] == ["WIREFRAMES", "Copy"]

    def test_assignee_and_estimate_rules(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        wire = make_task(db, project=t.project, name="Wireframes", estimated_seconds=60)
        h = token_auth(t.admin)
        r = client.put(f"{URL}/{wire.id}", headers=h, json={"task": {"uid": t.outsider.id}})
        assert (r.status_code, r.json()) == (404, ["User is not a member of this workspace"])
        r = client.put(f"{URL}/{wire.id}", headers=h, json={"task": {"estimated_seconds": -5}})
        assert (r.status_code, r.json()) == (404, ["Estimated seconds can't be negative"])
        r = client.put(f"{URL}/{wire.id}", headers=h, json={"task": {"estimated_seconds": False}})
        assert (r.status_code, r.json()["data"]["estimated_seconds"]) == (200, 0)

    def test_permissions(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        wire = make_task(db, project=t.project, name="Wireframes")
        body = {"task": {"active": False}}
        r = client.put(f"{URL}/{wire.id}", headers=token_auth(t.member), json=body)
        assert (r.status_code, r.json()) == MANAGERS_ONLY
        for who, tid in ((t.outsider, wire.id), (t.admin, 999_999)):
            r = client.put(f"{URL}/{tid}", headers=token_auth(who), json=body)
            assert (r.status_code, r.json()) == (404, ["Task not found"])
        assert tasks_in_db(db) == [("Wireframes", None, 0, True, False)]

    def test_non_premium_is_402(self, client: TestClient, db: Session) -> None:
        t = arrange(db, premium=False)
        wire = make_task(db, project=t.project, name="Wireframes")
        r = client.put(f"{URL}/{wire.id}", headers=token_auth(t.admin), json={"task": {"active": False}})
        assert (r.status_code, r.json()) == PAID_ONLY
        r = client.put(f"{URL}/{wire.id},{wire.id}", headers=token_auth(t.admin), json={"task": {"active": False}})
        assert (r.status_code, r.json()) == PAID_ONLY
        assert tasks_in_db(db) == [("Wireframes", None, 0, True, False)]

    def test_bad_input_changes_nothing(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        wire = make_task(db, project=t.project, name="Wireframes")
        h = token_auth(t.admin)
        url = f"{URL}/{wire.id}"
        r = client.put(url, headers=h, content=b"{")
        assert (r.status_code, r.json()) == (400, ["Invalid JSON"])
        r = client.put(url, headers=h, json={"active": False})
        assert (r.status_code, r.json()) == (404, ["task can't be blank"])
        r = client.put(url, headers=h, json={"task": {"active": 0}})
        assert (r.status_code, r.json()) == (404, ["Invalid active"])
        r = client.put(url, headers=h, json={"task": {"name": ["x"]}})
        assert (r.status_code, r.json()) == (404, ["Invalid name"])
        for segment in ("abc", "0", "99999999999999999999", f"{wire.id},-3"):
            r = client.put(f"{URL}/{segment}", headers=h, json={"task": {"active": False}})
            assert (r.status_code, r.json()) == (400, ["Invalid id"]), segment
        r = client.put(f"{URL}/" + ",".join(str(i) for i in range(1, 1002)), headers=h,
                       json={"task": {"active": False}})
        assert (r.status_code, r.json()) == (400, ["Too many ids (maximum 1000)"])
        assert tasks_in_db(db) == [("Wireframes", None, 0, True, False)]


class TestMassUpdateTasks:
    def test_documented_example(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        wire = make_task(db, project=t.project, name="Wireframes", estimated_seconds=14400, user_id=t.member.id)
        copy = make_task(db, project=t.project, name="Copywriting")
        track(db, t, t.member, wire, 9000)
        track(db, t, t.admin, copy, 1200)
        r = client.put(f"{URL}/{wire.id},{copy.id}", headers=token_auth(t.manager),
                       json={"task": {"active": False, "fields": "done_seconds,uname"}})
        assert r.status_code == 200
        a, b = task(db, wire.id), task(db, copy.id)
        assert r.json() == {"data": [
            {"id": wire.id, "name": "Wireframes", "wid": t.ws.id, "pid": t.project.id, "uid": t.member.id,
             "active": False, "estimated_seconds": 14400, "tracked_seconds": 9000, "done_seconds": 9000,
             "uname": "Lena Berg", "at": ts(a.updated_at)},
            {"id": copy.id, "name": "Copywriting", "wid": t.ws.id, "pid": t.project.id, "active": False,
             "estimated_seconds": 0, "tracked_seconds": 1200, "done_seconds": 1200, "at": ts(b.updated_at)},
        ]}

    def test_path_order_and_duplicates(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        a = make_task(db, project=t.project, name="A")
        b = make_task(db, project=t.project, name="B")
        r = client.put(f"{URL}/{b.id},{a.id},{b.id}", headers=token_auth(t.admin), json={"task": {"uid": t.admin.id}})
        assert [(row["id"], row["uid"]) for row in r.json()["data"]] == [(b.id, t.admin.id), (a.id, t.admin.id)]
        r = client.put(f"{URL}/{a.id},{a.id}", headers=token_auth(t.admin), json={"task": {"active": False}})
        assert [row["id"] for row in r.json()["data"]] == [a.id]

    def test_all_or_nothing(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        mine = make_task(db, project=t.project, name="Mine")
        unmanaged = make_task(db, project=make_project(db, workspace_id=t.ws.id, name="Other"), name="Theirs")
        foreign = make_task(db, project=make_project(db, workspace_id=t.outsider.default_workspace_id), name="F")
        h = token_auth(t.manager)
        body = {"task": {"active": False}}
        r = client.put(f"{URL}/{mine.id},999999", headers=h, json=body)
        assert (r.status_code, r.json()) == (404, ["Task 999999 not found"])
        r = client.put(f"{URL}/{mine.id},{foreign.id}", headers=h, json=body)
        assert (r.status_code, r.json()) == (404, [f"Task {foreign.id} not found"])
        r = client.put(f"{URL}/{mine.id},{unmanaged.id}", headers=h, json=body)
        assert (r.status_code, r.json()) == (
            403, [f"Only workspace admins and project managers can change task {unmanaged.id}"])
        assert [row[3] for row in tasks_in_db(db)] == [True, True, True]

    def test_mass_rename_within_one_project_conflicts(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        a = make_task(db, project=t.project, name="A")
        b = make_task(db, project=t.project, name="B")
        c = make_task(db, project=make_project(db, workspace_id=t.ws.id, name="Other"), name="C")
        h = token_auth(t.admin)
        r = client.put(f"{URL}/{a.id},{b.id}", headers=h, json={"task": {"name": "Same"}})
        assert (r.status_code, r.json()) == (404, ["Name has already been taken"])
        r = client.put(f"{URL}/{a.id},{c.id}", headers=h, json={"task": {"name": "Same"}})
        assert r.status_code == 200
        assert [row[0] for row in tasks_in_db(db)] == ["Same", "B", "Same"]

    def test_no_query_per_task(self, client: TestClient, db: Session, app: Any) -> None:
        t = arrange(db)
        made = [make_task(db, project=t.project, name=f"T{i}", user_id=t.member.id) for i in range(8)]
        for m in made:
            track(db, t, t.member, m, 60)
        body = {"task": {"active": False, "fields": "done_seconds,uname"}}
        counts = []
        for ids in (made[:2], made):
            with count_queries(app) as n:
                r = client.put(f"{URL}/" + ",".join(str(m.id) for m in ids), headers=token_auth(t.manager),
                               json=body)
            assert len(r.json()["data"]) == len(ids)
            counts.append(n[0])
        assert counts[0] == counts[1]


class TestDeleteTasks:
    def test_single_delete_tombstones_and_detaches_entries(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        wire = make_task(db, project=t.project, name="Wireframes")
        entry = track(db, t, t.member, wire, 600, updated_at=at("2023-10-02T08:00:00Z"))
        r = client.delete(f"{URL}/{wire.id}", headers=token_auth(t.manager))
        assert (r.status_code, r.json()) == (200, [wire.id])
        assert tasks_in_db(db) == [("Wireframes", None, 0, True, True)]
        kept = db.get(TimeEntry, entry.id)
        assert kept is not None
        assert (kept.task_id, kept.project_id, kept.deleted_at) == (None, t.project.id, None)
        assert kept.updated_at > at("2023-10-02T08:00:00Z")
        r = client.get(f"{URL}/{wire.id}", headers=token_auth(t.admin))
        assert (r.status_code, r.json()) == (404, ["Task not found"])
        r = client.delete(f"{URL}/{wire.id}", headers=token_auth(t.admin))
        assert (r.status_code, r.json()) == (404, ["Task not found"])
        r = client.post(URL, headers=token_auth(t.admin), json={"task": {"name": "wireframes", "pid": t.project.id}})
        assert r.status_code == 200

    def test_mass_delete_in_path_order(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        a = make_task(db, project=t.project, name="A")
        b = make_task(db, project=t.project, name="B")
        make_task(db, project=t.project, name="C")
        r = client.delete(f"{URL}/{b.id},{a.id},{b.id}", headers=token_auth(t.admin))
        assert (r.status_code, r.json()) == (200, [b.id, a.id])
        assert [row[4] for row in tasks_in_db(db)] == [True, True, False]

    def test_mass_delete_all_or_nothing(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        mine = make_task(db, project=t.project, name="Mine")
        entry = track(db, t, t.member, mine, 600)
        unmanaged = make_task(db, project=make_project(db, workspace_id=t.ws.id, name="Other"), name="Theirs")
        foreign = make_task(db, project=make_project(db, workspace_id=t.outsider.default_workspace_id), name="F")
        h = token_auth(t.manager)
        r = client.delete(f"{URL}/{mine.id},{foreign.id}", headers=h)
        assert (r.status_code, r.json()) == (404, [f"Task {foreign.id} not found"])
        r = client.delete(f"{URL}/{mine.id},{unmanaged.id}", headers=h)
        assert (r.status_code, r.json()) == (
            403, [f"Only workspace admins and project managers can change task {unmanaged.id}"])
        assert [row[4] for row in tasks_in_db(db)] == [False, False, False]
        kept = db.get(TimeEntry, entry.id)
        assert kept is not None and kept.task_id == mine.id

    def test_permissions_premium_and_bad_ids(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        wire = make_task(db, project=t.project, name="Wireframes")
        r = client.delete(f"{URL}/{wire.id}", headers=token_auth(t.member))
        assert (r.status_code, r.json()) == MANAGERS_ONLY
        r = client.delete(f"{URL}/{wire.id}", headers=token_auth(t.outsider))
        assert (r.status_code, r.json()) == (404, ["Task not found"])
        for segment in ("x", "0", "99999999999999999999", f"{wire.id},,"):
            r = client.delete(f"{URL}/{segment}", headers=token_auth(t.admin))
            assert (r.status_code, r.json()) == (400, ["Invalid id"]), segment
        free = arrange(db, premium=False)
        old = make_task(db, project=free.project, name="Old")
        for segment in (str(old.id), f"{old.id},{old.id}"):
            r = client.delete(f"{URL}/{segment}", headers=token_auth(free.admin))
            assert (r.status_code, r.json()) == PAID_ONLY
        assert [row[4] for row in tasks_in_db(db)] == [False, False]

    def test_private_project_task_is_not_found_for_non_members(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        secret = make_project(db, workspace_id=t.ws.id, name="Secret", is_private=True)
        add_project_user(db, secret, t.member)
        hidden = make_task(db, project=secret, name="Hidden")
        r = client.delete(f"{URL}/{hidden.id}", headers=token_auth(t.manager))
        assert (r.status_code, r.json()) == (404, ["Task not found"])
        r = client.delete(f"{URL}/{hidden.id}", headers=token_auth(t.member))
        assert (r.status_code, r.json()) == MANAGERS_ONLY
        assert tasks_in_db(db) == [("Hidden", None, 0, True, False)]
