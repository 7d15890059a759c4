"""``POST /reports/api/v3/workspace/{id}/weekly/time_entries`` (60- §7, V-34; days as v2 50-reports §3.1, O-56).

Expected values are hand-computed from the ``world`` (``conftest.World``) and from the entries added
here; the v2 comparison asks ``GET /reports/api/v2/weekly`` for the same week.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator
from sqlalchemy.orm import Session

from punchclock.models import Project, User
from tests.api.reports.conftest import get_report
from tests.api.reports_v3.conftest import World, post_report
from tests.factories import add_member, make_entry, make_user

PATH = "weekly/time_entries"
MONDAY = {"start_date": "2023-10-02"}
Z = [0] * 7


def documented(client: TestClient, body: Any) -> None:
    """The answer matches the 200 schema ``/openapi.json`` publishes (every key, no other key)."""
    spec = client.app.openapi()  # type: ignore[attr-defined]
    answer = spec["paths"]["/reports/api/v3/workspace/{workspace_id}/" + PATH]["post"]["responses"]["200"]
    schema = {**answer["content"]["application/json"]["schema"], "components": spec["components"]}
    errors = sorted(Draft202012Validator(schema).iter_errors(body), key=str)
    assert not errors, f"{errors[0].message} at {list(errors[0].absolute_path)}"


def weekly(client: TestClient, w: World, user: User, body: dict[str, Any]) -> list[dict[str, Any]]:
    response = post_report(client, w.ws.id, PATH, user, body)
    assert response.status_code == 200, response.text
    rows: list[dict[str, Any]] = response.json()
    documented(client, rows)
    return rows


def row(user: User, project: Project | None, client: str | None, hexa: str | None, seconds: list[int],
        billable: list[int], cents: list[int] | None, rate: int | None, currency: str) -> dict[str, Any]:
    return {
        "user_id": user.id, "user_name": user.fullname,
        "project_id": None if project is None else project.id,
        "project_name": None if project is None else project.name,
        "client_name": client, "project_color": hexa, "project_hex_color": hexa, "planned_task_id": None,
        "seconds": seconds, "billable_seconds": billable, "billable_amounts_in_cents": cents,
        "hourly_rate_in_cents": rate, "currency": currency,
    }


def days(**values: int) -> list[int]:
    """``days(mon=5400, sun=600)`` -> the seven values of a Monday week."""
    names = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    return [values.get(n, 0) for n in names]


FERRY, SPRING, BOARD = "#14a88e", "#268bb5", "#f68d38"


def test_the_world_week(client: TestClient, world: World) -> None:
    """Rows by user name, project name (none last); Jonas's 22:30Z Sunday entry is his Berlin Monday."""
    w = world
    assert weekly(client, w, w.mara, {**MONDAY, "end_date": "2023-10-08"}) == [
        row(w.jonas, w.ferry, "Harbour Ferries", FERRY, days(mon=1800, wed=5400), days(mon=1800, wed=5400),
            days(mon=4500, wed=13500), 9000, "EUR"),
        row(w.jonas, None, None, None, days(thu=7200), Z, Z, 8000, "EUR"),
        row(w.mara, w.board, None, BOARD, days(fri=1234), days(fri=1234), days(fri=2742), 8000, "EUR"),
        row(w.mara, w.ferry, "Harbour Ferries", FERRY, days(tue=9000), days(tue=9000), days(tue=20000), 8000, "EUR"),
        row(w.mara, w.spring, "Northwind Bakery", SPRING, days(mon=5400, sun=600), days(mon=5400),
            days(mon=7500), 5000, "USD"),
    ]


def test_end_date_cuts_the_week_and_filters_apply(client: TestClient, world: World) -> None:
    """Days after ``end_date`` count 0 (Mara's Sunday 600 s goes, so do Thursday's and Friday's rows)."""
    w = world
    assert weekly(client, w, w.mara, {**MONDAY, "end_date": "2023-10-04"}) == [
        row(w.jonas, w.ferry, "Harbour Ferries", FERRY, days(mon=1800, wed=5400), days(mon=1800, wed=5400),
            days(mon=4500, wed=13500), 9000, "EUR"),
        row(w.mara, w.ferry, "Harbour Ferries", FERRY, days(tue=9000), days(tue=9000), days(tue=20000), 8000, "EUR"),
        row(w.mara, w.spring, "Northwind Bakery", SPRING, days(mon=5400), days(mon=5400), days(mon=7500), 5000,
            "USD"),
    ]
    # rounding up to 15 minutes: 1234 s -> 1800 s, billed 40.00 EUR.
    assert weekly(client, w, w.mara, {**MONDAY, "rounding": 1, "project_ids": [w.board.id]}) == [
        row(w.mara, w.board, None, BOARD, days(fri=1800), days(fri=1800), days(fri=4000), 8000, "EUR"),
    ]
    # A week starting on Wednesday: Jonas's Monday falls out, Sunday is day 5.
    wednesday = weekly(client, w, w.mara, {"start_date": "2023-10-04", "user_ids": [w.mara.id]})
    assert [(r["project_name"], r["seconds"]) for r in wednesday] == [
        ("Board minutes", [0, 0, 1234, 0, 0, 0, 0]), ("Spring menu site", [0, 0, 0, 0, 600, 0, 0])]


