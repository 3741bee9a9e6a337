"""The conventional customer database: customers, catalog, orders, tickets."""
