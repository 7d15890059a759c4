"""What the catalog pages (projects, clients, tags, tasks, project members) share: their route class and
the readers of their form fields (money, currency, colour, estimates) into the services' types."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from fastapi import Request, Response

from punchclock.db.session import finish
from punchclock.domain import access
from punchclock.domain.colors import PALETTE, is_hex
from punchclock.domain.errors import Malformed, NotFound
from punchclock.domain.inputs import UNSET, Unset
from punchclock.http.routing import Handler
from punchclock.http.v9 import errors as v9_errors
from punchclock.http.web import formats, pages
from punchclock.http.web.common import SAFE_METHODS, Form, Viewer, WebRoute, wants_json
from punchclock.models import Workspace

STATUSES = ("active", "archived", "all")
#: ``status`` filter -> the services' ``active`` / ``archived`` argument (None: both).
ACTIVE = {"active": True, "archived": False, "all": None}


class CatalogRoute(WebRoute):
    """A form naming a project, client, tag, task or project user that is not in the viewer's reach (another
    workspace's, or deleted) answers the 404 page, as following a link to it would: no redirect-back."""

    def _unit_of_work(self, inner: Handler) -> Handler:
        async def found(request: Request) -> Response:
            try:
                return await inner(request)
            except NotFound as err:
                status, text = v9_errors.render(err)
                if request.method in SAFE_METHODS or wants_json(request) or status != 404:
                    raise
                finish(request, commit=False)
                return pages.render(request, "error.html", 404, status=404, message=text)

        return super()._unit_of_work(found)


def status_of(value: str) -> str:
    return value if value in STATUSES else "active"


def workspace(viewer: Viewer) -> Workspace:
    return access.load_workspace(viewer.db, viewer.actor, viewer.workspace_id)


def money(form: Form, name: str) -> Decimal | None:
    """A rate as typed (``75.50``, ``75,50``, ``1,234.50``); blank is None (no rate of its own)."""
    text = form.text(name).replace(" ", "")
    text = text.replace(",", "") if "." in text else text.replace(",", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise Malformed("invalid_param", name=name) from None
    if not value.is_finite():
        raise Malformed("invalid_param", name=name)
    return value


def currency(form: Form, name: str = "currency") -> str | None:
    return form.text(name).upper() or None


def whole(form: Form, name: str) -> int | None:
    """A whole number such as estimated hours; blank is None."""
    text = form.text(name)
    if not text:
        return None
    if not text.isdigit() or len(text) > 9:
        raise Malformed("invalid_param", name=name)
    return int(text)


def estimate(form: Form, name: str = "estimate") -> int:
    """A typed duration (``2h``, ``1:30``, ``90m``, ``45``) in seconds; blank is no estimate (0)."""
    text = form.text(name)
    if not text:
        return 0
    seconds = formats.parse_duration(text)
    if seconds is None:
        raise Malformed("invalid_param", name="estimate")
    return seconds


def color(form: Form) -> tuple[int | Unset, str | Unset]:
    """``(palette id, hex)``: a palette swatch, or ``custom`` with the colour input's ``#rrggbb``."""
    choice = form.text("color")
    if not choice:
        return UNSET, UNSET
    if choice == "custom":
        value = form.text("color_hex").lower()
        if not is_hex(value):
            raise Malformed("invalid_param", name="color")
        if value in PALETTE:
            return PALETTE.index(value), UNSET
        return UNSET, value
    if not choice.isdigit() or int(choice) >= len(PALETTE):
        raise Malformed("invalid_param", name="color")
    return int(choice), UNSET
