"""``punchclock webhooks list / deliveries / retry`` on each backend, checked against the database and HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from punchclock import cli
from punchclock.models import User, WebhookDelivery, Workspace
from tests.factories import make_user, make_workspace, token_auth
from tests.test_cli import (  # noqa: F401  (fixtures used by name)
    any_db_fixture,
    clean_env_fixture,
    db_line,
    http_fixture,
    session_for_fixture,
)
from tests.test_cli_users import cells
from tests.webhooks.test_subscriptions import BASE, add_delivery, make_subscription

HOUR = timedelta(hours=1)


def invoke(*args: str) -> Any:
    """A terminal wide enough for every column of the tables."""
    return CliRunner().invoke(cli.app, list(args), env={"COLUMNS": "250"})


def when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


@pytest.fixture
def world(any_db: str, session_for: Any) -> dict[str, Any]:
    """Two workspaces; Ada's validated hook with three deliveries, Bob's disabled one, a deleted one."""
    db: Session = session_for(any_db)
    ada = make_user(db, email="ada@example.org")
    bob = make_user(db, email="bob@example.org")
    team: Workspace = make_workspace(db, admin=ada, name="Team")
    hook = make_subscription(db, ada, team.id, description="CI", url="https://ci.example.org/hook")
    off = make_subscription(db, bob, bob.default_workspace_id or 0, description="Off", validated=False,
                            enabled=False, url="https://bob.example.org/h", disabled_reason="event 9 failed 10 times")
    gone = make_subscription(db, ada, team.id, description="Gone")
    gone.deleted_at = datetime.now(UTC)
    db.commit()
    delivered = add_delivery(db, hook, entity_id=1, status="delivered", attempts=1, age=3 * HOUR)
    failed = add_delivery(db, hook, entity_id=2, status="failed", attempts=10, age=2 * HOUR, action="updated",
                          last_error="status 503")
    pending = add_delivery(db, hook, entity_id=3, age=HOUR, action="deleted")
    held = add_delivery(db, off, entity_id=4)
    world = {"db": db, "ada": ada, "bob": bob, "team": team, "hook": hook, "off": off, "gone": gone,
             "delivered": delivered, "failed": failed, "pending": pending, "held": held}
    for value in world.values():
        if not isinstance(value, Session):
            db.refresh(value)
    db.close()
    return world


def test_list_shows_live_subscriptions(any_db: str, world: dict[str, Any]) -> None:
    hook, off, bob = world["hook"], world["off"], world["bob"]
    result = invoke("webhooks", "list")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(db_line(any_db))
    assert cells(result.stdout) == [
        [str(hook.id), str(world["team"].id), "ada@example.org", "CI", "https://ci.example.org/hook", "yes",
         "2026-11-02 08:00:00 UTC", "1", "-"],
        [str(off.id), str(bob.default_workspace_id), "bob@example.org", "Off", "https://bob.example.org/h", "no",
         "no", "1", "event 9 failed 10 times"],
    ]
    assert result.stdout.endswith("2 subscription(s).\n")


def test_list_of_one_workspace(world: dict[str, Any]) -> None:
    result = invoke("webhooks", "list", "--workspace", str(world["team"].id))
    assert [row[0] for row in cells(result.stdout)] == [str(world["hook"].id)]
    assert result.stdout.endswith("1 subscription(s).\n")


def test_deliveries_newest_first(world: dict[str, Any]) -> None:
    d, f, p = world["delivered"], world["failed"], world["pending"]
    result = invoke("webhooks", "deliveries", str(world["hook"].id), "--limit", "5")
    assert result.exit_code == 0, result.output
    assert cells(result.stdout) == [
        [str(p.id), str(p.event_id), "time_entry", "deleted", "pending", "0", "-", when(p.next_attempt_at), "-",
         when(p.next_attempt_at), "-"],
        [str(f.id), str(f.event_id), "time_entry", "updated", "failed", "10", "status 503", when(f.next_attempt_at),
         when(f.next_attempt_at), "-", "-"],
        [str(d.id), str(d.event_id), "time_entry", "created", "delivered", "1", "-", when(d.next_attempt_at),
         when(d.delivered_at), "-", when(d.delivered_at)],
    ]
    assert result.stdout.endswith("3 deliveries.\n")
    limited = invoke("webhooks", "deliveries", str(world["hook"].id), "--limit", "1")
    assert [row[0] for row in cells(limited.stdout)] == [str(p.id)]
    assert limited.stdout.endswith("1 delivery.\n")


def test_deliveries_of_an_unknown_subscription(world: dict[str, Any]) -> None:
    result = invoke("webhooks", "deliveries", "999")
    assert (result.exit_code, result.stderr) == (1, "No subscription with id 999.\n")


def test_retry_makes_a_failed_delivery_pending_and_due(any_db: str, world: dict[str, Any], session_for: Any,
                                                       http: Any) -> None:
    f = world["failed"]
    before = datetime.now(UTC).replace(microsecond=0)
    result = invoke("webhooks", "retry", str(f.id))
    assert result.exit_code == 0, result.output
    assert result.stdout == db_line(any_db) + (
        f"Delivery {f.id} (event {f.event_id}, was failed) is pending again.\n")
    db = session_for(any_db)
    row = db.get(WebhookDelivery, f.id)
    assert (row.status, row.attempts, row.last_error) == ("pending", 10, "status 503")
    assert before <= row.next_attempt_at <= datetime.now(UTC)
    db.close()
    # the API sees it: the subscription has pending events, the log says pending
    client = http(any_db)
    ada: User = world["ada"]
    log = client.get(f"{BASE}/subscriptions/{world['team'].id}/{world['hook'].id}/events",
                     headers=token_auth(ada)).json()
    assert [(e["event_id"], e["status"], e["failed_delivery_attempts"]) for e in log["events"]] == [
        (world["pending"].event_id, "pending", 0), (f.event_id, "pending", 10), (world["delivered"].event_id,
                                                                                 "delivered", 0)]


def test_retry_on_a_disabled_subscription_says_so(any_db: str, world: dict[str, Any]) -> None:
    held, off = world["held"], world["off"]
    result = invoke("webhooks", "retry", str(held.id))
    assert result.stdout == db_line(any_db) + (
        f"Delivery {held.id} (event {held.event_id}, was pending) is pending again.\n"
        f"Subscription {off.id} is disabled or not validated: nothing is sent until it is enabled and validated.\n")


@pytest.mark.parametrize("which", ["unknown", "deleted-subscription"])
def test_retry_refuses(any_db: str, world: dict[str, Any], session_for: Any, which: str) -> None:
    if which == "unknown":
        delivery_id = 999
    else:
        db = session_for(any_db)
        gone = add_delivery(db, world["gone"], entity_id=5, status="discarded")
        delivery_id = gone.id
        db.close()
    result = invoke("webhooks", "retry", str(delivery_id))
    assert (result.exit_code, result.stderr) == (1, f"No delivery with id {delivery_id} of a live subscription.\n")
