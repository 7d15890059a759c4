"""Reports v3 has a bucket family of its own (10- §8): its burst spent, it answers 429 with Retry-After and
a JSON string, while API v9 and Reports v2 still answer the same credential."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from punchclock.config import Settings
from tests.api.reports_v3.conftest import WEEK, post_report
from tests.factories import make_user, token_auth


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings(database_url=db_url, public_url="http://testserver", webhooks_dispatcher=False,
                    rate_limit=True, reports_v3_rate_per_second=0.1, reports_v3_burst=2)


def test_third_rapid_report_is_429_and_other_families_are_untouched(client: TestClient, db: Session) -> None:
    user = make_user(db)
    ws = user.default_workspace_id
    assert [post_report(client, ws, "search/time_entries/totals", user, WEEK).status_code for _ in range(2)] == [
        200, 200]
    limited = post_report(client, ws, "search/time_entries/totals", user, WEEK)
    assert (limited.status_code, limited.json(), limited.headers["retry-after"]) == (429, "Too Many Requests", "10")
    assert client.get("/api/v9/me", headers=token_auth(user)).status_code == 200
    v2 = client.get("/reports/api/v2/weekly", headers=token_auth(user),
                    params={"user_agent": "tests", "workspace_id": ws})
    assert v2.status_code == 200
