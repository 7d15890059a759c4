"""Rounding at the edges of a step, through HTTP (50-reports §3.7; 20-workspaces §1.1; 00-conventions §3.3).

With step ``r`` and duration ``d`` (seconds): down ``⌊d/r⌋·r``, up ``⌈d/r⌉·r``, nearest ``⌊(d + r/2)/r⌋·r``
(exactly half a step rounds up). The expectations below are written out by hand: an exact multiple
never gains a step, one second over a multiple rounding up gains a whole step, a half step rounds up
under round-to-nearest. The rate is 60 EUR/h, so an amount is the rounded minutes in EUR.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from punchclock.models import User, Workspace
from tests.api.reports.conftest import get_report
from tests.factories import make_entry, make_user, make_workspace

UP, NEAREST, DOWN = 1, 0, -1

#: (rounding, rounding_minutes, [(stored seconds, rounded seconds), …]) — one entry per day from 2023-10-02.
CASES = {
    "up-15": (UP, 15, [
        (900, 900),     # 15:00 exactly: stays 15:00
        (1800, 1800),   # 30:00 exactly: stays
        (901, 1800),    # one second over 15:00: a whole step more
        (899, 900),     # one second under 15:00
        (1, 900),       # a single second: one step
        (0, 0),         # zero is a multiple of every step
        (2701, 3600),   # 45:01
    ]),
    "up-60": (UP, 60, [
        (3600, 3600),   # 1:00:00 exactly
        (3601, 7200),   # 1:00:01
        (7200, 7200),   # 2:00:00 exactly
        (7199, 7200),   # 1:59:59
    ]),
    "up-1": (UP, 1, [
        (60, 60),       # 1:00
        (61, 120),      # 1:01
        (119, 120),     # 1:59
    ]),
    "nearest-15": (NEAREST, 15, [
        (450, 900),     # 7:30, exactly half a step: half-up -> 15:00
        (449, 0),       # 7:29 -> 0
        (451, 900),     # 7:31 -> 15:00
        (900, 900),     # 15:00 exactly
        (1350, 1800),   # 22:30, one and a half steps -> 30:00
        (1349, 900),    # 22:29 -> 15:00
        (901, 900),     # one second over a multiple -> stays
    ]),
    "nearest-30": (NEAREST, 30, [
        (900, 1800),    # 15:00, half of 30 min -> 30:00
        (899, 0),       # 14:59 -> 0
        (2700, 3600),   # 45:00, one and a half steps -> 1:00:00
    ]),
    "down-15": (DOWN, 15, [
        (900, 900),     # exactly
        (1799, 900),    # one second under 30:00
        (899, 0),       # one second under 15:00
        (1800, 1800),   # exactly
    ]),
}


def arrange(db: Session, direction: int, minutes: int, durations: list[tuple[int, int]]) -> tuple[User, Workspace]:
    owner = make_user(db, fullname="Rita Round")
    ws = make_workspace(db, admin=owner, default_currency="EUR", default_hourly_rate=Decimal("60"),
                        rounding=direction, rounding_minutes=minutes)
    for day, (stored, _) in enumerate(durations):
        make_entry(db, user=owner, workspace_id=ws.id, start=f"2023-10-{2 + day:02d}T08:00:00Z", seconds=stored,
                   billable=True, description=f"e{day}")
    return owner, ws


def report(client: TestClient, path: str, owner: User, ws: Workspace, **params: Any) -> dict[str, Any]:
    r = get_report(client, path, owner, workspace_id=ws.id, since="2023-10-02", until="2023-10-08", **params)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


@pytest.mark.parametrize("case", list(CASES))
def test_details_rows(client: TestClient, db: Session, case: str) -> None:
    direction, minutes, durations = CASES[case]
    owner, ws = arrange(db, direction, minutes, durations)

    body = report(client, "details", owner, ws, rounding="on", order_desc="off")

    # Amount at 60 EUR/h = rounded seconds / 60 EUR, e.g. 900 s -> 15.0.
    assert [(r["description"], r["dur"], r["billable"]) for r in body["data"]] == [
        (f"e{i}", rounded * 1000, rounded / 60) for i, (_, rounded) in enumerate(durations)]
    total = sum(rounded for _, rounded in durations)
    assert (body["total_grand"], body["total_billable"]) == (total * 1000, total * 1000)
    assert body["total_currencies"] == [{"currency": "EUR", "amount": total / 60}]


@pytest.mark.parametrize("case", list(CASES))
def test_summary_and_weekly_totals(client: TestClient, db: Session, case: str) -> None:
    direction, minutes, durations = CASES[case]
    owner, ws = arrange(db, direction, minutes, durations)
    total = sum(rounded for _, rounded in durations)

    summary = report(client, "summary", owner, ws, rounding="on", grouping="users", subgrouping="time_entries")
    weekly = report(client, "weekly", owner, ws, rounding="on")

    assert summary["total_grand"] == total * 1000
    assert [(i["title"]["time_entry"], i["time"], i["sum"]) for i in summary["data"][0]["items"]] == [
        (f"e{i}", rounded * 1000, rounded / 60) for i, (_, rounded) in enumerate(durations)]
    days: list[int | None] = [rounded * 1000 for _, rounded in durations] + [None] * (7 - len(durations))
    # §6.3 leaves open whether a day whose only entry rounds to 0 s reads 0 or null: accept both there.
    cells = [None if (want == 0 and got in (0, None)) else got
             for want, got in zip(days, weekly["week_totals"][:7], strict=True)]
    assert cells == [None if d == 0 else d for d in days]
    assert weekly["week_totals"][7] == total * 1000


def test_the_contract_examples_side_by_side(client: TestClient, db: Session) -> None:
    """The three rules on the same four durations: exact multiple, +1 s, half step, half step - 1 s."""
    stored = [900, 901, 450, 449]
    expected = {UP: [900, 1800, 900, 900], NEAREST: [900, 900, 900, 0], DOWN: [900, 900, 0, 0]}
    owner, ws = arrange(db, UP, 15, [(s, 0) for s in stored])
    for direction, seconds in expected.items():
        ws.rounding = direction
        db.commit()
        body = report(client, "details", owner, ws, rounding="on", order_desc="off")
        assert [r["dur"] for r in body["data"]] == [s * 1000 for s in seconds], direction
        off = report(client, "details", owner, ws, rounding="off", order_desc="off")
        assert [r["dur"] for r in off["data"]] == [900000, 901000, 450000, 449000]
