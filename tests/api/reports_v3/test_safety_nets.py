"""The exact paths behind the fast ones: rows the fast statements cannot read are still counted right.

Totals (``reports/tracked.py``) group by one integer made of rate, currency index and billable flag over
the currencies the workspace's rate chain names; an entry in any other currency (an entry kept from an
older chain) makes it fall back to the plain grouped statement. The projects x users summary
(``reports/sub_groups.py``) reads v2's rows when each holds one rate; mixed rates fall back to the
per-rate statement. Both cases are made here by changing stored entries directly, as only history can.
"""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from punchclock.models import TimeEntry
from tests.api.reports_v3.conftest import WEEK, World, post_report


def test_totals_with_an_entry_in_a_currency_outside_the_chain(client: TestClient, db: Session,
                                                               world: World) -> None:
    db.execute(update(TimeEntry).where(TimeEntry.id == world.homepage.id).values(currency="JPY"))
    db.commit()
    got = post_report(client, world.ws.id, "search/time_entries/totals", world.mara, {**WEEK}).json()
    assert (got["seconds"], got["billable_amount_in_cents"], got["tracked_days"]) == (30634, 48242, 6)
    assert got["rates"] == [
        {"billable_seconds": 10234, "hourly_rate_in_cents": 8000, "currency": "EUR"},
        {"billable_seconds": 7200, "hourly_rate_in_cents": 9000, "currency": "EUR"},
        {"billable_seconds": 5400, "hourly_rate_in_cents": 5000, "currency": "JPY"},
    ]
    v2 = client.get("/reports/api/v2/details", params={
        "user_agent": "tests", "workspace_id": world.ws.id, "since": WEEK["start_date"], "until": WEEK["end_date"]},
        auth=(world.mara.api_token, "api_token")).json()
    assert sorted((c["currency"], c["amount"]) for c in v2["total_currencies"]) == [("EUR", 407.42), ("JPY", 75.0)]


def test_summary_of_projects_and_users_with_mixed_rates_in_one_pair(client: TestClient, db: Session,
                                                                    world: World) -> None:
    db.execute(update(TimeEntry).where(TimeEntry.id == world.early.id).values(rate=70))  # EUR 70.00 an hour
    db.commit()
    got = post_report(client, world.ws.id, "summary/time_entries", world.mara,
                      {**WEEK, "grouping": "projects", "sub_grouping": "users"}).json()
    ferry = next(g for g in got["groups"] if g["id"] == world.ferry.id)
    assert [(s["id"], s["seconds"], s["rates"]) for s in ferry["sub_groups"]] == [
        (world.jonas.id, 7200, [{"billable_seconds": 1800, "hourly_rate_in_cents": 7000, "currency": "EUR"},
                                {"billable_seconds": 5400, "hourly_rate_in_cents": 9000, "currency": "EUR"}]),
        (world.mara.id, 9000, [{"billable_seconds": 9000, "hourly_rate_in_cents": 8000, "currency": "EUR"}]),
    ]
