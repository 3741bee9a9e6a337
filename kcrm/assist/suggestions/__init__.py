"""Agent suggestions: grounded reply drafts with the customer context and next actions, and
the agents' feedback on them."""
