"""The entries list on /timer: add past entries, edit in place (script) and by plain forms, delete and undo,
days in the viewer's zone, paging by weeks, and ids of other people's entries."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from punchclock.models import TimeEntry, TimeEntryTag, User
from tests.factories import make_client, make_entry, make_project, make_tag
from tests.web.browser import WebServer, check_a11y, shoot, sign_up

BERLIN = ZoneInfo("Europe/Berlin")


def _user(server: WebServer, email: str) -> tuple[int, int]:
    with server.session() as db:
        user = db.execute(select(User).where(User.email == email)).scalar_one()
        assert user.default_workspace_id is not None
        return user.id, user.default_workspace_id


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN).astimezone(UTC)


def _entry(server: WebServer, entry_id: int) -> TimeEntry:
    with server.session() as db:
        found = db.get(TimeEntry, entry_id)
        assert found is not None
        return found


def _arrange(server: WebServer, email: str, day: date, *spans: tuple[int, int, int, str]) -> list[int]:
    """Entries on ``day`` (Berlin): (hour, minute, seconds, description) each; their ids."""
    user_id, _ = _user(server, email)
    with server.session() as db:
        user = db.get(User, user_id)
        assert user is not None
        return [make_entry(db, user=user, start=_local(day, h, m), seconds=s, description=d).id
                for h, m, s, d in spans]


def _client(page: Page, server: WebServer) -> tuple[httpx.Client, str]:
    """An HTTP client with the browser's session cookie, and the CSRF token of its /timer page."""
    cookie = next(c["value"] for c in page.context.cookies() if c["name"] == "punchclock")
    client = httpx.Client(base_url=server.base, cookies={"punchclock": cookie})
    text = httpx.get(server.url("/timer"), cookies={"punchclock": cookie}).text
    token = re.search(r'name="csrf-token" content="([0-9a-f]{64})"', text)
    assert token is not None
    return client, token[1]


def test_add_a_past_entry_with_a_typed_duration(page: Page, server: WebServer) -> None:
    email = sign_up(page, server)
    _, ws = _user(server, email)
    with server.session() as db:
        make_project(db, workspace_id=ws, name="Zeus")
    page.goto(server.url("/timer"))
    page.keyboard.press("n")
    add = page.locator("#add-entry")
    expect(add.get_by_label("Description")).to_be_focused()
    add.get_by_label("Description").fill("Planning")
    add.get_by_label("Project").select_option(label="Zeus")
    add.get_by_label("Tags").fill("plan")
    add.get_by_label("Date").fill("2026-03-02")
    add.get_by_label("Start").fill("9:05 am")
    add.get_by_label("Duration").fill("1.5h")
    add.get_by_role("button", name="Add entry").click()
    expect(page.get_by_role("status")).to_have_text("Time entry added.")
    day = page.locator('section.day[data-day="2026-03-02"]')
    expect(day.locator('[data-show="description"]')).to_have_text("Planning")
    expect(day.locator('[data-show="range"]')).to_have_text("09:05 \u2013 10:35")
    expect(day.locator('[data-show="duration"]')).to_have_text("1:30:00")
    expect(day.locator('[data-show="tags"]')).to_have_text("plan")
    expect(day.locator("[data-day-total]")).to_have_text("1:30:00")
    expect(page.locator('[data-week-total="2026-03-02"]')).to_have_text("1:30:00")
    expect(day.get_by_role("heading")).to_have_text("Mon, 2026-03-02 Day total 1:30:00")