def test_hidden_money(client: TestClient, world: World, db: Session) -> None:
    w = world
    w.ws.only_admins_see_billable_rates = True
    db.commit()
    # Jonas is no admin (and does not see the private Board minutes).
    assert weekly(client, w, w.jonas, MONDAY) == [
        row(w.jonas, w.ferry, "Harbour Ferries", FERRY, days(mon=1800, wed=5400), days(mon=1800, wed=5400),
            None, None, ""),
        row(w.jonas, None, None, None, days(thu=7200), Z, None, None, ""),
        row(w.mara, w.ferry, "Harbour Ferries", FERRY, days(tue=9000), days(tue=9000), None, None, ""),
        row(w.mara, w.spring, "Northwind Bakery", SPRING, days(mon=5400, sun=600), days(mon=5400), None, None, ""),
    ]
    assert weekly(client, w, w.mara, MONDAY)[0]["billable_amounts_in_cents"] == days(mon=4500, wed=13500)


def test_far_zones_near_midnight(client: TestClient, world: World, db: Session) -> None:
    """Kiritimati (UTC+14) and Honolulu (UTC-10): each entry counts on its owner's local day."""
    w = world
    kiri = make_user(db, fullname="Kiri Line", timezone="Pacific/Kiritimati")
    lani = make_user(db, fullname="Lani Shore", timezone="Pacific/Honolulu")
    add_member(db, w.ws, kiri)
    add_member(db, w.ws, lani)
    for user, start in ((kiri, "2023-10-01T09:50:00Z"),   # Sun 10-01 23:50 local: the week before
                        (kiri, "2023-10-01T10:10:00Z"),   # Mon 10-02 00:10 local (Sunday in UTC)
                        (kiri, "2023-10-07T10:30:00Z"),   # Sun 10-08 00:30 local (Saturday in UTC)
                        (kiri, "2023-10-08T10:30:00Z"),   # Mon 10-09 00:30 local: the week after
                        (lani, "2023-10-02T09:30:00Z"),   # Sun 10-01 23:30 local: the week before
                        (lani, "2023-10-02T10:30:00Z"),   # Mon 10-02 00:30 local
                        (lani, "2023-10-09T09:00:00Z")):  # Sun 10-08 23:00 local (Monday in UTC)
        make_entry(db, user=user, workspace_id=w.ws.id, start=start, seconds=300, billable=True,
                   project_id=w.ferry.id, description="Night shift")
    rows = weekly(client, w, w.mara, {**MONDAY, "user_ids": [kiri.id, lani.id]})
    # 300 s at 80 EUR/h bill 6.67 EUR each.
    assert rows == [
        row(kiri, w.ferry, "Harbour Ferries", FERRY, days(mon=300, sun=300), days(mon=300, sun=300),
            days(mon=667, sun=667), 8000, "EUR"),
        row(lani, w.ferry, "Harbour Ferries", FERRY, days(mon=300, sun=300), days(mon=300, sun=300),
            days(mon=667, sun=667), 8000, "EUR"),
    ]
    _compare_with_v2(client, w, w.mara, "2023-10-02")


def test_across_the_dst_change(client: TestClient, world: World, db: Session) -> None:
    """Berlin leaves summer time on Sunday 2023-10-29 (03:00 CEST -> 02:00 CET): that Sunday has 25 hours."""
    w = world
    for start, seconds in (("2023-10-22T21:30:00Z", 60),    # Sun 10-22 23:30 CEST: the week before
                           ("2023-10-22T22:30:00Z", 120),   # Mon 10-23 00:30 CEST: day 1
                           ("2023-10-28T22:30:00Z", 240),   # Sun 10-29 00:30 CEST (Saturday in UTC): day 7
                           ("2023-10-29T22:30:00Z", 480),   # Sun 10-29 23:30 CET: day 7
                           ("2023-10-29T23:30:00Z", 960)):  # Mon 10-30 00:30 CET: the week after
        make_entry(db, user=w.jonas, workspace_id=w.ws.id, start=start, seconds=seconds, billable=True,
                   project_id=w.ferry.id, description="Ferry night")
    body = {"start_date": "2023-10-23", "end_date": "2023-10-29"}
    # 720 s at 90 EUR/h: 2 x 240 s -> 6.00 + 480 s -> 12.00.
    assert weekly(client, w, w.mara, body) == [
        row(w.jonas, w.ferry, "Harbour Ferries", FERRY, days(mon=120, sun=720), days(mon=120, sun=720),
            days(mon=300, sun=1800), 9000, "EUR"),
    ]
    _compare_with_v2(client, w, w.mara, "2023-10-23")


