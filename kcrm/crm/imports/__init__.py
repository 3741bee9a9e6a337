"""ERP import: parse CSV/JSON/XML files, validate every row, upsert in one transaction."""
