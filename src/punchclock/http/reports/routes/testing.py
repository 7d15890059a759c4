"""``GET /error400`` and ``/error500``: fixed errors for client authors (50-reports §11); no auth."""

from __future__ import annotations

from fastapi import Response

from punchclock.http import wire
from punchclock.http.reports import common, errors

router = common.make_router()

WARNING = "This URL is intended only for testing"
TIP = "Use it to check how your client handles errors."


def _testing(status: int) -> Response:
    return wire.json_response(errors.error_body(status, WARNING, TIP), status_code=status,
                              headers={"Warning": WARNING})


# Test endpoints for client authors: left out of the OpenAPI schema (and so of the fuzz).
@router.get("/error400", summary="Always answers 400, for testing clients", include_in_schema=False)
async def error400() -> Response:
    return _testing(400)


@router.get("/error500", summary="Always answers 500, for testing clients", include_in_schema=False)
async def error500() -> Response:
    return _testing(500)
