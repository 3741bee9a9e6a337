"""Import every table module so metadata is complete (Alembic, create_all)."""

from kcrm.assist.chat.models import ChatMessage, ChatSession
from kcrm.assist.gaps.models import KnowledgeGap
from kcrm.assist.suggestions.models import Suggestion, SuggestionFeedback, SuggestionSource
from kcrm.auth.models import ApiKey, User
from kcrm.core.audit import AuditLog
from kcrm.crm.catalog.models import Product
from kcrm.crm.customers.models import Contact, Customer, Interaction
from kcrm.crm.orders.models import Order, OrderLine
from kcrm.crm.tickets.models import FollowUp, Ticket, TicketAction, TicketMessage
from kcrm.knowledge.articles.models import Article, ArticleVersion
from kcrm.knowledge.curation.models import ArticleUsage, GapDraft

__all__ = [
    "ApiKey",
    "Article",
    "ArticleUsage",
    "ArticleVersion",
    "AuditLog",
    "ChatMessage",
    "ChatSession",
    "Contact",
    "Customer",
    "FollowUp",
    "GapDraft",
    "Interaction",
    "KnowledgeGap",
    "Order",
    "OrderLine",
    "Product",
    "Suggestion",
    "SuggestionFeedback",
    "SuggestionSource",
    "Ticket",
    "TicketAction",
    "TicketMessage",
    "User",
]
