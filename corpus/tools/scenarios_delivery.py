"""Scenarios around orders and delivery: tracking, delays, damage, address changes, cancelling."""

# Conversation texts are data: long phrasings stay on one line each, for easy editing.
# ruff: noqa: E501

from __future__ import annotations

from scenario import A, C, N, S, Scenario

LARGE = ("air_conditioner", "refrigerator", "dishwasher", "water_heater")
SMALL = ("air_purifier", "robot_vacuum", "rice_cooker", "kitchen_small", "smart_home")

TRACKING = Scenario(
    key="tracking_in_transit",
    playbook="order_tracking",
    kind="inquiry",
    statuses=("delivered", "returned"),
    rule="in_transit",
    timing="in_transit",
    duration_h=(0.2, 2),
    weight=2.0,
    subject={
        "zh": ["查询订单{order}物流", "我的{product}到哪了", "请问什么时候送到"],
        "en": ["Where is my order {order}?", "Delivery status of my {product}", "Tracking request"],
    },
    opening={
        "zh": [
            "你好，我{placed}买的{product}什么时候能到？订单号{order}。",
            "请问我的订单发货了吗？到哪了？一直没收到短信。",
            "买了台{model}，想问下物流到哪了，周末家里没人。",
            "查一下订单{order}的快递，App 里看不太明白。",
        ],
        "en": [
            "Hi, I ordered the {product} on {placed}. Any idea when it will arrive?",
            "Can you tell me where my order {order} is? I haven't had a shipping e-mail.",
            "Hello, just checking on the delivery status of my {model}. I need to be home for it.",
        ],
    },
    beats=[
        S(["订单 {order}：已发货（{shipped}），承运商 {carrier}，运单号 {tracking}，运输中。"],
          ["Order {order}: shipped {shipped}, carrier {carrier}, waybill {tracking}, in transit."]),
        A(["查到了，您的订单{shipped}已发出，{carrier}运单号 {tracking}，可以在{carrier}小程序或 App“我的订单-查看物流”里看实时轨迹。",
           "您的包裹已经在路上了：{carrier} {tracking}。发货短信可能被拦截了，您可以在 App 订单页直接查看物流。"],
          ["Your order left our warehouse on {shipped} with {carrier}, tracking number {tracking}. You can follow it on the carrier's site or in the Hearth app under My Orders.",
           "Good news, it's on its way: {carrier} waybill {tracking}. The shipping e-mail may have gone to spam."]),
        A(["目前在运输途中，预计 1–3 天内送达，派送前快递员会电话联系您。",
           "包裹已到达本地分拨中心，预计明天派送。大家电由京东物流提前一天电话预约送货时间。",
           "按目前轨迹 {days} 天左右到，不在家的话可以跟快递员约改天派送。"],
          ["It's in transit and should reach you within {days} working days. DHL e-mails you before delivery so you can pick a time.",
           "It has passed the sorting hub and is due out for delivery in the next day or two.",
           "If you won't be home, you can reschedule the delivery from the carrier's notification."]),
    ],
    actions=["verify_identity", "check_order_status", "share_tracking_number", "?explain_delivery_eta"],
    resolution={
        "zh": ["已告知客户运单号 {tracking}（{carrier}）及预计送达时间，客户自行跟踪物流。",
               "订单已发货在途，提供{carrier}单号并说明 1–3 天送达，客户无其他问题。"],
        "en": ["Shared {carrier} tracking {tracking} and the expected delivery window; customer will follow the parcel.",
               "Order in transit; gave the waybill number and ETA. No further action needed."],
    },
    satisfaction=(0, 0, 1, 4, 10),
)  # fmt: skip

