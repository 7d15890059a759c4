"""Time-entry writes answer from the values they wrote (no re-read): the answer must match the database.

Each test compares a write's answer with a later ``GET`` of the same entry, and checks the cases where
the written values are not simply the input: stored tag spellings, entries stopped by another entry of
the same request, resolved rates, the typed inputs' "not sent" versus "null".
"""

from __future__ import annotations

from datetime import UTC
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from punchclock.domain.inputs import UNSET
from punchclock.http.v8.schemas.time_entries import TimeEntryIn, to_changes
from punchclock.models import TimeEntry, User
from tests.factories import add_member, make_entry, make_project, make_tag, make_user, make_workspace, token_auth

URL = "/api/v8/time_entries"


def read(client: TestClient, user: User, entry_id: int) -> dict[str, Any]:
    data: dict[str, Any] = client.get(f"{URL}/{entry_id}", headers=token_auth(user)).json()["data"]
    return data


class TestAnswersMatchTheDatabase:
    def test_start_answers_the_stored_spelling_of_an_existing_tag(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        make_tag(db, workspace_id=user.default_workspace_id, name="Alpha")
        r = client.post(f"{URL}/start", headers=token_auth(user),
                        json={"time_entry": {"created_with": "t", "tags": ["alpha", "New", "ALPHA"]}})
        data = r.json()["data"]
        assert data["tags"] == ["Alpha", "New"]
        assert read(client, user, data["id"]) == data

    def test_create_stop_and_update_answers_equal_a_fresh_read(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        body = {"created_with": "t", "start": "2023-10-02T07:00:00Z", "duration": 60, "description": "d",
                "tags": ["b", "a"], "duronly": True}
        created = client.post(URL, headers=token_auth(user), json={"time_entry": body}).json()["data"]
        assert read(client, user, created["id"]) == created
        updated = client.put(f"{URL}/{created['id']}", headers=token_auth(user),
                             json={"time_entry": {"duration": -1, "tags": ["c"], "tag_action": "add"}}).json()["data"]
        assert updated["tags"] == ["a", "b", "c"] and "stop" not in updated
        assert read(client, user, created["id"]) == updated
        stopped = client.put(f"{URL}/{created['id']}/stop", headers=token_auth(user)).json()["data"]
        assert "stop" in stopped
        assert read(client, user, created["id"]) == stopped

    def test_bulk_restart_answers_an_entry_stopped_by_a_later_one(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        running = make_entry(db, user=user, start="2023-10-02T09:00:00Z", seconds=None)
        stopped = make_entry(db, user=user, start="2023-10-02T07:00:00Z", seconds=60)
        r = client.put(f"{URL}/{running.id},{stopped.id}", headers=token_auth(user),
                       json={"time_entry": {"duration": -1}})
        first, second = r.json()["data"]
        # ``stopped`` starts running after ``running`` was written: the first one is stopped again.
        assert ("stop" in first, "stop" in second) == (True, False)
        assert [read(client, user, running.id), read(client, user, stopped.id)] == [first, second]

    def test_start_stops_the_running_entry_in_another_workspace(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        team = make_workspace(db, admin=user)
        old = make_entry(db, user=user, start="2023-10-02T07:00:00Z", seconds=None, workspace_id=team.id)
        r = client.post(f"{URL}/start", headers=token_auth(user), json={"time_entry": {"created_with": "t"}})
        assert r.status_code == 200
        assert "stop" in read(client, user, old.id)
        assert client.get(f"{URL}/current", headers=token_auth(user)).json()["data"] == r.json()["data"]


class TestRatesOfCoreWrites:
    def test_created_and_moved_entries_carry_the_resolved_rate(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        team = make_workspace(db, admin=user, premium=True, default_hourly_rate=Decimal("10"))
        project = make_project(db, workspace_id=team.id, rate=Decimal("25"), currency="EUR")
        r = client.post(URL, headers=token_auth(user), json={"time_entry": {
            "created_with": "t", "wid": team.id, "start": "2023-10-02T07:00:00Z", "duration": 60}})
        entry_id = r.json()["data"]["id"]

        def stored() -> tuple[Decimal, str]:
            db.rollback()  # a new snapshot: the app wrote since the last read
            e = db.scalars(select(TimeEntry).where(TimeEntry.id == entry_id)).one()
            return e.rate, e.currency

        assert stored() == (Decimal("10.00"), "USD")
        at_before = read(client, user, entry_id)["at"]
        moved = client.put(f"{URL}/{entry_id}", headers=token_auth(user), json={"time_entry": {"pid": project.id}})
        assert moved.json()["data"]["pid"] == project.id, moved.text
        assert stored() == (Decimal("25.00"), "EUR")
        assert read(client, user, entry_id)["at"] >= at_before


class TestVisibilityRule:
    def test_admins_read_members_entries_but_list_only_their_own(self, client: TestClient, db: Session) -> None:
        admin, member = make_user(db), make_user(db)
        team = make_workspace(db, admin=admin)
        add_member(db, team, member)
        theirs = make_entry(db, user=member, start="2023-10-02T07:00:00Z", workspace_id=team.id)
        assert read(client, admin, theirs.id)["uid"] == member.id
        listed = client.get(URL, headers=token_auth(admin),
                            params={"start_date": "2023-10-01T00:00:00Z", "end_date": "2023-10-05T00:00:00Z"})
        assert listed.json() == []
        other = make_user(db)
        assert client.get(f"{URL}/{theirs.id}", headers=token_auth(other)).status_code == 404
        mine = make_entry(db, user=member, start="2023-10-02T09:00:00Z")
        assert client.get(f"{URL}/{mine.id}", headers=token_auth(admin)).status_code == 404


class TestTypedInputs:
    def test_not_sent_null_and_blank_stay_apart(self) -> None:
        data = TimeEntryIn.model_validate({"pid": None, "start": " ", "guid": "", "tags": ["x"]})
        changes = to_changes(data, UTC)
        assert (changes.project_id, changes.start, changes.guid, changes.tags) == (None, None, None, ["x"])
        assert (changes.task_id, changes.stop, changes.description, changes.created_with) == (UNSET,) * 4


class TestEpochRendering:
    def test_epoch_seconds_render_like_datetimes_across_offset_changes(self) -> None:
        from datetime import datetime, timedelta

        from punchclock.domain.actor import zone
        from punchclock.domain.timekeeping import epoch, wire_duration, wire_duration_epoch
        from punchclock.http.wire import render_epoch, render_ts

        start = datetime(2023, 3, 26, 0, 0, 1, tzinfo=UTC)  # around the EU spring change
        instants = [start + timedelta(minutes=29 * i) for i in range(12)]
        instants += [datetime(1970, 1, 1, tzinfo=UTC), datetime(2100, 12, 31, 23, 59, 59, tzinfo=UTC)]
        for name in ("Etc/UTC", "Europe/Helsinki", "America/St_Johns", "Asia/Kathmandu", "Pacific/Chatham"):
            tz = zone(name)
            for d in instants:
                assert render_epoch(epoch(d), tz) == render_ts(d, tz)
                assert wire_duration_epoch(epoch(d), None, 0) == wire_duration(d, None, 0)
                assert wire_duration_epoch(epoch(d), epoch(d) + 5, 5) == wire_duration(d, d, 5)
        assert render_epoch(None, UTC) is None
