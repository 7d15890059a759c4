"""API v9 time entries: reading (50- §2) — the caller's list with its filters, the running entry, one entry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import insert
from sqlalchemy.orm import Session

from punchclock.models import TimeEntry, User
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
LIST = "/me/time_entries"


def listed(client: TestClient, user: User, **query: Any) -> list[dict[str, Any]]:
    r = client.get(f"{V9}{LIST}", params=query, headers=token_auth(user))
    body: list[dict[str, Any]] = documented(client).check("GET", LIST, r)
    return body


def ids(client: TestClient, user: User, **query: Any) -> list[int]:
    return [e["id"] for e in listed(client, user, **query)]


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class TestList:
    def test_range_newest_first_only_own(self, client: TestClient, db: Session) -> None:
        admin, member = make_user(db), make_user(db)
        ws = make_workspace(db, admin=admin)
        add_member(db, ws, member)
        a = make_entry(db, user=admin, start="2024-05-01T09:00:00Z", workspace_id=ws.id)
        b = make_entry(db, user=admin, start="2024-05-03T09:00:00Z")
        c = make_entry(db, user=admin, start="2024-05-03T09:00:00Z")
        make_entry(db, user=member, start="2024-05-02T09:00:00Z", workspace_id=ws.id)
        make_entry(db, user=admin, start="2024-05-05T00:00:00Z")
        assert ids(client, admin, start_date="2024-05-01", end_date="2024-05-04T00:00:00Z") == [c.id, b.id, a.id]

    def test_end_date_as_a_date_includes_the_day(self, client: TestClient, db: Session) -> None:
        user = make_user(db, timezone="Europe/Berlin")
        late = make_entry(db, user=user, start="2024-05-03T21:30:00Z")  # 23:30 on May 3 in Berlin
        make_entry(db, user=user, start="2024-05-03T22:30:00Z")  # 00:30 on May 4 in Berlin
        assert ids(client, user, start_date="2024-05-03", end_date="2024-05-03") == [late.id]
        assert ids(client, user, start_date="2024-05-03", end_date="2024-05-03T21:30:00Z") == []

    def test_before_and_start_date(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        early = make_entry(db, user=user, start="2024-05-01T09:00:00Z")
        make_entry(db, user=user, start="2024-05-02T09:00:00Z")
        assert ids(client, user, start_date="2024-04-01", before="2024-05-02T09:00:00Z") == [early.id]
        assert ids(client, user, start_date="2024-05-03", end_date="2024-05-02") == []

    def test_default_window_and_the_running_entry(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        running = make_entry(db, user=user, start=now() - timedelta(days=20), seconds=None)
        recent = make_entry(db, user=user, start=now() - timedelta(days=2))
        make_entry(db, user=user, start=now() - timedelta(days=10, hours=1))
        body = listed(client, user)
        assert [e["id"] for e in body] == [recent.id, running.id]
        assert (body[1]["stop"], body[1]["duration"]) == (None, -int(running.start.timestamp()))
        assert ids(client, user, end_date=(now() - timedelta(days=1)).isoformat()) == [recent.id]

    def test_since_lists_changes_with_tombstones(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        old = make_entry(db, user=user, start="2020-01-01T09:00:00Z")
        changed = make_entry(db, user=user, start="2020-01-02T09:00:00Z")
        gone = make_entry(db, user=user, start="2020-01-03T09:00:00Z")
        for entry, at in ((old, "2024-01-01T00:00:00"), (changed, "2024-03-01T00:00:00"),
                          (gone, "2024-03-02T00:00:00")):
            entry.updated_at = datetime.fromisoformat(at).replace(tzinfo=UTC)
        gone.deleted_at = datetime(2024, 3, 2, tzinfo=UTC)
        db.commit()
        since = int(datetime(2024, 2, 1, tzinfo=UTC).timestamp())
        body = listed(client, user, since=since)
        assert [(e["id"], e["at"], e["server_deleted_at"]) for e in body] == [
            (gone.id, "2024-03-02T00:00:00+00:00", "2024-03-02T00:00:00+00:00"),
            (changed.id, "2024-03-01T00:00:00+00:00", None)]
        assert ids(client, user, since=since, before="2020-01-03") == [changed.id]
        assert ids(client, user, start_date="2019-12-01", end_date="2020-02-01") == [changed.id, old.id]

    def test_tags_and_meta(self, client: TestClient, db: Session) -> None:
        user = make_user(db, fullname="Lena Berg")
        wid = user.default_workspace_id
        project = make_project(db, workspace_id=wid, name="Site", color_hex="#123abc")
        task = make_task(db, project=project, name="Layout")
        b, a = make_tag(db, workspace_id=wid, name="b"), make_tag(db, workspace_id=wid, name="A")
        entry = make_entry(db, user=user, start="2024-05-01T09:00:00Z", project_id=project.id, task_id=task.id,
                           tags=[b, a], description="Draft")
        bare = make_entry(db, user=user, start="2024-05-01T08:00:00Z")
        body = listed(client, user, start_date="2024-05-01", end_date="2024-05-01", meta="true")
        assert [(e["id"], e["tags"], e["tag_ids"]) for e in body] == [(entry.id, ["A", "b"], [a.id, b.id]),
                                                                       (bare.id, [], [])]
        first, second = body
        assert (first["project_name"], first["project_color"], first["task_name"], first["client_name"],
                first["user_name"], first["description"]) == ("Site", "#123abc", "Layout", None, "Lena Berg", "Draft")
        assert (second["project_name"], second["project_color"], second["project_active"], second["task_name"]) == (
            None, None, None, None)
        assert "project_name" not in listed(client, user, start_date="2024-05-01", end_date="2024-05-01")[0]

    def test_no_count_limit(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        base = datetime(2024, 1, 1, tzinfo=UTC)
        rows = [{"guid": f"g{i}", "user_id": user.id, "workspace_id": user.default_workspace_id,
                 "start": base + timedelta(minutes=i), "stop": base + timedelta(minutes=i, seconds=30),
                 "duration": 30, "created_with": "tests", "description": "", "billable": False, "duronly": False,
                 "created_at": base, "updated_at": base} for i in range(1100)]
        db.execute(insert(TimeEntry), rows)
        db.commit()
        body = ids(client, user, start_date="2024-01-01", end_date="2024-01-02")
        assert len(body) == 1100 and body[0] > body[-1]

    def test_bad_values_are_400(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        for name, value in (("start_date", "May"), ("end_date", "2024-13-01"), ("before", "x"), ("since", "-5"),
                            ("meta", "maybe")):
            r = client.get(f"{V9}{LIST}", params={name: value}, headers=token_auth(user))
            assert (r.status_code, r.json()) == (400, f"Invalid {name}")


class TestCurrent:
    def test_null_when_nothing_runs(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        make_entry(db, user=user, start="2024-05-01T09:00:00Z")
        r = client.get(f"{V9}/me/time_entries/current", headers=token_auth(user))
        assert (r.status_code, r.content) == (200, b"null")

    def test_the_running_entry(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        entry = make_entry(db, user=user, start="2024-05-01T09:00:00Z", seconds=None)
        r = client.get(f"{V9}/me/time_entries/current?meta=1", headers=token_auth(user))
        body = documented(client).check("GET", "/me/time_entries/current", r)
        assert (body["id"], body["stop"], body["duration"], body["user_name"]) == (
            entry.id, None, -1714554000, user.fullname)


class TestOne:
    def test_deleted_entry_shows_its_deletion(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        entry = make_entry(db, user=user, start="2024-05-01T09:00:00Z", seconds=90)
        entry.deleted_at = datetime(2024, 5, 2, 10, 0, 0, tzinfo=UTC)
        db.commit()
        r = client.get(f"{V9}/me/time_entries/{entry.id}", headers=token_auth(user))
        body = documented(client).check("GET", "/me/time_entries/{time_entry_id}", r)
        assert (body["start"], body["stop"], body["duration"], body["server_deleted_at"]) == (
            "2024-05-01T09:00:00+00:00", "2024-05-01T09:01:30+00:00", 90, "2024-05-02T10:00:00+00:00")

    def test_admin_reads_a_members_entry(self, client: TestClient, db: Session) -> None:
        admin, member = make_user(db), make_user(db)
        ws = make_workspace(db, admin=admin)
        add_member(db, ws, member)
        entry = make_entry(db, user=member, start="2024-05-01T09:00:00Z", workspace_id=ws.id)
        r = client.get(f"{V9}/me/time_entries/{entry.id}", headers=token_auth(admin))
        assert documented(client).check("GET", "/me/time_entries/{time_entry_id}", r)["user_id"] == member.id
        r = client.get(f"{V9}/me/time_entries/{entry.id}", headers=token_auth(make_user(db)))
        assert (r.status_code, r.json()) == (404, "Time entry not found")
