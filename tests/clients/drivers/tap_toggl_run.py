"""Runs tap-toggl 2.1.0's own ``main()`` against a live server: ``python tap_toggl_run.py <base> <tap args…>``.

Redirection, at run time only: ``tap_toggl.toggl.BASE_URL`` (the constant of every API v9 call) is assigned
``<base>/api``. The tap's one other URL, the Reports v2 ``details`` call, is a string literal inside
``Toggl.time_entries`` with Toggl's host written in; no constant or option reaches it, so this wrapper
rewrites that one origin (``https://api.track.toggl.com/reports/api/v2/``) to ``<base>`` in
``requests.api.request``, leaving the tap's path, query, auth and retry logic as they are.
"""

from __future__ import annotations

import sys
from typing import Any

import requests.api
import tap_toggl  # type: ignore[import-not-found, import-untyped, unused-ignore]
import tap_toggl.toggl  # type: ignore[import-not-found, import-untyped, unused-ignore]

TOGGL_REPORTS = "https://api.track.toggl.com/reports/api/v2/"


def main() -> None:
    base = sys.argv.pop(1)
    tap_toggl.toggl.BASE_URL = base + "/api"
    original = requests.api.request

    def request(method: str, url: str, **kwargs: Any) -> Any:
        if url.startswith(TOGGL_REPORTS):
            url = base + "/reports/api/v2/" + url[len(TOGGL_REPORTS):]
        return original(method, url, **kwargs)

    requests.api.request = request  # type: ignore[assignment]
    tap_toggl.main()


if __name__ == "__main__":
    main()
