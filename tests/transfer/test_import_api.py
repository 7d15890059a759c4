"""``punchclock import toggl-api`` from a live punchclock (the source: SQLite filled with factories) into the
test database (SQLite and PostgreSQL), through the CLI: the round trip, idempotency, dry run, a member's token."""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from punchclock.app import create_app
from punchclock.config import Settings
from punchclock.domain.colors import nearest_palette_id
from punchclock.models import Client, Project, Tag, Task, TimeEntry, User, Workspace
from tests.factories import (
    add_member,
    add_project_user,
    make_client,
    make_entry,
    make_group,
    make_project,
    make_tag,
    make_task,
    make_user,
    make_workspace,
)
from tests.live_server import LiveServer, live_server
from tests.transfer.conftest import row_counts, run_cli
from tests.transfer.reports_compare import differences, reports_v2_snapshot

EMAILS = ("ada@example.org", "bob@example.org", "cyd@example.org", "dan@example.org")
NAMES = ("Ada Admin", "Bob Builder", "Cyd Coder", "Dan Designer")


@dataclass
class Source:
    url: str
    workspace_id: int
    admin_token: str
    member_token: str
    #: E-mail of the non-admin member whose token is ``member_token``.
    member_email: str
    entries: int
    seconds: int


def _catalog(db: Session, ws: Workspace, users: list[User]) -> tuple[list[Project], list[Task | None], list[Tag]]:
    acme = make_client(db, workspace_id=ws.id, name="Acme", notes="first client")
    globex = make_client(db, workspace_id=ws.id, name="Globex", archived=True)
    initech: Client = make_client(db, workspace_id=ws.id, name="Initech")
    website = make_project(db, workspace_id=ws.id, name="Website", client_id=acme.id, billable=True,
                           rate=Decimal("80"), currency="EUR", color_hex="#0b83d9",
                           color=nearest_palette_id("#0b83d9"), estimated_hours=120)
    backend = make_project(db, workspace_id=ws.id, name="Backend", client_id=acme.id, billable=True,
                           rate=Decimal("95.5"), currency="EUR", is_private=True)
    legacy = make_project(db, workspace_id=ws.id, name="Legacy", client_id=globex.id, active=False, billable=True)
    research = make_project(db, workspace_id=ws.id, name="Research", client_id=initech.id, billable=True,
                            rate=Decimal("120"), currency="USD")
    internal = make_project(db, workspace_id=ws.id, name="Internal")
    add_project_user(db, website, users[1], rate=Decimal("70.25"))
    add_project_user(db, backend, users[2], manager=True)
    add_project_user(db, research, users[3], rate=Decimal("110"))
    design = make_task(db, project=website, name="Design", estimated_seconds=36000, user_id=users[1].id)
    build = make_task(db, project=website, name="Build", active=False)
    api = make_task(db, project=backend, name="API")
    tags = [make_tag(db, workspace_id=ws.id, name=n) for n in ("urgent", "review", "meeting")]
    projects = [website, website, backend, legacy, research, internal]
    return projects, [design, build, api, None], tags


