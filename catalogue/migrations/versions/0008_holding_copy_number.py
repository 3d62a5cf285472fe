"""holdings: the library's number for the copy ("Copy 2"; MARC 852/Koha 952 $t)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-21 18:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('holdings', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('copy_number', sa.String(length=50), nullable=False, server_default='')
        )


def downgrade() -> None:
    with op.batch_alter_table('holdings', schema=None) as batch_op:
        batch_op.drop_column('copy_number')
