"""The callback checks: SSRF refusal without the switch (70- §9), ping W6, validation W7 (§7), timeouts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from punchclock.app import create_app
from punchclock.config import Settings
from tests.factories import Team, token_auth
from tests.webhooks.receiver import Receiver
from tests.webhooks.test_subscriptions import (  # noqa: F401  (fixtures used by name)
    BASE,
    count_subscriptions,
    create,
    fresh,
    make_subscription,
    rx_fixture,
    settings_fixture,
    sub_body,
    team_fixture,
    ts,
)

CODE = "0123456789abcdef0123456789abcdef"
PRIVATE_URLS = ["http://127.0.0.1/hook", "http://10.0.0.1/hook", "http://169.254.169.254/latest/meta-data",
                "http://[::ffff:127.0.0.1]/hook"]


@pytest.fixture
def strict_client(db_url: str) -> Iterator[TestClient]:
    """The production default: callbacks must resolve to public addresses."""
    app = create_app(Settings(database_url=db_url, rate_limit=False, public_url="http://testserver",
                              webhooks_dispatcher=False))
    with TestClient(app) as c:
        yield c
    app.state.engine.dispose()


class TestAddressProtection:
    @pytest.mark.parametrize("url", PRIVATE_URLS, ids=["loopback", "rfc1918", "metadata", "v4-mapped"])
    @pytest.mark.parametrize("enabled", [True, False], ids=["probed", "unprobed"])
    def test_create_refuses_non_public_addresses(self, strict_client: TestClient, db: Session, team: Team,
                                                 url: str, enabled: bool) -> None:
        r = create(strict_client, team.member, team.ws.id, sub_body(url, enabled=enabled))
        assert (r.status_code, r.json()) == (400, f"Callback {url} resolves to a non-public address")
        assert count_subscriptions(db) == 0

    def test_replace_refuses_non_public_addresses(self, strict_client: TestClient, db: Session, team: Team) -> None:
        sub = make_subscription(db, team.member, team.ws.id, url="https://hooks.example.org/a", enabled=False)
        r = strict_client.put(f"{BASE}/subscriptions/{team.ws.id}/{sub.id}", headers=token_auth(team.member),
                              json=sub_body("http://10.1.2.3/x", enabled=False))
        assert (r.status_code, r.json()) == (400, "Callback http://10.1.2.3/x resolves to a non-public address")
        row = fresh(db, sub.id)
        assert row is not None and row.url_callback == "https://hooks.example.org/a"

    def test_ping_refuses_non_public_addresses(self, strict_client: TestClient, db: Session, team: Team) -> None:
        sub = make_subscription(db, team.member, team.ws.id, url="http://192.168.1.5/x")
        r = strict_client.post(f"{BASE}/ping/{team.ws.id}/{sub.id}", headers=token_auth(team.member))
        assert (r.status_code, r.json()) == (400, "Callback http://192.168.1.5/x resolves to a non-public address")


def test_slow_callback_is_unreachable_after_the_timeout(db_url: str, db: Session, team: Team) -> None:
    app = create_app(Settings(database_url=db_url, rate_limit=False, webhooks_dispatcher=False,
                              webhooks_allow_private=True, webhooks_timeout=0.5))
    with TestClient(app) as c, Receiver(delay=2.0) as slow:
        r = create(c, team.member, team.ws.id, sub_body(slow.url))
    app.state.engine.dispose()
    assert (r.status_code, r.json()) == (400, f"Callback {slow.url} unreachable: timeout")
    assert count_subscriptions(db) == 0


# -- W6 ping ---------------------------------------------------------------------------------------------

class TestPing:
    def test_ping_is_sent_signed_even_when_disabled(self, client: TestClient, db: Session, team: Team,
                                                    rx: Receiver) -> None:
        sub = make_subscription(db, team.member, team.ws.id, url=rx.url, enabled=False)
        r = client.post(f"{BASE}/ping/{team.ws.id}/{sub.id}", headers=token_auth(team.member))
        assert (r.status_code, r.json()) == (200, {"status": "OK"})
        [ping] = rx.wait_for(1)
        assert Receiver.verify("s3cret-key", ping)
        body = ping.json()
        # validated: no code in the ping
        assert "validation_code" not in body
        assert (body["event_id"], body["payload"], body["subscription_id"], body["url_callback"],
                body["creator_id"]) == (0, "ping", sub.id, rx.url, team.member.id)
        assert body["metadata"] == {"model": "ping", "action": "ping", "event_user_id": str(team.member.id),
                                    "workspace_id": str(team.ws.id), "path": "", "request_type": ""}

    def test_ping_validates_when_the_code_is_echoed(self, client: TestClient, db: Session, team: Team,
                                                    rx: Receiver) -> None:
        sub = make_subscription(db, team.member, team.ws.id, url=rx.url, validated=False)
        r = client.post(f"{BASE}/ping/{team.ws.id}/{sub.id}", headers=token_auth(team.admin))
        assert (r.status_code, r.json()) == (200, {"status": "OK"})
        assert rx.bodies()[0]["validation_code"] == CODE
        row = fresh(db, sub.id)
        assert row is not None and row.validated_at is not None

    def test_failing_callback_is_400(self, client: TestClient, db: Session, team: Team) -> None:
        with Receiver(status=410) as gone:
            sub = make_subscription(db, team.member, team.ws.id, url=gone.url)
            r = client.post(f"{BASE}/ping/{team.ws.id}/{sub.id}", headers=token_auth(team.member))
        assert (r.status_code, r.json()) == (400, f"Callback {gone.url} answered 410, expected 2xx")


# -- W7 validate -----------------------------------------------------------------------------------------

class TestValidate:
    def url(self, team: Team, sid: int, code: str = CODE) -> str:
        return f"{BASE}/validate/{team.ws.id}/{sid}/{code}"

    def test_right_code_validates_without_authentication_and_is_idempotent(
            self, client: TestClient, db: Session, team: Team) -> None:
        sub = make_subscription(db, team.member, team.ws.id, validated=False)
        r = client.get(self.url(team, sub.id))
        assert (r.status_code, r.json()) == (200, "OK")
        row = fresh(db, sub.id)
        assert row is not None and row.validated_at is not None
        first = row.validated_at
        again = client.get(self.url(team, sub.id))
        assert (again.status_code, again.json()) == (200, "OK")
        row = fresh(db, sub.id)
        assert row is not None and row.validated_at == first

    def test_code_of_an_already_validated_subscription_is_ok(self, client: TestClient, db: Session,
                                                             team: Team) -> None:
        sub = make_subscription(db, team.member, team.ws.id)
        assert (client.get(self.url(team, sub.id)).json()) == "OK"
        row = fresh(db, sub.id)
        assert row is not None and ts(row.validated_at) == "2026-11-02T08:00:00+00:00"

    @pytest.mark.parametrize("case", ["wrong-code", "other-workspace", "unknown-id", "bad-id", "deleted",
                                      "short-code"])
    def test_anything_else_is_one_400(self, client: TestClient, db: Session, team: Team, case: str) -> None:
        sub = make_subscription(db, team.member, team.ws.id, validated=False)
        url = {
            "wrong-code": self.url(team, sub.id, "f" * 32),
            "other-workspace": f"{BASE}/validate/{team.member.default_workspace_id}/{sub.id}/{CODE}",
            "unknown-id": self.url(team, 999),
            "bad-id": f"{BASE}/validate/{team.ws.id}/abc/{CODE}",
            "deleted": self.url(team, sub.id),
            "short-code": self.url(team, sub.id, CODE[:8]),
        }[case]
        if case == "deleted":
            row = fresh(db, sub.id)
            assert row is not None
            row.deleted_at = datetime.now(UTC)
            db.commit()
        r = client.get(url)
        assert (r.status_code, r.json()) == (400, "Unknown subscription or validation code")
        row = fresh(db, sub.id)
        assert row is not None and row.validated_at is None

    def test_validation_link_is_rate_limited_by_ip(self, db_url: str, db: Session, team: Team) -> None:
        app = create_app(Settings(database_url=db_url, webhooks_dispatcher=False, v9_rate_per_second=0.001,
                                  v9_burst=2))
        sub = make_subscription(db, team.member, team.ws.id, validated=False)
        with TestClient(app) as c:
            codes = [c.get(f"{BASE}/validate/{team.ws.id}/{sub.id}/{'a' * 32}").status_code for _ in range(3)]
            limited = c.get(f"{BASE}/validate/{team.ws.id}/{sub.id}/{CODE}")
        app.state.engine.dispose()
        assert codes == [400, 400, 429]
        assert (limited.status_code, limited.json(), int(limited.headers["Retry-After"]) > 0) == (
            429, "Too Many Requests", True)
