"""toggl-api-wrapper 2.2.0 (import name ``toggl_api``), served to the tests by rpc.py inside its own venv.

Redirection: every Reports v3 endpoint class builds its URLs from the class attribute
``toggl_api.reports.ReportEndpoint.BASE_ENDPOINT`` (``…/reports/api/v3/``, read in ``__init__`` for the
httpx ``base_url`` and again in ``_build_request`` for each URL); it is assigned the live server's URL
here, at run time, before any endpoint exists. No package file is touched. Bodies are the library's own
``ReportBody`` dataclass, formatted by its ``format`` (which always sends the five id lists, ``[]`` when
unset); paging goes through its ``PaginationOptions``/``PaginatedResult`` (``X-Next-ID`` and
``X-Next-Row-Number`` fed back as ``first_id``/``first_row_number``).
"""

from __future__ import annotations

import base64
import os
from typing import Any

import httpx
from toggl_api.reports import (  # type: ignore[import-not-found, unused-ignore]
    DetailedReportEndpoint,
    PaginationOptions,
    ReportBody,
    ReportEndpoint,
    SummaryReportEndpoint,
    WeeklyReportEndpoint,
)

ReportEndpoint.BASE_ENDPOINT = os.environ["PUNCHCLOCK_CLIENT_BASE"] + "/reports/api/v3/"
ENDPOINTS = {"summary": SummaryReportEndpoint, "detailed": DetailedReportEndpoint, "weekly": WeeklyReportEndpoint}


class ApiError(Exception):
    """The server's answer to a failed call: ``<status>: <body>`` (httpx's own message has no body)."""


def _endpoint(report: str, token: str, workspace_id: int, password: str = "api_token") -> Any:
    """``token`` with the password ``api_token``, or an e-mail with its password (both Basic forms)."""
    # re_raise: a 5xx fails the test at once instead of three retries with sleeps (a constructor keyword).
    return ENDPOINTS[report](workspace_id, httpx.BasicAuth(token, password), re_raise=True, timeout=60)


def _calling(fn: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, **kwargs)
    except httpx.HTTPStatusError as err:
        raise ApiError(f"{err.response.status_code}: {err.response.text}") from None


def summary(token: str, workspace_id: int, body: dict[str, Any], password: str = "api_token") -> Any:
    """``SummaryReportEndpoint.search_time_entries`` → ``POST summary/time_entries``."""
    return _calling(_endpoint("summary", token, workspace_id, password).search_time_entries, ReportBody(**body))


def project_summaries(token: str, workspace_id: int, start_date: str, end_date: str) -> Any:
    """``POST projects/summary``."""
    return _calling(_endpoint("summary", token, workspace_id).project_summaries, start_date, end_date)


def project_summary(token: str, workspace_id: int, project_id: int, start_date: str, end_date: str) -> Any:
    """``POST projects/{project_id}/summary``."""
    return _calling(_endpoint("summary", token, workspace_id).project_summary, project_id, start_date, end_date)


def detailed_pages(token: str, workspace_id: int, body: dict[str, Any], page_size: int,
                   hide_amounts: bool = False) -> list[dict[str, Any]]:
    """Every page of ``POST search/time_entries``, following the client's own ``next_options`` until the
    answer carries no ``X-Next-*`` headers: ``[{"rows", "next_id", "next_row"}, …]``."""
    endpoint = _endpoint("detailed", token, workspace_id)
    pagination, pages = PaginationOptions(page_size), []
    while len(pages) < 100:  # a server that never stops paging fails the test instead of hanging it
        page = _calling(endpoint.search_time_entries, ReportBody(**body), pagination, hide_amounts=hide_amounts)
        pages.append({"rows": page.result, "next_id": page.next_id, "next_row": page.next_row})
        if page.next_id is None or page.next_row is None:
            break
        pagination = page.next_options(page_size)
    return pages


def totals(token: str, workspace_id: int, body: dict[str, Any], granularity: str = "day",
           with_graph: bool = False) -> Any:
    """``DetailedReportEndpoint.totals_report`` → ``POST search/time_entries/totals``."""
    endpoint = _endpoint("detailed", token, workspace_id)
    return _calling(endpoint.totals_report, ReportBody(**body), granularity=granularity, with_graph=with_graph)


def weekly(token: str, workspace_id: int, body: dict[str, Any]) -> Any:
    """``POST weekly/time_entries``."""
    return _calling(_endpoint("weekly", token, workspace_id).search_time_entries, ReportBody(**body))


def export(token: str, workspace_id: int, report: str, extension: str, body: dict[str, Any],
           page_size: int | None = None, **options: Any) -> dict[str, Any]:
    """``<report>.export_report(body, extension, …)``: the bytes (base64) the client hands its caller, and
    for the detailed export the paging the client read from the answer (none expected, 60- §9);
    ``page_size``: the detailed export's ``PaginationOptions`` (the wrapper sends 50 by default)."""
    if page_size is not None:
        options["pagination"] = PaginationOptions(page_size)
    result = _calling(_endpoint(report, token, workspace_id).export_report, ReportBody(**body), extension, **options)
    if report == "detailed":
        return {"content": base64.b64encode(result.result).decode(), "next_id": result.next_id,
                "next_row": result.next_row}
    return {"content": base64.b64encode(result).decode()}
