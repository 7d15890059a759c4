"""``POST /reports/api/v3/workspace/{id}/summary/time_entries`` (60- §6, V-33; v2 matrix 50-reports §8.1).

Expected values are hand-computed from the ``world`` (``conftest.World``); the v2 comparison asks
``GET /reports/api/v2/summary`` the same question and checks the same seconds, rates and cents.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator
from sqlalchemy.orm import Session

from punchclock.models import User
from tests.api.reports.conftest import get_report
from tests.api.reports_v3.conftest import WEEK, World, post_report
from tests.factories import token_auth

PATH = "summary/time_entries"

#: The v2 matrix (50-reports §8.1), written out by hand.
ALLOWED = [("projects", s) for s in ("time_entries", "tasks", "users")] + \
          [("clients", s) for s in ("time_entries", "tasks", "projects", "users")] + \
          [("users", s) for s in ("time_entries", "tasks", "projects", "clients")]
FORBIDDEN = [("projects", "projects"), ("projects", "clients"), ("clients", "clients"), ("users", "users")]


def documented(client: TestClient, body: Any) -> None:
    """The answer matches the 200 schema ``/openapi.json`` publishes (every key, no other key)."""
    spec = client.app.openapi()  # type: ignore[attr-defined]
    answer = spec["paths"]["/reports/api/v3/workspace/{workspace_id}/" + PATH]["post"]["responses"]["200"]
    schema = {**answer["content"]["application/json"]["schema"], "components": spec["components"]}
    errors = sorted(Draft202012Validator(schema).iter_errors(body), key=str)
    assert not errors, f"{errors[0].message} at {list(errors[0].absolute_path)}"


def summary(client: TestClient, w: World, user: User, **body: Any) -> list[dict[str, Any]]:
    response = post_report(client, w.ws.id, PATH, user, {**WEEK, **body})
    assert response.status_code == 200, response.text
    groups: list[dict[str, Any]] = response.json()["groups"]
    documented(client, response.json())
    return groups


def sub(title: str | None, seconds: int, rates: list[tuple[int, int, str]] | None, *, id: int | None = None,
        ids: list[int] | None = None) -> dict[str, Any]:
    return {"id": id, "title": title, "seconds": seconds, "ids": ids,
            "rates": None if rates is None else [
                {"billable_seconds": s, "hourly_rate_in_cents": r, "currency": c} for s, r, c in rates]}


def test_projects_by_description_is_the_contract_shape(client: TestClient, world: World) -> None:
    w = world
    assert summary(client, w, w.mara, include_time_entry_ids=True) == [
        {"id": w.board.id, "sub_groups": [sub("Board minutes", 1234, [(1234, 8000, "EUR")], ids=[w.minutes.id])]},
        {"id": w.ferry.id, "sub_groups": [
            # Equal descriptions form one sub-group: the Berlin Monday entry and Wednesday's.
            sub("Timetable import", 7200, [(7200, 9000, "EUR")], ids=sorted([w.timetable.id, w.early.id])),
            sub("Wireframes for booking flow", 9000, [(9000, 8000, "EUR")], ids=[w.wireframes.id]),
        ]},
        {"id": w.spring.id, "sub_groups": [
            sub("", 600, [], ids=[w.late.id]),
            sub("Homepage layout", 5400, [(5400, 5000, "USD")], ids=[w.homepage.id]),
        ]},
        {"id": None, "sub_groups": [sub("Team meeting", 7200, [], ids=[w.meeting.id])]},
    ]


def test_defaults_without_ids_and_the_member_view(client: TestClient, world: World) -> None:
    """A member does not see the private project; ``ids`` stays null unless asked for."""
    w = world
    assert summary(client, w, w.jonas) == [
        {"id": w.ferry.id, "sub_groups": [sub("Timetable import", 7200, [(7200, 9000, "EUR")]),
                                          sub("Wireframes for booking flow", 9000, [(9000, 8000, "EUR")])]},
        {"id": w.spring.id, "sub_groups": [sub("", 600, []), sub("Homepage layout", 5400, [(5400, 5000, "USD")])]},
        {"id": None, "sub_groups": [sub("Team meeting", 7200, [])]},
    ]
    # null reads as absent; ``audit`` is accepted and ignored.
    assert summary(client, w, w.jonas, grouping=None, sub_grouping=None, include_time_entry_ids=None,
                   distinguish_rates=None, audit={"group_filter": {"currency": "EUR"}}) == summary(client, w, w.jonas)


def test_rates_per_rate_and_currency_and_distinguish_rates(client: TestClient, world: World) -> None:
    """Users by task: Mara's entries without task span 50 USD and 80 EUR, Jonas's 90 EUR and 80 (unbilled)."""
    w = world
    plain = summary(client, w, w.mara, grouping="users", sub_grouping="tasks")
    assert plain == [
        {"id": w.jonas.id, "sub_groups": [sub(None, 14400, [(7200, 9000, "EUR")])]},
        {"id": w.mara.id, "sub_groups": [
            sub(None, 9000, [(9000, 8000, "EUR")], id=w.wireframes_task.id),
            # Ordered by currency, then rate; the unbilled 600 s count in seconds only.
            sub(None, 7234, [(1234, 8000, "EUR"), (5400, 5000, "USD")]),
        ]},
    ]
    split = summary(client, w, w.mara, grouping="users", sub_grouping="tasks", distinguish_rates=True)
    assert split == [
        # One sub-group per rate, billable or not (v2 distinct_rates, §3.8), by rate.
        {"id": w.jonas.id, "sub_groups": [sub(None, 7200, []), sub(None, 7200, [(7200, 9000, "EUR")])]},
        {"id": w.mara.id, "sub_groups": [
            sub(None, 9000, [(9000, 8000, "EUR")], id=w.wireframes_task.id),
            sub(None, 6000, [(5400, 5000, "USD")]),
            sub(None, 1234, [(1234, 8000, "EUR")]),
        ]},
    ]


def test_hidden_money_reads_null_rates(client: TestClient, world: World, db: Session) -> None:
    w = world
    w.ws.only_admins_see_billable_rates = True
    db.commit()
    # distinguish_rates has no effect then: split sub-groups would show where rates differ.
    for flag in (False, True):
        assert summary(client, w, w.jonas, grouping="users", sub_grouping="tasks", distinguish_rates=flag) == [
            {"id": w.jonas.id, "sub_groups": [sub(None, 14400, None)]},
            {"id": w.mara.id, "sub_groups": [sub(None, 9000, None, id=w.wireframes_task.id),
                                             sub(None, 6000, None)]},
        ]
    # The admin still sees them.
    assert summary(client, w, w.mara, grouping="clients", sub_grouping="projects")[0] == {
        "id": w.harbour.id, "sub_groups": [sub(None, 16200, [(9000, 8000, "EUR"), (7200, 9000, "EUR")],
                                               id=w.ferry.id)]}


def test_rounding_and_filters(client: TestClient, world: World) -> None:
    """``rounding`` rounds up to the workspace's 15 minutes: 1234 s -> 1800, 600 s -> 900 (V-31)."""
    w = world
    assert summary(client, w, w.mara, rounding=1, project_ids=[w.board.id, w.spring.id]) == [
        {"id": w.board.id, "sub_groups": [sub("Board minutes", 1800, [(1800, 8000, "EUR")])]},
        {"id": w.spring.id, "sub_groups": [sub("", 900, []), sub("Homepage layout", 5400, [(5400, 5000, "USD")])]},
    ]
    assert summary(client, w, w.mara, grouping="clients", sub_grouping="users", project_ids=[None],
                   billable=False) == [{"id": None, "sub_groups": [sub(None, 7200, [], id=w.jonas.id)]}]
    assert summary(client, w, w.mara, description="nothing like this") == []


