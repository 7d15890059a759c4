"""Webhooks API v1 subscriptions W1-W5 (70- §2, §3, §3.1), on SQLite and PostgreSQL.

Callbacks are a real loopback receiver (``tests/webhooks/receiver.py``), reachable because these tests run
with ``webhooks_allow_private`` (the SSRF refusal without it is in ``test_subscriptions_probe.py``).
The helpers here are shared by the other ``test_subscriptions*`` modules and ``test_management_auth``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from punchclock.config import Settings
from punchclock.models import User, WebhookDelivery, WebhookEvent, WebhookSubscription
from tests.factories import Team, make_team, token_auth
from tests.webhooks.receiver import Receiver

BASE = "/webhooks/api/v1"
FILTERS = [{"entity": "time_entry", "action": "*"}, {"entity": "project", "action": "created"}]
#: A loopback address nothing listens on: accepted with ``webhooks_allow_private``, never called when disabled.
IDLE_URL = "http://127.0.0.1:9/idle"


@pytest.fixture(name="settings")
def settings_fixture(db_url: str) -> Settings:
    return Settings(database_url=db_url, rate_limit=False, public_url="http://testserver", webhooks_dispatcher=False,
                    webhooks_allow_private=True, webhooks_max_per_user=3, webhooks_timeout=3.0)


@pytest.fixture(name="team")
def team_fixture(db: Session) -> Team:
    return make_team(db)


@pytest.fixture(name="rx")
def rx_fixture() -> Iterator[Receiver]:
    with Receiver(echo_validation=True) as receiver:
        yield receiver


def sub_body(url: str, description: str = "CI hook", **extra: Any) -> dict[str, Any]:
    return {"url_callback": url, "event_filters": FILTERS, "description": description, **extra}


def create(client: TestClient, user: User, workspace_id: int, body: dict[str, Any]) -> Any:
    return client.post(f"{BASE}/subscriptions/{workspace_id}", headers=token_auth(user), json=body)


def fresh(db: Session, subscription_id: int) -> WebhookSubscription | None:
    """The row as committed now (the arranging session forgets what it read before)."""
    db.rollback()
    db.expire_all()
    return db.get(WebhookSubscription, subscription_id)


def count_subscriptions(db: Session) -> int:
    db.rollback()
    return int(db.scalar(select(func.count()).select_from(WebhookSubscription)) or 0)


def ts(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat(timespec="seconds")


def make_subscription(db: Session, user: User, workspace_id: int, *, description: str = "Stored hook",
                      url: str = IDLE_URL, enabled: bool = True, validated: bool = True,
                      secret: str = "s3cret-key", code: str = "0123456789abcdef0123456789abcdef",
                      disabled_reason: str | None = None) -> WebhookSubscription:
    sub = WebhookSubscription(
        workspace_id=workspace_id, user_id=user.id, description=description, url_callback=url, secret=secret,
        enabled=enabled, event_filters=[{"entity": "*", "action": "*"}], validation_code=code,
        validated_at=datetime(2026, 11, 2, 8, 0, tzinfo=UTC) if validated else None,
        disabled_reason=disabled_reason)
    db.add(sub)
    db.commit()
    return sub


def add_delivery(db: Session, sub: WebhookSubscription, *, entity_id: int = 77, status: str = "pending",
                 attempts: int = 0, age: timedelta = timedelta(hours=1), action: str = "created",
                 next_attempt_at: datetime | None = None, last_error: str | None = None,
                 redact_rates: bool = False, payload: Any = None, entity: str = "time_entry") -> WebhookDelivery:
    """One event of the subscription's workspace and its delivery, ``age`` old (whole seconds)."""
    created = (datetime.now(UTC) - age).replace(microsecond=0)
    event = WebhookEvent(
        workspace_id=sub.workspace_id, entity=entity, action=action, entity_id=entity_id,
        creator_id=sub.user_id,
        meta={"action": action, "model": entity, "workspace_id": str(sub.workspace_id),
              f"{entity}_id": str(entity_id)},
        payload=payload if payload is not None else {"id": entity_id, "description": "Write tests"},
        created_at=created)
    db.add(event)
    db.flush()
    delivered = created + timedelta(seconds=2) if status == "delivered" else None
    delivery = WebhookDelivery(
        event_id=event.id, subscription_id=sub.id, status=status, attempts=attempts,
        next_attempt_at=next_attempt_at or created, last_attempt_at=delivered or (created if attempts else None),
        last_error=last_error, delivered_at=delivered, redact_rates=redact_rates)
    db.add(delivery)
    db.commit()
    return delivery


