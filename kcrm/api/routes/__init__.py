"""Every router, included by the app factory in this order."""

from fastapi import APIRouter

from kcrm.api.routes import (
    assist,
    auth,
    catalog,
    chat,
    curation,
    customers,
    follow_ups,
    health,
    imports,
    knowledge,
    orders,
    tickets,
    users,
)

ROUTERS: list[APIRouter] = [
    health.router,
    auth.router,
    users.router,
    customers.router,
    catalog.router,
    orders.router,
    tickets.router,
    follow_ups.router,
    imports.router,
    knowledge.router,
    assist.router,
    curation.router,
    chat.router,
]
