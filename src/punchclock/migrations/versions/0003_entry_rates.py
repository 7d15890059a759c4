"""time entries keep their resolved rate and currency; report and dashboard indexes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 14:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

# The rate chain of 50-reports §4.1/§4.2, as domain/rates.py resolves it (money in integer cents).
BACKFILL = """
UPDATE time_entries SET
  rate = COALESCE(
    (SELECT pm.rate FROM project_members pm
      WHERE pm.project_id = time_entries.project_id AND pm.user_id = time_entries.user_id),
    (SELECT p.rate FROM projects p WHERE p.id = time_entries.project_id),
    (SELECT c.hourly_rate FROM clients c JOIN projects p ON p.client_id = c.id
      WHERE p.id = time_entries.project_id),
    (SELECT w.default_hourly_rate FROM workspaces w WHERE w.id = time_entries.workspace_id)),
  currency = COALESCE(
    (SELECT p.currency FROM projects p WHERE p.id = time_entries.project_id),
    (SELECT c.currency FROM clients c JOIN projects p ON p.client_id = c.id
      WHERE p.id = time_entries.project_id),
    (SELECT w.default_currency FROM workspaces w WHERE w.id = time_entries.workspace_id))
"""


def upgrade() -> None:
    op.add_column('time_entries', sa.Column('rate', sa.BigInteger(), server_default='0', nullable=False))
    op.add_column('time_entries', sa.Column('currency', sa.String(length=3), server_default='USD', nullable=False))
    op.execute(BACKFILL)
    op.create_index('ix_time_entries_workspace_user_start', 'time_entries', ['workspace_id', 'user_id', 'start'])
    # Replaces (workspace_id, start) with a covering index for reports: same prefix, no row lookups.
    op.drop_index('ix_time_entries_workspace_start', table_name='time_entries')
    op.create_index('ix_time_entries_report', 'time_entries',
                    ['workspace_id', 'start', 'user_id', 'project_id', 'task_id', 'billable', 'duration', 'rate',
                     'currency', 'stop', 'deleted_at'])
    op.create_index('ix_time_entries_workspace_updated', 'time_entries', ['workspace_id', 'updated_at'])


def downgrade() -> None:
    op.drop_index('ix_time_entries_report', table_name='time_entries')
    op.create_index('ix_time_entries_workspace_start', 'time_entries', ['workspace_id', 'start'])
    op.drop_index('ix_time_entries_workspace_updated', table_name='time_entries')
    op.drop_index('ix_time_entries_workspace_user_start', table_name='time_entries')
    with op.batch_alter_table('time_entries') as batch:
        batch.drop_column('currency')
        batch.drop_column('rate')
