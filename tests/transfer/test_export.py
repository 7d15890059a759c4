"""``punchclock export``: the workspace ZIP (exact JSON of every member) and the per-year CSV files (exact
bytes), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from punchclock.cli.database import shown_url
from punchclock.db.engine import make_engine
from punchclock.models import Client, Project, Tag, Task, User, Workspace
from tests.factories import (
    add_invitation,
    add_member,
    add_project_user,
    at,
    make_client,
    make_entry,
    make_group,
    make_placeholder,
    make_project,
    make_tag,
    make_task,
    make_user,
    make_workspace,
)
from tests.transfer.conftest import run_cli

BOM = b"\xef\xbb\xbf"
HEADER = (b"User,Email,Client,Project,Task,Description,Billable,Start date,Start time,End date,End time,Duration,"
          b"Tags\r\n")
FILE_2024 = "time_entries_2024-01-01_to_2024-12-31.csv"
FILE_2025 = "time_entries_2025-01-01_to_2025-12-31.csv"


pytestmark = pytest.mark.usefixtures("clean_env")


@pytest.fixture(name="session")
def session_fixture(cli_db: str) -> Iterator[Session]:
    engine = make_engine(cli_db)
    with Session(engine, expire_on_commit=False) as session:
        yield session
    engine.dispose()


@dataclass
class World:
    ws: Workspace
    ada: User
    bo: User
    cy: User
    acme: Client
    old: Client
    website: Project
    internal: Project
    design: Task
    retired: Task
    urgent: Tag
    backend: Tag


def make_world(db: Session) -> World:
    """Admin Ada (Europe/Berlin, the first admin: the default zone), member Bo, invited Cy; two live clients
    (one archived), two live projects (one client-less and inactive), tasks, tags, a group, six entries in
    2024/2025 local time; plus deleted rows, a running entry and another workspace's entry, none exported."""
    ada = make_user(db, email="ada@example.org", fullname="Ada Admin", timezone="Europe/Berlin")
    bo = make_user(db, email="bo@example.org", fullname="Bo Member")
    cy = make_placeholder(db, email="cy@example.org", fullname="Cy Invited")
    ws = make_workspace(db, admin=ada, name="Acme Team", default_hourly_rate=Decimal("50"), default_currency="EUR",
                        rounding=0, rounding_minutes=15, only_admins_may_create_tags=True,
                        projects_billable_by_default=False)
    bo_member = add_member(db, ws, bo)
    add_invitation(db, ws, cy)
    acme = make_client(db, workspace_id=ws.id, name="Acme", notes="Key account", hourly_rate=Decimal("75.50"),
                       currency="EUR")
    old = make_client(db, workspace_id=ws.id, name="Old Co", archived=True)
    make_client(db, workspace_id=ws.id, name="Gone", deleted_at=at("2024-01-01T00:00:00Z"))
    website = make_project(db, workspace_id=ws.id, name="Website", client_id=acme.id, color=3, billable=True,
                           rate=Decimal("90.25"), currency="EUR", estimated_hours=40, manager=ada)
    internal = make_project(db, workspace_id=ws.id, name="Internal", active=False, is_private=True,
                            color=5, color_hex="#123abc", auto_estimates=True, template=True)
    make_project(db, workspace_id=ws.id, name="Dropped", deleted_at=at("2024-01-01T00:00:00Z"))
    add_project_user(db, website, bo, rate=Decimal("60"))
    design = make_task(db, project=website, name="Design", estimated_seconds=7200, user_id=bo.id)
    retired = make_task(db, project=website, name="Retired", active=False)
    make_task(db, project=website, name="Deleted task", deleted_at=at("2024-01-01T00:00:00Z"))
    urgent = make_tag(db, workspace_id=ws.id, name="urgent")
    backend = make_tag(db, workspace_id=ws.id, name="Backend")
    make_group(db, workspace_id=ws.id, name="Devs", members=[bo_member])
    w = World(ws, ada, bo, cy, acme, old, website, internal, design, retired, urgent, backend)
    make_entries(db, w)
    return w


