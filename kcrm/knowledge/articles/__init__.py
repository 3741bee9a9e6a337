"""Knowledge articles: SQL is the source of truth for their text and every published version."""
