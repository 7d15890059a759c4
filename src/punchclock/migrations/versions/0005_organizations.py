"""API v9: organizations (one per existing workspace, V-1) and the new columns of the v9 contract (80- §2)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 13:20:00
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

import punchclock.db.types

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    with _quiet_reflection():
        _upgrade()


def downgrade() -> None:
    with _quiet_reflection():
        _downgrade()


@contextmanager
def _quiet_reflection() -> Iterator[None]:
    """A batch on SQLite reflects tables, and SQLAlchemy warns that it skips their expression indexes
    (``_restore_expression_index`` makes the one that matters again): keep ``punchclock migrate`` quiet."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*expression-based index.*")
        yield


def _upgrade() -> None:
    op.create_table(
        'organizations',
        sa.Column('name', sa.String(length=140), nullable=False),
        sa.Column('owner_user_id', Id, nullable=True),
        sa.Column('id', Id, autoincrement=True, nullable=False),
        sa.Column('created_at', punchclock.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', punchclock.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['owner_user_id'], ['users.id'], name=op.f('fk_organizations_owner_user_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_organizations')),
    )
    with op.batch_alter_table('workspaces') as batch:
        batch.add_column(sa.Column('organization_id', Id, nullable=True))
        batch.add_column(sa.Column('only_admins_may_create_tags', sa.Boolean(), server_default=sa.false(),
                                   nullable=False))
        batch.add_column(sa.Column('projects_private_by_default', sa.Boolean(), server_default=sa.true(),
                                   nullable=False))
    _one_organization_per_workspace()
    with op.batch_alter_table('workspaces') as batch:
        batch.alter_column('organization_id', existing_type=Id, nullable=False)
        batch.create_foreign_key(op.f('fk_workspaces_organization_id_organizations'), 'organizations',
                                 ['organization_id'], ['id'])
        batch.create_index(op.f('ix_workspaces_organization_id'), ['organization_id'], unique=False)
    # Plain ADD COLUMN: a batch (table copy) on SQLite would lose the expression indexes of these tables.
    op.add_column('clients', sa.Column('archived', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column('clients', sa.Column('creator_id', Id, nullable=True))
    op.add_column('tags', sa.Column('creator_id', Id, nullable=True))
    op.add_column('projects', sa.Column('color_hex', sa.String(length=7), nullable=True))
    op.add_column('projects', sa.Column('start_date', sa.Date(), nullable=True))
    op.add_column('projects', sa.Column('end_date', sa.Date(), nullable=True))
    _project_start_dates()
    with op.batch_alter_table('projects') as batch:
        batch.alter_column('start_date', existing_type=sa.Date(), nullable=False,
                           server_default=sa.func.current_date())
    _restore_expression_index('projects')


LIVE = sa.text("deleted_at IS NULL")
EXPRESSION_INDEXES = {
    'clients': ("uq_clients_name", ["workspace_id", sa.text("lower(name)")]),
    'tags': ("uq_tags_name", ["workspace_id", sa.text("lower(name)")]),
    'projects': ("uq_projects_name", ["workspace_id", sa.text("coalesce(client_id, 0)"), sa.text("lower(name)")]),
}


def _restore_expression_index(table: str) -> None:
    """A batch on SQLite copies the table without the expression index it cannot reflect: make it again."""
    if op.get_bind().dialect.name != 'sqlite':
        return
    name, columns = EXPRESSION_INDEXES[table]
    op.create_index(name, table, columns, unique=True, sqlite_where=LIVE)


def _one_organization_per_workspace() -> None:
    """Named like the workspace, owned by its earliest active admin (lowest membership id)."""
    conn = op.get_bind()
    workspaces = sa.table('workspaces', sa.column('id'), sa.column('name'), sa.column('created_at'),
                          sa.column('organization_id'))
    members = sa.table('workspace_members', sa.column('id'), sa.column('workspace_id'), sa.column('user_id'),
                       sa.column('admin'), sa.column('active'))
    organizations = sa.table('organizations', sa.column('id'), sa.column('name'), sa.column('owner_user_id'),
                             sa.column('created_at'), sa.column('updated_at'))
    owner = (sa.select(members.c.user_id)
             .where(members.c.workspace_id == workspaces.c.id, members.c.admin.is_(True), members.c.active.is_(True))
             .order_by(members.c.id).limit(1).scalar_subquery())
    rows = conn.execute(sa.select(workspaces.c.id, workspaces.c.name, workspaces.c.created_at, owner)
                        .order_by(workspaces.c.id)).all()
    for wid, name, created_at, owner_id in rows:
        org_id = conn.execute(organizations.insert().values(
            name=name, owner_user_id=owner_id, created_at=created_at, updated_at=created_at,
        ).returning(organizations.c.id)).scalar_one()
        conn.execute(workspaces.update().where(workspaces.c.id == wid).values(organization_id=org_id))


def _project_start_dates() -> None:
    """The UTC date of ``created_at`` (timestamps are stored in UTC on both databases)."""
    conn = op.get_bind()
    projects = sa.table('projects', sa.column('id'), sa.column('created_at', punchclock.db.types.UTCDateTime()),
                        sa.column('start_date', sa.Date()))
    for pid, created_at in conn.execute(sa.select(projects.c.id, projects.c.created_at)).all():
        conn.execute(projects.update().where(projects.c.id == pid).values(start_date=created_at.date()))


def _downgrade() -> None:
    for table, columns in (('projects', ('end_date', 'start_date', 'color_hex')), ('tags', ('creator_id',)),
                           ('clients', ('creator_id', 'archived'))):
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.drop_column(column)
        _restore_expression_index(table)
    with op.batch_alter_table('workspaces') as batch:
        batch.drop_index(op.f('ix_workspaces_organization_id'))
        batch.drop_constraint(op.f('fk_workspaces_organization_id_organizations'), type_='foreignkey')
        batch.drop_column('projects_private_by_default')
        batch.drop_column('only_admins_may_create_tags')
        batch.drop_column('organization_id')
    op.drop_table('organizations')
