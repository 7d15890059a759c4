"""(filled by its area's work)."""

from fastapi import APIRouter

from punchclock.http.web.common import WebRoute

router = APIRouter(route_class=WebRoute, include_in_schema=False)
