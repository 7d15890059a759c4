"""Reports v3 exports (60-reports-v3 §9, V-35): CSV bodies compared whole, PDFs read back with pypdf, XLSX
workbooks read back from their sheet XML.

The world of ``conftest`` (hand-computed there): Mara (Etc/UTC, admin), Jonas (Europe/Berlin, member), seven
counted entries in the week 2023-10-02 … 2023-10-08, EUR and USD. Exports are the v2 exports of the same
filters (50-reports §10) with the v3 body's options: every row, no ``X-Next-*``.
"""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal
from typing import Any
from xml.etree import ElementTree

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from pypdf import PdfReader
from sqlalchemy import update
from sqlalchemy.orm import Session

from punchclock.models import TimeEntry, User
from punchclock.reports import xlsx
from tests.api.reports.conftest import get_report
from tests.api.reports_v3.conftest import WEEK, World, post_report
from tests.factories import at, make_entry, token_auth

DASH = "\u2013"
DATES = "2023-10-02,2023-10-03,2023-10-04,2023-10-05,2023-10-06,2023-10-07,2023-10-08"
DETAILS_HEADER = ("User,Email,Client,Project,Task,Description,Billable,Start date,Start time,End date,End time,"
                  "Duration,Tags,Amount,Currency")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_NS = {"s": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def export(client: TestClient, world: World, path: str, body: dict[str, Any], user: User | None = None) -> Response:
    """A successful export (asserts 200) of the world's workspace, as Mara unless ``user`` is given."""
    r = post_report(client, world.ws.id, path, user or world.mara, body)
    assert r.status_code == 200, r.text
    assert not [h for h in r.headers if h.lower().startswith("x-next")]
    return r


def disposition(r: Response) -> str:
    return r.headers["content-disposition"]


def csv_lines(r: Response) -> list[str]:
    """The CSV lines; every line ends with CRLF (RFC 4180)."""
    assert r.headers["content-type"] == "text/csv; charset=utf-8"
    assert r.text.endswith("\r\n") and "\n" not in r.text.replace("\r\n", "")
    return r.text.split("\r\n")[:-1]


def pdf_text(r: Response) -> str:
    """The text of a one-page PDF, whitespace collapsed."""
    assert r.headers["content-type"] == "application/pdf"
    assert r.content.startswith(b"%PDF-")
    [page] = PdfReader(io.BytesIO(r.content)).pages
    return " ".join(page.extract_text().split())


def _column(reference: str) -> int:
    number = 0
    for letter in re.match(r"[A-Z]+", reference).group():  # type: ignore[union-attr]
        number = number * 26 + ord(letter) - ord("A") + 1
    return number - 1


def xlsx_sheets(r: Response) -> dict[str, list[list[Any]]]:
    """Every sheet by name: rows of cells, text as ``str``, numbers as ``Decimal``, empty cells ``None``."""
    assert r.headers["content-type"] == XLSX
    book = zipfile.ZipFile(io.BytesIO(r.content))
    names = [s.get("name") for s in ElementTree.fromstring(book.read("xl/workbook.xml")).iter(f"{{{_NS['s']}}}sheet")]
    sheets = {}
    for index, name in enumerate(names, 1):
        root = ElementTree.fromstring(book.read(f"xl/worksheets/sheet{index}.xml"))
        rows = []
        for row in root.iterfind("s:sheetData/s:row", _NS):
            cells: list[Any] = []
            for c in row.iterfind("s:c", _NS):
                cells += [None] * (_column(c.get("r", "")) - len(cells))
                if c.get("t") == "inlineStr":
                    cells.append("".join(t.text or "" for t in c.iterfind("s:is/s:t", _NS)))
                else:
                    cells.append(Decimal(c.findtext("s:v", namespaces=_NS) or ""))
            rows.append(cells)
        sheets[str(name)] = rows
    return sheets


def padded(rows: list[list[Any]], width: int) -> list[list[Any]]:
    return [row + [None] * (width - len(row)) for row in rows]


# -- detailed ---------------------------------------------------------------------------------------------------

class TestDetailedCsv:
    def test_every_entry_newest_first_in_owner_zones(self, client: TestClient, world: World) -> None:
        """Paging fields are not read (O-70); Jonas's times are Berlin's, Mara's UTC; USD stays USD."""
        r = export(client, world, "search/time_entries.csv", {**WEEK, "page_size": 1, "first_row_number": 3})
        assert disposition(r) == 'attachment; filename="punchclock_detailed_2023-10-02_2023-10-08.csv"'
        mara, jonas = world.mara.email, world.jonas.email
        assert csv_lines(r) == [
            DETAILS_HEADER,
            f"Mara Quint,{mara},Northwind Bakery,Spring menu site,,,No,2023-10-08,23:30:00,2023-10-08,23:40:00,"
            "00:10:00,,,",
            f"Mara Quint,{mara},,Board minutes,,Board minutes,Yes,2023-10-06,09:00:00,2023-10-06,09:20:34,00:20:34,"
            "on-site,27.42,EUR",
            f"Jonas Weber,{jonas},,,,Team meeting,No,2023-10-05,12:00:00,2023-10-05,14:00:00,02:00:00,,,",
            f"Jonas Weber,{jonas},Harbour Ferries,Ferry timetable app,,Timetable import,Yes,2023-10-04,09:00:00,"
            "2023-10-04,10:30:00,01:30:00,,135.00,EUR",
            f"Mara Quint,{mara},Harbour Ferries,Ferry timetable app,Wireframes,Wireframes for booking flow,Yes,"
            '2023-10-03,13:00:00,2023-10-03,15:30:00,02:30:00,"on-site, phase-1",200.00,EUR',
            f"Mara Quint,{mara},Northwind Bakery,Spring menu site,,Homepage layout,Yes,2023-10-02,07:00:00,"
            "2023-10-02,08:30:00,01:30:00,,75.00,USD",
            # 2023-10-01 22:30 UTC is already Monday in Berlin
            f"Jonas Weber,{jonas},Harbour Ferries,Ferry timetable app,,Timetable import,Yes,2023-10-02,00:30:00,"
            "2023-10-02,01:00:00,00:30:00,,45.00,EUR",
        ]

    def test_decimal_half_up_by_duration_with_amounts_hidden(self, client: TestClient, db: Session,
                                                             world: World) -> None:
        """9018 s = 2.505 h -> 2.51 (half up, not to even); ``hide_amounts`` blanks amount and currency."""
        make_entry(db, user=world.mara, workspace_id=world.ws.id, start="2023-10-07T08:00:00Z", seconds=9018,
                   description="Long one")
        r = export(client, world, "search/time_entries.csv", {
            **WEEK, "duration_format": "decimal", "order_by": "duration", "order_dir": "ASC", "hide_amounts": True,
            "billable": False})
        assert [line.split(",")[5:] for line in csv_lines(r)[1:]] == [
            ["", "No", "2023-10-08", "23:30:00", "2023-10-08", "23:40:00", "0.17", "", "", ""],
            ["Team meeting", "No", "2023-10-05", "12:00:00", "2023-10-05", "14:00:00", "2.00", "", "", ""],
            ["Long one", "No", "2023-10-07", "08:00:00", "2023-10-07", "10:30:18", "2.51", "", "", ""],
        ]

    def test_member_sees_no_emails_and_hidden_money(self, client: TestClient, db: Session, world: World) -> None:
        """E-mails are for admins (V-24); hidden rates blank amount and currency (§4.4); Board is private."""
        world.ws.only_admins_see_billable_rates = True
        db.commit()
        r = export(client, world, "search/time_entries.csv", {**WEEK, "order_by": "user", "order_dir": "DESC",
                                                             "user_ids": [world.jonas.id]}, world.jonas)
        assert csv_lines(r) == [
            DETAILS_HEADER,
            # one owner: equal keys keep the entry ids' order (timetable was made before early)
            "Jonas Weber,,Harbour Ferries,Ferry timetable app,,Timetable import,Yes,2023-10-04,09:00:00,2023-10-04,"
            "10:30:00,01:30:00,,,",
            "Jonas Weber,,Harbour Ferries,Ferry timetable app,,Timetable import,Yes,2023-10-02,00:30:00,2023-10-02,"
            "01:00:00,00:30:00,,,",
            "Jonas Weber,,,,,Team meeting,No,2023-10-05,12:00:00,2023-10-05,14:00:00,02:00:00,,,",
        ]
        all_rows = csv_lines(export(client, world, "search/time_entries.csv", WEEK, world.jonas))
        assert len(all_rows) == 7 and not [line for line in all_rows if "Board" in line]

    def test_last_update_order(self, client: TestClient, db: Session, world: World) -> None:
        """``order_by: last_update`` sorts by the entries' ``at``, newest first by default."""
        for entry, stamp in [(world.homepage, "2023-11-03T00:00:00Z"), (world.meeting, "2023-11-02T00:00:00Z")]:
            db.execute(update(TimeEntry).where(TimeEntry.id == entry.id).values(updated_at=at(stamp)))
        for entry in (world.wireframes, world.timetable, world.early, world.minutes, world.late):
            db.execute(update(TimeEntry).where(TimeEntry.id == entry.id).values(updated_at=at("2023-11-01T00:00:00Z")))
        db.commit()
        body = {**WEEK, "order_by": "last_update"}
        descriptions = [line.split(",")[5] for line in csv_lines(export(client, world, "search/time_entries.csv",
                                                                        body))[1:]]
        # equal stamps keep the entry ids' order
        assert descriptions == ["Homepage layout", "Team meeting", "Wireframes for booking flow", "Timetable import",
                                "Timetable import", "Board minutes", ""]
        ascending = csv_lines(export(client, world, "search/time_entries.csv", {**body, "order_dir": "ASC"}))
        assert [line.split(",")[5] for line in ascending[-2:]] == ["Team meeting", "Homepage layout"]
        # Read as the JSON report reads it: any case.
        assert csv_lines(export(client, world, "search/time_entries.csv", {**body, "order_dir": "asc"})) == ascending

    def test_equals_the_v2_export_of_the_same_filters(self, client: TestClient, world: World) -> None:
        v3 = export(client, world, "search/time_entries.csv", {
            **WEEK, "billable": True, "project_ids": [world.ferry.id, None], "order_by": "description",
            "order_dir": "DESC", "duration_format": "decimal", "rounding": 1, "enrich_response": True})
        v2 = get_report(client, "details.csv", world.mara, workspace_id=world.ws.id, since="2023-10-02",
                        until="2023-10-08", billable="yes", project_ids=f"{world.ferry.id},0",
                        order_field="description", order_desc="on", display_hours="decimal", rounding="on")
        assert v2.status_code == 200
        assert v3.content == v2.content
        assert len(csv_lines(v3)) == 4


class TestDetailedFiles:
    def test_pdf_holds_rows_and_totals(self, client: TestClient, world: World) -> None:
        r = export(client, world, "search/time_entries.pdf", {**WEEK, "duration_format": "decimal"})
        assert disposition(r) == 'attachment; filename="punchclock_detailed_2023-10-02_2023-10-08.pdf"'
        text = pdf_text(r)
        for part in [
            "Detailed report", f"Harbour studio 2023-10-02 {DASH} 2023-10-08",
            # 30634 s, 22834 s billable; EUR 200 + 135 + 45 + 27.42, USD 75
            "Total time 8.51 h", "Billable time 6.34 h", "Amount EUR 407.42 EUR", "Amount USD 75.00 USD",
            "Entries 7", "Time entries (7)",
            f"2023-10-02 00:30{DASH}01:00 Jonas Weber Harbour Ferries Ferry timetable app Timetable import 0.50 "
            "45.00 EUR",
            "Total 7 entries 8.51 407.42 EUR 75.00 USD",
        ]:
            assert part in text, part

    def test_pdf_date_format(self, client: TestClient, world: World) -> None:
        text = pdf_text(export(client, world, "search/time_entries.pdf", {**WEEK, "date_format": "DD.MM.YYYY",
                                                                          "billable": False}))
        assert f"Harbour studio 02.10.2023 {DASH} 08.10.2023" in text
        assert f"05.10.2023 12:00{DASH}14:00 Jonas Weber Team meeting 02:00:00" in text
        text = pdf_text(export(client, world, "search/time_entries.pdf", {**WEEK, "date_format": "MM/DD/YYYY"}))
        assert f"10/08/2023 23:30{DASH}23:40 Mara Quint Northwind Bakery Spring menu site" in text

    def test_pdf_hide_amounts(self, client: TestClient, world: World) -> None:
        text = pdf_text(export(client, world, "search/time_entries.pdf", {**WEEK, "hide_amounts": True}))
        assert "Total time 08:30:34" in text and "Total 7 entries 08:30:34" in text
        assert "Amounts are not shown: the export was asked for without them (hide_amounts)." in text
        assert "EUR" not in text and "USD" not in text and "407.42" not in text

    def test_xlsx_cells(self, client: TestClient, world: World) -> None:
        """The CSV's columns; amounts and decimal durations are numbers, the rest text as in the CSV."""
        r = export(client, world, "search/time_entries.xlsx", {**WEEK, "duration_format": "decimal",
                                                              "order_by": "date", "order_dir": "ASC",
                                                              "user_ids": [world.jonas.id]})
        assert disposition(r) == 'attachment; filename="punchclock_detailed_2023-10-02_2023-10-08.xlsx"'
        jonas = world.jonas.email
        assert {name: padded(rows, 15) for name, rows in xlsx_sheets(r).items()} == {"Detailed report": [
            DETAILS_HEADER.split(","),
            ["Jonas Weber", jonas, "Harbour Ferries", "Ferry timetable app", None, "Timetable import", "Yes",
             "2023-10-02", "00:30:00", "2023-10-02", "01:00:00", Decimal("0.5"), None, Decimal("45"), "EUR"],
            ["Jonas Weber", jonas, "Harbour Ferries", "Ferry timetable app", None, "Timetable import", "Yes",
             "2023-10-04", "09:00:00", "2023-10-04", "10:30:00", Decimal("1.5"), None, Decimal("135"), "EUR"],
            ["Jonas Weber", jonas, None, None, None, "Team meeting", "No", "2023-10-05", "12:00:00", "2023-10-05",
             "14:00:00", Decimal("2"), None, None, None],
        ]}

    def test_xlsx_text_is_never_a_formula(self, client: TestClient, db: Session, world: World) -> None:
        """A description that a spreadsheet would run is a plain string cell (the CSV quotes it with ``'``)."""
        make_entry(db, user=world.mara, workspace_id=world.ws.id, start="2023-10-07T08:00:00Z", seconds=60,
                   description="=HYPERLINK(\"http://x\")", tags=[world.on_site, world.phase_1])
        body = {**WEEK, "description": "hyperlink"}
        [_, row] = xlsx_sheets(export(client, world, "search/time_entries.xlsx", body))["Detailed report"]
        assert row[5:13] == ['=HYPERLINK("http://x")', "No", "2023-10-07", "08:00:00", "2023-10-07", "08:01:00",
                             "00:01:00", "on-site, phase-1"]
        [_, line] = csv_lines(export(client, world, "search/time_entries.csv", body))
        assert ',"\'=HYPERLINK(""http://x"")",' in line

    def test_xlsx_continues_on_another_sheet_past_the_row_limit(self, client: TestClient, world: World,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
        """A sheet holds ``MAX_ROWS`` rows with its header (the format's 1,048,576); the rest follow on the next."""
        monkeypatch.setattr(xlsx, "MAX_ROWS", 4)
        r = export(client, world, "search/time_entries.xlsx", {**WEEK, "order_dir": "ASC"})
        sheets = {name: [row[5] for row in rows] for name, rows in xlsx_sheets(r).items()}
        assert sheets == {
            "Detailed report": ["Description", "Timetable import", "Homepage layout", "Wireframes for booking flow"],
            "Detailed report (2)": ["Description", "Timetable import", "Team meeting", "Board minutes"],
            "Detailed report (3)": ["Description", None],
        }

    def test_xlsx_empty_report_has_its_header(self, client: TestClient, world: World) -> None:
        r = export(client, world, "search/time_entries.xlsx", {"start_date": "2020-01-01", "end_date": "2020-01-07"})
        assert disposition(r) == 'attachment; filename="punchclock_detailed_2020-01-01_2020-01-07.xlsx"'
        assert xlsx_sheets(r) == {"Detailed report": [DETAILS_HEADER.split(",")]}


# -- summary ----------------------------------------------------------------------------------------------------

SUMMARY_LINES = [
    "Project,Client,Description,Duration,Amount,Currency",
    "Board minutes,,Board minutes,00:20:34,27.42,EUR",
    "Ferry timetable app,Harbour Ferries,Timetable import,02:00:00,180.00,EUR",
    "Ferry timetable app,Harbour Ferries,Wireframes for booking flow,02:30:00,200.00,EUR",
    "Spring menu site,Northwind Bakery,,00:10:00,0.00,USD",
    "Spring menu site,Northwind Bakery,Homepage layout,01:30:00,75.00,USD",
    ",,Team meeting,02:00:00,0.00,EUR",
]


class TestSummary:
    def test_csv_default_grouping(self, client: TestClient, world: World) -> None:
        r = export(client, world, "summary/time_entries.csv", {**WEEK, "collapse": True, "audit": {"x": 1}})
        assert disposition(r) == 'attachment; filename="punchclock_summary_2023-10-02_2023-10-08.csv"'
        assert csv_lines(r) == SUMMARY_LINES

    def test_csv_users_and_projects_by_duration(self, client: TestClient, world: World) -> None:
        r = export(client, world, "summary/time_entries.csv", {
            **WEEK, "grouping": "users", "sub_grouping": "projects", "order_by": "duration", "order_dir": "DESC",
            "duration_format": "decimal", "hide_amounts": True})
        assert csv_lines(r) == [
            "User,Project,Client,Duration,Amount,Currency",
            # Mara 15034 s, Jonas 14400 s
            "Mara Quint,Ferry timetable app,Harbour Ferries,2.50,,",
            "Mara Quint,Spring menu site,Northwind Bakery,1.67,,",
            "Mara Quint,Board minutes,,0.34,,",
            "Jonas Weber,Ferry timetable app,Harbour Ferries,2.00,,",
            "Jonas Weber,,,2.00,,",
        ]

    def test_csv_equals_v2(self, client: TestClient, world: World) -> None:
        v3 = export(client, world, "summary/time_entries.csv", {**WEEK, "grouping": "clients",
                                                               "sub_grouping": "users", "distinguish_rates": True})
        v2 = get_report(client, "summary.csv", world.mara, workspace_id=world.ws.id, since="2023-10-02",
                        until="2023-10-08", grouping="clients", subgrouping="users", distinct_rates="on")
        assert v2.status_code == 200 and v3.content == v2.content
        assert csv_lines(v3)[1:3] == ["Harbour Ferries,Jonas Weber,02:00:00,180.00,EUR",
                                      "Harbour Ferries,Mara Quint,02:30:00,200.00,EUR"]

    def test_pdf_rates_and_hide_rates(self, client: TestClient, world: World) -> None:
        body = {**WEEK, "grouping": "projects", "sub_grouping": "users", "project_ids": [world.ferry.id]}
        text = pdf_text(export(client, world, "summary/time_entries.pdf", body))
        ferry = "Ferry timetable app · Harbour Ferries 04:30:00 100.0 % 380.00 EUR "
        assert (ferry + "Jonas Weber 02:00:00 44.4 % 90.00 EUR/h 180.00 EUR "
                "Mara Quint 02:30:00 55.6 % 80.00 EUR/h 200.00 EUR Total 04:30:00 100.0 % 380.00 EUR") in text
        assert "Total time 04:30:00" in text and "Amount EUR 380.00 EUR" in text
        text = pdf_text(export(client, world, "summary/time_entries.pdf", {**body, "hide_rates": True}))
        assert (ferry + "Jonas Weber 02:00:00 44.4 % 180.00 EUR Mara Quint 02:30:00 55.6 % 200.00 EUR "
                "Total 04:30:00 100.0 % 380.00 EUR") in text
        assert "/h" not in text

    def test_pdf_for_a_member_who_may_not_see_rates(self, client: TestClient, db: Session, world: World) -> None:
        world.ws.only_admins_see_billable_rates = True
        db.commit()
        text = pdf_text(export(client, world, "summary/time_entries.pdf", {**WEEK, "hide_amounts": True}, world.jonas))
        assert "Amounts are not shown: only workspace admins see billable rates." in text
        assert "Total time 08:10:00" in text and "EUR" not in text and "/h" not in text

    def test_xlsx_cells(self, client: TestClient, world: World) -> None:
        r = export(client, world, "summary/time_entries.xlsx", {**WEEK, "duration_format": "decimal"})
        assert disposition(r) == 'attachment; filename="punchclock_summary_2023-10-02_2023-10-08.xlsx"'
        assert {name: padded(rows, 6) for name, rows in xlsx_sheets(r).items()} == {"Summary report": [
            ["Project", "Client", "Description", "Duration", "Amount", "Currency"],
            ["Board minutes", None, "Board minutes", Decimal("0.34"), Decimal("27.42"), "EUR"],
            ["Ferry timetable app", "Harbour Ferries", "Timetable import", Decimal(2), Decimal(180), "EUR"],
            ["Ferry timetable app", "Harbour Ferries", "Wireframes for booking flow", Decimal("2.5"), Decimal(200),
             "EUR"],
            ["Spring menu site", "Northwind Bakery", None, Decimal("0.17"), Decimal(0), "USD"],
            ["Spring menu site", "Northwind Bakery", "Homepage layout", Decimal("1.5"), Decimal(75), "USD"],
            [None, None, "Team meeting", Decimal(2), Decimal(0), "EUR"],
        ]}

    def test_xlsx_classic_durations_are_text(self, client: TestClient, world: World) -> None:
        [_, *rows] = xlsx_sheets(export(client, world, "summary/time_entries.xlsx", WEEK))["Summary report"]
        assert [row[3] for row in rows] == ["00:20:34", "02:00:00", "02:30:00", "00:10:00", "01:30:00", "02:00:00"]


# -- weekly -----------------------------------------------------------------------------------------------------

class TestWeekly:
    def test_csv_by_projects(self, client: TestClient, world: World) -> None:
        r = export(client, world, "weekly/time_entries.csv", {"start_date": "2023-10-02"})
        assert disposition(r) == 'attachment; filename="punchclock_weekly_2023-10-02_2023-10-08.csv"'
        assert csv_lines(r) == [
            f"Project,Client,User,{DATES},Total",
            "Board minutes,,Mara Quint,,,,,00:20:34,,,00:20:34",
            # early: Monday 00:30 in Berlin
            "Ferry timetable app,Harbour Ferries,Jonas Weber,00:30:00,,01:30:00,,,,,02:00:00",
            "Ferry timetable app,Harbour Ferries,Mara Quint,,02:30:00,,,,,,02:30:00",
            "Spring menu site,Northwind Bakery,Mara Quint,01:30:00,,,,,,00:10:00,01:40:00",
            ",,Jonas Weber,,,,02:00:00,,,,02:00:00",
        ]

    def test_csv_end_date_cuts_the_week(self, client: TestClient, world: World) -> None:
        """Days after ``end_date`` count 0 (V-34); the file is named by the days asked for."""
        r = export(client, world, "weekly/time_entries.csv", {
            "start_date": "2023-10-02", "end_date": "2023-10-05", "grouping": "users", "duration_format": "decimal"})
        assert disposition(r) == 'attachment; filename="punchclock_weekly_2023-10-02_2023-10-05.csv"'
        assert csv_lines(r) == [
            f"User,Project,Client,{DATES},Total",
            "Jonas Weber,Ferry timetable app,Harbour Ferries,0.50,,1.50,,,,,2.00",
            "Jonas Weber,,,,,,2.00,,,,2.00",
            "Mara Quint,Ferry timetable app,Harbour Ferries,,2.50,,,,,,2.50",
            "Mara Quint,Spring menu site,Northwind Bakery,1.50,,,,,,,1.50",
        ]

    def test_csv_earnings_per_currency_equals_v2(self, client: TestClient, world: World) -> None:
        body = {"start_date": "2023-10-02", "grouping": "users", "calculate": "earnings"}
        r = export(client, world, "weekly/time_entries.csv", body)
        assert csv_lines(r) == [
            f"User,Project,Client,{DATES},Total,Currency",
            "Jonas Weber,Ferry timetable app,Harbour Ferries,45.00,,135.00,,,,,180.00,EUR",
            "Mara Quint,Board minutes,,,,,,27.42,,,27.42,EUR",
            "Mara Quint,Ferry timetable app,Harbour Ferries,,200.00,,,,,,200.00,EUR",
            "Mara Quint,Spring menu site,Northwind Bakery,75.00,,,,,,,75.00,USD",  # late is not billable
        ]
        v2 = get_report(client, "weekly.csv", world.mara, workspace_id=world.ws.id, since="2023-10-02",
                        grouping="users", calculate="earnings")
        assert v2.status_code == 200 and v2.content == r.content

    def test_pdf_totals(self, client: TestClient, world: World) -> None:
        r = export(client, world, "weekly/time_entries.pdf", {"start_date": "2023-10-02"})
        assert disposition(r) == 'attachment; filename="punchclock_weekly_2023-10-02_2023-10-08.pdf"'
        text = pdf_text(r)
        for part in ["Weekly report", "Grouping: by projects", "Calculate: time", "Total time 08:30:34",
                     "Billable time 06:20:34", "Amount EUR 407.42 EUR", "Amount USD 75.00 USD", "Entries 7",
                     "Total 02:00:00 02:30:00 01:30:00 02:00:00 00:20:34 00:10:00 08:30:34"]:
            assert part in text, part


# -- errors -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("path", "body", "status", "message"), [
    ("search/time_entries.csv", {**WEEK, "duration_format": "minutes"}, 400, "Invalid duration_format"),
    ("search/time_entries.pdf", {**WEEK, "order_by": "amount"}, 400, "Invalid order_by"),
    ("search/time_entries.pdf", {**WEEK, "date_format": "D/M/Y"}, 400, "Invalid date_format"),
    ("search/time_entries.xlsx", {**WEEK, "order_dir": "down"}, 400, "Invalid order_dir"),
    ("search/time_entries.csv", {**WEEK, "hide_amounts": "yes"}, 400, "Invalid hide_amounts"),
    ("summary/time_entries.csv", {**WEEK, "grouping": "projects", "sub_grouping": "clients"}, 400,
     "sub_grouping clients is not allowed with grouping projects"),
    ("summary/time_entries.pdf", {**WEEK, "order_by": "date"}, 400, "Invalid order_by"),
    ("summary/time_entries.xlsx", {**WEEK, "hide_rates": 1}, 400, "Invalid hide_rates"),
    ("weekly/time_entries.csv", {"start_date": "2023-10-02", "end_date": "2023-10-09"}, 400,
     "The weekly report covers at most 7 days"),
    ("weekly/time_entries.pdf", {"start_date": "2023-10-02", "calculate": "money"}, 400, "Invalid calculate"),
    ("search/time_entries.csv", {}, 400, "The request body is empty"),
    ("search/time_entries.csv", {**WEEK, "end_date": "2023-10-01"}, 400,
     "start_date must not be later than end_date"),
])
def test_bad_bodies_are_json_strings(client: TestClient, world: World, path: str, body: dict[str, Any],
                                     status: int, message: str) -> None:
    r = post_report(client, world.ws.id, path, world.mara, body)
    assert (r.status_code, r.headers["content-type"], r.json()) == (status, "application/json; charset=utf-8", message)
    assert "content-disposition" not in r.headers