def statuses(db: Session, subscription_id: int) -> list[tuple[int, str]]:
    db.rollback()
    rows = db.execute(select(WebhookDelivery.id, WebhookDelivery.status)
                      .where(WebhookDelivery.subscription_id == subscription_id).order_by(WebhookDelivery.id))
    return [(i, s) for i, s in rows.all()]


# -- W2 create ------------------------------------------------------------------------------------------

class TestCreate:
    def test_probe_validates_synchronously_when_the_code_is_echoed(
            self, client: TestClient, db: Session, team: Team, rx: Receiver) -> None:
        r = create(client, team.member, team.ws.id, sub_body(rx.url, secret="my-shared-secret"))
        assert r.status_code == 200, r.text
        row = fresh(db, 1)
        assert row is not None and row.validated_at is not None
        assert r.json() == {
            "subscription_id": 1, "workspace_id": team.ws.id, "user_id": team.member.id, "description": "CI hook",
            "url_callback": rx.url, "event_filters": FILTERS, "enabled": True, "secret": "my-shared-secret",
            "validated_at": ts(row.validated_at), "has_pending_events": False,
            "created_at": ts(row.created_at), "updated_at": ts(row.updated_at), "deleted_at": None,
            "disabled_reason": None,
        }
        [ping] = rx.wait_for(1)
        assert rx.verify("my-shared-secret", ping)
        sent = ping.json()
        code = row.validation_code
        assert len(code) == 32 and int(code, 16) >= 0
        assert (sent["event_id"], sent["payload"], sent["subscription_id"], sent["validation_code"]) == (
            0, "ping", 1, code)
        assert sent["validation_code_url"] == f"http://testserver{BASE}/validate/{team.ws.id}/1/{code}"
        assert ping.headers["x-punchclock-event-id"] == "0"

    def test_without_echo_the_subscription_waits_for_validation(
            self, client: TestClient, db: Session, team: Team) -> None:
        with Receiver() as plain:
            r = create(client, team.member, team.ws.id, sub_body(plain.url))
            assert len(plain.wait_for(1)) == 1
        assert (r.status_code, r.json()["validated_at"], r.json()["enabled"]) == (200, None, True)
        secret = r.json()["secret"]
        assert len(secret) == 64 and int(secret, 16) >= 0

    def test_failing_callback_is_400_and_leaves_no_row(self, client: TestClient, db: Session, team: Team) -> None:
        with Receiver(status=503) as failing:
            r = create(client, team.member, team.ws.id, sub_body(failing.url))
            assert len(failing.wait_for(1)) == 1
        assert (r.status_code, r.json()) == (400, f"Callback {failing.url} answered 503, expected 2xx")
        assert count_subscriptions(db) == 0

    def test_unreachable_callback_is_400_and_leaves_no_row(self, client: TestClient, db: Session, team: Team) -> None:
        r = create(client, team.member, team.ws.id, sub_body(IDLE_URL))
        assert (r.status_code, r.json()) == (400, f"Callback {IDLE_URL} unreachable: connection refused")
        assert count_subscriptions(db) == 0

    def test_a_redirect_is_not_a_2xx(self, client: TestClient, db: Session, team: Team) -> None:
        with Receiver(status=302) as moved:
            r = create(client, team.member, team.ws.id, sub_body(moved.url))
        assert (r.status_code, r.json()) == (400, f"Callback {moved.url} answered 302, expected 2xx")

    def test_disabled_create_sends_nothing(self, client: TestClient, db: Session, team: Team, rx: Receiver) -> None:
        r = create(client, team.member, team.ws.id, sub_body(rx.url, enabled=False))
        assert (r.status_code, r.json()["enabled"], r.json()["validated_at"]) == (200, False, None)
        assert rx.received == []
        row = fresh(db, 1)
        assert row is not None and row.enabled is False

    def test_read_only_fields_are_ignored(self, client: TestClient, db: Session, team: Team) -> None:
        r = create(client, team.member, team.ws.id, sub_body(
            IDLE_URL, enabled=False, subscription_id=99, workspace_id=12345, user_id=team.admin.id,
            validated_at="2020-01-01T00:00:00+00:00", has_pending_events=True))
        got = r.json()
        assert (got["subscription_id"], got["workspace_id"], got["user_id"], got["validated_at"],
                got["has_pending_events"]) == (1, team.ws.id, team.member.id, None, False)

    def test_description_is_trimmed(self, client: TestClient, team: Team) -> None:
        r = create(client, team.member, team.ws.id, sub_body(IDLE_URL, "  Padded  ", enabled=False))
        assert r.json()["description"] == "Padded"


