"""``punchclock serve``: checks that would make several workers unsafe, migration, then uvicorn."""

from __future__ import annotations

import copy
import os
from typing import Annotated, Any

import typer
from sqlalchemy.engine import make_url

from punchclock import __version__
from punchclock.cli.apps import app
from punchclock.cli.console import fail, load_settings, say
from punchclock.cli.database import announce, open_database
from punchclock.cli.schema import migrate_database
from punchclock.config import Settings
from punchclock.db.engine import is_sqlite


def workers_problem(settings: Settings, workers: int) -> str | None:
    """Why ``workers`` processes would be unsafe with these settings, or None.

    Several workers on SQLite are fine (writers queue on the database lock); several workers with
    per-process buckets are not, since every worker would allow the full rate (or the full number of
    password guesses).
    """
    if workers < 1:
        return "--workers must be at least 1."
    if workers > 1 and settings.rate_limit and not settings.redis_url:
        return (
            f"Refusing to start {workers} workers: rate limiting is on but PUNCHCLOCK_REDIS_URL is not set, "
            f"so every worker would keep its own buckets and allow {workers} times the configured rate. "
            "Set PUNCHCLOCK_REDIS_URL (for example redis://127.0.0.1:6379/0), set PUNCHCLOCK_RATE_LIMIT=false, "
            "or run a single worker."
        )
    if workers > 1 and settings.login_throttle and not settings.redis_url:
        return (
            f"Refusing to start {workers} workers: login throttling is on but PUNCHCLOCK_REDIS_URL is not set, "
            f"so every worker would count failed logins on its own and allow {workers} times the guesses. "
            "Set PUNCHCLOCK_REDIS_URL (for example redis://127.0.0.1:6379/0), set PUNCHCLOCK_LOGIN_THROTTLE=false, "
            "or run a single worker."
        )
    return None


def redis_problem(settings: Settings) -> str | None:
    if not ((settings.rate_limit or settings.login_throttle) and settings.redis_url):
        return None
    from punchclock.http.ratelimit import RedisLimiter

    try:
        RedisLimiter(settings.redis_url).ping()
    except Exception as exc:
        shown = make_url(settings.redis_url).render_as_string(hide_password=True)
        return f"Cannot reach Redis at {shown} (PUNCHCLOCK_REDIS_URL): {exc}"
    return None


def log_config() -> dict[str, Any]:
    """uvicorn's logging set-up plus ours: JSON access lines as they are, other punchclock logs as uvicorn's."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["formatters"]["message"] = {"format": "%(message)s"}
    config["handlers"]["punchclock_access"] = {"class": "logging.StreamHandler", "formatter": "message",
                                               "stream": "ext://sys.stdout"}
    config["loggers"]["punchclock"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    config["loggers"]["punchclock.access"] = {"handlers": ["punchclock_access"], "level": "INFO",
                                              "propagate": False}
    return config


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8080,
    workers: Annotated[int, typer.Option(help="Worker processes (more than 1 needs Redis for rate limits).")] = 1,
    run_migrations: Annotated[
        bool, typer.Option("--migrate/--no-migrate", help="Run database migrations before starting.")
    ] = True,
    access_log: Annotated[
        bool | None, typer.Option("--access-log/--no-access-log", help="JSON access log (PUNCHCLOCK_ACCESS_LOG).")
    ] = None,
    http: Annotated[str, typer.Option(help="HTTP parser: auto (httptools when installed), h11 or httptools.")] = "auto",
    loop: Annotated[str, typer.Option(help="Event loop: auto (uvloop when installed), asyncio or uvloop.")] = "auto",
) -> None:
    """Run the HTTP server (uvicorn)."""
    settings = load_settings()
    for problem in (workers_problem(settings, workers), redis_problem(settings)):
        if problem:
            raise fail(problem)
    if run_migrations:
        migrate_database(settings)
    else:
        with open_database(settings):  # connect once: a bad URL fails now, not on the first request
            announce(settings.database_url)
    import uvicorn

    backend = "SQLite" if is_sqlite(settings.database_url) else "PostgreSQL"
    say(f"punchclock {__version__} on http://{host}:{port} ({backend}, {workers} worker(s))")
    if access_log is not None:
        os.environ["PUNCHCLOCK_ACCESS_LOG"] = "true" if access_log else "false"  # workers read the env
    uvicorn.run(
        "punchclock.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        # uvicorn's own access log prints query strings (invitation codes): ours replaces it.
        access_log=False,
        log_config=log_config(),
        http=http,
        loop=loop,
    )
