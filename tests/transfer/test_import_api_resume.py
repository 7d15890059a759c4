"""``punchclock import toggl-api`` under pressure: a rate-limited source, a source that dies mid-pull (resume),
and the HTTP client's waits (429 Retry-After, Toggl's 402 quota, outages) with a scripted transport."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

import tests.live_server
from punchclock.cli.import_api import RESUME
from punchclock.models import TimeEntry, User
from punchclock.transfer.pull import ApiClient, Interrupted, PullError
from tests.factories import make_user
from tests.live_server import LiveServer, free_port, live_server, start_server
from tests.transfer.conftest import row_counts
from tests.transfer.test_import_api import STUDIO_CREATED, Source, build_source, counts, import_api

SINCE = date(2024, 1, 1)


@pytest.fixture(scope="module")
def built(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Source:
    return build_source(sqlite_template, tmp_path_factory.mktemp("api_source"))


def studio_entries(outcome: dict[str, Any], src: Source, db: Session) -> tuple[int, int]:
    wid = outcome["workspace_id"]
    db.expire_all()
    row = db.execute(select(func.count(TimeEntry.id), func.sum(TimeEntry.duration))
                     .where(TimeEntry.workspace_id == wid)).one()
    return int(row[0]), int(row[1])


def test_rate_limited_source_waits_and_imports_everything(built: Source, cli_db: str, dbs: Session,
                                                           tmp_path: Path) -> None:
    make_user(dbs, email="ada@example.org")
    limits = {"PUNCHCLOCK_ACCESS_LOG": "true", "PUNCHCLOCK_RATE_LIMIT": "true", "PUNCHCLOCK_V9_RATE_PER_SECOND": "5",
              "PUNCHCLOCK_V9_BURST": "4", "PUNCHCLOCK_REPORTS_V3_RATE_PER_SECOND": "1",
              "PUNCHCLOCK_REPORTS_V3_BURST": "1"}
    with live_server(built.url, tmp_path / "source.log", env=limits) as server:
        result = import_api(server, built.admin_token, tmp_path / "spool", "--since", SINCE.isoformat(),
                            "--source-workspace", str(built.workspace_id), "--json")
        log = server.access()
    assert result.exit_code == 0, result.output
    (studio,) = json.loads(result.stdout)
    assert counts(studio) == STUDIO_CREATED
    assert studio_entries(studio, built, dbs) == (built.entries, built.seconds)
    assert "rate limited: waiting 1 s" in result.stderr.splitlines()
    limited = [x for x in log if x["status"] == 429]
    assert len(limited) >= 2 and {x["path"].split("/")[1] for x in limited} >= {"api", "reports"}
    # Every 429 was followed by the same request answered 200, and nothing stayed unanswered.
    for i, x in enumerate(log):
        if x["status"] == 429:
            assert next(y["status"] for y in log[i + 1:] if (y["method"], y["path"]) == (x["method"], x["path"])) in (
                200, 429)
    answered = Counter((x["method"], x["path"]) for x in log if x["status"] == 200)
    assert answered[("POST", f"/reports/api/v3/workspace/{built.workspace_id}/search/time_entries")] == 3
    assert built.admin_token not in result.output


def pages_expected(src: Source, page_size: int) -> list[int]:
    """Detailed-report pages per window (2024, 2025, 2026 to tomorrow): rows by the owner's local start date."""
    engine = create_engine(src.url)
    with Session(engine) as db:
        rows = db.execute(select(TimeEntry.start, User.timezone).join(User, User.id == TimeEntry.user_id)
                          .where(TimeEntry.workspace_id == src.workspace_id, TimeEntry.stop.is_not(None))).all()
    engine.dispose()
    years = Counter(start.astimezone(ZoneInfo(tz)).year for start, tz in rows)
    return [max(1, math.ceil(years[y] / page_size)) for y in (2024, 2025, 2026)]


