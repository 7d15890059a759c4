"""``GET /avatars/{initials}-{hue}.svg``: the ``image_url`` of every user object, generated, never uploaded.

The URL carries everything the picture shows (the user's initials and a hue chosen from the user
id, so that it stays put when the name changes): serving it reads no database, needs no
credentials (clients show it in ``<img>`` elements, which send none), and tells nobody anything the
URL did not already say — ids cannot be walked to collect names. The answer never changes, so it is
cacheable for good, and its own Content-Security-Policy keeps an SVG opened directly from running
anything.
"""

from __future__ import annotations

import colorsys
import re
from html import escape
from urllib.parse import quote

from fastapi import APIRouter, Response

from punchclock.domain.errors import NotFound
from punchclock.http.routing import TransactionRoute

router = APIRouter(route_class=TransactionRoute, tags=["users"])

PATH = "/avatars/{name}.svg"
#: One or two letters (any script), a hyphen, a hue in degrees.
_NAME = re.compile(r"(\w{1,2})-([0-9]{1,3})")
HEADERS = {
    "Cache-Control": "public, max-age=31536000, immutable",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
    "X-Content-Type-Options": "nosniff",
}


def initials(fullname: str | None, email: str) -> str:
    """First letters of the first and last word of the name; the e-mail's first letter without one."""
    words = [w for w in (fullname or "").split() if w[0].isalnum()] or [w for w in [email] if w[:1].isalnum()]
    if not words:
        return "U"  # for "user": nothing in the name or e-mail starts with a letter or digit
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return letters.upper()[:2]  # "ß".upper() is "SS"


def hue(user_id: int) -> int:
    """Neighbouring ids get far-apart hues: 47° is about a seventh of the colour wheel."""
    return user_id * 47 % 360


def path_for(fullname: str | None, email: str, user_id: int) -> str:
    return f"/avatars/{quote(initials(fullname, email))}-{hue(user_id)}.svg"


def color(degrees: int) -> str:
    """A mid-dark colour of that hue: white text stays readable on every one of them."""
    r, g, b = colorsys.hls_to_rgb(degrees / 360, 0.40, 0.55)
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


def svg(text: str, background: str) -> str:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128" viewBox="0 0 128 128" role="img">'
        f'<rect width="128" height="128" fill="{background}"/>'
        '<text x="64" y="64" dy=".35em" text-anchor="middle" fill="#ffffff" '
        'font-family="Helvetica, Arial, sans-serif" font-size="52" font-weight="600">'
        f"{escape(text)}</text></svg>\n"
    )


@router.get(PATH, summary="An avatar: initials on a coloured square (SVG)",
            responses={200: {"content": {"image/svg+xml": {"schema": {"type": "string"}}}}},
            response_class=Response)
async def avatar(name: str) -> Response:
    match = _NAME.fullmatch(name)
    if match is None or int(match[2]) >= 360 or "_" in match[1]:
        raise NotFound("not_found_route")
    return Response(svg(match[1], color(int(match[2]))), media_type="image/svg+xml", headers=HEADERS)
