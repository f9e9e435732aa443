"""PDFs: the LibreOffice converters and their supervisor, PDF copies and merged packs, and the print pack for post."""
