"""SQLite workspace: schema, migrations, journal, backups and repositories."""
