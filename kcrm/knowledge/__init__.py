"""The knowledge engine: ingestion, chunking, embedding, indexing, retrieval."""
