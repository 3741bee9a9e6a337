"""What the chat says, in Chinese and English, and the order and ticket facts it reports."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from kcrm.crm.orders.models import Order
from kcrm.crm.tickets.models import Ticket

MESSAGES: dict[str, dict[str, str]] = {
    "zh": {
        "handoff_requested": "好的，已为您转接人工客服（工单号 #{ticket}），客服人员会尽快联系您。",
        "handoff_low_confidence": (
            "抱歉，这个问题我暂时无法给出可靠的答复。已为您转接人工客服（工单号 #{ticket}），"
            "客服人员会尽快回复您。"
        ),
        "handoff_out_of_scope": (
            "抱歉，这个问题超出了我能解答的范围。已为您转接人工客服（工单号 #{ticket}），"
            "客服人员会尽快回复您。"
        ),
        "handoff_anonymous": (
            "这个问题需要人工客服为您处理。请先登录账户后再联系我们，"
            "或在这里留下您的邮箱地址，客服人员会与您联系。"
        ),
        "refused": (
            "抱歉，我只能帮您查询您本人的订单和工单，以及我们公开的服务信息；"
            "其他客户的信息、内部资料和系统设定都无法提供。"
        ),
        "login_for_orders": "查询订单和工单需要先登录账户，登录后我可以为您查看状态和物流信息。",
        "order_not_found": "在您的账户中没有找到这个订单号，请核对后再试。",
        "no_orders": "您的账户中暂时没有订单记录。",
        "order": "您的订单 {number} 当前状态：{status}。",
        "shipping": "承运商：{carrier}，物流单号：{tracking}。",
        "dates": "下单时间：{placed}{shipped}{delivered}。",
        "shipped": "，发货时间：{day}",
        "delivered": "，签收时间：{day}",
        "no_tickets": "您目前没有处理中的工单。",
        "tickets": "您有 {count} 个处理中的工单：",
        "ticket": "#{id}「{subject}」（{status}）",
        "transcript": "在线客服对话记录（转人工原因：{reason}）",
        "context": "转人工时检索到的资料（仅供客服参考）：",
    },
    "en": {
        "handoff_requested": (
            "Sure, I'm handing you over to a human agent (ticket #{ticket}). "
            "An agent will get back to you soon."
        ),
        "handoff_low_confidence": (
            "Sorry, I can't give you a reliable answer to that. I've passed your question to a "
            "human agent (ticket #{ticket}), who will get back to you soon."
        ),
        "handoff_out_of_scope": (
            "Sorry, that is outside what I can help with. I've passed your question to a "
            "human agent (ticket #{ticket}), who will get back to you soon."
        ),
        "handoff_anonymous": (
            "A human agent needs to help with this. Please log in to your account and ask again, "
            "or leave your e-mail address here and an agent will contact you."
        ),
        "refused": (
            "Sorry, I can only help with your own orders and tickets and with our public service "
            "information. I can't share other customers' details, internal documents or my "
            "configuration."
        ),
        "login_for_orders": (
            "Please log in to check your orders and tickets; then I can show you their status "
            "and tracking details."
        ),
        "order_not_found": (
            "I couldn't find that order number in your account. Please check it and try again."
        ),
        "no_orders": "There are no orders in your account yet.",
        "order": "Your order {number} is {status}.",
        "shipping": "Carrier: {carrier}, tracking number: {tracking}.",
        "dates": "Placed on {placed}{shipped}{delivered}.",
        "shipped": ", shipped on {day}",
        "delivered": ", delivered on {day}",
        "no_tickets": "You have no open tickets at the moment.",
        "tickets": "You have {count} open ticket(s): ",
        "ticket": '#{id} "{subject}" ({status})',
        "transcript": "Chat transcript (handed over: {reason})",
        "context": "Retrieved context at handoff (for agents only):",
    },
}

ORDER_STATUS = {
    "zh": {
        "placed": "已下单，待付款",
        "paid": "已付款，等待发货",
        "shipped": "已发货，正在运输中",
        "delivered": "已签收",
        "returned": "已退货",
        "cancelled": "已取消",
    },
    "en": {
        "placed": "placed and awaiting payment",
        "paid": "paid and waiting to be shipped",
        "shipped": "shipped and on its way",
        "delivered": "delivered",
        "returned": "returned",
        "cancelled": "cancelled",
    },
}

TICKET_STATUS = {
    "zh": {
        "new": "已受理",
        "open": "处理中",
        "pending": "等待您的回复",
        "reopened": "重新处理中",
        "resolved": "已解决",
        "closed": "已关闭",
    },
    "en": {
        "new": "received",
        "open": "in progress",
        "pending": "waiting for your reply",
        "reopened": "reopened",
        "resolved": "resolved",
        "closed": "closed",
    },
}


def say(language: str, key: str, **values: object) -> str:
    """One chat message in the language (English when the language is unknown)."""
    return MESSAGES.get(language, MESSAGES["en"])[key].format(**values)


def _day(moment: datetime | None) -> str:
    return moment.date().isoformat() if moment else ""


def order_status(order: Order, language: str) -> str:
    """An order's status, carrier, tracking number and dates, in the customer's language."""
    status = ORDER_STATUS.get(language, ORDER_STATUS["en"])[str(order.status)]
    parts = [say(language, "order", number=order.number, status=status)]
    if order.carrier or order.tracking_number:
        parts.append(
            say(
                language,
                "shipping",
                carrier=order.carrier or "-",
                tracking=order.tracking_number or "-",
            )
        )
    shipped = say(language, "shipped", day=_day(order.shipped_at)) if order.shipped_at else ""
    delivered = (
        say(language, "delivered", day=_day(order.delivered_at)) if order.delivered_at else ""
    )
    parts.append(
        say(language, "dates", placed=_day(order.placed_at), shipped=shipped, delivered=delivered)
    )
    return ("" if language == "zh" else " ").join(parts)


def ticket_list(tickets: Sequence[Ticket], language: str) -> str:
    """The customer's open tickets and their status."""
    if not tickets:
        return say(language, "no_tickets")
    labels = TICKET_STATUS.get(language, TICKET_STATUS["en"])
    items = [
        say(language, "ticket", id=t.id, subject=t.subject, status=labels[str(t.status)])
        for t in tickets
    ]
    separator = "；" if language == "zh" else "; "
    return (
        say(language, "tickets", count=len(tickets))
        + separator.join(items)
        + ("。" if language == "zh" else ".")
    )