def _entries(db: Session, ws: Workspace, users: list[User], count: int, seed: int) -> tuple[int, int]:
    projects, tasks, tags = _catalog(db, ws, users)
    rng = random.Random(seed)
    first = datetime(2024, 1, 2, 7, 0, tzinfo=UTC)
    total = 0
    for i in range(count):
        start = first + timedelta(days=i * 730 // count, minutes=rng.randrange(0, 600))
        seconds = rng.randrange(60, 4 * 3600)
        project = rng.choice([*projects, None])
        task = next((t for t in tasks if t is not None and project is not None and t.project_id == project.id
                     and rng.random() < 0.6), None)
        make_entry(db, user=users[i % len(users)], workspace_id=ws.id, start=start, seconds=seconds,
                   project_id=project.id if project else None, task_id=task.id if task else None,
                   billable=bool(project and project.billable and rng.random() < 0.8),
                   description=rng.choice(["", "Standup", "Fix the build", "Planung für Q3", "Review"]),
                   tags=rng.sample(tags, rng.randrange(0, 3)))
        total += seconds
    return count, total


def build_source(template: Path, folder: Path, *, entries: int = 300, seed: int = 14) -> Source:
    """A premium workspace "Studio" of four people (Ada and Dan admins), groups, clients (Globex archived),
    projects with rates and currencies (Legacy archived), project users, tasks, tags and ``entries`` entries
    over 2024 and 2025. Each user also has a personal workspace (empty)."""
    path = folder / "source.db"
    shutil.copyfile(template, path)
    url = f"sqlite:///{path}"
    engine = create_engine(url)
    with Session(engine, expire_on_commit=False) as db:
        users = [make_user(db, email=e, fullname=n, timezone=tz) for e, n, tz in
                 zip(EMAILS, NAMES, ("Europe/Berlin", "America/New_York", "Etc/UTC", "Asia/Tokyo"), strict=True)]
        ws = make_workspace(db, admin=users[0], name="Studio", premium=True, default_hourly_rate=Decimal("40"),
                            default_currency="EUR", rounding=0, rounding_minutes=15)
        members = [add_member(db, ws, users[1]), add_member(db, ws, users[2]), add_member(db, ws, users[3], admin=True)]
        make_group(db, workspace_id=ws.id, name="Design", members=[members[0], members[2]])
        make_group(db, workspace_id=ws.id, name="Engineering", members=[members[1]])
        count, seconds = _entries(db, ws, users, entries, seed)
        make_entry(db, user=users[0], workspace_id=ws.id, start=datetime.now(UTC) - timedelta(minutes=5), seconds=None)
        source = Source(url, ws.id, users[0].api_token, users[1].api_token, users[1].email, count, seconds)
    engine.dispose()
    return source


# -- the tests -----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def source(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Source, LiveServer]]:
    """The source punchclock, shared by the module's tests (they only read it)."""
    folder = tmp_path_factory.mktemp("api_source")
    built = build_source(sqlite_template, folder)
    with live_server(built.url, folder / "server.log", env={"PUNCHCLOCK_ACCESS_LOG": "true"}) as server:
        yield built, server


def import_api(server: LiveServer, token: str, spool: Path, *more: str) -> Any:
    return run_cli("import", "toggl-api", "--base-url", server.base, "--token", token, "--spool", str(spool), *more)


def counts(outcome: dict[str, Any]) -> dict[str, tuple[int, int, int]]:
    """Non-zero counts as (created, matched, skipped) per kind."""
    return {k: (c["created"], c["matched"], c["skipped"]) for k, c in outcome["counts"].items() if any(c.values())}


#: What importing Studio into a server that knows only Ada creates.
STUDIO_CREATED = {"workspaces": (1, 0, 0), "users": (3, 1, 0), "members": (4, 0, 0), "groups": (2, 0, 0),
                  "clients": (3, 0, 0), "projects": (5, 0, 0), "project_users": (3, 0, 0), "tasks": (3, 0, 0),
                  "tags": (3, 0, 0), "time_entries": (300, 0, 1)}
STUDIO_MATCHED = {k: (0, created + matched, skipped) for k, (created, matched, skipped) in STUDIO_CREATED.items()}


def http_get(client: Any, token: str) -> Any:
    def get(path: str, params: dict[str, str]) -> Any:
        r = client.get(f"/reports/api/v2/{path}", params=params, auth=(token, "api_token"))
        assert r.status_code == 200, r.text
        return r.json()
    return get


RANGES = ((date(2024, 1, 1), date(2024, 12, 31)), (date(2025, 1, 1), date(2025, 12, 31)),
          (date(2024, 7, 1), date(2025, 6, 30)))


def test_round_trip_reports_identical_and_second_run_matches(source: tuple[Source, LiveServer], cli_db: str,
                                                             dbs: Session, tmp_path: Path) -> None:
    src, server = source
    ada = make_user(dbs, email="ADA@example.org", fullname="Ada Admin", timezone="Europe/Berlin")
    spool = tmp_path / "spool"
    result = import_api(server, src.admin_token, spool, "--json")
    assert result.exit_code == 0, result.output
    personal, studio = json.loads(result.stdout)
    assert personal["source"] == {"id": "1", "name": "Ada Admin's workspace", "admin": True}
    assert counts(personal) == {"workspaces": (1, 0, 0), "users": (0, 1, 0), "members": (1, 0, 0)}
    assert studio["source"] == {"id": str(src.workspace_id), "name": "Studio", "admin": True}
    assert counts(studio) == STUDIO_CREATED
    assert studio["rejections"] == [] and not spool.exists()
    wid = studio["workspace_id"]
    dbs.expire_all()
    assert dbs.scalar(select(func.count(TimeEntry.id)).where(TimeEntry.workspace_id == wid)) == src.entries
    assert dbs.scalar(select(func.sum(TimeEntry.duration)).where(TimeEntry.workspace_id == wid)) == src.seconds
    assert {(c.name, c.archived) for c in dbs.scalars(select(Client).where(Client.workspace_id == wid))} == {
        ("Acme", False), ("Globex", True), ("Initech", False)}
    projects = dbs.scalars(select(Project).where(Project.workspace_id == wid))
    assert {(p.name, p.active, p.rate, p.currency) for p in projects} == {
        ("Website", True, Decimal("80"), "EUR"), ("Backend", True, Decimal("95.5"), "EUR"),
        ("Legacy", False, None, None), ("Research", True, Decimal("120"), "USD"), ("Internal", True, None, None)}
    ws = dbs.get(Workspace, wid)
    assert ws is not None and (ws.name, ws.default_hourly_rate, ws.default_currency, ws.rounding_minutes) == (
        "Studio", Decimal("40"), "EUR", 15)

    target_app = create_app(Settings(database_url=cli_db, rate_limit=False, webhooks_dispatcher=False))
    with TestClient(target_app) as target, httpx.Client(base_url=server.base, timeout=60) as source_http:
        for since, until in RANGES:
            expected = reports_v2_snapshot(http_get(source_http, src.admin_token), src.workspace_id, since, until)
            got = reports_v2_snapshot(http_get(target, ada.api_token), wid, since, until)
            assert differences(expected, got) == [], (since, until)

    before = row_counts(dbs)
    again = import_api(server, src.admin_token, spool, "--json")
    assert again.exit_code == 0, again.output
    personal, studio = json.loads(again.stdout)
    assert counts(studio) == STUDIO_MATCHED and studio["workspace_id"] == wid
    assert counts(personal) == {"workspaces": (0, 1, 0), "users": (0, 1, 0), "members": (0, 1, 0)}
    assert row_counts(dbs) == before


def test_dry_run_counts_and_writes_nothing_then_the_real_run_uses_its_spool(
        source: tuple[Source, LiveServer], cli_db: str, dbs: Session, tmp_path: Path) -> None:
    src, server = source
    make_user(dbs, email="ada@example.org")
    before, spool = row_counts(dbs), tmp_path / "spool"
    args = ("--source-workspace", str(src.workspace_id))
    result = import_api(server, src.admin_token, spool, *args, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "would create" in result.stdout and "Dry run: nothing was written." in result.stdout
    assert "│ time entries  │          300 │       0 │       1 │" in result.stdout
    assert row_counts(dbs) == before
    # The spool is kept after a dry run, complete: the real run pulls nothing again.
    assert json.loads((spool / "state.json").read_text())["cursors"] == {}
    other = import_api(server, src.admin_token, spool, *args, "--since", "2025-01-01")
    assert other.exit_code == 2
    assert f"{spool} holds a pull made with other arguments" in other.stderr
    requests = len(server.access())
    real = import_api(server, src.admin_token, spool, *args)
    assert real.exit_code == 0, real.output
    assert f"Resuming the pull kept in {spool}." in real.stderr
    assert "│ time entries  │     300 │       0 │       1 │" in real.stdout
    assert len(server.access()) == requests
    assert real.stdout.splitlines()[-1] == f"Done: 1 workspace imported from {server.base}."
    assert row_counts(dbs)["time_entries"] == 300 and not spool.exists()


def test_one_target_workspace_needs_one_source_workspace(source: tuple[Source, LiveServer], cli_db: str,
                                                         dbs: Session, tmp_path: Path) -> None:
    src, server = source
    user = make_user(dbs, email="ada@example.org")
    before = row_counts(dbs)
    result = import_api(server, src.admin_token, tmp_path / "spool", "--workspace", str(user.default_workspace_id))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"--workspace imports one source workspace, but the token reads 2: Ada Admin's workspace (1), "
        f"Studio ({src.workspace_id}). Choose one with --source-workspace.")
    assert row_counts(dbs) == before
    assert src.admin_token not in result.output


def test_non_admin_imports_own_entries_only(source: tuple[Source, LiveServer], cli_db: str, dbs: Session,
                                            tmp_path: Path) -> None:
    src, server = source
    bob = make_user(dbs, email=src.member_email, fullname="Bob (target)")
    result = import_api(server, src.member_token, tmp_path / "spool", "--source-workspace", str(src.workspace_id),
                        "--workspace", str(bob.default_workspace_id))
    assert result.exit_code == 0, result.output
    assert ("Not an admin of Studio: only your own time entries are imported (from /api/v9/me/time_entries)."
            in result.stdout)
    assert f"Imported into workspace {bob.default_workspace_id}." in result.stdout
    own_count, own_seconds = own_entries(src)
    dbs.expire_all()
    rows = dbs.execute(select(func.count(TimeEntry.id), func.sum(TimeEntry.duration))
                       .where(TimeEntry.workspace_id == bob.default_workspace_id)).one()
    assert tuple(rows) == (own_count, own_seconds) and own_count == 75
    assert set(dbs.scalars(select(TimeEntry.user_id).where(TimeEntry.workspace_id == bob.default_workspace_id))) == {
        bob.id}
    # Only Bob is known (others' e-mails are hidden from members): no other user was created.
    assert dbs.scalar(select(func.count(User.id))) == 1


def own_entries(src: Source) -> tuple[int, int]:
    engine = create_engine(src.url)
    with Session(engine) as db:
        rows = db.execute(select(func.count(TimeEntry.id), func.sum(TimeEntry.duration))
                          .join(User, User.id == TimeEntry.user_id)
                          .where(User.email == src.member_email, TimeEntry.workspace_id == src.workspace_id,
                                 TimeEntry.stop.is_not(None))).one()
    engine.dispose()
    return int(rows[0]), int(rows[1])


def test_an_object_no_column_can_hold_is_a_rejection(sqlite_template: Path, cli_db: str, dbs: Session,
                                                     tmp_path: Path) -> None:
    """The pull reads clients, projects and tags with the export reader's rules (v9_objects): a client name
    longer than our columns (SQLite, the source here, does not enforce lengths) is rejected, not a crash."""
    path = tmp_path / "odd.db"
    shutil.copyfile(sqlite_template, path)
    engine = create_engine(f"sqlite:///{path}")
    with Session(engine, expire_on_commit=False) as db:
        zed = make_user(db, email="zed@example.org", fullname="Zed")
        ws = make_workspace(db, admin=zed, name="Odd", premium=True)
        long = make_client(db, workspace_id=ws.id, name="C" * 256)
        make_project(db, workspace_id=ws.id, name="Fine")
        make_tag(db, workspace_id=ws.id, name="ok")
    engine.dispose()
    before = row_counts(dbs)
    with live_server(f"sqlite:///{path}", tmp_path / "server.log") as server:
        result = import_api(server, zed.api_token, tmp_path / "spool", "--source-workspace", str(ws.id), "--json")
    assert result.exit_code == 1, result.output
    (outcome,) = json.loads(result.stdout)
    assert outcome["rejections"] == [{"file": f"/api/v9/workspaces/{ws.id}/clients", "line": 0,
                                      "reason": f"id {long.id}: name {'C' * 40!r}… is longer than 255 characters"}]
    assert (outcome["rejected_total"], outcome["counts"]["projects"], outcome["counts"]["tags"]) == (
        1, {"created": 1, "matched": 0, "skipped": 0}, {"created": 1, "matched": 0, "skipped": 0})
    assert row_counts(dbs) == before