def test_edit_in_place_updates_the_row_and_the_totals(page: Page, server: WebServer) -> None:
    email = sign_up(page, server)
    day = date(2026, 3, 4)
    first, _ = _arrange(server, email, day, (9, 0, 5400, "Draft"), (14, 0, 2700, "Review"))
    _, ws = _user(server, email)
    with server.session() as db:
        project_id = make_project(db, workspace_id=ws, name="Athena",
                                  client_id=make_client(db, workspace_id=ws, name="Acme").id).id
    page.goto(server.url("/timer"))
    day_box = page.locator(f'section.day[data-day="{day}"]')
    expect(day_box.locator("[data-day-total]")).to_have_text("2:15:00")
    row = page.locator(f"#entry-{first}")
    row.get_by_text("Edit").click()
    row.get_by_label("Description").fill("Final draft")
    row.get_by_label("Description").press("Tab")
    expect(row.locator('[data-show="description"]')).to_have_text("Final draft")
    row.get_by_label("Duration").fill("2h")
    row.get_by_label("Duration").press("Tab")
    expect(row.locator('[data-show="range"]')).to_have_text("09:00 \u2013 11:00")
    expect(row.locator('[data-show="duration"]')).to_have_text("2:00:00")
    expect(day_box.locator("[data-day-total]")).to_have_text("2:45:00")
    expect(page.locator('[data-week-total="2026-03-02"]')).to_have_text("2:45:00")
    expect(row.get_by_label("Stop")).to_have_value("11:00")
    # A new start keeps the duration; a new stop recomputes it.
    row.get_by_label("Start").fill("8:30")
    row.get_by_label("Start").press("Tab")
    expect(row.locator('[data-show="range"]')).to_have_text("08:30 \u2013 10:30")
    row.get_by_label("Stop").fill("9:15")
    row.get_by_label("Stop").press("Tab")
    expect(row.locator('[data-show="duration"]')).to_have_text("0:45:00")
    expect(day_box.locator("[data-day-total]")).to_have_text("1:30:00")
    saved = _entry(server, first)
    assert (saved.description, saved.start, saved.duration) == ("Final draft", _local(day, 8, 30), 2700)
    check_a11y(page)
    shoot(page, server, "entries-edit")
    # Project, tags and billable save in place too; a new date moves the entry to its day.
    row.get_by_label("Project").select_option(label="Athena · Acme")
    expect(row.locator('[data-show="project"]')).to_have_text("Athena · Acme")
    row.get_by_label("Tags").fill("alpha, Beta")
    row.get_by_label("Tags").press("Tab")
    expect(row.locator('[data-show="tags"] .badge')).to_have_text(["alpha", "Beta"])
    row.get_by_label("Billable").check()
    expect(row.locator('[data-show="billable"]')).to_be_visible()
    row.get_by_label("Date").fill("2026-03-03")
    row.get_by_label("Date").blur()
    moved = page.locator('section.day[data-day="2026-03-03"]')
    expect(moved.locator('[data-show="range"]')).to_have_text("08:30 \u2013 09:15")
    expect(moved.locator("[data-day-total]")).to_have_text("0:45:00")
    expect(day_box.locator("[data-day-total]")).to_have_text("0:45:00")
    expect(page.locator('[data-week-total="2026-03-02"]')).to_have_text("1:30:00")
    saved = _entry(server, first)
    assert (saved.project_id, saved.billable, saved.start) == (project_id, True, _local(date(2026, 3, 3), 8, 30))


