"""Time entries under concurrent writers.

At most one running entry per user, enforced by the database itself (40- §3.4); concurrent tag updates
of the same entries lose nothing (40- §7.2, §10); concurrent creations of one new tag make one tag.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from punchclock.models import Tag, TimeEntry, TimeEntryTag
from tests.api.v8.concurrency import at_once, direct, two_workers
from tests.factories import at, make_entry, make_tag, make_user, token_auth
from tests.live_server import fresh


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


def tags_of(engine: Engine, entry_ids: list[int]) -> dict[int, set[str]]:
    """Live tag names of each entry, read straight from the database."""
    found: dict[int, set[str]] = {i: set() for i in entry_ids}
    with engine.connect() as conn:
        for entry_id, name in conn.execute(
            select(TimeEntryTag.time_entry_id, Tag.name).join(Tag, Tag.id == TimeEntryTag.tag_id)
            .where(TimeEntryTag.time_entry_id.in_(entry_ids), Tag.deleted_at.is_(None))
        ):
            found[entry_id].add(name)
    return found


def tag_rows(engine: Engine, workspace_id: int) -> dict[str, int]:
    """Tag rows per lower-cased name in the workspace, tombstones included."""
    with engine.connect() as conn:
        return dict(conn.execute(
            select(func.lower(Tag.name), func.count()).where(Tag.workspace_id == workspace_id)
            .group_by(func.lower(Tag.name))
        ).tuples().all())


# -- bulk tag updates (40- §10) --------------------------------------------------------------------

PUTS = 50
ADDED = [f"add-{i}" for i in range(0, PUTS, 2)]  # even requests add a new tag each
REMOVED = [f"rm-{i}" for i in range(1, PUTS, 2)]  # odd requests remove a tag both entries have


def tag_change(i: int) -> tuple[str, str]:
    return ("add", f"add-{i}") if i % 2 == 0 else ("remove", f"rm-{i}")


class TestParallelTagUpdates:
    def test_fifty_parallel_adds_and_removes_on_two_shared_entries_lose_nothing(
        self, db_url: str, db: Session, tmp_path: Path
    ) -> None:
        user = make_user(db)
        wid = user.default_workspace_id
        assert wid is not None
        initial = [make_tag(db, workspace_id=wid, name=n) for n in ["keep", *REMOVED]]
        a = make_entry(db, user=user, start="2023-10-02T07:00:00Z", tags=initial)
        b = make_entry(db, user=user, start="2023-10-02T09:00:00Z", tags=initial)
        headers = token_auth(user)

        def put(i: int) -> httpx.Response:
            action, name = tag_change(i)
            return fresh("PUT", server.url(f"/api/v8/time_entries/{a.id},{b.id}"), headers=headers,
                         json={"time_entry": {"tags": [name], "tag_action": action}})

        with two_workers(db_url, tmp_path) as server:
            responses = at_once(PUTS, put)
        with direct(db_url) as engine:
            final = tags_of(engine, [a.id, b.id])
            rows = tag_rows(engine, wid)

        refused = [(r.status_code, r.text) for r in responses if r.status_code != 200]
        acked = [tag_change(i) for i, r in enumerate(responses) if r.status_code == 200]
        lost_adds = sum(n not in final[e] for e in final for action, n in acked if action == "add")
        undone_removes = sum(n in final[e] for e in final for action, n in acked if action == "remove")
        assert (len(refused), lost_adds, undone_removes) == (0, 0, 0), refused[:3]
        assert final == {a.id: {"keep", *ADDED}, b.id: {"keep", *ADDED}}
        # Every answer shows its own change on both entries.
        for i, r in enumerate(responses):
            action, name = tag_change(i)
            assert [name in e.get("tags", []) for e in r.json()["data"]] == [action == "add"] * 2, i
        # One row per name: the 25 new names made one tag each, the 25 removed ones stay as tags.
        assert rows == {n: 1 for n in ["keep", *ADDED, *REMOVED]}


# -- one new tag created by many requests at once ------------------------------------------------------

CREATORS = 10
ROUNDS = 3


class TestParallelTagCreation:
    def test_ten_requests_adding_the_same_new_tag_all_succeed_and_make_one_tag(
        self, db_url: str, db: Session, tmp_path: Path
    ) -> None:
        user = make_user(db)
        wid = user.default_workspace_id
        assert wid is not None
        entries = [make_entry(db, user=user, start=f"2023-10-02T{7 + i:02d}:00:00Z").id for i in range(CREATORS)]
        headers = token_auth(user)
        answers: dict[int, list[int]] = defaultdict(list)

        with two_workers(db_url, tmp_path) as server:
            for n in range(ROUNDS):
                # Spelling differs per request: names match case-insensitively, the first one created wins.
                def put(i: int, n: int = n) -> httpx.Response:
                    name = f"urgent-{n}" if i % 2 else f"URGENT-{n}"
                    return fresh("PUT", server.url(f"/api/v8/time_entries/{entries[i]}"), headers=headers,
                                 json={"time_entry": {"tags": [name], "tag_action": "add"}})

                for r in at_once(CREATORS, put):
                    answers[n].append(r.status_code)
        with direct(db_url) as engine:
            final = tags_of(engine, entries)
            rows = tag_rows(engine, wid)

        assert dict(answers) == {n: [200] * CREATORS for n in range(ROUNDS)}
        assert rows == {f"urgent-{n}": 1 for n in range(ROUNDS)}
        assert [{t.lower() for t in final[e]} for e in entries] == [{"urgent-0", "urgent-1", "urgent-2"}] * CREATORS
