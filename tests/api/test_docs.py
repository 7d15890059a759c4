"""``/docs`` and ``/redoc`` work offline: every asset is same-origin and served; a strict CSP."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from punchclock.app import create_app
from punchclock.config import Settings

ASSET = re.compile(r'<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]*)"')


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    path = tmp_path_factory.mktemp("docs") / "db.sqlite"
    app = create_app(Settings(database_url=f"sqlite:///{path}", rate_limit=False))
    with TestClient(app) as c:
        yield c
    app.state.engine.dispose()


@pytest.mark.parametrize(("page", "assets"), [
    ("/docs", {"/docs/static/favicon.png", "/docs/static/swagger-ui.css", "/docs/static/swagger-ui-bundle.js",
               "/docs/swagger-init.js"}),
    ("/redoc", {"/docs/static/favicon.png", "/docs/static/redoc.standalone.js"}),
])
def test_page_and_assets_are_served_locally(client: TestClient, page: str, assets: set[str]) -> None:
    r = client.get(page)
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    found = set(ASSET.findall(r.text))
    assert found == assets
    for url in found:
        assert url.startswith("/") and not url.startswith("//")  # same origin
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert len(asset.content) > 300, url
    assert "http://" not in r.text and "https://" not in r.text


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_strict_content_security_policy(client: TestClient, page: str) -> None:
    csp = client.get(page).headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'"  # no inline script, no eval, no CDN
    assert directives["frame-ancestors"] == "'none'"
    assert "http" not in csp and "*" not in csp
    assert "<script>" not in client.get(page).text  # every script has a src


def test_swagger_ui_loads_this_servers_openapi(client: TestClient) -> None:
    page = client.get("/docs").text
    assert 'data-openapi-url="/openapi.json"' in page
    init = client.get("/docs/swagger-init.js")
    assert init.headers["content-type"].startswith("text/javascript")
    assert "SwaggerUIBundle" in init.text and "openapiUrl" in init.text
    assert 'spec-url="/openapi.json"' in client.get("/redoc").text


def test_pages_honour_root_path(tmp_path_factory: pytest.TempPathFactory) -> None:
    path = tmp_path_factory.mktemp("docs-root") / "db.sqlite"
    app = create_app(Settings(database_url=f"sqlite:///{path}", rate_limit=False))
    with TestClient(app, root_path="/timer") as c:
        page = c.get("/docs").text
    app.state.engine.dispose()
    assert 'src="/timer/docs/static/swagger-ui-bundle.js"' in page
    assert 'data-openapi-url="/timer/openapi.json"' in page
