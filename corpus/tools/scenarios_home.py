"""Home appliance scenarios: fridges, dishwashers, water heaters, kitchen, smart home, warranty."""

# Conversation texts are data: long phrasings stay on one line each, for easy editing.
# ruff: noqa: E501

from __future__ import annotations

from scenario import A, C, N, Scenario

ELECTRIC = ["WH-6001", "WH-6002", "WH-6004"]
FIX = ["verify_identity", "check_warranty", "remote_troubleshoot", "send_article"]
REPAIR = [
    "verify_identity",
    "check_warranty",
    "remote_troubleshoot",
    "schedule_repair",
    "?schedule_follow_up",
]


def _fault(
    key,
    playbook,
    categories,
    subject,
    opening,
    variants,
    ask,
    weight=1.0,
    kind="service_request",
    languages=("zh", "en"),
    topic="troubleshooting",
):  # type: ignore[no-untyped-def]
    """A troubleshoot-then-fix scenario; each variant gives its symptom, fix and actions."""
    return Scenario(
        key=key, playbook=playbook, kind=kind, categories=categories, timing="after_delivery",
        after_h=(48, 4000), duration_h=(0.5, 96), weight=weight, languages=languages,
        subject=subject, opening=opening, variants=variants,
        beats=[
            A(ask["zh"], ask["en"]),
            C(["按你说的查了一遍。", "检查过了，你看下一步怎么办。", "弄了一下，我再观察。"],
              ["I've checked what you asked.", "Done - what's next?", "OK, I've done that."]),
            N(["处理记录：{fix_zh}。"], ["Case note: {fix_en}."], optional=True),
            A(["处理结果：{fix_zh}。", "跟您同步一下：{fix_zh}。后续有问题随时联系。"],
              ["Here's the outcome: {fix_en}.", "Update on your case: {fix_en}."]),
        ],
        actions=FIX, details={"send_article": {"topic": topic}},
        resolution={"zh": ["{product}{symptom_short}：{fix_zh}。"], "en": ["{product} - {symptom_en}: {fix_en}."]},
        satisfaction=(1, 1, 2, 6, 9),
    )  # fmt: skip


FRIDGE = _fault(
    "fridge_fault", "appliance_malfunction", ("refrigerator",),
    {"zh": ["冰箱{symptom_short}", "{product}故障"], "en": ["Fridge problem: {symptom_en}", "{model} issue"]},
    {"zh": ["冰箱{symptom_zh}，是不是坏了？", "{model}最近{symptom_zh}。"],
     "en": ["My fridge {symptom_en}. Is it faulty?", "The {model} has started to {symptom_en_verb}."]},
    [
        {"symptom_short": "冷藏不冷", "symptom_zh": "冷藏室不怎么冷", "symptom_en": "isn't cold enough in the fridge section",
         "symptom_en_verb": "run warm", "fix_zh": "温控被调到 8℃ 且门封夹住了塑料袋，调回 4℃ 并整理后恢复",
         "fix_en": "the thermostat was at 8°C and a bag was caught in the door seal; set back to 4°C and it recovered"},
        {"symptom_short": "冷冻结霜", "symptom_zh": "冷冻室后壁结了很厚的霜", "symptom_en": "has thick frost in the freezer",
         "symptom_en_verb": "build up frost", "fix_zh": "风冷机型化霜加热器故障，上门更换后正常", "repair_mode": "onsite",
         "fix_en": "the defrost heater had failed; replaced on site", "actions": REPAIR},
        {"symptom_short": "噪音大", "symptom_zh": "晚上嗡嗡响，声音比刚买时大", "symptom_en": "hums loudly at night",
         "symptom_en_verb": "make a loud humming noise", "fix_zh": "冰箱未放平且贴墙，调节底脚留出 10cm 散热空间后噪音正常",
         "fix_en": "it wasn't level and was touching the wall; adjusting the feet and leaving 10 cm clearance fixed the noise"},
        {"symptom_short": "完全不制冷", "symptom_zh": "完全不制冷了，压缩机也不响", "symptom_en": "has stopped cooling completely",
         "symptom_en_verb": "stop cooling", "fix_zh": "主控板故障，工程师上门更换主板，压缩机正常（压缩机保修 10 年）", "repair_mode": "onsite",
         "fix_en": "the control board failed; the engineer replaced it on site (the compressor is fine, covered for 10 years)", "actions": REPAIR},
    ],
    {"zh": ["冰箱整机保修 3 年、压缩机 10 年。先帮我看一下温度设置、门有没有关严，以及冰箱后面离墙有没有 10cm。"],
     "en": ["Your fridge has a 3-year warranty (compressor 10 years). First, could you check the temperature setting, that the doors close fully, and that there's about 10 cm behind it?"]},
    weight=1.4, topic="refrigerator troubleshooting",
)  # fmt: skip