def run_import(server: LiveServer, src: Source, spool: Path, db_url: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PUNCHCLOCK_")}
    env["PUNCHCLOCK_DATABASE_URL"] = db_url
    return subprocess.Popen(
        [sys.executable, "-m", "punchclock", "import", "toggl-api", "--base-url", server.base, "--token",
         src.admin_token, "--spool", str(spool), "--since", SINCE.isoformat(), "--source-workspace",
         str(src.workspace_id), "--page-size", "20", "--pace", "0.1", "--retries", "1", "--json"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_entry_pages(state: Path, resource: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            cursors = json.loads(state.read_text())["cursors"]
        except (OSError, ValueError):
            cursors = {}
        if resource in cursors:
            return
        time.sleep(0.02)
    raise AssertionError(f"no page of {resource} was spooled within {timeout} s")


@pytest.fixture
def same_port(monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """Servers started by the test all listen on one port, so a restarted source keeps its base URL."""
    port = free_port()
    monkeypatch.setattr(tests.live_server, "free_port", lambda: port)
    yield port


def test_interrupted_pull_resumes_without_refetching(built: Source, cli_db: str, dbs: Session, tmp_path: Path,
                                                     same_port: int) -> None:
    make_user(dbs, email="ada@example.org")
    spool, search = tmp_path / "spool", f"/reports/api/v3/workspace/{built.workspace_id}/search/time_entries"
    resource = f"ws{built.workspace_id}/time_entries"
    first = start_server(built.url, tmp_path / "first.log", env={"PUNCHCLOCK_ACCESS_LOG": "true"})
    try:
        proc = run_import(first, built, spool, cli_db)
        wait_for_entry_pages(spool / "state.json", resource)
        first.kill()
        _, stderr = proc.communicate(timeout=120)
    finally:
        first.stop()
    assert proc.returncode == 1, stderr
    assert f"{RESUME} (what was pulled is kept in {spool})" in stderr
    before = row_counts(dbs)
    assert before["time_entries"] == 0
    state = json.loads((spool / "state.json").read_text())
    finished = set(state["done"])
    assert {"me", "workspaces", f"ws{built.workspace_id}/projects", f"ws{built.workspace_id}/tags"} <= finished
    cursor = state["cursors"][resource]["cursor"]
    per_window = pages_expected(built, 20)
    stored = sum(per_window[:cursor["window"]]) + (cursor["row"] - 1) // 20

    second = start_server(built.url, tmp_path / "second.log", env={"PUNCHCLOCK_ACCESS_LOG": "true"})
    try:
        assert second.base == first.base
        proc = run_import(second, built, spool, cli_db)
        stdout, stderr = proc.communicate(timeout=120)
        log = second.access()
    finally:
        second.stop()
    assert proc.returncode == 0, stderr
    assert f"Resuming the pull kept in {spool}." not in stderr  # --json: nothing but the outcome
    (studio,) = json.loads(stdout)
    assert counts(studio) == STUDIO_CREATED
    assert studio_entries(studio, built, dbs) == (built.entries, built.seconds)
    # The second server was asked only for the detailed-report pages not yet spooled.
    assert {(x["method"], x["path"]) for x in log if x["path"] != "/health"} == {("POST", search)}
    assert len([x for x in log if x["path"] == search]) == sum(per_window) - stored
    assert not spool.exists()


# -- the client's waits, with a scripted transport ----------------------------------------------------------

def scripted(answers: list[httpx.Response]) -> tuple[ApiClient, list[float], list[str], list[httpx.Request]]:
    sleeps: list[float] = []
    notes: list[str] = []
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answers.pop(0)

    client = ApiClient("https://api.example.test/ignored/path", "tok-secret-123", notice=notes.append,
                       sleep=sleeps.append, transport=httpx.MockTransport(handler), retries=2)
    return client, sleeps, notes, seen


def test_client_waits_out_429_and_quota_then_succeeds() -> None:
    client, sleeps, notes, seen = scripted([
        httpx.Response(429, headers={"Retry-After": "3"}, json="Too Many Requests"),
        httpx.Response(429, json="Too Many Requests"),
        httpx.Response(402, headers={"X-Toggl-Quota-Resets-In": "7"}, json="quota"),
        httpx.Response(503, json="down"),
        httpx.Response(200, json=[1, 2]),
    ])
    with client:
        assert client.get("/api/v9/me/clients").json() == [1, 2]
    assert sleeps == [3.0, 2.0, 7.0, 1.0]
    assert notes == ["rate limited: waiting 3 s", "rate limited: waiting 2 s", "request quota used up: waiting 7 s",
                     "server unavailable (503 on /api/v9/me/clients): waiting 1 s"]
    assert [str(r.url) for r in seen] == ["https://api.example.test/api/v9/me/clients"] * 5
    assert seen[0].headers["Authorization"] == httpx.BasicAuth("tok-secret-123", "api_token")._auth_header


def test_client_stops_after_outage_retries_and_on_refusal() -> None:
    client, sleeps, _, _ = scripted([httpx.Response(500, json="Internal Server Error")] * 3)
    with client, pytest.raises(Interrupted, match="500 on /api/v9/me"):
        client.get("/api/v9/me")
    assert sleeps == [1.0, 2.0]
    client, _, _, _ = scripted([httpx.Response(403, json="Incorrect username and/or password")])
    with client, pytest.raises(PullError) as refused:
        client.get("/api/v9/me")
    assert str(refused.value) == "GET /api/v9/me: 403 Incorrect username and/or password"
    assert "tok-secret-123" not in str(refused.value)