BAD_BODIES = [
    ({"event_filters": FILTERS, "description": "x"}, "url_callback is required"),
    ({"url_callback": IDLE_URL, "description": "x"}, "event_filters is required"),
    ({"url_callback": IDLE_URL, "event_filters": FILTERS}, "description is required"),
    ({"url_callback": 5, "event_filters": FILTERS, "description": "x"}, "Invalid url_callback"),
    ({"url_callback": IDLE_URL, "event_filters": "time_entry", "description": "x"}, "Invalid event_filters"),
    ({"url_callback": IDLE_URL, "event_filters": [], "description": "x"}, "Invalid event_filters"),
    ({"url_callback": IDLE_URL, "event_filters": [{"entity": "time_entry"}], "description": "x"},
     "Invalid event_filters"),
    ({**sub_body(IDLE_URL), "enabled": "yes"}, "Invalid enabled"),
    ({**sub_body(IDLE_URL), "secret": 42}, "Invalid secret"),
    ({**sub_body(IDLE_URL), "secret": ""}, "secret must be 1 to 255 printable ASCII characters"),
    ({**sub_body(IDLE_URL), "secret": "s" * 256}, "secret must be 1 to 255 printable ASCII characters"),
    ({**sub_body(IDLE_URL), "secret": "grüße"}, "secret must be 1 to 255 printable ASCII characters"),
    (sub_body(IDLE_URL, "   "), "description can't be blank"),
    (sub_body(IDLE_URL, "d" * 256), "description is too long (maximum 255 characters)"),
    ({**sub_body(IDLE_URL), "event_filters": [{"entity": "invoice", "action": "created"}]},
     "Unsupported event filter invoice:created"),
    ({**sub_body(IDLE_URL), "event_filters": [{"entity": "workspace", "action": "deleted"}]},
     "Unsupported event filter workspace:deleted"),
    ({**sub_body(IDLE_URL), "event_filters": [{"entity": "*", "action": "archived"}]},
     "Unsupported event filter *:archived"),
    ({**sub_body(IDLE_URL), "event_filters": [{"entity": "tag", "action": "*"}, {"entity": "tag", "action": "*"}]},
     "Duplicate event filter tag:*"),
    ({**sub_body(IDLE_URL), "event_filters": [{"entity": "*", "action": "created"}] * 21},
     "Too many event filters (maximum 20)"),
]