DISHWASHER = _fault(
    "dishwasher_fault", "appliance_malfunction", ("dishwasher",),
    {"zh": ["洗碗机{symptom_short}", "{product}故障"], "en": ["Dishwasher problem", "Dishwasher: {symptom_en}"]},
    {"zh": ["洗碗机洗到一半停了，{symptom_zh}，面板显示：{code}。", "{model}{symptom_zh}，面板显示：{code}。"],
     "en": ["My dishwasher {symptom_en}; the display shows {code}.", "Problem with the {model}: {symptom_en} (display: {code})."]},
    [
        {"code": {"zh": "E1", "en": "E1"}, "symptom_short": "不进水", "symptom_zh": "不进水", "symptom_en": "won't fill with water",
         "fix_zh": "进水角阀没开到底，打开后恢复", "fix_en": "the water inlet valve was only half open; opening it fully fixed it"},
        {"code": {"zh": "E2", "en": "E2"}, "symptom_short": "不排水", "symptom_zh": "底部积水排不出去", "symptom_en": "won't drain and leaves water in the bottom",
         "fix_zh": "过滤网堵塞、排水管打折，清洁理顺后恢复", "fix_en": "a clogged filter and a kinked drain hose; cleaning and straightening fixed it"},
        {"code": {"zh": "E3", "en": "E3"}, "symptom_short": "不加热", "symptom_zh": "水一直是凉的", "symptom_en": "doesn't heat the water",
         "fix_zh": "加热管故障，工程师上门更换", "fix_en": "the heating element failed and was replaced on site", "repair_mode": "onsite",
         "actions": REPAIR},
        {"code": {"zh": "无故障码", "en": "no error code"}, "symptom_short": "洗不干净", "symptom_zh": "碗上有白色水渍洗不干净", "symptom_en": "leaves white spots on dishes",
         "fix_zh": "未添加软水盐和漂洗剂，按说明添加并调高软水档位后改善", "fix_en": "no softener salt or rinse aid; adding them and raising the softener level solved it"},
    ],
    {"zh": ["洗碗机保修 2 年。请先关机，检查进水角阀是否全开、底部过滤网是否堵、排水管有没有打折。"],
     "en": ["Dishwashers have a 2-year warranty. Please switch off and check the water tap is fully open, the bottom filter is clean and the drain hose isn't kinked."]},
    weight=1.2, topic="dishwasher error codes",
)  # fmt: skip

