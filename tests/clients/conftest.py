"""Fixtures of the real-client tests: a live ``punchclock serve`` (SQLite, then PostgreSQL) and the client venvs.

The server runs as a subprocess on a free 127.0.0.1 port with rate limiting off (tests/live_server.py). Its
log is checked for tracebacks and errors after every test and once more after it stopped. PostgreSQL comes
from the session's ``pg_database`` (skipped when down, a failure under PUNCHCLOCK_TEST_REQUIRE_PG=1).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from punchclock.db.migrate import upgrade
from tests.clients.support import client_python
from tests.live_server import Live, problems, start_server


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def live(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    tmp = tmp_path_factory.mktemp(f"clients-{request.param}")
    if request.param == "sqlite":
        database_url = f"sqlite:///{tmp / 'live.db'}"
        upgrade(database_url)
    else:
        database_url = request.getfixturevalue("pg_database")
    log = tmp / "server.log"
    server = start_server(database_url, log)
    live = Live(server.base, database_url, log, request.param)
    try:
        yield live
    finally:
        server.stop()
    tail = log.read_text(errors="replace")[live.checked:]
    assert not problems(tail), f"{live.backend} server log at shutdown:\n{tail}"


@pytest.fixture(autouse=True)
def clean_log(live: Live) -> Iterator[None]:
    """After each test, whatever its order: the server logged no traceback or error while it ran."""
    yield
    text = live.log_text()
    new, live.checked = text[live.checked:], len(text)
    assert not problems(new), f"{live.backend} server log during this test:\n{new}"


@pytest.fixture(scope="session")
def togglcli_python() -> Path:
    return client_python("togglcli")


@pytest.fixture(scope="session")
def toggl_python_python() -> Path:
    return client_python("toggl_python")


@pytest.fixture(scope="session")
def tap_toggl_python() -> Path:
    return client_python("tap_toggl")


@pytest.fixture(scope="session")
def toggl_api_wrapper_python() -> Path:
    return client_python("toggl_api_wrapper")