@pytest.mark.parametrize(("body", "message"), BAD_BODIES, ids=[m for _, m in BAD_BODIES])
def test_bad_body_is_400_with_its_message(client: TestClient, db: Session, team: Team, body: dict[str, Any],
                                          message: str) -> None:
    r = create(client, team.member, team.ws.id, body)
    assert (r.status_code, r.json()) == (400, message)
    assert count_subscriptions(db) == 0


BAD_URLS = ["ftp://example.org/hook", "/relative/hook", "http://user:pw@example.org/hook", "http:///nohost",
            "https://example.org/" + "a" * 2030, "http://exa mple.org/"]


@pytest.mark.parametrize("url", BAD_URLS, ids=["ftp", "relative", "userinfo", "nohost", "too-long", "space"])
def test_bad_callback_url_is_400(client: TestClient, db: Session, team: Team, url: str) -> None:
    r = create(client, team.member, team.ws.id, sub_body(url))
    assert (r.status_code, r.json()) == (400, f"Callback {url} is not an absolute http or https URL without "
                                              "user-info (at most 2048 characters)")


@pytest.mark.parametrize(("raw", "message"), [
    (b"[1]", "The request body must be a JSON object"), (b"{bad", "Invalid JSON"), (b"", "url_callback is required")])
def test_malformed_body_is_400(client: TestClient, team: Team, raw: bytes, message: str) -> None:
    r = client.post(f"{BASE}/subscriptions/{team.ws.id}", headers=token_auth(team.member), content=raw)
    assert (r.status_code, r.json()) == (400, message)


class TestLimits:
    def test_limit_counts_live_subscriptions_per_creator_and_workspace(
            self, client: TestClient, db: Session, team: Team) -> None:
        for n in range(3):
            made = create(client, team.member, team.ws.id, sub_body(IDLE_URL, f"h{n}", enabled=False))
            assert made.status_code == 200
        r = create(client, team.member, team.ws.id, sub_body(IDLE_URL, "h3", enabled=False))
        assert (r.status_code, r.json()) == (400, "Subscription limit (3) reached for this workspace")
        # another creator in the same workspace has their own three
        assert create(client, team.admin, team.ws.id, sub_body(IDLE_URL, "a0", enabled=False)).status_code == 200
        # a deleted one no longer counts
        assert client.delete(f"{BASE}/subscriptions/{team.ws.id}/1", headers=token_auth(team.member)).status_code == 200
        assert create(client, team.member, team.ws.id, sub_body(IDLE_URL, "h3", enabled=False)).status_code == 200

    def test_description_unique_among_live_subscriptions_of_the_workspace(
            self, client: TestClient, team: Team) -> None:
        assert create(client, team.member, team.ws.id, sub_body(IDLE_URL, "Same", enabled=False)).status_code == 200
        r = create(client, team.admin, team.ws.id, sub_body(IDLE_URL, "Same", enabled=False))
        assert (r.status_code, r.json()) == (400, "Description already used in this workspace")
        # another workspace may use it
        own = team.member.default_workspace_id
        assert own is not None
        assert create(client, team.member, own, sub_body(IDLE_URL, "Same", enabled=False)).status_code == 200
        client.delete(f"{BASE}/subscriptions/{team.ws.id}/1", headers=token_auth(team.member))
        assert create(client, team.admin, team.ws.id, sub_body(IDLE_URL, "Same", enabled=False)).status_code == 200


# -- W1 list ---------------------------------------------------------------------------------------------

def test_list_admin_sees_all_member_sees_own_by_id(client: TestClient, db: Session, team: Team) -> None:
    mine = make_subscription(db, team.member, team.ws.id, description="Lena's")
    admins = make_subscription(db, team.admin, team.ws.id, description="Mara's")
    make_subscription(db, team.manager, team.ws.id, description="gone").deleted_at = datetime.now(UTC)
    db.commit()
    add_delivery(db, mine)
    url = f"{BASE}/subscriptions/{team.ws.id}"
    as_member = client.get(url, headers=token_auth(team.member)).json()
    as_admin = client.get(url, headers=token_auth(team.admin)).json()
    assert [(s["subscription_id"], s["description"], s["has_pending_events"]) for s in as_member] == [
        (mine.id, "Lena's", True)]
    assert [(s["subscription_id"], s["secret"], s["has_pending_events"]) for s in as_admin] == [
        (mine.id, "s3cret-key", True), (admins.id, "s3cret-key", False)]
    assert as_member[0]["validated_at"] == "2026-11-02T08:00:00+00:00"
    assert client.get(url, headers=token_auth(team.manager)).json() == []


