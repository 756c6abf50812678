"""records stay true: branch started_on, extension months, fixed rolls, dues opening, 未录入 counts

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("branch") as batch:
        batch.add_column(sa.Column("started_on", sa.String(length=10), nullable=True))
    with op.batch_alter_table("membership_event") as batch:
        batch.add_column(sa.Column("months", sa.Integer(), nullable=True))
    with op.batch_alter_table("entry") as batch:
        batch.add_column(sa.Column("expected", sa.Text(), nullable=True))
    with op.batch_alter_table("branch_period") as batch:
        batch.add_column(sa.Column("not_entered", sa.Integer(), nullable=True))
    op.create_table(
        "dues_opening",
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("member_uuid", sa.String(length=36), nullable=False),
        sa.Column("paid_through", sa.String(length=7), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_uuid"], ["member.uuid"], name=op.f("fk_dues_opening_member_uuid_member")
        ),
        sa.PrimaryKeyConstraint("uuid", name=op.f("pk_dues_opening")),
        sa.UniqueConstraint("member_uuid", name=op.f("uq_dues_opening_member_uuid")),
    )


def downgrade() -> None:
    op.drop_table("dues_opening")
    for table, column in (
        ("branch_period", "not_entered"),
        ("entry", "expected"),
        ("membership_event", "months"),
        ("branch", "started_on"),
    ):
        with op.batch_alter_table(table) as batch:
            batch.drop_column(column)
