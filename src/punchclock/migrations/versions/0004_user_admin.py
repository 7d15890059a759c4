"""users: disabled_at (an operator switched the account off) and last_login_at (password or session login)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 07:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import punchclock.db.types

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("disabled_at", punchclock.db.types.UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("last_login_at", punchclock.db.types.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("last_login_at")
        batch.drop_column("disabled_at")
