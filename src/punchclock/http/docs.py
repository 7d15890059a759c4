"""``/docs`` (Swagger UI) and ``/redoc`` that work offline.

FastAPI's pages load their JS and CSS from a CDN: blank on a server without Internet access, and a
third party sees every visit. The assets ship in the ``fastapi-offline`` wheel and are served from
``/docs/static/``. The pages run no inline script (Swagger UI starts from ``/docs/swagger-init.js``),
so their Content-Security-Policy allows scripts from this origin only.
"""

from __future__ import annotations

from html import escape
from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

STATIC_PATH = "/docs/static"
INIT_PATH = "/docs/swagger-init.js"
ASSETS = Path(str(files("fastapi_offline") / "static"))

#: Same origin only. Styles inline: both UIs set style attributes (Redoc injects <style> elements);
#: ``blob:`` workers: Redoc's search index runs in one. ``data:`` images: Swagger UI's inline icons.
CSP = "; ".join([
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
])
HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
           "Cache-Control": "no-cache"}

SWAGGER_INIT = """\
window.addEventListener("load", function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    dom_id: "#swagger-ui",
    layout: "BaseLayout",
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset]
  });
});
"""

router = APIRouter(include_in_schema=False)


def _page(title: str, head: str, body: str) -> HTMLResponse:
    html = (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title>{head}</head><body>{body}</body></html>\n")
    return HTMLResponse(html, headers=HEADERS)


def _root(request: Request) -> str:
    """Prefix of every URL on the pages: same-origin paths that honour a proxy's ``root_path``."""
    return str(request.scope.get("root_path", "")).rstrip("/")


@router.get("/docs")
async def swagger_ui(request: Request) -> HTMLResponse:
    root = _root(request)
    static = escape(root + STATIC_PATH)
    head = (f'<link rel="icon" href="{static}/favicon.png">'
            f'<link rel="stylesheet" href="{static}/swagger-ui.css">')
    body = (f'<div id="swagger-ui" data-openapi-url="{escape(root + request.app.openapi_url)}"></div>'
            f'<script src="{static}/swagger-ui-bundle.js"></script>'
            f'<script src="{escape(root + INIT_PATH)}"></script>')
    return _page(f"{request.app.title} API - Swagger UI", head, body)


@router.get(INIT_PATH)
async def swagger_init() -> Response:
    return Response(SWAGGER_INIT, media_type="text/javascript; charset=utf-8",
                    headers={"Cache-Control": "public, max-age=3600"})


@router.get("/redoc")
async def redoc(request: Request) -> HTMLResponse:
    root = _root(request)
    static = escape(root + STATIC_PATH)
    body = (f'<redoc spec-url="{escape(root + request.app.openapi_url)}"></redoc>'
            f'<script src="{static}/redoc.standalone.js"></script>')
    return _page(f"{request.app.title} API - ReDoc", f'<link rel="icon" href="{static}/favicon.png">', body)


def install(app: FastAPI) -> None:
    """The two pages and their assets; call with ``docs_url=None, redoc_url=None`` on the app."""
    app.include_router(router)
    app.mount(STATIC_PATH, StaticFiles(directory=ASSETS), name="docs-static")
