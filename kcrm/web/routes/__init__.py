"""Every console router; each area (auth, agent, chat, km, admin) has its own module."""

from fastapi import APIRouter

from kcrm.web.routes import admin, agent, auth, chat, km, km_queues

WEB_ROUTERS: list[APIRouter] = [
    auth.router,
    agent.router,
    chat.router,
    km.router,
    km_queues.router,
    admin.router,
]
