"""``image_url`` points at an avatar this server serves: initials on a colour, all carried by the URL (item 7)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import make_user, token_auth


def _image_url(client: TestClient, headers: dict[str, str]) -> str:
    r = client.get("/api/v8/me", headers=headers)
    assert r.status_code == 200
    return r.json()["data"]["image_url"]  # type: ignore[no-any-return]


def test_me_image_url_is_served_with_the_initials(client: TestClient, db: Session) -> None:
    user = make_user(db, fullname="Ada Lovelace")
    assert user.id == 1
    url = _image_url(client, token_auth(user))
    assert url == "http://testserver/avatars/AL-47.svg"  # hue = id * 47 degrees mod 360
    r = client.get(url)  # no credentials: <img> elements send none
    assert r.status_code == 200
    assert r.headers["content-type"] == "image/svg+xml"
    # hsl(47°, 55%, 40%) by hand: C = 0.44, X = 0.3447, m = 0.18 -> (158, 134, 46)
    assert r.text == (
        '<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128" viewBox="0 0 128 128" role="img">'
        '<rect width="128" height="128" fill="#9e862e"/>'
        '<text x="64" y="64" dy=".35em" text-anchor="middle" fill="#ffffff" '
        'font-family="Helvetica, Arial, sans-serif" font-size="52" font-weight="600">AL</text></svg>\n'
    )
    assert r.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert r.headers["content-security-policy"] == "default-src 'none'; style-src 'unsafe-inline'"


def test_urls_follow_the_name_and_the_id(client: TestClient, db: Session) -> None:
    first = make_user(db, fullname="Ada")
    second = make_user(db, fullname="Grace Brewster Murray Hopper")
    third = make_user(db, fullname="<script>alert(1)</script> ßtraße", email="x@example.org")
    fourth = make_user(db, fullname="  ", email="mara@example.org")
    assert [u.id for u in (first, second, third, fourth)] == [1, 2, 3, 4]
    assert _image_url(client, token_auth(first)) == "http://testserver/avatars/A-47.svg"
    r = client.get(f"/api/v8/workspaces/{second.default_workspace_id}/users", headers=token_auth(second))
    assert [m["image_url"] for m in r.json()] == ["http://testserver/avatars/GH-94.svg"]
    assert _image_url(client, token_auth(third)) == "http://testserver/avatars/SS-141.svg"  # "<script>" skipped
    assert _image_url(client, token_auth(fourth)) == "http://testserver/avatars/M-188.svg"
    assert ">GH</text>" in client.get("/avatars/GH-94.svg").text
    assert 'fill="#2e8f9e"' in client.get("/avatars/M-188.svg").text


def test_anything_else_under_avatars_is_404(client: TestClient) -> None:
    for path in ("/avatars/1.svg", "/avatars/AL-360.svg", "/avatars/ABC-1.svg", "/avatars/A_-1.svg",
                 "/avatars/%3Cb%3E-1.svg", "/avatars/AL-1.png", "/avatars/-1.svg"):
        r = client.get(path)
        assert (r.status_code, r.json()) == (404, ["Not found"]), path
