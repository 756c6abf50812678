"""year-end archives and their reopenings

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "year_archive",
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("manifest_sha256", sa.String(length=64), nullable=False),
        sa.Column("journal_head", sa.String(length=64), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("folder_name", sa.Text(), nullable=False),
        sa.Column("violations", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("uuid", name=op.f("pk_year_archive")),
    )
    op.create_table(
        "period_reopen",
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("reopened_on", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("archive_uuid", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["archive_uuid"],
            ["year_archive.uuid"],
            name=op.f("fk_period_reopen_archive_uuid_year_archive"),
        ),
        sa.PrimaryKeyConstraint("uuid", name=op.f("pk_period_reopen")),
    )


def downgrade() -> None:
    op.drop_table("period_reopen")
    op.drop_table("year_archive")
