"""Project dashboard (50-reports §9; O-69, O-79, O-82, O-83)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from punchclock.models import Project, Task, User, Workspace
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
)

# The contract's example (§9.3), reproduced exactly.
EXAMPLE: dict[str, Any] = {
    "name": "Ferry timetable app",
    "duration": 36000000,
    "duration_without_task": 7200000,
    "billable_duration": 28800000,
    "billable_amount": 640.0,
    "tasks_count": 3,
    "currency": "EUR",
    "estimated_seconds": 144000,
    "task_estimated_seconds": 108000,
    "use_task_estimated_seconds": False,
    "tasks_per_page": 10,
    "users": [
        {"name": "Mara Quint", "duration": 21600000, "billable_duration": 18000000, "billable_amount": 400.0},
        {"name": "Jonas Weber", "duration": 14400000, "billable_duration": 10800000, "billable_amount": 240.0},
    ],
    "top_tasks": [
        {"duration": 18000000, "billable_amount": 400.0, "name": "Wireframes", "estimated_seconds": 36000,
         "asignee": "Jonas Weber"},
        {"duration": 10800000, "billable_amount": 240.0, "name": "Booking API", "estimated_seconds": 54000,
         "asignee": None},
    ],
    "tasks_page": [
        {"name": "Booking API", "assignee": None, "estimated_seconds": 54000, "duration": 10800000,
         "billable_amount": 240.0},
        {"name": "Copywriting", "assignee": None, "estimated_seconds": 18000, "duration": 0,
         "billable_amount": None},
        {"name": "Wireframes", "assignee": "Jonas Weber", "estimated_seconds": 36000, "duration": 18000000,
         "billable_amount": 400.0},
    ],
}

TIP = "Change your request and try again. See the punchclock API documentation."


@dataclass
class Ferry:
    """The §9.3 data: Mara Quint (admin), Jonas Weber (member), EUR workspace, Ferry app at 80 EUR/h.

    Mara: Wireframes 2 x 9000 s billable (400.00), 3600 s without task, not billable.
    Jonas: Booking API 10800 s billable (240.00), 3600 s without task, not billable.
    Copywriting has no time. An entry on another project of the workspace must not count.
    """

    ws: Workspace
    mara: User
    jonas: User
    ferry: Project
    wireframes: Task
    booking: Task
    copywriting: Task


@pytest.fixture
def ferry(db: Session) -> Ferry:
    mara = make_user(db, fullname="Mara Quint", timezone="Etc/UTC")
    jonas = make_user(db, fullname="Jonas Weber", timezone="Europe/Berlin")
    ws = make_workspace(db, admin=mara, name="Harbour studio", default_currency="EUR",
                        default_hourly_rate=Decimal("80"))
    add_member(db, ws, jonas)
    harbour = make_client(db, workspace_id=ws.id, name="Harbour Ferries")
    ferry = make_project(db, workspace_id=ws.id, name="Ferry timetable app", client_id=harbour.id, color=6,
                         rate=Decimal("80"), billable=True, estimated_hours=40)
    spring = make_project(db, workspace_id=ws.id, name="Spring menu site", rate=Decimal("50"))
    # Created out of name order, so the default order (name) is not the id order.
    wireframes = make_task(db, project=ferry, name="Wireframes", estimated_seconds=36000, user_id=jonas.id)
    booking = make_task(db, project=ferry, name="Booking API", estimated_seconds=54000)
    copywriting = make_task(db, project=ferry, name="Copywriting", estimated_seconds=18000)
    w = ws.id
    make_entry(db, user=mara, workspace_id=w, start="2023-10-03T13:00:00Z", seconds=9000, project_id=ferry.id,
               task_id=wireframes.id, billable=True)
    make_entry(db, user=mara, workspace_id=w, start="2023-10-05T08:00:00Z", seconds=9000, project_id=ferry.id,
               task_id=wireframes.id, billable=True)
    make_entry(db, user=mara, workspace_id=w, start="2023-09-01T08:00:00Z", seconds=3600, project_id=ferry.id)
    make_entry(db, user=jonas, workspace_id=w, start="2023-10-04T07:00:00Z", seconds=10800, project_id=ferry.id,
               task_id=booking.id, billable=True)
    make_entry(db, user=jonas, workspace_id=w, start="2024-02-01T07:00:00Z", seconds=3600, project_id=ferry.id)
    make_entry(db, user=mara, workspace_id=w, start="2023-10-02T07:00:00Z", seconds=5400, project_id=spring.id,
               billable=True)
    return Ferry(ws, mara, jonas, ferry, wireframes, booking, copywriting)


def dashboard(client: TestClient, user: User, ws: Workspace | int, project: Project | int | None,
              **params: Any) -> Any:
    wid = ws if isinstance(ws, int) else ws.id
    pid = project.id if isinstance(project, Project) else project
    return get_report(client, "project", user, workspace_id=wid, project_id=pid, **params)


def error(status: int, message: str, tip: str = TIP) -> dict[str, Any]:
    return {"error": {"message": message, "tip": tip, "code": status}}


def test_contract_example(client: TestClient, ferry: Ferry) -> None:
    r = dashboard(client, ferry.mara, ferry.ws, ferry.ferry)
    assert r.status_code == 200
    assert r.json() == EXAMPLE


def test_member_sees_the_same_figures_on_a_public_project(client: TestClient, ferry: Ferry) -> None:
    r = dashboard(client, ferry.jonas, ferry.ws, ferry.ferry)
    assert r.status_code == 200
    assert r.json() == EXAMPLE


def test_running_and_deleted_entries_are_not_counted(client: TestClient, db: Session, ferry: Ferry) -> None:
    w, p = ferry.ws.id, ferry.ferry.id
    make_entry(db, user=ferry.mara, workspace_id=w, start=datetime.now(UTC).replace(microsecond=0), seconds=None,
               project_id=p, task_id=ferry.copywriting.id, billable=True)
    make_entry(db, user=ferry.jonas, workspace_id=w, start="2023-10-06T07:00:00Z", seconds=7200, project_id=p,
               task_id=ferry.booking.id, billable=True, deleted_at=datetime(2023, 10, 7, tzinfo=UTC))
    # A user whose only entries are running or deleted does not appear in ``users`` either.
    lena = make_user(db, fullname="Lena Berg")
    add_member(db, ferry.ws, lena)
    make_entry(db, user=lena, workspace_id=w, start="2023-10-06T09:00:00Z", seconds=600, project_id=p,
               deleted_at=datetime(2023, 10, 7, tzinfo=UTC))
    r = dashboard(client, ferry.mara, ferry.ws, ferry.ferry)
    assert r.status_code == 200
    assert r.json() == EXAMPLE


def test_hidden_money(client: TestClient, db: Session, ferry: Ferry) -> None:
    ferry.ws.only_admins_see_billable_rates = True
    db.commit()
    hidden = {
        **EXAMPLE,
        "billable_duration": None,
        "billable_amount": None,
        "currency": "",
        "users": [{**u, "billable_duration": None, "billable_amount": None} for u in EXAMPLE["users"]],
        "top_tasks": [{**t, "billable_amount": None} for t in EXAMPLE["top_tasks"]],
        "tasks_page": [{**t, "billable_amount": None} for t in EXAMPLE["tasks_page"]],
    }
    r = dashboard(client, ferry.jonas, ferry.ws, ferry.ferry)
    assert r.status_code == 200
    assert r.json() == hidden
    # The admin still sees the money.
    assert dashboard(client, ferry.mara, ferry.ws, ferry.ferry).json() == EXAMPLE


def test_hidden_money_sorts_amounts_as_absent(client: TestClient, db: Session, ferry: Ferry) -> None:
    ferry.ws.only_admins_see_billable_rates = True
    db.commit()
    # Every amount is absent, so both directions fall back to task ids: Wireframes, Booking API, Copywriting.
    for desc in ("on", "off"):
        r = dashboard(client, ferry.jonas, ferry.ws, ferry.ferry, order_field="billable_amount", order_desc=desc)
        assert r.status_code == 200
        assert [t["name"] for t in r.json()["tasks_page"]] == ["Wireframes", "Booking API", "Copywriting"]


# -- top_tasks (O-69) ---------------------------------------------------------------------------------

def test_top_tasks_threshold_is_on_task_time_and_others_close_the_list(client: TestClient, db: Session) -> None:
    admin = make_user(db, fullname="Ada Admin")
    ws = make_workspace(db, admin=admin, default_currency="EUR")
    # 36 EUR/h = 1 cent per second: amounts read straight off the durations.
    project = make_project(db, workspace_id=ws.id, name="Pier", rate=Decimal("36"), auto_estimates=True)
    alpha = make_task(db, project=project, name="Alpha", estimated_seconds=7200, user_id=admin.id)
    bravo = make_task(db, project=project, name="Bravo", estimated_seconds=3600)
    charlie = make_task(db, project=project, name="Charlie")
    delta = make_task(db, project=project, name="Delta")
    echo = make_task(db, project=project, name="Echo", estimated_seconds=60)
    make_task(db, project=project, name="Foxtrot", estimated_seconds=100)
    start = "2023-10-02T08:00:00Z"

    def track(task: Task | None, seconds: int, billable: bool) -> None:
        make_entry(db, user=admin, workspace_id=ws.id, start=start, seconds=seconds, project_id=project.id,
                   task_id=None if task is None else task.id, billable=billable)

    # 10000 s on tasks (10 % = 1000 s); 50000 s without task, so Alpha is under 10 % of the project time.
    track(alpha, 3000, True)
    track(alpha, 2000, True)
    track(bravo, 3000, False)
    track(charlie, 1000, True)  # exactly 10 %: does not exceed it
    track(delta, 600, False)
    track(echo, 400, True)
    track(None, 50000, False)
    r = dashboard(client, admin, ws, project)
    assert r.status_code == 200
    assert r.json() == {
        "name": "Pier",
        "duration": 60000000,
        "duration_without_task": 50000000,
        "billable_duration": 6400000,
        "billable_amount": 64.0,
        "tasks_count": 6,
        "currency": "EUR",
        "estimated_seconds": None,
        "task_estimated_seconds": 10960,
        "use_task_estimated_seconds": True,
        "tasks_per_page": 10,
        "users": [{"name": "Ada Admin", "duration": 60000000, "billable_duration": 6400000,
                   "billable_amount": 64.0}],
        "top_tasks": [
            {"duration": 5000000, "billable_amount": 50.0, "name": "Alpha", "estimated_seconds": 7200,
             "asignee": "Ada Admin"},
            {"duration": 3000000, "billable_amount": None, "name": "Bravo", "estimated_seconds": 3600,
             "asignee": None},
            # Charlie + Delta + Echo; Foxtrot has no time and is not part of the others.
            {"duration": 2000000, "billable_amount": 14.0, "name": None, "estimated_seconds": None,
             "asignee": None},
        ],
        "tasks_page": [
            {"name": "Alpha", "assignee": "Ada Admin", "estimated_seconds": 7200, "duration": 5000000,
             "billable_amount": 50.0},
            {"name": "Bravo", "assignee": None, "estimated_seconds": 3600, "duration": 3000000,
             "billable_amount": None},
            {"name": "Charlie", "assignee": None, "estimated_seconds": 0, "duration": 1000000,
             "billable_amount": 10.0},
            {"name": "Delta", "assignee": None, "estimated_seconds": 0, "duration": 600000,
             "billable_amount": None},
            {"name": "Echo", "assignee": None, "estimated_seconds": 60, "duration": 400000,
             "billable_amount": 4.0},
            {"name": "Foxtrot", "assignee": None, "estimated_seconds": 100, "duration": 0,
             "billable_amount": None},
        ],
    }


def test_others_without_billable_time_have_a_null_amount(client: TestClient, db: Session) -> None:
    admin = make_user(db, fullname="Ada Admin")
    ws = make_workspace(db, admin=admin, default_currency="EUR", default_hourly_rate=Decimal("36"))
    project = make_project(db, workspace_id=ws.id, name="Quay")
    big = make_task(db, project=project, name="Big")
    small = make_task(db, project=project, name="Small")
    make_entry(db, user=admin, workspace_id=ws.id, start="2023-10-02T08:00:00Z", seconds=9000,
               project_id=project.id, task_id=big.id, billable=True)
    make_entry(db, user=admin, workspace_id=ws.id, start="2023-10-02T11:00:00Z", seconds=500,
               project_id=project.id, task_id=small.id, billable=False)
    r = dashboard(client, admin, ws, project)
    assert r.status_code == 200
    assert r.json()["top_tasks"] == [
        {"duration": 9000000, "billable_amount": 90.0, "name": "Big", "estimated_seconds": 0, "asignee": None},
        {"duration": 500000, "billable_amount": None, "name": None, "estimated_seconds": None, "asignee": None},
    ]


# -- users (O-82), empty project, currency (§4.2) ------------------------------------------------------

def test_users_with_nothing_billable_get_zero_and_ties_go_by_user_id(client: TestClient, db: Session) -> None:
    admin = make_user(db, fullname="Ada Admin")
    lena = make_user(db, fullname="Lena Berg")
    otto = make_user(db, fullname="Otto Ohm")
    ws = make_workspace(db, admin=admin, default_currency="EUR", default_hourly_rate=Decimal("80"))
    add_member(db, ws, lena)
    add_member(db, ws, otto)
    project = make_project(db, workspace_id=ws.id, name="Dock")
    add_project_user(db, project, otto, rate=Decimal("60"))
    for user in (otto, lena):  # Lena and Otto tie on 1800 s: the lower user id (Lena) comes first
        make_entry(db, user=user, workspace_id=ws.id, start="2023-10-02T08:00:00Z", seconds=1800,
                   project_id=project.id, billable=user is otto)
    make_entry(db, user=admin, workspace_id=ws.id, start="2023-10-02T08:00:00Z", seconds=2700,
               project_id=project.id, billable=True)
    r = dashboard(client, admin, ws, project)
    assert r.status_code == 200
    body = r.json()
    assert body["users"] == [
        {"name": "Ada Admin", "duration": 2700000, "billable_duration": 2700000, "billable_amount": 60.0},
        {"name": "Lena Berg", "duration": 1800000, "billable_duration": 0, "billable_amount": 0},
        # Otto's project-user rate (60/h) is the one stored on his entry.
        {"name": "Otto Ohm", "duration": 1800000, "billable_duration": 1800000, "billable_amount": 30.0},
    ]
    assert (body["duration"], body["billable_duration"], body["billable_amount"]) == (6300000, 4500000, 90.0)


def test_nothing_billable_gives_a_null_project_amount(client: TestClient, db: Session) -> None:
    admin = make_user(db, fullname="Ada Admin")
    ws = make_workspace(db, admin=admin, default_currency="EUR", default_hourly_rate=Decimal("80"))
    project = make_project(db, workspace_id=ws.id, name="Dock", estimated_hours=3)
    make_entry(db, user=admin, workspace_id=ws.id, start="2023-10-02T08:00:00Z", seconds=1200,
               project_id=project.id, billable=False)
    r = dashboard(client, admin, ws, project)
    assert r.status_code == 200
    assert r.json() == {
        "name": "Dock", "duration": 1200000, "duration_without_task": 1200000, "billable_duration": 0,
        "billable_amount": None, "tasks_count": 0, "currency": "EUR", "estimated_seconds": 10800,
        "task_estimated_seconds": None, "use_task_estimated_seconds": False, "tasks_per_page": 10,
        "users": [{"name": "Ada Admin", "duration": 1200000, "billable_duration": 0, "billable_amount": 0}],
        "top_tasks": [], "tasks_page": [],
    }


def test_project_without_entries(client: TestClient, db: Session) -> None:
    admin = make_user(db, fullname="Ada Admin")
    ws = make_workspace(db, admin=admin, default_currency="EUR")
    project = make_project(db, workspace_id=ws.id, name="Slipway")
    # Done (inactive) tasks count too; a deleted one does not.
    make_task(db, project=project, name="Done", estimated_seconds=0, active=False)
    make_task(db, project=project, name="Gone", estimated_seconds=500, deleted_at=datetime(2023, 1, 1, tzinfo=UTC))
    r = dashboard(client, admin, ws, project)
    assert r.status_code == 200
    assert r.json() == {
        "name": "Slipway", "duration": 0, "duration_without_task": 0, "billable_duration": 0,
        "billable_amount": None, "tasks_count": 1, "currency": "EUR", "estimated_seconds": None,
        "task_estimated_seconds": 0, "use_task_estimated_seconds": False, "tasks_per_page": 10,
        "users": [], "top_tasks": [],
        "tasks_page": [{"name": "Done", "assignee": None, "estimated_seconds": 0, "duration": 0,
                        "billable_amount": None}],
    }


def test_currency_project_then_client_then_workspace(client: TestClient, db: Session) -> None:
    admin = make_user(db)
    ws = make_workspace(db, admin=admin, default_currency="EUR")
    pounds = make_client(db, workspace_id=ws.id, name="Pounds", currency="GBP")
    own = make_project(db, workspace_id=ws.id, name="Own", client_id=pounds.id, currency="USD")
    from_client = make_project(db, workspace_id=ws.id, name="From client", client_id=pounds.id)
    plain = make_project(db, workspace_id=ws.id, name="Plain")
    assert [dashboard(client, admin, ws, p).json()["currency"] for p in (own, from_client, plain)] == \
        ["USD", "GBP", "EUR"]


# -- tasks_page: paging and order -----------------------------------------------------------------------

def test_tasks_page_pages_by_ten(client: TestClient, db: Session) -> None:
    admin = make_user(db)
    ws = make_workspace(db, admin=admin)
    project = make_project(db, workspace_id=ws.id, name="Marina")
    for n in (7, 12, 3, 1, 10, 5, 9, 2, 11, 4, 8, 6):
        make_task(db, project=project, name=f"Task {n:02d}", estimated_seconds=n * 60)

    def page(n: int | None) -> Any:
        r = dashboard(client, admin, ws, project, page=n)
        assert r.status_code == 200
        return r.json()

    def row(n: int) -> dict[str, Any]:
        return {"name": f"Task {n:02d}", "assignee": None, "estimated_seconds": n * 60, "duration": 0,
                "billable_amount": None}

    assert page(None)["tasks_page"] == [row(n) for n in range(1, 11)]
    second = page(2)
    assert second["tasks_page"] == [row(11), row(12)]
    assert (second["tasks_count"], second["tasks_per_page"], second["task_estimated_seconds"]) == (12, 10, 4680)
    assert page(3)["tasks_page"] == []
    assert page(2**62)["tasks_page"] == []


@dataclass
class Ordered:
    ws: Workspace
    admin: User
    project: Project
    rows: dict[str, dict[str, Any]]


@pytest.fixture
def ordered(db: Session) -> Ordered:
    """Five tasks with ties and nulls on every key; created (id order) echo, charlie, alpha, Delta, Bravo."""
    admin = make_user(db, fullname="Ada Admin")
    zoe = make_user(db, fullname="Zoe Zimmer")
    adam = make_user(db, fullname="adam Adler")  # lower case: sorts first only when compared case-insensitively
    ws = make_workspace(db, admin=admin, default_currency="EUR")
    add_member(db, ws, zoe)
    add_member(db, ws, adam)
    project = make_project(db, workspace_id=ws.id, name="Harbour", rate=Decimal("80"))
    spec = [  # name, assignee, estimate, seconds, billable
        ("echo", zoe, 0, 3600, True),
        ("charlie", adam, 200, 1800, True),
        ("alpha", zoe, 100, 3600, True),
        ("Delta", None, 200, 0, False),
        ("Bravo", None, 300, 7200, False),
    ]
    rows: dict[str, dict[str, Any]] = {}
    for name, assignee, estimate, seconds, billable in spec:
        task = make_task(db, project=project, name=name, estimated_seconds=estimate,
                         user_id=None if assignee is None else assignee.id)
        if seconds:
            make_entry(db, user=admin, workspace_id=ws.id, start="2023-10-02T08:00:00Z", seconds=seconds,
                       project_id=project.id, task_id=task.id, billable=billable)
        rows[name] = {"name": name, "assignee": None if assignee is None else assignee.fullname,
                      "estimated_seconds": estimate, "duration": seconds * 1000,
                      "billable_amount": seconds * 80 / 3600 if billable else None}
    return Ordered(ws, admin, project, rows)


@pytest.mark.parametrize(("field", "desc", "names"), [
    (None, None, ["alpha", "Bravo", "charlie", "Delta", "echo"]),
    ("name", "off", ["alpha", "Bravo", "charlie", "Delta", "echo"]),
    ("name", "on", ["echo", "Delta", "charlie", "Bravo", "alpha"]),
    # Null assignees last in both directions; equal ones by task id.
    ("assignee", "off", ["charlie", "echo", "alpha", "Delta", "Bravo"]),
    ("assignee", "on", ["echo", "alpha", "charlie", "Delta", "Bravo"]),
    ("duration", "off", ["Delta", "charlie", "echo", "alpha", "Bravo"]),
    ("duration", "on", ["Bravo", "echo", "alpha", "charlie", "Delta"]),
    # Null amounts (no billable time) last in both directions.
    ("billable_amount", "off", ["charlie", "echo", "alpha", "Delta", "Bravo"]),
    ("billable_amount", "on", ["echo", "alpha", "charlie", "Delta", "Bravo"]),
    ("estimated_seconds", "off", ["echo", "alpha", "charlie", "Delta", "Bravo"]),
    ("estimated_seconds", "on", ["Bravo", "charlie", "Delta", "alpha", "echo"]),
    ("duration", None, ["Delta", "charlie", "echo", "alpha", "Bravo"]),  # order_desc defaults to off
])
def test_tasks_page_order(client: TestClient, ordered: Ordered, field: str | None, desc: str | None,
                          names: list[str]) -> None:
    r = dashboard(client, ordered.admin, ordered.ws, ordered.project, order_field=field, order_desc=desc)
    assert r.status_code == 200
    assert r.json()["tasks_page"] == [ordered.rows[n] for n in names]


def test_order_rows_are_as_expected(ordered: Ordered) -> None:
    """The rows the order test compares against, spelled out once."""
    assert ordered.rows["charlie"] == {"name": "charlie", "assignee": "adam Adler", "estimated_seconds": 200,
                                       "duration": 1800000, "billable_amount": 40.0}
    assert ordered.rows["Delta"] == {"name": "Delta", "assignee": None, "estimated_seconds": 200,
                                     "duration": 0, "billable_amount": None}


# -- errors (§9.1, §12) ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("params", "message"), [
    ({"project_id": None}, "project_id is required"),
    ({"project_id": ""}, "project_id is required"),
    ({"project_id": "abc"}, "project_id has an invalid value"),
    ({"project_id": "1.5"}, "project_id has an invalid value"),
    ({"project_id": "0"}, "project_id has an invalid value"),
    ({"project_id": str(2**63)}, "project_id has an invalid value"),
    ({"page": "0"}, "page has an invalid value"),
    ({"page": "x"}, "page has an invalid value"),
    ({"order_field": "title"}, "order_field has an invalid value"),
    ({"order_desc": "yes"}, "order_desc has an invalid value"),
])
def test_bad_parameters(client: TestClient, ferry: Ferry, params: dict[str, Any], message: str) -> None:
    params = {"project_id": ferry.ferry.id, **params}
    r = get_report(client, "project", ferry.mara, workspace_id=ferry.ws.id, **params)
    assert r.status_code == 400
    assert r.json() == error(400, message)


def test_non_premium_workspace(client: TestClient, db: Session, ferry: Ferry) -> None:
    ferry.ws.premium = False
    db.commit()
    r = dashboard(client, ferry.mara, ferry.ws, ferry.ferry)
    assert r.status_code == 402
    assert r.json() == error(402, "This feature is not included in the workspace's plan",
                             "The project dashboard needs a premium workspace.")
    # Checked before the project is looked up: an unknown project gets the same answer.
    assert dashboard(client, ferry.mara, ferry.ws, 987654).status_code == 402


NOT_FOUND = error(404, "Project not found", "Use the id of a project of this workspace that you can see.")


def test_unknown_and_foreign_projects(client: TestClient, db: Session, ferry: Ferry) -> None:
    # A project of another workspace Mara also belongs to, and one of a workspace she is not in.
    other = make_workspace(db, admin=ferry.mara, name="Other")
    mine_elsewhere = make_project(db, workspace_id=other.id, name="Elsewhere")
    stranger = make_user(db)
    theirs = make_project(db, workspace_id=stranger.default_workspace_id, name="Theirs")
    deleted = make_project(db, workspace_id=ferry.ws.id, name="Deleted", deleted_at=datetime(2023, 1, 1, tzinfo=UTC))
    for project in (987654, 2**63 - 1, mine_elsewhere, theirs, deleted):
        r = dashboard(client, ferry.mara, ferry.ws, project)
        assert r.status_code == 404
        assert r.json() == NOT_FOUND
    assert dashboard(client, ferry.mara, other, mine_elsewhere).status_code == 200


def test_private_project_is_visible_to_admins_and_project_users_only(client: TestClient, db: Session,
                                                                     ferry: Ferry) -> None:
    lena = make_user(db, fullname="Lena Berg")
    add_member(db, ferry.ws, lena)
    secret = make_project(db, workspace_id=ferry.ws.id, name="Secret", is_private=True)
    add_project_user(db, secret, ferry.jonas)
    make_entry(db, user=ferry.jonas, workspace_id=ferry.ws.id, start="2023-10-02T08:00:00Z", seconds=600,
               project_id=secret.id)
    r = dashboard(client, lena, ferry.ws, secret)
    assert r.status_code == 404
    assert r.json() == NOT_FOUND
    for user in (ferry.mara, ferry.jonas):
        r = dashboard(client, user, ferry.ws, secret)
        assert r.status_code == 200
        assert (r.json()["name"], r.json()["duration"]) == ("Secret", 600000)


def test_non_member(client: TestClient, db: Session, ferry: Ferry) -> None:
    outsider = make_user(db)
    r = dashboard(client, outsider, ferry.ws, ferry.ferry)
    assert r.status_code == 403
    assert r.json() == error(403, f"You are not a member of workspace {ferry.ws.id}",
                             "Use the id of a workspace you belong to.")
