"""Report exports (50-reports §10): CSV bodies compared whole, PDFs read back with pypdf.

``/details.csv``, ``/summary.csv``, ``/weekly.csv`` and the three ``.pdf`` variants take the JSON
reports' parameters; durations follow ``display_hours`` (§3.9), money is hidden per §4.4, every cell
a spreadsheet would run as a formula is quoted with ``'``, errors stay JSON (§12).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from pypdf import PdfReader
from sqlalchemy.orm import Session

from punchclock.models import Project, TimeEntry, User, Workspace
from tests.api.reports.conftest import Example, get_report
from tests.factories import add_member, make_entry, make_project, make_user, make_workspace

WEEK = {"since": "2023-10-02", "until": "2023-10-08"}
DATES = "2023-10-02,2023-10-03,2023-10-04,2023-10-05,2023-10-06,2023-10-07,2023-10-08"
DASH = "\u2013"  # en dash, between the ends of a period or a time span
TIP = "Change your request and try again. See the punchclock API documentation."
DETAILS_HEADER = ("User,Email,Client,Project,Task,Description,Billable,Start date,Start time,End date,End time,"
                  "Duration,Tags,Amount,Currency")


def export(client: TestClient, path: str, user: User, ws: Workspace, **params: Any) -> Response:
    """A successful export (asserts 200) of ``ws`` as ``user``."""
    r = get_report(client, path, user, workspace_id=ws.id, **params)
    assert r.status_code == 200, r.text
    return r


def body(r: Response) -> list[str]:
    """The CSV lines; every line ends with CRLF (RFC 4180)."""
    assert r.headers["content-type"] == "text/csv; charset=utf-8"
    assert r.text.endswith("\r\n") and "\n" not in r.text.replace("\r\n", "")
    return r.text.split("\r\n")[:-1]


def csv_lines(client: TestClient, path: str, user: User, ws: Workspace, **params: Any) -> list[str]:
    return body(export(client, path, user, ws, **params))


def parsed(lines: list[str]) -> list[list[str]]:
    return list(csv.reader(lines))


def pdf_pages(r: Response) -> list[str]:
    """Text of each page, whitespace collapsed (pypdf puts every drawn string on a line of its own)."""
    assert r.headers["content-type"] == "application/pdf"
    assert r.content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(r.content))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


# -- CSV: the example workspace, whole bodies --------------------------------------------------------------

class TestDetailsCsv:
    def test_example_minutes(self, client: TestClient, example: Example) -> None:
        r = export(client, "details.csv", example.mara, example.ws, **WEEK)
        assert r.headers["content-disposition"] == 'attachment; filename="punchclock_details_2023-10-02_2023-10-08.csv"'
        mara, jonas = example.mara.email, example.jonas.email
        # Newest first (§3.6); Jonas's times in Europe/Berlin, Mara's in UTC (§10, as the JSON rows).
        assert body(r) == [
            DETAILS_HEADER,
            f"Jonas Weber,{jonas},,,,Team meeting,No,2023-10-05,12:00:00,2023-10-05,14:00:00,02:00:00,,,",
            f"Jonas Weber,{jonas},Harbour Ferries,Ferry timetable app,,Timetable import,Yes,2023-10-04,09:00:00,"
            "2023-10-04,10:30:00,01:30:00,,120.00,EUR",
            f"Mara Quint,{mara},Harbour Ferries,Ferry timetable app,Wireframes,Wireframes for booking flow,Yes,"
            '2023-10-03,13:00:00,2023-10-03,15:30:00,02:30:00,"on-site, phase-1",200.00,EUR',
            f"Mara Quint,{mara},Northwind Bakery,Spring menu site,,Homepage layout,Yes,2023-10-02,07:00:00,"
            "2023-10-02,08:30:00,01:30:00,,75.00,EUR",
        ]

    def test_example_decimal_with_filters_and_order(self, client: TestClient, example: Example) -> None:
        lines = csv_lines(client, "details.csv", example.mara, example.ws, display_hours="decimal", billable="yes",
                          order_field="duration", order_desc="off", **WEEK)
        # equal durations keep the entry ids' order (§3.6)
        assert [(row[5], row[11]) for row in parsed(lines[1:])] == [
            ("Homepage layout", "1.50"), ("Timetable import", "1.50"), ("Wireframes for booking flow", "2.50")]

    def test_page_is_ignored(self, client: TestClient, example: Example) -> None:
        """Exports hold every matching entry; ``page`` is not even read (O-70)."""
        all_rows = csv_lines(client, "details.csv", example.mara, example.ws, **WEEK)
        assert csv_lines(client, "details.csv", example.mara, example.ws, page="3", **WEEK) == all_rows
        assert csv_lines(client, "details.csv", example.mara, example.ws, page="x", **WEEK) == all_rows

    def test_empty(self, client: TestClient, example: Example) -> None:
        assert csv_lines(client, "details.csv", example.mara, example.ws, since="2020-01-01",
                         until="2020-01-07") == [DETAILS_HEADER]


class TestSummaryCsv:
    def test_projects_and_users(self, client: TestClient, example: Example) -> None:
        """The §8.4 example as CSV: one line per item, project titles as two columns."""
        r = export(client, "summary.csv", example.mara, example.ws, grouping="projects", subgrouping="users", **WEEK)
        assert r.headers["content-disposition"] == 'attachment; filename="punchclock_summary_2023-10-02_2023-10-08.csv"'
        assert body(r) == [
            "Project,Client,User,Duration,Amount,Currency",
            "Ferry timetable app,Harbour Ferries,Jonas Weber,01:30:00,120.00,EUR",
            "Ferry timetable app,Harbour Ferries,Mara Quint,02:30:00,200.00,EUR",
            "Spring menu site,Northwind Bakery,Mara Quint,01:30:00,75.00,EUR",
            ",,Jonas Weber,02:00:00,0.00,EUR",
        ]

    def test_default_grouping_time_entries_decimal(self, client: TestClient, example: Example) -> None:
        assert csv_lines(client, "summary.csv", example.mara, example.ws, display_hours="decimal", **WEEK) == [
            "Project,Client,Description,Duration,Amount,Currency",
            "Ferry timetable app,Harbour Ferries,Timetable import,1.50,120.00,EUR",
            "Ferry timetable app,Harbour Ferries,Wireframes for booking flow,2.50,200.00,EUR",
            "Spring menu site,Northwind Bakery,Homepage layout,1.50,75.00,EUR",
            ",,Team meeting,2.00,0.00,EUR",
        ]

    def test_users_and_projects(self, client: TestClient, example: Example) -> None:
        assert csv_lines(client, "summary.csv", example.mara, example.ws, grouping="users", subgrouping="projects",
                         order_field="duration", order_desc="on", **WEEK) == [
            "User,Project,Client,Duration,Amount,Currency",
            "Mara Quint,Ferry timetable app,Harbour Ferries,02:30:00,200.00,EUR",
            "Mara Quint,Spring menu site,Northwind Bakery,01:30:00,75.00,EUR",
            "Jonas Weber,,,02:00:00,0.00,EUR",
            "Jonas Weber,Ferry timetable app,Harbour Ferries,01:30:00,120.00,EUR",
        ]

    def test_clients_and_projects_name_the_client_once(self, client: TestClient, example: Example) -> None:
        """Inside a client group a project's client is the group's: one Client column, no repeat."""
        assert csv_lines(client, "summary.csv", example.mara, example.ws, grouping="clients",
                         subgrouping="projects", **WEEK) == [
            "Client,Project,Duration,Amount,Currency",
            "Harbour Ferries,Ferry timetable app,04:00:00,320.00,EUR",
            "Northwind Bakery,Spring menu site,01:30:00,75.00,EUR",
            ",,02:00:00,0.00,EUR",
        ]

    def test_users_and_clients_and_tasks(self, client: TestClient, example: Example) -> None:
        assert csv_lines(client, "summary.csv", example.mara, example.ws, grouping="users", subgrouping="clients",
                         **WEEK) == [
            "User,Client,Duration,Amount,Currency",
            "Jonas Weber,Harbour Ferries,01:30:00,120.00,EUR",
            "Jonas Weber,,02:00:00,0.00,EUR",
            "Mara Quint,Harbour Ferries,02:30:00,200.00,EUR",
            "Mara Quint,Northwind Bakery,01:30:00,75.00,EUR",
        ]
        assert csv_lines(client, "summary.csv", example.mara, example.ws, grouping="clients", subgrouping="tasks",
                         **WEEK) == [
            "Client,Task,Duration,Amount,Currency",
            "Harbour Ferries,Wireframes,02:30:00,200.00,EUR",
            "Harbour Ferries,,01:30:00,120.00,EUR",
            "Northwind Bakery,,01:30:00,75.00,EUR",
            ",,02:00:00,0.00,EUR",
        ]


class TestWeeklyCsv:
    def test_example_by_projects(self, client: TestClient, example: Example) -> None:
        """The §6.4 example as CSV: one line per detail, a column per day headed with its date."""
        r = export(client, "weekly.csv", example.mara, example.ws, since="2023-10-02")
        assert r.headers["content-disposition"] == 'attachment; filename="punchclock_weekly_2023-10-02_2023-10-08.csv"'
        assert body(r) == [
            f"Project,Client,User,{DATES},Total",
            "Ferry timetable app,Harbour Ferries,Jonas Weber,,,01:30:00,,,,,01:30:00",
            "Ferry timetable app,Harbour Ferries,Mara Quint,,02:30:00,,,,,,02:30:00",
            "Spring menu site,Northwind Bakery,Mara Quint,01:30:00,,,,,,,01:30:00",
            ",,Jonas Weber,,,,02:00:00,,,,02:00:00",
        ]

    def test_by_users_decimal(self, client: TestClient, example: Example) -> None:
        assert csv_lines(client, "weekly.csv", example.mara, example.ws, since="2023-10-02", grouping="users",
                         display_hours="decimal") == [
            f"User,Project,Client,{DATES},Total",
            "Jonas Weber,Ferry timetable app,Harbour Ferries,,,1.50,,,,,1.50",
            "Jonas Weber,,,,,,2.00,,,,2.00",
            "Mara Quint,Ferry timetable app,Harbour Ferries,,2.50,,,,,,2.50",
            "Mara Quint,Spring menu site,Northwind Bakery,1.50,,,,,,,1.50",
        ]

    def test_dates_follow_since(self, client: TestClient, example: Example) -> None:
        lines = csv_lines(client, "weekly.csv", example.mara, example.ws, since="2023-10-04")
        assert lines[0] == "Project,Client,User,2023-10-04,2023-10-05,2023-10-06,2023-10-07,2023-10-08,2023-10-09," \
                           "2023-10-10,Total"
        assert lines[1:] == ["Ferry timetable app,Harbour Ferries,Jonas Weber,01:30:00,,,,,,,01:30:00",
                             ",,Jonas Weber,,02:00:00,,,,,,02:00:00"]


# -- display_hours: 77 s ------------------------------------------------------------------------------------

@pytest.fixture
def short(db: Session) -> tuple[User, Workspace]:
    """One billable entry of 77 s at 80 EUR/h (1.71 EUR) on Monday 2023-10-02."""
    owner = make_user(db, fullname="Short Timer")
    ws = make_workspace(db, admin=owner, name="Seconds", default_currency="EUR", default_hourly_rate=Decimal("80"))
    project = make_project(db, workspace_id=ws.id, name="Tiny")
    make_entry(db, user=owner, workspace_id=ws.id, start="2023-10-02T09:00:00Z", seconds=77, project_id=project.id,
               billable=True, description="Blink")
    return owner, ws


@pytest.mark.parametrize(("display", "shown"), [("minutes", "00:01:17"), ("decimal", "0.02"), (None, "00:01:17")])
def test_display_hours_in_every_csv(client: TestClient, short: tuple[User, Workspace], display: str | None,
                                    shown: str) -> None:
    """§3.9, O-86: ``HH:MM:SS``, or hours rounded half-up to two decimals; minutes by default."""
    owner, ws = short
    details = csv_lines(client, "details.csv", owner, ws, display_hours=display, **WEEK)
    assert details[1] == (f"Short Timer,{owner.email},,Tiny,,Blink,Yes,2023-10-02,09:00:00,2023-10-02,09:01:17,"
                          f"{shown},,1.71,EUR")
    assert csv_lines(client, "summary.csv", owner, ws, display_hours=display, **WEEK)[1:] == [
        f"Tiny,,Blink,{shown},1.71,EUR"]
    assert csv_lines(client, "weekly.csv", owner, ws, display_hours=display, since="2023-10-02")[1:] == [
        f"Tiny,,Short Timer,{shown},,,,,,,{shown}"]


def test_bad_display_hours_is_400(client: TestClient, short: tuple[User, Workspace]) -> None:
    owner, ws = short
    r = get_report(client, "details.csv", owner, workspace_id=ws.id, display_hours="hours")
    assert (r.status_code, r.json()) == (400, {"error": {"message": "display_hours has an invalid value",
                                                         "tip": TIP, "code": 400}})


# -- earnings with two currencies, hidden money ---------------------------------------------------------------

@dataclass
class Billing:
    ws: Workspace
    admin: User
    lena: User
    atlas: Project
    beacon: Project


@pytest.fixture
def billing(db: Session) -> Billing:
    """Lena bills Atlas (100 EUR/h) and Beacon (60 GBP/h); Cedar has rate 0; Dune is never billable.

    Week of 2023-10-02, everyone in Etc/UTC:
      Lena  Atlas  Mon 1 h billable -> 100.00 EUR;  Tue 30 min not billable
      Lena  Beacon Tue 1.5 h billable -> 90.00 GBP;  Wed 20 min billable -> 20.00 GBP
      Lena  Cedar  Wed 1 h billable -> 0.00 EUR
      Admin Dune   Fri 1 h not billable
    """
    admin = make_user(db, fullname="Ada Admin")
    lena = make_user(db, fullname="Lena Berg")
    ws = make_workspace(db, admin=admin, name="Ledger", default_currency="EUR", default_hourly_rate=Decimal("0"))
    add_member(db, ws, lena)
    atlas = make_project(db, workspace_id=ws.id, name="Atlas", rate=Decimal("100"), color=1)
    beacon = make_project(db, workspace_id=ws.id, name="Beacon", rate=Decimal("60"), currency="GBP", color=2)
    cedar = make_project(db, workspace_id=ws.id, name="Cedar", color=3)
    dune = make_project(db, workspace_id=ws.id, name="Dune", color=4)
    for who, project, start, seconds, billable in [
        (lena, atlas, "2023-10-02T09:00:00Z", 3600, True),
        (lena, atlas, "2023-10-03T09:00:00Z", 1800, False),
        (lena, beacon, "2023-10-03T10:00:00Z", 5400, True),
        (lena, beacon, "2023-10-04T10:00:00Z", 1200, True),
        (lena, cedar, "2023-10-04T09:00:00Z", 3600, True),
        (admin, dune, "2023-10-06T09:00:00Z", 3600, False),
    ]:
        make_entry(db, user=who, workspace_id=ws.id, start=start, seconds=seconds, project_id=project.id,
                   billable=billable, description=f"{project.name} work")
    return Billing(ws, admin, lena, atlas, beacon)


class TestEarnings:
    def test_weekly_by_users_two_currencies(self, client: TestClient, billing: Billing) -> None:
        """§10: an extra Currency column, one line per detail and currency; rows without billable left out."""
        assert csv_lines(client, "weekly.csv", billing.admin, billing.ws, since="2023-10-02", grouping="users",
                         calculate="earnings") == [
            f"User,Project,Client,{DATES},Total,Currency",
            "Lena Berg,Atlas,,100.00,,,,,,,100.00,EUR",
            "Lena Berg,Beacon,,,90.00,20.00,,,,,110.00,GBP",
            "Lena Berg,Cedar,,,,0.00,,,,,0.00,EUR",
        ]

    def test_weekly_by_projects(self, client: TestClient, billing: Billing) -> None:
        # sorted by the amount in EUR, the workspace currency: Beacon (no EUR) and Cedar tie at 0, by title
        assert csv_lines(client, "weekly.csv", billing.admin, billing.ws, since="2023-10-02",
                         calculate="earnings", order_field="week_total", order_desc="off") == [
            f"Project,Client,User,{DATES},Total,Currency",
            "Beacon,,Lena Berg,,90.00,20.00,,,,,110.00,GBP",
            "Cedar,,Lena Berg,,,0.00,,,,,0.00,EUR",
            "Atlas,,Lena Berg,100.00,,,,,,,100.00,EUR",
        ]

    def test_weekly_earnings_hidden(self, client: TestClient, db: Session, billing: Billing) -> None:
        """§4.4: a member sees the lines (one per currency) with empty amount and currency cells."""
        billing.ws.only_admins_see_billable_rates = True
        db.commit()
        assert csv_lines(client, "weekly.csv", billing.lena, billing.ws, since="2023-10-02", grouping="users",
                         calculate="earnings") == [
            f"User,Project,Client,{DATES},Total,Currency",
            "Lena Berg,Atlas,,,,,,,,,,",
            "Lena Berg,Beacon,,,,,,,,,,",
            "Lena Berg,Cedar,,,,,,,,,,",
        ]

    def test_weekly_time_mode_is_unaffected_by_hidden_money(self, client: TestClient, db: Session,
                                                             billing: Billing) -> None:
        billing.ws.only_admins_see_billable_rates = True
        db.commit()
        assert csv_lines(client, "weekly.csv", billing.lena, billing.ws, since="2023-10-02", grouping="users") == [
            f"User,Project,Client,{DATES},Total",
            "Ada Admin,Dune,,,,,,01:00:00,,,01:00:00",
            "Lena Berg,Atlas,,01:00:00,00:30:00,,,,,,01:30:00",
            "Lena Berg,Beacon,,,01:30:00,00:20:00,,,,,01:50:00",
            "Lena Berg,Cedar,,,,01:00:00,,,,,01:00:00",
        ]

    def test_summary_two_currencies(self, client: TestClient, billing: Billing) -> None:
        assert csv_lines(client, "summary.csv", billing.admin, billing.ws, grouping="users", subgrouping="projects",
                         **WEEK) == [
            "User,Project,Client,Duration,Amount,Currency",
            "Ada Admin,Dune,,01:00:00,0.00,EUR",
            "Lena Berg,Atlas,,01:30:00,100.00,EUR",
            "Lena Berg,Beacon,,01:50:00,110.00,GBP",
            "Lena Berg,Cedar,,01:00:00,0.00,EUR",
        ]


class TestHiddenMoney:
    def test_member_gets_empty_amount_and_currency_cells(self, client: TestClient, db: Session,
                                                         example: Example) -> None:
        example.ws.only_admins_see_billable_rates = True
        db.commit()
        jonas = example.jonas.email
        details = csv_lines(client, "details.csv", example.jonas, example.ws, **WEEK)
        assert details[:3] == [
            DETAILS_HEADER,
            f"Jonas Weber,{jonas},,,,Team meeting,No,2023-10-05,12:00:00,2023-10-05,14:00:00,02:00:00,,,",
            f"Jonas Weber,{jonas},Harbour Ferries,Ferry timetable app,,Timetable import,Yes,2023-10-04,09:00:00,"
            "2023-10-04,10:30:00,01:30:00,,,",
        ]
        assert all(line.endswith(",,") for line in details[1:])
        assert csv_lines(client, "summary.csv", example.jonas, example.ws, grouping="projects", subgrouping="users",
                         **WEEK) == [
            "Project,Client,User,Duration,Amount,Currency",
            "Ferry timetable app,Harbour Ferries,Jonas Weber,01:30:00,,",
            "Ferry timetable app,Harbour Ferries,Mara Quint,02:30:00,,",
            "Spring menu site,Northwind Bakery,Mara Quint,01:30:00,,",
            ",,Jonas Weber,02:00:00,,",
        ]

    def test_admin_still_sees_money(self, client: TestClient, db: Session, example: Example) -> None:
        example.ws.only_admins_see_billable_rates = True
        db.commit()
        lines = csv_lines(client, "details.csv", example.mara, example.ws, **WEEK)
        assert [row[13:] for row in parsed(lines[1:])] == [["", ""], ["120.00", "EUR"], ["200.00", "EUR"],
                                                           ["75.00", "EUR"]]


# -- CSV safety: formula injection and RFC 4180 quoting ---------------------------------------------------

class TestCsvSafety:
    def test_formula_cells_are_quoted(self, client: TestClient, db: Session, example: Example) -> None:
        """A cell starting with = + - @ would run in a spreadsheet: it gets a leading ``'`` (OWASP)."""
        for n, text in enumerate(['=HYPERLINK("x")', "+1", "-1", "@x"]):
            make_entry(db, user=example.mara, workspace_id=example.ws.id, start=f"2023-10-07T0{n}:00:00Z",
                       seconds=60, description=text)
        mara = example.mara.email
        lines = csv_lines(client, "details.csv", example.mara, example.ws, since="2023-10-07", until="2023-10-07")
        assert lines[1:] == [
            f"Mara Quint,{mara},,,,'@x,No,2023-10-07,03:00:00,2023-10-07,03:01:00,00:01:00,,,",
            f"Mara Quint,{mara},,,,'-1,No,2023-10-07,02:00:00,2023-10-07,02:01:00,00:01:00,,,",
            f"Mara Quint,{mara},,,,'+1,No,2023-10-07,01:00:00,2023-10-07,01:01:00,00:01:00,,,",
            f'Mara Quint,{mara},,,,"\'=HYPERLINK(""x"")",No,2023-10-07,00:00:00,2023-10-07,00:01:00,00:01:00,,,',
        ]
        assert csv_lines(client, "summary.csv", example.mara, example.ws, since="2023-10-07",
                         until="2023-10-07")[1:] == [
            ",,'+1,00:01:00,0.00,EUR",
            ",,'-1,00:01:00,0.00,EUR",
            ',,"\'=HYPERLINK(""x"")",00:01:00,0.00,EUR',
            ",,'@x,00:01:00,0.00,EUR",
        ]

    def test_names_are_guarded_too(self, client: TestClient, db: Session, example: Example) -> None:
        evil = make_project(db, workspace_id=example.ws.id, name="=cmd|' /C calc'!A0")
        make_entry(db, user=example.mara, workspace_id=example.ws.id, start="2023-10-07T09:00:00Z", seconds=60,
                   project_id=evil.id)
        lines = csv_lines(client, "weekly.csv", example.mara, example.ws, since="2023-10-07")
        assert lines[1] == "'=cmd|' /C calc'!A0,,Mara Quint,00:01:00,,,,,,,00:01:00"

    def test_rfc_4180_quoting(self, client: TestClient, db: Session, example: Example) -> None:
        """Commas, quotes and line breaks are quoted; a CSV reader gets the text back unchanged."""
        text = 'Call with "Ferries", part 1\nthen notes'
        make_entry(db, user=example.mara, workspace_id=example.ws.id, start="2023-10-07T09:00:00Z", seconds=60,
                   description=text)
        r = export(client, "details.csv", example.mara, example.ws, since="2023-10-07", until="2023-10-07")
        mara = example.mara.email
        assert r.text == (
            f"{DETAILS_HEADER}\r\n"
            f'Mara Quint,{mara},,,,"Call with ""Ferries"", part 1\nthen notes",No,2023-10-07,09:00:00,'
            "2023-10-07,09:01:00,00:01:00,,,\r\n"
        )
        assert next(iter(list(csv.reader(io.StringIO(r.text, newline="")))[1:]))[5] == text


