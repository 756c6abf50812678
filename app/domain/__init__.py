"""Pure rules and calculations. No Qt, no SQLAlchemy, no file I/O."""
