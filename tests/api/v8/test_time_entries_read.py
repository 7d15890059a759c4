"""Stop, get, current, delete and the range list of time entries (40-time-entries §5, §6, §8, §9)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import event, insert, select
from sqlalchemy.orm import Session

from punchclock.domain import time_entries
from punchclock.models import TimeEntry
from tests.factories import (
    add_member,
    at,
    make_entry,
    make_project,
    make_tag,
    make_user,
    make_workspace,
    token_auth,
)

URL = "/api/v8/time_entries"


def epoch(text: str) -> int:
    return int(datetime.fromisoformat(text).timestamp())


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def within(text: str, before: datetime, after: datetime) -> bool:
    return before <= datetime.fromisoformat(text) <= after


def assert_stopped_now(data: dict[str, object], start: str, before: datetime, after: datetime) -> None:
    """§5: ``stop`` is the server's now (inside the request window), ``duration`` is stop - start exactly,
    ``at`` the stop time."""
    stop = str(data["stop"])
    assert data["start"] == start
    assert within(stop, before, after), (stop, before, after)
    assert data["duration"] == epoch(stop) - epoch(start)
    assert data["at"] == stop


class TestStopTimeEntry:
    def test_stops_a_running_entry_now(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        entry = make_entry(db, user=user, start="2023-10-02T07:00:00Z", seconds=None, description="Review")
        before = utc_now()
        r = client.put(f"{URL}/{entry.id}/stop", headers=token_auth(user))
        after = utc_now()
        data = r.json()["data"]
        assert data == {
            "id": entry.id, "guid": entry.guid, "wid": user.default_workspace_id, "uid": user.id, "billable": False,
            "start": "2023-10-02T07:00:00+00:00", "stop": data["stop"], "duration": epoch(data["stop"]) - 1696230000,
            "description": "Review", "duronly": False, "at": data["stop"],
        }
        assert within(data["stop"], before, after)
        db.expire_all()
        assert db.get(TimeEntry, entry.id).duration == data["duration"]
        assert client.get(f"{URL}/current", headers=token_auth(user)).json() == {"data": None}

    def test_body_is_ignored_even_when_malformed(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        entry = make_entry(db, user=user, start="2023-10-02T07:00:00Z", seconds=None)
        before = utc_now()
        r = client.put(f"{URL}/{entry.id}/stop", headers=token_auth(user), content=b"{not json")
        after = utc_now()
        assert r.status_code == 200
        assert_stopped_now(r.json()["data"], "2023-10-02T07:00:00+00:00", before, after)

    def test_post_alias(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        entry = make_entry(db, user=user, start="2023-10-02T07:00:00Z", seconds=None)
        before = utc_now()
        r = client.post(f"{URL}/{entry.id}/stop", headers=token_auth(user))
        after = utc_now()
        assert r.status_code == 200
        data = r.json()["data"]
        assert_stopped_now(data, "2023-10-02T07:00:00+00:00", before, after)
        db.expire_all()
        assert db.get(TimeEntry, entry.id).duration == data["duration"]

    def test_already_stopped_entry_is_returned_unchanged(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        entry = make_entry(db, user=user, start="2023-10-02T07:00:00Z", seconds=5400)
        before = client.get(f"{URL}/{entry.id}", headers=token_auth(user)).json()["data"]
        r = client.put(f"{URL}/{entry.id}/stop", headers=token_auth(user))
        assert (r.status_code, r.json()["data"]) == (200, before)
        assert (before["stop"], before["duration"]) == ("2023-10-02T08:30:00+00:00", 5400)

    def test_unknown_deleted_foreign_and_bad_ids(self, client: TestClient, db: Session) -> None:
        me, other = make_user(db), make_user(db)
        theirs = make_entry(db, user=other, start="2023-10-02T07:00:00Z", seconds=None)
        gone = make_entry(db, user=me, start="2023-10-02T07:00:00Z", seconds=None,
                          deleted_at=at("2023-10-02T08:00:00Z"))
        for eid in (theirs.id, gone.id, 999):
            r = client.put(f"{URL}/{eid}/stop", headers=token_auth(me))
            assert (r.status_code, r.json()) == (404, ["Time entry not found"]), eid
        assert client.put(f"{URL}/1,2/stop", headers=token_auth(me)).status_code == 400
        assert client.put(f"{URL}/abc/stop", headers=token_auth(me)).json() == ["Invalid id"]
        db.expire_all()
        assert db.get(TimeEntry, theirs.id).stop is None

    def test_admin_stops_a_members_timer(self, client: TestClient, db: Session) -> None:
        admin, member = make_user(db), make_user(db)
        team = make_workspace(db, admin=admin)
        add_member(db, team, member)
        entry = make_entry(db, user=member, start="2023-10-02T07:00:00Z", seconds=None, workspace_id=team.id)
        before = utc_now()
        r = client.put(f"{URL}/{entry.id}/stop", headers=token_auth(admin))
        after = utc_now()
        assert r.status_code == 200
        data = r.json()["data"]
        assert (data["id"], data["uid"], data["wid"]) == (entry.id, member.id, team.id)
        assert_stopped_now(data, "2023-10-02T07:00:00+00:00", before, after)
        r = client.put(f"{URL}/{entry.id}/stop", headers=token_auth(make_user(db)))
        assert r.status_code == 404


class TestGetTimeEntry:
    def test_returns_the_entry_with_sorted_tags(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = user.default_workspace_id
        project = make_project(db, workspace_id=wid)
        tags = [make_tag(db, workspace_id=wid, name=n) for n in ("phase-1", "On-site", "alpha")]
        entry = make_entry(db, user=user, start="2023-10-03T13:00:00Z", seconds=9000, project_id=project.id,
                           billable=True, description="Wireframes for booking flow", tags=tags,
                           updated_at=at("2023-10-03T15:30:02Z"))
        r = client.get(f"{URL}/{entry.id}", headers=token_auth(user))
        assert (r.status_code, r.json()) == (200, {"data": {
            "id": entry.id, "guid": entry.guid, "wid": wid, "pid": project.id, "uid": user.id, "billable": True,
            "start": "2023-10-03T13:00:00+00:00", "stop": "2023-10-03T15:30:00+00:00", "duration": 9000,
            "description": "Wireframes for booking flow", "tags": ["alpha", "On-site", "phase-1"],
            "duronly": False, "at": "2023-10-03T15:30:02+00:00",
        }})

    def test_running_entry_has_negative_epoch_and_no_stop(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        entry = make_entry(db, user=user, start="2023-10-02T07:00:00Z", seconds=None)
        data = client.get(f"{URL}/{entry.id}", headers=token_auth(user)).json()["data"]
        assert data["duration"] == -1696230000 and "stop" not in data

    def test_rendered_in_the_readers_time_zone(self, client: TestClient, db: Session) -> None:
        user = make_user(db, timezone="Europe/Helsinki")
        entry = make_entry(db, user=user, start="2023-10-02T06:00:00Z", seconds=5400,
                           updated_at=at("2023-10-02T07:30:05Z"))
        data = client.get(f"{URL}/{entry.id}", headers=token_auth(user)).json()["data"]
        assert (data["start"], data["stop"], data["at"]) == (
            "2023-10-02T09:00:00+03:00", "2023-10-02T10:30:00+03:00", "2023-10-02T10:30:05+03:00")

    def test_deleted_entry_is_shown_with_server_deleted_at(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        entry = make_entry(db, user=user, start="2023-10-02T07:00:00Z", deleted_at=at("2023-10-05T10:00:00Z"))
        data = client.get(f"{URL}/{entry.id}", headers=token_auth(user)).json()["data"]
        assert data["server_deleted_at"] == "2023-10-05T10:00:00+00:00"
        assert data["id"] == entry.id

    def test_visibility(self, client: TestClient, db: Session) -> None:
        admin, member, stranger = make_user(db), make_user(db), make_user(db)
        team = make_workspace(db, admin=admin)
        add_member(db, team, member)
        members_entry = make_entry(db, user=member, start="2023-10-02T07:00:00Z", workspace_id=team.id)
        admins_entry = make_entry(db, user=admin, start="2023-10-02T07:00:00Z", workspace_id=team.id)
        private_entry = make_entry(db, user=member, start="2023-10-02T07:00:00Z")  # member's own workspace
        assert client.get(f"{URL}/{members_entry.id}", headers=token_auth(admin)).status_code == 200
        for user, eid in ((member, admins_entry.id), (stranger, members_entry.id), (admin, private_entry.id)):
            r = client.get(f"{URL}/{eid}", headers=token_auth(user))
            assert (r.status_code, r.json()) == (404, ["Time entry not found"])

    def test_bad_ids(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = client.get(f"{URL}/11,12", headers=token_auth(user))
        assert (r.status_code, r.json()) == (400, ["Id lists are not allowed here"])
        r = client.get(f"{URL}/99999999999999999999999", headers=token_auth(user))
        assert (r.status_code, r.json()) == (400, ["Invalid id"])
        r = client.get(f"{URL}/0", headers=token_auth(user))
        assert r.status_code == 400
        r = client.get(f"{URL}/12345", headers=token_auth(user))
        assert (r.status_code, r.json()) == (404, ["Time entry not found"])


class TestCurrentTimeEntry:
    def test_null_when_nothing_runs(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        make_entry(db, user=user, start="2023-10-02T07:00:00Z")
        r = client.get(f"{URL}/current", headers=token_auth(user))
        assert (r.status_code, r.json()) == (200, {"data": None})

    def test_the_running_entry(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        make_entry(db, user=user, start="2023-10-02T05:00:00Z")
        entry = make_entry(db, user=user, start="2023-10-02T07:00:00Z", seconds=None)
        data = client.get(f"{URL}/current", headers=token_auth(user)).json()["data"]
        assert (data["id"], data["duration"]) == (entry.id, -1696230000)

    def test_post_alias(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        entry = make_entry(db, user=user, start="2023-10-02T07:00:00Z", seconds=None)
        assert client.post(f"{URL}/current", headers=token_auth(user)).json()["data"]["id"] == entry.id

    def test_only_the_callers_own_even_for_admins(self, client: TestClient, db: Session) -> None:
        admin, member = make_user(db), make_user(db)
        team = make_workspace(db, admin=admin)
        add_member(db, team, member)
        make_entry(db, user=member, start="2023-10-02T07:00:00Z", seconds=None, workspace_id=team.id)
        assert client.get(f"{URL}/current", headers=token_auth(admin)).json() == {"data": None}

    def test_deleted_running_entry_is_not_current(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        make_entry(db, user=user, start="2023-10-02T07:00:00Z", seconds=None, deleted_at=at("2023-10-02T08:00:00Z"))
        assert client.get(f"{URL}/current", headers=token_auth(user)).json() == {"data": None}


class TestDeleteTimeEntry:
    def test_soft_delete(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        entry = make_entry(db, user=user, start="2023-10-02T07:00:00Z")
        before = utc_now()
        r = client.delete(f"{URL}/{entry.id}", headers=token_auth(user))
        after = utc_now()
        assert (r.status_code, r.json()) == (200, [entry.id])
        db.expire_all()
        stored = db.get(TimeEntry, entry.id)
        assert stored.deleted_at is not None and before <= stored.deleted_at <= after
        data = client.get(f"{URL}/{entry.id}", headers=token_auth(user)).json()["data"]
        assert data["server_deleted_at"] == data["at"]
        listed = client.get(URL, headers=token_auth(user), params={"start_date": "2023-10-01"}).json()
        assert listed == []
        r = client.delete(f"{URL}/{entry.id}", headers=token_auth(user))
        assert (r.status_code, r.json()) == (404, ["Time entry not found"])

    def test_running_entry_can_be_deleted(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        entry = make_entry(db, user=user, start="2023-10-02T07:00:00Z", seconds=None)
        assert client.delete(f"{URL}/{entry.id}", headers=token_auth(user)).json() == [entry.id]
        assert client.get(f"{URL}/current", headers=token_auth(user)).json() == {"data": None}
        # A new timer can run now.
        r = client.post(f"{URL}/start", headers=token_auth(user), json={"time_entry": {"created_with": "t"}})
        assert r.status_code == 200
        db.expire_all()
        assert db.get(TimeEntry, entry.id).stop is None  # the deleted one was not touched

    def test_permissions(self, client: TestClient, db: Session) -> None:
        admin, member, stranger = make_user(db), make_user(db), make_user(db)
        team = make_workspace(db, admin=admin)
        add_member(db, team, member)
        members_entry = make_entry(db, user=member, start="2023-10-02T07:00:00Z", workspace_id=team.id)
        admins_entry = make_entry(db, user=admin, start="2023-10-02T07:00:00Z", workspace_id=team.id)
        assert client.delete(f"{URL}/{admins_entry.id}", headers=token_auth(member)).status_code == 404
        assert client.delete(f"{URL}/{members_entry.id}", headers=token_auth(stranger)).status_code == 404
        db.expire_all()
        assert db.get(TimeEntry, admins_entry.id).deleted_at is None
        assert client.delete(f"{URL}/{members_entry.id}", headers=token_auth(admin)).json() == [members_entry.id]

    def test_bad_ids(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        entry = make_entry(db, user=user, start="2023-10-02T07:00:00Z")
        assert client.delete(f"{URL}/{entry.id},{entry.id}", headers=token_auth(user)).status_code == 400
        assert client.delete(f"{URL}/x", headers=token_auth(user)).json() == ["Invalid id"]
        assert client.delete(f"{URL}/404", headers=token_auth(user)).status_code == 404
        db.expire_all()
        assert db.get(TimeEntry, entry.id).deleted_at is None


class TestListTimeEntries:
    def test_range_is_half_open_ordered_and_own_only(self, client: TestClient, db: Session) -> None:
        user, member = make_user(db), make_user(db)
        team = make_workspace(db, admin=user)
        add_member(db, team, member)
        wid = user.default_workspace_id
        tag = make_tag(db, workspace_id=wid, name="phase-1")
        e_boundary = make_entry(db, user=user, start="2023-10-01T22:00:00Z", seconds=5400)  # = start_date
        e_b = make_entry(db, user=user, start="2023-10-03T13:00:00Z", seconds=9000, tags=[tag], workspace_id=team.id)
        e_a = make_entry(db, user=user, start="2023-10-03T13:00:00Z", seconds=60)  # same start: id decides
        e_run = make_entry(db, user=user, start="2023-10-04T07:12:40Z", seconds=None)
        make_entry(db, user=user, start="2023-10-04T22:00:00Z")  # = end_date: excluded
        make_entry(db, user=user, start="2023-10-01T21:59:59Z")  # before
        make_entry(db, user=user, start="2023-10-03T08:00:00Z", deleted_at=at("2023-10-03T09:00:00Z"))
        make_entry(db, user=member, start="2023-10-03T08:00:00Z", workspace_id=team.id)  # admin sees, not here
        r = client.get(f"{URL}?start_date=2023-10-02T00%3A00%3A00%2B02%3A00&end_date=2023-10-05T00%3A00%3A00%2B02%3A00",
                       headers=token_auth(user))
        assert r.status_code == 200
        body = r.json()
        assert [e["id"] for e in body] == [e_boundary.id, e_b.id, e_a.id, e_run.id]
        assert body[1]["tags"] == ["phase-1"] and "tags" not in body[2]
        assert body[3]["duration"] == -epoch("2023-10-04T07:12:40+00:00") and "stop" not in body[3]
        assert body[0] == {
            "id": e_boundary.id, "guid": e_boundary.guid, "wid": wid, "uid": user.id, "billable": False,
            "start": "2023-10-01T22:00:00+00:00", "stop": "2023-10-01T23:30:00+00:00", "duration": 5400,
            "duronly": False, "at": body[0]["at"],
        }

    def test_default_window_is_the_last_nine_days_without_future(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        now = utc_now()
        recent = make_entry(db, user=user, start=now - timedelta(days=8, hours=23))
        started_now = make_entry(db, user=user, start=now, seconds=None)
        make_entry(db, user=user, start=now - timedelta(days=9, minutes=5))
        make_entry(db, user=user, start=now + timedelta(hours=2))
        ids = [e["id"] for e in client.get(URL, headers=token_auth(user)).json()]
        assert ids == [recent.id, started_now.id]

    def test_only_start_date_runs_until_now(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        now = utc_now()
        old = make_entry(db, user=user, start="2023-10-02T07:00:00Z")
        make_entry(db, user=user, start=now + timedelta(days=1))
        ids = [e["id"] for e in client.get(URL, headers=token_auth(user), params={"start_date": "2023-10-01"}).json()]
        assert ids == [old.id]

    def test_only_end_date_takes_the_nine_days_before(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        inside = make_entry(db, user=user, start="2023-10-01T00:00:00Z")
        make_entry(db, user=user, start="2023-09-30T23:59:59Z")
        make_entry(db, user=user, start="2023-10-10T00:00:00Z")
        r = client.get(URL, headers=token_auth(user), params={"end_date": "2023-10-10T00:00:00Z"})
        assert [e["id"] for e in r.json()] == [inside.id]

    def test_pure_dates_are_midnight_in_the_users_zone(self, client: TestClient, db: Session) -> None:
        user = make_user(db, timezone="Europe/Helsinki")
        first = make_entry(db, user=user, start="2023-10-01T21:00:00Z")  # 00:00 on Oct 2 in Helsinki
        make_entry(db, user=user, start="2023-10-01T20:59:59Z")
        last = make_entry(db, user=user, start="2023-10-02T20:59:59Z")
        make_entry(db, user=user, start="2023-10-02T21:00:00Z")
        r = client.get(URL, headers=token_auth(user), params={"start_date": "2023-10-02", "end_date": "2023-10-03"})
        body = r.json()
        assert [e["id"] for e in body] == [first.id, last.id]
        assert body[0]["start"] == "2023-10-02T00:00:00+03:00"

    def test_offset_without_encoding_plus_and_without_colon(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        entry = make_entry(db, user=user, start="2023-10-02T07:00:00Z")
        for start in ("2023-10-02T09:00:00 02:00", "2023-10-02T09:00:00+0200", "2023-10-02T07:00:00.000Z"):
            ids = [e["id"] for e in client.get(URL, headers=token_auth(user),
                                               params={"start_date": start, "end_date": "2023-10-03"}).json()]
            assert ids == [entry.id], start
        r = client.get(f"{URL}?start_date=2023-10-02T09:00:00+02:00&end_date=2023-10-03", headers=token_auth(user))
        assert [e["id"] for e in r.json()] == [entry.id]

    def test_invalid_parameters(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = client.get(URL, headers=token_auth(user), params={"start_date": "last week"})
        assert (r.status_code, r.json()) == (400, ["Invalid start_date"])
        r = client.get(URL, headers=token_auth(user), params={"end_date": "2023-02-30"})
        assert (r.status_code, r.json()) == (400, ["Invalid end_date"])

    def test_end_before_start_is_empty(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        make_entry(db, user=user, start="2023-10-02T07:00:00Z")
        r = client.get(URL, headers=token_auth(user), params={"start_date": "2023-10-03", "end_date": "2023-10-01"})
        assert (r.status_code, r.json()) == (200, [])

    def test_at_most_1000_entries_the_first_ones(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        base = at("2023-10-02T00:00:00Z")
        db.execute(insert(TimeEntry), [
            {"guid": f"g{i}", "workspace_id": user.default_workspace_id, "user_id": user.id,
             "start": base + timedelta(minutes=i), "stop": base + timedelta(minutes=i, seconds=30), "duration": 30,
             "description": "", "created_with": "t", "billable": False, "duronly": False,
             "created_at": base, "updated_at": base}
            for i in range(1001)
        ])
        db.commit()
        body = client.get(URL, headers=token_auth(user),
                          params={"start_date": "2023-10-01", "end_date": "2023-10-05"}).json()
        assert len(body) == 1000
        assert (body[0]["guid"], body[-1]["guid"]) == ("g0", "g999")

    def test_tags_are_loaded_without_a_query_per_entry(self, client: TestClient, db: Session, app: object) -> None:
        user = make_user(db)
        tag = make_tag(db, workspace_id=user.default_workspace_id, name="t")
        params = {"start_date": "2023-10-01", "end_date": "2023-10-05"}
        statements: list[str] = []

        def count(*args: object) -> None:
            statements.append(str(args[2]))

        engine = app.state.engine  # type: ignore[attr-defined]
        make_entry(db, user=user, start="2023-10-02T07:00:00Z", tags=[tag])
        event.listen(engine, "before_cursor_execute", count)
        try:
            client.get(URL, headers=token_auth(user), params=params)
            with_one = len(statements)
            for hour in range(8, 20):
                make_entry(db, user=user, start=f"2023-10-02T{hour:02d}:00:00Z", tags=[tag])
            statements.clear()
            body = client.get(URL, headers=token_auth(user), params=params).json()
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert len(body) == 13 and all(e["tags"] == ["t"] for e in body)
        assert len(statements) == with_one

    def test_changed_after_extension(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        make_entry(db, user=user, start="2023-01-02T07:00:00Z", updated_at=at("2023-10-01T00:00:00Z"))
        changed = make_entry(db, user=user, start="2023-01-03T07:00:00Z", updated_at=at("2023-10-05T00:00:00Z"))
        r = client.get(URL, headers=token_auth(user), params={"at": "2023-10-01T00:00:00Z"})
        assert [e["id"] for e in r.json()] == [changed.id]
        r = client.get(URL, headers=token_auth(user), params={"at": "2023-10-01T00:00:00Z", "start_date": "2023-02-01"})
        assert r.json() == []
        assert client.get(URL, headers=token_auth(user), params={"at": "x"}).json() == ["Invalid at"]

    def test_empty_is_an_array(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        assert client.get(URL, headers=token_auth(user)).json() == []


class TestTagNames:
    def test_one_query_sorted_live_tags_every_id_present(self, db: Session) -> None:
        user = make_user(db)
        wid = user.default_workspace_id
        b, a, gone = (make_tag(db, workspace_id=wid, name=n) for n in ("beta", "Alpha", "gone"))
        gone.deleted_at = at("2023-10-01T00:00:00Z")
        db.commit()
        e1 = make_entry(db, user=user, start="2023-10-02T07:00:00Z", tags=[b, a, gone])
        e2 = make_entry(db, user=user, start="2023-10-02T08:00:00Z")
        statements: list[object] = []
        engine = db.get_bind()
        event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
        assert time_entries.tag_names(db, [e1.id, e2.id]) == {e1.id: ["Alpha", "beta"], e2.id: []}
        assert len([s for s in statements if str(s).startswith("SELECT")]) == 1
        assert time_entries.tag_names(db, []) == {}
        assert db.scalars(select(TimeEntry.id).order_by(TimeEntry.id)).all() == [e1.id, e2.id]
