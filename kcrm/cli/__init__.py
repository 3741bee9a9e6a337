"""The `kcrm` command line."""

from kcrm.cli.main import app

__all__ = ["app"]
