"""Money in reports (50-reports §4): the rate chain (§4.1), the currency chain (§4.2), the amount (§4.3),
and that every change made through the v8 API shows at once in the detailed report (O-41, O-85, O-86).

Each entry stores the rate and currency its chain resolves to (domain/rates.py); these tests change a
link of the chain over HTTP and read the detailed report back, so a write path that forgets to refresh
the stored values fails here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from punchclock.models import Client, Project, ProjectMember, TimeEntry, User, Workspace, WorkspaceMember
from tests.api.reports.conftest import get_report
from tests.factories import (
    add_member,
    add_project_user,
    make_client,
    make_entry,
    make_project,
    make_task,
    make_user,
    make_workspace,
    token_auth,
)

WEEK = {"since": "2023-10-02", "until": "2023-10-08"}


@dataclass
class Shop:
    """EUR workspace, default rate 80; Mara (admin) and Jonas (member).

    Client Acme (no rate, no currency) with project Site (no rate, no currency); project App without
    client at 100 USD. One billable hour each:
      m_site Mara on Site, j_site Jonas on Site, j_none Jonas without project, m_app Mara on App.
    """

    ws: Workspace
    mara: User
    jonas: User
    acme: Client
    site: Project
    app: Project
    entries: dict[str, TimeEntry]


@pytest.fixture
def shop(db: Session) -> Shop:
    mara = make_user(db, fullname="Mara Quint")
    jonas = make_user(db, fullname="Jonas Weber")
    ws = make_workspace(db, admin=mara, default_currency="EUR", default_hourly_rate=Decimal("80"))
    add_member(db, ws, jonas)
    acme = make_client(db, workspace_id=ws.id, name="Acme")
    site = make_project(db, workspace_id=ws.id, name="Site", client_id=acme.id)
    app = make_project(db, workspace_id=ws.id, name="App", rate=Decimal("100"), currency="USD")
    entries = {
        name: make_entry(db, user=who, workspace_id=ws.id, start=f"2023-10-0{2 + i}T09:00:00Z", seconds=3600,
                         project_id=None if pid is None else pid.id, billable=True)
        for i, (name, who, pid) in enumerate([("m_site", mara, site), ("j_site", jonas, site),
                                              ("j_none", jonas, None), ("m_app", mara, app)])
    }
    return Shop(ws, mara, jonas, acme, site, app, entries)


def report(client: TestClient, shop: Shop, **params: Any) -> dict[str, Any]:
    r = get_report(client, "details", shop.mara, workspace_id=shop.ws.id, **WEEK, **params)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def money(client: TestClient, shop: Shop) -> dict[str, tuple[float, str]]:
    """Entry name -> (amount, currency) of its one billable hour, i.e. (rate, currency)."""
    names = {e.id: name for name, e in shop.entries.items()}
    return {names[row["id"]]: (row["billable"], row["cur"]) for row in report(client, shop)["data"]}


def call(client: TestClient, user: User, method: str, path: str, body: Any = None) -> Any:
    r = client.request(method, f"/api/v8{path}", json=body, headers=token_auth(user))
    assert r.status_code == 200, r.text
    return r.json()


def start(shop: Shop, **changes: tuple[float, str]) -> dict[str, tuple[float, str]]:
    base = {"m_site": (80, "EUR"), "j_site": (80, "EUR"), "j_none": (80, "EUR"), "m_app": (100, "USD")}
    return {**base, **changes}


class TestRateChain:
    """§4.1: project-user rate, then project rate, then client rate, then the workspace default."""

    def test_initial_values(self, client: TestClient, shop: Shop) -> None:
        assert money(client, shop) == start(shop)
        assert report(client, shop)["total_currencies"] == [{"currency": "EUR", "amount": 240.0},
                                                            {"currency": "USD", "amount": 100.0}]

    def test_each_link_overrides_the_next(self, client: TestClient, shop: Shop) -> None:
        mara = shop.mara
        call(client, mara, "PUT", f"/clients/{shop.acme.id}", {"client": {"hrate": 70}})
        assert money(client, shop) == start(shop, m_site=(70, "EUR"), j_site=(70, "EUR"))
        call(client, mara, "PUT", f"/projects/{shop.site.id}", {"project": {"rate": 60}})
        assert money(client, shop) == start(shop, m_site=(60, "EUR"), j_site=(60, "EUR"))
        link = call(client, mara, "POST", "/project_users",
                    {"project_user": {"pid": shop.site.id, "uid": shop.jonas.id, "rate": 50}})["data"]
        assert money(client, shop) == start(shop, m_site=(60, "EUR"), j_site=(50, "EUR"))
        call(client, mara, "PUT", f"/project_users/{link['id']}", {"project_user": {"rate": 45.5}})
        assert money(client, shop) == start(shop, m_site=(60, "EUR"), j_site=(45.5, "EUR"))
        call(client, mara, "PUT", f"/project_users/{link['id']}", {"project_user": {"rate": None}})
        assert money(client, shop) == start(shop, m_site=(60, "EUR"), j_site=(60, "EUR"))
        call(client, mara, "PUT", f"/projects/{shop.site.id}", {"project": {"rate": None}})
        assert money(client, shop) == start(shop, m_site=(70, "EUR"), j_site=(70, "EUR"))
        call(client, mara, "PUT", f"/clients/{shop.acme.id}", {"client": {"hrate": None}})
        assert money(client, shop) == start(shop)

    def test_rate_zero_is_a_rate(self, client: TestClient, shop: Shop) -> None:
        """A set rate of 0 stops the chain: billable at 0, not at the next link's rate (§4.3)."""
        call(client, shop.mara, "PUT", f"/projects/{shop.site.id}", {"project": {"rate": 0}})
        assert money(client, shop) == start(shop, m_site=(0, "EUR"), j_site=(0, "EUR"))
        assert report(client, shop)["total_currencies"] == [{"currency": "EUR", "amount": 80.0},
                                                            {"currency": "USD", "amount": 100.0}]

    def test_workspace_default_rate(self, client: TestClient, shop: Shop) -> None:
        call(client, shop.mara, "PUT", f"/workspaces/{shop.ws.id}", {"workspace": {"default_hourly_rate": 90.25}})
        assert money(client, shop) == start(shop, m_site=(90.25, "EUR"), j_site=(90.25, "EUR"),
                                            j_none=(90.25, "EUR"))

    def test_project_user_mass_create_update_delete(self, client: TestClient, shop: Shop) -> None:
        mara = shop.mara
        created = call(client, mara, "POST", "/project_users", {"project_user": {
            "pid": shop.site.id, "uid": f"{shop.mara.id},{shop.jonas.id}", "rate": 40}})["data"]
        assert money(client, shop) == start(shop, m_site=(40, "EUR"), j_site=(40, "EUR"))
        both = ",".join(str(pu["id"]) for pu in created)
        call(client, mara, "PUT", f"/project_users/{both}", {"project_user": {"rate": 35}})
        assert money(client, shop) == start(shop, m_site=(35, "EUR"), j_site=(35, "EUR"))
        call(client, mara, "DELETE", f"/project_users/{both}")
        assert money(client, shop) == start(shop)

    def test_project_user_single_delete(self, client: TestClient, db: Session, shop: Shop) -> None:
        link = add_project_user(db, shop.site, shop.jonas, rate=Decimal("55"))
        assert money(client, shop) == start(shop, j_site=(55, "EUR"))
        call(client, shop.mara, "DELETE", f"/project_users/{link.id}")
        assert money(client, shop) == start(shop)

    def test_project_user_rate_is_per_owner_and_project(self, client: TestClient, db: Session, shop: Shop) -> None:
        """Jonas's rate on Site changes neither Mara's Site entry nor his entry without project."""
        add_project_user(db, shop.site, shop.jonas, rate=Decimal("55"))
        add_project_user(db, shop.app, shop.jonas, rate=Decimal("20"))
        assert money(client, shop) == start(shop, j_site=(55, "EUR"))

    def test_project_changes_client(self, client: TestClient, db: Session, shop: Shop) -> None:
        other = make_client(db, workspace_id=shop.ws.id, name="Other", hourly_rate=Decimal("65"), currency="GBP")
        call(client, shop.mara, "PUT", f"/projects/{shop.site.id}", {"project": {"cid": other.id}})
        assert money(client, shop) == start(shop, m_site=(65, "GBP"), j_site=(65, "GBP"))
        call(client, shop.mara, "PUT", f"/projects/{shop.site.id}", {"project": {"cid": None}})
        assert money(client, shop) == start(shop)


