"""Reports v3: exports (being written)."""

from __future__ import annotations

from punchclock.http.reports_v3 import common

router = common.make_router()