LATE_LARGE = Scenario(
    key="late_delivery_large",
    playbook="late_delivery",
    kind="complaint",
    categories=LARGE,
    statuses=("delivered",),
    rule="late",
    timing="late",
    duration_h=(2, 20),
    weight=1.6,
    priority=("normal", "high"),
    subject={
        "zh": ["{product}迟迟没有送到", "物流延误投诉：订单{order}", "大家电超时未配送"],
        "en": ["My {product} is late", "Complaint: order {order} delayed", "Appliance delivery overdue"],
    },
    opening={
        "zh": ["{shipped}就发货了，到现在{product}还没送到，物流好几天没动了，怎么回事？",
               "订单{order}，说好三天到，现在都快一周了，装修师傅都等着呢！",
               "你们的京东物流一直显示在分拣中心，{model}到底什么时候送？我请了假在家等。",
               "催一下件，冰箱/空调这种大件怎么这么慢，再不送我就退了。"],
        "en": ["My {product} shipped on {shipped} and still hasn't arrived. Tracking hasn't moved for days.",
               "Order {order} is well past the promised delivery date. What's going on?",
               "I took a day off to wait for the {model} delivery and nobody came. Please sort this out."],
    },
    beats=[
        S(["物流轨迹：{shipped} 已揽收；之后 72 小时以上无更新。"],
          ["Tracking: collected {shipped}; no scan for more than 72 hours."]),
        A(["非常抱歉让您久等了。我看到包裹{shipped}发出后在中转站停留超过 72 小时，已经马上向{carrier}发起查件催派。",
           "真的很抱歉，确实超出了承诺时效。我这边立刻联系{carrier}网点核实原因，今天内给您回复。"],
          ["I'm really sorry for the wait. The parcel has been sitting at a hub for over 72 hours, so I've opened a trace with {carrier} right away.",
           "Apologies, this is past our promised delivery time. I'm chasing {carrier} now and will update you today."]),
        N(["已联系{carrier}，查件编号已记录；网点回复为大促爆仓导致滞留，承诺明天优先派送。",
           "{carrier}回复：车辆调度延误，已加急，预计 24 小时内派送。"],
          ["Trace opened with {carrier}; hub backlog after the promotion, priority delivery promised for tomorrow.",
           "{carrier} confirmed a linehaul delay; parcel expedited, delivery expected within 24h."]),
        A(["{carrier}回复包裹明天优先派送，运单号 {tracking}，送货前会电话联系您。为表歉意，给您账户补偿 {points} 积分，下次购物可抵扣。",
           "已经催好了，明天上午送达，运单号 {tracking}。这次延误是我们的问题，额外给您补偿 {points} 积分（100 积分抵 1 元）。"],
          ["{carrier} will prioritise your parcel for delivery tomorrow (tracking {tracking}). As an apology I've added {points} points to your account.",
           "It's now out for delivery tomorrow; tracking {tracking}. I've also credited {points} member points for the delay."]),
        C(["已经收到了，师傅也约好了。", "东西今天送到了。"], ["It arrived today, thanks.", "Delivered this morning."], optional=True),
    ],
    actions=["verify_identity", "check_order_status", "contact_carrier", "share_tracking_number",
             "?offer_compensation_points", "schedule_follow_up"],
    resolution={
        "zh": ["物流在中转站滞留超 72 小时，已向{carrier}查件催派，次日送达；补偿 {points} 积分并安排回访。",
               "大件配送延误，联系{carrier}加急派送后已签收，按标准补偿 {points} 积分。"],
        "en": ["Parcel stuck at a {carrier} hub for 72h+; trace opened, delivered next day. {points} points credited; follow-up booked.",
               "Late large-appliance delivery chased with {carrier} and delivered; goodwill {points} points."],
    },
    satisfaction=(2, 3, 4, 6, 5),
)  # fmt: skip

LATE_SMALL = Scenario(
    key="late_delivery_parcel",
    playbook="late_delivery",
    kind="complaint",
    categories=SMALL,
    statuses=("delivered",),
    rule="late",
    timing="late",
    duration_h=(1, 16),
    channels=("chat", "email", "web_form"),
    subject={
        "zh": ["快递好几天没更新", "订单{order}还没收到", "催件"],
        "en": ["Parcel not moving", "Still waiting for order {order}", "Late parcel"],
    },
    opening={
        "zh": ["快递单号{tracking}三天没更新了，是不是丢了？", "买的{product}到现在没收到，麻烦催一下。",
               "顺丰不是很快吗？我的{model}怎么还在路上。"],
        "en": ["My tracking number {tracking} hasn't updated in three days. Is it lost?",
               "Still no sign of my {product}. Can you chase it please?",
               "The DHL tracking for order {order} has been stuck on 'in transit' for ages."],
    },
    beats=[
        A(["抱歉久等了，我查到轨迹确实停在中转站了，这就帮您向{carrier}发起查件，48 小时内一定给您答复。",
           "不好意思，我马上联系{carrier}核实包裹位置。"],
          ["Sorry about this. The tracking has stalled at a transit hub, so I've opened a trace with {carrier}; they answer within 48 hours.",
           "I'll contact {carrier} right away to find out where it is."]),
        N(["{carrier}回复包裹被压在中转场，已找到并加急派送。", "查件结果：面单模糊导致分拣错误，已改正。"],
          ["{carrier} located the parcel at the hub; now expedited.", "Trace result: label mis-sorted, corrected and re-routed."]),
        A(["找到了！包裹之前分拣出错，现在已加急，单号还是 {tracking}，预计明天到。",
           "{carrier}已经找到您的包裹，今天重新发出，明后天送达。如果到时候还没收到，我们直接给您补发。"],
          ["Found it - it had been mis-sorted and is now on its way again, same tracking number {tracking}. Expected tomorrow.",
           "{carrier} located the parcel and it is back on the move. If it doesn't arrive in two days we'll simply re-ship it."]),
    ],
    actions=["verify_identity", "check_order_status", "contact_carrier", "share_tracking_number",
             "?offer_compensation_points", "?schedule_follow_up"],
    resolution={
        "zh": ["包裹中转分拣错误，向{carrier}查件后加急派送并已签收。", "物流停滞，查件后找回包裹并送达。"],
        "en": ["Mis-sorted parcel traced with {carrier}, re-routed and delivered.", "Stalled parcel chased; delivered after the trace."],
    },
    satisfaction=(1, 2, 4, 6, 6),
)  # fmt: skip

