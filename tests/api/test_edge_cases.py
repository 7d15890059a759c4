"""Edge behaviour shared by every v8 route: OPTIONS, unique-index races, money bounds, OpenAPI."""

from __future__ import annotations

import json
import warnings

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from punchclock.domain import clients
from punchclock.models import Client, TimeEntry
from tests.factories import make_user, token_auth


class TestOptions:
    def test_options_lists_every_method_of_the_path(self, client: TestClient, db: Session) -> None:
        r = client.options("/api/v8/clients/1")
        assert r.status_code == 200
        assert r.headers["allow"] == "DELETE, GET, HEAD, OPTIONS, PUT"

    def test_options_on_unknown_path_is_404(self, client: TestClient) -> None:
        assert client.options("/api/v8/nothing-here").status_code == 404


class TestUniqueIndexRace:
    def test_duplicate_that_slips_past_the_check_is_a_clean_error(
        self, client: TestClient, db: Session, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        user = make_user(db)
        wid = user.default_workspace_id
        body = {"client": {"name": "Acme", "wid": wid}}
        assert client.post("/api/v8/clients", headers=token_auth(user), json=body).status_code == 200
        # Simulate the race: the service's own check sees nothing, the database index still does.
        monkeypatch.setattr(clients, "_name_taken", lambda *a, **k: False)
        r = client.post("/api/v8/clients", headers=token_auth(user), json={"client": {"name": "ACME", "wid": wid}})
        assert (r.status_code, r.json()) == (404, ["The change conflicts with a concurrent one, please retry"])
        assert db.scalar(select(func.count()).select_from(Client)) == 1


class TestMoneyBounds:
    def test_client_rate_rounded_half_up_and_bounded(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = user.default_workspace_id
        r = client.post("/api/v8/clients", headers=token_auth(user),
                        json={"client": {"name": "A", "wid": wid, "hrate": 45.125}})
        assert r.json()["data"]["hrate"] == 45.13
        r = client.post("/api/v8/clients", headers=token_auth(user),
                        json={"client": {"name": "B", "wid": wid, "hrate": 1e12}})
        assert (r.status_code, r.json()) == (404, ["Rate is too large"])
        r = client.post("/api/v8/clients", headers=token_auth(user),
                        json={"client": {"name": "C", "wid": wid, "hrate": -1}})
        assert (r.status_code, r.json()) == (404, ["Rate can't be negative"])
        assert db.scalars(select(Client.name)).all() == ["A"]


def test_openapi_has_unique_operation_ids(client: TestClient) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        spec = client.get("/openapi.json").json()
    ops = [op["operationId"] for path in spec["paths"].values() for op in path.values()]
    assert len(ops) == len(set(ops))
    assert "/api/v8/time_entries/current" in spec["paths"]


def test_options_on_the_invitation_page(client: TestClient) -> None:
    r = client.options("/user/accept_invitation")
    assert (r.status_code, r.headers["allow"]) == (200, "GET, HEAD, OPTIONS, POST")


class TestLargeBodies:
    """A body of exactly 1 MiB (00-conventions §2) whose entry carries the longest description allowed
    (3000 characters, 40-time-entries §2): the created object is stored and answered exactly."""

    MIB = 1024 * 1024

    def test_one_mib_time_entry_with_3000_character_description(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        description = ("Zeitmessung ü " * 215)[:3000]  # non-ASCII: 3000 characters, more bytes
        assert len(description) == 3000
        payload = {"time_entry": {"description": description, "start": "2023-10-02T07:00:00+00:00",
                                  "duration": 5400, "created_with": "edge-cases", "wid": user.default_workspace_id}}
        raw = json.dumps(payload, ensure_ascii=False).encode()
        body = raw + b" " * (self.MIB - len(raw))
        assert len(body) == self.MIB

        r = client.post("/api/v8/time_entries", headers={**token_auth(user), "Content-Type": "application/json"},
                        content=body)

        assert r.status_code == 200, r.text
        data = r.json()["data"]
        stored = db.scalars(select(TimeEntry)).one()
        assert data == {
            "id": stored.id, "guid": stored.guid, "wid": user.default_workspace_id, "uid": user.id,
            "billable": False, "start": "2023-10-02T07:00:00+00:00", "stop": "2023-10-02T08:30:00+00:00",
            "duration": 5400, "description": description, "duronly": False, "at": data["at"],
        }
        assert (stored.description, stored.duration) == (description, 5400)
        assert client.get(f"/api/v8/time_entries/{stored.id}", headers=token_auth(user)).json() == {"data": data}

    def test_3001_characters_are_refused_and_nothing_is_stored(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = client.post("/api/v8/time_entries", headers=token_auth(user), json={"time_entry": {
            "description": "x" * 3001, "start": "2023-10-02T07:00:00+00:00", "duration": 60,
            "created_with": "edge-cases", "wid": user.default_workspace_id}})
        assert (r.status_code, r.json()) == (404, ["Description is too long (maximum 3000 characters)"])
        assert db.scalar(select(func.count()).select_from(TimeEntry)) == 0