def test_exports_are_posts(client: TestClient, world: World) -> None:
    r = client.get(f"/reports/api/v3/workspace/{world.ws.id}/search/time_entries.csv", headers=token_auth(world.mara))
    assert (r.status_code, r.json(), r.headers["allow"]) == (405, "Method not allowed", "OPTIONS, POST")


def test_non_member_is_403(client: TestClient, world: World) -> None:
    for path in ("search/time_entries.csv", "summary/time_entries.xlsx", "weekly/time_entries.pdf"):
        r = post_report(client, world.ws.id, path, world.otto, WEEK)
        assert (r.status_code, r.json()) == (403, "Workspace not found/accessible"), path


@pytest.mark.parametrize("path", ["weekly/time_entries.xlsx", "search/time_entries.xls", "summary/time_entries.json",
                                  "search/time_entries.txt"])
def test_unknown_format_is_404(client: TestClient, world: World, path: str) -> None:
    r = post_report(client, world.ws.id, path, world.mara, WEEK)
    assert (r.status_code, r.headers["content-type"], r.json()) == (404, "application/json; charset=utf-8",
                                                                    "Not found")


def test_openapi_documents_every_export(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    prefix = "/reports/api/v3/workspace/{workspace_id}/"
    files = {path.removeprefix(prefix): list(ops["post"]["responses"]["200"]["content"])
             for path, ops in paths.items() if path.startswith(prefix) and "." in path}
    assert files == {
        "search/time_entries.csv": ["text/csv"], "search/time_entries.pdf": ["application/pdf"],
        "search/time_entries.xlsx": [XLSX], "summary/time_entries.csv": ["text/csv"],
        "summary/time_entries.pdf": ["application/pdf"], "summary/time_entries.xlsx": [XLSX],
        "weekly/time_entries.csv": ["text/csv"], "weekly/time_entries.pdf": ["application/pdf"],
    }

    def options(path: str) -> dict[str, Any]:
        body = paths[prefix + path]["post"]["requestBody"]["content"]["application/json"]["schema"]
        return body["properties"]  # type: ignore[no-any-return]

    detailed = options("search/time_entries.pdf")
    assert detailed["duration_format"]["enum"] == ["classic", "improved", "decimal"]
    assert detailed["order_by"]["enum"] == ["date", "user", "duration", "description", "last_update", "title"]
    assert detailed["date_format"]["enum"][:2] == ["YYYY-MM-DD", "DD.MM.YYYY"]
    assert set(options("summary/time_entries.xlsx")) == {
        "duration_format", "grouping", "sub_grouping", "distinguish_rates", "order_by", "order_dir", "hide_amounts",
        "hide_rates"}
    assert options("summary/time_entries.csv")["sub_grouping"]["default"] == "time_entries"
    assert set(options("weekly/time_entries.csv")) == {"duration_format", "grouping", "calculate"}
