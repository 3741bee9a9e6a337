"""More scenarios: customs holds, returns from abroad, exchanges for another model, auto-cancel."""

# Conversation texts are data: long phrasings stay on one line each, for easy editing.
# ruff: noqa: E501

from __future__ import annotations

from scenario import A, C, N, S, Scenario

CUSTOMS = Scenario(
    key="dhl_customs_hold",
    playbook="order_tracking",
    kind="inquiry",
    statuses=("delivered",),
    rule="in_transit",
    timing="in_transit",
    duration_h=(1, 30),
    languages=("en",),
    channels=("email", "chat", "web_form"),
    actions=["verify_identity", "check_order_status", "share_tracking_number", "explain_delivery_eta"],
    subject={"en": ["Parcel held at customs", "DHL says customs clearance", "Import duty question"], "zh": [""]},
    opening={"en": ["DHL says my parcel {tracking} is held in customs. Do I need to do anything?",
                    "I got a message from DHL asking me to pay import duty for order {order}. Is that right?",
                    "My {product} has been 'in clearance' for two days."], "zh": [""]},
    beats=[
        A([""], ["Thanks for letting us know. International orders are shipped duties-unpaid, so import duty and local VAT are collected by DHL from the recipient. Paying via the DHL link releases the parcel."]),
        A([""], ["The commercial invoice is already attached to the shipment. Once the duty is paid it normally clears within 1-2 working days; the tracking number stays {tracking}."]),
        C([""], ["Paid it, the status changed to 'out for delivery'.", "OK, understood. I'll pay it today."]),
    ],
    resolution={"en": ["Parcel held at customs for duty; explained DDU terms and how to pay DHL, shipment released."], "zh": [""]},
    satisfaction=(1, 2, 4, 6, 5),
)  # fmt: skip

RETURN_ABROAD = Scenario(
    key="return_abroad_dhl_label",
    playbook="return_within_7_days",
    kind="return",
    statuses=("returned",),
    timing="after_delivery",
    after_h=(20, 150),
    duration_h=(150, 330),
    languages=("en",),
    channels=("email", "web_form", "chat"),
    actions=["verify_identity", "check_order_status", "check_return_eligibility", "create_return",
             "arrange_pickup", "issue_refund"],
    subject={"en": ["Return from overseas", "How do I send this back to China?"], "zh": [""]},
    opening={"en": ["I live in {city} - how do I return the {product}? It doesn't suit my kitchen.",
                    "I'd like to return order {order}. Do I have to ship it to China myself?"], "zh": [""]},
    beats=[
        A([""], ["Yes, you're within the 7 days. I've created the return and e-mailed you the return number and our returns address. For a change-of-mind return the parcel goes back at your own cost; I can book a DHL pickup for you at the DHL rate if that's easier. Duties paid on import are not refunded for change-of-mind returns."]),
        C([""], ["Sent it back with DHL this morning.", "Please book the DHL pickup - I'll pay for it.", "Dropped it at the DHL service point."]),
        S([""], ["Return received at the Shanghai returns centre; inspection passed."]),
        A([""], ["We've received and checked the {product}; the refund of CNY {amount} is on its way to your card and takes 5-10 working days to show."]),
    ],
    resolution={"en": ["Overseas 7-day return: return created, customer shipped it back at own cost, item inspected and CNY {amount} refunded to card."], "zh": [""]},
    satisfaction=(1, 1, 3, 6, 6),
)  # fmt: skip

EXCHANGE_MODEL = Scenario(
    key="exchange_for_other_model",
    playbook="exchange_within_15_days",
    kind="return",
    categories=("air_purifier", "robot_vacuum", "rice_cooker", "kitchen_small", "refrigerator"),
    statuses=("delivered",),
    timing="after_delivery",
    after_h=(10, 140),
    duration_h=(48, 150),
    actions=["verify_identity", "check_order_status", "check_return_eligibility", "create_exchange",
             "arrange_pickup", "send_replacement"],
    subject={"zh": ["换成大一号的型号", "想换其他型号"], "en": ["Swap for a bigger model", "Exchange for a different model"]},
    opening={"zh": ["{product}买小了，能补差价换大一号的吗？", "收到{model}发现放不进柜子，想换个小一点的型号。"],
             "en": ["The {product} turned out too small for our room. Can I pay the difference and swap it?",
                    "The {model} doesn't fit where I planned. Could I exchange it for another model?"]},
    beats=[
        A(["签收 7 天内、商品完好的可以换其他型号，多退少补。您想换哪一款？", "可以的，还在 7 天内。换不同型号需要补差价或退差价。"],
          ["Within 7 days of delivery and in as-new condition, yes - we exchange it and settle the price difference. Which model would you like?"]),
        C(["换高一档的那款。", "那就换同系列大一号的。"], ["The next size up, please.", "The bigger one in the same range."]),
        A(["已创建换货单，差价链接已发给您；新机发出时同步取回原机。"], ["Exchange created and the price-difference link sent; we collect the original when the new one is delivered."]),
        N(["差价已支付，换货单已推送仓库。"], ["Price difference paid; exchange released to the warehouse."], optional=True),
    ],
    resolution={"zh": ["7 天内换其他型号，补差价后换货，原机取回。"], "en": ["Exchanged for a different model within 7 days; price difference settled, original collected."]},
    satisfaction=(0, 1, 2, 5, 10),
)  # fmt: skip

