"""At most one running entry per user, enforced by the database itself (40- §3.4)."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from punchclock.models import TimeEntry
from tests.factories import at, make_entry, make_user


class TestRunningEntryConstraint:
    def test_database_rejects_a_second_running_entry_of_one_user(self, db: Session) -> None:
        user = make_user(db)
        make_entry(db, user=user, start="2023-10-02T07:00:00Z", seconds=None)
        with pytest.raises(IntegrityError):
            make_entry(db, user=user, start="2023-10-02T08:00:00Z", seconds=None)
        db.rollback()

    def test_deleted_or_stopped_entries_do_not_count(self, db: Session) -> None:
        user, other = make_user(db), make_user(db)
        make_entry(db, user=user, start="2023-10-02T06:00:00Z", seconds=None, deleted_at=at("2023-10-02T06:30:00Z"))
        make_entry(db, user=user, start="2023-10-02T07:00:00Z", seconds=60)
        make_entry(db, user=user, start="2023-10-02T08:00:00Z", seconds=None)
        make_entry(db, user=other, start="2023-10-02T08:00:00Z", seconds=None)
        assert len(db.scalars(select(TimeEntry).where(TimeEntry.stop.is_(None))).all()) == 3


# Concurrent starts against real servers (50 at once, 2 workers, both databases): tests/test_scale.py.
