"""Every console router; each area (auth, agent, chat, km, admin) has its own module."""

from fastapi import APIRouter

from kcrm.web.routes import auth, chat

WEB_ROUTERS: list[APIRouter] = [
    auth.router,
    chat.router,
]
