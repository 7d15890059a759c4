"""Reports v3 fixtures, shared by every v3 test module: one hand-computed world and a POST helper.

Import from here (``from tests.api.reports_v3.conftest import World, post_report, ...``); the ``world``
fixture is found by pytest for every module of this directory.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import update
from sqlalchemy.orm import Session

from punchclock.models import Client, Project, Tag, Task, TimeEntry, User, Workspace
from tests.factories import (
    add_member,
    add_project_user,
    at,
    make_client,
    make_entry,
    make_group,
    make_project,
    make_tag,
    make_task,
    make_user,
    make_workspace,
    token_auth,
)

V3 = "/reports/api/v3/workspace"
#: The world's week (Monday … Sunday); every counted entry below lies in it.
WEEK = {"start_date": "2023-10-02", "end_date": "2023-10-08"}


def post_report(client: TestClient, workspace_id: int, path: str, user: User | None, body: Any = None,
                *, headers: dict[str, str] | None = None) -> Response:
    """``POST /reports/api/v3/workspace/{workspace_id}/{path}`` with ``body`` as JSON, as ``user`` (token
    auth) unless ``headers`` are given."""
    sent = headers if headers is not None else token_auth(user) if user is not None else {}
    if body is None:
        return client.post(f"{V3}/{workspace_id}/{path}", headers=sent)
    return client.post(f"{V3}/{workspace_id}/{path}", json=body, headers=sent)


@dataclass
class World:
    """"Harbour studio": EUR, default rate 80, rounding up to 15 minutes (when asked), premium.

    People: Mara Quint (Etc/UTC, admin), Jonas Weber (Europe/Berlin = UTC+2 in October, member, in group
    "Crew"), Otto Out (not a member).
    Clients: Harbour Ferries (no currency), Northwind Bakery (USD).
    Projects: Ferry timetable app (Harbour, rate 80, colour 6 #14a88e; Jonas is a project user at 90),
    Spring menu site (Northwind -> USD, rate 50, colour 7 #268bb5), Board minutes (no client, private,
    Mara only, no rate -> 80 EUR, colour 3 #f68d38). Task Wireframes on Ferry. Tags on-site, phase-1.

    Counted entries, week 2023-10-02 … 2023-10-08 (amount = seconds x rate / 3600, half up, in cents):
      homepage   Mara,  Spring, Mon 10-02 07:00Z, 5400 s, billable, "Homepage layout"      50 USD ->  7500
      wireframes Mara,  Ferry / Wireframes, Tue 10-03 13:00Z, 9000 s, billable,
                 tags phase-1 + on-site, "Wireframes for booking flow"                    80 EUR -> 20000
      timetable  Jonas, Ferry, Wed 10-04 07:00Z (09:00 Berlin), 5400 s, billable,
                 "Timetable import"                                                       90 EUR -> 13500
      early      Jonas, Ferry, Sun 10-01 22:30Z = Mon 10-02 00:30 Berlin, 1800 s, billable,
                 "Timetable import" (same row as timetable when grouped)                 90 EUR ->  4500
      meeting    Jonas, no project, Thu 10-05 10:00Z, 7200 s, not billable, "Team meeting" (80 EUR)  0
      minutes    Mara,  Board (private), Fri 10-06 09:00Z, 1234 s, billable, tag on-site,
                 "Board minutes"                                                          80 EUR ->  2742
      late       Mara,  Spring, Sun 10-08 23:30Z, 600 s, not billable, no description    (50 USD)     0
    Admin totals: 30634 s; billable 22834 s; amounts 48242 (EUR 40742, USD 7500); 6 local dates.
    Jonas (member) does not see "minutes": 29400 s, amounts 45500.
    Rounded up to 15 min: minutes 1234 -> 1800, late 600 -> 900, the rest unchanged: 31500 s.
    Every entry's ``at`` (updated_at) is its stop.
    Not counted: after_week (Jonas, 10-08 22:30Z = 10-09 Berlin), before_week (Mara, 09-30), and a
    running entry of Mara on 10-04.
    """

    ws: Workspace
    mara: User
    jonas: User
    otto: User
    harbour: Client
    northwind: Client
    ferry: Project
    spring: Project
    board: Project
    wireframes_task: Task
    on_site: Tag
    phase_1: Tag
    crew_id: int
    homepage: TimeEntry
    wireframes: TimeEntry
    timetable: TimeEntry
    early: TimeEntry
    meeting: TimeEntry
    minutes: TimeEntry
    late: TimeEntry
    after_week: TimeEntry
    before_week: TimeEntry


def _people(db: Session) -> tuple[User, User, User, Workspace, int]:
    mara = make_user(db, fullname="Mara Quint", timezone="Etc/UTC")
    jonas = make_user(db, fullname="Jonas Weber", timezone="Europe/Berlin")
    otto = make_user(db, fullname="Otto Out", timezone="Etc/UTC")
    ws = make_workspace(db, admin=mara, name="Harbour studio", default_currency="EUR",
                        default_hourly_rate=Decimal("80"), rounding=1, rounding_minutes=15, premium=True)
    crew = make_group(db, workspace_id=ws.id, name="Crew", members=[add_member(db, ws, jonas)])
    return mara, jonas, otto, ws, crew.id


@pytest.fixture
def world(db: Session) -> World:
    mara, jonas, otto, ws, crew_id = _people(db)
    harbour = make_client(db, workspace_id=ws.id, name="Harbour Ferries")
    northwind = make_client(db, workspace_id=ws.id, name="Northwind Bakery", currency="USD")
    ferry = make_project(db, workspace_id=ws.id, name="Ferry timetable app", client_id=harbour.id, color=6,
                         rate=Decimal("80"), billable=True)
    add_project_user(db, ferry, jonas, rate=Decimal("90"))
    spring = make_project(db, workspace_id=ws.id, name="Spring menu site", client_id=northwind.id, color=7,
                          rate=Decimal("50"), billable=True)
    board = make_project(db, workspace_id=ws.id, name="Board minutes", color=3, is_private=True, billable=True,
                         manager=mara)
    task = make_task(db, project=ferry, name="Wireframes")
    on_site = make_tag(db, workspace_id=ws.id, name="on-site")
    phase_1 = make_tag(db, workspace_id=ws.id, name="phase-1")

    def entry(user: User, start: str, seconds: int | None, **fields: Any) -> TimeEntry:
        return make_entry(db, user=user, workspace_id=ws.id, start=start, seconds=seconds, **fields)

    homepage = entry(mara, "2023-10-02T07:00:00Z", 5400, project_id=spring.id, billable=True,
                     description="Homepage layout")
    wireframes = entry(mara, "2023-10-03T13:00:00Z", 9000, project_id=ferry.id, task_id=task.id, billable=True,
                       description="Wireframes for booking flow", tags=[phase_1, on_site])
    timetable = entry(jonas, "2023-10-04T07:00:00Z", 5400, project_id=ferry.id, billable=True,
                      description="Timetable import")
    early = entry(jonas, "2023-10-01T22:30:00Z", 1800, project_id=ferry.id, billable=True,
                  description="Timetable import")
    meeting = entry(jonas, "2023-10-05T10:00:00Z", 7200, billable=False, description="Team meeting")
    minutes = entry(mara, "2023-10-06T09:00:00Z", 1234, project_id=board.id, billable=True,
                    description="Board minutes", tags=[on_site])
    late = entry(mara, "2023-10-08T23:30:00Z", 600, project_id=spring.id, billable=False, description="")
    after_week = entry(jonas, "2023-10-08T22:30:00Z", 900, project_id=ferry.id, billable=True,
                       description="Timetable import")
    before_week = entry(mara, "2023-09-30T12:00:00Z", 3600, description="Old")
    entry(mara, "2023-10-04T08:00:00Z", None, description="Still running")
    for e in (homepage, wireframes, timetable, early, meeting, minutes, late, after_week, before_week):
        # A fixed "last change" (``at``) for exact answers: each entry was last changed when it stopped.
        db.execute(update(TimeEntry).where(TimeEntry.id == e.id).values(updated_at=e.stop))
    db.commit()
    return World(ws, mara, jonas, otto, harbour, northwind, ferry, spring, board, task, on_site, phase_1, crew_id,
                 homepage, wireframes, timetable, early, meeting, minutes, late, after_week, before_week)


def add_many(db: Session, world: World, count: int, *, first: str = "2023-10-03T00:00:00Z") -> list[TimeEntry]:
    """``count`` more billable entries of Mara on Ferry (no task, no tags), 60 s each, one minute apart from
    ``first`` (all on 2023-10-03 while ``count`` ≤ 1440), described ``"Bulk 0000"`` …, ``at`` = stop; in creation
    order (ids ascending)."""
    start = at(first)
    made = [TimeEntry(guid=str(uuid.uuid4()), user_id=world.mara.id, workspace_id=world.ws.id,
                      start=start + timedelta(minutes=i), stop=start + timedelta(minutes=i, seconds=60), duration=60,
                      created_with="tests", project_id=world.ferry.id, billable=True, description=f"Bulk {i:04d}")
            for i in range(count)]
    db.add_all(made)
    db.commit()  # one flush: the rate listener resolves every entry's rate and currency
    db.execute(update(TimeEntry).where(TimeEntry.id.in_([e.id for e in made])).values(updated_at=TimeEntry.stop))
    db.commit()
    return made
