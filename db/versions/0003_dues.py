"""dues

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "dues_remittance",
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("remitted_on", sa.String(length=10), nullable=False),
        sa.Column("amount", sa.String(length=20), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("uuid", name=op.f("pk_dues_remittance")),
    )
    op.create_table(
        "dues_adjustment",
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("member_uuid", sa.String(length=36), nullable=False),
        sa.Column("start_month", sa.String(length=7), nullable=False),
        sa.Column("end_month", sa.String(length=7), nullable=True),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("amount", sa.String(length=20), nullable=False),
        sa.Column("approval", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_uuid"], ["member.uuid"], name=op.f("fk_dues_adjustment_member_uuid_member")
        ),
        sa.PrimaryKeyConstraint("uuid", name=op.f("pk_dues_adjustment")),
    )
    with op.batch_alter_table("dues_adjustment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dues_adjustment_member_uuid"), ["member_uuid"], unique=False)

    op.create_table(
        "dues_base",
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("member_uuid", sa.String(length=36), nullable=False),
        sa.Column("effective_month", sa.String(length=7), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("gross", sa.String(length=20), nullable=True),
        sa.Column("income_tax", sa.String(length=20), nullable=False),
        sa.Column("social", sa.String(length=20), nullable=False),
        sa.Column("fixed", sa.String(length=20), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_uuid"], ["member.uuid"], name=op.f("fk_dues_base_member_uuid_member")
        ),
        sa.PrimaryKeyConstraint("uuid", name=op.f("pk_dues_base")),
    )
    with op.batch_alter_table("dues_base", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dues_base_member_uuid"), ["member_uuid"], unique=False)

    op.create_table(
        "dues_payment",
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("member_uuid", sa.String(length=36), nullable=False),
        sa.Column("paid_on", sa.String(length=10), nullable=False),
        sa.Column("months", sa.Text(), nullable=False),
        sa.Column("amount", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("receipt", sa.Text(), nullable=False),
        sa.Column("collector", sa.Text(), nullable=False),
        sa.Column("method", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_uuid"], ["member.uuid"], name=op.f("fk_dues_payment_member_uuid_member")
        ),
        sa.PrimaryKeyConstraint("uuid", name=op.f("pk_dues_payment")),
    )
    with op.batch_alter_table("dues_payment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dues_payment_member_uuid"), ["member_uuid"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("dues_payment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dues_payment_member_uuid"))

    op.drop_table("dues_payment")
    with op.batch_alter_table("dues_base", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dues_base_member_uuid"))

    op.drop_table("dues_base")
    with op.batch_alter_table("dues_adjustment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dues_adjustment_member_uuid"))

    op.drop_table("dues_adjustment")
    op.drop_table("dues_remittance")
