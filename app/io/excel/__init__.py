"""Excel (.xlsx) adapters: read the sheets secretaries keep and write our templates."""