class TestCurrencyChain:
    """§4.2: the project's currency, else its client's, else the workspace default."""

    def test_each_link_overrides_the_next(self, client: TestClient, shop: Shop) -> None:
        mara = shop.mara
        call(client, mara, "PUT", f"/clients/{shop.acme.id}", {"client": {"cur": "GBP"}})
        assert money(client, shop) == start(shop, m_site=(80, "GBP"), j_site=(80, "GBP"))
        call(client, mara, "PUT", f"/projects/{shop.site.id}", {"project": {"currency": "CHF"}})
        assert money(client, shop) == start(shop, m_site=(80, "CHF"), j_site=(80, "CHF"))
        call(client, mara, "PUT", f"/projects/{shop.site.id}", {"project": {"currency": None}})
        assert money(client, shop) == start(shop, m_site=(80, "GBP"), j_site=(80, "GBP"))
        call(client, mara, "PUT", f"/clients/{shop.acme.id}", {"client": {"cur": None}})
        assert money(client, shop) == start(shop)

    def test_workspace_default_currency_and_rate(self, client: TestClient, shop: Shop) -> None:
        call(client, shop.mara, "PUT", f"/workspaces/{shop.ws.id}",
             {"workspace": {"default_currency": "SEK", "default_hourly_rate": 900}})
        assert money(client, shop) == start(shop, m_site=(900, "SEK"), j_site=(900, "SEK"), j_none=(900, "SEK"))
        assert report(client, shop)["total_currencies"] == [{"currency": "SEK", "amount": 2700.0},
                                                            {"currency": "USD", "amount": 100.0}]

    def test_rate_and_currency_come_from_different_links(self, client: TestClient, db: Session,
                                                         shop: Shop) -> None:
        """A project-user rate is billed in the project's currency chain, not its own."""
        call(client, shop.mara, "PUT", f"/clients/{shop.acme.id}", {"client": {"cur": "GBP", "hrate": 70}})
        add_project_user(db, shop.site, shop.jonas, rate=Decimal("30"))
        assert money(client, shop) == start(shop, m_site=(70, "GBP"), j_site=(30, "GBP"))