# -- errors stay JSON -------------------------------------------------------------------------------------------

class TestErrors:
    @pytest.mark.parametrize("path", ["details.csv", "summary.csv", "weekly.csv", "details.pdf", "summary.pdf",
                                      "weekly.pdf"])
    def test_no_credentials_is_401_json(self, client: TestClient, example: Example, path: str) -> None:
        r = client.get(f"/reports/api/v2/{path}", params={"workspace_id": example.ws.id, "user_agent": "t"})
        assert r.status_code == 401
        assert r.headers["content-type"].startswith("application/json")
        assert "content-disposition" not in r.headers
        assert r.json()["error"]["code"] == 401

    @pytest.mark.parametrize("path", ["details.csv", "summary.pdf", "weekly.pdf", "details.pdf"])
    def test_missing_user_agent_is_400_json(self, client: TestClient, example: Example, path: str) -> None:
        r = get_report(client, path, example.mara, workspace_id=example.ws.id, user_agent="")
        assert r.headers["content-type"].startswith("application/json")
        assert (r.status_code, r.json()) == (400, {"error": {
            "message": "user_agent parameter is required: name your application or give a contact e-mail",
            "tip": TIP, "code": 400}})

    def test_other_workspace_is_403(self, client: TestClient, db: Session, example: Example) -> None:
        stranger = make_user(db, fullname="Stranger")
        r = get_report(client, "summary.csv", stranger, workspace_id=example.ws.id)
        assert (r.status_code, r.json()["error"]["code"]) == (403, 403)

    def test_report_parameters_are_checked_before_streaming(self, client: TestClient, example: Example) -> None:
        r = get_report(client, "summary.csv", example.mara, workspace_id=example.ws.id, grouping="users",
                       subgrouping="users")
        assert (r.status_code, r.json()["error"]["message"]) == (
            400, "subgrouping users is not allowed with grouping users")
        r = get_report(client, "weekly.pdf", example.mara, workspace_id=example.ws.id, since="2023-10-02",
                       until="2023-10-01")
        assert (r.status_code, r.json()["error"]["message"]) == (400, "until must not be earlier than since")
        r = get_report(client, "details.pdf", example.mara, workspace_id=example.ws.id, order_field="amount")
        assert (r.status_code, r.json()["error"]["message"]) == (400, "order_field has an invalid value")
        r = get_report(client, "weekly.csv", example.mara, workspace_id=example.ws.id, calculate="money")
        assert (r.status_code, r.json()["error"]["message"]) == (400, "calculate has an invalid value")


