"""``POST /api/v9/workspaces/{id}/import`` and the ``…/export`` downloads (punchclock extensions), on SQLite and
PostgreSQL: exact counts, rejected lines with nothing written, dry run, who may, and the export's bytes equal
to ``punchclock export``'s."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from punchclock import cli
from punchclock.app import create_app
from punchclock.config import Settings
from punchclock.models import Client, ImportLink, Project, Tag, TimeEntry, TimeEntryTag, User, WorkspaceMember
from tests.api.v9.documented import documented
from tests.factories import Team, at, make_entry, make_tag, make_team, token_auth

ZONE = "Europe/Berlin"
HEADER = "User,Email,Client,Project,Task,Description,Billable,Start date,Start time,End date,End time,Duration,Tags"


def archive(admin_email: str) -> bytes:
    """A small workspace ZIP: a client, its project, a tag, the admin and one person new to the server."""
    files: dict[str, Any] = {
        "clients.json": [{"id": 11, "name": "Acme", "archived": False, "notes": None}],
        "projects.json": [{"id": 21, "name": "Website", "client_id": 11, "active": True, "is_private": False,
                           "billable": True, "color": "#0b83d9", "rate": 80, "currency": "EUR"}],
        "tags.json": [{"id": 31, "name": "design"}],
        "workspace_users.json": [
            {"id": 41, "user_id": 51, "email": admin_email, "name": "Mara Quint", "admin": True, "active": True},
            {"id": 42, "user_id": 52, "email": "newbie@example.com", "name": "Nina New", "admin": False,
             "active": True}],
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, value in files.items():
            zf.writestr(name, json.dumps(value))
    return out.getvalue()


def entries_csv(admin_email: str, *extra: str) -> bytes:
    lines = [HEADER,
             f"Mara Quint,{admin_email},Acme,Website,,Homepage,Yes,2026-03-02,09:00:00,2026-03-02,10:30:00,"
             "01:30:00,design",
             "Nina New,newbie@example.com,,,,Reading,No,2026-03-03,14:00:00,2026-03-03,14:45:00,18:25 min,",
             *extra]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode()


def post_import(client: TestClient, team: Team, *, user: User | None = None, workspace_id: int | None = None,
                csv: bytes | None = None, zip_bytes: bytes | None = None, **fields: str) -> Any:
    files: list[tuple[str, tuple[str, bytes, str]]] = []
    if zip_bytes is not None:
        files.append(("workspace", ("Team.zip", zip_bytes, "application/zip")))
    if csv is not None:
        files.append(("time_entries", ("time_entries_2026.csv", csv, "text/csv")))
    wid = team.ws.id if workspace_id is None else workspace_id
    return client.post(f"/api/v9/workspaces/{wid}/import", headers=token_auth(user or team.admin),
                       data={"timezone": ZONE, **fields}, files=files or None)


def rows(db: Session) -> dict[str, int]:
    db.rollback()  # a fresh snapshot: what the requests committed
    return {model.__tablename__: db.scalar(select(func.count()).select_from(model)) or 0
            for model in (User, WorkspaceMember, Client, Project, Tag, TimeEntry, TimeEntryTag, ImportLink)}


def counts(created: int = 0, matched: int = 0, skipped: int = 0) -> dict[str, int]:
    return {"created": created, "matched": matched, "skipped": skipped}


EXPECTED = {
    "workspaces": counts(matched=1), "users": counts(created=1, matched=1), "members": counts(created=1, matched=1),
    "groups": counts(), "clients": counts(created=1), "projects": counts(created=1), "project_users": counts(),
    "tasks": counts(), "tags": counts(created=1), "time_entries": counts(created=2),
}


def test_import_writes_the_files_and_answers_the_counts(client: TestClient, db: Session) -> None:
    team = make_team(db)
    before = rows(db)
    r = post_import(client, team, zip_bytes=archive(team.admin.email), csv=entries_csv(team.admin.email))
    body = documented(client).check("POST", "/workspaces/{workspace_id}/import", r)
    assert body == {"dry_run": False, "workspace_id": team.ws.id, "counts": EXPECTED, "rejected_total": 0,
                    "rejections": []}
    after = rows(db)
    assert {k: after[k] - before[k] for k in after} == {
        "users": 1, "workspace_members": 1, "clients": 1, "projects": 1, "tags": 1, "time_entries": 2,
        # links: the workspace, the two users, the client, the project, the tag and the two entries
        "time_entry_tags": 1, "import_links": 8}
    entries = db.execute(select(TimeEntry.description, TimeEntry.start, TimeEntry.stop, TimeEntry.duration,
                                TimeEntry.billable).where(TimeEntry.workspace_id == team.ws.id)
                         .order_by(TimeEntry.start)).all()
    # Berlin is UTC+1 in March; the Duration column ("18:25 min") is never read: stop - start is.
    assert [(d, s.replace(tzinfo=UTC) if s.tzinfo is None else s, seconds, billable)
            for d, s, _, seconds, billable in entries] == [
        ("Homepage", datetime(2026, 3, 2, 8, 0, tzinfo=UTC), 5400, True),
        ("Reading", datetime(2026, 3, 3, 13, 0, tzinfo=UTC), 2700, False)]
    newbie = db.scalar(select(User).where(User.email == "newbie@example.com"))
    assert newbie is not None and newbie.password_hash is None and newbie.fullname == "Nina New"
    member = db.scalar(select(WorkspaceMember).where(WorkspaceMember.user_id == newbie.id))
    assert member is not None and (member.workspace_id, member.active) == (team.ws.id, False)
    # The same files again: everything matched, nothing new.
    again = post_import(client, team, zip_bytes=archive(team.admin.email), csv=entries_csv(team.admin.email))
    assert again.status_code == 200
    assert again.json()["counts"]["time_entries"] == counts(matched=2)
    assert again.json()["counts"]["clients"] == counts(matched=1)
    assert rows(db) == after


def test_rejected_lines_answer_400_and_write_nothing(client: TestClient, db: Session) -> None:
    team = make_team(db)
    bad = (f"Mara Quint,{team.admin.email},,,,Backwards,No,2026-03-04,10:00:00,2026-03-04,09:00:00,,",
           f"Mara Quint,{team.admin.email},,,,Nonsense,No,2026-13-01,10:00:00,2026-13-01,11:00:00,,")
    before = rows(db)
    r = post_import(client, team, zip_bytes=archive(team.admin.email), csv=entries_csv(team.admin.email, *bad))
    assert r.status_code == 400
    body = r.json()
    assert body["dry_run"] is False and body["rejected_total"] == 2
    assert [(x["file"], x["line"]) for x in body["rejections"]] == [("time_entries_2026.csv", 4),
                                                                   ("time_entries_2026.csv", 5)]
    assert all(x["reason"] for x in body["rejections"])
    assert rows(db) == before
    # The good lines go in when asked to skip the rejected ones; the answer still lists them.
    r = post_import(client, team, csv=entries_csv(team.admin.email, *bad), skip_rejected="true")
    assert r.status_code == 200
    assert r.json()["counts"]["time_entries"] == counts(created=2)
    assert r.json()["rejected_total"] == 2
    assert rows(db)["time_entries"] == before["time_entries"] + 2


def test_dry_run_counts_and_writes_nothing(client: TestClient, db: Session) -> None:
    team = make_team(db)
    before = rows(db)
    r = post_import(client, team, zip_bytes=archive(team.admin.email), csv=entries_csv(team.admin.email),
                    dry_run="true")
    assert r.status_code == 200
    assert r.json() == {"dry_run": True, "workspace_id": team.ws.id, "counts": EXPECTED, "rejected_total": 0,
                        "rejections": []}
    assert rows(db) == before


def test_who_may_import_and_bad_requests(client: TestClient, db: Session) -> None:
    team = make_team(db)
    before = rows(db)
    csv = entries_csv(team.admin.email)
    assert (post_import(client, team, user=team.member, csv=csv).status_code,
            post_import(client, team, user=team.member, csv=csv).json()) == (403, "Only workspace admins can do this")
    # The outsider is the admin of their own workspace, not of this one.
    refused = post_import(client, team, user=team.outsider, csv=csv)
    assert (refused.status_code, refused.json()) == (403, "Workspace not found/accessible")
    nothing = post_import(client, team)
    assert (nothing.status_code, nothing.json()) == (
        400, "No file to import: send `workspace` (the workspace ZIP) and/or `time_entries` (CSV files)")
    zone = post_import(client, team, csv=csv, timezone="Mars/Olympus")
    assert (zone.status_code, zone.json()) == (400, "Invalid timezone")
    flag = post_import(client, team, csv=csv, dry_run="perhaps")
    assert (flag.status_code, flag.json()) == (400, "Invalid dry_run")
    assert rows(db) == before


def test_timezone_defaults_to_the_callers_zone(client: TestClient, db: Session) -> None:
    team = make_team(db)
    team.admin.timezone = "America/New_York"
    db.commit()
    r = client.post(f"/api/v9/workspaces/{team.ws.id}/import", headers=token_auth(team.admin),
                    files=[("time_entries", ("y.csv", entries_csv(team.admin.email), "text/csv"))])
    assert r.status_code == 200, r.text
    start = db.scalar(select(TimeEntry.start).where(TimeEntry.description == "Homepage"))
    assert start is not None and start.replace(tzinfo=UTC) == datetime(2026, 3, 2, 14, 0, tzinfo=UTC)  # EST: UTC-5


def _world(db: Session) -> Team:
    team = make_team(db)
    design = make_tag(db, workspace_id=team.ws.id, name="design")
    make_entry(db, user=team.admin, workspace_id=team.ws.id, start=at("2025-12-31T23:30:00Z"), seconds=5400,
               description="Across new year", project_id=team.project.id, tags=[design])
    make_entry(db, user=team.member, workspace_id=team.ws.id, start=at("2026-06-01T07:00:00Z"), seconds=600,
               description='Quote "this", then a\nsecond line')
    return team


def test_export_answers_the_bytes_of_the_cli(client: TestClient, db: Session, db_url: str, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    team = _world(db)
    monkeypatch.setenv("PUNCHCLOCK_DATABASE_URL", db_url)
    out = tmp_path / "export"
    result = CliRunner().invoke(cli.app, ["export", str(team.ws.id), str(out), "--timezone", ZONE])
    assert result.exit_code == 0, result.output
    written = {p.name: p.read_bytes() for p in out.iterdir()}
    zip_name = f"team_{team.ws.id}.zip"
    assert sorted(written) == sorted([zip_name, "time_entries_2026-01-01_to_2026-12-31.csv"])

    r = client.get(f"/api/v9/workspaces/{team.ws.id}/export", headers=token_auth(team.admin))
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/zip"
    assert r.headers["content-disposition"] == f'attachment; filename="{zip_name}"'
    assert r.content == written[zip_name]
    assert "clients.json" in zipfile.ZipFile(io.BytesIO(r.content)).namelist()

    # 23:30 UTC on 31 December is 00:30 on 1 January in Berlin: both entries are of 2026 there.
    csv = client.get(f"/api/v9/workspaces/{team.ws.id}/export/time_entries/2026.csv",
                     params={"timezone": ZONE}, headers=token_auth(team.admin))
    assert csv.status_code == 200
    assert csv.headers["content-type"] == "text/csv; charset=utf-8"
    assert csv.headers["content-disposition"] == 'attachment; filename="time_entries_2026-01-01_to_2026-12-31.csv"'
    assert csv.content == written["time_entries_2026-01-01_to_2026-12-31.csv"]
    assert csv.content.startswith(b"\xef\xbb\xbf" + HEADER.encode() + b"\r\n")
    assert csv.content.count(b"\r\n") == 3  # the header and two entries (one description of two lines)
    assert b"2026-01-01,00:30:00,2026-01-01,02:00:00,01:30:00,design\r\n" in csv.content


def test_export_csv_zone_defaults_to_the_caller_and_is_admins_only(client: TestClient, db: Session) -> None:
    team = _world(db)
    url = f"/api/v9/workspaces/{team.ws.id}/export/time_entries/2025.csv"
    # In UTC the new-year entry starts in 2025 (in Berlin, 2026): the admin's zone here is Etc/UTC.
    r = client.get(url, headers=token_auth(team.admin))
    assert r.status_code == 200
    assert r.content.count(b"\r\n") == 2
    assert b",Across new year,No,2025-12-31,23:30:00,2026-01-01,01:00:00,01:30:00,design\r\n" in r.content
    berlin = client.get(url, params={"timezone": ZONE}, headers=token_auth(team.admin))
    assert berlin.content == b"\xef\xbb\xbf" + HEADER.encode() + b"\r\n"  # a year without entries: the header
    for path in (url, f"/api/v9/workspaces/{team.ws.id}/export"):
        member = client.get(path, headers=token_auth(team.member))
        assert (member.status_code, member.json()) == (403, "Only workspace admins can do this")
        outsider = client.get(path, headers=token_auth(team.outsider))
        assert (outsider.status_code, outsider.json()) == (403, "Workspace not found/accessible")
    for bad in ("999", "20x6", "9999", "0999"):
        r = client.get(f"/api/v9/workspaces/{team.ws.id}/export/time_entries/{bad}.csv", headers=token_auth(team.admin))
        assert (r.status_code, r.json()) == (400, "Invalid year"), bad
    r = client.get(url, params={"timezone": "Nowhere"}, headers=token_auth(team.admin))
    assert (r.status_code, r.json()) == (400, "Invalid timezone")


#: A JSON body limit far below the upload limit, so that small files can stand between the two.
SMALL_LIMITS = {"max_body_bytes": 1024, "max_upload_bytes": 16 * 1024}


@pytest.fixture
def small_client(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings.model_copy(update=SMALL_LIMITS))
    with TestClient(app) as c:
        yield c
    app.state.engine.dispose()


def padded_csv(admin_email: str, lines: int) -> bytes:
    """The two entries of ``entries_csv`` and ``lines`` more half-hours on 2026-03-04, one per line."""
    extra = [f"Mara Quint,{admin_email},,,,Line {i},No,2026-03-04,10:00:00,2026-03-04,10:30:00,00:30:00,"
             for i in range(lines)]
    return entries_csv(admin_email, *extra)


def test_uploads_have_their_own_limit_and_need_a_length(small_client: TestClient, db: Session) -> None:
    team = make_team(db)
    before = rows(db)
    csv = padded_csv(team.admin.email, 40)
    assert SMALL_LIMITS["max_body_bytes"] < len(csv) < SMALL_LIMITS["max_upload_bytes"]
    # Over the body limit, under the upload limit: the import path takes it...
    r = post_import(small_client, team, csv=csv)
    assert (r.status_code, r.json()["counts"]["time_entries"]) == (200, counts(created=42))
    assert rows(db)["time_entries"] == before["time_entries"] + 42
    # ...while every other path still refuses such a body, multipart or JSON.
    other = small_client.post("/api/v9/me/time_entries", headers=token_auth(team.admin),
                              files={"time_entries": ("y.csv", csv, "text/csv")})
    assert (other.status_code, other.json()) == (400, "Request body too large")
    name = small_client.put("/api/v9/me", headers=token_auth(team.admin), json={"fullname": "x" * 2000})
    assert (name.status_code, name.json()) == (400, "Request body too large")
    # Over the upload limit: the same JSON answer as any API path, and nothing is written.
    before = rows(db)
    big = post_import(small_client, team, csv=padded_csv(team.admin.email, 400))
    assert (big.status_code, big.headers["content-type"], big.json()) == (
        400, "application/json; charset=utf-8", "Request body too large")
    # Without a Content-Length the limit would cut the body short: half a file must not be imported.
    boundary = "b0undary"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"time_entries\"; filename=\"y.csv\"\r\n"
            "Content-Type: text/csv\r\n\r\n")
    body = head.encode() + entries_csv(team.admin.email) + f"\r\n--{boundary}--\r\n".encode()
    headers = {**token_auth(team.admin), "Content-Type": f"multipart/form-data; boundary={boundary}"}
    chunked = small_client.post(f"/api/v9/workspaces/{team.ws.id}/import", content=iter([body]), headers=headers)
    assert (chunked.status_code, chunked.json()) == (411, "Uploads need a Content-Length")
    assert rows(db) == before
