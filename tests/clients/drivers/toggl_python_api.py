"""toggl_python 0.3.2, served to the tests by rpc.py inside the toggl_python venv.

Redirection: ``CurrentUser`` and ``Workspace`` take the documented ``base_url`` constructor argument;
``ReportTimeEntry`` has none, so its module constant ``REPORT_ROOT_URL`` (read when an instance is made) is
assigned the live server's URL. Every answer went through the library's own pydantic response models —
which fail on a missing key or a wrong type — and comes back as ``model_dump(mode="json")``.
"""

from __future__ import annotations

import os
from typing import Any

import toggl_python.entities.report_time_entry as report_module  # type: ignore[import-not-found, import-untyped, unused-ignore]
from pydantic import BaseModel
from toggl_python import CurrentUser, ReportTimeEntry, TokenAuth, Workspace  # type: ignore[import-not-found, import-untyped, unused-ignore]
from toggl_python.schemas.base import BulkEditOperation  # type: ignore[import-not-found, import-untyped, unused-ignore]

BASE = os.environ["PUNCHCLOCK_CLIENT_BASE"]
report_module.REPORT_ROOT_URL = BASE + "/reports/api/v3/workspace"


def _dump(result: Any) -> Any:
    if isinstance(result, BaseModel):
        return result.model_dump(mode="json")
    if isinstance(result, list):
        return [_dump(item) for item in result]
    return result


def _api(token: str, name: str) -> Any:
    auth = TokenAuth(token)
    if name == "me":
        return CurrentUser(auth=auth, base_url=BASE + "/api/v9")
    if name == "workspace":
        return Workspace(auth=auth, base_url=BASE + "/api/v9")
    return ReportTimeEntry(auth=auth)


def call(token: str, api: str, method: str, **kwargs: Any) -> Any:
    """``<api>.<method>(**kwargs)`` for api = "me" (CurrentUser), "workspace" or "report" (ReportTimeEntry)."""
    if "operations" in kwargs:  # bulk edits take the library's own operation objects
        kwargs["operations"] = [BulkEditOperation(**op) for op in kwargs["operations"]]
    return _dump(getattr(_api(token, api), method)(**kwargs))