DAMAGED_REPLACE = Scenario(
    key="damaged_on_arrival_replacement",
    playbook="damaged_on_arrival",
    kind="complaint",
    statuses=("delivered",),
    timing="after_delivery",
    after_h=(1, 40),
    duration_h=(24, 96),
    weight=1.6,
    priority=("normal", "high"),
    subject={
        "zh": ["到货破损", "{product}外壳摔坏了", "收到的{model}有凹陷"],
        "en": ["Item arrived damaged", "{product} broken on delivery", "Dented {model}"],
    },
    opening={
        "zh": ["刚收到的{product}，外箱破了一个大洞，机器侧面凹进去一块！",
               "开箱发现{model}面板裂了，快递员已经走了，怎么办？",
               "昨天送到的，今天拆开发现外壳有很深的划痕和磕碰，这是新机吗？"],
        "en": ["My {product} just arrived and the side panel is dented. The box was crushed.",
               "Opened the box and the {model} front panel is cracked. The courier had already left.",
               "The appliance delivered yesterday has deep scratches and a dent. Not acceptable for a new unit."],
    },
    beats=[
        A(["非常抱歉！麻烦您拍一下外包装（带快递面单）和损坏部位的照片或视频发给我，我们确认后免费给您换新。",
           "太抱歉了，运输损坏由我们负责。请提供外箱面单照片和破损处照片，签收 48 小时内都可以处理。"],
          ["I'm so sorry. Could you send photos of the outer box showing the shipping label, and of the damage? Transport damage is on us.",
           "Apologies! Please share a photo of the box with its label and close-ups of the damage; we handle this within 48 hours of delivery."]),
        C(["照片发你了，箱子角都压扁了。", "好的，图片和视频都上传了。"], ["Photos attached - the corner of the box is crushed.", "Sent the pictures and a short video."]),
        A(["收到，确认是运输损坏。我已经给您安排免费换新，新机明后天发出，旧机会同时上门取回，不用您承担任何费用。",
           "看到了，确实是运输造成的。我们直接换新：新机发出后上门取件，安装的话照常免费。"],
          ["Thanks, that's clearly transport damage. I've arranged a free replacement; the new unit ships in 1-2 days and the damaged one is collected at the same time.",
           "Confirmed as transit damage. A replacement is on the way and we'll collect the damaged unit free of charge."]),
        N(["已向承运商提交破损理赔，照片已附工单。", "承运商理赔单已提交，先行赔付客户。"],
          ["Damage claim filed with the carrier, photos attached.", "Carrier claim opened; we replace first and recover later."]),
        C(["新的到了，这次完好。"], ["The replacement arrived in perfect condition."], optional=True),
    ],
    actions=["verify_identity", "request_photos", "check_order_status", "open_carrier_claim",
             "send_replacement", "?schedule_follow_up"],
    resolution={
        "zh": ["照片确认为运输破损，免费换新并取回旧机，已向承运商理赔。",
               "到货外壳凹陷，按破损流程换新，新机完好签收。"],
        "en": ["Transport damage confirmed from photos; free replacement sent, damaged unit collected, carrier claim filed.",
               "Dented on arrival; replaced under the damage process, new unit received in good condition."],
    },
    satisfaction=(1, 1, 3, 7, 8),
)  # fmt: skip