def make_entries(db: Session, w: World) -> None:
    wid = w.ws.id
    make_entry(db, user=w.bo, workspace_id=wid, start="2024-03-05T08:00:00Z", seconds=5400, project_id=w.website.id,
               task_id=w.design.id, description="Layout", billable=True, tags=[w.urgent, w.backend])
    # Crosses local midnight (22:30 -> 01:15 CEST).
    make_entry(db, user=w.ada, workspace_id=wid, start="2024-06-30T20:30:00Z", seconds=9900,
               description="Late release")
    # Across the fall-back change: 01:30 CEST -> 03:30 CET is three hours.
    make_entry(db, user=w.ada, workspace_id=wid, start="2024-10-26T23:30:00Z", seconds=10800, billable=True,
               project_id=w.website.id, description="Night shift", tags=[w.urgent])
    # Longer than a day: the hours of Duration exceed 24.
    make_entry(db, user=w.bo, workspace_id=wid, start="2024-11-01T08:00:00Z", seconds=30 * 3600 + 5,
               description="Marathon")
    # 2024 in UTC, 2025 in Berlin: the file of its local year.
    make_entry(db, user=w.ada, workspace_id=wid, start="2024-12-31T23:30:00Z", seconds=2700,
               project_id=w.internal.id, description="New year")
    make_entry(db, user=w.bo, workspace_id=wid, start="2025-01-02T09:00:00Z", seconds=600, project_id=w.internal.id,
               description='Line one\nLine two, with "quotes"')
    # Never exported: running, deleted, another workspace's.
    make_entry(db, user=w.bo, workspace_id=wid, start="2025-02-01T09:00:00Z", seconds=None, description="Running")
    make_entry(db, user=w.bo, workspace_id=wid, start="2025-02-01T08:00:00Z", seconds=60, description="Deleted",
               deleted_at=datetime(2025, 2, 2, tzinfo=UTC))
    make_entry(db, user=w.ada, start="2024-05-01T08:00:00Z", seconds=60, description="Personal")


def export(*args: str) -> Any:
    return run_cli("export", *args)


def member(zf: zipfile.ZipFile, name: str) -> Any:
    return json.loads(zf.read(name), parse_float=Decimal)


