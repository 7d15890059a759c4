"""Settings → Import and Export in the browser: upload Toggl Track's files, read the result, download the export
(the same bytes as the API's); admins only, CSRF checked."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from punchclock.app import create_app
from punchclock.config import Settings
from punchclock.models import TimeEntry
from tests.api.v9.test_transfer import SMALL_LIMITS, ZONE, archive, entries_csv, padded_csv
from tests.factories import PASSWORD, Team, at, make_entry, make_team
from tests.web.browser import WebServer, check_a11y, shoot

COUNTS = [["Workspaces", "0", "1", "0"], ["Users", "1", "1", "0"], ["Members", "1", "1", "0"],
          ["Groups", "0", "0", "0"], ["Clients", "1", "0", "0"], ["Projects", "1", "0", "0"],
          ["Project members", "0", "0", "0"], ["Tasks", "0", "0", "0"], ["Tags", "1", "0", "0"],
          ["Time entries", "2", "0", "0"]]


def _team(server: WebServer) -> Team:
    """A team whose workspace is the admin's and the member's current one (the one the pages show)."""
    with server.session() as db:
        team = make_team(db)
        team.admin.default_workspace_id = team.member.default_workspace_id = team.ws.id
        db.commit()
        for user in (team.admin, team.member):
            db.refresh(user)
            db.expunge(user)
        db.expunge(team.ws)
    return team


def _sign_in(page: Page, server: WebServer, email: str, target: str = "/settings/import") -> None:
    page.goto(server.url(f"/login?next={target}"))
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(re.escape(target) + "$"))


def _entries(server: WebServer, workspace_id: int) -> int:
    with server.session() as db:
        return db.scalar(select(func.count()).select_from(TimeEntry).where(TimeEntry.workspace_id == workspace_id)) or 0


def _choose(page: Page, zip_bytes: bytes | None, csv: bytes | None) -> None:
    if zip_bytes is not None:
        page.get_by_label("Workspace data (ZIP)").set_input_files(
            {"name": "Team.zip", "mimeType": "application/zip", "buffer": zip_bytes})
    if csv is not None:
        page.get_by_label("Time entries (CSV files)").set_input_files(
            [{"name": "time_entries_2026.csv", "mimeType": "text/csv", "buffer": csv}])
    page.get_by_label("Time zone of the CSV files").select_option(ZONE)


def _table(page: Page, selector: str) -> list[list[str]]:
    rows: list[list[str]] = page.locator(f"{selector} tbody tr").evaluate_all(
        "rows => rows.map(r => Array.from(r.cells).map(c => c.textContent.trim()))")
    return rows


def test_upload_shows_the_counts_and_the_rows_appear(page: Page, server: WebServer) -> None:
    team = _team(server)
    _sign_in(page, server, team.admin.email)
    expect(page.get_by_role("link", name="Import")).to_have_attribute("aria-current", "page")
    expect(page.get_by_label("Time zone of the CSV files")).to_have_value("Etc/UTC")  # the viewer's zone
    expect(page.get_by_text("Files up to 256 MB in total.", exact=False)).to_be_visible()  # max_upload_bytes
    check_a11y(page)
    shoot(page, server, "import-form")
    _choose(page, archive(team.admin.email), entries_csv(team.admin.email))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", level=2).first).to_have_text(f"Imported into {team.ws.name}")
    assert _table(page, ".import-counts") == COUNTS
    expect(page.locator(".import-rejections")).to_have_count(0)
    check_a11y(page)
    page.set_viewport_size({"width": 360, "height": 800})
    # The counts fit a phone without scrolling sideways, the page nor the table.
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") == 0
    wrap = page.locator(".import-counts").locator("..")
    assert wrap.evaluate("w => w.scrollWidth - w.clientWidth") == 0
    page.set_viewport_size({"width": 1280, "height": 900})
    shoot(page, server, "import-result")
    assert _entries(server, team.ws.id) == 2
    page.goto(server.url("/projects"))
    expect(page.get_by_role("link", name="Website")).to_be_visible()


def test_rejected_lines_are_listed_and_nothing_is_written(page: Page, server: WebServer) -> None:
    team = _team(server)
    _sign_in(page, server, team.admin.email)
    bad = f"Mara Quint,{team.admin.email},,,,Backwards,No,2026-03-04,10:00:00,2026-03-04,09:00:00,,"
    _choose(page, None, entries_csv(team.admin.email, bad))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", name="Nothing was written: 1 line rejected")).to_be_visible()
    rejections = _table(page, ".import-rejections")
    assert [r[:2] for r in rejections] == [["time_entries_2026.csv", "4"]]
    assert rejections[0][2]
    check_a11y(page)
    assert _entries(server, team.ws.id) == 0
    # The page lists the first 100 rejections and counts the rest.
    page.goto(server.url("/settings/import"))
    _choose(page, None, entries_csv(team.admin.email, *[bad] * 105))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", name="Nothing was written: 105 lines rejected")).to_be_visible()
    expect(page.locator(".import-rejections tbody tr")).to_have_count(100)
    expect(page.locator(".more")).to_have_text("… and 5 more.")
    # Dry run with the good lines only: the counts, and still nothing written.
    page.goto(server.url("/settings/import"))
    _choose(page, None, entries_csv(team.admin.email))
    page.get_by_label("Dry run").check()
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", name="Dry run: nothing was written")).to_be_visible()
    assert _table(page, ".import-counts")[-1] == ["Time entries", "2", "0", "0"]
    assert _entries(server, team.ws.id) == 0


def test_a_form_without_a_file_is_shown_again(page: Page, server: WebServer) -> None:
    team = _team(server)
    _sign_in(page, server, team.admin.email)
    page.get_by_label("Time zone of the CSV files").select_option("Asia/Tokyo")
    page.get_by_role("button", name="Import").click()
    expect(page.locator(".flash-error")).to_have_text(
        "Choose the workspace ZIP, one or more time-entry CSV files, or both.")
    expect(page.get_by_label("Time zone of the CSV files")).to_have_value("Asia/Tokyo")


def test_downloads_equal_the_api_and_members_are_refused(page: Page, server: WebServer, tmp_path: Path) -> None:
    team = _team(server)
    with server.session() as db:
        make_entry(db, user=team.admin, workspace_id=team.ws.id, start=at("2025-05-05T08:00:00Z"), seconds=900,
                   description="Spring")
        make_entry(db, user=team.member, workspace_id=team.ws.id, start=at("2026-02-02T08:00:00Z"), seconds=1800,
                   description="Winter")
    _sign_in(page, server, team.admin.email, "/settings/export")
    check_a11y(page)
    shoot(page, server, "export")
    expect(page.locator(".downloads li")).to_have_text(["2025 1 time entry", "2026 1 time entry"])
    api = httpx.Client(base_url=server.base, auth=(team.admin.api_token, "api_token"))
    for link, path in ((f"Download team_{team.ws.id}.zip", f"/api/v9/workspaces/{team.ws.id}/export"),
                       ("2025", f"/api/v9/workspaces/{team.ws.id}/export/time_entries/2025.csv"),
                       ("2026", f"/api/v9/workspaces/{team.ws.id}/export/time_entries/2026.csv")):
        with page.expect_download() as info:
            page.get_by_role("link", name=link, exact=True).click()
        saved = tmp_path / info.value.suggested_filename
        info.value.save_as(saved)
        answer = api.get(path)
        assert answer.status_code == 200
        assert saved.read_bytes() == answer.content, link
    assert saved.name == "time_entries_2026-01-01_to_2026-12-31.csv"
    assert b",Winter,No,2026-02-02,08:00:00,2026-02-02,08:30:00,00:30:00,\r\n" in saved.read_bytes()

    # A member: no Import/Export tabs, and the pages, downloads and the form are refused.
    page.context.clear_cookies()
    _sign_in(page, server, team.member.email, "/settings/profile")
    expect(page.get_by_role("link", name="Import")).to_have_count(0)
    for path in ("/settings/import", "/settings/export", "/settings/export/workspace.zip",
                 "/settings/export/time_entries/2026.csv"):
        response = page.goto(server.url(path))
        assert response is not None and response.status == 403, path
        expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()


def test_the_form_needs_its_csrf_token(page: Page, server: WebServer) -> None:
    team = _team(server)
    _sign_in(page, server, team.admin.email)
    cookie = next(c["value"] for c in page.context.cookies() if c["name"] == "punchclock")
    files = {"time_entries": ("y.csv", entries_csv(team.admin.email), "text/csv")}
    with httpx.Client(base_url=server.base, cookies={"punchclock": cookie}) as client:
        refused = client.post("/settings/import", data={"timezone": ZONE}, files=files)
        assert refused.status_code == 403
        assert "This form has expired" in refused.text
        assert _entries(server, team.ws.id) == 0
        token = re.search(r'name="csrf-token" content="([0-9a-f]{64})"', client.get("/settings/import").text)
        assert token is not None
        accepted = client.post("/settings/import", data={"timezone": ZONE, "csrf": token[1]}, files=files)
        assert accepted.status_code == 200
        assert f"Imported into {team.ws.name}" in accepted.text
    assert _entries(server, team.ws.id) == 2



@pytest.fixture
def small_web(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings.model_copy(update=SMALL_LIMITS))
    with TestClient(app) as c:
        yield c
    app.state.engine.dispose()


def _csrf(html: str, pattern: str = r'name="csrf" value="([0-9a-f]{64})"') -> str:
    match = re.search(pattern, html)
    assert match, html[:300]
    return match[1]


def test_the_upload_limit_is_shown_and_a_larger_upload_gets_a_page(small_web: TestClient) -> None:
    db = small_web.app.state.sessionmaker()  # type: ignore[attr-defined]
    team = make_team(db)
    team.admin.default_workspace_id = team.ws.id
    db.commit()
    email, wid, name = team.admin.email, team.ws.id, team.ws.name
    # A form over the body limit (1 KB) is refused with a page, not the APIs' JSON.
    login = {"csrf": _csrf(small_web.get("/login").text), "email": email, "password": PASSWORD}
    big_form = small_web.post("/login", data={**login, "note": "x" * 2000})
    assert (big_form.status_code, big_form.headers["content-type"]) == (400, "text/html; charset=utf-8")
    assert "The form is too large: this server accepts at most 1 KB at once." in big_form.text
    assert small_web.post("/login", data=login, follow_redirects=False).status_code == 303
    form = small_web.get("/settings/import")
    assert "Files up to 16 KB in total." in form.text
    fields = {"timezone": ZONE, "csrf": _csrf(form.text, r'name="csrf-token" content="([0-9a-f]{64})"')}
    # Over the body limit, under the upload limit: imported.
    csv = padded_csv(email, 40)
    ok = small_web.post("/settings/import", data=fields, files={"time_entries": ("y.csv", csv, "text/csv")})
    assert (ok.status_code, f"Imported into {name}" in ok.text) == (200, True)
    # Over the upload limit: an error page that keeps the menu, and nothing more is written.
    big = padded_csv(email, 400)
    refused = small_web.post("/settings/import", data=fields, files={"time_entries": ("y.csv", big, "text/csv")})
    assert (refused.status_code, refused.headers["content-type"]) == (400, "text/html; charset=utf-8")
    assert "The files are too large: this server accepts at most 16 KB at once." in refused.text
    assert 'href="/settings/profile"' in refused.text
    assert _entries_of(small_web, wid) == 42
    db.close()


def _entries_of(c: TestClient, workspace_id: int) -> int:
    with c.app.state.sessionmaker() as db:  # type: ignore[attr-defined]
        return db.scalar(select(func.count()).select_from(TimeEntry).where(TimeEntry.workspace_id == workspace_id)) or 0