# -- W3 replace ------------------------------------------------------------------------------------------

class TestReplace:
    def test_new_url_is_validated_again(self, client: TestClient, db: Session, team: Team) -> None:
        sub = make_subscription(db, team.member, team.ws.id)
        with Receiver() as plain:
            r = client.put(f"{BASE}/subscriptions/{team.ws.id}/{sub.id}", headers=token_auth(team.member),
                           json=sub_body(plain.url, "Renamed"))
            [ping] = plain.wait_for(1)
        row = fresh(db, sub.id)
        assert row is not None
        assert (r.status_code, r.json()["url_callback"], r.json()["description"], r.json()["validated_at"],
                r.json()["secret"]) == (200, plain.url, "Renamed", None, "s3cret-key")
        assert row.validation_code != "0123456789abcdef0123456789abcdef"
        assert ping.json()["validation_code"] == row.validation_code
        assert Receiver.verify("s3cret-key", ping)

    def test_new_url_echoing_the_code_is_validated_at_once(
            self, client: TestClient, db: Session, team: Team, rx: Receiver) -> None:
        sub = make_subscription(db, team.member, team.ws.id, validated=False)
        r = client.put(f"{BASE}/subscriptions/{team.ws.id}/{sub.id}", headers=token_auth(team.member),
                       json=sub_body(rx.url, "Stored hook", secret="rotated"))
        row = fresh(db, sub.id)
        assert row is not None and row.validated_at is not None
        assert (r.status_code, r.json()["validated_at"], r.json()["secret"]) == (200, ts(row.validated_at), "rotated")

    def test_same_url_keeps_the_validation_and_sends_nothing(
            self, client: TestClient, db: Session, team: Team, rx: Receiver) -> None:
        sub = make_subscription(db, team.member, team.ws.id, url=rx.url)
        r = client.put(f"{BASE}/subscriptions/{team.ws.id}/{sub.id}", headers=token_auth(team.member),
                       json={**sub_body(rx.url, "Stored hook"), "event_filters": [{"entity": "tag", "action": "*"}]})
        assert (r.status_code, r.json()["validated_at"], r.json()["event_filters"]) == (
            200, "2026-11-02T08:00:00+00:00", [{"entity": "tag", "action": "*"}])
        assert rx.received == []
        row = fresh(db, sub.id)
        assert row is not None and row.validation_code == "0123456789abcdef0123456789abcdef"

    def test_enabling_a_disabled_one_probes_and_clears_the_reason(
            self, client: TestClient, db: Session, team: Team, rx: Receiver) -> None:
        sub = make_subscription(db, team.member, team.ws.id, url=rx.url, enabled=False,
                                disabled_reason="event 4 failed")
        r = client.put(f"{BASE}/subscriptions/{team.ws.id}/{sub.id}", headers=token_auth(team.member),
                       json=sub_body(rx.url, "Stored hook"))
        assert (r.status_code, r.json()["enabled"], r.json()["disabled_reason"]) == (200, True, None)
        assert [b["payload"] for b in rx.bodies()] == ["ping"]

    def test_failed_probe_changes_nothing(self, client: TestClient, db: Session, team: Team) -> None:
        sub = make_subscription(db, team.member, team.ws.id)
        with Receiver(status=500) as failing:
            r = client.put(f"{BASE}/subscriptions/{team.ws.id}/{sub.id}", headers=token_auth(team.member),
                           json=sub_body(failing.url, "Renamed"))
        assert (r.status_code, r.json()) == (400, f"Callback {failing.url} answered 500, expected 2xx")
        row = fresh(db, sub.id)
        assert row is not None
        assert (row.url_callback, row.description, row.validation_code, ts(row.validated_at)) == (
            IDLE_URL, "Stored hook", "0123456789abcdef0123456789abcdef", "2026-11-02T08:00:00+00:00")

    def test_description_of_another_subscription_is_refused(self, client: TestClient, db: Session, team: Team) -> None:
        make_subscription(db, team.admin, team.ws.id, description="Taken")
        sub = make_subscription(db, team.member, team.ws.id)
        r = client.put(f"{BASE}/subscriptions/{team.ws.id}/{sub.id}", headers=token_auth(team.member),
                       json=sub_body(IDLE_URL, "Taken", enabled=False))
        assert (r.status_code, r.json()) == (400, "Description already used in this workspace")


