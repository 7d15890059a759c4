"""Start-up errors of the real ``punchclock`` executable: one line on stderr, no traceback, exit status 1.

Each case runs several commands that open the database (serve, migrate, user list, backup) as
subprocesses, with nothing but PUNCHCLOCK_DATABASE_URL set.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.conftest import PG_UP, REQUIRE_PG
from tests.live_server import free_port

PUNCHCLOCK = str(Path(sys.executable).parent / "punchclock")
SUPPORTED = "punchclock supports sqlite:///path and postgresql://user@host/db."


def run(*args: str, url: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PUNCHCLOCK_")}
    if url is not None:
        env["PUNCHCLOCK_DATABASE_URL"] = url
    return subprocess.run([PUNCHCLOCK, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL)


def assert_one_line_error(done: subprocess.CompletedProcess[str], expected: str) -> None:
    assert "Traceback" not in done.stderr
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines() == [expected]
    assert done.stdout == ""


def commands(tmp_path: Path) -> list[tuple[str, ...]]:
    """Every way into the database; serve fails before it binds its (free) port."""
    return [("serve", "--port", str(free_port())), ("serve", "--no-migrate", "--port", str(free_port())),
            ("migrate",), ("user", "list"), ("backup", str(tmp_path / "b.db"))]


def check_all(tmp_path: Path, url: str, expected: str) -> None:
    for args in commands(tmp_path):
        assert_one_line_error(run(*args, url=url), expected)


def test_mysql_url_is_unsupported(tmp_path: Path) -> None:
    check_all(tmp_path, "mysql://u@h/db",
              f"Unsupported database URL mysql://u@h/db (PUNCHCLOCK_DATABASE_URL): {SUPPORTED}")


def test_psycopg2_driver_is_unsupported(tmp_path: Path) -> None:
    check_all(tmp_path, "postgresql+psycopg2://pc:s3cret@db.example/pc",
              "Unsupported database driver in postgresql+psycopg2://pc:***@db.example/pc (PUNCHCLOCK_DATABASE_URL): "
              "punchclock uses psycopg 3, start the URL with postgresql:// (postgresql://pc:***@db.example/pc).")


@pytest.mark.parametrize("url", ["not a url", "postgres://pc:s3cret@db.example:port/pc"])
def test_unparseable_url(tmp_path: Path, url: str) -> None:
    shown = url.replace("s3cret", "***")
    assert_one_line_error(run("migrate", url=url),
                          f"Cannot parse the database URL {shown!r} (PUNCHCLOCK_DATABASE_URL): {SUPPORTED}")


def test_postgresql_on_a_closed_port(tmp_path: Path) -> None:
    port = free_port()  # bound and released: nobody listens there
    check_all(tmp_path, f"postgresql://pc:s3cret@127.0.0.1:{port}/pc",
              f"Cannot connect to PostgreSQL at 127.0.0.1:{port} (postgresql+psycopg://pc:***@127.0.0.1:{port}/pc): "
              "connection refused. Is the server running?")


def test_missing_postgresql_database(tmp_path: Path) -> None:
    if not PG_UP:
        if REQUIRE_PG:
            pytest.fail("PostgreSQL is required (PUNCHCLOCK_TEST_REQUIRE_PG=1) but 127.0.0.1:5432 is not reachable")
        pytest.skip("PostgreSQL not reachable")
    name = f"punchclock_missing_{uuid.uuid4().hex[:8]}"
    check_all(tmp_path, f"postgresql://postgres@127.0.0.1:5432/{name}",
              f"The PostgreSQL database '{name}' does not exist on 127.0.0.1:5432 "
              f"(postgresql+psycopg://postgres@127.0.0.1:5432/{name}): create it with `createdb {name}` "
              "or fix PUNCHCLOCK_DATABASE_URL.")


def test_sqlite_file_in_a_missing_folder(tmp_path: Path) -> None:
    folder = tmp_path / "no" / "such"
    check_all(tmp_path, f"sqlite:///{folder}/punchclock.db",
              f"The folder {folder} for the SQLite database punchclock.db (PUNCHCLOCK_DATABASE_URL) does not exist: "
              f"create it (mkdir -p {folder}) or point PUNCHCLOCK_DATABASE_URL to an existing folder.")
    assert not (tmp_path / "no").exists()


class TestWhichDatabase:
    def test_migrate_in_another_folder_says_it_created_a_new_file(self, tmp_path: Path) -> None:
        """The default URL is relative: the absolute path shows which file was created, and that it is new."""
        first = run("migrate", cwd=tmp_path)
        db = tmp_path / "punchclock.db"
        assert (first.returncode, first.stderr) == (0, "")
        lines = first.stdout.splitlines()
        assert lines[0] == f"Database: sqlite:///{db}"
        assert lines[1].startswith(f"Created a new SQLite database at {db} (no file was there), schema revision ")
        again = run("migrate", cwd=tmp_path)
        assert again.stdout.splitlines()[0] == f"Database: sqlite:///{db}"
        assert again.stdout.splitlines()[1].startswith("The database is up to date (revision ")
        listed = run("user", "list", cwd=tmp_path)
        assert listed.returncode == 0, listed.stderr
        assert listed.stdout.splitlines()[0] == f"Database: sqlite:///{db}"


@pytest.mark.parametrize("argv", [[PUNCHCLOCK, "--version"], [sys.executable, "-m", "punchclock", "--version"],
                                  [PUNCHCLOCK, "version"]])
def test_version(argv: list[str]) -> None:
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (0, "punchclock 0.1.0\n", "")
