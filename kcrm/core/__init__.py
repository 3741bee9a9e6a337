"""Cross-domain building blocks: errors, database base, pagination, audit."""