# -- W4 enable / disable -------------------------------------------------------------------------------

class TestPatch:
    def url(self, team: Team, sid: int) -> str:
        return f"{BASE}/subscriptions/{team.ws.id}/{sid}"

    @pytest.mark.parametrize("body", [{}, {"enabled": None}, {"enabled": "true"}, {"description": "x"}])
    def test_enabled_is_required(self, client: TestClient, db: Session, team: Team, body: dict[str, Any]) -> None:
        sub = make_subscription(db, team.member, team.ws.id)
        r = client.patch(self.url(team, sub.id), headers=token_auth(team.member), json=body)
        assert (r.status_code, r.json()) == (400, "enabled is required (true or false)")

    def test_disable_sends_nothing(self, client: TestClient, db: Session, team: Team, rx: Receiver) -> None:
        sub = make_subscription(db, team.member, team.ws.id, url=rx.url)
        r = client.patch(self.url(team, sub.id), headers=token_auth(team.member), json={"enabled": False})
        assert (r.status_code, r.json()["enabled"]) == (200, False)
        assert rx.received == []
        row = fresh(db, sub.id)
        assert row is not None and row.enabled is False

    def test_enable_probes_clears_reason_and_resumes_pending(
            self, client: TestClient, db: Session, team: Team, rx: Receiver) -> None:
        sub = make_subscription(db, team.member, team.ws.id, url=rx.url, enabled=False,
                                disabled_reason="event 1 failed 10 times: status 503")
        later = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=3)
        held = add_delivery(db, sub, next_attempt_at=later)
        r = client.patch(self.url(team, sub.id), headers=token_auth(team.member), json={"enabled": True})
        assert (r.status_code, r.json()["enabled"], r.json()["disabled_reason"], r.json()["has_pending_events"]) == (
            200, True, None, True)
        assert [b["payload"] for b in rx.bodies()] == ["ping"]
        db.rollback()
        db.expire_all()
        due = db.get(WebhookDelivery, held.id)
        assert due is not None and due.status == "pending" and due.next_attempt_at < later

    def test_enable_with_a_failing_callback_stays_disabled(self, client: TestClient, db: Session, team: Team) -> None:
        with Receiver(status=404) as failing:
            sub = make_subscription(db, team.member, team.ws.id, url=failing.url, enabled=False,
                                    disabled_reason="event 1 failed 10 times: status 503")
            r = client.patch(self.url(team, sub.id), headers=token_auth(team.member), json={"enabled": True})
        assert (r.status_code, r.json()) == (400, f"Callback {failing.url} answered 404, expected 2xx")
        row = fresh(db, sub.id)
        assert row is not None and (row.enabled, row.disabled_reason) == (False, "event 1 failed 10 times: status 503")

    def test_enabling_an_unvalidated_one_validates_when_echoed(
            self, client: TestClient, db: Session, team: Team, rx: Receiver) -> None:
        sub = make_subscription(db, team.member, team.ws.id, url=rx.url, enabled=False, validated=False)
        r = client.patch(self.url(team, sub.id), headers=token_auth(team.member), json={"enabled": True})
        row = fresh(db, sub.id)
        assert row is not None and row.validated_at is not None
        assert r.json()["validated_at"] == ts(row.validated_at)
        assert rx.bodies()[0]["validation_code"] == "0123456789abcdef0123456789abcdef"

    def test_enabling_an_enabled_one_sends_nothing(
            self, client: TestClient, db: Session, team: Team, rx: Receiver) -> None:
        sub = make_subscription(db, team.member, team.ws.id, url=rx.url)
        r = client.patch(self.url(team, sub.id), headers=token_auth(team.member), json={"enabled": True})
        assert (r.status_code, r.json()["enabled"]) == (200, True)
        assert rx.received == []


