"""POST /time_entries and POST /time_entries/start (40-time-entries §1-§4)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from punchclock.models import Tag, TimeEntry, TimeEntryTag, User
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
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def post(client: TestClient, user: User, url: str = URL, **fields: Any) -> Any:
    fields.setdefault("created_with", "pytest")
    return client.post(url, headers=token_auth(user), json={"time_entry": fields})


def epoch(text: str) -> int:
    return int(datetime.fromisoformat(text).timestamp())


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def entry_count(db: Session) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(TimeEntry)) or 0


def within(text: str, before: datetime, after: datetime) -> bool:
    return before <= datetime.fromisoformat(text) <= after


class TestCreateTimeEntry:
    def test_creates_stopped_entry_from_duration(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        before = utc_now()
        r = post(client, user, description="Client call", start="2023-10-04T08:00:00+02:00", duration=1800,
                 tags=["call", ""])
        after = utc_now()
        assert r.status_code == 200
        data = r.json()["data"]
        assert data == {
            "id": 1, "guid": data["guid"], "wid": user.default_workspace_id, "uid": user.id, "billable": False,
            "start": "2023-10-04T06:00:00+00:00", "stop": "2023-10-04T06:30:00+00:00", "duration": 1800,
            "description": "Client call", "tags": ["call"], "duronly": False, "at": data["at"],
        }
        assert UUID.match(data["guid"])
        assert within(data["at"], before, after)
        db.expire_all()
        stored = db.scalars(select(TimeEntry)).one()
        assert (stored.duration, stored.created_with, stored.stop) == (1800, "pytest", at("2023-10-04T06:30:00Z"))

    def test_stop_wins_over_a_sent_duration(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = post(client, user, start="2023-10-02T07:00:00Z", stop="2023-10-02T08:30:00Z", duration=1240)
        data = r.json()["data"]
        assert (data["start"], data["stop"], data["duration"]) == (
            "2023-10-02T07:00:00+00:00", "2023-10-02T08:30:00+00:00", 5400)

    def test_negative_duration_creates_a_running_entry(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = post(client, user, start="2023-10-02T07:00:00Z", duration=-1)
        data = r.json()["data"]
        assert "stop" not in data
        assert data["duration"] == -1696230000 == -epoch(data["start"])
        db.expire_all()
        stored = db.scalars(select(TimeEntry)).one()
        assert (stored.stop, stored.duration) == (None, 0)

    def test_input_offsets_without_colon_and_fractional_seconds(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        for start in ("2023-10-02T09:00:00+0200", "2023-10-02T07:00:00.000Z", "2023-10-02T07:00:00-00:00",
                      "2023-10-02T03:00:00-04:00"):
            r = post(client, user, start=start, stop="2023-10-02T10:30:00.123+0200")
            assert r.status_code == 200, start
            assert (r.json()["data"]["start"], r.json()["data"]["duration"]) == ("2023-10-02T07:00:00+00:00", 5400)

    def test_user_in_helsinki_reads_and_writes_local_time(self, client: TestClient, db: Session) -> None:
        user = make_user(db, timezone="Europe/Helsinki")
        r = post(client, user, start="2023-10-02T09:00:00", duration=5400)  # no zone: the user's zone
        data = r.json()["data"]
        assert (data["start"], data["stop"], data["duration"]) == (
            "2023-10-02T09:00:00+03:00", "2023-10-02T10:30:00+03:00", 5400)
        assert data["at"].endswith(("+02:00", "+03:00"))
        db.expire_all()
        assert db.scalars(select(TimeEntry.start)).one() == at("2023-10-02T06:00:00Z")
        # A UTC admin of the same workspace reads it in their own zone.
        admin = make_user(db)
        add_member(db, user.default_workspace_id, admin, admin=True)
        r = client.get(f"{URL}/{data['id']}", headers=token_auth(admin))
        assert r.json()["data"]["start"] == "2023-10-02T06:00:00+00:00"

    def test_helsinki_user_with_explicit_offset_and_winter_time(self, client: TestClient, db: Session) -> None:
        user = make_user(db, timezone="Europe/Helsinki")
        r = post(client, user, start="2023-12-01T08:00:00.000Z", duration=60)
        assert r.json()["data"]["start"] == "2023-12-01T10:00:00+02:00"

    def test_missing_fields_are_reported_together(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = client.post(URL, headers=token_auth(user), json={"time_entry": {"description": "x"}})
        assert (r.status_code, r.json()) == (
            404, ["Start can't be blank", "created_with needs to be provided a valid string"])
        assert entry_count(db) == 0

    def test_duration_or_stop_required(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = post(client, user, start="2023-10-02T07:00:00Z")
        assert (r.status_code, r.json()) == (404, ["Duration can't be blank"])
        assert entry_count(db) == 0

    def test_created_with_must_be_a_non_blank_string(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        for value in (None, "", "   ", 7, ["app"], "x" * 201):
            r = post(client, user, start="2023-10-02T07:00:00Z", duration=60, created_with=value)
            assert (r.status_code, r.json()) == (404, ["created_with needs to be provided a valid string"]), value
        assert entry_count(db) == 0

    def test_start_year_limits(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        for start in ("1969-12-31T23:59:59Z", "2101-01-01T00:00:00Z"):
            r = post(client, user, start=start, duration=60)
            assert (r.status_code, r.json()) == (404, ["Start time year must be between 1970 and 2100"])
        assert entry_count(db) == 0
        r = post(client, user, start="2100-12-31T23:59:59Z", duration=60)
        assert r.json()["data"]["stop"] == "2101-01-01T00:00:59+00:00"

    def test_stop_before_start_is_rejected(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = post(client, user, start="2023-10-02T07:00:00Z", stop="2023-10-02T06:59:59Z")
        assert (r.status_code, r.json()) == (404, ["Stop time must be after start time"])
        assert entry_count(db) == 0

    def test_unreadable_times(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        cases = [
            ({"start": "yesterday", "duration": 60}, ["Invalid start"]),
            ({"start": "2023-13-45T07:00:00Z", "duration": 60}, ["Invalid start"]),
            ({"start": 1696230000, "duration": 60}, ["Invalid start"]),
            ({"start": "0001-01-01T00:00:00+05:00", "duration": 60}, ["Invalid start"]),
            ({"start": "2023-10-02T07:00:00Z", "stop": "soon"}, ["Invalid stop"]),
            ({"start": "2023-10-02T07:00:00Z", "stop": "9999-12-31T23:59:59-05:00"}, ["Invalid stop"]),
        ]
        for fields, expected in cases:
            r = post(client, user, **fields)
            assert (r.status_code, r.json()) == (404, expected), fields
        assert entry_count(db) == 0

    def test_wrong_types_are_named_and_write_nothing(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        base = {"start": "2023-10-02T07:00:00Z", "duration": 60}
        cases = [
            ({"duration": "abc"}, "Invalid duration"),
            ({"duration": True}, "Invalid duration"),
            ({"duration": "60.5"}, "Invalid duration"),
            ({"billable": "yes"}, "Invalid billable"),
            ({"duronly": 1}, "Invalid duronly"),
            ({"pid": "x"}, "Invalid pid"),
            ({"wid": 2**70}, "Invalid wid"),
            ({"tid": -3}, "Invalid tid"),
            ({"tags": "a,b"}, "Invalid tags"),
            ({"tags": ["a", 1]}, "Invalid tags"),
            ({"description": ["x"]}, "Invalid description"),
            ({"guid": "g" * 65}, "Invalid guid"),
        ]
        for extra, message in cases:
            r = post(client, user, **{**base, **extra})
            assert (r.status_code, r.json()) == (404, [message]), extra
        assert entry_count(db) == 0

    def test_numeric_strings_are_accepted_for_ids_and_duration(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = post(client, user, start="2023-10-02T07:00:00Z", duration="5400", wid=str(user.default_workspace_id))
        assert (r.json()["data"]["duration"], r.json()["data"]["wid"]) == (5400, user.default_workspace_id)

    def test_fractional_durations_are_truncated(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = post(client, user, start="2023-10-02T07:00:00.000Z", duration=0.3333 * 3600)  # TogglPy: hours * 3600
        assert (r.json()["data"]["duration"], r.json()["data"]["stop"]) == (1199, "2023-10-02T07:19:59+00:00")
        r = post(client, user, start="2023-10-02T08:00:00Z", duration=-0.5)
        assert r.json()["data"]["duration"] == -epoch("2023-10-02T08:00:00+00:00")

    def test_duration_longer_than_storable(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        for fields in ({"duration": 2**31}, {"stop": "2100-01-01T00:00:00Z"}):
            r = post(client, user, start="1970-01-01T00:00:00Z", **fields)
            assert (r.status_code, r.json()) == (404, ["Duration is too long (maximum 2147483647 seconds)"])
        r = post(client, user, start="1970-01-01T00:00:00Z", duration=10**30)  # beyond 64 bits: not an integer
        assert (r.status_code, r.json()) == (404, ["Invalid duration"])
        assert entry_count(db) == 0

    def test_description_length_limit(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = post(client, user, start="2023-10-02T07:00:00Z", duration=60, description="d" * 3001)
        assert (r.status_code, r.json()) == (404, ["Description is too long (maximum 3000 characters)"])
        assert entry_count(db) == 0
        r = post(client, user, start="2023-10-02T07:00:00Z", duration=60, description="d" * 3000)
        assert len(r.json()["data"]["description"]) == 3000

    def test_missing_wrapper_empty_body_and_malformed_json(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = client.post(URL, headers=token_auth(user), json={"start": "2023-10-02T07:00:00Z", "duration": 60})
        assert (r.status_code, r.json()) == (404, ["time_entry can't be blank"])
        r = client.post(URL, headers=token_auth(user), content=b"")
        assert (r.status_code, r.json()) == (404, ["time_entry can't be blank"])
        r = client.post(URL, headers=token_auth(user), json={"time_entry": "x"})
        assert (r.status_code, r.json()) == (404, ["time_entry can't be blank"])
        r = client.post(URL, headers=token_auth(user), content=b'{"time_entry": {')
        assert (r.status_code, r.json()) == (400, ["Invalid JSON"])
        assert entry_count(db) == 0

    def test_bad_credentials(self, client: TestClient, db: Session) -> None:
        r = client.post(URL, headers={"Authorization": "Basic Zm9vOmJhcg=="},
                        json={"time_entry": {"start": "2023-10-02T07:00:00Z", "duration": 60, "created_with": "x"}})
        assert (r.status_code, r.json()) == (403, ["Incorrect username and/or password"])
        assert entry_count(db) == 0


class TestCreateWorkspaceResolution:
    def test_default_workspace_when_nothing_names_one(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        make_workspace(db, admin=user, name="Other")
        r = post(client, user, start="2023-10-02T07:00:00Z", duration=60)
        assert r.json()["data"]["wid"] == user.default_workspace_id

    def test_project_gives_the_workspace(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        team = make_workspace(db, admin=user)
        project = make_project(db, workspace_id=team.id, name="Site")
        r = post(client, user, start="2023-10-02T07:00:00Z", duration=60, pid=project.id)
        data = r.json()["data"]
        assert (data["wid"], data["pid"]) == (team.id, project.id)
        assert "tid" not in data

    def test_task_gives_project_and_workspace(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        team = make_workspace(db, admin=user)
        project = make_project(db, workspace_id=team.id)
        task = make_task(db, project=project, name="Wireframes")
        r = post(client, user, start="2023-10-02T07:00:00Z", duration=60, tid=task.id)
        data = r.json()["data"]
        assert (data["wid"], data["pid"], data["tid"]) == (team.id, project.id, task.id)

    def test_task_of_another_project(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = user.default_workspace_id
        p1, p2 = make_project(db, workspace_id=wid, name="A"), make_project(db, workspace_id=wid, name="B")
        task = make_task(db, project=p1)
        r = post(client, user, start="2023-10-02T07:00:00Z", duration=60, tid=task.id, pid=p2.id)
        assert (r.status_code, r.json()) == (404, ["Task does not belong to the project"])
        assert entry_count(db) == 0

    def test_task_is_ignored_on_a_free_workspace(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        free = make_workspace(db, admin=user, premium=False)
        project = make_project(db, workspace_id=free.id)
        task = make_task(db, project=project)
        r = post(client, user, start="2023-10-02T07:00:00Z", duration=60, tid=task.id, pid=project.id)
        data = r.json()["data"]
        assert (data["wid"], data["pid"]) == (free.id, project.id)
        assert "tid" not in data

    def test_workspace_contradicting_the_project(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        team = make_workspace(db, admin=user)
        project = make_project(db, workspace_id=team.id)
        r = post(client, user, start="2023-10-02T07:00:00Z", duration=60, pid=project.id,
                 wid=user.default_workspace_id)
        assert (r.status_code, r.json()) == (404, ["Project does not belong to the workspace"])
        assert entry_count(db) == 0

    def test_unknown_and_foreign_references(self, client: TestClient, db: Session) -> None:
        me, other = make_user(db), make_user(db)
        foreign_project = make_project(db, workspace_id=other.default_workspace_id)
        foreign_task = make_task(db, project=foreign_project)
        cases = [
            ({"pid": 999}, ["Project not found"]),
            ({"pid": foreign_project.id}, ["Project not found"]),
            ({"tid": 999}, ["Task not found"]),
            ({"tid": foreign_task.id}, ["Task not found"]),
            ({"wid": other.default_workspace_id}, ["Workspace not found"]),
            ({"wid": 999}, ["Workspace not found"]),
        ]
        for extra, expected in cases:
            r = post(client, me, start="2023-10-02T07:00:00Z", duration=60, **extra)
            assert (r.status_code, r.json()) == (404, expected), extra
        assert entry_count(db) == 0

    def test_deleted_project_is_unknown(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        project = make_project(db, workspace_id=user.default_workspace_id, deleted_at=at("2023-10-01T00:00:00Z"))
        r = post(client, user, start="2023-10-02T07:00:00Z", duration=60, pid=project.id)
        assert (r.status_code, r.json()) == (404, ["Project not found"])

    def test_archived_project_is_allowed(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        project = make_project(db, workspace_id=user.default_workspace_id, active=False)
        r = post(client, user, start="2023-10-02T07:00:00Z", duration=60, pid=project.id)
        assert r.json()["data"]["pid"] == project.id

    def test_pending_membership_is_no_membership(self, client: TestClient, db: Session) -> None:
        admin, invitee = make_user(db), make_user(db)
        team = make_workspace(db, admin=admin)
        add_member(db, team, invitee, active=False)
        r = post(client, invitee, start="2023-10-02T07:00:00Z", duration=60, wid=team.id)
        assert (r.status_code, r.json()) == (404, ["Workspace not found"])

    def test_private_project_invisible_to_a_member_is_not_found(self, client: TestClient, db: Session) -> None:
        admin, member = make_user(db), make_user(db)
        team = make_workspace(db, admin=admin)
        add_member(db, team, member)
        secret = make_project(db, workspace_id=team.id, name="Secret", is_private=True)
        task = make_task(db, project=secret)
        r = post(client, member, start="2023-10-02T07:00:00Z", duration=60, pid=secret.id)
        assert (r.status_code, r.json()) == (404, ["Project not found"])
        r = post(client, member, start="2023-10-02T07:00:00Z", duration=60, tid=task.id)
        assert (r.status_code, r.json()) == (404, ["Task not found"])
        assert entry_count(db) == 0
        add_project_user(db, secret, member)
        r = post(client, member, start="2023-10-02T07:00:00Z", duration=60, tid=task.id)
        assert (r.json()["data"]["pid"], r.json()["data"]["tid"]) == (secret.id, task.id)


class TestCreateForAnotherUser:
    def test_admin_files_time_for_a_member(self, client: TestClient, db: Session) -> None:
        admin, member = make_user(db), make_user(db)
        team = make_workspace(db, admin=admin)
        add_member(db, team, member)
        r = post(client, admin, start="2023-10-02T07:00:00Z", duration=60, wid=team.id, uid=member.id)
        assert (r.json()["data"]["uid"], r.json()["data"]["wid"]) == (member.id, team.id)

    def test_member_cannot_file_time_for_someone_else(self, client: TestClient, db: Session) -> None:
        admin, member = make_user(db), make_user(db)
        team = make_workspace(db, admin=admin)
        add_member(db, team, member)
        r = post(client, member, start="2023-10-02T07:00:00Z", duration=60, wid=team.id, uid=admin.id)
        assert (r.status_code, r.json()) == (403, ["Only workspace admins can do this"])
        assert entry_count(db) == 0

    def test_owner_must_be_an_active_member(self, client: TestClient, db: Session) -> None:
        admin, outsider, invitee = make_user(db), make_user(db), make_user(db)
        team = make_workspace(db, admin=admin)
        add_member(db, team, invitee, active=False)
        for uid in (outsider.id, invitee.id, 999):
            r = post(client, admin, start="2023-10-02T07:00:00Z", duration=60, wid=team.id, uid=uid)
            assert (r.status_code, r.json()) == (404, ["Workspace not found"]), uid
        assert entry_count(db) == 0

    def test_private_project_the_member_is_not_on(self, client: TestClient, db: Session) -> None:
        admin, member = make_user(db), make_user(db)
        team = make_workspace(db, admin=admin)
        add_member(db, team, member)
        secret = make_project(db, workspace_id=team.id, is_private=True)
        r = post(client, admin, start="2023-10-02T07:00:00Z", duration=60, pid=secret.id, uid=member.id)
        assert (r.status_code, r.json()) == (403, ["You cannot add time to this project"])
        assert entry_count(db) == 0
        add_project_user(db, secret, member)
        r = post(client, admin, start="2023-10-02T07:00:00Z", duration=60, pid=secret.id, uid=member.id)
        assert (r.json()["data"]["uid"], r.json()["data"]["pid"]) == (member.id, secret.id)

    def test_another_admin_sees_every_project(self, client: TestClient, db: Session) -> None:
        admin, other_admin = make_user(db), make_user(db)
        team = make_workspace(db, admin=admin)
        add_member(db, team, other_admin, admin=True)
        secret = make_project(db, workspace_id=team.id, is_private=True)
        r = post(client, admin, start="2023-10-02T07:00:00Z", duration=60, pid=secret.id, uid=other_admin.id)
        assert r.json()["data"]["uid"] == other_admin.id


class TestCreateBillableAndTags:
    def test_billable_defaults_to_false_even_on_a_billable_project(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        project = make_project(db, workspace_id=user.default_workspace_id, billable=True)
        r = post(client, user, start="2023-10-02T07:00:00Z", duration=60, pid=project.id)
        assert r.json()["data"]["billable"] is False
        r = post(client, user, start="2023-10-02T08:00:00Z", duration=60, pid=project.id, billable=True)
        assert r.json()["data"]["billable"] is True

    def test_billable_not_stored_on_a_free_workspace(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        free = make_workspace(db, admin=user, premium=False)
        r = post(client, user, start="2023-10-02T07:00:00Z", duration=60, wid=free.id, billable=True)
        assert (r.status_code, r.json()["data"]["billable"]) == (200, False)
        db.expire_all()
        assert db.scalars(select(TimeEntry.billable)).one() is False

    def test_tags_trimmed_deduplicated_matched_and_created(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = user.default_workspace_id
        existing = make_tag(db, workspace_id=wid, name="On-Site")
        other_ws = make_workspace(db, admin=user)
        make_tag(db, workspace_id=other_ws.id, name="phase-1")
        r = post(client, user, start="2023-10-02T07:00:00Z", duration=60,
                 tags=[" phase-1 ", "on-site", "", "PHASE-1", "billable-extra", "   "])
        assert r.json()["data"]["tags"] == ["billable-extra", "On-Site", "phase-1"]
        db.expire_all()
        in_ws = db.execute(select(Tag.name, Tag.id).where(Tag.workspace_id == wid).order_by(Tag.id)).all()
        # New tags are created in name order (two requests creating the same names can't deadlock).
        assert [n for n, _ in in_ws] == ["On-Site", "billable-extra", "phase-1"]
        linked = set(db.scalars(select(TimeEntryTag.tag_id)).all())
        assert existing.id in linked and len(linked) == 3

    def test_empty_tag_list_omits_the_key(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        for tags in ([""], [], None):
            data = post(client, user, start="2023-10-02T07:00:00Z", duration=60, tags=tags).json()["data"]
            assert "tags" not in data
        assert db.scalar(select(func.count()).select_from(Tag)) == 0

    def test_deleted_tag_name_is_created_again(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        old = make_tag(db, workspace_id=user.default_workspace_id, name="old")
        old.deleted_at = at("2023-10-01T00:00:00Z")
        db.commit()
        r = post(client, user, start="2023-10-02T07:00:00Z", duration=60, tags=["old"])
        assert r.json()["data"]["tags"] == ["old"]
        db.expire_all()
        assert db.scalar(select(func.count()).select_from(Tag).where(Tag.deleted_at.is_(None))) == 1

    def test_overlong_tag_name(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = post(client, user, start="2023-10-02T07:00:00Z", duration=60, tags=["t" * 256])
        assert (r.status_code, r.json()) == (404, ["Tag name is too long (maximum 255 characters)"])
        assert entry_count(db) == 0

    def test_duronly_is_stored_and_echoed(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        data = post(client, user, start="2023-10-02T07:00:00Z", duration=60, duronly=True).json()["data"]
        assert (data["duronly"], data["duration"], data["stop"]) == (True, 60, "2023-10-02T07:01:00+00:00")


class TestCreateGuidAndRunning:
    def test_client_guid_is_kept_and_a_retry_returns_the_same_entry(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        guid = "0f8fad5b-d9cb-469f-a165-70867728950e"
        first = post(client, user, start="2023-10-02T07:00:00Z", duration=60, guid=guid).json()["data"]
        again = post(client, user, start="2023-10-02T07:00:00Z", duration=60, guid=guid).json()["data"]
        assert first["guid"] == guid
        assert again == first
        assert entry_count(db) == 1

    def test_guid_of_another_user_or_a_deleted_entry_does_not_dedupe(self, client: TestClient, db: Session) -> None:
        me, other = make_user(db), make_user(db)
        make_entry(db, user=other, start="2023-10-02T07:00:00Z").guid = "shared"
        make_entry(db, user=me, start="2023-10-01T07:00:00Z", deleted_at=at("2023-10-01T09:00:00Z")).guid = "gone"
        db.commit()
        r1 = post(client, me, start="2023-10-02T07:00:00Z", duration=60, guid="shared")
        r2 = post(client, me, start="2023-10-02T07:00:00Z", duration=60, guid="gone")
        assert (r1.json()["data"]["id"], r2.json()["data"]["id"]) == (3, 4)
        assert entry_count(db) == 4

    def test_new_running_entry_stops_the_previous_one_at_its_start(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        team = make_workspace(db, admin=user)
        old = make_entry(db, user=user, start="2023-10-02T07:00:00Z", seconds=None, workspace_id=team.id)
        r = post(client, user, start="2023-10-02T09:00:00Z", duration=-1)
        assert r.json()["data"]["duration"] == -epoch("2023-10-02T09:00:00+00:00")
        old_data = client.get(f"{URL}/{old.id}", headers=token_auth(user)).json()["data"]
        assert (old_data["stop"], old_data["duration"]) == ("2023-10-02T09:00:00+00:00", 7200)
        db.expire_all()
        assert db.get(TimeEntry, old.id).duration == 7200

    def test_running_entry_started_earlier_stops_the_previous_one_now(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        start = utc_now() - timedelta(hours=1)
        old = make_entry(db, user=user, start=start, seconds=None)
        before = utc_now()
        post(client, user, start="2023-10-02T07:00:00Z", duration=-1)
        after = utc_now()
        old_data = client.get(f"{URL}/{old.id}", headers=token_auth(user)).json()["data"]
        assert within(old_data["stop"], before, after)
        assert old_data["stop"] == old_data["at"]
        assert old_data["duration"] == epoch(old_data["stop"]) - int(start.timestamp())

    def test_stopped_entry_does_not_stop_the_running_one(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        running = make_entry(db, user=user, start="2023-10-02T07:00:00Z", seconds=None)
        post(client, user, start="2023-10-02T09:00:00Z", duration=60)
        assert client.get(f"{URL}/current", headers=token_auth(user)).json()["data"]["id"] == running.id

    def test_other_users_running_entries_are_untouched(self, client: TestClient, db: Session) -> None:
        me, other = make_user(db), make_user(db)
        theirs = make_entry(db, user=other, start="2023-10-02T07:00:00Z", seconds=None)
        post(client, me, start="2023-10-02T09:00:00Z", duration=-1)
        db.expire_all()
        assert db.get(TimeEntry, theirs.id).stop is None


class TestStartTimeEntry:
    START = f"{URL}/start"

    def test_starts_now_ignoring_sent_times(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        project = make_project(db, workspace_id=user.default_workspace_id)
        before = utc_now()
        r = post(client, user, self.START, description="Design review", pid=project.id, tags=["phase-1"],
                 start="2020-01-01T00:00:00Z", stop="2020-01-01T01:00:00Z", duration=3600)
        after = utc_now()
        data = r.json()["data"]
        assert data == {
            "id": 1, "guid": data["guid"], "wid": user.default_workspace_id, "pid": project.id, "uid": user.id,
            "billable": False, "start": data["start"], "duration": -epoch(data["start"]),
            "description": "Design review", "tags": ["phase-1"], "duronly": False, "at": data["start"],
        }
        assert within(data["start"], before, after)

    def test_created_with_is_required(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = client.post(self.START, headers=token_auth(user), json={"time_entry": {"description": "x"}})
        assert (r.status_code, r.json()) == (404, ["created_with needs to be provided a valid string"])
        assert entry_count(db) == 0

    def test_wrapper_required(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = client.post(self.START, headers=token_auth(user), content=b"")
        assert (r.status_code, r.json()) == (404, ["time_entry can't be blank"])
        r = client.post(self.START, headers=token_auth(user), content=b"{")
        assert (r.status_code, r.json()) == (400, ["Invalid JSON"])
        assert entry_count(db) == 0

    def test_stops_the_previous_running_entry_at_the_new_start(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        old = make_entry(db, user=user, start="2023-10-02T07:00:00Z", seconds=None)
        new = post(client, user, self.START).json()["data"]
        old_data = client.get(f"{URL}/{old.id}", headers=token_auth(user)).json()["data"]
        assert old_data["stop"] == new["start"]
        assert old_data["duration"] == epoch(new["start"]) - 1696230000
        assert client.get(f"{URL}/current", headers=token_auth(user)).json()["data"]["id"] == new["id"]

    def test_retry_with_the_same_guid_returns_the_running_entry(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        first = post(client, user, self.START, guid="retry-1").json()["data"]
        again = post(client, user, self.START, guid="retry-1").json()["data"]
        assert again == first
        assert "stop" not in again
        assert entry_count(db) == 1

    def test_admin_starts_a_timer_for_a_member(self, client: TestClient, db: Session) -> None:
        admin, member = make_user(db), make_user(db)
        team = make_workspace(db, admin=admin)
        add_member(db, team, member)
        mine = make_entry(db, user=admin, start="2023-10-02T07:00:00Z", seconds=None)
        data = post(client, admin, self.START, wid=team.id, uid=member.id).json()["data"]
        assert (data["uid"], data["wid"]) == (member.id, team.id)
        db.expire_all()
        assert db.get(TimeEntry, mine.id).stop is None  # the admin's own timer keeps running

    def test_start_on_foreign_workspace(self, client: TestClient, db: Session) -> None:
        me, other = make_user(db), make_user(db)
        r = post(client, me, self.START, wid=other.default_workspace_id)
        assert (r.status_code, r.json()) == (404, ["Workspace not found"])
        assert entry_count(db) == 0
