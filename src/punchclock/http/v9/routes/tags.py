"""API v9 tags."""

from __future__ import annotations

from fastapi import APIRouter

from punchclock.http.routing import V9Route

router = APIRouter(route_class=V9Route, tags=["v9 tags"])
