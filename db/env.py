"""Alembic environment. Migrations run in-process from app.storage.workspace on a
connection passed in `config.attributes["connection"]`; there is no alembic.ini."""

from alembic import context

from app.storage.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    transaction_per_migration=True,
)
with context.begin_transaction():
    context.run_migrations()