def _v3_key(grouping: str, sub_grouping: str, gid: int | None, s: dict[str, Any]) -> tuple[Any, ...]:
    return (gid, s["title"] if sub_grouping == "time_entries" else s["id"])


def _v2_key(grouping: str, sub_grouping: str, group: dict[str, Any], item: dict[str, Any]) -> tuple[Any, ...]:
    if sub_grouping == "time_entries":
        return (group["id"], item["title"]["time_entry"])
    return (group["id"], int(item["ids"]) if item["ids"] else None)


def _compare(client: TestClient, w: World, user: User, grouping: str, sub_grouping: str, rounding: bool) -> int:
    """v3 sub-groups and v2 items (summed per sub-group over v2's currency split) agree; returns the count."""
    v3 = summary(client, w, user, grouping=grouping, sub_grouping=sub_grouping, rounding=int(rounding))
    response = get_report(client, "summary", user, workspace_id=w.ws.id, since=WEEK["start_date"],
                          until=WEEK["end_date"], grouping=grouping, subgrouping=sub_grouping,
                          subgrouping_ids="true", distinct_rates="on", rounding="on" if rounding else "off")
    assert response.status_code == 200, response.text
    v2: dict[tuple[Any, ...], dict[str, Any]] = {}
    for g in response.json()["data"]:
        for item in g["items"]:
            acc = v2.setdefault(_v2_key(grouping, sub_grouping, g, item), {"seconds": 0, "cents": 0, "rates": set()})
            acc["seconds"] += item["time"] // 1000
            acc["cents"] += round(item["sum"] * 100)
            if item["sum"]:
                acc["rates"].add((round(item["rate"] * 100), item["cur"]))
    mine = {}
    for g in v3:
        for s in g["sub_groups"]:
            # Every sub-group here has one entry per rate or whole-cent amounts: rate x time is the v2 sum.
            cents = sum(round(r["billable_seconds"] * r["hourly_rate_in_cents"] / 3600) for r in s["rates"])
            mine[_v3_key(grouping, sub_grouping, g["id"], s)] = {
                "seconds": s["seconds"], "cents": cents,
                "rates": {(r["hourly_rate_in_cents"], r["currency"]) for r in s["rates"]}}
    assert mine == v2, (grouping, sub_grouping)
    return len(mine)


