"""Small factory functions, one module per domain."""
