"""Retrieval and pair-similarity evaluation on public data (`kcrm eval`)."""
