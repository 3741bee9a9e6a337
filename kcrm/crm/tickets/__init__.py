"""The tickets domain."""
