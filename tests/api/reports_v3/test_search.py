"""``POST search/time_entries`` (60- §4): rows, grouping, order, money, paging — on the world of conftest."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import update
from sqlalchemy.orm import Session

from punchclock.http.reports_v3.docs_search import V3SearchRow
from punchclock.models import TimeEntry, Workspace
from tests.api.reports_v3.conftest import WEEK, World, add_many, post_report
from tests.factories import at

PATH = "search/time_entries"


def search(client: TestClient, world: World, user: Any = None, **body: Any) -> Response:
    return post_report(client, world.ws.id, PATH, user or world.mara, {**WEEK, **body})


def first_ids(r: Response) -> list[int]:
    assert r.status_code == 200, r.text
    return [row["time_entries"][0]["id"] for row in r.json()]


def test_row_of_an_entry_exactly(client: TestClient, world: World) -> None:
    r = search(client, world, description="booking")
    assert r.status_code == 200
    assert "X-Next-ID" not in r.headers and "X-Next-Row-Number" not in r.headers
    assert r.json() == [{
        "row_number": 1, "user_id": world.mara.id, "username": "Mara Quint", "email": world.mara.email,
        "toggl_accounts_id": str(world.mara.id).zfill(22),
        "project_id": world.ferry.id, "project_name": "Ferry timetable app", "project_color": "#14a88e",
        "project_hex": "#14a88e", "client_name": "Harbour Ferries",
        "task_id": world.wireframes_task.id, "task_name": "Wireframes",
        "description": "Wireframes for booking flow", "billable": True,
        "tag_ids": [world.on_site.id, world.phase_1.id], "tag_names": ["on-site", "phase-1"],
        "hourly_rate_in_cents": 8000, "currency": "EUR", "billable_amount_in_cents": 20000,
        "time_entries": [{"id": world.wireframes.id, "seconds": 9000, "start": "2023-10-03T13:00:00+00:00",
                          "stop": "2023-10-03T15:30:00+00:00", "at": "2023-10-03T15:30:00+00:00",
                          "at_tz": "2023-10-03T15:30:00+00:00"}],
    }]


def test_non_billable_row_and_owner_local_at_tz(client: TestClient, world: World) -> None:
    (row,) = search(client, world, description="team").json()
    assert (row["project_id"], row["project_name"], row["project_color"], row["client_name"]) == (None,) * 4
    assert (row["billable"], row["hourly_rate_in_cents"], row["currency"], row["billable_amount_in_cents"]) == (
        False, 8000, "EUR", None)
    assert row["time_entries"] == [{"id": world.meeting.id, "seconds": 7200, "start": "2023-10-05T10:00:00+00:00",
                                    "stop": "2023-10-05T12:00:00+00:00", "at": "2023-10-05T12:00:00+00:00",
                                    "at_tz": "2023-10-05T14:00:00+02:00"}]
    (late,) = search(client, world, time_entry_ids=[world.late.id]).json()
    assert (late["description"], late["tag_ids"], late["tag_names"]) == ("", [], [])


def test_default_order_is_newest_first_over_owner_local_days(client: TestClient, world: World) -> None:
    w = world
    assert first_ids(search(client, w)) == [w.late.id, w.minutes.id, w.meeting.id, w.timetable.id, w.wireframes.id,
                                           w.homepage.id, w.early.id]
    assert [row["row_number"] for row in search(client, w).json()] == [1, 2, 3, 4, 5, 6, 7]


def test_rows_are_as_documented(client: TestClient, world: World) -> None:
    for body in ({}, {"grouped": True}, {"hide_amounts": True}):
        for row in search(client, world, **body).json():
            V3SearchRow.model_validate(row)  # every documented key, no other


def test_orders_and_directions(client: TestClient, world: World) -> None:
    w = world
    assert first_ids(search(client, w, order_dir="ASC")) == [w.early.id, w.homepage.id, w.wireframes.id,
                                                            w.timetable.id, w.meeting.id, w.minutes.id, w.late.id]
    # Names case-insensitively (Jonas before Mara); ties by start, then id.
    assert first_ids(search(client, w, order_by="user")) == [w.early.id, w.timetable.id, w.meeting.id,
                                                            w.homepage.id, w.wireframes.id, w.minutes.id, w.late.id]
    # Equal durations (homepage and timetable, 5400 s) in start order.
    assert first_ids(search(client, w, order_by="duration")) == [w.late.id, w.minutes.id, w.early.id, w.homepage.id,
                                                                w.timetable.id, w.meeting.id, w.wireframes.id]
    assert first_ids(search(client, w, order_by="title")) == first_ids(search(client, w, order_by="description"))
    assert first_ids(search(client, w, order_by="duration", order_dir="desc")) == [
        w.wireframes.id, w.meeting.id, w.homepage.id, w.timetable.id, w.early.id, w.minutes.id, w.late.id]
    assert first_ids(search(client, w, order_by="description")) == [w.late.id, w.minutes.id, w.homepage.id,
                                                                   w.meeting.id, w.early.id, w.timetable.id,
                                                                   w.wireframes.id]


def test_last_update_order(client: TestClient, db: Session, world: World) -> None:
    w = world
    db.execute(update(TimeEntry).where(TimeEntry.id == w.homepage.id).values(updated_at=at("2023-10-09T08:00:00Z")))
    db.commit()
    assert first_ids(search(client, w, order_by="last_update")) == [w.homepage.id, w.late.id, w.minutes.id,
                                                                   w.meeting.id, w.timetable.id, w.wireframes.id,
                                                                   w.early.id]
    assert first_ids(search(client, w, order_by="last_update", order_dir="ASC"))[-1] == w.homepage.id


def test_grouped_rows_merge_equal_entries(client: TestClient, world: World) -> None:
    w = world
    r = search(client, w, grouped=True)
    assert first_ids(r) == [w.late.id, w.minutes.id, w.meeting.id, w.early.id, w.wireframes.id, w.homepage.id]
    row = r.json()[3]
    assert (row["row_number"], row["user_id"], row["description"], row["hourly_rate_in_cents"], row["currency"],
            row["billable_amount_in_cents"]) == (4, w.jonas.id, "Timetable import", 9000, "EUR", 18000)
    assert [(e["id"], e["seconds"], e["start"]) for e in row["time_entries"]] == [
        (w.early.id, 1800, "2023-10-01T22:30:00+00:00"), (w.timetable.id, 5400, "2023-10-04T07:00:00+00:00")]
    # Ascending by date a grouped row sorts by its earliest entry, by duration by its total.
    assert first_ids(search(client, w, grouped=True, order_dir="ASC"))[0] == w.early.id
    # The Timetable row (7200 s) ties with the meeting and starts earlier.
    assert first_ids(search(client, w, grouped=True, order_by="duration", order_dir="DESC")) == [
        w.wireframes.id, w.early.id, w.meeting.id, w.homepage.id, w.minutes.id, w.late.id]


def test_grouping_keeps_different_tag_sets_and_descriptions_apart(client: TestClient, db: Session,
                                                                  world: World) -> None:
    w = world
    from tests.factories import make_entry

    tagged = make_entry(db, user=w.jonas, workspace_id=w.ws.id, start="2023-10-06T07:00:00Z", seconds=600,
                        project_id=w.ferry.id, billable=True, description="Timetable import", tags=[w.on_site])
    other_case = make_entry(db, user=w.jonas, workspace_id=w.ws.id, start="2023-10-06T08:00:00Z", seconds=600,
                            project_id=w.ferry.id, billable=True, description="timetable import")
    rows = search(client, w, grouped=True, user_ids=[w.jonas.id], order_dir="ASC").json()
    assert [[e["id"] for e in row["time_entries"]] for row in rows] == [
        [w.early.id, w.timetable.id], [w.meeting.id], [tagged.id], [other_case.id]]
    assert rows[2]["tag_names"] == ["on-site"]


def test_member_sees_no_private_project_and_no_emails(client: TestClient, world: World) -> None:
    w = world
    rows = search(client, w, w.jonas).json()
    assert [row["time_entries"][0]["id"] for row in rows] == [w.late.id, w.meeting.id, w.timetable.id,
                                                            w.wireframes.id, w.homepage.id, w.early.id]
    assert {row["email"] for row in rows} == {None}
    assert rows[0]["hourly_rate_in_cents"] == 5000


def test_hidden_rates_for_non_admins(client: TestClient, db: Session, world: World) -> None:
    db.execute(update(Workspace).where(Workspace.id == world.ws.id).values(only_admins_see_billable_rates=True))
    db.commit()
    rows = search(client, world, world.jonas).json()
    assert {(row["hourly_rate_in_cents"], row["currency"], row["billable_amount_in_cents"]) for row in rows} == {
        (None, "", None)}
    admin = search(client, world, description="booking").json()[0]
    assert (admin["hourly_rate_in_cents"], admin["currency"], admin["billable_amount_in_cents"]) == (8000, "EUR", 20000)


def test_hide_amounts_keeps_the_currency(client: TestClient, world: World) -> None:
    (row,) = search(client, world, description="homepage layout", hide_amounts=True).json()
    assert (row["hourly_rate_in_cents"], row["currency"], row["billable_amount_in_cents"]) == (None, "USD", None)


def test_walk_every_page_by_the_headers(client: TestClient, db: Session, world: World) -> None:
    w = world
    bulk = add_many(db, w, 130)
    expected = ([w.late.id, w.minutes.id, w.meeting.id, w.timetable.id, w.wireframes.id]
                + [e.id for e in reversed(bulk)] + [w.homepage.id, w.early.id])
    assert len(expected) == 137
    seen: list[int] = []
    numbers: list[int] = []
    cursor: dict[str, Any] = {}
    pages = 0
    while True:
        r = search(client, w, page_size=50, **cursor)
        pages += 1
        seen += first_ids(r)
        numbers += [row["row_number"] for row in r.json()]
        if "X-Next-ID" not in r.headers:
            assert "X-Next-Row-Number" not in r.headers and "X-Next-Timestamp" not in r.headers
            break
        cursor = {"first_id": int(r.headers["X-Next-ID"]), "first_row_number": int(r.headers["X-Next-Row-Number"])}
    assert (pages, seen, numbers) == (3, expected, list(range(1, 138)))


def test_next_headers_exactly(client: TestClient, db: Session, world: World) -> None:
    w = world
    bulk = add_many(db, w, 130)
    r = search(client, w, page_size=50)
    # Row 51 is the 46th bulk entry from the newest: bulk[84], started 2023-10-03T01:24:00Z.
    assert (r.headers["X-Next-Row-Number"], r.headers["X-Next-ID"], r.headers["X-Next-Timestamp"]) == (
        "51", str(bulk[84].id), str(int(at("2023-10-03T01:24:00Z").timestamp())))
    assert first_ids(r)[-1] == bulk[85].id


def test_first_id_alone_and_row_number_alone(client: TestClient, db: Session, world: World) -> None:
    w = world
    order = [w.late.id, w.minutes.id, w.meeting.id, w.timetable.id, w.wireframes.id, w.homepage.id, w.early.id]
    r = search(client, w, page_size=2, first_id=w.meeting.id)
    assert (first_ids(r), [x["row_number"] for x in r.json()]) == (order[2:4], [3, 4])
    assert (r.headers["X-Next-ID"], r.headers["X-Next-Row-Number"]) == (str(w.wireframes.id), "5")
    # toggl_python: first_row_number = page x page_size + 1.
    assert first_ids(search(client, w, page_size=2, first_row_number=7)) == [w.early.id]
    # first_row_number decides over first_id.
    assert first_ids(search(client, w, page_size=2, first_row_number=2, first_id=w.early.id)) == order[1:3]
    assert search(client, w, first_id=w.before_week.id).json() == []
    assert search(client, w, first_id=999_999).json() == []
    past = search(client, w, first_row_number=8)
    assert (past.status_code, past.json(), "X-Next-ID" in past.headers) == (200, [], False)
    far = search(client, w, first_row_number=2**63 - 1, page_size=1000)
    assert (far.status_code, far.json()) == (200, [])


def test_page_size_is_clamped_to_1000(client: TestClient, db: Session, world: World) -> None:
    add_many(db, world, 1000)
    r = search(client, world, page_size=5000)
    assert (len(r.json()), r.headers["X-Next-Row-Number"]) == (1000, "1001")
    r = search(client, world, page_size=5000, first_row_number=1001)
    assert (len(r.json()), "X-Next-Row-Number" in r.headers) == (7, False)


def test_bad_paging_fields(client: TestClient, world: World) -> None:
    cases = (({"page_size": 0}, "Invalid page_size"), ({"first_row_number": 0}, "Invalid first_row_number"),
             ({"first_id": "5"}, "Invalid first_id"), ({"order_by": "price"}, "Invalid order_by"),
             ({"order_dir": "UP"}, "Invalid order_dir"), ({"grouped": "yes"}, "Invalid grouped"),
             ({"hide_amounts": 1}, "Invalid hide_amounts"))
    for body, message in cases:
        r = search(client, world, **body)
        assert (r.status_code, r.json()) == (400, message), body