def stamp(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds")


@pytest.fixture(name="exported")
def exported_fixture(session: Session, tmp_path: Path) -> Iterator[tuple[World, zipfile.ZipFile]]:
    """The world exported through the CLI, and its ZIP opened."""
    w = make_world(session)
    result = export(str(w.ws.id), str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(tmp_path / "out" / f"acme-team_{w.ws.id}.zip") as zf:
        yield w, zf


def test_the_zip_holds_one_member_per_file_with_fixed_times(exported: tuple[World, zipfile.ZipFile]) -> None:
    w, zf = exported
    assert zf.namelist() == ["clients.json", "projects.json", "tags.json", "workspace_users.json",
                             "user_groups.json", "workspace_settings.json", f"projects_users/{w.website.id}.json",
                             f"projects_users/{w.internal.id}.json", f"tasks/{w.website.id}.json",
                             f"tasks/{w.internal.id}.json"]
    assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in zf.infolist())
    assert b'"rate": 75.5,' in zf.read("clients.json")
    assert zf.read(f"projects_users/{w.internal.id}.json") == b"[]\n"
    assert zf.read(f"tasks/{w.internal.id}.json") == b"[]\n"


def test_clients_projects_and_tags(exported: tuple[World, zipfile.ZipFile]) -> None:
    w, zf = exported
    assert member(zf, "clients.json") == [
        {"id": w.acme.id, "workspace_id": w.ws.id, "name": "Acme", "archived": False, "notes": "Key account",
         "rate": Decimal("75.5"), "currency": "EUR", "at": stamp(w.acme.updated_at)},
        {"id": w.old.id, "workspace_id": w.ws.id, "name": "Old Co", "archived": True, "notes": None,
         "rate": None, "currency": None, "at": stamp(w.old.updated_at)},
    ]
    assert member(zf, "projects.json") == [
        {"id": w.website.id, "workspace_id": w.ws.id, "client_id": w.acme.id, "name": "Website", "active": True,
         "is_private": False, "billable": True, "color": "#f68d38", "rate": Decimal("90.25"), "currency": "EUR",
         "estimated_hours": 40, "template": False, "auto_estimates": False, "at": stamp(w.website.updated_at)},
        {"id": w.internal.id, "workspace_id": w.ws.id, "client_id": None, "name": "Internal", "active": False,
         "is_private": True, "billable": False, "color": "#123abc", "rate": None, "currency": None,
         "estimated_hours": None, "template": True, "auto_estimates": True, "at": stamp(w.internal.updated_at)},
    ]
    assert member(zf, "tags.json") == [
        {"id": w.urgent.id, "workspace_id": w.ws.id, "name": "urgent", "at": stamp(w.urgent.updated_at)},
        {"id": w.backend.id, "workspace_id": w.ws.id, "name": "Backend", "at": stamp(w.backend.updated_at)},
    ]


def test_members_groups_and_settings(exported: tuple[World, zipfile.ZipFile]) -> None:
    w, zf = exported
    users = member(zf, "workspace_users.json")
    assert [{k: u[k] for k in ("user_id", "workspace_id", "email", "name", "admin", "active", "timezone")}
            for u in users] == [
        {"user_id": w.ada.id, "workspace_id": w.ws.id, "email": "ada@example.org", "name": "Ada Admin",
         "admin": True, "active": True, "timezone": "Europe/Berlin"},
        {"user_id": w.bo.id, "workspace_id": w.ws.id, "email": "bo@example.org", "name": "Bo Member",
         "admin": False, "active": True, "timezone": "Etc/UTC"},
        {"user_id": w.cy.id, "workspace_id": w.ws.id, "email": "cy@example.org", "name": "Cy Invited",
         "admin": False, "active": False, "timezone": "Etc/UTC"},
    ]
    assert [u["id"] for u in users] == sorted(u["id"] for u in users)
    groups = member(zf, "user_groups.json")
    assert groups == [{"group_id": groups[0]["group_id"], "name": "Devs", "workspace_id": w.ws.id,
                       "users": [{"user_id": w.bo.id, "name": "Bo Member"}]}]
    assert member(zf, "workspace_settings.json") == {
        "name": "Acme Team", "default_hourly_rate": 50, "default_currency": "EUR", "rounding": 0,
        "rounding_minutes": 15, "only_admins_may_create_projects": False, "only_admins_may_create_tags": True,
        "only_admins_see_billable_rates": False, "projects_billable_by_default": False,
        "projects_private_by_default": True}


def test_project_users_and_tasks(exported: tuple[World, zipfile.ZipFile]) -> None:
    w, zf = exported
    website_users = member(zf, f"projects_users/{w.website.id}.json")
    assert [{k: v for k, v in u.items() if k != "id"} for u in website_users] == [
        {"project_id": w.website.id, "user_id": w.ada.id, "workspace_id": w.ws.id, "manager": True, "rate": None},
        {"project_id": w.website.id, "user_id": w.bo.id, "workspace_id": w.ws.id, "manager": False, "rate": 60},
    ]
    assert member(zf, f"tasks/{w.website.id}.json") == [
        {"id": w.design.id, "name": "Design", "project_id": w.website.id, "workspace_id": w.ws.id,
         "active": True, "estimated_seconds": 7200, "user_id": w.bo.id},
        {"id": w.retired.id, "name": "Retired", "project_id": w.website.id, "workspace_id": w.ws.id,
         "active": False, "estimated_seconds": 0, "user_id": None},
    ]


def test_one_csv_per_local_year_with_exact_bytes(session: Session, db_url: str, tmp_path: Path) -> None:
    w = make_world(session)
    out = tmp_path / "out"
    result = export(str(w.ws.id), str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"Database: {shown_url(db_url)}\n"
        "Time zone of the entries: Europe/Berlin\n"
        f"{out}/acme-team_{w.ws.id}.zip: workspace {w.ws.id} (Acme Team)\n"
        f"{out}/{FILE_2024}: 4 time entries\n"
        f"{out}/{FILE_2025}: 2 time entries\n"
        "Exported 6 time entries in 2 files.\n")
    assert sorted(p.name for p in out.iterdir()) == [f"acme-team_{w.ws.id}.zip", FILE_2024, FILE_2025]
    assert (out / FILE_2024).read_bytes() == BOM + HEADER + (
        b"Bo Member,bo@example.org,Acme,Website,Design,Layout,Yes,2024-03-05,09:00:00,2024-03-05,10:30:00,"
        b'01:30:00,"Backend, urgent"\r\n'
        b"Ada Admin,ada@example.org,,,,Late release,No,2024-06-30,22:30:00,2024-07-01,01:15:00,02:45:00,\r\n"
        b"Ada Admin,ada@example.org,Acme,Website,,Night shift,Yes,2024-10-27,01:30:00,2024-10-27,03:30:00,"
        b"03:00:00,urgent\r\n"
        b"Bo Member,bo@example.org,,,,Marathon,No,2024-11-01,09:00:00,2024-11-02,15:00:05,30:00:05,\r\n")
    assert (out / FILE_2025).read_bytes() == BOM + HEADER + (
        b"Ada Admin,ada@example.org,,Internal,,New year,No,2025-01-01,00:30:00,2025-01-01,01:15:00,00:45:00,\r\n"
        b'Bo Member,bo@example.org,,Internal,,"Line one\nLine two, with ""quotes""",No,2025-01-02,10:00:00,'
        b"2025-01-02,10:10:00,00:10:00,\r\n")


def test_another_zone_moves_entries_between_years(session: Session, tmp_path: Path) -> None:
    w = make_world(session)
    out = tmp_path / "utc"
    result = export(str(w.ws.id), str(out), "--timezone", "Etc/UTC")
    assert result.exit_code == 0, result.output
    assert "Time zone of the entries: Etc/UTC\n" in result.stdout
    assert f"{out}/{FILE_2024}: 5 time entries\n" in result.stdout
    lines = (out / FILE_2024).read_bytes().split(b"\r\n")
    assert lines[2] == (b"Ada Admin,ada@example.org,,,,Late release,No,2024-06-30,20:30:00,2024-06-30,23:15:00,"
                        b"02:45:00,")
    assert lines[5] == (b"Ada Admin,ada@example.org,,Internal,,New year,No,2024-12-31,23:30:00,2025-01-01,00:15:00,"
                        b"00:45:00,")
    assert (out / FILE_2025).read_bytes() == BOM + HEADER + (
        b'Bo Member,bo@example.org,,Internal,,"Line one\nLine two, with ""quotes""",No,2025-01-02,09:00:00,'
        b"2025-01-02,09:10:00,00:10:00,\r\n")


def test_a_second_export_is_byte_identical(session: Session, tmp_path: Path) -> None:
    w = make_world(session)
    assert export(str(w.ws.id), str(tmp_path / "one")).exit_code == 0
    assert export(str(w.ws.id), str(tmp_path / "two")).exit_code == 0
    one = {p.name: p.read_bytes() for p in (tmp_path / "one").iterdir()}
    two = {p.name: p.read_bytes() for p in (tmp_path / "two").iterdir()}
    assert len(one) == 3
    assert one == two


def test_an_empty_workspace_gives_the_zip_only(session: Session, tmp_path: Path) -> None:
    admin = make_user(session, email="solo@example.org", fullname="Solo", timezone="America/New_York")
    ws = make_workspace(session, admin=admin, name="Ünïcode & Co")
    result = export(str(ws.id), str(tmp_path / "new" / "dir"))
    assert result.exit_code == 0, result.output
    assert "Time zone of the entries: America/New_York\n" in result.stdout
    assert result.stdout.endswith("Exported 0 time entries in 0 files.\n")
    assert [p.name for p in (tmp_path / "new" / "dir").iterdir()] == [f"unicode-co_{ws.id}.zip"]
    with zipfile.ZipFile(tmp_path / "new" / "dir" / f"unicode-co_{ws.id}.zip") as zf:
        assert zf.read("clients.json") == b"[]\n"
        assert json.loads(zf.read("workspace_settings.json"))["name"] == "Ünïcode & Co"


def test_unknown_workspace_and_zone_fail_clearly(session: Session, tmp_path: Path) -> None:
    result = export("999", str(tmp_path / "x"))
    assert result.exit_code == 1
    assert result.stderr == "No workspace with id 999.\n"
    assert not (tmp_path / "x").exists()
    result = export("1", str(tmp_path / "x"), "--timezone", "Mars/Olympus")
    assert result.exit_code == 1
    assert "Unknown time zone 'Mars/Olympus'" in result.stderr
