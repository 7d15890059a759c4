"""``punchclock import toggl-export``: the workspace ZIP and its matching rules, through the CLI, on both
databases. (The CSV lines, DST and rejections: test_import_files_csv.py.)"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from punchclock.models import (
    Client,
    Group,
    GroupMember,
    Project,
    ProjectMember,
    Tag,
    Task,
    TimeEntry,
    TimeEntryTag,
    User,
    Workspace,
    WorkspaceMember,
)
from punchclock.transfer.files import layout
from tests.factories import make_client, make_entry, make_project, make_tag, make_user
from tests.transfer.conftest import row_counts, run_cli
from tests.transfer.exportfiles import COLUMNS, entry, sample_export, write_csv, write_zip

ZONE = ("--timezone", "Europe/Berlin")


def _csv(tmp_path: Path, name: str = "time_entries_2024.csv") -> Path:
    rows = [
        entry("ada@example.com", "2024-03-04 09:00:00", "2024-03-04 10:30:15", User="Ada Lovelace", Client="Globex",
              Project="Website", Task="Design", Description="Wireframes", Billable="Yes", Tags="urgent, review",
              **{"Amount (USD)": "225.00"}),
        entry("BOB@example.com", "2024-03-04 13:00", "2024-03-04 13:45", User="Bob Builder", Project="Internal",
              Description="Stand-up, \"weekly\"\nsecond line", Duration="garbage"),
        entry("newbie@example.com", "2024-03-05 08:00:00", "2024-03-05 08:20:00", User="New Person",
              Client="Hooli", Project="Moonshot", Task="Research", Tags="fresh"),
    ]
    return write_csv(tmp_path / name, rows, columns=(*COLUMNS, "Amount (USD)"))


def _import(*args: str) -> dict[str, object]:
    result = run_cli("import", "toggl-export", *args, "--json")
    assert result.exit_code == 0, result.output
    out: dict[str, object] = json.loads(result.output)
    return out


def _counts(out: dict[str, object]) -> dict[str, tuple[int, int, int]]:
    counts = out["counts"]
    assert isinstance(counts, dict)
    return {k: (c["created"], c["matched"], c["skipped"]) for k, c in counts.items()}


def test_zip_and_csv_make_a_new_workspace_with_everything(cli_db: str, dbs: Session, tmp_path: Path) -> None:
    archive = write_zip(tmp_path / "acme.zip", sample_export())
    out = _import(str(archive), str(_csv(tmp_path)), *ZONE)
    assert _counts(out) == {
        "workspaces": (1, 0, 0), "users": (4, 0, 0), "members": (4, 0, 0), "groups": (1, 0, 0),
        "clients": (3, 0, 0), "projects": (4, 0, 0), "project_users": (2, 0, 0), "tasks": (3, 0, 0),
        "tags": (3, 0, 0), "time_entries": (3, 0, 0)}
    ws = dbs.scalars(select(Workspace)).one()
    assert out["workspace_id"] == ws.id and out["rejections"] == []
    assert (ws.name, ws.default_hourly_rate, ws.default_currency, ws.rounding, ws.rounding_minutes) == (
        "Acme Studio", Decimal("40.00"), "EUR", 1, 15)
    assert (ws.only_admins_may_create_projects, ws.only_admins_may_create_tags, ws.only_admins_see_billable_rates,
            ws.projects_private_by_default, ws.projects_billable_by_default) == (True, False, True, False, False)

    users = {u.id: u for u in dbs.scalars(select(User))}
    assert sorted((u.email, u.fullname, u.password_hash, u.timezone) for u in users.values()) == [
        ("Bob@Example.com", "Bob Builder", None, "Etc/UTC"), ("ada@example.com", "Ada Lovelace", None, "Europe/London"),
        ("cy@example.com", "Cy Twombly", None, "Etc/UTC"), ("newbie@example.com", "New Person", None, "Etc/UTC")]
    members = dbs.scalars(select(WorkspaceMember).order_by(WorkspaceMember.id)).all()
    assert [(users[m.user_id].email, m.admin, m.active) for m in members] == [
        ("ada@example.com", True, False), ("Bob@Example.com", False, False), ("cy@example.com", False, False),
        ("newbie@example.com", False, False)]
    assert all(m.invite_code and m.invited_at for m in members)


def test_the_zip_catalog_keeps_states_rates_and_currencies(cli_db: str, dbs: Session, tmp_path: Path) -> None:
    _import(str(write_zip(tmp_path / "acme.zip", sample_export())), str(_csv(tmp_path)), *ZONE)
    users = {u.id: u for u in dbs.scalars(select(User))}
    members = dbs.scalars(select(WorkspaceMember).order_by(WorkspaceMember.id)).all()
    clients = {c.name: c for c in dbs.scalars(select(Client))}
    assert {n: (c.archived, c.notes, c.hourly_rate, c.currency) for n, c in clients.items()} == {
        "Globex": (False, "Main client", Decimal("120.50"), "USD"), "Initech": (True, None, None, None),
        "Hooli": (False, None, None, None)}
    projects = {p.name: p for p in dbs.scalars(select(Project))}
    by_client = {c.id: c.name for c in clients.values()}
    assert {n: (by_client.get(p.client_id or 0), p.active, p.is_private, p.billable, p.color_hex, p.rate, p.currency,
                p.estimated_hours, p.template, p.auto_estimates) for n, p in projects.items()} == {
        "Website": ("Globex", True, False, True, "#06aaf5", Decimal("95.25"), "USD", 120, False, False),
        "Legacy": ("Initech", False, True, False, "#c9806b", None, None, None, False, False),
        "Internal": (None, True, True, False, "#9e5bd9", None, None, None, True, True),
        # Named only by a CSV line: the workspace's defaults (not private, not billable).
        "Moonshot": ("Hooli", True, False, False, None, None, None, None, False, False)}
    pms = dbs.scalars(select(ProjectMember).order_by(ProjectMember.id)).all()
    assert [(p.project_id, users[p.user_id].email, p.manager, p.rate) for p in pms] == [
        (projects["Website"].id, "ada@example.com", True, Decimal("150.00")),
        (projects["Website"].id, "Bob@Example.com", False, None)]
    tasks = dbs.scalars(select(Task).order_by(Task.id)).all()
    assert [(t.name, t.project_id, t.active, t.estimated_seconds, t.user_id and users[t.user_id].email)
            for t in tasks] == [
        ("Design", projects["Website"].id, True, 36000, "Bob@Example.com"),
        ("Build", projects["Website"].id, False, 0, None),
        ("Research", projects["Moonshot"].id, True, 0, None)]
    assert sorted(t.name for t in dbs.scalars(select(Tag))) == ["fresh", "review", "urgent"]
    group = dbs.scalars(select(Group)).one()
    grouped = {m.user_id for m in members if m.id in set(dbs.scalars(select(GroupMember.workspace_member_id)))}
    assert (group.name, sorted(users[u].email for u in grouped)) == ("Designers", ["Bob@Example.com",
                                                                                  "ada@example.com"])


def test_the_csv_lines_become_entries_with_resolved_rates(cli_db: str, dbs: Session, tmp_path: Path) -> None:
    _import(str(write_zip(tmp_path / "acme.zip", sample_export())), str(_csv(tmp_path)), *ZONE)
    users = {u.id: u for u in dbs.scalars(select(User))}
    projects = {p.name: p for p in dbs.scalars(select(Project))}
    tasks = dbs.scalars(select(Task).order_by(Task.id)).all()
    entries = dbs.scalars(select(TimeEntry).order_by(TimeEntry.start)).all()
    tag_names = {t.id: t.name for t in dbs.scalars(select(Tag))}
    entry_tags = {(et.time_entry_id, tag_names[et.tag_id]) for et in dbs.scalars(select(TimeEntryTag))}
    assert [(users[e.user_id].email, e.start, e.stop, e.duration, e.description, e.billable, e.project_id, e.task_id,
             sorted(n for i, n in entry_tags if i == e.id), e.rate, e.currency, e.created_with) for e in entries] == [
        ("ada@example.com", datetime(2024, 3, 4, 8, 0, tzinfo=UTC), datetime(2024, 3, 4, 9, 30, 15, tzinfo=UTC), 5415,
         "Wireframes", True, projects["Website"].id, tasks[0].id, ["review", "urgent"], Decimal("150.00"), "USD",
         "punchclock import"),
        ("Bob@Example.com", datetime(2024, 3, 4, 12, 0, tzinfo=UTC), datetime(2024, 3, 4, 12, 45, tzinfo=UTC), 2700,
         "Stand-up, \"weekly\"\nsecond line", False, projects["Internal"].id, None, [], Decimal("40.00"), "EUR",
         "punchclock import"),
        ("newbie@example.com", datetime(2024, 3, 5, 7, 0, tzinfo=UTC), datetime(2024, 3, 5, 7, 20, tzinfo=UTC), 1200,
         "", False, projects["Moonshot"].id, tasks[2].id, ["fresh"], Decimal("40.00"), "EUR", "punchclock import"),
    ]


def test_importing_the_same_files_again_changes_nothing(cli_db: str, dbs: Session, tmp_path: Path) -> None:
    archive, csv = write_zip(tmp_path / "acme.zip", sample_export()), _csv(tmp_path)
    _import(str(archive), str(csv), *ZONE)
    before = row_counts(dbs)
    out = _import(str(archive), str(csv), *ZONE)
    assert _counts(out) == {
        "workspaces": (0, 1, 0), "users": (0, 3, 0), "members": (0, 3, 0), "groups": (0, 1, 0),
        "clients": (0, 2, 0), "projects": (0, 3, 0), "project_users": (0, 2, 0), "tasks": (0, 2, 0),
        "tags": (0, 2, 0), "time_entries": (0, 3, 0)}
    assert row_counts(dbs) == before
    assert before["workspaces"] == 1 and before["time_entries"] == 3


def test_import_links_find_rows_renamed_since(cli_db: str, dbs: Session, tmp_path: Path) -> None:
    archive = write_zip(tmp_path / "acme.zip", sample_export())
    _import(str(archive), str(_csv(tmp_path)), *ZONE)
    website = dbs.scalars(select(Project).where(Project.name == "Website")).one()
    website.name = "Site (renamed)"
    dbs.commit()
    later = write_csv(tmp_path / "later.csv", [entry("ada@example.com", "2024-04-01 09:00", "2024-04-01 10:00",
                                                     Client="Globex", Project="Website")])
    out = _import(str(archive), str(later), *ZONE)
    assert _counts(out)["projects"] == (0, 3, 0) and _counts(out)["time_entries"] == (1, 0, 0)
    new = dbs.scalars(select(TimeEntry).where(TimeEntry.start == datetime(2024, 4, 1, 7, 0, tzinfo=UTC))).one()
    assert (new.project_id, row_counts(dbs)["projects"]) == (website.id, 4)


def test_v8_field_names_and_a_wrapping_folder(cli_db: str, dbs: Session, tmp_path: Path) -> None:
    files = {
        f"export/{layout.CLIENTS}": [{"id": 1, "wid": 5, "name": "Old Client"}],
        f"export/{layout.PROJECTS}": [{"id": 2, "wid": 5, "cid": 1, "name": "Old Project", "hex_color": "#4dc3ff"}],
        f"export/{layout.WORKSPACE_USERS}": [{"id": 3, "uid": 4, "email": "old@example.com", "fullname": "Old Timer",
                                              "admin": True}],
        f"export/{layout.TASKS_DIR}2.json": [{"id": 6, "name": "Old Task", "pid": 2, "uid": 4}],
        f"export/{layout.PROJECT_USERS_DIR}2.json": [{"pid": 2, "uid": 4, "manager": True, "rate": 12.5}],
        f"export/{layout.USER_GROUPS}": [{"id": 7, "name": "Old Guard", "user_ids": [4]}],
    }
    out = _import(str(write_zip(tmp_path / "Old Workspace.zip", files)))
    assert _counts(out)["tasks"] == (1, 0, 0) and _counts(out)["project_users"] == (1, 0, 0)
    ws = dbs.scalars(select(Workspace)).one()
    project = dbs.scalars(select(Project)).one()
    client = dbs.scalars(select(Client)).one()
    user = dbs.scalars(select(User)).one()
    task = dbs.scalars(select(Task)).one()
    pm = dbs.scalars(select(ProjectMember)).one()
    assert (ws.name, client.name, project.name, project.client_id, project.color_hex, project.color) == (
        "Old Workspace", "Old Client", "Old Project", client.id, "#4dc3ff", 0)
    assert (user.email, user.fullname, task.name, task.user_id, pm.manager, pm.rate) == (
        "old@example.com", "Old Timer", "Old Task", user.id, True, Decimal("12.50"))
    group = dbs.scalars(select(Group)).one()
    member = dbs.scalars(select(WorkspaceMember).where(WorkspaceMember.workspace_id == ws.id)).one()
    assert (group.name, list(dbs.scalars(select(GroupMember.workspace_member_id)))) == ("Old Guard", [member.id])


def test_existing_users_and_case_insensitive_names_are_matched(cli_db: str, dbs: Session, tmp_path: Path) -> None:
    owner = make_user(dbs, email="owner@example.com")
    ada = make_user(dbs, email="ADA@example.com", fullname="Countess")
    wid = owner.default_workspace_id
    assert wid is not None
    globex = make_client(dbs, workspace_id=wid, name="GLOBEX", hourly_rate=Decimal("10"))
    website = make_project(dbs, workspace_id=wid, name="website", client_id=globex.id, active=True)
    make_tag(dbs, workspace_id=wid, name="URGENT")
    dbs.commit()
    export = sample_export()
    export[layout.CLIENTS][0]["name"] = "globex"
    out = _import(str(write_zip(tmp_path / "acme.zip", export)), str(_csv(tmp_path)), *ZONE, "--workspace", str(wid))
    counts = _counts(out)
    assert (counts["workspaces"], counts["clients"], counts["projects"], counts["tags"]) == (
        (0, 1, 0), (2, 1, 0), (3, 1, 0), (2, 1, 0))
    assert counts["users"] == (3, 1, 0) and counts["members"] == (4, 0, 0)  # Ada: a user, not yet a member
    dbs.expire_all()
    ada_member = dbs.scalars(select(WorkspaceMember).where(WorkspaceMember.user_id == ada.id,
                                                           WorkspaceMember.workspace_id == wid)).one()
    assert (ada_member.workspace_id, ada_member.active, ada_member.admin, ada_member.invite_code) == (
        wid, True, True, None)
    assert dbs.get_one(User, ada.id).fullname == "Countess"  # matched users are left as they are
    assert dbs.get_one(Client, globex.id).hourly_rate == Decimal("10.00")  # matched rows are left unchanged
    assert [c.name for c in dbs.scalars(select(Client).where(Client.workspace_id == wid).order_by(Client.id))] == [
        "GLOBEX", "Initech", "Hooli"]
    ada_entry = dbs.scalars(select(TimeEntry).where(TimeEntry.user_id == ada.id)).one()
    assert (ada_entry.project_id, ada_entry.rate, ada_entry.currency) == (website.id, Decimal("150.00"), "USD")


def test_new_project_users_re_rate_existing_entries(cli_db: str, dbs: Session, tmp_path: Path) -> None:
    ada = make_user(dbs, email="ada@example.com")
    wid = ada.default_workspace_id
    assert wid is not None
    globex = make_client(dbs, workspace_id=wid, name="Globex")
    website = make_project(dbs, workspace_id=wid, name="Website", client_id=globex.id)
    old = make_entry(dbs, user=ada, start="2024-01-02T09:00:00Z", seconds=1800, project_id=website.id)
    assert (old.rate, old.currency) == (Decimal("0.00"), "USD")
    export = {k: v for k, v in sample_export().items() if k != layout.WORKSPACE_SETTINGS}
    out = _import(str(write_zip(tmp_path / "acme.zip", export)), "--workspace", str(wid))
    assert _counts(out)["project_users"] == (2, 0, 0) and _counts(out)["projects"] == (2, 1, 0)
    dbs.expire_all()
    entry_now = dbs.get_one(TimeEntry, old.id)
    # The project user's rate (150) now leads the chain; the currency comes from the matched project (none)
    # and its client (none): the workspace's.
    assert (entry_now.rate, entry_now.currency, entry_now.created_with) == (Decimal("150.00"), "USD", "tests")


def test_csv_only_needs_a_workspace(cli_db: str, dbs: Session, tmp_path: Path) -> None:
    owner = make_user(dbs, email="owner@example.com")
    csv = _csv(tmp_path)
    result = run_cli("import", "toggl-export", str(csv), *ZONE)
    assert result.exit_code == 2
    assert "Without a workspace ZIP, give --workspace ID" in result.output
    result = run_cli("import", "toggl-export", str(csv), *ZONE, "--workspace", "999")
    assert (result.exit_code, result.output.strip().splitlines()[-1]) == (2, "No workspace with id 999.")
    out = _import(str(csv), *ZONE, "--workspace", str(owner.default_workspace_id))
    counts = _counts(out)
    assert (counts["clients"], counts["projects"], counts["tasks"], counts["tags"], counts["time_entries"]) == (
        (2, 0, 0), (3, 0, 0), (2, 0, 0), (3, 0, 0), (3, 0, 0))
    assert counts["users"] == (3, 0, 0) and counts["members"] == (3, 0, 0)


def test_zip_without_tasks_groups_or_settings(cli_db: str, dbs: Session, tmp_path: Path) -> None:
    export = sample_export()
    files = {k: v for k, v in export.items() if k in (layout.CLIENTS, layout.WORKSPACE_USERS)}
    out = _import(str(write_zip(tmp_path / "Small Team.zip", files)))
    counts = _counts(out)
    assert (counts["clients"], counts["members"], counts["tasks"], counts["groups"]) == (
        (2, 0, 0), (3, 0, 0), (0, 0, 0), (0, 0, 0))
    ws = dbs.scalars(select(Workspace)).one()
    assert (ws.name, ws.default_hourly_rate, ws.default_currency) == ("Small Team", Decimal("0.00"), "USD")
    again = _import(str(write_zip(tmp_path / "Small Team.zip", files)))
    assert _counts(again)["workspaces"] == (0, 1, 0) and row_counts(dbs)["workspaces"] == 1


def test_malformed_zip_files_are_rejected_with_file_and_line(cli_db: str, dbs: Session, tmp_path: Path) -> None:
    files = {
        layout.CLIENTS: '[\n  {"id": 1, "name": "A"},\n  {"id": 2 "name": "B"}\n]',
        layout.PROJECTS: [{"id": 3, "name": "P", "client_id": 77}, {"id": 4}, {"id": 5, "name": "Fine"}],
        layout.WORKSPACE_USERS: [{"id": 1, "user_id": 8, "email": "x@example.com", "admin": "yes"}],
        layout.TAGS: {"not": "an array"},
        f"{layout.TASKS_DIR}99.json": [],
    }
    result = run_cli("import", "toggl-export", str(write_zip(tmp_path / "bad.zip", files)))
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[-8:] == [
        "bad.zip:clients.json:3: not valid JSON: Expecting ',' delimiter",
        "bad.zip:projects.json:0: object 1 (id 3): client_id 77 is not in clients.json",
        "bad.zip:projects.json:0: object 2 (id 4): name is missing",
        "bad.zip:workspace_users.json:0: object 1 (id 1): admin 'yes' is not true or false",
        "bad.zip:tasks/99.json:0: project 99 is not in projects.json",
        "bad.zip:tags.json:0: not an array of objects",
        "workspace_users.json:0: no member to own the new workspace",
        "Nothing was written: there is no workspace to import into.",
    ]
    assert set(row_counts(dbs).values()) == {0}


def test_invite_mails_the_new_people_after_the_commit(cli_db: str, dbs: Session, tmp_path: Path,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="punchclock.mail")
    archive = write_zip(tmp_path / "acme.zip", sample_export())
    result = run_cli("import", "toggl-export", str(archive), str(_csv(tmp_path)), *ZONE, "--dry-run", "--invite")
    assert result.exit_code == 0 and caplog.records == []
    result = run_cli("import", "toggl-export", str(archive), str(_csv(tmp_path)), *ZONE, "--invite")
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == "Sent 4 invitation mails."
    assert sorted(r.getMessage() for r in caplog.records) == [
        f"mail not sent (no SMTP server configured): to={e} subject=Invitation to Acme Studio on punchclock"
        for e in ("Bob@Example.com", "ada@example.com", "cy@example.com", "newbie@example.com")]
