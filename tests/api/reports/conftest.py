"""Reports fixtures: the contract's example workspace (50-reports §6.4, §7.3, §8.4) and a GET helper."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy.orm import Session

from punchclock.models import Client, Project, Tag, Task, TimeEntry, User, Workspace
from tests.factories import (
    add_member,
    make_client,
    make_entry,
    make_project,
    make_tag,
    make_task,
    make_user,
    make_workspace,
    token_auth,
)

#: The v8-era colour palette as the contract lists it (30-clients-projects-tags-tasks §2.2), copied by hand
#: from the spec table: colour id -> hex. Tests compare against these literals, never the code's own table.
SPEC_PALETTE = {
    0: "#4dc3ff", 1: "#bc85e6", 2: "#df7baa", 3: "#f68d38", 4: "#b27636",
    5: "#8ab734", 6: "#14a88e", 7: "#268bb5", 8: "#6668b4", 9: "#a4506c",
    10: "#67412c", 11: "#3c6526", 12: "#094558", 13: "#bc2d07", 14: "#999999",
}


def get_report(client: TestClient, path: str, user: User, **params: Any) -> Response:
    """``GET /reports/api/v2/{path}`` as ``user`` (token auth) with ``user_agent`` unless given."""
    params.setdefault("user_agent", "tests@example.org")
    query = {k: v for k, v in params.items() if v is not None}
    return client.get(f"/reports/api/v2/{path}", params=query, headers=token_auth(user))


@dataclass
class Example:
    """Mara Quint (Etc/UTC, admin) and Jonas Weber (Europe/Berlin, member) in an EUR workspace.

    Rates: workspace default 80 EUR/h, "Ferry timetable app" 80, "Spring menu site" 50.
    Week of 2023-10-02 (Monday):
      homepage   Mara,  Spring menu site, Mon 07:00-08:30 UTC (5400 s), billable            -> 75.00
      wireframes Mara,  Ferry app / task Wireframes, Tue 13:00-15:30 UTC (9000 s), billable,
                 tags on-site + phase-1                                                     -> 200.00
      timetable  Jonas, Ferry app, Wed 09:00-10:30 Berlin (07:00 UTC, 5400 s), billable     -> 120.00
      no_project Jonas, no project, Thu 10:00-12:00 UTC (7200 s), not billable
    """

    ws: Workspace
    mara: User
    jonas: User
    harbour: Client
    northwind: Client
    ferry: Project
    spring: Project
    wireframes_task: Task
    on_site: Tag
    phase_1: Tag
    homepage: TimeEntry
    wireframes: TimeEntry
    timetable: TimeEntry
    no_project: TimeEntry


@pytest.fixture
def example(db: Session) -> Example:
    mara = make_user(db, fullname="Mara Quint", timezone="Etc/UTC")
    jonas = make_user(db, fullname="Jonas Weber", timezone="Europe/Berlin")
    ws = make_workspace(db, admin=mara, name="Harbour studio", default_currency="EUR",
                        default_hourly_rate=Decimal("80"))
    add_member(db, ws, jonas)
    harbour = make_client(db, workspace_id=ws.id, name="Harbour Ferries")
    northwind = make_client(db, workspace_id=ws.id, name="Northwind Bakery")
    ferry = make_project(db, workspace_id=ws.id, name="Ferry timetable app", client_id=harbour.id, color=6,
                         rate=Decimal("80"), billable=True)
    spring = make_project(db, workspace_id=ws.id, name="Spring menu site", client_id=northwind.id, color=7,
                          rate=Decimal("50"), billable=True)
    task = make_task(db, project=ferry, name="Wireframes", estimated_seconds=36000, user_id=jonas.id)
    on_site = make_tag(db, workspace_id=ws.id, name="on-site")
    phase_1 = make_tag(db, workspace_id=ws.id, name="phase-1")
    homepage = make_entry(db, user=mara, workspace_id=ws.id, start="2023-10-02T07:00:00Z", seconds=5400,
                          project_id=spring.id, billable=True, description="Homepage layout")
    wireframes = make_entry(db, user=mara, workspace_id=ws.id, start="2023-10-03T13:00:00Z", seconds=9000,
                            project_id=ferry.id, task_id=task.id, billable=True,
                            description="Wireframes for booking flow", tags=[phase_1, on_site])
    timetable = make_entry(db, user=jonas, workspace_id=ws.id, start="2023-10-04T07:00:00Z", seconds=5400,
                           project_id=ferry.id, billable=True, description="Timetable import")
    no_project = make_entry(db, user=jonas, workspace_id=ws.id, start="2023-10-05T10:00:00Z", seconds=7200,
                            billable=False, description="Team meeting")
    return Example(ws, mara, jonas, harbour, northwind, ferry, spring, task, on_site, phase_1,
                   homepage, wireframes, timetable, no_project)