def test_every_pair_of_the_matrix_agrees_with_v2(client: TestClient, world: World) -> None:
    counts = {(g, s): _compare(client, world, world.mara, g, s, False) for g, s in ALLOWED}
    assert counts == {
        ("projects", "time_entries"): 6, ("projects", "tasks"): 5, ("projects", "users"): 5,
        ("clients", "time_entries"): 6, ("clients", "tasks"): 4, ("clients", "projects"): 4,
        ("clients", "users"): 5, ("users", "time_entries"): 6, ("users", "tasks"): 3,
        ("users", "projects"): 5, ("users", "clients"): 5,
    }
    for g, s in (("projects", "time_entries"), ("users", "clients")):
        _compare(client, world, world.mara, g, s, True)
        _compare(client, world, world.jonas, g, s, True)


@pytest.mark.parametrize(("grouping", "sub_grouping"), FORBIDDEN)
def test_a_pair_outside_the_matrix_is_400(client: TestClient, world: World, grouping: str,
                                          sub_grouping: str) -> None:
    response = post_report(client, world.ws.id, PATH, world.mara,
                           {**WEEK, "grouping": grouping, "sub_grouping": sub_grouping})
    assert response.status_code == 400
    assert response.json() == f"sub_grouping {sub_grouping} is not allowed with grouping {grouping}"


@pytest.mark.parametrize(("body", "message"), [
    ({"grouping": "tasks"}, "Invalid grouping"),
    ({"sub_grouping": "tags"}, "Invalid sub_grouping"),
    ({"grouping": 3}, "Invalid grouping"),
    ({"distinguish_rates": "yes"}, "Invalid distinguish_rates"),
    ({"include_time_entry_ids": 1}, "Invalid include_time_entry_ids"),
    ({"start_date": "2023-10-09", "end_date": "2023-10-02"}, "start_date must not be later than end_date"),
    ({"project_ids": ["x"]}, "Invalid project_ids"),
])
def test_bad_bodies_are_400_strings(client: TestClient, world: World, body: dict[str, Any], message: str) -> None:
    response = post_report(client, world.ws.id, PATH, world.mara, {**WEEK, **body})
    assert (response.status_code, response.json()) == (400, message)


def test_access(client: TestClient, world: World) -> None:
    w = world
    assert post_report(client, w.ws.id, PATH, w.mara).json() == "The request body is empty"
    outsider = post_report(client, w.ws.id, PATH, w.otto, WEEK)
    assert (outsider.status_code, outsider.json()) == (403, "Workspace not found/accessible")
    anonymous = post_report(client, w.ws.id, PATH, None, WEEK)
    assert (anonymous.status_code, anonymous.json()) == (403, "Incorrect username and/or password")
    for bad in ("abc", "0"):
        response = client.post(f"/reports/api/v3/workspace/{bad}/{PATH}", json=WEEK, headers=token_auth(w.mara))
        assert (response.status_code, response.json()) == (400, "Invalid id")
