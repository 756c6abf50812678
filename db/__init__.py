"""Alembic environment and versions, shipped with the application."""
