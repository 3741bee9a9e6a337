"""Every console router; each area (auth, agent, chat, km, admin) has its own module."""

from fastapi import APIRouter

from kcrm.web.routes import agent, auth, chat

WEB_ROUTERS: list[APIRouter] = [
    auth.router,
    agent.router,
    chat.router,
]
