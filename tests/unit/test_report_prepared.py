"""Statements kept per shape of request (reports/prepared.py) and the detailed CSV's text cells (reports/csv.py)."""

from __future__ import annotations

import csv as pycsv
import io
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import column, select
from sqlalchemy.dialects import sqlite

from punchclock.reports import csv
from punchclock.reports.days import OwnerZones

ZONES = OwnerZones({"Europe/Berlin": [1, 2], "America/Santiago": [3]})


def _bound_names(clause: object) -> dict[str, object]:
    compiled = select(column("x")).where(clause).compile(dialect=sqlite.dialect())  # type: ignore[arg-type]
    return {k: v for k, v in compiled.params.items() if k.startswith("rb_")}


@pytest.mark.parametrize("zones", [ZONES, OwnerZones({"Europe/Berlin": [1]}), OwnerZones({})])
def test_range_values_name_every_bound_of_in_days(zones: OwnerZones) -> None:
    """A kept statement runs with ``range_values`` as parameters: the names and values must be the builder's."""
    since, until = date(2023, 10, 28), date(2023, 10, 29)
    clause = zones.in_days(column("start"), column("user_id"), since, until)
    assert _bound_names(clause) == zones.range_values(since, until)


def test_bucket_values_name_every_edge_of_day_index() -> None:
    first = date(2024, 3, 29)
    clause = ZONES.day_index(column("start"), column("user_id"), first, 7) == 0
    assert _bound_names(clause) == ZONES.bucket_values(ZONES.day_starts(first, 7))


def test_range_values_follow_dst() -> None:
    values = OwnerZones({"Europe/Berlin": [1]}).range_values(date(2023, 10, 29), date(2023, 10, 29))
    assert values == {"rb_lo_0": datetime(2023, 10, 28, 22, tzinfo=UTC),
                      "rb_hi_0": datetime(2023, 10, 29, 23, tzinfo=UTC)}


@pytest.mark.parametrize("value", ["plain", "a,b", 'say "hi"', "two\nlines", "cr\rhere", "=SUM(A1)", "", None, "é"])
def test_cell_is_what_csv_writer_writes(value: str | None) -> None:
    out = io.StringIO()
    pycsv.writer(out, lineterminator="\r\n").writerow([csv.safe(value), "x"])
    assert csv.cell(value) + ",x\r\n" == out.getvalue()


@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/Santiago", "Australia/Lord_Howe", "Asia/Kolkata",
                                  "Pacific/Chatham", "Etc/UTC"])
def test_local_cells_match_zoneinfo_around_dst(zone: str) -> None:
    """Every 7 minutes over two days around each change of 2023: the same cells as ``astimezone``."""
    tz = ZoneInfo(zone)
    starts = [datetime(2023, m, d, tzinfo=UTC) for m, d in ((4, 1), (9, 2), (10, 28), (3, 25), (11, 4))]
    row_ends = []
    lines = []
    for first in starts:
        for k in range(0, 2 * 24 * 60, 7):
            at = first + timedelta(minutes=k)
            text = at.strftime("%Y-%m-%d %H:%M:%S.000000")
            lines.append((("u", "e", None, None, None, "", False, text, text, 60, 0, "EUR", zone, None), []))
            local = at.astimezone(tz).isoformat()
            row_ends.append(f"{local[:10]},{local[11:19]},{local[:10]},{local[11:19]}")
    for line, expected in zip(csv.details_lines(lines, "minutes", True), row_ends, strict=True):
        assert line.split(",")[7:11] == expected.split(",")