WATER_HEATER = _fault(
    "water_heater_fault", "appliance_malfunction", ("water_heater",),
    {"zh": ["热水器{symptom_short}", "{product}故障"], "en": ["Water heater problem", "Water heater {symptom_en}"]},
    {"zh": ["热水器{symptom_zh}，面板显示：{code}。", "{model}今天{symptom_zh}，洗不了澡。"],
     "en": ["The water heater {symptom_en}; the display shows {code}.", "No hot water today - the {model} {symptom_en}."]},
    [
        {"code": {"zh": "E3", "en": "E3"}, "only": ELECTRIC, "symptom_short": "漏电保护", "symptom_zh": "一开就跳 E3 漏电保护", "symptom_en": "trips the leakage protection",
         "fix_zh": "插座接地不良触发防漏电，电工整改接地后正常", "fix_en": "a poorly earthed socket triggered the leakage protection; fixing the earth solved it"},
        {"code": {"zh": "E1", "en": "E1"}, "only": ["WH-6003"], "symptom_short": "打不着火", "symptom_zh": "打不着火", "symptom_en": "won't ignite",
         "fix_zh": "燃气表欠费关阀，充值后恢复；同时提醒检查电池", "fix_en": "the prepaid gas meter had cut the supply; topping it up fixed it"},
        {"code": {"zh": "E2", "en": "E2"}, "only": ["WH-6003"], "symptom_short": "意外熄火", "symptom_zh": "洗着洗着就熄火变凉水", "symptom_en": "cuts out mid-shower",
         "fix_zh": "大风天排烟管倒灌风导致熄火，加装防风罩后恢复", "fix_en": "wind blowing back down the flue put the flame out; a wind guard on the flue fixed it"},
        {"code": {"zh": "E3", "en": "E3"}, "only": ["WH-6003"], "symptom_short": "水温不稳", "symptom_zh": "水温忽冷忽热", "symptom_en": "runs hot and cold",
         "fix_zh": "温度传感器故障，师傅上门更换", "fix_en": "a faulty temperature sensor, replaced on site", "repair_mode": "onsite",
         "actions": REPAIR},
        {"code": {"zh": "无故障码", "en": "no error code"}, "only": ["WH-6001", "WH-6002"], "symptom_short": "漏水", "symptom_zh": "底部在滴水", "symptom_en": "is dripping from underneath",
         "fix_zh": "安全阀泄压滴水，加装减压阀后正常（内胆完好，内胆保修 8 年）", "fix_en": "the safety valve was relieving pressure; a pressure reducer fixed it (tank fine, 8-year tank warranty)",
         "repair_mode": "onsite", "actions": REPAIR},
    ],
    {"zh": ["热水器整机保修 3 年（储水式内胆 8 年）。为了安全请先断电/关闭燃气阀。请问显示什么代码？空气开关有没有跳？"],
     "en": ["Water heaters have a 3-year warranty (8 years on the tank). For safety, please switch off the power or gas first. Which code is shown, and has the breaker tripped?"]},
    weight=1.2, languages=("zh", "en"), topic="water heater error codes",
)  # fmt: skip

KITCHEN = _fault(
    "kitchen_small_warranty", "warranty_claim", ("kitchen_small", "rice_cooker"),
    {"zh": ["{product}坏了", "申请保修：{product}"], "en": ["{product} stopped working", "Warranty claim for my {model}"]},
    {"zh": ["买了几个月的{product}{symptom_zh}，能保修吗？", "{model}{symptom_zh}。"],
     "en": ["My {product} {symptom_en} after a few months. Is it covered?", "Warranty question: the {model} {symptom_en}."]},
    [
        {"symptom_short": "不加热", "symptom_zh": "插电有灯但不加热", "symptom_en": "lights up but doesn't heat",
         "fix_zh": "保修期内寄修检测为温控器故障，直接换新机寄回", "fix_en": "mail-in inspection found a failed thermostat; replaced with a new unit",
         "repair_mode": "mail_in", "actions": ["verify_identity", "check_warranty", "remote_troubleshoot", "request_photos", "schedule_repair", "send_replacement"]},
        {"symptom_short": "不通电", "symptom_zh": "完全不通电", "symptom_en": "won't power on at all",
         "fix_zh": "排查为插排故障，换插座后正常", "fix_en": "the power strip was faulty; plugging into the wall fixed it",
         "actions": ["verify_identity", "check_warranty", "remote_troubleshoot"]},
        {"only": ["RC-7001", "RC-7002", "RC-7003", "RC-7004"], "symptom_short": "报E1", "symptom_zh": "断电重试后还是显示 E1", "symptom_en": "still shows error E1 after a restart",
         "fix_zh": "E1 为底部温度传感器异常，寄修更换传感器后寄回", "fix_en": "E1 is a bottom temperature sensor fault; repaired by mail-in",
         "repair_mode": "mail_in", "actions": ["verify_identity", "check_warranty", "request_photos", "schedule_repair"]},
        {"symptom_short": "异响", "symptom_zh": "工作时有刺耳的异响", "symptom_en": "makes a grinding noise",
         "fix_zh": "电机轴承磨损，保修期内寄修免费更换电机", "fix_en": "a worn motor bearing; the motor was replaced free under warranty",
         "repair_mode": "mail_in", "actions": ["verify_identity", "check_warranty", "request_photos", "schedule_repair", "?schedule_follow_up"]},
    ],
    {"zh": ["厨房小电保修 1 年，您在保修期内。麻烦先换个插座试试，再拍一张机身铭牌和故障视频给我。"],
     "en": ["Small kitchen appliances have a 1-year warranty and yours is covered. Could you try another socket, and send a photo of the rating label and a short video of the fault?"]},
    weight=1.4, topic="warranty and mail-in repair",
)  # fmt: skip

