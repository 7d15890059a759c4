"""Browser-test helpers: a live server in a thread, screenshots at two widths, the axe-core check.

Screenshots go to ``build/screenshots/<name>-<width>.png`` (SQLite runs only: the pages are the same on
PostgreSQL); the suite writes them on every run so a person can look at them after it.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import uvicorn
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from punchclock.domain.mail import Mail

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "build" / "screenshots"
WIDTHS = (1280, 390)
PASSWORD = "correct horse battery"
_axe = Axe()


class RecordingMail:
    """The server's mail sender in browser tests: keeps every mail for the test to read."""

    def __init__(self) -> None:
        self.sent: list[Mail] = []

    def send(self, mail: Mail) -> None:
        self.sent.append(mail)

    def last_to(self, address: str, timeout: float = 5.0) -> Mail:
        """The newest mail to ``address`` (mails go out after the response, from a background task)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for mail in reversed(self.sent):
                if mail.to.lower() == address.lower():
                    return mail
            time.sleep(0.05)
        raise AssertionError(f"no mail to {address}; sent: {[m.to for m in self.sent]}")

    def link_in(self, mail: Mail) -> str:
        match = re.search(r"https?://\S+", mail.text)
        assert match, mail.text
        return match[0]


@dataclass
class WebServer:
    base: str
    app: Any
    backend: str
    mail: RecordingMail
    server: uvicorn.Server
    thread: threading.Thread
    counter: list[int] = field(default_factory=lambda: [0])

    def url(self, path: str) -> str:
        return self.base + path

    def email(self, who: str = "user") -> str:
        """A new address for this server (tests in a module share its database)."""
        self.counter[0] += 1
        return f"{who}{self.counter[0]}@example.com"

    def session(self) -> Any:
        """A database session on the server's database, for arranging data (commit what you make)."""
        return self.app.state.sessionmaker()


def start(app: Any, port: int, backend: str, mail: RecordingMail) -> WebServer:
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    return WebServer(f"http://127.0.0.1:{port}", app, backend, mail, server, thread)


def shoot(page: Page, server: WebServer, name: str, *, full_page: bool = True) -> None:
    """Screenshots of the current page at 1280 and 390 px (SQLite runs only), then back to 1280."""
    if server.backend != "sqlite":
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=full_page)
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})


def check_a11y(page: Page) -> None:
    """axe-core on the current page: no violation of impact serious or critical."""
    result = _axe.run(page)
    bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
           for v in result.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, bad


def sign_up(page: Page, server: WebServer, email: str | None = None, *, fullname: str = "Ada Lovelace",
            timezone: str = "Europe/Berlin", password: str = PASSWORD) -> str:
    """Sign up through the page; the browser is then signed in on the timer. Returns the e-mail."""
    email = email or server.email()
    page.goto(server.url("/signup"))
    page.get_by_label("Full name").fill(fullname)
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_label("Time zone").fill(timezone)
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url(re.compile(r"/timer"))
    return email


def sign_in(page: Page, server: WebServer, email: str, password: str = PASSWORD) -> None:
    page.goto(server.url("/login"))
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/login"))


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/login"))