# -- W5 delete -------------------------------------------------------------------------------------------

def test_delete_is_soft_and_discards_pending(client: TestClient, db: Session, team: Team) -> None:
    sub = make_subscription(db, team.member, team.ws.id)
    done = add_delivery(db, sub, status="delivered", attempts=1)
    waiting = add_delivery(db, sub, entity_id=78)
    url = f"{BASE}/subscriptions/{team.ws.id}/{sub.id}"
    r = client.delete(url, headers=token_auth(team.member))
    row = fresh(db, sub.id)
    assert row is not None and row.deleted_at is not None
    got = r.json()
    assert (r.status_code, got["subscription_id"], got["deleted_at"], got["has_pending_events"], got["enabled"]) == (
        200, sub.id, ts(row.deleted_at), False, True)
    assert statuses(db, sub.id) == [(done.id, "delivered"), (waiting.id, "discarded")]
    again = client.delete(url, headers=token_auth(team.member))
    assert (again.status_code, again.json()) == (404, "Subscription not found")
    assert client.get(f"{BASE}/subscriptions/{team.ws.id}", headers=token_auth(team.member)).json() == []


# -- the whole life of a subscription, with the real outbox (70- §5.1, §7, V-40) ------------------------

def test_lifecycle_with_real_changes(client: TestClient, db: Session, team: Team) -> None:
    """Unvalidated: a change queues nothing. Validated through W7: the next change is pending for it;
    W1 and W11 show it; DELETE discards it."""
    with Receiver() as plain:
        made = create(client, team.member, team.ws.id, {**sub_body(plain.url), "event_filters": [
            {"entity": "tag", "action": "created"}]})
    sid = made.json()["subscription_id"]
    auth = token_auth(team.member)
    assert client.post(f"/api/v9/workspaces/{team.ws.id}/tags", headers=auth, json={"name": "early"}).status_code == 200
    assert statuses(db, sid) == []
    row = fresh(db, sid)
    assert row is not None
    assert client.get(f"{BASE}/validate/{team.ws.id}/{sid}/{row.validation_code}").json() == "OK"
    tag = client.post(f"/api/v9/workspaces/{team.ws.id}/tags", headers=auth, json={"name": "late"}).json()
    assert [s for _, s in statuses(db, sid)] == ["pending"]
    listed = client.get(f"{BASE}/subscriptions/{team.ws.id}", headers=auth).json()
    assert [(s["subscription_id"], s["has_pending_events"]) for s in listed] == [(sid, True)]
    log = client.get(f"{BASE}/subscriptions/{team.ws.id}/{sid}/events", headers=auth).json()
    [item] = log["events"]
    assert (log["total"], item["status"], item["payload"]["id"], item["payload"]["name"], item["metadata"]["action"],
            item["metadata"]["model"], item["consumer_id"], item["creator_id"]) == (
        1, "pending", tag["id"], "late", "created", "tag", sid, team.member.id)
    deleted = client.delete(f"{BASE}/subscriptions/{team.ws.id}/{sid}", headers=auth)
    assert deleted.json()["has_pending_events"] is False
    assert [s for _, s in statuses(db, sid)] == ["discarded"]
