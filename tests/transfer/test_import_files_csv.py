"""``punchclock import toggl-export`` with time-entry CSVs: columns, encodings, DST, duplicates, rejected lines,
--skip-rejected, --dry-run, --json and the time-zone question, through the CLI on both databases."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from punchclock.models import Project, Tag, Task, TimeEntry, TimeEntryTag, User
from tests.factories import make_user
from tests.transfer.conftest import row_counts, run_cli
from tests.transfer.exportfiles import COLUMNS, entry, write_csv

BERLIN = ("--timezone", "Europe/Berlin")


@pytest.fixture
def wid(dbs: Session) -> str:
    owner = make_user(dbs, email="owner@example.com")
    return str(owner.default_workspace_id)


def _entries(db: Session) -> list[tuple[str, datetime, datetime, int]]:
    db.rollback()
    emails = {u.id: u.email for u in db.scalars(select(User))}
    return [(emails[e.user_id], e.start, e.stop, e.duration)
            for e in db.scalars(select(TimeEntry).order_by(TimeEntry.start, TimeEntry.id))]


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def test_columns_in_any_order_with_and_without_bom(cli_db: str, dbs: Session, wid: str, tmp_path: Path) -> None:
    reordered = ("Tags", "End time", "End date", "Start time", "Start date", "Email", "Amount (EUR)", "Billable",
                 "Description", "Task", "Project", "Client", "User", "Duration")
    with_bom = write_csv(tmp_path / "a.csv", [
        entry("kim@example.com", "2024-01-10 09:00:00", "2024-01-10 09:18:25", Duration="18:25 min",
              Project="Ops", Task="Backups", Client="Self", Tags="nightly, infra", Billable="Yes",
              **{"Amount (EUR)": "12.00"})], columns=reordered)
    without_bom = write_csv(tmp_path / "b.csv", [
        entry("kim@example.com", "2024-07-10 23:30", "2024-07-11 00:15", Duration="not a duration")], bom=False)
    result = run_cli("import", "toggl-export", str(with_bom), str(without_bom), *BERLIN, "--workspace", wid)
    assert result.exit_code == 0, result.output
    assert _entries(dbs) == [("kim@example.com", utc(2024, 1, 10, 8, 0), utc(2024, 1, 10, 8, 18, 25), 1105),
                             ("kim@example.com", utc(2024, 7, 10, 21, 30), utc(2024, 7, 10, 22, 15), 2700)]
    first = dbs.scalars(select(TimeEntry).order_by(TimeEntry.start)).first()
    assert first is not None and first.billable is True
    project = dbs.get_one(Project, first.project_id)
    task = dbs.get_one(Task, first.task_id)
    tags = sorted(dbs.get_one(Tag, t.tag_id).name for t in dbs.scalars(
        select(TimeEntryTag).where(TimeEntryTag.time_entry_id == first.id)))
    assert (project.name, task.name, tags) == ("Ops", "Backups", ["infra", "nightly"])


def test_daylight_saving_transitions_in_berlin(cli_db: str, dbs: Session, wid: str, tmp_path: Path) -> None:
    csv = write_csv(tmp_path / "dst.csv", [
        # Spring forward, 2024-03-31 02:00 -> 03:00: across the gap, then inside it (rejected).
        entry("d@example.com", "2024-03-31 01:30", "2024-03-31 03:30"),
        entry("d@example.com", "2024-03-31 02:30", "2024-03-31 03:10"),
        # Fall back, 2024-10-27 03:00 -> 02:00: the repeated hour.
        entry("d@example.com", "2024-10-27 01:50", "2024-10-27 02:10"),  # end: first 02:10
        entry("d@example.com", "2024-10-27 02:30", "2024-10-27 02:45"),  # both first occurrences
        entry("d@example.com", "2024-10-27 02:50", "2024-10-27 02:20"),  # end: the second 02:20
    ])
    result = run_cli("import", "toggl-export", str(csv), *BERLIN, "--workspace", wid, "--skip-rejected")
    assert result.exit_code == 0, result.output
    assert "dst.csv:3: Start time '02:30' on 2024-03-31 does not exist in Europe/Berlin (the clocks skip it)" \
        in result.output.splitlines()
    assert _entries(dbs) == [
        ("d@example.com", utc(2024, 3, 31, 0, 30), utc(2024, 3, 31, 1, 30), 3600),
        ("d@example.com", utc(2024, 10, 26, 23, 50), utc(2024, 10, 27, 0, 10), 1200),
        ("d@example.com", utc(2024, 10, 27, 0, 30), utc(2024, 10, 27, 0, 45), 900),
        ("d@example.com", utc(2024, 10, 27, 0, 50), utc(2024, 10, 27, 1, 20), 1800),
    ]


def test_duplicate_lines_are_skipped(cli_db: str, dbs: Session, wid: str, tmp_path: Path) -> None:
    line = entry("dup@example.com", "2024-02-01 10:00", "2024-02-01 11:00", Description="Same", Tags="a, b")
    other = entry("dup@example.com", "2024-02-01 10:00", "2024-02-01 11:00", Description="Same", Tags="b, a",
                  Billable="Yes")
    first = write_csv(tmp_path / "one.csv", [line, other, line, {**line, "Tags": "b, a"}])
    second = write_csv(tmp_path / "two.csv", [line])
    result = run_cli("import", "toggl-export", str(first), str(second), *BERLIN, "--workspace", wid, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["counts"]["time_entries"] == {"created": 2, "matched": 0, "skipped": 3}
    assert len(_entries(dbs)) == 2


BAD_ROWS = [
    entry("ok@example.com", "2024-05-01 09:00", "2024-05-01 10:00", Description="multi\nline\ndescription"),
    entry("ok@example.com", "2024-05-32 09:00", "2024-05-01 10:00"),
    entry("ok@example.com", "2024-05-01 9am", "2024-05-01 10:00"),
    entry("ok@example.com", "2024-05-01 11:00", "2024-05-01 10:00"),
    entry("ok@example.com", "2024-05-01 09:00", "2024-05-01 10:00", Billable="Maybe"),
    entry("not-an-address", "2024-05-01 09:00", "2024-05-01 10:00"),
    entry("ok@example.com", "2024-05-01 09:00", "2024-05-01 10:00", Task="Orphan"),
    entry("ok@example.com", "2024-05-02 09:00", "2024-05-02 10:00"),
]
BAD_LINES = [
    "bad.csv:5: Start date '2024-05-32' is not a date like 2024-01-31",
    "bad.csv:6: Start time '9am' is not a time like 13:45:00 or 13:45",
    "bad.csv:7: End 2024-05-01 10:00 is before Start 2024-05-01 11:00",
    "bad.csv:8: Billable 'Maybe' is neither Yes nor No",
    "bad.csv:9: Email 'not-an-address' is not an e-mail address",
    "bad.csv:10: Task 'Orphan' has no Project",
    "short.csv:1: missing columns: End date, End time",
]


def _bad_files(tmp_path: Path) -> list[str]:
    bad = write_csv(tmp_path / "bad.csv", BAD_ROWS)
    short = write_csv(tmp_path / "short.csv", [entry("ok@example.com", "2024-05-03 09:00", "2024-05-03 10:00")],
                      columns=[c for c in COLUMNS if c not in ("End date", "End time")])
    return [str(bad), str(short)]


def test_bad_lines_are_reported_and_nothing_is_written(cli_db: str, dbs: Session, wid: str, tmp_path: Path) -> None:
    before = row_counts(dbs)
    result = run_cli("import", "toggl-export", *_bad_files(tmp_path), *BERLIN, "--workspace", wid)
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-8:] == [
        *BAD_LINES, "Nothing was written: 7 lines rejected (use --skip-rejected to import the rest)."]
    assert row_counts(dbs) == before


def test_skip_rejected_writes_the_good_lines(cli_db: str, dbs: Session, wid: str, tmp_path: Path) -> None:
    result = run_cli("import", "toggl-export", *_bad_files(tmp_path), *BERLIN, "--workspace", wid, "--skip-rejected")
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-8:] == [
        *BAD_LINES, f"Imported into workspace {wid}; 7 rejected lines skipped."]
    assert _entries(dbs) == [("ok@example.com", utc(2024, 5, 1, 7, 0), utc(2024, 5, 1, 8, 0), 3600),
                             ("ok@example.com", utc(2024, 5, 2, 7, 0), utc(2024, 5, 2, 8, 0), 3600)]


def test_dry_run_prints_the_counts_and_writes_nothing(cli_db: str, dbs: Session, wid: str, tmp_path: Path) -> None:
    before = row_counts(dbs)
    csv = write_csv(tmp_path / "e.csv", [entry("a@example.com", "2024-05-01 09:00", "2024-05-01 10:00", Project="P"),
                                         entry("b@example.com", "2024-05-01 09:00", "2024-05-01 10:00", Tags="t")])
    result = run_cli("import", "toggl-export", str(csv), *BERLIN, "--workspace", wid, "--dry-run")
    assert result.exit_code == 0, result.output
    lines = [" ".join(line.strip("│┃ ").split()) for line in result.output.splitlines()]
    assert "Would import" in lines
    for row in ("users │ 2 │ 0 │ 0", "members │ 2 │ 0 │ 0", "projects │ 1 │ 0 │ 0", "tags │ 1 │ 0 │ 0",
                "time entries │ 2 │ 0 │ 0", "clients │ 0 │ 0 │ 0"):
        assert row in lines, result.output
    assert lines[-1] == "Dry run: nothing was written."
    assert row_counts(dbs) == before


def test_json_prints_only_the_outcome(cli_db: str, dbs: Session, wid: str, tmp_path: Path) -> None:
    result = run_cli("import", "toggl-export", *_bad_files(tmp_path), *BERLIN, "--workspace", wid, "--json")
    assert result.exit_code == 1
    out = json.loads(result.output)
    assert (out["dry_run"], out["workspace_id"], out["rejected_total"]) == (False, int(wid), 7)
    assert out["counts"]["time_entries"] == {"created": 2, "matched": 0, "skipped": 0}
    assert out["rejections"][0] == {"file": "bad.csv", "line": 5,
                                    "reason": "Start date '2024-05-32' is not a date like 2024-01-31"}


def test_many_rejections_are_counted_beyond_the_first_thousand(cli_db: str, wid: str, tmp_path: Path) -> None:
    rows = [entry("x@example.com", "2024-05-01 11:00", "2024-05-01 10:00")] * 1003
    result = run_cli("import", "toggl-export", str(write_csv(tmp_path / "many.csv", rows)), *BERLIN,
                     "--workspace", wid)
    lines = result.output.strip().splitlines()
    assert result.exit_code == 1
    assert lines[-3:] == ["many.csv:1001: End 2024-05-01 10:00 is before Start 2024-05-01 11:00",
                          "… and 3 more rejected lines.",
                          "Nothing was written: 1003 lines rejected (use --skip-rejected to import the rest)."]


def test_the_time_zone_is_asked_or_required(cli_db: str, dbs: Session, wid: str, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    csv = str(write_csv(tmp_path / "e.csv", [entry("a@example.com", "2024-05-01 09:00", "2024-05-01 10:00")]))
    result = run_cli("import", "toggl-export", csv, "--workspace", wid)
    assert result.exit_code == 2
    assert "Give --timezone: the time zone the CSV times are written in" in result.output
    result = run_cli("import", "toggl-export", csv, "--workspace", wid, "--timezone", "Mars/Olympus")
    assert (result.exit_code, result.output.strip()) == (
        2, "Unknown time zone 'Mars/Olympus': use an IANA name such as Europe/Berlin or Etc/UTC.")
    from punchclock.cli import import_files

    monkeypatch.setattr(import_files, "_interactive", lambda: True)
    result = run_cli("import", "toggl-export", csv, "--workspace", wid, input="America/New_York\n")
    assert result.exit_code == 0, result.output
    assert _entries(dbs) == [("a@example.com", utc(2024, 5, 1, 13, 0), utc(2024, 5, 1, 14, 0), 3600)]


def test_unreadable_text_is_rejected(cli_db: str, dbs: Session, wid: str, tmp_path: Path) -> None:
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes(",".join(COLUMNS).encode()
                       + b"\r\nJos\xe9,j@example.com,,,,,No,2024-01-01,09:00,2024-01-01,10:00,,\r\n")
    odd = write_csv(tmp_path / "odd.csv", [
        entry("a@example.com", "2024-01-01 09:00", "2024-01-01 10:00", Description="nul\x00byte"),
        entry("a@example.com", "2024-01-01 09:00", "2024-01-01 10:00", Project="P" * 256),
    ])
    before = row_counts(dbs)
    result = run_cli("import", "toggl-export", str(latin1), str(odd), *BERLIN, "--workspace", wid)
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-4:] == [
        "latin1.csv:2: not UTF-8 text (invalid continuation byte)",
        "odd.csv:2: the line contains a NUL character",
        f"odd.csv:3: Project {'P' * 40!r}… is longer than 255 characters",
        "Nothing was written: 3 lines rejected (use --skip-rejected to import the rest).",
    ]
    assert row_counts(dbs) == before