def _compare_with_v2(client: TestClient, w: World, user: User, monday: str) -> None:
    """Per (user, project): v3 seconds and cents equal v2 ``/weekly`` grouped by users, in both modes."""
    rows = weekly(client, w, user, {"start_date": monday})
    seconds: dict[tuple[Any, ...], list[int]] = {}
    cents: dict[tuple[Any, ...], list[int]] = {}
    for r in rows:
        key = (r["user_id"], r["project_id"])
        seconds[key] = [a + b for a, b in zip(seconds.get(key, Z), r["seconds"], strict=True)]
        if any(r["billable_seconds"]):
            money = (*key, r["currency"])
            cents[money] = [a + b for a, b in zip(cents.get(money, Z), r["billable_amounts_in_cents"], strict=True)]
    v2_seconds: dict[tuple[Any, ...], list[int]] = {}
    v2_cents: dict[tuple[Any, ...], list[int]] = {}
    for calculate in ("time", "earnings"):
        response = get_report(client, "weekly", user, workspace_id=w.ws.id, since=monday, grouping="users",
                              calculate=calculate)
        assert response.status_code == 200, response.text
        for r in response.json()["data"]:
            for d in r["details"]:
                if calculate == "time":
                    v2_seconds[(r["uid"], d["pid"])] = [(ms or 0) // 1000 for ms in d["totals"][:7]]
                    continue
                for m in d["totals"]:
                    v2_cents[(r["uid"], d["pid"], m["currency"])] = [round((a or 0) * 100) for a in m["amount"][:7]]
    assert (seconds, cents) == (v2_seconds, v2_cents)
    assert seconds


def test_same_as_v2_for_the_world(client: TestClient, world: World) -> None:
    _compare_with_v2(client, world, world.mara, "2023-10-02")
    _compare_with_v2(client, world, world.jonas, "2023-10-02")


def _week_start(today: date, beginning_of_week: int) -> date:
    """The latest day up to ``today`` whose weekday is ``beginning_of_week`` (0 = Sunday … 6 = Saturday)."""
    return next(today - timedelta(days=n) for n in range(7) if (today - timedelta(days=n)).isoweekday() % 7
                == beginning_of_week)


@pytest.mark.parametrize("beginning_of_week", [0, 1, 3])
def test_default_week_follows_beginning_of_week(client: TestClient, world: World, db: Session,
                                                 beginning_of_week: int) -> None:
    w = world
    w.mara.beginning_of_week = beginning_of_week
    db.commit()
    first = _week_start(datetime.now(UTC).date(), beginning_of_week)
    for offset, seconds in ((-1, 60), (0, 120), (6, 240), (7, 480)):
        start = datetime.combine(first + timedelta(days=offset), datetime.min.time(), UTC) + timedelta(hours=12)
        make_entry(db, user=w.mara, workspace_id=w.ws.id, start=start, seconds=seconds, project_id=w.spring.id)
    # A body is required; a filter alone leaves the dates to their defaults.
    rows = weekly(client, w, w.mara, {"user_ids": [w.mara.id]})
    assert [(r["project_id"], r["seconds"]) for r in rows] == [(w.spring.id, [120, 0, 0, 0, 0, 0, 240])]


@pytest.mark.parametrize(("body", "message"), [
    ({**MONDAY, "end_date": "2023-10-09"}, "The weekly report covers at most 7 days"),
    ({**MONDAY, "end_date": "2024-10-09"}, "The weekly report covers at most 7 days"),
    ({**MONDAY, "end_date": "2023-10-01"}, "start_date must not be later than end_date"),
    ({"start_date": "2023-13-01"}, "Invalid start_date"),
    ({**MONDAY, "billable": "yes"}, "Invalid billable"),
    ({**MONDAY, "rounding_minutes": 7}, "Invalid rounding_minutes"),
])
def test_bad_bodies_are_400_strings(client: TestClient, world: World, body: dict[str, Any], message: str) -> None:
    response = post_report(client, world.ws.id, PATH, world.mara, body)
    assert (response.status_code, response.json()) == (400, message)


def test_access(client: TestClient, world: World) -> None:
    w = world
    empty = post_report(client, w.ws.id, PATH, w.mara, {})
    assert (empty.status_code, empty.json()) == (400, "The request body is empty")
    outsider = post_report(client, w.ws.id, PATH, w.otto, MONDAY)
    assert (outsider.status_code, outsider.json()) == (403, "Workspace not found/accessible")
