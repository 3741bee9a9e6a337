"""The demo company's data: users, ERP records, tickets and knowledge."""

from kcrm.demo.loader import load_demo

__all__ = ["load_demo"]
