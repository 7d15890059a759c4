"""Every page at a 360 px phone width and on a desktop: nothing wider than the screen, and axe-core clean.

The pages hold two weeks of the demo data (``punchclock demo``), so tables, charts and lists are full.
Wide tables may scroll inside their own box (the weekly report), never the page itself.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page
from sqlalchemy import select

from punchclock import demo
from punchclock.models import Client, Group, Project, Tag
from tests.web.browser import WebServer, check_a11y, sign_in

SIGNED_OUT = ["/login", "/signup", "/password/forgot", "/password/forgot/sent", "/password/reset/not-a-link",
              "/no-such-page"]
SIGNED_IN = ["/timer", "/projects", "/projects?status=archived", "/projects/{project}", "/projects/{project}/delete",
             "/clients", "/clients/{client}", "/tags", "/tags/{tag}", "/team", "/team/groups", "/team/groups/{group}",
             "/reports/summary", "/reports/detailed", "/reports/weekly", "/reports/summary?range=this_year",
             "/settings/profile", "/settings/workspace", "/settings/import", "/settings/export", "/no-such-page"]


def _overflow(page: Page) -> int:
    """How many pixels the page is wider than the window (0: no sideways scrolling)."""
    width: int = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    return width


def _visit(page: Page, server: WebServer, paths: list[str]) -> dict[str, int]:
    too_wide = {}
    for path in paths:
        page.goto(server.url(path))
        for width in (360, 1280):
            page.set_viewport_size({"width": width, "height": 800})
            if _overflow(page) > 0:
                too_wide[f"{path} at {width}"] = _overflow(page)
            check_a11y(page)
    return too_wide


def test_signed_out_pages_fit_a_phone_and_pass_axe(page: Page, server: WebServer) -> None:
    assert _visit(page, server, SIGNED_OUT) == {}


def test_signed_in_pages_fit_a_phone_and_pass_axe(page: Page, server: WebServer) -> None:
    zone = "Europe/Berlin"
    with server.session() as db:
        user, _ = demo.ensure_user(db, server.email("demo"), demo.DEMO_PASSWORD, zone)
        demo.fill(db, user, end=datetime.now(ZoneInfo(zone)).date(), days=14)
        wid = user.default_workspace_id
        ids = {"project": db.scalar(select(Project.id).where(Project.workspace_id == wid).limit(1)),
               "client": db.scalar(select(Client.id).where(Client.workspace_id == wid).limit(1)),
               "tag": db.scalar(select(Tag.id).where(Tag.workspace_id == wid).limit(1))}
        email = user.email
        db.add(Group(workspace_id=wid, name="Design", name_key="design"))
        db.commit()
        ids["group"] = db.scalar(select(Group.id).where(Group.workspace_id == wid))
    if None in ids.values():
        pytest.fail(f"the demo data lacks something: {ids}")
    sign_in(page, server, email, demo.DEMO_PASSWORD)
    assert _visit(page, server, [path.format(**ids) for path in SIGNED_IN]) == {}
