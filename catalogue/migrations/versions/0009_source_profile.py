"""sources: the library as readers visit it (website, address, opening hours, contact)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 09:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

PROFILE_COLUMNS = ('website', 'address', 'hours', 'contact')


def upgrade() -> None:
    with op.batch_alter_table('sources', schema=None) as batch_op:
        for name in PROFILE_COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Text(), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('sources', schema=None) as batch_op:
        for name in reversed(PROFILE_COLUMNS):
            batch_op.drop_column(name)
