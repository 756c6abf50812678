"""Reading and writing files the user hands us: Excel sheets, PDFs, packages."""