# -- PDF -----------------------------------------------------------------------------------------------------------

class TestPdf:
    def test_weekly_example(self, client: TestClient, example: Example) -> None:
        r = export(client, "weekly.pdf", example.mara, example.ws, since="2023-10-02")
        assert r.headers["content-disposition"] == 'attachment; filename="punchclock_weekly_2023-10-02_2023-10-08.pdf"'
        [page] = pdf_pages(r)
        for text in [
            "Weekly report", f"Harbour studio 2023-10-02 {DASH} 2023-10-08", "Grouping: by projects", "Calculate: time",
            # totals: time, billable time, money, count
            "Total time 07:30:00", "Billable time 05:30:00", "Amount EUR 395.00 EUR", "Entries 4",
            # the chart's bars (H:MM) and day labels
            "1:30 2:30 1:30 2:00", "Mon 02 Oct Tue 03 Oct Wed 04 Oct Thu 05 Oct Fri 06 Oct Sat 07 Oct Sun 08 Oct",
            # breakdown by project, longest first: duration, share, amount
            "By project Ferry timetable app Harbour Ferries 04:00:00 53.3 % 320.00 EUR (no project) 02:00:00 26.7 % "
            "Spring menu site Northwind Bakery 01:30:00 20.0 % 75.00 EUR",
            # the table: rows with their users, then the totals per day
            "Ferry timetable app · Harbour Ferries 02:30:00 01:30:00 04:00:00 Jonas Weber 01:30:00 01:30:00 "
            "Mara Quint 02:30:00 02:30:00",
            "Spring menu site · Northwind Bakery 01:30:00 01:30:00 Mara Quint 01:30:00 01:30:00",
            "(no project) 02:00:00 02:00:00 Jonas Weber 02:00:00 02:00:00",
            "Total 01:30:00 02:30:00 01:30:00 02:00:00 07:30:00",
            "Page 1 of 1",
        ]:
            assert text in page, text

    def test_weekly_earnings_two_currencies(self, client: TestClient, billing: Billing) -> None:
        r = export(client, "weekly.pdf", billing.admin, billing.ws, since="2023-10-02", grouping="users",
                   calculate="earnings")
        [page] = pdf_pages(r)
        for text in ["Grouping: by users", "Calculate: earnings", "Amount EUR 100.00 EUR", "Amount GBP 110.00 GBP"]:
            assert text in page, text
        assert ("Lena Berg 100.00 0.00 100.00 EUR 90.00 20.00 110.00 GBP Atlas 100.00 100.00 EUR "
                "Beacon 90.00 20.00 110.00 GBP Cedar 0.00 0.00 EUR Total 100.00 0.00 100.00 EUR "
                "90.00 20.00 110.00 GBP") in page

    def test_summary_example(self, client: TestClient, example: Example) -> None:
        r = export(client, "summary.pdf", example.mara, example.ws, grouping="projects", subgrouping="users",
                   project_ids=f"{example.ferry.id},0", **WEEK)
        assert r.headers["content-disposition"] == 'attachment; filename="punchclock_summary_2023-10-02_2023-10-08.pdf"'
        [page] = pdf_pages(r)
        for text in [
            "Summary report", f"Harbour studio 2023-10-02 {DASH} 2023-10-08",
            "Grouping: by projects, sub-grouping by users", "Projects: Ferry timetable app, (no project)",
            "Total time 06:00:00", "Billable time 04:00:00", "Amount EUR 320.00 EUR", "Entries 3",
            "Summary by project and user",
            "Ferry timetable app · Harbour Ferries 04:00:00 66.7 % 320.00 EUR "
            "Jonas Weber 01:30:00 25.0 % 80.00 EUR/h 120.00 EUR Mara Quint 02:30:00 41.7 % 80.00 EUR/h 200.00 EUR",
            "(no project) 02:00:00 33.3 % 0.00 EUR Jonas Weber 02:00:00 33.3 % 80.00 EUR/h 0.00 EUR",
            "Total 06:00:00 100.0 % 320.00 EUR",
        ]:
            assert text in page, text
        assert "Spring menu site" not in page

    def test_details_example_decimal(self, client: TestClient, example: Example) -> None:
        r = export(client, "details.pdf", example.mara, example.ws, display_hours="decimal", **WEEK)
        assert r.headers["content-disposition"] == 'attachment; filename="punchclock_details_2023-10-02_2023-10-08.pdf"'
        [page] = pdf_pages(r)
        for text in [
            "Detailed report", f"Harbour studio 2023-10-02 {DASH} 2023-10-08", "Filters: none",
            "Total time 7.50 h", "Billable time 5.50 h", "Amount EUR 395.00 EUR", "Entries 4",
            "Time entries (4)",
            f"2023-10-05 12:00{DASH}14:00 Jonas Weber Team meeting 2.00",
            f"2023-10-04 09:00{DASH}10:30 Jonas Weber Harbour Ferries Ferry timetable app Timetable import 1.50 "
            "120.00 EUR",
            f"2023-10-03 13:00{DASH}15:30 Mara Quint Harbour Ferries Ferry timetable app Wireframes Wireframes for "
            "booking flow on-site, phase-1 2.50 200.00 EUR",
            f"2023-10-02 07:00{DASH}08:30 Mara Quint Northwind Bakery Spring menu site Homepage layout 1.50 75.00 EUR",
            "Total 4 entries 7.50 395.00 EUR",
        ]:
            assert text in page, text

    def test_hidden_money_shows_no_amounts(self, client: TestClient, db: Session, example: Example) -> None:
        example.ws.only_admins_see_billable_rates = True
        db.commit()
        for path, params in [("details.pdf", WEEK), ("summary.pdf", WEEK), ("weekly.pdf", {"since": "2023-10-02"}),
                             ("weekly.pdf", {"since": "2023-10-02", "calculate": "earnings"})]:
            [page] = pdf_pages(export(client, path, example.jonas, example.ws, **params))
            assert "Amounts are not shown: only workspace admins see billable rates." in page
            assert "Total time 07:30:00" in page
            assert "EUR" not in page and "80.00" not in page and "395" not in page, path

    def test_filters_are_named(self, client: TestClient, example: Example) -> None:
        [page] = pdf_pages(export(client, "details.pdf", example.mara, example.ws, billable="yes",
                                  user_ids=f"{example.mara.id}", tag_ids=f"{example.on_site.id},0",
                                  description="wire", rounding="on", **WEEK))
        for text in ["Billable: yes", "Tags: on-site, (no tags)", "Users: Mara Quint", "Description contains: “wire”",
                     "Rounding: durations rounded per workspace rules", "Time entries (1)"]:
            assert text in page, text

    def test_empty_report(self, client: TestClient, example: Example) -> None:
        for path in ("details.pdf", "summary.pdf", "weekly.pdf"):
            [page] = pdf_pages(export(client, path, example.mara, example.ws, since="2020-01-06", until="2020-01-12"))
            assert "Total time 00:00:00" in page and "Entries 0" in page, path
            assert "No time tracked in this period" in page, path


