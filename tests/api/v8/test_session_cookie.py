"""The session cookie's exact shape (10-users-and-auth §6.1, §6.2; 00-conventions §5.3).

``POST /sessions`` (and an e-mail + password ``GET /me``) must answer with exactly one
``Set-Cookie: __Host-timer-session=<value>; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=86400``;
``DELETE /sessions`` with ``__Host-timer-session=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax``.
Each header is parsed attribute by attribute (a ``__Host-`` cookie must be Secure, Path=/ and have no
Domain) and compared as a whole against the contract's text.
"""

from __future__ import annotations

import re
from http.cookies import SimpleCookie

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy.orm import Session

from tests.factories import PASSWORD, basic, make_user, token_auth

NAME = "__Host-timer-session"
VALUE = re.compile(r"[A-Za-z0-9_-]{43}")  # 32 random bytes, base64url without padding


def only_cookie(r: Response) -> tuple[str, dict[str, str | bool]]:
    """The one Set-Cookie header of ``r``: (raw header, parsed attributes incl. name and value)."""
    headers = r.headers.get_list("set-cookie")
    assert len(headers) == 1, headers
    raw = headers[0]
    jar = SimpleCookie()
    jar.load(raw)
    assert list(jar) == [NAME], raw
    morsel = jar[NAME]
    attrs: dict[str, str | bool] = {"value": morsel.value}
    attrs.update({k: v for k, v in morsel.items() if v not in ("", False)})
    return raw, attrs


def assert_session_cookie(r: Response) -> str:
    raw, attrs = only_cookie(r)
    value = str(attrs["value"])
    assert VALUE.fullmatch(value), value
    assert attrs == {"value": value, "path": "/", "httponly": True, "secure": True, "samesite": "Lax",
                     "max-age": "86400"}
    assert raw == f"{NAME}={value}; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=86400"
    return value


class TestSetCookieOnLogin:
    def test_post_sessions_with_password(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = client.post("/api/v8/sessions", headers=basic(user.email, PASSWORD))
        assert r.status_code == 200
        value = assert_session_cookie(r)
        client.cookies.clear()
        me = client.get("/api/v8/me", headers={"Cookie": f"{NAME}={value}"})
        assert (me.status_code, me.json()["data"]["id"]) == (200, user.id)

    def test_post_sessions_with_token(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = client.post("/api/v8/sessions", headers=token_auth(user))
        assert r.status_code == 200
        assert_session_cookie(r)

    def test_two_logins_get_two_different_values(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        first = assert_session_cookie(client.post("/api/v8/sessions", headers=basic(user.email, PASSWORD)))
        client.cookies.clear()
        second = assert_session_cookie(client.post("/api/v8/sessions", headers=basic(user.email, PASSWORD)))
        assert first != second

    def test_get_me_with_password(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = client.get("/api/v8/me", headers=basic(user.email, PASSWORD))
        assert r.status_code == 200
        assert_session_cookie(r)


class TestClearCookieOnLogout:
    def test_delete_sessions_clears_the_cookie_exactly(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        value = assert_session_cookie(client.post("/api/v8/sessions", headers=basic(user.email, PASSWORD)))
        client.cookies.clear()

        r = client.delete("/api/v8/sessions", headers={"Cookie": f"{NAME}={value}"})

        assert (r.status_code, r.json()) == (200, None)
        raw, attrs = only_cookie(r)
        assert attrs == {"value": "", "path": "/", "max-age": "0", "httponly": True, "secure": True,
                         "samesite": "Lax"}
        assert raw == f"{NAME}=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax"
        client.cookies.clear()
        assert client.get("/api/v8/me", headers={"Cookie": f"{NAME}={value}"}).status_code == 403
