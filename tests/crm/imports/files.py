# ruff: noqa: E501  (ERP lines are kept whole, as the ERP writes them)
"""Small ERP files in every format, shaped like corpus/erp."""

from __future__ import annotations

import io
import json

CUSTOMERS_HEADER = (
    "external_id,kind,name,language,email,phone,segment,lifecycle_stage,value_tier,"
    "credit_rating,member_points,member_tier,tags,city,country"
)
CUSTOMERS_CSV = f"""{CUSTOMERS_HEADER}
IC001,person,王小明,zh,wang@example.com,138-0000-0001,new_home_owner,customer,high,AA,15545,gold,new_home;wechat_follower,上海,CN
IC002,person,Emily Carter,en,emily@example.com,+44 20 7946 0002,renter,customer,medium,,2698,silver,,London,GB
IC003,company,暖居酒店,zh,,,hospitality,prospect,vip,A,0,standard,b2b,杭州,CN
"""

CUSTOMERS_JSON = [
    {"external_id": "IC001", "name": "王小明", "tags": ["new_home"], "member_points": 10},
    {"external_id": "IC002", "name": "Emily Carter", "language": "en", "country": "GB"},
]

CUSTOMERS_XML = """<?xml version="1.0" encoding="utf-8"?>
<customers>
  <customer external_id="IC001"><name>王小明</name><tags>a;b</tags><member_points>5</member_points></customer>
  <customer external_id="IC002"><name>Emily</name><language>en</language><email/></customer>
</customers>
"""

PRODUCTS_JSON = [
    {
        "external_id": "IP-1",
        "sku": "IMP-AC-1",
        "name": "变频挂机",
        "name_en": "Inverter AC",
        "category": "air_conditioner",
        "price": "2599.00",
        "currency": "CNY",
        "specs": {"power_w": 750, "energy_class": "新一级"},
        "description": "1匹",
        "warranty_months": 36,
    },
    {
        "external_id": "IP-2",
        "sku": "IMP-KS-1",
        "name": "电水壶",
        "category": "kettle",
        "price": "129.00",
        "specs": {},
    },
]

PRODUCTS_CSV = """external_id,sku,name,name_en,category,price,currency,specs,description,warranty_months
IP-1,IMP-AC-1,变频挂机,Inverter AC,air_conditioner,2599.00,CNY,"{""power_w"": 750}",1匹,36
IP-2,IMP-KS-1,电水壶,,kettle,129.00,,,,
"""

PRODUCTS_XML = """<products>
  <product external_id="IP-1" sku="IMP-AC-1"><name>变频挂机</name><category>air_conditioner</category>
    <price>2599.00</price><specs><power_w>750</power_w></specs></product>
  <product external_id="IP-2" sku="IMP-KS-1"><name>电水壶</name><category>kettle</category>
    <price>129.00</price><specs>{"litres": 1.7}</specs></product>
</products>
"""

ORDERS_XML = """<?xml version='1.0' encoding='utf-8'?>
<orders>
  <order external_id="SO-I-1" number="SO-I-1" customer_external_id="IC001" status="shipped" currency="CNY" channel="online">
    <placed_at>2026-10-01T10:00:00+08:00</placed_at><paid_at>2026-10-01T10:05:00+08:00</paid_at>
    <shipped_at/><delivered_at/><carrier>SF Express</carrier><tracking_number>SF1</tracking_number>
    <shipping_address/>
    <lines><line sku="IMP-AC-1" quantity="1" unit_price="2599.00"/><line sku="IMP-KS-1" quantity="2" unit_price="120.00"/></lines>
  </order>
  <order external_id="SO-I-2" customer_external_id="IC002" status="placed">
    <placed_at>2026-10-02T09:00:00</placed_at>
    <lines><line sku="IMP-KS-1" quantity="1" unit_price="129.00"/></lines>
  </order>
</orders>
"""

ORDERS_JSON = [
    {
        "external_id": "SO-I-1",
        "number": "SO-I-1",
        "customer_external_id": "IC001",
        "status": "paid",
        "placed_at": "2026-10-01T10:00:00+08:00",
        "lines": [{"sku": "IMP-AC-1", "quantity": 1, "unit_price": "2599.00"}],
    }
]

ORDERS_CSV = """external_id,number,customer_external_id,status,currency,channel,placed_at,paid_at,shipped_at,delivered_at,carrier,tracking_number,shipping_address,lines
SO-I-1,SO-I-1,IC001,paid,CNY,online,2026-10-01T10:00:00+08:00,,,,,,,IMP-AC-1:1:2599.00;IMP-KS-1:2:120.00
SO-I-2,,IC002,placed,,,2026-10-02T09:00:00+08:00,,,,,,上海,IMP-KS-1:1:129.00
"""

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<customers><customer external_id="X1"><name>&lol3;</name></customer></customers>
"""


def as_bytes(content: str | list[dict[str, object]]) -> io.BytesIO:
    """A file-like object holding the text or the JSON array."""
    text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
    return io.BytesIO(text.encode("utf-8"))


def jsonl(items: list[dict[str, object]]) -> io.BytesIO:
    """JSON lines for these objects."""
    lines = "\n".join(json.dumps(item, ensure_ascii=False) for item in items)
    return io.BytesIO(lines.encode("utf-8"))
