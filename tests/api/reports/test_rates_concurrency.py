"""A rate change and an entry written at the same time: the entry ends with the new rate.

Each transaction's refresh would miss the other's uncommitted rows; domain/rates.py makes them
take turns per workspace (advisory locks on PostgreSQL, the database lock on SQLite).
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from punchclock.models import TimeEntry
from tests.api.reports.conftest import get_report
from tests.factories import at, make_project, make_user, make_workspace, token_auth


def test_rate_change_waits_for_an_entry_being_written(app: Any, client: TestClient, db: Session) -> None:
    admin = make_user(db)
    ws = make_workspace(db, admin=admin, default_currency="EUR")
    project = make_project(db, workspace_id=ws.id, name="Site", rate=Decimal("50"), billable=True)

    writer: Session = app.state.write_sessionmaker()
    start = at("2023-10-02T07:00:00Z")
    writer.add(TimeEntry(guid="g-1", workspace_id=ws.id, user_id=admin.id, project_id=project.id, billable=True,
                         start=start, stop=start + timedelta(hours=1), duration=3600, created_with="tests"))
    writer.flush()  # written (at 50/h) but not committed

    answers: list[int] = []
    change = threading.Thread(target=lambda: answers.append(client.put(
        f"/api/v8/projects/{project.id}", json={"project": {"rate": 80}}, headers=token_auth(admin)).status_code))
    change.start()
    time.sleep(0.5)
    assert change.is_alive()  # the rate change waits for the entry's transaction
    writer.commit()
    writer.close()
    change.join(timeout=30)
    assert answers == [200]

    body = get_report(client, "details", admin, workspace_id=ws.id, since="2023-10-02", until="2023-10-02").json()
    assert [(row["billable"], row["cur"]) for row in body["data"]] == [(80, "EUR")]