SMART_HOME = _fault(
    "smart_home_offline", "appliance_malfunction", ("smart_home",),
    {"zh": ["{product}离线", "智能设备连不上"], "en": ["{product} offline", "Can't connect my smart device"]},
    {"zh": ["{product}在 App 里一直显示离线。", "{model}配网一直失败，{symptom_zh}。"],
     "en": ["My {product} keeps showing offline in the app.", "Pairing the {model} fails every time - {symptom_en}."]},
    [
        {"symptom_short": "离线", "symptom_zh": "换了新路由器后就离线了", "symptom_en": "it went offline after I changed router",
         "fix_zh": "新路由器只开了 5GHz，开启 2.4GHz 后重新配网成功", "fix_en": "the new router only broadcast 5 GHz; enabling 2.4 GHz and re-pairing fixed it"},
        {"symptom_short": "配网失败", "symptom_zh": "进度条卡在 90%", "symptom_en": "it stalls at 90%",
         "fix_zh": "WiFi 名称含特殊字符，修改后配网成功", "fix_en": "the Wi-Fi name contained special characters; renaming it allowed pairing"},
        {"symptom_short": "子设备掉线", "symptom_zh": "传感器隔一天就掉线", "symptom_en": "sensors drop off after a day",
         "fix_zh": "网关距离传感器过远，调整网关位置后稳定", "fix_en": "the hub was too far from the sensors; moving it closer stabilised them"},
    ],
    {"zh": ["请确认路由器开启了 2.4GHz（设备不支持 5GHz），手机和设备在同一网络，然后长按配对键 5 秒重新添加。"],
     "en": ["Please make sure the router has 2.4 GHz enabled (the device doesn't support 5 GHz), then hold the pairing button for 5 seconds and add it again."]},
    topic="smart home pairing",
)  # fmt: skip

REPEAT_FAILURE = Scenario(
    key="warranty_repeat_failure_replacement",
    playbook="warranty_claim",
    kind="complaint",
    categories=("air_conditioner", "refrigerator", "water_heater", "dishwasher", "robot_vacuum"),
    timing="after_delivery",
    after_h=(1200, 5000),
    duration_h=(48, 200),
    priority=("high",),
    actions=["verify_identity", "check_warranty", "request_photos", "schedule_repair", "send_replacement", "schedule_follow_up"],
    details={"send_replacement": {"reason": "same fault repaired twice"}},
    subject={"zh": ["修了两次还是坏", "要求换新机"], "en": ["Same fault after two repairs", "I want a replacement, not another repair"]},
    opening={"zh": ["{product}同一个问题已经修了两次了，又坏了！我要求换新。", "第三次出问题了，你们的师傅根本修不好。"],
             "en": ["My {product} has been repaired twice for the same fault and it's failed again. I want a new one.",
                    "Third breakdown now. Your technicians can't fix it."]},
    beats=[
        A(["非常抱歉反复给您添麻烦。我查到维修记录确实已有两次同一故障。按政策，保修期内同一故障维修两次仍无法正常使用的，可以换同型号新机。"],
          ["I'm very sorry. I can see two previous repairs for the same fault. Under our warranty, a unit that fails again after two repairs for the same problem is replaced with a new one."]),
        C(["维修单照片发你了。"], ["Photos of both repair reports attached."]),
        N(["维修记录核实：两次同一故障，符合换新条件，已报组长备案。"], ["Repair history verified: two repairs for the same fault; replacement approved."]),
        A(["已经为您安排换新，新机送达时同步拆走旧机并免费安装，保修期从新机签收日重新计算。"],
          ["A replacement is arranged: the new unit is delivered and installed and the old one removed at the same visit. The warranty restarts from the new delivery date."]),
    ],
    resolution={"zh": ["保修期内同一故障维修两次后再次故障，按政策换同型号新机并回访。"],
                "en": ["Third failure of the same fault within warranty; replaced with a new unit under the two-repairs rule."]},
    satisfaction=(1, 2, 3, 6, 5),
)  # fmt: skip

SCENARIOS = [FRIDGE, DISHWASHER, WATER_HEATER, KITCHEN, SMART_HOME, REPEAT_FAILURE]
