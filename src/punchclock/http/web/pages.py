"""Rendering pages: one Jinja2 environment (autoescaped, strict about undefined names) and the headers
every web answer carries.

The Content-Security-Policy allows scripts, styles, images and fetches from this origin only: no inline
script, no inline style, no event-handler attributes. Colours that vary per row (projects) are SVG
``fill`` attributes, which the policy does not govern.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from punchclock import __version__
from punchclock.http.web import csrf, formats
from punchclock.http.web import session as web_session

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}

env = Environment(
    loader=PackageLoader("punchclock.http.web", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
env.filters.update(
    duration=formats.show_duration, money=formats.show_money, date=formats.show_date, time=formats.show_time,
)
env.globals["version"] = __version__


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """``template`` with ``context`` plus what every page needs: the viewer (or None), CSRF token, flash."""
    response = HTMLResponse("", status_code=status_code, headers=SECURITY_HEADERS)
    viewer = context.pop("viewer", None) or getattr(request.state, "viewer", None)
    secret = web_session.session_secret(request) if viewer is not None else None
    if secret is None:
        secret = web_session.ensure_pre_session(request, response)
    flash = web_session.take_flash(request, response)
    page = env.get_template(template).render(
        request=request, viewer=viewer, csrf_token=csrf.token_for(secret), csrf_field=csrf.FIELD,
        flash=flash, path=request.url.path, **context,
    )
    response.body = page.encode()
    response.headers["content-length"] = str(len(response.body))
    return response
