"""Reports v3: projects (being written)."""

from __future__ import annotations

from punchclock.http.reports_v3 import common

router = common.make_router()