DAMAGED_REFUND = Scenario(
    key="damaged_on_arrival_refund",
    playbook="damaged_on_arrival",
    kind="return",
    statuses=("returned",),
    timing="after_delivery",
    after_h=(1, 40),
    duration_h=(48, 120),
    subject={
        "zh": ["破损要求退款", "收到坏的不要了，退款"],
        "en": ["Damaged item - refund please", "Broken on arrival, want my money back"],
    },
    opening={
        "zh": ["{product}到了就是坏的，我不想换了，直接退款吧。", "东西摔坏了，已经在别家买了，请给我退款。"],
        "en": ["The {product} arrived broken. I don't want a replacement, just a refund.",
               "It came damaged and I've bought another one elsewhere. Please refund me."],
    },
    beats=[
        A(["非常抱歉。请先发一下外箱面单和破损处照片，确认后按您的意愿全额退款，运费由我们承担。"],
          ["I'm sorry about that. Please send photos of the box label and the damage; then we refund you in full and cover the return shipping."]),
        C(["照片在这。"], ["Here are the photos."]),
        A(["确认是运输损坏。已安排上门取回，仓库收到后原路全额退款 {amount} 元。",
           "好的，已登记全额退款，取件后 24 小时内发起，原路退回。"],
          ["Confirmed as transit damage. Pickup is booked; your full refund of CNY {amount} goes back to the original payment method once it's collected.",
           "Done - full refund registered; it's issued within 24 hours of the pickup."]),
    ],
    actions=["verify_identity", "request_photos", "check_order_status", "open_carrier_claim", "issue_refund"],
    resolution={
        "zh": ["运输破损，客户选择退款；已取回商品并原路全额退款 {amount} 元。"],
        "en": ["Damaged in transit; customer chose a refund. Item collected and CNY {amount} refunded in full."],
    },
    satisfaction=(1, 2, 3, 6, 5),
)  # fmt: skip

ADDRESS_BEFORE = Scenario(
    key="address_change_before_shipping",
    playbook="address_change",
    kind="service_request",
    statuses=("delivered", "returned"),
    rule="unshipped_window",
    timing="before_shipping",
    duration_h=(0.1, 1),
    channels=("chat", "phone"),
    actions=["verify_identity", "check_order_status", "update_shipping_address"],
    subject={"zh": ["修改收货地址", "地址填错了"], "en": ["Change delivery address", "Wrong address on my order"]},
    opening={
        "zh": ["刚下的单地址写成老房子了，能改吗？订单{order}。", "你好，订单还没发货吧？我想把收货地址改成公司。",
               "帮我改下收货地址，小区名写错了。"],
        "en": ["I just placed order {order} and used my old address. Can you change it?",
               "Hi, my order hasn't shipped yet - can I have it delivered to my office instead?"],
    },
    beats=[
        A(["订单还没发货，可以直接改。请告诉我新的地址和收件人电话。", "可以的，目前还在仓库，麻烦发我新地址。"],
          ["It hasn't shipped yet, so that's easy. What's the new address and contact number?"]),
        C(["改成同城的新地址，电话不变。", "新地址发你了，收件人还是我。"], ["New address sent over, same phone number."]),
        A(["已修改，我跟您核对一下：新地址已更新，电话不变。发货后会短信通知您。"],
          ["Done. I've updated the address on the order and you'll get the tracking details once it ships."]),
    ],
    resolution={"zh": ["订单未发货，已按客户要求修改收货地址并复述确认。"],
                "en": ["Order not yet shipped; delivery address updated and confirmed with the customer."]},
    satisfaction=(0, 0, 1, 3, 12),
)  # fmt: skip

ADDRESS_AFTER = Scenario(
    key="address_change_after_shipping",
    playbook="address_change",
    kind="service_request",
    statuses=("delivered", "returned"),
    rule="in_transit",
    timing="in_transit",
    duration_h=(2, 20),
    actions=["verify_identity", "check_order_status", "contact_carrier"],
    subject={"zh": ["已发货，想改地址", "快递改派"], "en": ["Redirect my parcel", "Address change after dispatch"]},
    opening={
        "zh": ["订单已经发货了，能不能改送到我父母家？", "我临时出差，快递能改到公司地址吗？运单{tracking}。"],
        "en": ["My order has already shipped but I'll be away. Can it go to my work address?",
               "Can you redirect parcel {tracking} to a different address?"],
    },
    beats=[
        A(["已发货的订单需要联系{carrier}改派。同城改派免费，跨城会按快递标准收费，我先帮您问一下。"],
          ["Once shipped, only {carrier} can redirect it. Same-city redirects are free; a different city may cost a fee - let me check."]),
        N(["已提交{carrier}改派申请，同城，免费。", "{carrier}确认可改派，客户同意跨城改派费用。"],
          ["Redirect request submitted to {carrier}.", "{carrier} accepted the redirect."]),
        A(["{carrier}已经受理改派，会送到新地址，运单号不变：{tracking}。"],
          ["{carrier} has accepted the redirect; same tracking number {tracking}."]),
    ],
    resolution={"zh": ["已发货订单，联系{carrier}完成改派，运单号不变。"],
                "en": ["Shipped order redirected through {carrier}; tracking number unchanged."]},
    satisfaction=(0, 1, 2, 5, 8),
)  # fmt: skip

