"""``POST search/time_entries/totals`` (60- §5), and that its numbers are the v2 detailed report's and the rows'."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import update
from sqlalchemy.orm import Session

from punchclock.http.reports_v3.docs_search import V3Totals
from punchclock.models import User, Workspace
from tests.api.reports.conftest import get_report
from tests.api.reports_v3.conftest import WEEK, World, post_report

PATH = "search/time_entries/totals"
RATES = [{"billable_seconds": 10234, "hourly_rate_in_cents": 8000, "currency": "EUR"},
         {"billable_seconds": 7200, "hourly_rate_in_cents": 9000, "currency": "EUR"},
         {"billable_seconds": 5400, "hourly_rate_in_cents": 5000, "currency": "USD"}]


def totals(client: TestClient, world: World, user: User | None = None, **body: Any) -> Response:
    return post_report(client, world.ws.id, PATH, user or world.mara, {**WEEK, **body})


def bucket(seconds: int, cents: int | None, by_rate: dict[str, int]) -> dict[str, Any]:
    return {"seconds": seconds, "billable_amount_in_cents": cents, "labour_cost_in_cents": None, "by_rate": by_rate}


def test_week_totals_with_a_daily_graph(client: TestClient, world: World) -> None:
    r = totals(client, world, with_graph=True)
    assert r.status_code == 200
    assert r.json() == {
        "seconds": 30634, "tracked_days": 6, "billable_amount_in_cents": 48242, "labour_cost_in_cents": None,
        "resolution": "day", "rates": RATES,
        "graph": [bucket(7200, 12000, {"5000": 5400, "9000": 1800}), bucket(9000, 20000, {"8000": 9000}),
                  bucket(5400, 13500, {"9000": 5400}), bucket(7200, 0, {}), bucket(1234, 2742, {"8000": 1234}),
                  bucket(0, 0, {}), bucket(600, 0, {})],
    }
    assert totals(client, world).json()["graph"] is None
    V3Totals.model_validate(r.json())  # every documented key, no other


def test_weekly_graph_starts_on_the_callers_week_day(client: TestClient, db: Session, world: World) -> None:
    days = {"start_date": "2023-09-27", "end_date": "2023-10-12"}
    r = totals(client, world, **days, resolution="week", with_graph=True)
    # Monday weeks: 09-27 … 10-01 (before_week), 10-02 … 10-08, 10-09 … 10-12 (after_week, 900 s at 90 EUR).
    assert r.json() == {
        "seconds": 35134, "tracked_days": 8, "billable_amount_in_cents": 50492, "labour_cost_in_cents": None,
        "resolution": "week",
        "rates": [RATES[0], {"billable_seconds": 8100, "hourly_rate_in_cents": 9000, "currency": "EUR"}, RATES[2]],
        "graph": [bucket(3600, 0, {}), bucket(30634, 48242, {"5000": 5400, "8000": 10234, "9000": 7200}),
                  bucket(900, 2250, {"9000": 900})],
    }
    db.execute(update(User).where(User.id == world.mara.id).values(beginning_of_week=0))
    db.commit()
    r = totals(client, world, **days, granularity="week", resolution="day", with_graph=True)
    # Sunday weeks: the late entry (Sunday 10-08) opens the third week with after_week.
    assert [(b["seconds"], b["billable_amount_in_cents"]) for b in r.json()["graph"]] == [
        (3600, 0), (30034, 48242), (1500, 2250)]


def test_monthly_graph_and_default_resolutions(client: TestClient, world: World) -> None:
    r = totals(client, world, start_date="2023-09-15", end_date="2023-10-31", resolution="month", with_graph=True)
    assert (r.json()["resolution"], r.json()["graph"]) == ("month", [
        bucket(3600, 0, {}), bucket(31534, 50492, {"5000": 5400, "8000": 10234, "9000": 8100})])
    assert totals(client, world, start_date="2023-09-01", end_date="2023-10-01").json()["resolution"] == "day"
    assert totals(client, world, start_date="2023-09-01", end_date="2023-10-02").json()["resolution"] == "week"
    assert totals(client, world, start_date="2023-05-01", end_date="2023-10-30").json()["resolution"] == "week"
    assert totals(client, world, start_date="2023-05-01", end_date="2023-10-31").json()["resolution"] == "month"


def test_a_single_day(client: TestClient, world: World) -> None:
    empty = totals(client, world, start_date="2023-10-07", end_date="2023-10-07", with_graph=True).json()
    assert (empty["seconds"], empty["tracked_days"], empty["graph"]) == (0, 0, [bucket(0, 0, {})])
    one = totals(client, world, start_date="2023-10-06", end_date="2023-10-06", with_graph=True).json()
    assert (one["seconds"], one["tracked_days"], one["graph"]) == (1234, 1, [bucket(1234, 2742, {"8000": 1234})])


def test_member_totals_leave_out_the_private_project(client: TestClient, world: World) -> None:
    body = totals(client, world, world.jonas).json()
    assert (body["seconds"], body["tracked_days"], body["billable_amount_in_cents"], body["rates"]) == (
        29400, 5, 45500, [{"billable_seconds": 9000, "hourly_rate_in_cents": 8000, "currency": "EUR"}, *RATES[1:]])


def test_hidden_money(client: TestClient, db: Session, world: World) -> None:
    db.execute(update(Workspace).where(Workspace.id == world.ws.id).values(only_admins_see_billable_rates=True))
    db.commit()
    body = totals(client, world, world.jonas, with_graph=True).json()
    assert (body["seconds"], body["billable_amount_in_cents"], body["rates"]) == (29400, None, [])
    assert body["graph"][0] == bucket(7200, None, {})
    assert totals(client, world).json()["billable_amount_in_cents"] == 48242


def _v2(client: TestClient, world: World, params: dict[str, Any]) -> dict[str, Any]:
    r = get_report(client, "details", world.mara, workspace_id=world.ws.id, since=WEEK["start_date"],
                   until=WEEK["end_date"], **params)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


@pytest.mark.parametrize(("v3", "v2"), [
    ({}, {}),
    ({"billable": True}, {"billable": "yes"}),
    ({"rounding": 1}, {"rounding": "on"}),
    ({"project_ids": [None]}, {"project_ids": "0"}),
    ({"tag_ids": ["on-site"]}, {"tag_ids": "on-site"}),
    ({"user_ids": ["jonas"], "description": "timetable"}, {"user_ids": "jonas", "description": "timetable"}),
])
def test_totals_equal_v2_and_the_rows(client: TestClient, world: World, v3: dict[str, Any],
                                      v2: dict[str, Any]) -> None:
    names = {"on-site": world.on_site.id, "jonas": world.jonas.id}
    v3 = {k: [names.get(x, x) for x in v] if isinstance(v, list) else v for k, v in v3.items()}
    v2 = {k: str(names.get(v, v)) for k, v in v2.items()}
    mine = totals(client, world, **v3).json()
    old = _v2(client, world, v2)
    rows = post_report(client, world.ws.id, "search/time_entries", world.mara,
                       {**WEEK, **v3, "page_size": 1000}).json()
    assert mine["seconds"] * 1000 == (old["total_grand"] or 0)
    assert sum(r["billable_seconds"] for r in mine["rates"]) * 1000 == (old["total_billable"] or 0)
    assert mine["billable_amount_in_cents"] == round(sum(c["amount"] or 0 for c in old["total_currencies"]) * 100)
    assert mine["seconds"] == sum(e["seconds"] for r in rows for e in r["time_entries"])
    assert mine["billable_amount_in_cents"] == sum(r["billable_amount_in_cents"] or 0 for r in rows)
    assert mine["seconds"] > 0


def test_rounded_totals(client: TestClient, world: World) -> None:
    assert totals(client, world, rounding=1).json()["seconds"] == 31500
    assert totals(client, world, rounding=1, rounding_minutes=1).json()["seconds"] == 30660
    assert totals(client, world, rounding=0, rounding_minutes=60).json()["seconds"] == 30634


def test_bad_resolution(client: TestClient, world: World) -> None:
    for body, message in (({"resolution": "year"}, "Invalid resolution"), ({"granularity": 7}, "Invalid granularity"),
                          ({"with_graph": "true"}, "Invalid with_graph")):
        r = totals(client, world, **body)
        assert (r.status_code, r.json()) == (400, message)
