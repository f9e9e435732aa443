"""Blank and pre-filled meeting forms: the Word and Excel forms staff fill in, generated from the schema."""
