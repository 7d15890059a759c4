from __future__ import annotations

from fastapi import APIRouter

from punchclock.http.routing import V8Route

router = APIRouter(route_class=V8Route, tags=["workspaces"])