class TestStructuralChanges:
    def test_project_deletion(self, client: TestClient, shop: Shop) -> None:
        call(client, shop.mara, "DELETE", f"/projects/{shop.app.id}")
        body = report(client, shop)
        row = next(r for r in body["data"] if r["id"] == shop.entries["m_app"].id)
        assert (row["pid"], row["project"], row["billable"], row["cur"]) == (None, None, 80, "EUR")
        assert body["total_currencies"] == [{"currency": "EUR", "amount": 320.0}]

    def test_mass_project_deletion(self, client: TestClient, db: Session, shop: Shop) -> None:
        call(client, shop.mara, "PUT", f"/clients/{shop.acme.id}", {"client": {"cur": "GBP", "hrate": 70}})
        add_project_user(db, shop.site, shop.jonas, rate=Decimal("30"))
        call(client, shop.mara, "DELETE", f"/projects/{shop.site.id},{shop.app.id}")
        assert money(client, shop) == {name: (80, "EUR") for name in shop.entries}

    def test_client_deletion(self, client: TestClient, db: Session, shop: Shop) -> None:
        call(client, shop.mara, "PUT", f"/clients/{shop.acme.id}", {"client": {"cur": "GBP", "hrate": 70}})
        assert money(client, shop)["m_site"] == (70, "GBP")
        kept = make_project(db, workspace_id=shop.ws.id, name="Kept", client_id=shop.acme.id, rate=Decimal("10"),
                            currency="NOK")
        e = make_entry(db, user=shop.mara, workspace_id=shop.ws.id, start="2023-10-06T09:00:00Z", seconds=3600,
                       project_id=kept.id, billable=True)
        call(client, shop.mara, "DELETE", f"/clients/{shop.acme.id}")
        body = report(client, shop)
        rows = {r["id"]: (r["billable"], r["cur"], r["client"]) for r in body["data"]}
        assert rows[shop.entries["m_site"].id] == (80, "EUR", None)
        assert rows[shop.entries["j_site"].id] == (80, "EUR", None)
        assert rows[e.id] == (10, "NOK", None)  # its own rate and currency never came from the client

    def test_member_removal(self, client: TestClient, db: Session, shop: Shop) -> None:
        """The project-user rates go with the membership; the entries stay in the report."""
        add_project_user(db, shop.site, shop.jonas, rate=Decimal("55"))
        member = db.scalars(select(WorkspaceMember).where(WorkspaceMember.workspace_id == shop.ws.id,
                                                          WorkspaceMember.user_id == shop.jonas.id)).one()
        assert money(client, shop) == start(shop, j_site=(55, "EUR"))
        call(client, shop.mara, "DELETE", f"/workspace_users/{member.id}")
        assert money(client, shop) == start(shop)
        db.rollback()  # end the arranging session's snapshot (SQLite WAL) before looking
        assert db.scalars(select(ProjectMember).where(ProjectMember.user_id == shop.jonas.id)).all() == []

    def test_member_leaves(self, client: TestClient, db: Session, shop: Shop) -> None:
        add_project_user(db, shop.site, shop.jonas, rate=Decimal("55"))
        call(client, shop.jonas, "DELETE", f"/workspaces/{shop.ws.id}/leave")
        assert money(client, shop) == start(shop)

    def test_moving_an_entry_to_another_project(self, client: TestClient, shop: Shop) -> None:
        entry = shop.entries["m_site"].id
        call(client, shop.mara, "PUT", f"/time_entries/{entry}", {"time_entry": {"pid": shop.app.id}})
        assert money(client, shop) == start(shop, m_site=(100, "USD"))
        call(client, shop.mara, "PUT", f"/time_entries/{entry}", {"time_entry": {"pid": None}})
        assert money(client, shop) == start(shop)

    def test_choosing_a_task_of_another_project_moves_the_entry(self, client: TestClient, db: Session,
                                                                 shop: Shop) -> None:
        task = make_task(db, project=shop.app, name="Release")
        entry = shop.entries["j_none"].id
        call(client, shop.jonas, "PUT", f"/time_entries/{entry}", {"time_entry": {"tid": task.id}})
        assert money(client, shop) == start(shop, j_none=(100, "USD"))

    def test_new_entry_resolves_at_once(self, client: TestClient, db: Session, shop: Shop) -> None:
        add_project_user(db, shop.site, shop.mara, rate=Decimal("42"))
        created = call(client, shop.mara, "POST", "/time_entries", {"time_entry": {
            "start": "2023-10-06T09:00:00+00:00", "duration": 1800, "pid": shop.site.id, "billable": True,
            "created_with": "tests", "wid": shop.ws.id}})["data"]
        rows = {r["id"]: (r["billable"], r["cur"]) for r in report(client, shop)["data"]}
        assert rows[created["id"]] == (21, "EUR")
        assert rows[shop.entries["m_site"].id] == (42, "EUR")  # the new link re-rated the earlier entry (O-85)

    def test_rate_changes_keep_the_entries_at(self, client: TestClient, shop: Shop) -> None:
        before = {r["id"]: r["updated"] for r in report(client, shop)["data"]}
        call(client, shop.mara, "PUT", f"/projects/{shop.site.id}", {"project": {"rate": 61}})
        call(client, shop.mara, "PUT", f"/workspaces/{shop.ws.id}", {"workspace": {"default_currency": "DKK"}})
        after = {r["id"]: r["updated"] for r in report(client, shop)["data"]}
        assert after == before
        assert money(client, shop) == start(shop, m_site=(61, "DKK"), j_site=(61, "DKK"), j_none=(80, "DKK"))

    def test_non_premium_workspace_ignores_rate_inputs(self, client: TestClient, db: Session, shop: Shop) -> None:
        shop.ws.premium = False
        db.commit()
        call(client, shop.mara, "PUT", f"/projects/{shop.site.id}", {"project": {"rate": 61, "currency": "GBP"}})
        call(client, shop.mara, "PUT", f"/clients/{shop.acme.id}", {"client": {"hrate": 62}})
        assert money(client, shop) == start(shop)

    def test_other_workspaces_are_untouched(self, client: TestClient, db: Session, shop: Shop) -> None:
        other_ws = make_workspace(db, admin=shop.mara, name="Other", default_currency="JPY",
                                  default_hourly_rate=Decimal("5000"))
        e = make_entry(db, user=shop.mara, workspace_id=other_ws.id, start="2023-10-02T09:00:00Z", seconds=3600,
                       billable=True)
        call(client, shop.mara, "PUT", f"/workspaces/{shop.ws.id}", {"workspace": {"default_hourly_rate": 1}})
        r = get_report(client, "details", shop.mara, workspace_id=other_ws.id, **WEEK)
        assert [(row["id"], row["billable"], row["cur"]) for row in r.json()["data"]] == [(e.id, 5000, "JPY")]


