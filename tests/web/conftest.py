"""Browser tests: one live server per module and database (SQLite, PostgreSQL), one Chromium per module.

Every page a test opens is checked for console errors when the test ends: a CSP violation (an inline
script or style that slipped in) is a console error.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, sync_playwright

from punchclock.app import create_app
from punchclock.config import Settings
from punchclock.db.migrate import upgrade
from tests.conftest import BACKENDS, scratch_pg_database
from tests.live_server import free_port
from tests.web.browser import RecordingMail, WebServer, start

CHROMIUM = "/usr/bin/chromium"


# Module scope, not session: Playwright's sync API keeps an asyncio loop running in this thread while it
# is open, and later tests outside tests/web (asyncio.run in the webhook tests) must not inherit it.
@pytest.fixture(scope="module")
def playwright_() -> Iterator[Playwright]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `apt-get install -y chromium` (.ci/run does)")
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright_: Playwright) -> Iterator[Browser]:
    b = playwright_.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
    yield b
    b.close()


def _module_database(backend: str, tmp: Path) -> Iterator[str]:
    if backend == "sqlite":
        template = tmp / "template.db"
        upgrade(f"sqlite:///{template}")
        path = tmp / "web.db"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        return
    with scratch_pg_database("punchclock_web") as url:
        yield url


@pytest.fixture(scope="module", params=BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebServer]:
    """A live server for the module's tests on a database of its own (tests make their own users)."""
    databases = _module_database(request.param, tmp_path_factory.mktemp("web"))
    url = next(databases)
    port = free_port()
    settings = Settings(database_url=url, rate_limit=False, public_url=f"http://127.0.0.1:{port}",
                        webhooks_dispatcher=False, login_throttle=False, access_log=False)
    app = create_app(settings)
    mail = RecordingMail()
    app.state.mail_sender = mail
    live = start(app, port, request.param, mail)
    yield live
    live.server.should_exit = True
    live.thread.join(timeout=10)
    app.state.engine.dispose()
    next(databases, None)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context (no cookies) at 1280 px; console errors fail the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US",
                                  timezone_id="Europe/Berlin", accept_downloads=True)
    p = context.new_page()
    errors: list[str] = []
    p.on("console", lambda msg: _console(msg, errors))
    p.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    yield p
    context.close()
    assert not errors, errors


def _console(message: ConsoleMessage, errors: list[str]) -> None:
    if message.type != "error":
        return
    # A page answered 4xx on purpose (a refused form shown again, a 404 page) is logged as a failed load.
    page = message.page
    if (message.text.startswith("Failed to load resource: the server responded with a status of 4")
            and page is not None and message.location.get("url") == page.url):
        return
    errors.append(message.text)
