"""Weekly report (50-reports §6; §3 common parameters, §3.6 sorting, §4 money, §4.4, §5; O-66, O-81, O-84)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from punchclock.models import Project, User, Workspace
from tests.api.reports.conftest import SPEC_PALETTE, Example, get_report
from tests.factories import (
    add_member,
    at,
    count_queries,
    make_client,
    make_entry,
    make_project,
    make_user,
    make_workspace,
)

TIP = "Change your request and try again. See the punchclock API documentation."
H = 3_600_000  # one hour in ms
N = None
EMPTY_TIME = {
    "total_grand": None,
    "total_billable": None,
    "total_currencies": [{"currency": None, "amount": None}],
    "data": [],
    "week_totals": [None] * 8,
}


def weekly(client: TestClient, user: User, ws: Workspace | int, **params: Any) -> dict[str, Any]:
    wid = ws if isinstance(ws, int) else ws.id
    r = get_report(client, "weekly", user, workspace_id=wid, **params)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def error(status: int, message: str) -> dict[str, Any]:
    return {"error": {"message": message, "tip": TIP, "code": status}}


def ferry_title() -> dict[str, Any]:
    return {"project": "Ferry timetable app", "client": "Harbour Ferries", "color": "6", "hex_color": "#14a88e"}


def spring_title() -> dict[str, Any]:
    return {"project": "Spring menu site", "client": "Northwind Bakery", "color": "7", "hex_color": "#268bb5"}


NO_PROJECT = {"project": None, "client": None}


# -- the contract's example ----------------------------------------------------------------------

class TestExample:
    def test_reproduces_the_contract_example(self, client: TestClient, example: Example) -> None:
        body = weekly(client, example.mara, example.ws, since="2023-10-02")

        assert body == {
            "total_grand": 27000000,
            "total_billable": 19800000,
            "total_currencies": [{"currency": "EUR", "amount": 395.0}],
            "data": [
                {
                    "title": ferry_title(),
                    "pid": example.ferry.id,
                    "totals": [None, 9000000, 5400000, None, None, None, None, 14400000],
                    "details": [
                        {"uid": example.jonas.id, "title": {"user": "Jonas Weber"},
                         "totals": [None, None, 5400000, None, None, None, None, 5400000]},
                        {"uid": example.mara.id, "title": {"user": "Mara Quint"},
                         "totals": [None, 9000000, None, None, None, None, None, 9000000]},
                    ],
                },
                {
                    "title": spring_title(),
                    "pid": example.spring.id,
                    "totals": [5400000, None, None, None, None, None, None, 5400000],
                    "details": [
                        {"uid": example.mara.id, "title": {"user": "Mara Quint"},
                         "totals": [5400000, None, None, None, None, None, None, 5400000]},
                    ],
                },
                {
                    "title": NO_PROJECT,
                    "pid": None,
                    "totals": [None, None, None, 7200000, None, None, None, 7200000],
                    "details": [
                        {"uid": example.jonas.id, "title": {"user": "Jonas Weber"},
                         "totals": [None, None, None, 7200000, None, None, None, 7200000]},
                    ],
                },
            ],
            "week_totals": [5400000, 9000000, 5400000, 7200000, None, None, None, 27000000],
        }

    def test_key_order_of_rows_and_details(self, client: TestClient, example: Example) -> None:
        body = weekly(client, example.mara, example.ws, since="2023-10-02")

        assert list(body) == ["total_grand", "total_billable", "total_currencies", "data", "week_totals"]
        assert list(body["data"][0]) == ["title", "pid", "totals", "details"]
        assert list(body["data"][0]["details"][0]) == ["uid", "title", "totals"]

    def test_grouping_users(self, client: TestClient, example: Example) -> None:
        body = weekly(client, example.mara, example.ws, since="2023-10-02", grouping="users")

        assert body == {
            "total_grand": 27000000,
            "total_billable": 19800000,
            "total_currencies": [{"currency": "EUR", "amount": 395.0}],
            "data": [
                {
                    "title": {"user": "Jonas Weber"},
                    "uid": example.jonas.id,
                    "totals": [None, None, 5400000, 7200000, None, None, None, 12600000],
                    "details": [
                        {"pid": example.ferry.id, "title": ferry_title(),
                         "totals": [None, None, 5400000, None, None, None, None, 5400000]},
                        {"pid": None, "title": NO_PROJECT,
                         "totals": [None, None, None, 7200000, None, None, None, 7200000]},
                    ],
                },
                {
                    "title": {"user": "Mara Quint"},
                    "uid": example.mara.id,
                    "totals": [5400000, 9000000, None, None, None, None, None, 14400000],
                    "details": [
                        {"pid": example.ferry.id, "title": ferry_title(),
                         "totals": [None, 9000000, None, None, None, None, None, 9000000]},
                        {"pid": example.spring.id, "title": spring_title(),
                         "totals": [5400000, None, None, None, None, None, None, 5400000]},
                    ],
                },
            ],
            "week_totals": [5400000, 9000000, 5400000, 7200000, None, None, None, 27000000],
        }
        assert list(body["data"][0]) == ["title", "uid", "totals", "details"]
        assert list(body["data"][0]["details"][0]) == ["pid", "title", "totals"]

    def test_earnings_of_the_example(self, client: TestClient, example: Example) -> None:
        body = weekly(client, example.mara, example.ws, since="2023-10-02", calculate="earnings")

        # The entry without project is not billable: its row disappears (§6.3), the totals keep it.
        assert body == {
            "total_grand": 27000000,
            "total_billable": 19800000,
            "total_currencies": [{"currency": "EUR", "amount": 395.0}],
            "data": [
                {
                    "title": ferry_title(),
                    "pid": example.ferry.id,
                    "totals": [{"currency": "EUR", "amount": [None, 200.0, 120.0, None, None, None, None, 320.0]}],
                    "details": [
                        {"uid": example.jonas.id, "title": {"user": "Jonas Weber"},
                         "totals": [{"currency": "EUR",
                                     "amount": [None, None, 120.0, None, None, None, None, 120.0]}]},
                        {"uid": example.mara.id, "title": {"user": "Mara Quint"},
                         "totals": [{"currency": "EUR",
                                     "amount": [None, 200.0, None, None, None, None, None, 200.0]}]},
                    ],
                },
                {
                    "title": spring_title(),
                    "pid": example.spring.id,
                    "totals": [{"currency": "EUR", "amount": [75.0, None, None, None, None, None, None, 75.0]}],
                    "details": [
                        {"uid": example.mara.id, "title": {"user": "Mara Quint"},
                         "totals": [{"currency": "EUR", "amount": [75.0, None, None, None, None, None, None, 75.0]}]},
                    ],
                },
            ],
            "week_totals": [{"currency": "EUR", "amount": [75.0, 200.0, 120.0, None, None, None, None, 395.0]}],
        }

    def test_runs_a_fixed_number_of_queries(self, client: TestClient, app: Any, db: Session,
                                            example: Example) -> None:
        with count_queries(app) as few:
            weekly(client, example.mara, example.ws, since="2023-10-02")
        for i in range(6):
            p = make_project(db, workspace_id=example.ws.id, name=f"Extra {i}")
            u = make_user(db, fullname=f"Extra {i}")
            add_member(db, example.ws, u)
            make_entry(db, user=u, workspace_id=example.ws.id, start=f"2023-10-0{i + 2}T09:00:00Z", project_id=p.id)

        with count_queries(app) as many:
            body = weekly(client, example.mara, example.ws, since="2023-10-02")

        assert len(body["data"]) == 9
        assert many[0] == few[0]


# -- earnings: several currencies, rate 0, rows without billable entries ----------------------------

@dataclass
class Billing:
    ws: Workspace
    admin: User
    lena: User
    atlas: Project
    beacon: Project
    cedar: Project
    dune: Project


@pytest.fixture
def billing(db: Session) -> Billing:
    """Lena bills Atlas (100 EUR/h), Beacon (60 GBP/h) and Cedar (rate 0: workspace default); Dune is never billable.

    Week of 2023-10-02 (Monday), everyone in Etc/UTC:
      Lena  Atlas  Mon 1 h billable  -> 100.00 EUR
      Lena  Atlas  Tue 30 min not billable
      Lena  Beacon Tue 1.5 h billable -> 90.00 GBP
      Lena  Beacon Wed 20 min billable -> 20.00 GBP
      Lena  Cedar  Wed 1 h billable  -> 0.00 EUR
      Lena  Dune   Thu 1 h not billable
      Admin Dune   Fri 1 h not billable
    """
    admin = make_user(db, fullname="Ada Admin")
    lena = make_user(db, fullname="Lena Berg")
    ws = make_workspace(db, admin=admin, default_currency="EUR", default_hourly_rate=Decimal("0"))
    add_member(db, ws, lena)
    atlas = make_project(db, workspace_id=ws.id, name="Atlas", rate=Decimal("100"), color=1)
    beacon = make_project(db, workspace_id=ws.id, name="Beacon", rate=Decimal("60"), currency="GBP", color=2)
    cedar = make_project(db, workspace_id=ws.id, name="Cedar", color=3)
    dune = make_project(db, workspace_id=ws.id, name="Dune", color=4)
    for who, project, start, seconds, billable in [
        (lena, atlas, "2023-10-02T09:00:00Z", 3600, True),
        (lena, atlas, "2023-10-03T09:00:00Z", 1800, False),
        (lena, beacon, "2023-10-03T10:00:00Z", 5400, True),
        (lena, beacon, "2023-10-04T10:00:00Z", 1200, True),
        (lena, cedar, "2023-10-04T09:00:00Z", 3600, True),
        (lena, dune, "2023-10-05T09:00:00Z", 3600, False),
        (admin, dune, "2023-10-06T09:00:00Z", 3600, False),
    ]:
        make_entry(db, user=who, workspace_id=ws.id, start=start, seconds=seconds, project_id=project.id,
                   billable=billable)
    return Billing(ws, admin, lena, atlas, beacon, cedar, dune)


def plain_title(name: str, color: int) -> dict[str, Any]:
    return {"project": name, "client": None, "color": str(color), "hex_color": SPEC_PALETTE[color]}


BILLING_TOTALS = {
    "total_grand": 22800000,
    "total_billable": 13800000,
    "total_currencies": [{"currency": "EUR", "amount": 100.0}, {"currency": "GBP", "amount": 110.0}],
}
EUR_WEEK = {"currency": "EUR", "amount": [100.0, None, 0, None, None, None, None, 100.0]}
GBP_WEEK = {"currency": "GBP", "amount": [None, 90.0, 20.0, None, None, None, None, 110.0]}


class TestEarnings:
    def test_user_billed_in_two_currencies(self, client: TestClient, billing: Billing) -> None:
        body = weekly(client, billing.admin, billing.ws, since="2023-10-02", grouping="users", calculate="earnings")

        # Ada has no billable entry: her row is left out; Lena's non-billable Dune detail too.
        assert body == {
            **BILLING_TOTALS,
            "data": [
                {
                    "title": {"user": "Lena Berg"},
                    "uid": billing.lena.id,
                    "totals": [EUR_WEEK, GBP_WEEK],
                    "details": [
                        {"pid": billing.atlas.id, "title": plain_title("Atlas", 1),
                         "totals": [{"currency": "EUR", "amount": [100.0, None, None, None, None, None, None, 100.0]}]},
                        {"pid": billing.beacon.id, "title": plain_title("Beacon", 2), "totals": [GBP_WEEK]},
                        {"pid": billing.cedar.id, "title": plain_title("Cedar", 3),
                         "totals": [{"currency": "EUR", "amount": [None, None, 0, None, None, None, None, 0]}]},
                    ],
                },
            ],
            "week_totals": [EUR_WEEK, GBP_WEEK],
        }

    def test_projects_grouping_drops_rows_without_billable_entries(self, client: TestClient,
                                                                   billing: Billing) -> None:
        body = weekly(client, billing.admin, billing.ws, since="2023-10-02", calculate="earnings")

        assert body == {
            **BILLING_TOTALS,
            "data": [
                {"title": plain_title("Atlas", 1), "pid": billing.atlas.id,
                 "totals": [{"currency": "EUR", "amount": [100.0, None, None, None, None, None, None, 100.0]}],
                 "details": [{"uid": billing.lena.id, "title": {"user": "Lena Berg"},
                              "totals": [{"currency": "EUR",
                                          "amount": [100.0, None, None, None, None, None, None, 100.0]}]}]},
                {"title": plain_title("Beacon", 2), "pid": billing.beacon.id, "totals": [GBP_WEEK],
                 "details": [{"uid": billing.lena.id, "title": {"user": "Lena Berg"}, "totals": [GBP_WEEK]}]},
                {"title": plain_title("Cedar", 3), "pid": billing.cedar.id,
                 "totals": [{"currency": "EUR", "amount": [None, None, 0, None, None, None, None, 0]}],
                 "details": [{"uid": billing.lena.id, "title": {"user": "Lena Berg"},
                              "totals": [{"currency": "EUR", "amount": [None, None, 0, None, None, None, None, 0]}]}]},
            ],
            "week_totals": [EUR_WEEK, GBP_WEEK],
        }

    def test_time_mode_keeps_every_row(self, client: TestClient, billing: Billing) -> None:
        body = weekly(client, billing.admin, billing.ws, since="2023-10-02", grouping="users")

        assert body == {
            **BILLING_TOTALS,
            "data": [
                {"title": {"user": "Ada Admin"}, "uid": billing.admin.id,
                 "totals": [None, None, None, None, H, None, None, H],
                 "details": [{"pid": billing.dune.id, "title": plain_title("Dune", 4),
                              "totals": [None, None, None, None, H, None, None, H]}]},
                {"title": {"user": "Lena Berg"}, "uid": billing.lena.id,
                 "totals": [H, 7200000, 4800000, H, None, None, None, 19200000],
                 "details": [
                     {"pid": billing.atlas.id, "title": plain_title("Atlas", 1),
                      "totals": [H, 1800000, None, None, None, None, None, 5400000]},
                     {"pid": billing.beacon.id, "title": plain_title("Beacon", 2),
                      "totals": [None, 5400000, 1200000, None, None, None, None, 6600000]},
                     {"pid": billing.cedar.id, "title": plain_title("Cedar", 3),
                      "totals": [None, None, H, None, None, None, None, H]},
                     {"pid": billing.dune.id, "title": plain_title("Dune", 4),
                      "totals": [None, None, None, H, None, None, None, H]},
                 ]},
            ],
            "week_totals": [H, 7200000, 4800000, H, H, None, None, 22800000],
        }

    def test_nothing_billable_gives_empty_per_currency_week_totals(self, client: TestClient,
                                                                   billing: Billing) -> None:
        body = weekly(client, billing.admin, billing.ws, since="2023-10-02", calculate="earnings", billable="no")

        assert body == {
            "total_grand": 9000000,
            "total_billable": None,
            "total_currencies": [{"currency": None, "amount": None}],
            "data": [],
            "week_totals": [],
        }


# -- hidden money (§4.4) -------------------------------------------------------------------------

class TestHiddenMoney:
    def test_member_sees_time_but_no_money(self, client: TestClient, db: Session, example: Example) -> None:
        example.ws.only_admins_see_billable_rates = True
        db.commit()

        body = weekly(client, example.jonas, example.ws, since="2023-10-02", project_ids=str(example.spring.id))

        assert body == {
            "total_grand": 5400000,
            "total_billable": 5400000,
            "total_currencies": [{"currency": "", "amount": None}],
            "data": [
                {"title": spring_title(), "pid": example.spring.id,
                 "totals": [5400000, None, None, None, None, None, None, 5400000],
                 "details": [{"uid": example.mara.id, "title": {"user": "Mara Quint"},
                              "totals": [5400000, None, None, None, None, None, None, 5400000]}]},
            ],
            "week_totals": [5400000, None, None, None, None, None, None, 5400000],
        }

    def test_earnings_elements_are_null_per_currency(self, client: TestClient, db: Session,
                                                     billing: Billing) -> None:
        billing.ws.only_admins_see_billable_rates = True
        db.commit()

        body = weekly(client, billing.lena, billing.ws, since="2023-10-02", grouping="users", calculate="earnings")

        assert body == {
            "total_grand": 22800000,
            "total_billable": 13800000,
            "total_currencies": [{"currency": "", "amount": None}, {"currency": "", "amount": None}],
            "data": [
                {"title": {"user": "Lena Berg"}, "uid": billing.lena.id, "totals": [None, None],
                 "details": [
                     {"pid": billing.atlas.id, "title": plain_title("Atlas", 1), "totals": [None]},
                     {"pid": billing.beacon.id, "title": plain_title("Beacon", 2), "totals": [None]},
                     {"pid": billing.cedar.id, "title": plain_title("Cedar", 3), "totals": [None]},
                 ]},
            ],
            "week_totals": [None, None],
        }

    def test_admin_still_sees_money(self, client: TestClient, db: Session, billing: Billing) -> None:
        billing.ws.only_admins_see_billable_rates = True
        db.commit()

        body = weekly(client, billing.admin, billing.ws, since="2023-10-02", grouping="users", calculate="earnings")

        assert body["week_totals"] == [EUR_WEEK, GBP_WEEK]
        assert body["total_currencies"] == BILLING_TOTALS["total_currencies"]


# -- sorting (§3.6, O-84) ------------------------------------------------------------------------

@dataclass
class Sortable:
    ws: Workspace
    admin: User
    #: name -> project id (None for "no project")
    ids: dict[str, int | None]


@pytest.fixture
def sortable(db: Session) -> Sortable:
    """Four projects and "no project", created a < b < c < d (ids ascending). Hours per day:

             d1 d2 d3 d4 d5 d6 d7 | total    title
        a     1  -  3  -  -  -  - |  4       "alpha" / Zeta
        b     2  2  -  -  -  -  - |  4       "Alpha" / Beta
        c     -  1  1  -  -  -  - |  2       "bravo" / (no client)
        d     3  -  -  -  -  -  1 |  4       "Bravo" / Acme
        none  -  3  -  -  -  -  - |  3       null
    """
    admin = make_user(db, fullname="Ada Admin")
    ws = make_workspace(db, admin=admin)
    zeta = make_client(db, workspace_id=ws.id, name="Zeta")
    beta = make_client(db, workspace_id=ws.id, name="Beta")
    acme = make_client(db, workspace_id=ws.id, name="Acme")
    a = make_project(db, workspace_id=ws.id, name="alpha", client_id=zeta.id)
    b = make_project(db, workspace_id=ws.id, name="Alpha", client_id=beta.id)
    c = make_project(db, workspace_id=ws.id, name="bravo")
    d = make_project(db, workspace_id=ws.id, name="Bravo", client_id=acme.id)
    hours: dict[Project | None, list[int]] = {
        a: [1, 0, 3, 0, 0, 0, 0],
        b: [2, 2, 0, 0, 0, 0, 0],
        c: [0, 1, 1, 0, 0, 0, 0],
        d: [3, 0, 0, 0, 0, 0, 1],
        None: [0, 3, 0, 0, 0, 0, 0],
    }
    for project, days in hours.items():
        for i, h in enumerate(days):
            if h:
                make_entry(db, user=admin, workspace_id=ws.id, start=f"2023-10-0{i + 2}T08:00:00Z", seconds=h * 3600,
                           project_id=project.id if project else None)
    return Sortable(ws, admin, {"a": a.id, "b": b.id, "c": c.id, "d": d.id, "none": None})


# Time columns tie by id ascending (null id last) in both directions; title ties cannot happen here.
TIME_ORDERS = [
    ("title", "off", "b a d c none"),
    ("title", "on", "c d a b none"),
    ("day1", "off", "c none a b d"),
    ("day1", "on", "d b a c none"),
    ("day2", "off", "a d c b none"),
    ("day2", "on", "none b c a d"),
    ("day3", "off", "b d none c a"),
    ("day3", "on", "a c b d none"),
    ("day4", "off", "a b c d none"),
    ("day4", "on", "a b c d none"),
    ("day5", "off", "a b c d none"),
    ("day5", "on", "a b c d none"),
    ("day6", "off", "a b c d none"),
    ("day6", "on", "a b c d none"),
    ("day7", "off", "a b c none d"),
    ("day7", "on", "d a b c none"),
    ("week_total", "off", "c none a b d"),
    ("week_total", "on", "a b d none c"),
]


class TestOrder:
    @pytest.mark.parametrize(("field", "desc", "expected"), TIME_ORDERS)
    def test_time_mode(self, client: TestClient, sortable: Sortable, field: str, desc: str, expected: str) -> None:
        body = weekly(client, sortable.admin, sortable.ws, since="2023-10-02", order_field=field, order_desc=desc)

        assert [row["pid"] for row in body["data"]] == [sortable.ids[k] for k in expected.split()]

    def test_default_is_title_ascending(self, client: TestClient, sortable: Sortable) -> None:
        body = weekly(client, sortable.admin, sortable.ws, since="2023-10-02")

        assert [row["title"].get("project") for row in body["data"]] == ["Alpha", "alpha", "Bravo", "bravo", None]
        assert [row["title"]["client"] for row in body["data"]] == ["Beta", "Zeta", "Acme", None, None]

    def test_users_with_equal_names_tie_by_id_in_both_directions(self, client: TestClient, db: Session) -> None:
        admin = make_user(db, fullname="Zoe Zed")
        ws = make_workspace(db, admin=admin)
        first = make_user(db, fullname="sam lee")
        second = make_user(db, fullname="Sam Lee")
        third = make_user(db, fullname="Ann Bo")
        for u in (first, second, third):
            add_member(db, ws, u)
        for u in (second, admin, first, third):
            make_entry(db, user=u, workspace_id=ws.id, start="2023-10-02T08:00:00Z")

        up = weekly(client, admin, ws, since="2023-10-02", grouping="users")
        down = weekly(client, admin, ws, since="2023-10-02", grouping="users", order_desc="on")

        assert [r["uid"] for r in up["data"]] == [third.id, first.id, second.id, admin.id]
        assert [r["uid"] for r in down["data"]] == [admin.id, first.id, second.id, third.id]


@dataclass
class Priced:
    ws: Workspace
    admin: User
    member: User
    ids: dict[str, int]


@pytest.fixture
def priced(db: Session) -> Priced:
    """EUR workspace; every entry billable, by the member, created kilo < lima < mike < juliet.

        kilo    100 EUR/h  Mon 1 h    -> 100 EUR (Mon)
        lima     50 GBP/h  Mon 4 h    -> 200 GBP: 0 in the default currency
        mike     50 EUR/h  Tue 2 h    -> 100 EUR (Tue)
        juliet  100 EUR/h  Mon 30 min ->  50 EUR (Mon)
    """
    admin = make_user(db, fullname="Ada Admin")
    member = make_user(db, fullname="Max Member")
    ws = make_workspace(db, admin=admin, default_currency="EUR")
    add_member(db, ws, member)
    ids = {}
    for name, rate, cur, start, seconds in [
        ("Kilo", "100", None, "2023-10-02T08:00:00Z", 3600),
        ("Lima", "50", "GBP", "2023-10-02T10:00:00Z", 4 * 3600),
        ("Mike", "50", None, "2023-10-03T08:00:00Z", 7200),
        ("juliet", "100", None, "2023-10-02T15:00:00Z", 1800),
    ]:
        p = make_project(db, workspace_id=ws.id, name=name, rate=Decimal(rate), currency=cur)
        make_entry(db, user=member, workspace_id=ws.id, start=start, seconds=seconds, project_id=p.id,
                   billable=True)
        ids[name.lower()] = p.id
    return Priced(ws, admin, member, ids)


# Money columns: the default-currency amount (0 when absent), ties by title ascending.
MONEY_ORDERS = [
    ("week_total", "off", "lima juliet kilo mike"),
    ("week_total", "on", "kilo mike juliet lima"),
    ("day1", "off", "lima mike juliet kilo"),
    ("day1", "on", "kilo juliet lima mike"),
    ("day2", "off", "juliet kilo lima mike"),
    ("day2", "on", "mike juliet kilo lima"),
    ("day3", "on", "juliet kilo lima mike"),
    ("title", "on", "mike lima kilo juliet"),
]


class TestMoneyOrder:
    @pytest.mark.parametrize(("field", "desc", "expected"), MONEY_ORDERS)
    def test_earnings_mode(self, client: TestClient, priced: Priced, field: str, desc: str, expected: str) -> None:
        body = weekly(client, priced.admin, priced.ws, since="2023-10-02", calculate="earnings",
                      order_field=field, order_desc=desc)

        assert [row["pid"] for row in body["data"]] == [priced.ids[k] for k in expected.split()]

    def test_hidden_money_sorts_as_if_every_amount_were_absent(self, client: TestClient, db: Session,
                                                                priced: Priced) -> None:
        priced.ws.only_admins_see_billable_rates = True
        db.commit()

        body = weekly(client, priced.member, priced.ws, since="2023-10-02", calculate="earnings",
                      order_field="week_total", order_desc="on")

        assert [row["pid"] for row in body["data"]] == [priced.ids[k] for k in ("juliet", "kilo", "lima", "mike")]
        assert [row["totals"] for row in body["data"]] == [[None]] * 4

    def test_time_columns_in_time_mode_ignore_money(self, client: TestClient, priced: Priced) -> None:
        body = weekly(client, priced.admin, priced.ws, since="2023-10-02", order_field="week_total", order_desc="on")

        assert [row["pid"] for row in body["data"]] == [priced.ids[k] for k in ("lima", "mike", "kilo", "juliet")]


# -- days in the owner's zone across DST changes ---------------------------------------------------

@dataclass
class Travellers:
    ws: Workspace
    admin: User
    berlin: User
    new_york: User


@pytest.fixture
def travellers(db: Session) -> Travellers:
    admin = make_user(db, fullname="Ada Admin", timezone="Etc/UTC")
    berlin = make_user(db, fullname="Bea Berlin", timezone="Europe/Berlin")
    new_york = make_user(db, fullname="Ned York", timezone="America/New_York")
    ws = make_workspace(db, admin=admin)
    add_member(db, ws, berlin)
    add_member(db, ws, new_york)
    for who, start, seconds in [
        # Berlin leaves summer time on Sunday 2023-10-29 at 03:00 CEST (UTC+2 -> UTC+1).
        (berlin, "2023-10-28T21:30:00Z", 600),   # Sat 23:30 CEST
        (berlin, "2023-10-28T22:30:00Z", 1200),  # Sun 00:30 CEST (Saturday in UTC)
        (berlin, "2023-10-29T22:30:00Z", 1800),  # Sun 23:30 CET
        (berlin, "2023-10-29T23:30:00Z", 2400),  # Mon 30th 00:30 CET: the next week
        (new_york, "2023-10-30T03:30:00Z", 300),  # Sun 29th 23:30 EDT (Monday in UTC)
        # New York leaves summer time on Sunday 2023-11-05 at 02:00 EDT (UTC-4 -> UTC-5).
        (new_york, "2023-11-05T03:30:00Z", 600),   # Sat 4th 23:30 EDT (Sunday in UTC)
        (new_york, "2023-11-05T04:30:00Z", 1200),  # Sun 00:30 EDT
        (new_york, "2023-11-06T04:30:00Z", 1800),  # Sun 23:30 EST (Monday in UTC)
        (new_york, "2023-11-06T05:30:00Z", 2400),  # Mon 6th 00:30 EST: the next week
        (berlin, "2023-11-05T23:30:00Z", 3000),    # Mon 6th 00:30 CET: the next week (Sunday in UTC)
    ]:
        make_entry(db, user=who, workspace_id=ws.id, start=start, seconds=seconds)
    return Travellers(ws, admin, berlin, new_york)


class TestDaylightSaving:
    def test_berlin_week_ending_on_the_change(self, client: TestClient, travellers: Travellers) -> None:
        body = weekly(client, travellers.admin, travellers.ws, since="2023-10-23", grouping="users")

        assert body == {
            "total_grand": 3900000,
            "total_billable": None,
            "total_currencies": [{"currency": None, "amount": None}],
            "data": [
                {"title": {"user": "Bea Berlin"}, "uid": travellers.berlin.id,
                 "totals": [None, None, None, None, None, 600000, 3000000, 3600000],
                 "details": [{"pid": None, "title": NO_PROJECT,
                              "totals": [None, None, None, None, None, 600000, 3000000, 3600000]}]},
                {"title": {"user": "Ned York"}, "uid": travellers.new_york.id,
                 "totals": [None, None, None, None, None, None, 300000, 300000],
                 "details": [{"pid": None, "title": NO_PROJECT,
                              "totals": [None, None, None, None, None, None, 300000, 300000]}]},
            ],
            "week_totals": [None, None, None, None, None, 600000, 3300000, 3900000],
        }

    def test_new_york_week_ending_on_the_change(self, client: TestClient, travellers: Travellers) -> None:
        body = weekly(client, travellers.admin, travellers.ws, since="2023-10-30", grouping="users")

        assert body == {
            "total_grand": 3600000 + 2400000,
            "total_billable": None,
            "total_currencies": [{"currency": None, "amount": None}],
            "data": [
                {"title": {"user": "Bea Berlin"}, "uid": travellers.berlin.id,
                 "totals": [2400000, None, None, None, None, None, None, 2400000],
                 "details": [{"pid": None, "title": NO_PROJECT,
                              "totals": [2400000, None, None, None, None, None, None, 2400000]}]},
                {"title": {"user": "Ned York"}, "uid": travellers.new_york.id,
                 "totals": [None, None, None, None, None, 600000, 3000000, 3600000],
                 "details": [{"pid": None, "title": NO_PROJECT,
                              "totals": [None, None, None, None, None, 600000, 3000000, 3600000]}]},
            ],
            "week_totals": [2400000, None, None, None, None, 600000, 3000000, 6000000],
        }


# -- since / until (§6.1, O-81) ------------------------------------------------------------------

class TestDates:
    def test_since_defaults_to_six_days_before_today_in_the_requesters_zone(self, client: TestClient,
                                                                            db: Session) -> None:
        tz = "Pacific/Kiritimati"  # UTC+14: "today" here is often tomorrow in UTC
        admin = make_user(db, fullname="Kai Kiri", timezone=tz)
        ws = make_workspace(db, admin=admin)
        today = datetime.now(ZoneInfo(tz)).date()

        def noon(day: date) -> datetime:
            return datetime.combine(day, time(12), tzinfo=ZoneInfo(tz))

        make_entry(db, user=admin, workspace_id=ws.id, start=noon(today - timedelta(days=7)), seconds=60)
        make_entry(db, user=admin, workspace_id=ws.id, start=noon(today - timedelta(days=6)), seconds=120)
        make_entry(db, user=admin, workspace_id=ws.id, start=noon(today), seconds=180)

        body = weekly(client, admin, ws)

        assert body["total_grand"] == 300000
        assert body["week_totals"] == [120000, None, None, None, None, None, 180000, 300000]

    def test_until_is_ignored_when_not_before_since(self, client: TestClient, example: Example) -> None:
        plain = weekly(client, example.mara, example.ws, since="2023-10-02")

        assert weekly(client, example.mara, example.ws, since="2023-10-02", until="2023-10-02") == plain
        assert weekly(client, example.mara, example.ws, since="2023-10-02", until="2027-01-01") == plain

    def test_until_before_since_is_400(self, client: TestClient, example: Example) -> None:
        r = get_report(client, "weekly", example.mara, workspace_id=example.ws.id, since="2023-10-02",
                       until="2023-10-01")

        assert r.status_code == 400
        assert r.json() == error(400, "until must not be earlier than since")

    def test_until_before_default_since_is_400(self, client: TestClient, example: Example) -> None:
        r = get_report(client, "weekly", example.mara, workspace_id=example.ws.id, until="2023-10-01")

        assert r.status_code == 400
        assert r.json() == error(400, "until must not be earlier than since")

    def test_malformed_until_is_400(self, client: TestClient, example: Example) -> None:
        r = get_report(client, "weekly", example.mara, workspace_id=example.ws.id, since="2023-10-02",
                       until="next week")

        assert r.status_code == 400
        assert r.json() == error(400, "until has an invalid value")

    def test_entries_before_and_after_the_seven_days_are_left_out(self, client: TestClient,
                                                                  example: Example) -> None:
        body = weekly(client, example.mara, example.ws, since="2023-10-03")

        # Monday's homepage entry is before day 1; Thursday's entry is now day 3.
        assert body["week_totals"] == [9000000, 5400000, 7200000, None, None, None, None, 21600000]
        assert body["total_grand"] == 21600000


# -- rounding (§3.7) -----------------------------------------------------------------------------

class TestRounding:
    @pytest.fixture
    def rounded(self, db: Session) -> tuple[User, Workspace]:
        admin = make_user(db, fullname="Ada Admin")
        ws = make_workspace(db, admin=admin, default_currency="EUR", default_hourly_rate=Decimal("60"),
                            rounding=1, rounding_minutes=15)
        make_entry(db, user=admin, workspace_id=ws.id, start="2023-10-02T08:00:00Z", seconds=420, billable=True)
        make_entry(db, user=admin, workspace_id=ws.id, start="2023-10-03T08:00:00Z", seconds=960, billable=True)
        return admin, ws

    def test_rounding_on_rounds_each_entry_up_to_15_minutes(self, client: TestClient,
                                                            rounded: tuple[User, Workspace]) -> None:
        admin, ws = rounded

        time_mode = weekly(client, admin, ws, since="2023-10-02", rounding="on")
        money = weekly(client, admin, ws, since="2023-10-02", rounding="on", calculate="earnings")

        assert time_mode["week_totals"] == [900000, 1800000, None, None, None, None, None, 2700000]
        assert time_mode["total_grand"] == 2700000
        assert money["week_totals"] == [{"currency": "EUR",
                                         "amount": [15.0, 30.0, None, None, None, None, None, 45.0]}]
        assert money["total_currencies"] == [{"currency": "EUR", "amount": 45.0}]

    def test_rounding_off_uses_stored_durations(self, client: TestClient, rounded: tuple[User, Workspace]) -> None:
        admin, ws = rounded

        time_mode = weekly(client, admin, ws, since="2023-10-02")
        money = weekly(client, admin, ws, since="2023-10-02", calculate="earnings", rounding="off")

        assert time_mode["week_totals"] == [420000, 960000, None, None, None, None, None, 1380000]
        assert money["week_totals"] == [{"currency": "EUR", "amount": [7.0, 16.0, None, None, None, None, None, 23.0]}]


# -- common filters ------------------------------------------------------------------------------

class TestFilters:
    def test_billable_yes(self, client: TestClient, example: Example) -> None:
        body = weekly(client, example.mara, example.ws, since="2023-10-02", billable="yes")

        assert [row["pid"] for row in body["data"]] == [example.ferry.id, example.spring.id]
        assert body["week_totals"] == [5400000, 9000000, 5400000, None, None, None, None, 19800000]
        assert body["total_grand"] == 19800000

    def test_project_ids_zero_selects_entries_without_project(self, client: TestClient, example: Example) -> None:
        body = weekly(client, example.mara, example.ws, since="2023-10-02", project_ids="0")

        assert body == {
            "total_grand": 7200000,
            "total_billable": None,
            "total_currencies": [{"currency": None, "amount": None}],
            "data": [
                {"title": NO_PROJECT, "pid": None,
                 "totals": [None, None, None, 7200000, None, None, None, 7200000],
                 "details": [{"uid": example.jonas.id, "title": {"user": "Jonas Weber"},
                              "totals": [None, None, None, 7200000, None, None, None, 7200000]}]},
            ],
            "week_totals": [None, None, None, 7200000, None, None, None, 7200000],
        }

    def test_user_ids(self, client: TestClient, example: Example) -> None:
        body = weekly(client, example.mara, example.ws, since="2023-10-02", user_ids=str(example.jonas.id),
                      grouping="users", calculate="earnings")

        assert body == {
            "total_grand": 12600000,
            "total_billable": 5400000,
            "total_currencies": [{"currency": "EUR", "amount": 120.0}],
            "data": [
                {"title": {"user": "Jonas Weber"}, "uid": example.jonas.id,
                 "totals": [{"currency": "EUR", "amount": [None, None, 120.0, None, None, None, None, 120.0]}],
                 "details": [{"pid": example.ferry.id, "title": ferry_title(),
                              "totals": [{"currency": "EUR",
                                          "amount": [None, None, 120.0, None, None, None, None, 120.0]}]}]},
            ],
            "week_totals": [{"currency": "EUR", "amount": [None, None, 120.0, None, None, None, None, 120.0]}],
        }

    def test_empty_result(self, client: TestClient, example: Example) -> None:
        body = weekly(client, example.mara, example.ws, since="2024-01-01")

        assert body == EMPTY_TIME

    def test_empty_result_in_earnings_mode(self, client: TestClient, example: Example) -> None:
        body = weekly(client, example.mara, example.ws, since="2024-01-01", calculate="earnings")

        assert body == {**EMPTY_TIME, "week_totals": []}


# -- parameters ----------------------------------------------------------------------------------

class TestParameters:
    @pytest.mark.parametrize(("name", "value"), [
        ("grouping", "clients"),
        ("calculate", "money"),
        ("order_field", "day8"),
        ("order_field", "duration"),
        ("order_desc", "yes"),
        ("billable", "maybe"),
        ("since", "2023-13-01"),
    ])
    def test_invalid_values_are_400(self, client: TestClient, example: Example, name: str, value: str) -> None:
        r = get_report(client, "weekly", example.mara, workspace_id=example.ws.id, **{name: value})

        assert r.status_code == 400
        assert r.json() == error(400, f"{name} has an invalid value")

    def test_workspace_id_is_required(self, client: TestClient, example: Example) -> None:
        r = get_report(client, "weekly", example.mara)

        assert r.status_code == 400
        assert r.json() == error(400, "workspace_id is required")

    def test_non_member_is_403(self, client: TestClient, db: Session, example: Example) -> None:
        stranger = make_user(db, fullname="Otto Out")

        r = get_report(client, "weekly", stranger, workspace_id=example.ws.id)

        assert r.status_code == 403
        assert r.json()["error"]["code"] == 403
        assert r.json()["error"]["message"] == f"You are not a member of workspace {example.ws.id}"

    def test_running_entries_are_left_out(self, client: TestClient, db: Session, example: Example) -> None:
        make_entry(db, user=example.mara, workspace_id=example.ws.id, start=at("2023-10-06T08:00:00Z"), seconds=None)

        body = weekly(client, example.mara, example.ws, since="2023-10-02")

        assert body["week_totals"] == [5400000, 9000000, 5400000, 7200000, None, None, None, 27000000]
