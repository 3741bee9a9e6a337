"""kcrm: a knowledge-assisted CRM service."""

__version__ = "0.1.0"
