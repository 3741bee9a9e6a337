"""Assist: suggested replies, next best actions and the customer chat, over ports and services."""
