"""Test fixtures: every API test runs on SQLite and, when reachable, on PostgreSQL.

Set PUNCHCLOCK_TEST_REQUIRE_PG=1 (and PUNCHCLOCK_TEST_REQUIRE_REDIS=1) to turn a missing server into
a failure instead of a skip; `.ci/run` does.
"""

from __future__ import annotations

import os
import shutil
import socket
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

import punchclock.models  # noqa: F401
from punchclock.app import create_app
from punchclock.config import Settings
from punchclock.db.base import Base
from punchclock.db.migrate import upgrade
from punchclock.domain import security

# Tests hash thousands of passwords: argon2id with the cheapest parameters keeps the suite fast. The
# production parameters are asserted in tests/unit/test_security.py, which does not use this hasher.
security._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
security._DUMMY_HASH = security._hasher.hash("dummy")

PG_ADMIN_URL = os.environ.get("PUNCHCLOCK_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("PUNCHCLOCK_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
REQUIRE_PG = os.environ.get("PUNCHCLOCK_TEST_REQUIRE_PG") == "1"
REQUIRE_REDIS = os.environ.get("PUNCHCLOCK_TEST_REQUIRE_REDIS") == "1"


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


# Hypothesis profiles. "ci" (picked when CI is set, or PUNCHCLOCK_TEST_REQUIRE_PG=1 as `.ci/run` sets it;
# HYPOTHESIS_PROFILE=<name> overrides) generates and reports but does not shrink: one property example
# builds a whole database world (~0.1-1 s), so shrinking a failure can cost hundreds of extra examples
# and many minutes of CI. The failure is still printed with its falsifying example and a
# @reproduce_failure blob (print_blob), which the "dev" profile (Hypothesis' defaults, full shrinking)
# replays and shrinks locally. Per-test settings such as max_examples stay as the tests set them.
hypothesis_settings.register_profile("dev")
hypothesis_settings.register_profile(
    "ci", deadline=None, print_blob=True, database=None,
    phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.target),
    suppress_health_check=[HealthCheck.too_slow],
)


def hypothesis_profile(env: Mapping[str, str]) -> str:
    """The profile for an environment: HYPOTHESIS_PROFILE, else "ci" under CI or required PostgreSQL."""
    if env.get("HYPOTHESIS_PROFILE"):
        return env["HYPOTHESIS_PROFILE"]
    in_ci = env.get("CI", "").strip().lower() not in ("", "0", "false", "no")
    return "ci" if in_ci or env.get("PUNCHCLOCK_TEST_REQUIRE_PG") == "1" else "dev"


hypothesis_settings.load_profile(hypothesis_profile(os.environ))

PG_UP = _reachable("127.0.0.1", 5432)
REDIS_UP = _reachable("127.0.0.1", 6379)
BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


def need_pg() -> None:
    """Skip without PostgreSQL, or fail when the run requires it."""
    if not PG_UP:
        if REQUIRE_PG:
            pytest.fail("PostgreSQL is required (PUNCHCLOCK_TEST_REQUIRE_PG=1) but 127.0.0.1:5432 is not reachable")
        pytest.skip("PostgreSQL not reachable")


@contextmanager
def scratch_pg_database(prefix: str = "punchclock_test") -> Iterator[str]:
    """A new, migrated PostgreSQL database for the block, dropped after it (connections included)."""
    need_pg()
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    try:
        upgrade(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    with scratch_pg_database() as url:
        yield url
        for engine in _PG_ENGINES.values():
            engine.dispose()


# Emptying PostgreSQL between tests: DELETE plus sequence resets behaves like TRUNCATE … RESTART
# IDENTITY (ids start at 1 again) but takes milliseconds, where TRUNCATE creates new files for every
# table (~0.35 s a test on this machine, minutes over the suite).
_EMPTY = ";".join(f'DELETE FROM "{t.name}"' for t in reversed(Base.metadata.sorted_tables))
_RESTART = "SELECT " + ", ".join(
    f"setval(pg_get_serial_sequence('\"{t.name}\"', 'id'), 1, false)"
    for t in Base.metadata.sorted_tables if "id" in t.c and t.c.id.autoincrement is True
)
_PG_ENGINES: dict[str, Any] = {}


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("pg_database")
    engine = _PG_ENGINES.get(url)
    if engine is None:
        engine = _PG_ENGINES[url] = create_engine(url, pool_size=1)
    with engine.begin() as conn:
        conn.exec_driver_sql(_EMPTY)
        conn.exec_driver_sql(_RESTART)
    return url


@pytest.fixture
def redis_url() -> str:
    if not REDIS_UP:
        if REQUIRE_REDIS:
            pytest.fail("Redis is required (PUNCHCLOCK_TEST_REQUIRE_REDIS=1) but 127.0.0.1:6379 is not reachable")
        pytest.skip("Redis not reachable")
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    return REDIS_URL


@pytest.fixture
def settings(db_url: str) -> Settings:
    # No delivery loop in the background of every test: the webhook delivery tests turn it on.
    return Settings(database_url=db_url, rate_limit=False, public_url="http://testserver", webhooks_dispatcher=False)


@pytest.fixture
def app(settings: Settings) -> Iterator[object]:
    application = create_app(settings)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def client(app: object) -> Iterator[TestClient]:
    with TestClient(app) as c:  # type: ignore[arg-type]
        yield c


@pytest.fixture
def db(app: object) -> Iterator[Session]:
    """A session on the app's database for arranging data; factories commit what they make."""
    session: Session = app.state.sessionmaker()  # type: ignore[attr-defined]
    yield session
    session.close()
