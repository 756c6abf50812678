"""record book

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "branch_setting",
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("uuid", name=op.f("pk_branch_setting")),
        sa.UniqueConstraint("key", name=op.f("uq_branch_setting_key")),
    )
    op.create_table(
        "entry_template",
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("entry_type", sa.String(length=20), nullable=False),
        sa.Column("agenda", sa.Text(), nullable=False),
        sa.Column("minutes", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("uuid", name=op.f("pk_entry_template")),
        sa.UniqueConstraint("entry_type", name=op.f("uq_entry_template_entry_type")),
    )
    op.create_table(
        "period_lock",
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("locked_on", sa.String(length=10), nullable=False),
        sa.PrimaryKeyConstraint("uuid", name=op.f("pk_period_lock")),
        sa.UniqueConstraint("period", name=op.f("uq_period_lock_period")),
    )
    op.create_table(
        "entry",
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("date", sa.String(length=10), nullable=False),
        sa.Column("start", sa.String(length=5), nullable=True),
        sa.Column("end", sa.String(length=5), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("place", sa.Text(), nullable=False),
        sa.Column("host", sa.Text(), nullable=False),
        sa.Column("recorder", sa.Text(), nullable=False),
        sa.Column("group_uuid", sa.String(length=36), nullable=True),
        sa.Column("makeup_of", sa.String(length=36), nullable=True),
        sa.Column("topics", sa.Text(), nullable=False),
        sa.Column("agenda", sa.Text(), nullable=False),
        sa.Column("minutes", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("absences", sa.Text(), nullable=False),
        sa.Column("nonvoting", sa.Text(), nullable=False),
        sa.Column("resolutions", sa.Text(), nullable=False),
        sa.Column("grades", sa.Text(), nullable=False),
        sa.Column("participants", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_uuid"], ["party_group.uuid"], name=op.f("fk_entry_group_uuid_party_group")
        ),
        sa.ForeignKeyConstraint(["makeup_of"], ["entry.uuid"], name=op.f("fk_entry_makeup_of_entry")),
        sa.PrimaryKeyConstraint("uuid", name=op.f("pk_entry")),
    )
    with op.batch_alter_table("entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_entry_date"), ["date"], unique=False)

    op.create_table(
        "correction",
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("entry_uuid", sa.String(length=36), nullable=False),
        sa.Column("made_on", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("before", sa.Text(), nullable=False),
        sa.Column("after", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["entry_uuid"], ["entry.uuid"], name=op.f("fk_correction_entry_uuid_entry")),
        sa.PrimaryKeyConstraint("uuid", name=op.f("pk_correction")),
    )
    with op.batch_alter_table("correction", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_correction_entry_uuid"), ["entry_uuid"], unique=False)

    op.create_table(
        "member_flag",
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("member_uuid", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("start", sa.String(length=10), nullable=False),
        sa.Column("end", sa.String(length=10), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_uuid"], ["member.uuid"], name=op.f("fk_member_flag_member_uuid_member")
        ),
        sa.PrimaryKeyConstraint("uuid", name=op.f("pk_member_flag")),
    )
    with op.batch_alter_table("member_flag", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_member_flag_member_uuid"), ["member_uuid"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("member_flag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_member_flag_member_uuid"))

    op.drop_table("member_flag")
    with op.batch_alter_table("correction", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_correction_entry_uuid"))

    op.drop_table("correction")
    with op.batch_alter_table("entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entry_date"))

    op.drop_table("entry")
    op.drop_table("period_lock")
    op.drop_table("entry_template")
    op.drop_table("branch_setting")
