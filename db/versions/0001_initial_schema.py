"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "branch",
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("org_class", sa.Integer(), nullable=True),
        sa.Column("higher_committee", sa.Text(), nullable=False),
        sa.Column("is_village", sa.Integer(), nullable=False),
        sa.Column("term_start", sa.String(length=10), nullable=True),
        sa.Column("term_years", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("uuid", name=op.f("pk_branch")),
    )
    op.create_table(
        "journal",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("op", sa.String(length=12), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_journal")),
    )
    with op.batch_alter_table("journal", schema=None) as batch_op:
        batch_op.create_index("ix_journal_entity_uuid", ["entity", "uuid"], unique=False)

    op.create_table(
        "party_group",
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("uuid", name=op.f("pk_party_group")),
        sa.UniqueConstraint("name", name=op.f("uq_party_group_name")),
    )
    op.create_table(
        "workspace_meta",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_workspace_meta")),
    )
    op.create_table(
        "member",
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("gender", sa.String(length=2), nullable=False),
        sa.Column("ethnicity", sa.Text(), nullable=False),
        sa.Column("birth_date", sa.String(length=10), nullable=True),
        sa.Column("id_number", sa.String(length=18), nullable=True),
        sa.Column("education", sa.Text(), nullable=False),
        sa.Column("native_place", sa.Text(), nullable=False),
        sa.Column("work_start", sa.String(length=10), nullable=True),
        sa.Column("job", sa.Text(), nullable=False),
        sa.Column("post", sa.String(length=10), nullable=True),
        sa.Column("category", sa.String(length=20), nullable=True),
        sa.Column("phone", sa.Text(), nullable=False),
        sa.Column("group_uuid", sa.String(length=36), nullable=True),
        sa.Column("team", sa.Text(), nullable=False),
        sa.Column("is_mobile", sa.Integer(), nullable=False),
        sa.Column("mobile_to", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_uuid"], ["party_group.uuid"], name=op.f("fk_member_group_uuid_party_group")
        ),
        sa.PrimaryKeyConstraint("uuid", name=op.f("pk_member")),
        sa.UniqueConstraint("id_number", name=op.f("uq_member_id_number")),
    )
    op.create_table(
        "membership_event",
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("member_uuid", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("on_date", sa.String(length=10), nullable=True),
        sa.Column("elsewhere", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_uuid"], ["member.uuid"], name=op.f("fk_membership_event_member_uuid_member")
        ),
        sa.PrimaryKeyConstraint("uuid", name=op.f("pk_membership_event")),
    )
    with op.batch_alter_table("membership_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_membership_event_member_uuid"), ["member_uuid"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("membership_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_membership_event_member_uuid"))

    op.drop_table("membership_event")
    op.drop_table("member")
    op.drop_table("workspace_meta")
    op.drop_table("party_group")
    with op.batch_alter_table("journal", schema=None) as batch_op:
        batch_op.drop_index("ix_journal_entity_uuid")

    op.drop_table("journal")
    op.drop_table("branch")