AUTO_CANCEL = Scenario(
    key="order_auto_cancelled_unpaid",
    playbook="order_cancellation",
    kind="inquiry",
    statuses=("cancelled",),
    rule="unpaid",
    timing="after_placed",
    after_h=(0.6, 6),
    duration_h=(0.1, 1),
    channels=("chat", "phone"),
    actions=["verify_identity", "check_order_status"],
    subject={"zh": ["订单怎么被取消了", "订单自动取消"], "en": ["Why was my order cancelled?", "Order cancelled automatically"]},
    opening={"zh": ["我的订单怎么自己取消了？我还没来得及付款。", "订单{order}显示已取消，优惠券还能用吗？"],
             "en": ["My order {order} shows cancelled - I hadn't paid yet.", "Why did my order get cancelled?"]},
    beats=[
        A(["下单后 30 分钟内未付款的订单会自动取消，使用的积分和优惠券已经自动退回，您可以重新下单。"],
          ["Orders not paid within 30 minutes are cancelled automatically; any points or coupons have been returned, so you can simply order again."]),
        C(["好，我重新下一单。"], ["OK, I'll place it again."]),
    ],
    resolution={"zh": ["未付款订单超 30 分钟自动取消，告知积分优惠券已退回，客户重新下单。"],
                "en": ["Unpaid order auto-cancelled after 30 minutes; coupons and points returned, customer re-ordered."]},
    satisfaction=(0, 0, 1, 4, 10),
)  # fmt: skip

POINTS_PENDING = Scenario(
    key="points_pending_window",
    playbook="points_membership",
    kind="inquiry",
    statuses=("delivered",),
    timing="after_delivery",
    after_h=(24, 150),
    duration_h=(0.1, 2),
    actions=["verify_identity", "check_points_balance", "explain_membership_rules"],
    subject={"zh": ["积分显示待入账", "积分什么时候到"], "en": ["Points pending", "When do I get my points?"]},
    opening={"zh": ["刚收到货，积分怎么显示“待入账”？", "订单{order}的积分什么时候能用？"],
             "en": ["My points for order {order} say 'pending'. Why?", "When can I use the points from my last order?"]},
    beats=[
        A(["积分在签收后第 8 天到账，7 天无理由退货期内显示“待入账”，到期会自动入账，您这单是{delivered}签收的。"],
          ["Points post on day 8 after delivery - during the 7-day return window they show as pending. Your order was delivered on {delivered}, so they'll post automatically."]),
        C(["明白了。"], ["Got it, thanks."]),
    ],
    resolution={"zh": ["积分处于 7 天退货期待入账状态，说明第 8 天自动到账。"], "en": ["Points pending during the return window; explained they post on day 8."]},
    satisfaction=(0, 0, 1, 4, 10),
)  # fmt: skip

INSTALL_RESCHEDULE = Scenario(
    key="installation_no_show",
    playbook="installation_booking",
    kind="complaint",
    statuses=("delivered",),
    rule="installable",
    timing="after_delivery",
    after_h=(50, 100),
    duration_h=(20, 60),
    languages=("zh",),
    priority=("high",),
    actions=["verify_identity", "check_order_status", "arrange_installation",
             "offer_compensation_points", "schedule_follow_up"],
    details={"arrange_installation": {"rebooked": True}, "offer_compensation_points": {"points": 1000}},
    subject={"zh": ["安装师傅没来", "约好的安装爽约了"], "en": [""]},
    opening={"zh": ["约了今天上午装{product}，等了一上午师傅也没来，电话也打不通！", "签收三天了还没人联系安装，到底什么时候来？"], "en": [""]},
    beats=[
        A(["非常抱歉！我查到您的安装单被网点误关闭了，已经重新派单并加急，师傅 2 小时内给您回电确认时间。这个问题由我跟进到底。"], [""]),
        N(["安装单误关闭，已重新派单，网点确认明早上门。按标准补偿 1000 积分（P02）。"], [""]),
        A(["网点确认明天上午 9–11 点上门。给您造成的不便，补偿 1000 积分已到账。"], [""]),
        C(["师傅今天装好了。"], [""], optional=True),
    ],
    resolution={"zh": ["安装单被误关闭导致爽约，重新派单次日完成安装，补偿 1000 积分并回访。"], "en": [""]},
    satisfaction=(2, 2, 4, 5, 3),
)  # fmt: skip

SCENARIOS = [
    CUSTOMS,
    RETURN_ABROAD,
    EXCHANGE_MODEL,
    AUTO_CANCEL,
    POINTS_PENDING,
    INSTALL_RESCHEDULE,
]
