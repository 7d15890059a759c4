"""The README's pictures: the demo data (``punchclock demo``) on the timer and the summary report.

The suite writes them to ``build/screenshots/readme-*.png`` on every SQLite run; the README's copies in
``docs/screenshots/`` are taken from there.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from punchclock import demo
from tests.web.browser import SCREENSHOTS, WebServer, check_a11y, sign_in


def test_the_demo_week_on_the_timer_and_in_the_summary(page: Page, server: WebServer) -> None:
    if server.backend != "sqlite":
        pytest.skip("pictures are taken on SQLite only (the pages are the same)")
    zone = "Europe/Berlin"
    with server.session() as db:
        user, _ = demo.ensure_user(db, demo.DEMO_EMAIL, demo.DEMO_PASSWORD, zone)
        filled = demo.fill(db, user, end=datetime.now(ZoneInfo(zone)).date(), days=14)
    assert filled.entries > 0
    sign_in(page, server, demo.DEMO_EMAIL, demo.DEMO_PASSWORD)
    page.goto(server.url("/timer"))
    page.get_by_label("What are you working on?").fill("Review the release notes")
    page.get_by_role("button", name="Start timer").click()
    expect(page.get_by_role("button", name="Stop timer")).to_be_visible()
    page.wait_for_timeout(1100)  # the clock has ticked once
    check_a11y(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "readme-timer.png"))
    page.goto(server.url("/reports/summary?range=last_week"))
    expect(page.get_by_role("heading", name="Summary report")).to_be_visible()
    check_a11y(page)
    page.screenshot(path=str(SCREENSHOTS / "readme-reports.png"))
