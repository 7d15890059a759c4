"""Reports v2 ``details`` with ``page=0`` is page 1 (50-reports §7.1, O-89): tap-toggl starts its walk there."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from punchclock.models import TimeEntry, User, Workspace
from tests.api.reports.conftest import get_report
from tests.factories import make_entry, make_user, make_workspace

WEEK = {"since": "2023-10-02", "until": "2023-10-08"}


@pytest.fixture
def arranged(db: Session) -> tuple[User, Workspace, list[TimeEntry]]:
    """53 one-minute entries ten minutes apart: two pages of the 50-row report."""
    owner = make_user(db)
    ws = make_workspace(db, admin=owner, default_currency="EUR", default_hourly_rate=Decimal("60"))
    start = datetime(2023, 10, 2, 8, tzinfo=UTC)
    entries = [make_entry(db, user=owner, workspace_id=ws.id, start=start + timedelta(minutes=10 * i),
                          seconds=60, billable=True, description=f"entry {i}") for i in range(53)]
    return owner, ws, entries


def details(client: TestClient, user: User, ws: Workspace, page: str) -> dict[str, object]:
    r = get_report(client, "details", user, workspace_id=ws.id, page=page, **WEEK)
    assert r.status_code == 200, r.text
    body: dict[str, object] = r.json()
    return body


def test_page_zero_is_exactly_page_one(client: TestClient, arranged: tuple[User, Workspace, list[TimeEntry]]
                                       ) -> None:
    owner, ws, entries = arranged
    zero, one = details(client, owner, ws, "0"), details(client, owner, ws, "1")
    assert zero == one
    rows = zero["data"]
    assert isinstance(rows, list)
    assert [(row["id"], row["description"], row["start"]) for row in rows] == [
        (e.id, f"entry {i}", (datetime(2023, 10, 2, 8, tzinfo=UTC) + timedelta(minutes=10 * i)).isoformat())
        for i, e in reversed(list(enumerate(entries)))][:50]
    assert (zero["total_count"], zero["per_page"], zero["total_grand"]) == (53, 50, 3180000)


def test_tap_toggl_walk_from_zero_ends_on_an_empty_page(client: TestClient,
                                                         arranged: tuple[User, Workspace, list[TimeEntry]]) -> None:
    owner, ws, entries = arranged
    pages = [details(client, owner, ws, p)["data"] for p in ("0", "2", "3")]
    assert [[row["id"] for row in page] for page in pages] == [  # type: ignore[attr-defined]
        [e.id for e in reversed(entries)][:50], [e.id for e in reversed(entries)][50:], []]


@pytest.mark.parametrize("page", ["-1", "00x", "+0"])
def test_negative_and_malformed_pages_stay_400(client: TestClient, arranged: tuple[User, Workspace, list[TimeEntry]],
                                               page: str) -> None:
    owner, ws, _ = arranged
    r = get_report(client, "details", owner, workspace_id=ws.id, page=page, **WEEK)
    assert (r.status_code, r.json()["error"]["message"]) == (400, "page has an invalid value")