def _errors_of(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


@pytest.mark.parametrize("script", [True, False], ids=["script", "no-script"])
def test_a_stop_before_the_start_is_an_error_on_the_page(browser: Browser, server: WebServer, script: bool) -> None:
    """Own context: the script's failed save is a 400, which Chromium logs as a console error (the
    ``page`` fixture fails on any); every other console message must still be absent."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, timezone_id="Europe/Berlin",
                                  java_script_enabled=script)
    page = context.new_page()
    errors = _errors_of(page)
    email = sign_up(page, server)
    day = date(2026, 3, 4)
    [entry_id] = _arrange(server, email, day, (9, 0, 5400, "Draft"))
    page.goto(server.url("/timer"))
    row = page.locator(f"#entry-{entry_id}")
    row.get_by_text("Edit").click()
    row.get_by_label("Stop").fill("7:00")
    if script:
        row.get_by_label("Stop").press("Tab")
        expect(row.locator(".edit-status")).to_have_text("Stop time must be after start time")
    else:
        row.get_by_role("button", name="Save").click()
        expect(page.get_by_role("alert")).to_have_text("Stop time must be after start time")
    saved = _entry(server, entry_id)
    assert (saved.stop, saved.duration) == (_local(day, 10, 30), 5400)
    context.close()
    assert [e for e in errors if "status of 400" not in e] == []
    assert len(errors) == (1 if script else 0)


def test_edit_without_script_posts_the_form(page: Page, server: WebServer) -> None:
    email = sign_up(page, server)
    day = date(2026, 3, 5)
    [entry_id] = _arrange(server, email, day, (9, 0, 5400, "Plain"))
    client, token = _client(page, server)
    fields = {"csrf": token, "description": "Edited without script", "project_id": "", "tags": "a, b",
              "date": day.isoformat(), "start": "09:00", "stop": "10:30", "duration": "45m"}
    with client:
        answer = client.post(f"/entries/{entry_id}", data=fields, headers={"Referer": server.url("/timer")})
        assert answer.status_code == 303 and answer.headers["location"] == "/timer"
        saved = _entry(server, entry_id)
        assert (saved.description, saved.start, saved.stop, saved.duration) == (
            "Edited without script", _local(day, 9), _local(day, 9, 45), 2700)
        page_text = client.get("/timer").text
        assert "Time entry saved." in page_text and "09:00 \u2013 09:45" in page_text
        bad = client.post(f"/entries/{entry_id}", data={**fields, "duration": "0:45:00", "stop": "08:00"},
                          headers={"Referer": server.url("/timer")})
        assert bad.status_code == 303
        assert "Stop time must be after start time" in client.get("/timer").text
        assert _entry(server, entry_id).duration == 2700
        moved = client.post(f"/entries/{entry_id}", data={**fields, "duration": "0:45:00", "stop": "09:45",
                                                          "date": "2026-03-06"})
        assert moved.status_code == 303
        assert _entry(server, entry_id).start == _local(date(2026, 3, 6), 9)
        deleted = client.post(f"/entries/{entry_id}/delete", data={"csrf": token})
        assert (deleted.status_code, deleted.headers["location"]) == (303, f"/timer?deleted={entry_id}")
        notice = client.get(deleted.headers["location"]).text
        assert "Time entry deleted." in notice and f'action="/entries/{entry_id}/restore"' in notice
        assert f'id="entry-{entry_id}"' not in notice
        restored = client.post(f"/entries/{entry_id}/restore", data={"csrf": token})
        assert (restored.status_code, restored.headers["location"]) == (303, "/timer")
        assert f'id="entry-{entry_id}"' in client.get("/timer").text
        assert client.post(f"/entries/{entry_id}/restore", data={"csrf": token},
                           headers={"Accept": "application/json"}).status_code == 404  # not deleted now


def test_delete_then_undo_restores_the_entry(page: Page, server: WebServer) -> None:
    email = sign_up(page, server)
    _, ws = _user(server, email)
    day = date(2026, 3, 9)
    keep, gone = _arrange(server, email, day, (9, 0, 3600, "Keep me"), (11, 0, 1800, "Lose me"))
    with server.session() as db:
        tag = make_tag(db, workspace_id=ws, name="urgent")
        db.add(TimeEntryTag(time_entry_id=keep, tag_id=tag.id))
        db.commit()
    page.goto(server.url("/timer"))
    page.locator(f"#entry-{keep}").get_by_role("button", name="Delete").click()
    expect(page.get_by_role("status")).to_contain_text("Time entry deleted.")
    expect(page.locator(f"#entry-{keep}")).to_have_count(0)
    expect(page.locator(f'[data-day-total="{day}"]')).to_have_text("0:30:00")
    expect(page.get_by_role("button", name="Undo")).to_be_focused()
    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_role("status")).to_have_text("Time entry restored.")
    row = page.locator(f"#entry-{keep}")
    expect(row.locator('[data-show="description"]')).to_have_text("Keep me")
    expect(row.locator('[data-show="tags"]')).to_have_text("urgent")
    expect(page.locator(f'[data-day-total="{day}"]')).to_have_text("1:30:00")
    restored = _entry(server, keep)
    assert (restored.deleted_at, restored.start, restored.duration) == (None, _local(day, 9), 3600)
    # Deleting without undo leaves it gone.
    page.locator(f"#entry-{gone}").get_by_role("button", name="Delete").click()
    expect(page.get_by_role("status")).to_contain_text("Time entry deleted.")
    page.goto(server.url("/timer"))
    expect(page.locator(f"#entry-{gone}")).to_have_count(0)
    expect(page.locator(f'[data-day-total="{day}"]')).to_have_text("1:00:00")
    assert _entry(server, gone).deleted_at is not None


def test_days_follow_the_viewers_time_zone(page: Page, server: WebServer) -> None:
    email = sign_up(page, server)
    user_id, _ = _user(server, email)
    with server.session() as db:
        user = db.get(User, user_id)
        assert user is not None
        make_entry(db, user=user, start="2026-02-10T23:30:00Z", seconds=1800, description="Late")
    page.goto(server.url("/timer"))
    berlin = page.locator('section.day[data-day="2026-02-11"]')
    expect(berlin.locator('[data-show="range"]')).to_have_text("00:30 \u2013 01:00")
    expect(berlin.get_by_role("heading")).to_have_text("Wed, 2026-02-11 Day total 0:30:00")
    with server.session() as db:
        user = db.get(User, user_id)
        assert user is not None
        user.timezone = "America/New_York"
        db.commit()
    page.goto(server.url("/timer"))
    expect(page.locator('section.day[data-day="2026-02-11"]')).to_have_count(0)
    new_york = page.locator('section.day[data-day="2026-02-10"]')
    expect(new_york.locator('[data-show="range"]')).to_have_text("18:30 \u2013 19:00")
    expect(new_york.locator("[data-day-total]")).to_have_text("0:30:00")


def _week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())  # new users' weeks start on Monday


def test_paging_shows_two_weeks_at_a_time_with_exact_totals(page: Page, server: WebServer) -> None:
    email = sign_up(page, server)
    user_id, _ = _user(server, email)
    last = date(2026, 5, 27)  # a Wednesday
    with server.session() as db:
        user = db.get(User, user_id)
        assert user is not None
        for i in range(60):
            day = last - timedelta(days=i)
            make_entry(db, user=user, start=_local(day, 9), seconds=600 * (i % 5 + 1), description=f"Day {i}")
            if i % 7 == 0:
                make_entry(db, user=user, start=_local(day, 15), seconds=900, description=f"Extra {i}")
    first_page_start = _week_start(last) - timedelta(days=7)
    page.goto(server.url("/timer"))
    days = page.locator("section.day")
    expect(days).to_have_count((last - first_page_start).days + 1)
    expect(days.first).to_have_attribute("data-day", last.isoformat())
    expect(days.last).to_have_attribute("data-day", first_page_start.isoformat())
    expect(page.locator(f'[data-day-total="{last}"]')).to_have_text("0:25:00")  # i = 0: 10 min + extra 15
    expect(page.locator(f'[data-week-total="{_week_start(last)}"]')).to_have_text("1:15:00")  # i = 0, 1, 2
    more = page.get_by_role("link", name="Load older entries")
    expect(more).to_have_attribute("href", f"/timer?before={first_page_start}")
    more.click()
    expect(days).to_have_count((last - first_page_start).days + 1 + 14)
    older_day = first_page_start - timedelta(days=4)  # i = 13 + 4 = 17... computed below
    i = (last - older_day).days
    expected = 600 * (i % 5 + 1) + (900 if i % 7 == 0 else 0)
    expect(page.locator(f'[data-day-total="{older_day}"]')).to_have_text(
        f"0:{expected // 60:02d}:00" if expected < 3600 else f"1:{(expected - 3600) // 60:02d}:00")
    check_a11y(page)
    shoot(page, server, "entries-list")
    # Without the script the link is a page of its own; the oldest page has no link.
    page.goto(server.url(f"/timer?before={first_page_start - timedelta(days=14 * 3)}"))
    expect(page.get_by_role("link", name="Load older entries")).to_have_count(0)
    expect(page.locator("section.day").last).to_have_attribute("data-day", (last - timedelta(days=59)).isoformat())


def test_other_peoples_entries_are_not_found(page: Page, server: WebServer) -> None:
    owner = sign_up(page, server)
    [theirs] = _arrange(server, owner, date(2026, 3, 11), (9, 0, 3600, "Private"))
    page.context.clear_cookies()
    sign_up(page, server)
    client, token = _client(page, server)
    with client:
        as_json = {"Accept": "application/json"}
        for path in (f"/entries/{theirs}", f"/entries/{theirs}/delete", f"/entries/{theirs}/continue",
                     f"/entries/{theirs}/restore"):
            answer = client.post(path, data={"csrf": token, "description": "Mine now"}, headers=as_json)
            assert answer.status_code == 404, path
            assert answer.json() == {"error": "Time entry not found"}
        form = client.post(f"/entries/{theirs}", data={"csrf": token, "description": "Mine now"},
                           headers={"Referer": server.url("/timer")})
        assert form.status_code == 303
        assert "Time entry not found" in client.get("/timer").text
    saved = _entry(server, theirs)
    assert (saved.description, saved.deleted_at) == ("Private", None)