@pytest.fixture
def thousand(db: Session, example: Example) -> list[TimeEntry]:
    """1,000 entries of Mara, one per 5 minutes from 2023-10-02 00:00 UTC, described ``Entry 0000`` …"""
    start = datetime(2023, 10, 2, tzinfo=UTC)
    entries = [TimeEntry(guid=f"bulk-{i}", user_id=example.mara.id, workspace_id=example.ws.id,
                         start=start + timedelta(minutes=5 * i), stop=start + timedelta(minutes=5 * i, seconds=240),
                         duration=240, description=f"Entry {i:04d}", created_with="tests")
               for i in range(1000)]
    db.add_all(entries)
    db.commit()
    return entries


@pytest.mark.usefixtures("thousand")
def test_details_pdf_of_a_thousand_entries(client: TestClient, example: Example) -> None:
    """Every row, newest first: 11 on the first page (under the overview), 34 on each further page."""
    r = export(client, "details.pdf", example.mara, example.ws, description="entry", since="2023-10-02",
               until="2023-10-05", page="2")
    pages = pdf_pages(r)
    assert len(pages) == 31
    assert [p.count("Entry ") for p in pages] == [11] + [34] * 29 + [3]
    assert "Entry 0999" in pages[0] and "Time entries (1,000)" in pages[0]
    # the header row is repeated on every page, and so is the footer with the page total
    assert all("Date Time User Client Project Task Description Tags Duration" in p for p in pages)
    assert all(f"Page {n} of 31" in p for n, p in enumerate(pages, 1))
    # the last page holds the oldest entry and the total line
    last = pages[-1]
    assert f"2023-10-02 00:00{DASH}00:04 Mara Quint Entry 0000 00:04:00" in last
    assert "Total 1,000 entries 66:40:00" in last
    numbers = [int(n) for p in pages for n in re.findall(r"Entry (\d{4})", p)]
    assert numbers == list(range(999, -1, -1))


