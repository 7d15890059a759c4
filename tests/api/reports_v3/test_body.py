"""The common body of every Reports v3 report (60- §2, §3; V-29 … V-31), read through the totals and the rows."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.api.reports_v3.conftest import V3, WEEK, World, post_report
from tests.factories import PASSWORD, basic

TOTALS = "search/time_entries/totals"
COOKIE = "__Host-timer-session"


def seconds(client: TestClient, world: World, **body: Any) -> int:
    r = post_report(client, world.ws.id, TOTALS, world.mara, {**WEEK, **body})
    assert r.status_code == 200, r.text
    value: int = r.json()["seconds"]
    return value


def error(client: TestClient, world: World, body: Any, path: str = TOTALS) -> tuple[int, Any]:
    r = post_report(client, world.ws.id, path, world.mara, body)
    return r.status_code, r.json()


@pytest.mark.parametrize(("body", "expected"), [
    ({}, 30634),
    ({"project_ids": [], "client_ids": [], "tag_ids": [], "time_entry_ids": [], "user_ids": [], "group_ids": [],
      "task_ids": [], "description": ""}, 30634),
    ({"project_ids": ["ferry"]}, 16200),
    ({"project_ids": [None]}, 7200),
    ({"project_ids": [0]}, 7200),
    ({"project_ids": [None, "spring"]}, 13200),
    ({"project_ids": [999_999]}, 0),
    ({"client_ids": ["northwind"]}, 6000),
    ({"client_ids": [None]}, 8434),
    ({"task_ids": ["wireframes"]}, 9000),
    ({"task_ids": [None]}, 21634),
    ({"tag_ids": ["on_site"]}, 10234),
    ({"tag_ids": ["phase_1"]}, 9000),
    ({"tag_ids": [None]}, 20400),
    ({"user_ids": ["jonas"]}, 14400),
    ({"user_ids": ["mara"]}, 16234),
    ({"group_ids": ["crew"]}, 14400),
    ({"user_ids": ["mara"], "group_ids": ["crew"]}, 30634),
    ({"time_entry_ids": ["homepage", "late"]}, 6000),
    ({"description": "TIMETABLE"}, 7200),
    ({"billable": True}, 22834),
    ({"billable": False}, 7800),
    ({"min_duration_seconds": 1800}, 28800),
    ({"max_duration_seconds": 1800}, 3634),
    ({"min_duration_seconds": 1800, "max_duration_seconds": 1800}, 1800),
    ({"rounding": 1}, 31500),
    ({"rounding": 1, "min_duration_seconds": 900, "max_duration_seconds": 900}, 900),
    ({"rounding": 1, "rounding_minutes": 1}, 30660),
    ({"rounding": 0, "rounding_minutes": 60}, 30634),
    ({"start_date": "2023-10-02T00:00:00Z", "end_date": "2023-10-08T23:59:59+02:00"}, 30634),
    ({"start_date": "2023-10-09", "end_date": "2023-10-09"}, 900),
    ({"startTime": "08:00", "endTime": "17:00", "unknown": {"x": 1}, "enrich_response": None}, 30634),
])
def test_filters(client: TestClient, world: World, body: dict[str, Any], expected: int) -> None:
    names = {"ferry": world.ferry.id, "spring": world.spring.id, "northwind": world.northwind.id,
             "wireframes": world.wireframes_task.id, "on_site": world.on_site.id, "phase_1": world.phase_1.id,
             "jonas": world.jonas.id, "mara": world.mara.id, "crew": world.crew_id,
             "homepage": world.homepage.id, "late": world.late.id}
    resolved = {k: [names.get(x, x) if isinstance(x, str) else x for x in v] if isinstance(v, list) else v
                for k, v in body.items()}
    assert seconds(client, world, **resolved) == expected


def test_filters_pick_the_rows_too(client: TestClient, world: World) -> None:
    r = post_report(client, world.ws.id, "search/time_entries", world.mara,
                    {**WEEK, "tag_ids": [world.on_site.id], "order_dir": "ASC"})
    assert [row["time_entries"][0]["id"] for row in r.json()] == [world.wireframes.id, world.minutes.id]
    r = post_report(client, world.ws.id, "search/time_entries", world.mara,
                    {**WEEK, "rounding": 1, "time_entry_ids": [world.minutes.id]})
    assert [(e["id"], e["seconds"]) for e in r.json()[0]["time_entries"]] == [(world.minutes.id, 1800)]
    assert r.json()[0]["billable_amount_in_cents"] == 4000  # 1800 s at 80 EUR


@pytest.mark.parametrize(("body", "message"), [
    ({"billable": "yes"}, "Invalid billable"),
    ({"project_ids": "1"}, "Invalid project_ids"),
    ({"project_ids": [True]}, "Invalid project_ids"),
    ({"client_ids": [-1]}, "Invalid client_ids"),
    ({"tag_ids": ["a"]}, "Invalid tag_ids"),
    ({"user_ids": [None]}, "Invalid user_ids"),
    ({"group_ids": [1.5]}, "Invalid group_ids"),
    ({"time_entry_ids": {}}, "Invalid time_entry_ids"),
    ({"description": 5}, "Invalid description"),
    ({"start_date": "2023-13-01"}, "Invalid start_date"),
    ({"end_date": "02.10.2023"}, "Invalid end_date"),
    ({"start_date": "2023-10-08", "end_date": "2023-10-02"}, "start_date must not be later than end_date"),
    ({"start_date": "2023-01-01", "end_date": "2024-01-02"}, "The maximum date span is one year"),
    ({"min_duration_seconds": -1}, "Invalid min_duration_seconds"),
    ({"max_duration_seconds": "60"}, "Invalid max_duration_seconds"),
    ({"min_duration_seconds": 61, "max_duration_seconds": 60},
     "min_duration_seconds must not be greater than max_duration_seconds"),
    ({"rounding": "on"}, "Invalid rounding"),
    ({"rounding": 1, "rounding_minutes": 7}, "Invalid rounding_minutes"),
    ({"startTime": 8}, "Invalid startTime"),
])
def test_bad_fields(client: TestClient, world: World, body: dict[str, Any], message: str) -> None:
    for path in (TOTALS, "search/time_entries"):
        assert error(client, world, body, path) == (400, message)


def test_empty_and_malformed_bodies(client: TestClient, world: World) -> None:
    for path in (TOTALS, "search/time_entries", "projects/summary"):
        assert error(client, world, None, path) == (400, "The request body is empty")
        assert error(client, world, {}, path) == (400, "The request body is empty")
        assert error(client, world, [1], path) == (400, "The request body must be a JSON object")
    r = client.post(f"{V3}/{world.ws.id}/{TOTALS}", content=b"{nope", headers=basic(world.mara.api_token, "api_token"))
    assert (r.status_code, r.json()) == (400, "Invalid JSON body")


def test_access(client: TestClient, world: World) -> None:
    w = world
    for user, workspace_id in ((w.otto, w.ws.id), (w.mara, 999_999), (w.mara, w.jonas.default_workspace_id)):
        r = post_report(client, workspace_id, TOTALS, user, WEEK)
        assert (r.status_code, r.json()) == (403, "Workspace not found/accessible")
    for headers in (basic("0" * 32, "api_token"), basic(w.mara.email, "wrong-password"), {}):
        r = post_report(client, w.ws.id, TOTALS, None, WEEK, headers=headers)
        assert (r.status_code, r.json()) == (403, "Incorrect username and/or password")
    r = post_report(client, 0, TOTALS, w.mara, WEEK)
    assert (r.status_code, r.json()) == (400, "Invalid id")


def test_each_credential_kind(client: TestClient, db: Session, world: World) -> None:
    w = world
    opened = client.post("/api/v8/sessions", headers=basic(w.jonas.email, PASSWORD))
    assert opened.status_code == 200
    client.cookies.clear()
    secret = opened.headers["set-cookie"].split(";", 1)[0].split("=", 1)[1]
    for headers in (basic(w.jonas.api_token, "api_token"), basic(w.jonas.email, PASSWORD),
                    {"Cookie": f"{COOKIE}={secret}"}):
        r = post_report(client, w.ws.id, TOTALS, None, WEEK, headers=headers)
        assert (r.status_code, r.json()["seconds"]) == (200, 29400)
