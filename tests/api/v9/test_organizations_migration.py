"""Migration 0005 (V-1): a database at revision 0004 gets one organization per workspace, named like it,
owned by its earliest active admin (lowest membership id)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from punchclock.db.base import table
from punchclock.db.engine import make_engine
from punchclock.db.migrate import downgrade, upgrade
from punchclock.domain import security
from punchclock.models import User, WorkspaceMember

CREATED = datetime(2025, 3, 4, 9, 30, tzinfo=UTC)


@pytest.fixture
def engine_at_0004(db_url: str) -> Iterator[Engine]:
    """The test database taken back to 0004; left at head whatever the test did (PostgreSQL's is shared)."""
    downgrade(db_url, "0004")
    engine = make_engine(db_url)
    yield engine
    engine.dispose()
    upgrade(db_url)


def _user(db: Session, name: str) -> int:
    user = User(email=f"{name.lower()}@example.org", password_hash=None, api_token=security.new_api_token(),
                fullname=name)
    db.add(user)
    db.flush()
    return user.id


def _workspace(db: Session, name: str) -> int:
    """A workspace row as revision 0004 knows it (no ``organization_id`` yet: the model cannot write it)."""
    table = sa.Table("workspaces", sa.MetaData(), autoload_with=db.connection())
    return int(db.execute(table.insert().values(
        name=name, premium=True, default_hourly_rate=0, default_currency="EUR",
        only_admins_may_create_projects=False, only_admins_see_billable_rates=False,
        only_admins_see_team_dashboard=False, projects_billable_by_default=True, rounding=1, rounding_minutes=0,
        api_token=security.new_api_token(), created_at=CREATED, updated_at=CREATED,
    ).returning(table.c.id)).scalar_one())


def _member(db: Session, wid: int, uid: int, *, admin: bool, active: bool = True) -> None:
    """A Core insert: an ORM one would be recorded for the webhook outbox, whose tables 0004 does not have."""
    db.execute(table(WorkspaceMember).insert().values(workspace_id=wid, user_id=uid, admin=admin, active=active))


def test_one_organization_per_workspace_owned_by_earliest_active_admin(engine_at_0004: Engine,
                                                                        db_url: str) -> None:
    with Session(engine_at_0004) as db:
        pending, plain, first_admin, second_admin = (_user(db, n) for n in ("Pia", "Lena", "Mara", "Jonas"))
        shared = _workspace(db, "Shared Studio")
        solo = _workspace(db, "Solo")
        _member(db, shared, pending, admin=True, active=False)  # lowest id, but only invited
        _member(db, shared, plain, admin=False)
        _member(db, shared, first_admin, admin=True)
        _member(db, shared, second_admin, admin=True)
        _member(db, solo, second_admin, admin=True)
        db.commit()

    upgrade(db_url)
    engine_at_0004.dispose()
    with engine_at_0004.connect() as conn:
        orgs = conn.execute(sa.text(
            "SELECT w.id, o.name, o.owner_user_id, o.created_at, o.updated_at FROM workspaces w "
            "JOIN organizations o ON o.id = w.organization_id ORDER BY w.id")).all()
        count = conn.execute(sa.text("SELECT count(*) FROM organizations")).scalar_one()
    assert [(wid, name, owner) for wid, name, owner, _, _ in orgs] == [
        (shared, "Shared Studio", first_admin), (solo, "Solo", second_admin)]
    assert count == 2
    for _, _, _, created, updated in orgs:
        # SQLite hands the stored text back, PostgreSQL an aware datetime: compare the instant.
        stamp = created if isinstance(created, datetime) else datetime.fromisoformat(str(created))
        assert stamp.replace(tzinfo=stamp.tzinfo or UTC) == CREATED
        assert str(updated) == str(created)
