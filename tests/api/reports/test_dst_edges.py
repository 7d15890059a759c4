"""Report ranges that end on a daylight-saving change in a one-zone, non-UTC workspace (50-reports §3.1, §6).

Everybody in the workspace lives in Europe/Berlin, so the reports take the single-zone path of
``reports/days.py`` (plain constant bounds). Berlin's last local day of the range is

* 2023-10-29 (autumn): 25 hours, 2023-10-28T22:00Z … 2023-10-29T23:00Z (CEST +02:00 -> CET +01:00 at 03:00);
* 2024-03-31 (spring): 23 hours, 2024-03-30T23:00Z … 2024-03-31T22:00Z (CET +01:00 -> CEST +02:00 at 02:00).

Every entry below is written by hand as a UTC instant with its Berlin wall time in the comment, and with
whether it lies in the range and on which weekly day — nothing is derived with ``zoneinfo``. Durations
are distinct powers of two (in minutes), so a total names exactly which entries were counted. Wrong cuts
this catches: end = since + 7 x 24 h, the last day cut in UTC, a fixed +01:00 or +02:00 offset, and
weekly day columns advanced by 24 h steps instead of local midnights.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from punchclock.models import TimeEntry, User, Workspace
from tests.api.reports.conftest import get_report
from tests.factories import add_member, make_entry, make_user, make_workspace

M = 60_000  # one minute in ms
NO_PROJECT = {"project": None, "client": None}


@dataclass(frozen=True)
class Spot:
    """One entry: its description, UTC start, Berlin start as the detailed report must render it, minutes."""

    name: str
    start_utc: str
    start_local: str
    end_local: str
    minutes: int
    owner: str  # "bea" or "karl"


# -- autumn: since 2023-10-23, until 2023-10-29 (the 25-hour day) -----------------------------------------
AUTUMN = {
    "before-first": Spot("before-first", "2023-10-22T21:59:59Z", "2023-10-22T23:59:59+02:00",
                         "2023-10-23T00:00:59+02:00", 1, "bea"),
    "first-midnight": Spot("first-midnight", "2023-10-22T22:00:00Z", "2023-10-23T00:00:00+02:00",
                           "2023-10-23T00:02:00+02:00", 2, "bea"),
    "sat-late": Spot("sat-late", "2023-10-28T21:59:59Z", "2023-10-28T23:59:59+02:00",
                     "2023-10-29T00:03:59+02:00", 4, "karl"),
    "sun-0030": Spot("sun-0030", "2023-10-28T22:30:00Z", "2023-10-29T00:30:00+02:00",
                     "2023-10-29T00:38:00+02:00", 8, "bea"),
    "sun-0230-cest": Spot("sun-0230-cest", "2023-10-29T00:30:00Z", "2023-10-29T02:30:00+02:00",
                          "2023-10-29T02:46:00+02:00", 16, "karl"),
    "sun-0230-cet": Spot("sun-0230-cet", "2023-10-29T01:30:00Z", "2023-10-29T02:30:00+01:00",
                         "2023-10-29T03:02:00+01:00", 32, "bea"),
    "sun-2200": Spot("sun-2200", "2023-10-29T21:00:00Z", "2023-10-29T22:00:00+01:00",
                     "2023-10-29T23:04:00+01:00", 64, "karl"),
    "sun-2330": Spot("sun-2330", "2023-10-29T22:30:00Z", "2023-10-29T23:30:00+01:00",
                     "2023-10-30T01:38:00+01:00", 128, "bea"),
    "sun-last-second": Spot("sun-last-second", "2023-10-29T22:59:59Z", "2023-10-29T23:59:59+01:00",
                            "2023-10-30T04:15:59+01:00", 256, "karl"),
    "mon-midnight": Spot("mon-midnight", "2023-10-29T23:00:00Z", "2023-10-30T00:00:00+01:00",
                         "2023-10-30T08:32:00+01:00", 512, "bea"),
    "mon-0010": Spot("mon-0010", "2023-10-29T23:10:00Z", "2023-10-30T00:10:00+01:00",
                     "2023-10-30T17:14:00+01:00", 1024, "karl"),
    "tue-0900": Spot("tue-0900", "2023-10-31T08:00:00Z", "2023-10-31T09:00:00+01:00",
                     "2023-11-01T19:08:00+01:00", 2048, "bea"),
}
#: Inside 2023-10-23 … 2023-10-29 in Berlin.
AUTUMN_IN = ["first-midnight", "sat-late", "sun-0030", "sun-0230-cest", "sun-0230-cet", "sun-2200", "sun-2330",
             "sun-last-second"]
AUTUMN_IN_MINUTES = 2 + 4 + 8 + 16 + 32 + 64 + 128 + 256  # 510

# -- spring: since 2024-03-25, until 2024-03-31 (the 23-hour day) -----------------------------------------
SPRING = {
    "before-first": Spot("before-first", "2024-03-24T22:59:59Z", "2024-03-24T23:59:59+01:00",
                         "2024-03-25T00:00:59+01:00", 1, "bea"),
    "first-midnight": Spot("first-midnight", "2024-03-24T23:00:00Z", "2024-03-25T00:00:00+01:00",
                           "2024-03-25T00:02:00+01:00", 2, "bea"),
    "sat-late": Spot("sat-late", "2024-03-30T22:59:59Z", "2024-03-30T23:59:59+01:00",
                     "2024-03-31T00:03:59+01:00", 4, "karl"),
    "sun-0030": Spot("sun-0030", "2024-03-30T23:30:00Z", "2024-03-31T00:30:00+01:00",
                     "2024-03-31T00:38:00+01:00", 8, "bea"),
    "sun-0130": Spot("sun-0130", "2024-03-31T00:30:00Z", "2024-03-31T01:30:00+01:00",
                     "2024-03-31T01:46:00+01:00", 16, "karl"),
    "sun-0300": Spot("sun-0300", "2024-03-31T01:00:00Z", "2024-03-31T03:00:00+02:00",
                     "2024-03-31T03:32:00+02:00", 32, "bea"),
    "sun-2200": Spot("sun-2200", "2024-03-31T20:00:00Z", "2024-03-31T22:00:00+02:00",
                     "2024-03-31T23:04:00+02:00", 64, "karl"),
    "sun-2330": Spot("sun-2330", "2024-03-31T21:30:00Z", "2024-03-31T23:30:00+02:00",
                     "2024-04-01T01:38:00+02:00", 128, "bea"),
    "sun-last-second": Spot("sun-last-second", "2024-03-31T21:59:59Z", "2024-03-31T23:59:59+02:00",
                            "2024-04-01T04:15:59+02:00", 256, "karl"),
    "mon-midnight": Spot("mon-midnight", "2024-03-31T22:00:00Z", "2024-04-01T00:00:00+02:00",
                         "2024-04-01T08:32:00+02:00", 512, "bea"),
    "mon-0010": Spot("mon-0010", "2024-03-31T22:10:00Z", "2024-04-01T00:10:00+02:00",
                     "2024-04-01T17:14:00+02:00", 1024, "karl"),
    "tue-0900": Spot("tue-0900", "2024-04-02T07:00:00Z", "2024-04-02T09:00:00+02:00",
                     "2024-04-03T19:08:00+02:00", 2048, "bea"),
}
SPRING_IN = ["first-midnight", "sat-late", "sun-0030", "sun-0130", "sun-0300", "sun-2200", "sun-2330",
             "sun-last-second"]
SPRING_IN_MINUTES = 510

SEASONS = {
    "autumn": (AUTUMN, AUTUMN_IN, AUTUMN_IN_MINUTES, "2023-10-23", "2023-10-29"),
    "spring": (SPRING, SPRING_IN, SPRING_IN_MINUTES, "2024-03-25", "2024-03-31"),
}


@dataclass
class Berlin:
    ws: Workspace
    bea: User
    karl: User
    entries: dict[str, TimeEntry]


def arrange(db: Session, spots: dict[str, Spot]) -> Berlin:
    bea = make_user(db, fullname="Bea Berlin", timezone="Europe/Berlin")
    karl = make_user(db, fullname="Karl Berlin", timezone="Europe/Berlin")
    ws = make_workspace(db, admin=bea, name="Spree")
    add_member(db, ws, karl)
    owners = {"bea": bea, "karl": karl}
    entries = {s.name: make_entry(db, user=owners[s.owner], workspace_id=ws.id, start=s.start_utc,
                                  seconds=s.minutes * 60, description=s.name)
               for s in spots.values()}
    return Berlin(ws, bea, karl, entries)


def report(client: TestClient, path: str, b: Berlin, **params: Any) -> dict[str, Any]:
    r = get_report(client, path, b.bea, workspace_id=b.ws.id, **params)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


@pytest.mark.parametrize("season", ["autumn", "spring"])
class TestRangeEndingOnTheChange:
    def test_details_rows_and_totals(self, client: TestClient, db: Session, season: str) -> None:
        spots, inside, minutes, since, until = SEASONS[season]
        b = arrange(db, spots)

        body = report(client, "details", b, since=since, until=until, order_desc="off")

        assert (body["total_grand"], body["total_count"]) == (minutes * M, 8)
        assert [(r["description"], r["start"], r["end"], r["dur"]) for r in body["data"]] == [
            (name, spots[name].start_local, spots[name].end_local, spots[name].minutes * M) for name in inside]
        assert [r["id"] for r in body["data"]] == [b.entries[name].id for name in inside]

    def test_details_of_the_last_day_alone(self, client: TestClient, db: Session, season: str) -> None:
        spots, inside, _, _, until = SEASONS[season]
        b = arrange(db, spots)

        body = report(client, "details", b, since=until, until=until, order_desc="off")

        # The whole 25 (autumn) / 23 (spring) hour day and nothing of the days around it: every inside
        # entry but the first two (Monday's and Saturday's).
        assert [r["description"] for r in body["data"]] == inside[2:]
        assert body["total_grand"] == (8 + 16 + 32 + 64 + 128 + 256) * M

    def test_summary_totals(self, client: TestClient, db: Session, season: str) -> None:
        spots, inside, minutes, since, until = SEASONS[season]
        b = arrange(db, spots)

        body = report(client, "summary", b, since=since, until=until, grouping="users", subgrouping="time_entries")

        bea = sorted((n for n in inside if spots[n].owner == "bea"), key=str.lower)
        karl = sorted((n for n in inside if spots[n].owner == "karl"), key=str.lower)
        assert body["total_grand"] == minutes * M
        assert [(g["id"], g["title"], g["time"]) for g in body["data"]] == [
            (b.bea.id, {"user": "Bea Berlin"}, (2 + 8 + 32 + 128) * M),
            (b.karl.id, {"user": "Karl Berlin"}, (4 + 16 + 64 + 256) * M),
        ]
        assert [[(i["title"]["time_entry"], i["time"]) for i in g["items"]] for g in body["data"]] == [
            [(n, spots[n].minutes * M) for n in bea], [(n, spots[n].minutes * M) for n in karl]]

    def test_weekly_week_ending_on_the_change(self, client: TestClient, db: Session, season: str) -> None:
        """since = the Monday: day 7 is the change day and must hold its whole local day."""
        spots, _, minutes, since, _ = SEASONS[season]
        b = arrange(db, spots)

        body = report(client, "weekly", b, since=since, grouping="users")

        sunday = 8 + 16 + 32 + 64 + 128 + 256
        assert body["total_grand"] == minutes * M
        assert body["week_totals"] == [2 * M, None, None, None, None, 4 * M, sunday * M, minutes * M]
        assert body["data"] == [
            {"title": {"user": "Bea Berlin"}, "uid": b.bea.id,
             "totals": [2 * M, None, None, None, None, None, (8 + 32 + 128) * M, (2 + 8 + 32 + 128) * M],
             "details": [{"pid": None, "title": NO_PROJECT,
                          "totals": [2 * M, None, None, None, None, None, (8 + 32 + 128) * M,
                                     (2 + 8 + 32 + 128) * M]}]},
            {"title": {"user": "Karl Berlin"}, "uid": b.karl.id,
             "totals": [None, None, None, None, None, 4 * M, (16 + 64 + 256) * M, (4 + 16 + 64 + 256) * M],
             "details": [{"pid": None, "title": NO_PROJECT,
                          "totals": [None, None, None, None, None, 4 * M, (16 + 64 + 256) * M,
                                     (4 + 16 + 64 + 256) * M]}]},
        ]


@pytest.mark.parametrize("season", ["autumn", "spring"])
def test_weekly_day_columns_across_the_change(client: TestClient, db: Session, season: str) -> None:
    """since = the Thursday before: the change day is day 4, and day 5 starts at the next local midnight."""
    spots, _, _, _, _ = SEASONS[season]
    since = {"autumn": "2023-10-26", "spring": "2024-03-28"}[season]
    b = arrange(db, spots)

    body = report(client, "weekly", b, since=since, grouping="projects")

    # Day 3 (Sat): sat-late 4; day 4 (Sun): 8+16+32+64+128+256 = 504; day 5 (Mon): mon-midnight 512 +
    # mon-0010 1024 = 1536; day 6 (Tue): tue-0900 2048; the Monday-before entries are out of the week.
    days = [None, None, 4 * M, 504 * M, 1536 * M, 2048 * M, None]
    total = (4 + 504 + 1536 + 2048) * M
    assert body["week_totals"] == [*days, total]
    assert body["total_grand"] == total
    assert body["data"] == [{
        "title": NO_PROJECT, "pid": None, "totals": [*days, total],
        "details": [
            {"uid": b.bea.id, "title": {"user": "Bea Berlin"},
             "totals": [None, None, None, (8 + 32 + 128) * M, 512 * M, 2048 * M, None,
                        (8 + 32 + 128 + 512 + 2048) * M]},
            {"uid": b.karl.id, "title": {"user": "Karl Berlin"},
             "totals": [None, None, 4 * M, (16 + 64 + 256) * M, 1024 * M, None, None,
                        (4 + 16 + 64 + 256 + 1024) * M]},
        ],
    }]


@pytest.mark.parametrize("season", ["autumn", "spring"])
def test_range_starting_the_day_after_the_change(client: TestClient, db: Session, season: str) -> None:
    """The Monday after: its first local second is the entry right after the long/short Sunday."""
    spots, _, _, _, _ = SEASONS[season]
    monday = {"autumn": "2023-10-30", "spring": "2024-04-01"}[season]
    b = arrange(db, spots)

    body = report(client, "details", b, since=monday, until=monday, order_desc="off")

    assert [(r["description"], r["start"]) for r in body["data"]] == [
        ("mon-midnight", spots["mon-midnight"].start_local), ("mon-0010", spots["mon-0010"].start_local)]
    assert body["total_grand"] == (512 + 1024) * M