class TestAmounts:
    """§4.3: round(seconds x rate / 3600, 2), half-up, once per entry; sums add the rounded amounts."""

    @pytest.fixture
    def owner_ws(self, db: Session) -> tuple[User, Workspace]:
        owner = make_user(db)
        return owner, make_workspace(db, admin=owner, default_currency="EUR")

    def amounts(self, client: TestClient, owner: User, ws: Workspace) -> dict[str, Any]:
        r = get_report(client, "details", owner, workspace_id=ws.id, order_desc="off", **WEEK)
        body: dict[str, Any] = r.json()
        return {"rows": [row["billable"] for row in body["data"]], "total": body["total_currencies"]}

    def entry(self, db: Session, owner: User, ws: Workspace, seconds: int, rate: str, day: int = 2,
              billable: bool = True) -> TimeEntry:
        project = make_project(db, workspace_id=ws.id, name=f"P{seconds}-{rate}-{day}", rate=Decimal(rate))
        return make_entry(db, user=owner, workspace_id=ws.id, start=f"2023-10-0{day}T09:00:00Z", seconds=seconds,
                          project_id=project.id, billable=billable)

    def test_contract_example(self, client: TestClient, db: Session, owner_ws: tuple[User, Workspace]) -> None:
        owner, ws = owner_ws
        self.entry(db, owner, ws, 8645, "50")  # 2 h 24 min 5 s
        assert self.amounts(client, owner, ws) == {"rows": [120.07], "total": [{"currency": "EUR",
                                                                               "amount": 120.07}]}

    @pytest.mark.parametrize(("seconds", "rate", "amount"), [
        (18, "1", 0.01),        # 0.005 exactly: half-up
        (17, "1", 0),           # 0.00472...
        (1, "18", 0.01),        # 0.005
        (1, "17.99", 0),        # 0.0049972...
        (54, "1", 0.02),        # 0.015 -> 0.02 (a banker's rounding would give 0.02 as well)
        (90, "1", 0.03),        # 0.025 -> 0.03 (banker's: 0.02)
        (3600, "0.01", 0.01),
        (31_536_000, "1000000", 8_760_000_000),  # a year at a huge rate stays exact
        (1, "33.33", 0.01),     # 0.0092583 -> 0.01
        (5399, "33.33", 49.99),  # 49.9857...
    ])
    def test_half_up_at_the_cent(self, client: TestClient, db: Session, owner_ws: tuple[User, Workspace],
                                 seconds: int, rate: str, amount: float) -> None:
        owner, ws = owner_ws
        self.entry(db, owner, ws, seconds, rate)
        assert self.amounts(client, owner, ws) == {"rows": [amount], "total": [{"currency": "EUR",
                                                                              "amount": amount}]}

    def test_sum_of_rounded_amounts(self, client: TestClient, db: Session, owner_ws: tuple[User, Workspace]) -> None:
        """Two 18 s entries at 1/h: 0.01 + 0.01 = 0.02, where rounding the summed 36 s would give 0.01."""
        owner, ws = owner_ws
        self.entry(db, owner, ws, 18, "1", day=2)
        self.entry(db, owner, ws, 18, "1", day=3)
        assert self.amounts(client, owner, ws) == {"rows": [0.01, 0.01], "total": [{"currency": "EUR",
                                                                                  "amount": 0.02}]}

    def test_non_billable_entries_contribute_nothing(self, client: TestClient, db: Session,
                                                     owner_ws: tuple[User, Workspace]) -> None:
        owner, ws = owner_ws
        self.entry(db, owner, ws, 3600, "50", day=2)
        self.entry(db, owner, ws, 3600, "50", day=3, billable=False)
        assert self.amounts(client, owner, ws) == {"rows": [50, None], "total": [{"currency": "EUR", "amount": 50}]}

    def test_billable_flag_flip_through_v8(self, client: TestClient, db: Session,
                                           owner_ws: tuple[User, Workspace]) -> None:
        owner, ws = owner_ws
        e = self.entry(db, owner, ws, 3600, "50", billable=False)
        call(client, owner, "PUT", f"/time_entries/{e.id}", {"time_entry": {"billable": True}})
        assert self.amounts(client, owner, ws) == {"rows": [50], "total": [{"currency": "EUR", "amount": 50}]}


def test_stored_values_match_the_chain(db: Session, shop: Shop, client: TestClient) -> None:
    """After a mixed series of changes the stored rate/currency equal a fresh resolution of the chain."""
    mara = shop.mara
    call(client, mara, "PUT", f"/clients/{shop.acme.id}", {"client": {"hrate": 12, "cur": "GBP"}})
    call(client, mara, "POST", "/project_users", {"project_user": {"pid": shop.site.id, "uid": shop.jonas.id,
                                                                   "rate": 13}})
    call(client, mara, "PUT", f"/time_entries/{shop.entries['m_app'].id}", {"time_entry": {"pid": shop.site.id}})
    db.expire_all()
    stored = {e.id: (e.rate, e.currency) for e in db.scalars(select(TimeEntry).where(TimeEntry.workspace_id
                                                                                       == shop.ws.id))}
    ids = {name: e.id for name, e in shop.entries.items()}
    assert stored == {ids["m_site"]: (Decimal("12"), "GBP"), ids["j_site"]: (Decimal("13"), "GBP"),
                      ids["j_none"]: (Decimal("80"), "EUR"), ids["m_app"]: (Decimal("12"), "GBP")}
