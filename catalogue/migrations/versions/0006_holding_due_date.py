"""holdings: the date a copy on loan is due back

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21 14:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('holdings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('due', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('holdings', schema=None) as batch_op:
        batch_op.drop_column('due')
