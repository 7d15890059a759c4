"""``GET /reports/api/v2/summary`` (50-reports §8; §3 params, §3.6 order, §3.8 distinct rates, §4.4, §5)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from punchclock.models import Project, User, Workspace
from tests.api.reports.conftest import Example, get_report
from tests.factories import add_member, add_project_user, make_entry, make_project, make_user, make_workspace

WEEK = {"since": "2023-10-02", "until": "2023-10-08"}
TIP = "Change your request and try again. See the punchclock API documentation."
EMPTY = {"total_grand": None, "total_billable": None, "total_currencies": [{"currency": None, "amount": None}],
         "data": []}


def summary(client: TestClient, user: User, ws: Workspace, **params: Any) -> dict[str, Any]:
    response = get_report(client, "summary", user, workspace_id=ws.id, **params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


# -- expected-JSON builders ---------------------------------------------------------------------------

def project_title(p: Project | None, client: str | None = None) -> dict[str, Any]:
    if p is None:
        return {"project": None, "client": None}
    hexes = {6: "#14a88e", 7: "#268bb5", 0: "#4dc3ff"}
    return {"project": p.name, "client": client, "color": str(p.color), "color_hex": hexes[p.color],
            "hex_color": hexes[p.color]}


def item(title: dict[str, Any], ms: int, total: float | int, rate: float | None, cur: str = "EUR",
         **extra: str) -> dict[str, Any]:
    return {"title": title, "time": ms, "cur": cur, "sum": total, "rate": rate, **extra}


def group(gid: int | None, title: dict[str, Any], ms: int, currencies: list[tuple[str, float]],
          items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"id": gid, "title": title, "time": ms,
            "total_currencies": [{"currency": c, "amount": a} for c, a in currencies], "items": items}


def ferry(e: Example) -> dict[str, Any]:
    return project_title(e.ferry, "Harbour Ferries")


def spring(e: Example) -> dict[str, Any]:
    return project_title(e.spring, "Northwind Bakery")


def entry(description: str) -> dict[str, Any]:
    return {"time_entry": description}


def user(name: str) -> dict[str, Any]:
    return {"user": name}


def task(name: str | None) -> dict[str, Any]:
    return {"task": name}


def client_t(name: str | None) -> dict[str, Any]:
    return {"client": name}


EXAMPLE_TOTALS = {"total_grand": 27000000, "total_billable": 19800000,
                  "total_currencies": [{"currency": "EUR", "amount": 395.0}]}


# -- the contract's example ---------------------------------------------------------------------------

class TestContractExample:
    def test_reproduces_8_4(self, client: TestClient, example: Example) -> None:
        e = example
        body = summary(client, e.mara, e.ws, grouping="projects", subgrouping="users", subgrouping_ids="true",
                       **WEEK)
        assert body == {
            **EXAMPLE_TOTALS,
            "data": [
                {
                    "id": e.ferry.id,
                    "title": {"project": "Ferry timetable app", "client": "Harbour Ferries",
                              "color": "6", "color_hex": "#14a88e", "hex_color": "#14a88e"},
                    "time": 14400000,
                    "total_currencies": [{"currency": "EUR", "amount": 320.0}],
                    "items": [
                        {"title": {"user": "Jonas Weber"}, "time": 5400000, "cur": "EUR", "sum": 120.0,
                         "rate": 80.0, "ids": str(e.jonas.id)},
                        {"title": {"user": "Mara Quint"}, "time": 9000000, "cur": "EUR", "sum": 200.0,
                         "rate": 80.0, "ids": str(e.mara.id)},
                    ],
                },
                {
                    "id": e.spring.id,
                    "title": {"project": "Spring menu site", "client": "Northwind Bakery",
                              "color": "7", "color_hex": "#268bb5", "hex_color": "#268bb5"},
                    "time": 5400000,
                    "total_currencies": [{"currency": "EUR", "amount": 75.0}],
                    "items": [
                        {"title": {"user": "Mara Quint"}, "time": 5400000, "cur": "EUR", "sum": 75.0,
                         "rate": 50.0, "ids": str(e.mara.id)},
                    ],
                },
                {
                    "id": None,
                    "title": {"project": None, "client": None},
                    "time": 7200000,
                    "total_currencies": [],
                    "items": [
                        {"title": {"user": "Jonas Weber"}, "time": 7200000, "cur": "EUR", "sum": 0,
                         "rate": 80.0, "ids": str(e.jonas.id)},
                    ],
                },
            ],
        }

    def test_defaults_are_projects_and_time_entries(self, client: TestClient, example: Example) -> None:
        e = example
        assert summary(client, e.mara, e.ws, **WEEK) == summary(
            client, e.mara, e.ws, grouping="projects", subgrouping="time_entries", order_field="title",
            order_desc="off", distinct_rates="off", **WEEK)


# -- every allowed grouping x sub-grouping pair ---------------------------------------------------------

def _projects_time_entries(e: Example) -> list[dict[str, Any]]:
    return [
        group(e.ferry.id, ferry(e), 14400000, [("EUR", 320.0)], [
            item(entry("Timetable import"), 5400000, 120.0, 80.0),
            item(entry("Wireframes for booking flow"), 9000000, 200.0, 80.0),
        ]),
        group(e.spring.id, spring(e), 5400000, [("EUR", 75.0)], [item(entry("Homepage layout"), 5400000, 75.0, 50.0)]),
        group(None, project_title(None), 7200000, [], [item(entry("Team meeting"), 7200000, 0, 80.0)]),
    ]


def _projects_tasks(e: Example) -> list[dict[str, Any]]:
    return [
        group(e.ferry.id, ferry(e), 14400000, [("EUR", 320.0)], [
            item(task("Wireframes"), 9000000, 200.0, 80.0),
            item(task(None), 5400000, 120.0, 80.0),
        ]),
        group(e.spring.id, spring(e), 5400000, [("EUR", 75.0)], [item(task(None), 5400000, 75.0, 50.0)]),
        group(None, project_title(None), 7200000, [], [item(task(None), 7200000, 0, 80.0)]),
    ]


def _projects_users(e: Example) -> list[dict[str, Any]]:
    return [
        group(e.ferry.id, ferry(e), 14400000, [("EUR", 320.0)], [
            item(user("Jonas Weber"), 5400000, 120.0, 80.0),
            item(user("Mara Quint"), 9000000, 200.0, 80.0),
        ]),
        group(e.spring.id, spring(e), 5400000, [("EUR", 75.0)], [item(user("Mara Quint"), 5400000, 75.0, 50.0)]),
        group(None, project_title(None), 7200000, [], [item(user("Jonas Weber"), 7200000, 0, 80.0)]),
    ]


def _clients_time_entries(e: Example) -> list[dict[str, Any]]:
    return [
        group(e.harbour.id, client_t("Harbour Ferries"), 14400000, [("EUR", 320.0)], [
            item(entry("Timetable import"), 5400000, 120.0, 80.0),
            item(entry("Wireframes for booking flow"), 9000000, 200.0, 80.0),
        ]),
        group(e.northwind.id, client_t("Northwind Bakery"), 5400000, [("EUR", 75.0)],
              [item(entry("Homepage layout"), 5400000, 75.0, 50.0)]),
        group(None, client_t(None), 7200000, [], [item(entry("Team meeting"), 7200000, 0, 80.0)]),
    ]


def _clients_tasks(e: Example) -> list[dict[str, Any]]:
    return [
        group(e.harbour.id, client_t("Harbour Ferries"), 14400000, [("EUR", 320.0)], [
            item(task("Wireframes"), 9000000, 200.0, 80.0),
            item(task(None), 5400000, 120.0, 80.0),
        ]),
        group(e.northwind.id, client_t("Northwind Bakery"), 5400000, [("EUR", 75.0)],
              [item(task(None), 5400000, 75.0, 50.0)]),
        group(None, client_t(None), 7200000, [], [item(task(None), 7200000, 0, 80.0)]),
    ]


def _clients_projects(e: Example) -> list[dict[str, Any]]:
    return [
        group(e.harbour.id, client_t("Harbour Ferries"), 14400000, [("EUR", 320.0)],
              [item(ferry(e), 14400000, 320.0, 80.0)]),
        group(e.northwind.id, client_t("Northwind Bakery"), 5400000, [("EUR", 75.0)],
              [item(spring(e), 5400000, 75.0, 50.0)]),
        group(None, client_t(None), 7200000, [], [item(project_title(None), 7200000, 0, 80.0)]),
    ]


def _clients_users(e: Example) -> list[dict[str, Any]]:
    return [
        group(e.harbour.id, client_t("Harbour Ferries"), 14400000, [("EUR", 320.0)], [
            item(user("Jonas Weber"), 5400000, 120.0, 80.0),
            item(user("Mara Quint"), 9000000, 200.0, 80.0),
        ]),
        group(e.northwind.id, client_t("Northwind Bakery"), 5400000, [("EUR", 75.0)],
              [item(user("Mara Quint"), 5400000, 75.0, 50.0)]),
        group(None, client_t(None), 7200000, [], [item(user("Jonas Weber"), 7200000, 0, 80.0)]),
    ]


def _users_time_entries(e: Example) -> list[dict[str, Any]]:
    # A user group has an id, so it lists its currencies even with nothing billable in them (O-80).
    return [
        group(e.jonas.id, user("Jonas Weber"), 12600000, [("EUR", 120.0)], [
            item(entry("Team meeting"), 7200000, 0, 80.0),
            item(entry("Timetable import"), 5400000, 120.0, 80.0),
        ]),
        group(e.mara.id, user("Mara Quint"), 14400000, [("EUR", 275.0)], [
            item(entry("Homepage layout"), 5400000, 75.0, 50.0),
            item(entry("Wireframes for booking flow"), 9000000, 200.0, 80.0),
        ]),
    ]


def _users_tasks(e: Example) -> list[dict[str, Any]]:
    return [
        group(e.jonas.id, user("Jonas Weber"), 12600000, [("EUR", 120.0)],
              [item(task(None), 12600000, 120.0, 80.0)]),
        group(e.mara.id, user("Mara Quint"), 14400000, [("EUR", 275.0)], [
            item(task("Wireframes"), 9000000, 200.0, 80.0),
            # Homepage at 50/h alone: the rate is shared by the item's only entry.
            item(task(None), 5400000, 75.0, 50.0),
        ]),
    ]


def _users_projects(e: Example) -> list[dict[str, Any]]:
    return [
        group(e.jonas.id, user("Jonas Weber"), 12600000, [("EUR", 120.0)], [
            item(ferry(e), 5400000, 120.0, 80.0),
            item(project_title(None), 7200000, 0, 80.0),
        ]),
        group(e.mara.id, user("Mara Quint"), 14400000, [("EUR", 275.0)], [
            item(ferry(e), 9000000, 200.0, 80.0),
            item(spring(e), 5400000, 75.0, 50.0),
        ]),
    ]


def _users_clients(e: Example) -> list[dict[str, Any]]:
    return [
        group(e.jonas.id, user("Jonas Weber"), 12600000, [("EUR", 120.0)], [
            item(client_t("Harbour Ferries"), 5400000, 120.0, 80.0),
            item(client_t(None), 7200000, 0, 80.0),
        ]),
        group(e.mara.id, user("Mara Quint"), 14400000, [("EUR", 275.0)], [
            item(client_t("Harbour Ferries"), 9000000, 200.0, 80.0),
            item(client_t("Northwind Bakery"), 5400000, 75.0, 50.0),
        ]),
    ]


ALLOWED: dict[tuple[str, str], Callable[[Example], list[dict[str, Any]]]] = {
    ("projects", "time_entries"): _projects_time_entries,
    ("projects", "tasks"): _projects_tasks,
    ("projects", "users"): _projects_users,
    ("clients", "time_entries"): _clients_time_entries,
    ("clients", "tasks"): _clients_tasks,
    ("clients", "projects"): _clients_projects,
    ("clients", "users"): _clients_users,
    ("users", "time_entries"): _users_time_entries,
    ("users", "tasks"): _users_tasks,
    ("users", "projects"): _users_projects,
    ("users", "clients"): _users_clients,
}
FORBIDDEN = [("projects", "projects"), ("projects", "clients"), ("clients", "clients"), ("users", "users")]


class TestGroupingPairs:
    @pytest.mark.parametrize(("grouping", "subgrouping"), list(ALLOWED))
    def test_allowed_pair(self, client: TestClient, example: Example, grouping: str, subgrouping: str) -> None:
        body = summary(client, example.mara, example.ws, grouping=grouping, subgrouping=subgrouping, **WEEK)
        assert body == {**EXAMPLE_TOTALS, "data": ALLOWED[(grouping, subgrouping)](example)}

    @pytest.mark.parametrize(("grouping", "subgrouping"), FORBIDDEN)
    def test_forbidden_pair(self, client: TestClient, example: Example, grouping: str, subgrouping: str) -> None:
        response = get_report(client, "summary", example.mara, workspace_id=example.ws.id, grouping=grouping,
                              subgrouping=subgrouping, **WEEK)
        assert response.status_code == 400
        assert response.json() == {"error": {
            "message": f"subgrouping {subgrouping} is not allowed with grouping {grouping}", "tip": TIP, "code": 400}}

    @pytest.mark.parametrize(("name", "value"), [
        ("grouping", "tasks"), ("grouping", "time_entries"), ("subgrouping", "tags"), ("order_field", "date"),
        ("order_desc", "yes"), ("distinct_rates", "true"), ("subgrouping_ids", "on"),
        ("grouped_time_entry_ids", "1"),
    ])
    def test_invalid_value_names_the_parameter(self, client: TestClient, example: Example, name: str,
                                               value: str) -> None:
        response = get_report(client, "summary", example.mara, workspace_id=example.ws.id, **{name: value}, **WEEK)
        assert response.status_code == 400
        assert response.json() == {"error": {"message": f"{name} has an invalid value", "tip": TIP, "code": 400}}


# -- distinct rates (§3.8, O-65) ----------------------------------------------------------------------

@dataclass
class MixedRates:
    ws: Workspace
    admin: User
    ann: User
    ben: User
    project: Project


@pytest.fixture
def mixed(db: Session) -> MixedRates:
    """Project "Portal" at 60 EUR/h; Ben has a project-user rate of 90. Every entry says "Dev".

    Ann  3600 s billable   -> 60.00 at 60
    Ben  1800 s billable   -> 45.00 at 90
    Ben  3600 s not billable        at 90
    """
    admin = make_user(db, fullname="Ann Admin")
    ben = make_user(db, fullname="Ben Builder")
    ws = make_workspace(db, admin=admin, default_currency="EUR", default_hourly_rate=Decimal("10"))
    add_member(db, ws, ben)
    portal = make_project(db, workspace_id=ws.id, name="Portal", rate=Decimal("60"))
    add_project_user(db, portal, ben, rate=Decimal("90"))
    for who, seconds, billable, day in [(admin, 3600, True, 2), (ben, 1800, True, 3), (ben, 3600, False, 4)]:
        make_entry(db, user=who, workspace_id=ws.id, start=f"2023-10-0{day}T09:00:00Z", seconds=seconds,
                   project_id=portal.id, billable=billable, description="Dev")
    return MixedRates(ws, admin, admin, ben, portal)


class TestDistinctRates:
    def test_off_one_item_without_shared_rate(self, client: TestClient, mixed: MixedRates) -> None:
        body = summary(client, mixed.admin, mixed.ws, **WEEK)
        assert body == {
            "total_grand": 9000000, "total_billable": 5400000,
            "total_currencies": [{"currency": "EUR", "amount": 105.0}],
            "data": [group(mixed.project.id, project_title(mixed.project), 9000000, [("EUR", 105.0)],
                           [item(entry("Dev"), 9000000, 105.0, None)])],
        }

    def test_on_one_item_per_rate(self, client: TestClient, mixed: MixedRates) -> None:
        body = summary(client, mixed.admin, mixed.ws, distinct_rates="on", **WEEK)
        assert body["data"] == [group(mixed.project.id, project_title(mixed.project), 9000000, [("EUR", 105.0)], [
            # Equal titles: the item holding the smaller entry id first (Ann's entry was made first).
            item(entry("Dev"), 3600000, 60.0, 60.0),
            item(entry("Dev"), 5400000, 45.0, 90.0),
        ])]

    def test_off_rate_shared_by_billable_and_non_billable(self, client: TestClient, mixed: MixedRates) -> None:
        body = summary(client, mixed.admin, mixed.ws, subgrouping="users", **WEEK)
        assert body["data"][0]["items"] == [
            item(user("Ann Admin"), 3600000, 60.0, 60.0),
            item(user("Ben Builder"), 5400000, 45.0, 90.0),
        ]

    def test_on_with_ids(self, client: TestClient, db: Session, mixed: MixedRates) -> None:
        body = summary(client, mixed.admin, mixed.ws, distinct_rates="on", subgrouping_ids="true",
                       grouped_time_entry_ids="true", **WEEK)
        ids = sorted(e["id"] for e in get_report(client, "details", mixed.admin, workspace_id=mixed.ws.id,
                                                     **WEEK).json()["data"])
        assert [(i["rate"], i["ids"], i["time_entry_ids"]) for i in body["data"][0]["items"]] == [
            (60.0, str(ids[0]), str(ids[0])),
            (90.0, f"{ids[1]},{ids[2]}", f"{ids[1]},{ids[2]}"),
        ]


# -- one sub-group in two currencies ------------------------------------------------------------------

class TestCurrencies:
    def test_item_spanning_two_currencies_splits(self, client: TestClient, db: Session) -> None:
        owner = make_user(db, fullname="Cleo Cross")
        ws = make_workspace(db, admin=owner, default_currency="EUR", default_hourly_rate=Decimal("10"))
        euro = make_project(db, workspace_id=ws.id, name="Euro work", rate=Decimal("100"))
        pound = make_project(db, workspace_id=ws.id, name="Pound work", rate=Decimal("50"), currency="GBP")
        first = make_entry(db, user=owner, workspace_id=ws.id, start="2023-10-02T09:00:00Z", seconds=1800,
                           project_id=pound.id, billable=True, description="Support")
        second = make_entry(db, user=owner, workspace_id=ws.id, start="2023-10-03T09:00:00Z", seconds=3600,
                            project_id=euro.id, billable=True, description="Support")
        third = make_entry(db, user=owner, workspace_id=ws.id, start="2023-10-04T09:00:00Z", seconds=3600,
                           project_id=pound.id, billable=False, description="Support")
        body = summary(client, owner, ws, grouping="users", subgrouping="time_entries", grouped_time_entry_ids="true",
                       **WEEK)
        assert body == {
            "total_grand": 9000000, "total_billable": 5400000,
            "total_currencies": [{"currency": "EUR", "amount": 100.0}, {"currency": "GBP", "amount": 25.0}],
            "data": [group(owner.id, user("Cleo Cross"), 9000000, [("EUR", 100.0), ("GBP", 25.0)], [
                # Same title: the item with the smaller entry id comes first.
                item(entry("Support"), 5400000, 25.0, 50.0, cur="GBP", time_entry_ids=f"{first.id},{third.id}"),
                item(entry("Support"), 3600000, 100.0, 100.0, time_entry_ids=str(second.id)),
            ])],
        }

    def test_group_with_only_non_billable_entries_lists_zero(self, client: TestClient, example: Example) -> None:
        body = summary(client, example.mara, example.ws, billable="no", **WEEK)
        assert body == {
            "total_grand": 7200000, "total_billable": None,
            "total_currencies": [{"currency": None, "amount": None}],
            "data": [group(None, project_title(None), 7200000, [], [item(entry("Team meeting"), 7200000, 0, 80.0)])],
        }
        by_user = summary(client, example.mara, example.ws, billable="no", grouping="users", **WEEK)
        assert by_user["data"] == [group(example.jonas.id, user("Jonas Weber"), 7200000, [("EUR", 0)],
                                         [item(entry("Team meeting"), 7200000, 0, 80.0)])]


# -- subgrouping_ids / grouped_time_entry_ids (O-67) ---------------------------------------------------

class TestIds:
    def test_time_entries_ids_are_entry_ids(self, client: TestClient, db: Session, example: Example) -> None:
        e = example
        second_meeting = make_entry(db, user=e.jonas, workspace_id=e.ws.id, start="2023-10-06T10:00:00Z",
                                    seconds=1800, billable=False, description="Team meeting")
        body = summary(client, e.mara, e.ws, subgrouping_ids="true", grouped_time_entry_ids="true", **WEEK)
        both = f"{e.no_project.id},{second_meeting.id}"
        assert [(i["title"], i["ids"], i["time_entry_ids"]) for g in body["data"] for i in g["items"]] == [
            (entry("Timetable import"), str(e.timetable.id), str(e.timetable.id)),
            (entry("Wireframes for booking flow"), str(e.wireframes.id), str(e.wireframes.id)),
            (entry("Homepage layout"), str(e.homepage.id), str(e.homepage.id)),
            (entry("Team meeting"), both, both),
        ]

    def test_object_ids_and_none(self, client: TestClient, example: Example) -> None:
        e = example
        body = summary(client, e.mara, e.ws, grouping="users", subgrouping="tasks", subgrouping_ids="true",
                       grouped_time_entry_ids="true", **WEEK)
        assert body["data"] == [
            group(e.jonas.id, user("Jonas Weber"), 12600000, [("EUR", 120.0)], [
                item(task(None), 12600000, 120.0, 80.0, ids="",
                     time_entry_ids=f"{e.timetable.id},{e.no_project.id}"),
            ]),
            group(e.mara.id, user("Mara Quint"), 14400000, [("EUR", 275.0)], [
                item(task("Wireframes"), 9000000, 200.0, 80.0, ids=str(e.wireframes_task.id),
                     time_entry_ids=str(e.wireframes.id)),
                item(task(None), 5400000, 75.0, 50.0, ids="", time_entry_ids=str(e.homepage.id)),
            ]),
        ]

    def test_only_entry_ids(self, client: TestClient, example: Example) -> None:
        e = example
        body = summary(client, e.mara, e.ws, grouping="clients", subgrouping="projects",
                       grouped_time_entry_ids="true", **WEEK)
        assert [g["items"] for g in body["data"]] == [
            [item(ferry(e), 14400000, 320.0, 80.0, time_entry_ids=f"{e.wireframes.id},{e.timetable.id}")],
            [item(spring(e), 5400000, 75.0, 50.0, time_entry_ids=str(e.homepage.id))],
            [item(project_title(None), 7200000, 0, 80.0, time_entry_ids=str(e.no_project.id))],
        ]

    def test_false_adds_nothing(self, client: TestClient, example: Example) -> None:
        body = summary(client, example.mara, example.ws, subgrouping_ids="false", grouped_time_entry_ids="false",
                       **WEEK)
        assert body["data"] == _projects_time_entries(example)


# -- ordering (§3.6, O-84) ----------------------------------------------------------------------------

@dataclass
class Ordering:
    ws: Workspace
    owner: User
    alpha: Project
    beta: Project
    gamma: Project


@pytest.fixture
def ordering(db: Session) -> Ordering:
    """EUR workspace, one user.

    alpha (10 EUR/h): "b" 3600 s billable -> 10, "A" 5400 s not billable, "c" 1800 s billable -> 5
    Beta (100 EUR/h): "x" 3600 s billable -> 100
    gamma (1000 GBP/h): "x" 7200 s billable -> 2000 GBP (0 in the default currency)
    no project: "Meeting" 14400 s not billable
    Groups: title alpha < Beta < gamma < none; duration Beta < gamma < alpha < none;
    amount (EUR) gamma = none = 0 < alpha 15 < Beta 100.
    """
    owner = make_user(db, fullname="Olga Order")
    ws = make_workspace(db, admin=owner, default_currency="EUR", default_hourly_rate=Decimal("1"))
    # Created out of title order so that id order differs from title order.
    gamma = make_project(db, workspace_id=ws.id, name="gamma", rate=Decimal("1000"), currency="GBP")
    beta = make_project(db, workspace_id=ws.id, name="Beta", rate=Decimal("100"))
    alpha = make_project(db, workspace_id=ws.id, name="alpha", rate=Decimal("10"))
    rows: list[tuple[Project | None, str, int, bool]] = [
        (None, "Meeting", 14400, False), (gamma, "x", 7200, True), (beta, "x", 3600, True),
        (alpha, "b", 3600, True), (alpha, "A", 5400, False), (alpha, "c", 1800, True),
    ]
    for n, (p, description, seconds, billable) in enumerate(rows):
        make_entry(db, user=owner, workspace_id=ws.id, start=f"2023-10-0{2 + n}T08:00:00Z", seconds=seconds,
                   project_id=p.id if p else None, billable=billable, description=description)
    return Ordering(ws, owner, alpha, beta, gamma)


def _order(body: dict[str, Any]) -> list[tuple[str | None, list[str]]]:
    return [(g["title"]["project"], [i["title"]["time_entry"] for i in g["items"]]) for g in body["data"]]


class TestOrdering:
    def test_whole_body_by_title(self, client: TestClient, ordering: Ordering) -> None:
        o = ordering
        body = summary(client, o.owner, o.ws, **WEEK)
        assert body == {
            "total_grand": 36000000, "total_billable": 16200000,
            "total_currencies": [{"currency": "EUR", "amount": 115.0}, {"currency": "GBP", "amount": 2000.0}],
            "data": [
                group(o.alpha.id, project_title(o.alpha), 10800000, [("EUR", 15.0)], [
                    item(entry("A"), 5400000, 0, 10.0),
                    item(entry("b"), 3600000, 10.0, 10.0),
                    item(entry("c"), 1800000, 5.0, 10.0),
                ]),
                group(o.beta.id, project_title(o.beta), 3600000, [("EUR", 100.0)],
                      [item(entry("x"), 3600000, 100.0, 100.0)]),
                group(o.gamma.id, project_title(o.gamma), 7200000, [("GBP", 2000.0)],
                      [item(entry("x"), 7200000, 2000.0, 1000.0, cur="GBP")]),
                group(None, project_title(None), 14400000, [], [item(entry("Meeting"), 14400000, 0, 1.0)]),
            ],
        }

    @pytest.mark.parametrize(("field", "desc", "expected"), [
        ("title", "off", [("alpha", ["A", "b", "c"]), ("Beta", ["x"]), ("gamma", ["x"]), (None, ["Meeting"])]),
        # A null title stays last when descending as well.
        ("title", "on", [("gamma", ["x"]), ("Beta", ["x"]), ("alpha", ["c", "b", "A"]), (None, ["Meeting"])]),
        ("duration", "off", [("Beta", ["x"]), ("gamma", ["x"]), ("alpha", ["c", "b", "A"]), (None, ["Meeting"])]),
        ("duration", "on", [(None, ["Meeting"]), ("alpha", ["A", "b", "c"]), ("gamma", ["x"]), ("Beta", ["x"])]),
        # gamma (GBP only) and no project tie at 0 EUR: by title, the null title last.
        ("amount", "off", [("gamma", ["x"]), (None, ["Meeting"]), ("alpha", ["A", "c", "b"]), ("Beta", ["x"])]),
        ("amount", "on", [("Beta", ["x"]), ("alpha", ["b", "c", "A"]), ("gamma", ["x"]), (None, ["Meeting"])]),
    ])
    def test_order(self, client: TestClient, ordering: Ordering, field: str, desc: str,
                   expected: list[tuple[str | None, list[str]]]) -> None:
        body = summary(client, ordering.owner, ordering.ws, order_field=field, order_desc=desc, **WEEK)
        assert _order(body) == expected

    def test_project_title_compares_client_after_name(self, client: TestClient, db: Session) -> None:
        from tests.factories import make_client

        owner = make_user(db, fullname="Paul Pair")
        ws = make_workspace(db, admin=owner, default_currency="EUR")
        zeta = make_client(db, workspace_id=ws.id, name="zeta")
        acme = make_client(db, workspace_id=ws.id, name="Acme")
        # Same project name under two clients and without client.
        no_client = make_project(db, workspace_id=ws.id, name="Site")
        under_zeta = make_project(db, workspace_id=ws.id, name="site", client_id=zeta.id)
        under_acme = make_project(db, workspace_id=ws.id, name="Site", client_id=acme.id)
        for p in (no_client, under_zeta, under_acme):
            make_entry(db, user=owner, workspace_id=ws.id, start="2023-10-02T08:00:00Z", project_id=p.id)
        ascending = summary(client, owner, ws, **WEEK)
        assert [g["id"] for g in ascending["data"]] == [under_acme.id, under_zeta.id, no_client.id]
        descending = summary(client, owner, ws, order_desc="on", **WEEK)
        assert [g["id"] for g in descending["data"]] == [no_client.id, under_zeta.id, under_acme.id]

    def test_duration_ties_by_id(self, client: TestClient, db: Session) -> None:
        owner = make_user(db, fullname="Tia Tie")
        ws = make_workspace(db, admin=owner, default_currency="EUR")
        second = make_project(db, workspace_id=ws.id, name="B second")
        first = make_project(db, workspace_id=ws.id, name="A first")
        for p in (first, second):
            make_entry(db, user=owner, workspace_id=ws.id, start="2023-10-02T08:00:00Z", project_id=p.id)
        for desc in ("off", "on"):
            body = summary(client, owner, ws, order_field="duration", order_desc=desc, **WEEK)
            assert [g["id"] for g in body["data"]] == [second.id, first.id]

    def test_null_task_last_when_descending(self, client: TestClient, example: Example) -> None:
        body = summary(client, example.mara, example.ws, subgrouping="tasks", order_desc="on", **WEEK)
        assert [(g["id"], [i["title"]["task"] for i in g["items"]]) for g in body["data"]] == [
            (example.spring.id, [None]),
            (example.ferry.id, ["Wireframes", None]),
            (None, [None]),
        ]


# -- hidden money (§4.4) ------------------------------------------------------------------------------

class TestHiddenMoney:
    def test_member_sees_shapes_without_money(self, client: TestClient, db: Session, example: Example) -> None:
        e = example
        e.ws.only_admins_see_billable_rates = True
        db.commit()
        hidden = [{"currency": "", "amount": None}]
        body = summary(client, e.jonas, e.ws, grouping="projects", subgrouping="users", subgrouping_ids="true",
                       **WEEK)
        assert body == {
            "total_grand": 27000000, "total_billable": 19800000, "total_currencies": hidden,
            "data": [
                {"id": e.ferry.id, "title": ferry(e), "time": 14400000, "total_currencies": hidden, "items": [
                    item(user("Jonas Weber"), 5400000, None, None, cur="", ids=str(e.jonas.id)),
                    item(user("Mara Quint"), 9000000, None, None, cur="", ids=str(e.mara.id)),
                ]},
                {"id": e.spring.id, "title": spring(e), "time": 5400000, "total_currencies": hidden, "items": [
                    item(user("Mara Quint"), 5400000, None, None, cur="", ids=str(e.mara.id)),
                ]},
                {"id": None, "title": project_title(None), "time": 7200000, "total_currencies": [], "items": [
                    item(user("Jonas Weber"), 7200000, None, None, cur="", ids=str(e.jonas.id)),
                ]},
            ],
        }

    def test_amount_order_treats_amounts_as_absent(self, client: TestClient, db: Session, example: Example) -> None:
        e = example
        e.ws.only_admins_see_billable_rates = True
        db.commit()
        body = summary(client, e.jonas, e.ws, order_field="amount", order_desc="on", **WEEK)
        # Every amount counts as 0: title order, ascending, the null title last.
        assert [g["id"] for g in body["data"]] == [e.ferry.id, e.spring.id, None]
        # The admin still sees money and its order: Ferry 320 > Spring 75 > none 0.
        admin = summary(client, e.mara, e.ws, order_field="amount", order_desc="on", **WEEK)
        assert [g["id"] for g in admin["data"]] == [e.ferry.id, e.spring.id, None]
        assert admin["data"][0]["total_currencies"] == [{"currency": "EUR", "amount": 320.0}]
        ascending = summary(client, e.mara, e.ws, order_field="amount", **WEEK)
        assert [g["id"] for g in ascending["data"]] == [None, e.spring.id, e.ferry.id]


# -- rounding (§3.7) ----------------------------------------------------------------------------------

class TestRounding:
    def test_rounding_on_rounds_each_entry_before_summing(self, client: TestClient, db: Session) -> None:
        owner = make_user(db, fullname="Rita Round")
        ws = make_workspace(db, admin=owner, default_currency="EUR", default_hourly_rate=Decimal("60"),
                            rounding=1, rounding_minutes=15)
        make_entry(db, user=owner, workspace_id=ws.id, start="2023-10-02T08:00:00Z", seconds=3601, billable=True,
                   description="Work")
        make_entry(db, user=owner, workspace_id=ws.id, start="2023-10-03T08:00:00Z", seconds=600, billable=False,
                   description="Work")
        on = summary(client, owner, ws, rounding="on", **WEEK)
        assert on == {
            "total_grand": 5400000, "total_billable": 4500000,
            "total_currencies": [{"currency": "EUR", "amount": 75.0}],
            "data": [group(None, project_title(None), 5400000, [], [item(entry("Work"), 5400000, 75.0, 60.0)])],
        }
        off = summary(client, owner, ws, rounding="off", **WEEK)
        assert off == {
            "total_grand": 4201000, "total_billable": 3601000,
            "total_currencies": [{"currency": "EUR", "amount": 60.02}],
            "data": [group(None, project_title(None), 4201000, [], [item(entry("Work"), 4201000, 60.02, 60.0)])],
        }


# -- the 0 filters (§3.3, O-62) -----------------------------------------------------------------------

class TestZeroFilters:
    def test_project_ids_zero(self, client: TestClient, example: Example) -> None:
        body = summary(client, example.mara, example.ws, project_ids="0", **WEEK)
        assert body == {
            "total_grand": 7200000, "total_billable": None,
            "total_currencies": [{"currency": None, "amount": None}],
            "data": [group(None, project_title(None), 7200000, [], [item(entry("Team meeting"), 7200000, 0, 80.0)])],
        }

    def test_client_ids_zero(self, client: TestClient, example: Example) -> None:
        body = summary(client, example.mara, example.ws, grouping="clients", client_ids="0", **WEEK)
        assert body["data"] == [
            group(None, client_t(None), 7200000, [], [item(entry("Team meeting"), 7200000, 0, 80.0)]),
        ]

    def test_task_ids_zero(self, client: TestClient, example: Example) -> None:
        e = example
        body = summary(client, e.mara, e.ws, subgrouping="tasks", task_ids="0", **WEEK)
        assert body == {
            "total_grand": 18000000, "total_billable": 10800000,
            "total_currencies": [{"currency": "EUR", "amount": 195.0}],
            "data": [
                group(e.ferry.id, ferry(e), 5400000, [("EUR", 120.0)], [item(task(None), 5400000, 120.0, 80.0)]),
                group(e.spring.id, spring(e), 5400000, [("EUR", 75.0)], [item(task(None), 5400000, 75.0, 50.0)]),
                group(None, project_title(None), 7200000, [], [item(task(None), 7200000, 0, 80.0)]),
            ],
        }

    def test_tag_ids_zero(self, client: TestClient, example: Example) -> None:
        e = example
        body = summary(client, e.mara, e.ws, grouping="users", tag_ids="0", **WEEK)
        assert body["data"] == [
            group(e.jonas.id, user("Jonas Weber"), 12600000, [("EUR", 120.0)], [
                item(entry("Team meeting"), 7200000, 0, 80.0),
                item(entry("Timetable import"), 5400000, 120.0, 80.0),
            ]),
            group(e.mara.id, user("Mara Quint"), 5400000, [("EUR", 75.0)],
                  [item(entry("Homepage layout"), 5400000, 75.0, 50.0)]),
        ]
        tagged = summary(client, e.mara, e.ws, grouping="users", tag_ids=str(e.on_site.id), **WEEK)
        assert tagged["data"] == [group(e.mara.id, user("Mara Quint"), 9000000, [("EUR", 200.0)],
                                        [item(entry("Wireframes for booking flow"), 9000000, 200.0, 80.0)])]

    def test_zero_combined_with_an_id(self, client: TestClient, example: Example) -> None:
        e = example
        body = summary(client, e.mara, e.ws, project_ids=f"0,{e.spring.id}", **WEEK)
        assert body == {
            "total_grand": 12600000, "total_billable": 5400000,
            "total_currencies": [{"currency": "EUR", "amount": 75.0}],
            "data": [
                group(e.spring.id, spring(e), 5400000, [("EUR", 75.0)],
                      [item(entry("Homepage layout"), 5400000, 75.0, 50.0)]),
                group(None, project_title(None), 7200000, [], [item(entry("Team meeting"), 7200000, 0, 80.0)]),
            ],
        }


# -- empty result (§5) --------------------------------------------------------------------------------

class TestEmpty:
    @pytest.mark.parametrize("grouping", ["projects", "clients", "users"])
    def test_nothing_matches(self, client: TestClient, example: Example, grouping: str) -> None:
        body = summary(client, example.mara, example.ws, grouping=grouping, since="2023-11-01", until="2023-11-07",
                       subgrouping_ids="true", grouped_time_entry_ids="true")
        assert body == EMPTY

    def test_auth_and_membership(self, client: TestClient, db: Session, example: Example) -> None:
        outsider = make_user(db, fullname="Otto Out")
        response = get_report(client, "summary", outsider, workspace_id=example.ws.id, **WEEK)
        assert response.status_code == 403
        assert response.json()["error"]["code"] == 403
        anonymous = client.get("/reports/api/v2/summary", params={"workspace_id": example.ws.id,
                                                                  "user_agent": "tests"})
        assert anonymous.status_code == 401
