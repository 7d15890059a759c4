"""One database session and one transaction per request.

The session is opened lazily on first use, committed by the route class (``http/routing.py``)
after the handler returned and before the response goes out, and rolled back on any error.
GET and HEAD use the read engine (``db/engine.for_reads``: autocommit on PostgreSQL); writes use
``BEGIN IMMEDIATE`` on SQLite, so writers queue instead of failing to upgrade a read lock.
"""

from __future__ import annotations

from fastapi import Request
from sqlalchemy.orm import Session


def request_session(request: Request, *, read_only: bool | None = None) -> Session:
    """The request's session; ``read_only`` overrides the method's verdict (Reports v3 reads by POST).

    ``info["origin"]`` holds the path and method for the events the changes emit (webhooks/outbox.py).
    """
    db: Session | None = getattr(request.state, "db", None)
    if db is None:
        if read_only is None:
            read_only = request.method in ("GET", "HEAD")
        db = (request.app.state.read_sessionmaker if read_only else request.app.state.write_sessionmaker)()
        db.info["origin"] = (request.url.path, request.method)
        request.state.db = db
    return db


def finish(request: Request, *, commit: bool) -> None:
    db: Session | None = getattr(request.state, "db", None)
    if db is None:
        return
    try:
        if commit:
            db.commit()
        else:
            db.rollback()
    finally:
        db.close()
        request.state.db = None
