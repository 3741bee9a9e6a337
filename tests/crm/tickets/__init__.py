"""Tests for the tickets domain."""
