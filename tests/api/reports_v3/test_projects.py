"""``POST projects/summary`` and ``POST projects/{project_id}/summary`` (60- §8, V-45)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from punchclock.http.reports_v3.docs_search import V3ProjectLine, V3Totals
from punchclock.models import Workspace
from tests.api.reports_v3.conftest import WEEK, World, post_report


def test_seconds_per_project_and_user(client: TestClient, world: World) -> None:
    w = world
    r = post_report(client, w.ws.id, "projects/summary", w.mara, WEEK)
    assert r.status_code == 200
    # Ferry: Mara's wireframes; Jonas's timetable and early (10-02 in Berlin). Spring: homepage + late (not
    # billable). Board: minutes. The meeting has no project.
    assert r.json() == [
        {"user_id": w.mara.id, "project_id": w.ferry.id, "tracked_seconds": 9000, "billable_seconds": 9000},
        {"user_id": w.jonas.id, "project_id": w.ferry.id, "tracked_seconds": 7200, "billable_seconds": 7200},
        {"user_id": w.mara.id, "project_id": w.spring.id, "tracked_seconds": 6000, "billable_seconds": 5400},
        {"user_id": w.mara.id, "project_id": w.board.id, "tracked_seconds": 1234, "billable_seconds": 1234},
    ]
    for line in r.json():
        V3ProjectLine.model_validate(line)


def test_member_and_other_filters(client: TestClient, world: World) -> None:
    w = world
    # Only the days count here: rounding and other filters of §3 are not part of this body.
    r = post_report(client, w.ws.id, "projects/summary", w.jonas, {**WEEK, "rounding": 1, "billable": True})
    assert [(x["project_id"], x["user_id"], x["tracked_seconds"]) for x in r.json()] == [
        (w.ferry.id, w.mara.id, 9000), (w.ferry.id, w.jonas.id, 7200), (w.spring.id, w.mara.id, 6000)]
    r = post_report(client, w.ws.id, "projects/summary", w.mara, {"start_date": "2023-10-09", "end_date": "2023-10-09"})
    assert r.json() == [{"user_id": w.jonas.id, "project_id": w.ferry.id, "tracked_seconds": 900,
                         "billable_seconds": 900}]
    empty = post_report(client, w.ws.id, "projects/summary", w.mara, {})
    assert (empty.status_code, empty.json()) == (400, "The request body is empty")


def test_one_project_totals(client: TestClient, world: World) -> None:
    w = world
    r = post_report(client, w.ws.id, f"projects/{w.ferry.id}/summary", w.mara, WEEK)
    assert r.status_code == 200
    assert r.json() == {
        "seconds": 16200, "tracked_days": 3, "billable_amount_in_cents": 38000, "labour_cost_in_cents": None,
        "resolution": "day",
        "rates": [{"billable_seconds": 9000, "hourly_rate_in_cents": 8000, "currency": "EUR"},
                  {"billable_seconds": 7200, "hourly_rate_in_cents": 9000, "currency": "EUR"}],
        "graph": None,
    }
    V3Totals.model_validate(r.json())
    spring = post_report(client, w.ws.id, f"projects/{w.spring.id}/summary", w.jonas, WEEK).json()
    assert (spring["seconds"], spring["tracked_days"], spring["billable_amount_in_cents"], spring["rates"]) == (
        6000, 2, 7500, [{"billable_seconds": 5400, "hourly_rate_in_cents": 5000, "currency": "USD"}])


def test_body_is_optional_and_defaults_to_the_last_week(client: TestClient, world: World) -> None:
    w = world
    for body in (None, {}):
        r = post_report(client, w.ws.id, f"projects/{w.ferry.id}/summary", w.mara, body)
        assert (r.status_code, r.json()) == (200, {
            "seconds": 0, "tracked_days": 0, "billable_amount_in_cents": 0, "labour_cost_in_cents": None,
            "resolution": "day", "rates": [], "graph": None})


def test_invisible_or_unknown_project_is_404(client: TestClient, world: World) -> None:
    w = world
    for user, project_id in ((w.jonas, w.board.id), (w.mara, 999_999)):
        r = post_report(client, w.ws.id, f"projects/{project_id}/summary", user, WEEK)
        assert (r.status_code, r.json()) == (404, "Project not found")
    assert post_report(client, w.ws.id, f"projects/{w.board.id}/summary", w.mara, WEEK).json()["seconds"] == 1234
    r = post_report(client, w.ws.id, "projects/abc/summary", w.mara, WEEK)
    assert (r.status_code, r.json()) == (400, "Invalid id")


def test_free_workspace_gets_402_before_the_project_lookup(client: TestClient, db: Session, world: World) -> None:
    w = world
    db.execute(update(Workspace).where(Workspace.id == w.ws.id).values(premium=False))
    db.commit()
    for project_id in (w.ferry.id, 999_999):
        r = post_report(client, w.ws.id, f"projects/{project_id}/summary", w.mara, WEEK)
        assert (r.status_code, r.json()) == (402, "This report needs a premium workspace")
    # The other reports stay free (V-45).
    assert post_report(client, w.ws.id, "projects/summary", w.mara, WEEK).status_code == 200


def test_hidden_money_in_project_totals(client: TestClient, db: Session, world: World) -> None:
    w = world
    db.execute(update(Workspace).where(Workspace.id == w.ws.id).values(only_admins_see_billable_rates=True))
    db.commit()
    body = post_report(client, w.ws.id, f"projects/{w.ferry.id}/summary", w.jonas, WEEK).json()
    assert (body["seconds"], body["billable_amount_in_cents"], body["rates"]) == (16200, None, [])


def test_outsider_and_bad_credentials(client: TestClient, world: World) -> None:
    w = world
    r = post_report(client, w.ws.id, "projects/summary", w.otto, WEEK)
    assert (r.status_code, r.json()) == (403, "Workspace not found/accessible")
    r = post_report(client, w.ws.id, f"projects/{w.ferry.id}/summary", None, WEEK)
    assert (r.status_code, r.json()) == (403, "Incorrect username and/or password")