CANCEL_PAID = Scenario(
    key="cancel_paid_order",
    playbook="order_cancellation",
    kind="service_request",
    statuses=("cancelled",),
    rule="paid",
    timing="after_paid",
    after_h=(0.1, 3),
    duration_h=(0.2, 2),
    channels=("chat", "phone", "web_form"),
    actions=["verify_identity", "check_order_status", "cancel_order", "issue_refund"],
    details={"issue_refund": {"amount": "{total}"}},
    subject={"zh": ["取消订单", "拍错了，申请取消"], "en": ["Cancel my order", "Ordered by mistake"]},
    opening={
        "zh": ["刚付款的订单{order}想取消，拍错型号了。", "不好意思，重复下单了，帮我取消一单。", "家里人已经买了，这单不要了，能取消吗？"],
        "en": ["I'd like to cancel order {order} - I picked the wrong model.", "I accidentally ordered twice, please cancel one.",
               "Can I cancel my order? It hasn't shipped yet I think."],
    },
    beats=[
        A(["订单还没发货，可以直接取消，款项原路退回。", "查到还没出库，我这边帮您取消。"],
          ["It hasn't left the warehouse, so I can cancel it now and refund you."]),
        A(["已取消，{total} 元已原路退回，支付宝/微信 1–3 个工作日到账，银行卡 3–7 个工作日。",
           "取消成功，退款已发起，积分和优惠券同步退回。"],
          ["Cancelled. The refund of CNY {total} has been issued to your original payment method.",
           "All done - order cancelled and refunded; any points or coupons used are returned too."]),
    ],
    resolution={"zh": ["未发货订单按客户要求取消，已原路退款。"], "en": ["Unshipped order cancelled at the customer's request and refunded."]},
    satisfaction=(0, 0, 1, 3, 10),
)  # fmt: skip

NOT_RECEIVED = Scenario(
    key="marked_delivered_not_received",
    playbook="late_delivery",
    kind="complaint",
    statuses=("delivered",),
    timing="after_delivery",
    after_h=(2, 40),
    duration_h=(6, 48),
    actions=["verify_identity", "check_order_status", "contact_carrier", "?schedule_follow_up"],
    priority=("normal", "high"),
    subject={"zh": ["显示签收但没收到", "快递被别人签收了"], "en": ["Marked as delivered but not received", "Parcel shows delivered - not here"]},
    opening={
        "zh": ["物流显示已签收，但我根本没收到{product}！", "快递说放驿站了，驿站说没有，到底去哪了？"],
        "en": ["Tracking says delivered but there's nothing here.", "The carrier claims my {product} was delivered yesterday. It wasn't."],
    },
    beats=[
        A(["抱歉给您带来困扰。我先帮您调取签收记录和签收照片，同时联系{carrier}核实。您也可以问下物业或家人是否代收。"],
          ["Sorry about this. I'm requesting the proof-of-delivery photo from {carrier}. Could you also check with neighbours or reception?"]),
        N(["{carrier}提供签收照片：包裹放在隔壁单元快递柜。", "快递员承认误投到同楼层邻居，已取回。"],
          ["{carrier} photo shows the parcel left with building reception.", "Courier admitted delivering to the neighbour's door; retrieved."]),
        A(["核实清楚了：快递员放在了物业前台/邻居处，已经让快递员取回重新送到您手上，也已对快递员做了投诉反馈。"],
          ["Found it: the courier left it with reception next door. They've retrieved it and redelivered it to you, and we've logged a complaint with {carrier}."]),
    ],
    resolution={"zh": ["显示签收未收到：{carrier}核实为误投，已找回并重新派送。"], "en": ["Marked delivered but not received: {carrier} misdelivery, parcel recovered and redelivered."]},
    satisfaction=(1, 2, 3, 6, 5),
)  # fmt: skip

SCENARIOS = [TRACKING, LATE_LARGE, LATE_SMALL, DAMAGED_REPLACE, DAMAGED_REFUND, ADDRESS_BEFORE,
             ADDRESS_AFTER, CANCEL_PAID, NOT_RECEIVED]  # fmt: skip
