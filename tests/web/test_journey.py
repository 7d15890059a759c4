"""One small team's day through the browser only: every area of the app, in the order a team meets them.

The admin signs up, makes a project, invites a member; the member accepts from the mail, tracks time on
the project with the page's own forms; the admin sees that time in the summary report, equal to the
Reports API's answer; then changes their own time zone on the profile page and sees their day move.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from punchclock.models import User
from tests.factories import make_entry
from tests.web.browser import PASSWORD, WebServer, sign_up


@pytest.fixture
def second(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 390, "height": 900}, locale="en-US",
                                  timezone_id="Europe/Berlin")
    yield context.new_page()
    context.close()


def _user(server: WebServer, email: str) -> User:
    with server.session() as db:
        user = db.scalars(select(User).where(User.email == email)).one()
        db.expunge(user)
        return user


def test_a_team_sets_up_tracks_and_reports(page: Page, second: Page, server: WebServer) -> None:
    admin_email = sign_up(page, server, fullname="Mara Admin")
    admin = _user(server, admin_email)
    page.goto(server.url("/projects"))
    page.get_by_label("Name", exact=True).fill("Apollo")
    page.get_by_label("Private").uncheck()  # public: the new member tracks time on it without being added
    page.get_by_role("button", name="Create project").click()
    expect(page.get_by_role("status")).to_contain_text("Apollo")

    member_email = server.email("member")
    page.goto(server.url("/team"))
    page.get_by_label("E-mail addresses").fill(member_email)
    page.get_by_role("button", name="Send invitations").click()
    expect(page.get_by_role("status")).to_have_text(f"Invitation sent to {member_email}.")

    second.goto(server.mail.link_in(server.mail.last_to(member_email)))
    second.get_by_label("Full name").fill("Milo Member")
    second.get_by_label("Password (at least 6 characters)").fill(PASSWORD)
    second.get_by_role("button", name="Create account and join").click()
    expect(second).to_have_url(server.url("/timer"))
    today = datetime.now(ZoneInfo("Europe/Berlin")).date()
    add = second.locator("#add-entry")
    add.locator("summary").click()
    add.get_by_label("Description").fill("Launch checklist")
    add.get_by_label("Project").select_option(label="Apollo")
    add.get_by_label("Date").fill(today.isoformat())
    add.get_by_label("Start").fill("0:10")
    add.get_by_label("Duration").fill("1h 15m")
    add.get_by_role("button", name="Add entry").click()
    expect(second.locator(f'section.day[data-day="{today.isoformat()}"] [data-day-total]')).to_have_text("1:15:00")

    page.goto(server.url("/reports/summary?range=this_week"))
    expect(page.get_by_role("row", name="Apollo 1:15:00", exact=True)).to_be_visible()  # the group row
    expect(page.get_by_role("row", name="Apollo 1:15:00 100.0%")).to_be_visible()  # the share legend
    api = httpx.get(server.url("/reports/api/v2/summary"), auth=(admin.api_token, "api_token"), params={
        "workspace_id": admin.default_workspace_id, "user_agent": "journey",
        "since": (today - timedelta(days=today.weekday())).isoformat(), "until": today.isoformat()}).json()
    assert api["total_grand"] == 4500 * 1000
    assert [row["title"]["project"] for row in api["data"]] == ["Apollo"]


def test_changing_the_zone_on_the_profile_moves_the_day(page: Page, server: WebServer) -> None:
    email = sign_up(page, server, timezone="Europe/Berlin")
    user = _user(server, email)
    with server.session() as db:
        make_entry(db, user=db.get(User, user.id), start="2026-02-10T23:30:00Z", seconds=1800, description="Late")
    page.goto(server.url("/timer?before=2026-02-20"))
    expect(page.locator('section.day[data-day="2026-02-11"] [data-day-total]')).to_have_text("0:30:00")
    page.goto(server.url("/settings/profile"))
    page.get_by_label("Time zone").fill("America/New_York")
    page.get_by_role("button", name="Save profile").click()
    expect(page.locator(".flash")).to_have_text("Your profile is saved.")
    page.goto(server.url("/timer?before=2026-02-20"))
    expect(page.locator('section.day[data-day="2026-02-11"]')).to_have_count(0)
    moved = page.locator('section.day[data-day="2026-02-10"]')
    expect(moved.locator('[data-show="range"]')).to_have_text("18:30 \u2013 19:00")
    expect(moved.locator("[data-day-total]")).to_have_text("0:30:00")
