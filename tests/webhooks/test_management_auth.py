"""Who may manage which subscription (70- §3, V-44; 10- §4, §5), for every Webhooks API endpoint.

Lena (member) owns a subscription of the team workspace; Mara is its admin, Jonas another member, Otto an
outsider. Owners (creator or admin) may act; another member gets the "do not reveal" 404, an outsider or
a deactivated member the workspace 403, bad credentials 403. A refused call changes nothing and no answer
carries the secret to someone who may not see it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from punchclock.models import User, WebhookSubscription, WorkspaceMember
from tests.api.v8.test_authorization_matrix import _app_routes
from tests.factories import Team, basic, token_auth
from tests.webhooks.receiver import Receiver
from tests.webhooks.test_subscriptions import (  # noqa: F401  (fixtures used by name)
    BASE,
    make_subscription,
    rx_fixture,
    settings_fixture,
    sub_body,
    team_fixture,
)

NO_AUTH = (403, "Incorrect username and/or password")
NO_WS = (403, "Workspace not found/accessible")
NOT_FOUND = (404, "Subscription not found")
SECRET = "lena-secret-value"


@dataclass(frozen=True)
class Call:
    method: str
    #: Path template under BASE: {wid} the team workspace, {sid} Lena's subscription.
    path: str
    body: Callable[[str], dict[str, Any]] | None = None
    #: Only owners may call it (else member 200 / non-owner member 404).
    owned: bool = True


CALLS = [
    Call("GET", "/subscriptions/{wid}", owned=False),
    Call("POST", "/subscriptions/{wid}", lambda url: sub_body(url, "New one", enabled=False), owned=False),
    Call("PUT", "/subscriptions/{wid}/{sid}", lambda url: sub_body(url, "Replaced", enabled=False)),
    Call("PATCH", "/subscriptions/{wid}/{sid}", lambda url: {"enabled": False}),
    Call("DELETE", "/subscriptions/{wid}/{sid}"),
    Call("POST", "/ping/{wid}/{sid}"),
    Call("GET", "/subscriptions/{wid}/{sid}/events"),
    Call("GET", "/limits/{wid}", owned=False),
]
IDS = [f"{c.method} {c.path}" for c in CALLS]


def call(client: TestClient, c: Call, headers: dict[str, str], wid: int, sid: int, url: str) -> Any:
    path = BASE + c.path.format(wid=wid, sid=sid)
    return client.request(c.method, path, headers=headers, json=c.body(url) if c.body else None)


def state(db: Session) -> list[tuple[Any, ...]]:
    db.rollback()
    db.expire_all()
    rows = db.scalars(select(WebhookSubscription).order_by(WebhookSubscription.id)).all()
    return [(s.id, s.description, s.url_callback, s.enabled, s.deleted_at, s.validated_at) for s in rows]


@pytest.fixture
def lenas(db: Session, team: Team, rx: Receiver) -> WebhookSubscription:
    return make_subscription(db, team.member, team.ws.id, description="Lena's", url=rx.url, secret=SECRET)


def deactivate(db: Session, team: Team, user: User) -> None:
    link = db.scalars(select(WorkspaceMember).where(WorkspaceMember.workspace_id == team.ws.id,
                                                    WorkspaceMember.user_id == user.id)).one()
    link.active = False
    db.commit()


@pytest.mark.parametrize("c", CALLS, ids=IDS)
class TestRefused:
    def test_bad_credentials(self, client: TestClient, db: Session, team: Team, lenas: WebhookSubscription,
                             rx: Receiver, c: Call) -> None:
        before = state(db)
        for headers in ({}, basic(team.member.email, "wrong-password"), basic("0" * 32, "api_token")):
            r = call(client, c, headers, team.ws.id, lenas.id, rx.url)
            assert (r.status_code, r.json()) == NO_AUTH
        assert state(db) == before and rx.received == []

    @pytest.mark.parametrize("who", ["outsider", "deactivated"])
    def test_not_an_active_member_is_403(self, client: TestClient, db: Session, team: Team,
                                         lenas: WebhookSubscription, rx: Receiver, c: Call, who: str) -> None:
        if who == "deactivated":
            deactivate(db, team, team.manager)
        user = team.outsider if who == "outsider" else team.manager
        before = state(db)
        r = call(client, c, token_auth(user), team.ws.id, lenas.id, rx.url)
        assert (r.status_code, r.json()) == NO_WS
        assert state(db) == before and rx.received == []

    def test_another_member_is_404_without_the_secret(self, client: TestClient, db: Session, team: Team,
                                                      lenas: WebhookSubscription, rx: Receiver, c: Call) -> None:
        before = state(db)
        r = call(client, c, token_auth(team.manager), team.ws.id, lenas.id, rx.url)
        assert SECRET not in r.text
        if c.owned:
            assert (r.status_code, r.json()) == NOT_FOUND
            assert state(db) == before and rx.received == []
        else:
            assert r.status_code == 200

    def test_subscription_of_another_workspace_is_404(self, client: TestClient, db: Session, team: Team,
                                                      rx: Receiver, c: Call) -> None:
        """Lena's subscription in her own workspace, reached through the team workspace's path (she is a
        member of both and admin of hers)."""
        own = team.member.default_workspace_id
        assert own is not None
        elsewhere = make_subscription(db, team.member, own, url=rx.url, secret=SECRET)
        r = call(client, c, token_auth(team.member), team.ws.id, elsewhere.id, rx.url)
        if c.owned:
            assert (r.status_code, r.json()) == NOT_FOUND
        else:
            assert r.status_code == 200 and f'"subscription_id":{elsewhere.id}' not in r.text


@pytest.mark.parametrize("c", CALLS, ids=IDS)
@pytest.mark.parametrize("who", ["creator", "admin"])
def test_owners_may(client: TestClient, db: Session, team: Team, lenas: WebhookSubscription, rx: Receiver,
                    c: Call, who: str) -> None:
    user = team.member if who == "creator" else team.admin
    r = call(client, c, token_auth(user), team.ws.id, lenas.id, rx.url)
    assert r.status_code == 200, r.text
    if c.path == "/subscriptions/{wid}/{sid}" or (c.method == "GET" and c.path == "/subscriptions/{wid}"):
        # the creator and the workspace's admins see the secret
        assert SECRET in r.text
    if c.path.startswith("/ping"):
        assert [b["payload"] for b in rx.bodies()] == ["ping"]


def test_admin_created_subscription_is_invisible_to_members(client: TestClient, db: Session, team: Team) -> None:
    sub = make_subscription(db, team.admin, team.ws.id, description="Mara's", secret=SECRET)
    listed = client.get(f"{BASE}/subscriptions/{team.ws.id}", headers=token_auth(team.member))
    assert (listed.status_code, listed.json()) == (200, [])
    r = client.delete(f"{BASE}/subscriptions/{team.ws.id}/{sub.id}", headers=token_auth(team.member))
    assert (r.status_code, r.json()) == NOT_FOUND


def test_every_webhooks_route_is_walked(app: Any) -> None:
    """A new management route must be added to CALLS (or be one of the three anonymous/any-user ones)."""
    served = {(m, p.removeprefix(BASE)) for m, p in _app_routes(list(app.routes)) if p.startswith(BASE + "/")}
    walked = {(c.method, c.path.replace("{wid}", "{workspace_id}").replace("{sid}", "{subscription_id}"))
              for c in CALLS}
    elsewhere = {("GET", "/status"), ("GET", "/event_filters"),
                 ("GET", "/validate/{workspace_id}/{subscription_id}/{validation_code}")}
    assert served == walked | elsewhere


def test_ping_of_a_failing_callback_changes_nothing_for_the_admin(client: TestClient, db: Session,
                                                                   team: Team) -> None:
    with Receiver(status=500) as failing:
        sub = make_subscription(db, team.member, team.ws.id, url=failing.url)
        before = state(db)
        r = client.post(f"{BASE}/ping/{team.ws.id}/{sub.id}", headers=token_auth(team.admin))
    assert (r.status_code, r.json()) == (400, f"Callback {failing.url} answered 500, expected 2xx")
    assert state(db) == before
