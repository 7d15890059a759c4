"""Event filters W8, limits W9, status W10 and the event log W11 (70- §3, §4, §10)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import Team, basic, token_auth
from tests.webhooks.test_subscriptions import (  # noqa: F401  (fixtures used by name)
    BASE,
    add_delivery,
    make_subscription,
    settings_fixture,
    team_fixture,
    ts,
)

BAD_AUTH = (403, "Incorrect username and/or password")


def test_event_filters_table(client: TestClient, team: Team) -> None:
    r = client.get(f"{BASE}/event_filters", headers=token_auth(team.outsider))
    assert (r.status_code, r.json()) == (200, {
        "client": ["created", "updated", "deleted"],
        "project": ["created", "updated", "deleted"],
        "project_user": ["created", "updated", "deleted"],
        "tag": ["created", "updated", "deleted"],
        "task": ["created", "updated", "deleted"],
        "time_entry": ["created", "updated", "deleted"],
        "workspace": ["updated"],
        "workspace_user": ["created", "updated", "deleted"],
    })
    bad = client.get(f"{BASE}/event_filters", headers=basic("nobody@example.org", "wrong"))
    assert (bad.status_code, bad.json()) == BAD_AUTH


def test_limits_for_members_only(client: TestClient, team: Team) -> None:
    r = client.get(f"{BASE}/limits/{team.ws.id}", headers=token_auth(team.member))
    assert (r.status_code, r.json()) == (200, {"max_webhooks": 3, "max_events_per_webhook": 20})
    outsider = client.get(f"{BASE}/limits/{team.ws.id}", headers=token_auth(team.outsider))
    assert (outsider.status_code, outsider.json()) == (403, "Workspace not found/accessible")


def test_status_needs_no_authentication(client: TestClient) -> None:
    r = client.get(f"{BASE}/status")
    assert (r.status_code, r.json()) == (200, {"status": "OK"})


class TestEventLog:
    def test_newest_first_with_exact_fields(self, client: TestClient, db: Session, team: Team) -> None:
        sub = make_subscription(db, team.member, team.ws.id)
        done = add_delivery(db, sub, entity_id=70, status="delivered", attempts=3, age=timedelta(hours=5),
                            last_error="status 503")
        failing = add_delivery(db, sub, entity_id=71, attempts=2, age=timedelta(hours=1), action="updated",
                               last_error="connection refused")
        add_delivery(db, sub, entity_id=69, status="delivered", attempts=1, age=timedelta(days=8))  # past retention
        other = make_subscription(db, team.admin, team.ws.id, description="other")
        add_delivery(db, other, entity_id=72)
        r = client.get(f"{BASE}/subscriptions/{team.ws.id}/{sub.id}/events", headers=token_auth(team.member))
        assert r.status_code == 200
        db.expire_all()
        done_event, failing_event = done.event_id, failing.event_id
        assert r.json() == {"total": 2, "events": [
            {"event_id": failing_event, "created_at": ts(failing.next_attempt_at), "creator_id": team.member.id,
             "metadata": {"action": "updated", "model": "time_entry", "workspace_id": str(team.ws.id),
                          "time_entry_id": "71"},
             "payload": {"id": 71, "description": "Write tests"}, "consumer_id": sub.id,
             "last_delivery_attempt": ts(failing.next_attempt_at), "last_delivery_error": "connection refused",
             "failed_delivery_attempts": 2, "status": "pending", "delivered_at": None},
            {"event_id": done_event, "created_at": ts(done.next_attempt_at), "creator_id": team.member.id,
             "metadata": {"action": "created", "model": "time_entry", "workspace_id": str(team.ws.id),
                          "time_entry_id": "70"},
             "payload": {"id": 70, "description": "Write tests"}, "consumer_id": sub.id,
             "last_delivery_attempt": ts(done.delivered_at), "last_delivery_error": "status 503",
             "failed_delivery_attempts": 2, "status": "delivered", "delivered_at": ts(done.delivered_at)},
        ]}

    def test_paging(self, client: TestClient, db: Session, team: Team) -> None:
        sub = make_subscription(db, team.member, team.ws.id)
        ids = [add_delivery(db, sub, entity_id=100 + n, age=timedelta(minutes=10 - n)).event_id for n in range(5)]
        url = f"{BASE}/subscriptions/{team.ws.id}/{sub.id}/events"
        second = client.get(url, params={"page": 2, "per_page": 2}, headers=token_auth(team.member)).json()
        assert (second["total"], [e["event_id"] for e in second["events"]]) == (5, [ids[2], ids[1]])
        last = client.get(url, params={"page": 3, "per_page": 2}, headers=token_auth(team.member)).json()
        assert [e["event_id"] for e in last["events"]] == [ids[0]]
        everything = client.get(url, params={"per_page": 9999}, headers=token_auth(team.member)).json()
        assert [e["event_id"] for e in everything["events"]] == ids[::-1]

    @pytest.mark.parametrize(("param", "value"), [("page", "0"), ("per_page", "x"), ("page", "-1")])
    def test_bad_paging_is_400(self, client: TestClient, db: Session, team: Team, param: str, value: str) -> None:
        sub = make_subscription(db, team.member, team.ws.id)
        r = client.get(f"{BASE}/subscriptions/{team.ws.id}/{sub.id}/events", params={param: value},
                       headers=token_auth(team.member))
        assert (r.status_code, r.json()) == (400, f"Invalid {param}")

    def test_payload_as_the_creator_receives_it(self, client: TestClient, db: Session, team: Team) -> None:
        sub = make_subscription(db, team.member, team.ws.id)
        project = {"id": 5, "name": "Apollo", "rate": 120, "currency": "EUR"}
        add_delivery(db, sub, entity="project", entity_id=5, payload=project, redact_rates=True)
        r = client.get(f"{BASE}/subscriptions/{team.ws.id}/{sub.id}/events", headers=token_auth(team.member))
        [item] = r.json()["events"]
        assert (item["payload"], item["metadata"]["project_id"]) == (
            {"id": 5, "name": "Apollo", "rate": None, "currency": "EUR"}, "5")

    def test_admin_reads_a_members_log(self, client: TestClient, db: Session, team: Team) -> None:
        sub = make_subscription(db, team.member, team.ws.id)
        add_delivery(db, sub)
        r = client.get(f"{BASE}/subscriptions/{team.ws.id}/{sub.id}/events", headers=token_auth(team.admin))
        assert (r.status_code, r.json()["total"]) == (200, 1)
