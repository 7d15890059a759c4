"""The issue's "Done when": a generated workspace -> ``punchclock export`` -> ``punchclock import
toggl-export`` into an empty second database -> every Reports v2 summary, detailed and weekly report is
identical (ids replaced by names), seconds and cents exactly; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from punchclock.app import create_app
from punchclock.config import Settings
from punchclock.db.engine import make_engine
from punchclock.models import Project, Tag, Task, TimeEntry, TimeEntryTag, User, Workspace
from tests.conftest import scratch_pg_database
from tests.factories import (
    add_invitation,
    add_member,
    add_project_user,
    make_client,
    make_group,
    make_placeholder,
    make_project,
    make_tag,
    make_task,
    make_user,
    make_workspace,
    token_auth,
)
from tests.transfer.conftest import run_cli
from tests.transfer.reports_compare import differences, reports_v2_snapshot

ZONE = ZoneInfo("Europe/Berlin")
RANGES = [(date(2024, 1, 1), date(2024, 12, 31)), (date(2025, 1, 1), date(2025, 12, 31)),
          (date(2024, 10, 1), date(2025, 9, 30))]
DESCRIPTIONS = ["", "Standup", "Review, fixes", 'Call "Globex"', "Bug 1234", "Line one\nline two"]


pytestmark = pytest.mark.usefixtures("clean_env")


@pytest.fixture(name="target_url")
def target_url_fixture(db_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """An empty, migrated second database on the backend of ``db_url``."""
    if db_url.startswith("sqlite"):
        path = tmp_path / "target.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    with scratch_pg_database("punchclock_target") as url:
        yield url


@dataclass
class Generated:
    workspace_id: int
    admin_token: str
    #: Per range: (stopped live entries starting in it, their seconds), counted while generating.
    expected: dict[tuple[date, date], tuple[int, int]] = field(default_factory=dict)


def make_catalog(db: Session) -> tuple[Workspace, list[User], list[Project], dict[int, list[Task]], list[Tag]]:
    ada = make_user(db, email="ada@example.org", fullname="Ada Admin", timezone="Europe/Berlin")
    bo = make_user(db, email="bo@example.org", fullname="Bo Berg", timezone="Europe/Berlin")
    cy = make_user(db, email="cy@example.org", fullname="Cy Chen", timezone="America/New_York")
    di = make_user(db, email="di@example.org", fullname="Di Admin")
    eve = make_placeholder(db, email="eve@example.org", fullname="Eve Extern")
    ws = make_workspace(db, admin=ada, name="Round Trip", default_hourly_rate=Decimal("50"), default_currency="EUR")
    bo_m, cy_m = add_member(db, ws, bo), add_member(db, ws, cy)
    di_m = add_member(db, ws, di, admin=True)
    add_invitation(db, ws, eve)
    acme = make_client(db, workspace_id=ws.id, name="Acme", hourly_rate=Decimal("80"), currency="EUR")
    globex = make_client(db, workspace_id=ws.id, name="Globex", hourly_rate=Decimal("95.5"), currency="USD")
    old = make_client(db, workspace_id=ws.id, name="Old Co", archived=True, hourly_rate=Decimal("60.25"))
    projects = [
        make_project(db, workspace_id=ws.id, name="Website", client_id=acme.id, rate=Decimal("100"), currency="EUR",
                     billable=True, color=2),
        make_project(db, workspace_id=ws.id, name="App", client_id=globex.id, billable=True, color=7),
        make_project(db, workspace_id=ws.id, name="Legacy", client_id=old.id, active=False, color=11),
        make_project(db, workspace_id=ws.id, name="Internal", color=14),
        make_project(db, workspace_id=ws.id, name="Research", rate=Decimal("120.25"), currency="USD", billable=True),
        # Same name under another client: projects are matched by (client, name).
        make_project(db, workspace_id=ws.id, name="Website", client_id=globex.id, rate=Decimal("33.33")),
    ]
    add_project_user(db, projects[0], bo, rate=Decimal("110.5"))
    add_project_user(db, projects[1], cy, rate=Decimal("70"), manager=True)
    add_project_user(db, projects[4], ada)
    tasks = {projects[0].id: [make_task(db, project=projects[0], name="Design", estimated_seconds=36000),
                              make_task(db, project=projects[0], name="Build", user_id=bo.id)],
             projects[1].id: [make_task(db, project=projects[1], name="QA", active=False)]}
    tags = [make_tag(db, workspace_id=ws.id, name=n) for n in ("urgent", "Backend", "meeting")]
    make_group(db, workspace_id=ws.id, name="Devs", members=[bo_m, cy_m])
    make_group(db, workspace_id=ws.id, name="Leads", members=[di_m])
    return ws, [ada, bo, cy, di, eve], projects, tasks, tags


def local(day: date, minutes: int) -> datetime:
    """``minutes`` after local midnight of ``day``, in UTC (a wall-clock time: never a DST gap here)."""
    return datetime(day.year, day.month, day.day, minutes // 60, minutes % 60, tzinfo=ZONE).astimezone(UTC)


def make_entries(db: Session, ws: Workspace, people: list[User], projects: list[Project],
                 tasks: dict[int, list[Task]], tags: list[Tag]) -> list[TimeEntry]:
    """Weekdays of 2024 and 2025, ~30% of them worked per person, 1-3 entries a day between 07:00 and ~20:00
    Berlin time (never in a DST gap or overlap), plus entries across midnight and both DST changes."""
    rnd = random.Random(14)
    made: list[TimeEntry] = []
    day = date(2024, 1, 1)
    while day <= date(2025, 12, 31):
        for user in people:
            if day.weekday() >= 5 or rnd.random() > 0.3:
                continue
            start = local(day, 7 * 60 + rnd.randrange(120))
            for _ in range(rnd.randint(1, 3)):
                seconds = rnd.randrange(300, 4 * 3600)
                made.append(entry(ws, user, start, seconds, rnd, projects, tasks, tags))
                start += timedelta(seconds=seconds + rnd.randrange(300, 3600))
        day += timedelta(days=1)
    # 22:00 CET -> 04:00 CEST across spring-forward; 23:00 CEST -> 04:00 CET across fall-back; New Year's Eve.
    for user, start, seconds in [(people[0], "2024-03-30T21:00:00", 5 * 3600), (people[1], "2025-10-25T21:00:00",
                                 7 * 3600), (people[2], "2024-12-31T22:00:00", 7200 + 17)]:
        made.append(entry(ws, user, datetime.fromisoformat(start).replace(tzinfo=UTC), seconds, rnd, projects, tasks,
                          tags))
    db.add_all(made)
    db.flush()
    db.add_all(TimeEntryTag(time_entry_id=e.id, tag_id=t.id) for e in made for t in e.__dict__["_tags"])
    # Not exported, not reported: a deleted entry.
    db.add(TimeEntry(guid="deleted", workspace_id=ws.id, user_id=people[0].id, start=local(date(2024, 5, 6), 600),
                     stop=local(date(2024, 5, 6), 660), duration=3600, deleted_at=datetime.now(UTC)))
    db.commit()
    return made


def entry(ws: Workspace, user: User, start: datetime, seconds: int, rnd: random.Random, projects: list[Project],
          tasks: dict[int, list[Task]], tags: list[Tag]) -> TimeEntry:
    project = rnd.choice([None, *projects])
    task = rnd.choice([None, *tasks[project.id]]) if project is not None and project.id in tasks else None
    e = TimeEntry(guid=f"g{rnd.getrandbits(64):x}", workspace_id=ws.id, user_id=user.id, start=start,
                  stop=start + timedelta(seconds=seconds), duration=seconds, description=rnd.choice(DESCRIPTIONS),
                  billable=rnd.random() < 0.6, project_id=None if project is None else project.id,
                  task_id=None if task is None else task.id, created_with="tests")
    e.__dict__["_tags"] = rnd.sample(tags, rnd.randint(0, 2))
    return e


def generate(url: str) -> Generated:
    engine = make_engine(url)
    try:
        with Session(engine, expire_on_commit=False) as db:
            ws, people, projects, tasks, tags = make_catalog(db)
            made = make_entries(db, ws, people, projects, tasks, tags)
            out = Generated(ws.id, people[0].api_token)
            for since, until in RANGES:
                lo = datetime(since.year, since.month, since.day, tzinfo=ZONE)
                hi = datetime(until.year, until.month, until.day, tzinfo=ZONE) + timedelta(days=1)
                inside = [e.duration for e in made if lo <= e.start < hi]
                out.expected[(since, until)] = (len(inside), sum(inside))
            return out
    finally:
        engine.dispose()


def snapshots(url: str, workspace_id: int, token: str) -> dict[tuple[date, date], dict[str, Any]]:
    app = create_app(Settings(database_url=url, rate_limit=False, public_url="http://testserver",
                              webhooks_dispatcher=False))
    headers = token_auth(User(api_token=token))
    with TestClient(app) as client:
        def get(path: str, params: dict[str, str]) -> Any:
            response = client.get(f"/reports/api/v2/{path}", params=params, headers=headers)
            assert response.status_code == 200, response.text
            return response.json()

        found = {r: reports_v2_snapshot(get, workspace_id, *r) for r in RANGES}
    app.state.engine.dispose()  # type: ignore[attr-defined]
    return found


def totals(url: str, workspace_id: int) -> tuple[int, int]:
    engine = make_engine(url)
    try:
        with Session(engine) as db:
            count, seconds = db.execute(select(func.count(), func.sum(TimeEntry.duration)).where(
                TimeEntry.workspace_id == workspace_id, TimeEntry.deleted_at.is_(None))).one()
            return count, seconds
    finally:
        engine.dispose()


def target_admin(url: str) -> str:
    """The target server's admin: the same e-mail (and zone, so days fall alike) as the source's."""
    engine = make_engine(url)
    try:
        with Session(engine, expire_on_commit=False) as db:
            return make_user(db, email="ada@example.org", fullname="Ada Admin", timezone="Europe/Berlin").api_token
    finally:
        engine.dispose()


def test_export_then_import_gives_identical_reports(db_url: str, target_url: str, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    source = generate(db_url)
    monkeypatch.setenv("PUNCHCLOCK_DATABASE_URL", db_url)
    exported = run_cli("export", str(source.workspace_id), str(tmp_path / "files"))
    assert exported.exit_code == 0, exported.output
    files = sorted((tmp_path / "files").iterdir())
    assert [p.name for p in files] == [f"round-trip_{source.workspace_id}.zip",
                                       "time_entries_2024-01-01_to_2024-12-31.csv",
                                       "time_entries_2025-01-01_to_2025-12-31.csv"]
    token = target_admin(target_url)
    monkeypatch.setenv("PUNCHCLOCK_DATABASE_URL", target_url)
    imported = run_cli("import", "toggl-export", *map(str, files), "--timezone", "Europe/Berlin", "--json")
    assert imported.exit_code == 0, imported.output
    outcome = json.loads(imported.stdout)
    assert outcome["rejections"] == []
    source_count, source_seconds = totals(db_url, source.workspace_id)
    created = {kind: c["created"] for kind, c in outcome["counts"].items()}
    assert created == {"workspaces": 1, "users": 4, "members": 5, "groups": 2, "clients": 3, "projects": 6,
                       "project_users": 3, "tasks": 3, "tags": 3, "time_entries": source_count}
    assert outcome["counts"]["users"] == {"created": 4, "matched": 1, "skipped": 0}  # Ada is there already
    assert outcome["counts"]["time_entries"] == {"created": source_count, "matched": 0, "skipped": 0}
    assert totals(target_url, outcome["workspace_id"]) == (source_count, source_seconds)

    before = snapshots(db_url, source.workspace_id, source.admin_token)
    after = snapshots(target_url, outcome["workspace_id"], token)
    for r in RANGES:
        count, seconds = source.expected[r]
        assert (before[r]["detailed"]["total_count"], before[r]["detailed"]["total_grand"]) == (count, seconds * 1000)
        assert before[r]["detailed"]["total_currencies"] != [{"currency": None, "amount": None}]
        assert differences(before[r], after[r]) == []
        assert before[r] == after[r]
