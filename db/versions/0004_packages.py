"""signing keys, exported and received packages, committee tables

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "branch_member",
        sa.Column("branch_code", sa.String(length=40), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("as_of", sa.String(length=10), nullable=False),
        sa.Column("gender", sa.String(length=2), nullable=False),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("birth_month", sa.Integer(), nullable=True),
        sa.Column("education", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=14), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=True),
        sa.PrimaryKeyConstraint("branch_code", "uuid", name=op.f("pk_branch_member")),
    )
    op.create_table(
        "branch_period",
        sa.Column("branch_code", sa.String(length=40), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("members", sa.Integer(), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("dues_due", sa.String(length=20), nullable=False),
        sa.Column("dues_collected", sa.String(length=20), nullable=False),
        sa.Column("violations", sa.Integer(), nullable=False),
        sa.Column("warnings", sa.Integer(), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("branch_code", "period", name=op.f("pk_branch_period")),
    )
    op.create_table(
        "branch_record",
        sa.Column("branch_code", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("branch_code", "kind", "uuid", name=op.f("pk_branch_record")),
    )
    op.create_index("ix_branch_record_uuid", "branch_record", ["uuid"], unique=False)
    op.create_table(
        "enrolled_branch",
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("org_class", sa.Integer(), nullable=True),
        sa.Column("enrolled_on", sa.String(length=10), nullable=False),
        sa.PrimaryKeyConstraint("uuid", name=op.f("pk_enrolled_branch")),
        sa.UniqueConstraint("code", name=op.f("uq_enrolled_branch_code")),
    )
    op.create_table(
        "enrolled_key",
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("branch_code", sa.String(length=40), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("public_key", sa.Text(), nullable=False),
        sa.Column("enrolled_on", sa.String(length=10), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("ended_on", sa.String(length=10), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("uuid", name=op.f("pk_enrolled_key")),
        sa.UniqueConstraint("key_id", name=op.f("uq_enrolled_key_key_id")),
    )
    op.create_index(op.f("ix_enrolled_key_branch_code"), "enrolled_key", ["branch_code"], unique=False)
    op.create_table(
        "package_export",
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("periods", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("previous_sha256", sa.String(length=64), nullable=True),
        sa.Column("journal_head", sa.String(length=64), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("encrypted", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("uuid", name=op.f("pk_package_export")),
        sa.UniqueConstraint("sequence", name=op.f("uq_package_export_sequence")),
    )
    op.create_table(
        "received_package",
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("branch_code", sa.String(length=40), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("periods", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("previous_sha256", sa.String(length=64), nullable=True),
        sa.Column("manifest_sha256", sa.String(length=64), nullable=False),
        sa.Column("journal_head", sa.String(length=64), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("imported_at", sa.String(length=32), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("counts", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("uuid", name=op.f("pk_received_package")),
    )
    op.create_index(
        "ux_received_package_branch_seq", "received_package", ["branch_code", "sequence"], unique=True
    )
    op.create_table(
        "signing_key",
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("public_key", sa.Text(), nullable=False),
        sa.Column("created_on", sa.String(length=10), nullable=False),
        sa.Column("retired_on", sa.String(length=10), nullable=True),
        sa.Column("predecessor", sa.String(length=16), nullable=True),
        sa.Column("handover", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("uuid", name=op.f("pk_signing_key")),
        sa.UniqueConstraint("key_id", name=op.f("uq_signing_key_key_id")),
    )


def downgrade() -> None:
    op.drop_table("signing_key")
    op.drop_table("received_package")
    op.drop_table("package_export")
    op.drop_table("enrolled_key")
    op.drop_table("enrolled_branch")
    op.drop_table("branch_record")
    op.drop_table("branch_period")
    op.drop_table("branch_member")