class TestPdfLayout:
    def test_long_periods_get_week_and_month_bars_in_the_owners_zone(self, client: TestClient, db: Session,
                                                                       example: Example) -> None:
        """Over half a year, one bar per month; an entry counts on its owner's local start day (§3.1)."""
        # 22:30 UTC on 30 September is 1 October 00:30 in Berlin (Jonas), still September in UTC (Mara).
        make_entry(db, user=example.jonas, workspace_id=example.ws.id, start="2023-09-30T22:30:00Z", seconds=7200)
        make_entry(db, user=example.mara, workspace_id=example.ws.id, start="2023-09-30T22:30:00Z", seconds=3600)
        [page] = pdf_pages(export(client, "details.pdf", example.mara, example.ws, since="2023-07-01",
                                  until="2023-12-31"))
        # the bar labels (only bars with time carry one), then the month names
        assert "Time per month 1:00 9:30 Jul 2023 Aug 2023 Sep 2023 Oct 2023 Nov 2023 Dec 2023" in page
        [page] = pdf_pages(export(client, "summary.pdf", example.mara, example.ws, since="2023-09-01",
                                  until="2023-10-31"))
        # weeks start on Monday; the first bar starts at ``since``
        assert ("Time per week (weeks start on Monday) 3:00 7:30 01 Sep 04 Sep 11 Sep 18 Sep 25 Sep 02 Oct 09 Oct "
                "16 Oct 23 Oct 30 Oct") in page

    def test_group_continued_on_the_next_page(self, client: TestClient, db: Session, example: Example) -> None:
        """Items that spill onto a new page are headed by their group's title, marked "(continued)"."""
        for n in range(40):
            make_entry(db, user=example.mara, workspace_id=example.ws.id, start="2023-10-07T09:00:00Z", seconds=60,
                       project_id=example.spring.id, description=f"Task {n:02d}")
        pages = pdf_pages(export(client, "summary.pdf", example.mara, example.ws, since="2023-10-07",
                                 until="2023-10-07"))
        assert len(pages) == 2
        assert "Spring menu site · Northwind Bakery 00:40:00 100.0 % 0.00 EUR Task 00 00:01:00 2.5 %" in pages[0]
        assert ("Project / time entry Duration Share Rate Amount Spring menu site · Northwind Bakery (continued) "
                "Task ") in pages[1]
        assert "Task 39 00:01:00 2.5 % 50.00 EUR/h 0.00 EUR Total 00:40:00 100.0 % Summary report" in pages[1]

    def test_long_text_is_wrapped_then_cut_and_any_script_is_drawn(self, client: TestClient, db: Session,
                                                                   example: Example) -> None:
        owner = make_user(db, fullname="Łukasz Żółć", timezone="Europe/Warsaw")
        add_member(db, example.ws, owner)
        words = " ".join(f"word{n:02d}" for n in range(60))
        make_entry(db, user=owner, workspace_id=example.ws.id, start="2023-10-07T09:00:00Z", seconds=60,
                   description=f"Ελληνικά {words}")
        [page] = pdf_pages(export(client, "details.pdf", example.mara, example.ws, since="2023-10-07",
                                  until="2023-10-07"))
        assert "Łukasz Żółć" in page
        # two lines of the description column, the second ending in an ellipsis
        assert "Ελληνικά word00 word01" in page
        cut = re.search(r"(word\d\d)… 00:01:00", page)
        assert cut is not None and "word59" not in page
