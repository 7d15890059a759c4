"""The account pages over plain HTTP: cookies behind TLS, throttled logins, redirects that stay on the site."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from punchclock.app import create_app
from punchclock.config import Settings
from tests.factories import PASSWORD, make_user, make_workspace
from tests.live_server import live_server

pytestmark = pytest.mark.filterwarnings("ignore")


def _client(settings: Settings, base_url: str = "http://testserver") -> Iterator[TestClient]:
    app = create_app(settings)
    with TestClient(app, base_url=base_url) as c:
        yield c
    app.state.engine.dispose()


@pytest.fixture
def web(settings: Settings) -> Iterator[TestClient]:
    yield from _client(settings)


def _token(c: TestClient, path: str = "/login") -> str:
    match = re.search(r'name="csrf" value="([0-9a-f]{64})"', c.get(path).text)
    assert match, path
    return match[1]


def _arrange_user(c: TestClient, email: str = "ann@example.com") -> None:
    db = c.app.state.sessionmaker()  # type: ignore[attr-defined]
    user = make_user(db, email=email)
    make_workspace(db, admin=user)
    db.close()


def test_over_https_the_cookies_are_secure_and_host_only(settings: Settings) -> None:
    for c in _client(settings, "https://testserver"):
        _arrange_user(c)
        answer = c.post("/login", data={"csrf": _token(c), "email": "ann@example.com", "password": PASSWORD},
                        follow_redirects=False)
        assert answer.status_code == 303
        cookie = next(v for v in answer.headers.get_list("set-cookie") if v.startswith("__Host-punchclock="))
        assert "; Secure" in cookie and "; HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
        assert "Domain" not in cookie


def test_over_plain_http_the_cookie_is_not_secure(web: TestClient) -> None:
    _arrange_user(web)
    answer = web.post("/login", data={"csrf": _token(web), "email": "ann@example.com", "password": PASSWORD},
                      follow_redirects=False)
    cookie = next(v for v in answer.headers.get_list("set-cookie") if v.startswith("punchclock="))
    assert "Secure" not in cookie and "HttpOnly" in cookie


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:x"])
def test_next_never_leaves_the_site(web: TestClient, target: str) -> None:
    _arrange_user(web)
    answer = web.post("/login", data={"csrf": _token(web), "email": "ann@example.com", "password": PASSWORD,
                                      "next": target}, follow_redirects=False)
    assert answer.headers["location"] == "/timer"


def test_next_keeps_a_path_on_the_site(web: TestClient) -> None:
    _arrange_user(web)
    answer = web.post("/login", data={"csrf": _token(web), "email": "ann@example.com", "password": PASSWORD,
                                      "next": "/reports/summary?range=this_week"}, follow_redirects=False)
    assert answer.headers["location"] == "/reports/summary?range=this_week"


def test_failed_logins_are_throttled_on_the_page(db_url: str) -> None:
    settings = Settings(database_url=db_url, rate_limit=False, webhooks_dispatcher=False, login_failures=3)
    for c in _client(settings):
        _arrange_user(c)
        token = _token(c)
        codes = [c.post("/login", data={"csrf": token, "email": "ann@example.com", "password": "wrong"}).status_code
                 for _ in range(4)]
        assert codes == [403, 403, 403, 429]
        throttled = c.post("/login", data={"csrf": token, "email": "ann@example.com", "password": PASSWORD})
        assert throttled.status_code == 429
        assert "Too Many Requests" in throttled.text


def test_a_login_form_without_its_token_is_refused(web: TestClient) -> None:
    _arrange_user(web)
    answer = web.post("/login", data={"email": "ann@example.com", "password": PASSWORD}, follow_redirects=False)
    assert answer.status_code == 403
    assert "This form has expired" in answer.text
    assert not any(v.startswith("punchclock=") for v in answer.headers.get_list("set-cookie"))


def test_sign_up_can_be_turned_off(db_url: str) -> None:
    settings = Settings(database_url=db_url, rate_limit=False, webhooks_dispatcher=False, signup_enabled=False)
    for c in _client(settings):
        assert c.get("/signup").status_code == 403
        assert "Create an account" not in c.get("/login").text


def test_sign_up_makes_a_user_with_a_workspace_and_the_zone_given(web: TestClient) -> None:
    answer = web.post("/signup", data={"csrf": _token(web, "/signup"), "email": "Bo@Example.com", "password": "secret1",
                                       "fullname": "Bo", "timezone": "Asia/Tokyo"}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/timer"
    me = web.get("/api/v9/me", auth=("bo@example.com", "secret1")).json()
    assert (me["fullname"], me["timezone"], me["email"]) == ("Bo", "Asia/Tokyo", "Bo@Example.com")
    assert me["default_workspace_id"] is not None


def test_a_signed_in_browsers_unknown_page_keeps_the_menu(web: TestClient) -> None:
    _arrange_user(web)
    web.post("/login", data={"csrf": _token(web), "email": "ann@example.com", "password": PASSWORD})
    answer = web.get("/no/such/page")
    assert answer.status_code == 404
    assert 'action="/logout"' in answer.text


def test_behind_a_tls_proxy_punchclock_serve_sets_the_secure_cookie(sqlite_template: Path, tmp_path: Path) -> None:
    """A real `punchclock serve`: a proxy on 127.0.0.1 that says ``X-Forwarded-Proto: https`` gets ``Secure``."""
    path = tmp_path / "proxy.db"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    engine = create_engine(url)
    with Session(engine) as db:
        make_workspace(db, admin=make_user(db, email="ann@example.com"))
    engine.dispose()
    with live_server(url, tmp_path / "server.log") as server, httpx.Client(base_url=server.base) as c:
        https = {"X-Forwarded-Proto": "https"}
        page = c.get("/login", headers=https)
        assert "__Host-punchclock-pre" in page.headers["set-cookie"] and "Secure" in page.headers["set-cookie"]
        token = re.search(r'name="csrf" value="([0-9a-f]{64})"', page.text)
        assert token is not None
        # httpx keeps a Secure cookie away from http://; the proxy would have passed the browser's on.
        pre = page.cookies["__Host-punchclock-pre"]
        c.cookies.clear()
        answer = c.post("/login", headers={**https, "Origin": "https://" + server.base.split("://")[1],
                                           "Cookie": f"__Host-punchclock-pre={pre}"},
                        data={"csrf": token[1], "email": "ann@example.com", "password": PASSWORD})
        assert answer.status_code == 303, answer.text
        cookie = next(v for v in answer.headers.get_list("set-cookie") if v.startswith("__Host-punchclock="))
        assert "Secure" in cookie and "HttpOnly" in cookie
