"""Name, place and company pools for the demo ERP data (all fictional)."""

from __future__ import annotations

# (hanzi, pinyin) pairs, so e-mail addresses can be derived from Chinese names.
SURNAMES = [
    ("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"),
    ("杨", "yang"), ("黄", "huang"), ("赵", "zhao"), ("吴", "wu"), ("周", "zhou"),
    ("徐", "xu"), ("孙", "sun"), ("马", "ma"), ("朱", "zhu"), ("胡", "hu"),
    ("郭", "guo"), ("何", "he"), ("林", "lin"), ("罗", "luo"), ("高", "gao"),
    ("郑", "zheng"), ("梁", "liang"), ("谢", "xie"), ("宋", "song"), ("唐", "tang"),
    ("韩", "han"), ("冯", "feng"), ("邓", "deng"), ("曹", "cao"), ("彭", "peng"),
]  # fmt: skip
GIVEN_NAMES = [
    ("伟", "wei"), ("芳", "fang"), ("敏", "min"), ("静", "jing"), ("丽", "li"),
    ("强", "qiang"), ("磊", "lei"), ("军", "jun"), ("洋", "yang"), ("勇", "yong"),
    ("艳", "yan"), ("杰", "jie"), ("娟", "juan"), ("涛", "tao"), ("超", "chao"),
    ("秀英", "xiuying"), ("霞", "xia"), ("平", "ping"), ("刚", "gang"), ("桂英", "guiying"),
    ("子涵", "zihan"), ("欣怡", "xinyi"), ("浩然", "haoran"), ("梓萱", "zixuan"),
    ("宇轩", "yuxuan"), ("思远", "siyuan"), ("雨桐", "yutong"), ("俊杰", "junjie"),
    ("晓燕", "xiaoyan"), ("建国", "jianguo"), ("海燕", "haiyan"), ("志强", "zhiqiang"),
    ("文博", "wenbo"), ("佳怡", "jiayi"), ("婷婷", "tingting"), ("鹏", "peng"),
    ("慧", "hui"), ("博文", "bowen"), ("一鸣", "yiming"), ("诗涵", "shihan"),
]  # fmt: skip
FIRST_NAMES = [
    "Oliver", "Amelia", "George", "Isla", "Harry", "Olivia", "Jack", "Sophie", "Noah",
    "Grace", "James", "Charlotte", "Daniel", "Hannah", "Liam", "Chloe", "Ethan", "Mia",
    "Lucas", "Ella", "Ryan", "Zoe", "Nathan", "Lily", "Aaron", "Priya", "Wei Ling",
    "Marcus", "Sarah", "David", "Rachel", "Michael", "Laura", "Kevin", "Anna", "Tom",
]  # fmt: skip
LAST_NAMES = [
    "Smith", "Johnson", "Brown", "Taylor", "Wilson", "Davies", "Evans", "Thomas",
    "Roberts", "Walker", "Wright", "Thompson", "White", "Hughes", "Edwards", "Green",
    "Hall", "Wood", "Harris", "Clarke", "Patel", "Khan", "Lee", "Tan", "Murphy",
    "O'Brien", "Schmidt", "Nguyen", "Martin", "Cooper",
]  # fmt: skip

# city, country, districts/streets for plausible addresses.
CN_CITIES = [
    ("上海", "上海市", ["浦东新区张杨路", "徐汇区漕溪北路", "闵行区莘庄镇沁春路", "静安区江宁路"]),
    ("北京", "北京市", ["朝阳区望京街", "海淀区中关村大街", "丰台区丰台北路", "通州区新华大街"]),
    ("广州", "广东省广州市", ["天河区天河北路", "海珠区新港中路", "番禺区市桥街"]),
    ("深圳", "广东省深圳市", ["南山区科技园南路", "福田区深南大道", "宝安区新安街道"]),
    ("杭州", "浙江省杭州市", ["西湖区文三路", "滨江区江南大道", "余杭区五常街道"]),
    ("成都", "四川省成都市", ["武侯区天府大道", "锦江区春熙路", "高新区天府三街"]),
    ("武汉", "湖北省武汉市", ["洪山区珞喻路", "江汉区解放大道", "武昌区中北路"]),
    ("南京", "江苏省南京市", ["鼓楼区中山路", "建邺区江东中路", "江宁区双龙大道"]),
    ("苏州", "江苏省苏州市", ["工业园区星湖街", "姑苏区人民路", "吴中区东吴北路"]),
    ("西安", "陕西省西安市", ["雁塔区科技路", "碑林区南大街"]),
    ("重庆", "重庆市", ["渝北区金开大道", "江北区观音桥步行街"]),
    ("天津", "天津市", ["南开区鞍山西道", "河西区友谊路"]),
    ("长沙", "湖南省长沙市", ["岳麓区麓山南路", "开福区湘江中路"]),
    ("青岛", "山东省青岛市", ["市南区香港中路", "崂山区海尔路"]),
    ("厦门", "福建省厦门市", ["思明区湖滨南路", "湖里区吕岭路"]),
    ("郑州", "河南省郑州市", ["金水区花园路", "郑东新区商务外环路"]),
]  # fmt: skip
CN_CITY_WEIGHTS = [14, 12, 9, 9, 8, 7, 6, 6, 5, 4, 4, 4, 3, 3, 3, 3]

ABROAD_CITIES = [
    ("London", "GB", ["Baker Street", "Camden Road", "Kings Road", "Upper Street"], "NW1 6XE"),
    ("Manchester", "GB", ["Deansgate", "Oxford Road", "Wilmslow Road"], "M3 4LZ"),
    ("Edinburgh", "GB", ["Leith Walk", "Princes Street"], "EH6 8RG"),
    ("New York", "US", ["West 72nd Street", "Bedford Avenue", "Lexington Avenue"], "NY 10023"),
    ("San Francisco", "US", ["Valencia Street", "Geary Boulevard"], "CA 94110"),
    ("Seattle", "US", ["Pike Street", "Aurora Avenue N"], "WA 98101"),
    ("Singapore", "SG", ["Orchard Road", "Tampines Avenue 5", "Holland Avenue"], "238839"),
    ("Sydney", "AU", ["George Street", "Oxford Street"], "NSW 2000"),
    ("Melbourne", "AU", ["Collins Street", "Chapel Street"], "VIC 3000"),
    ("Toronto", "CA", ["Queen Street West", "Yonge Street"], "ON M5V 2A8"),
    ("Vancouver", "CA", ["Robson Street", "Main Street"], "BC V6B 1A1"),
    ("Hong Kong", "HK", ["Nathan Road", "Queen's Road Central"], ""),
    ("Kuala Lumpur", "MY", ["Jalan Ampang", "Jalan Bukit Bintang"], "50450"),
]  # fmt: skip
ABROAD_WEIGHTS = [18, 6, 3, 8, 4, 3, 10, 6, 4, 5, 3, 6, 3]
PHONE_PREFIX = {
    "GB": "+44 20 7946 0",
    "US": "+1 202-555-0",
    "SG": "+65 6555 0",
    "AU": "+61 2 5550 0",
    "CA": "+1 416-555-0",
    "HK": "+852 5550 0",
    "MY": "+60 3-5550 0",
}

# (name, language, city index or abroad city, segment, email domain)
COMPANIES = [
    ("杭州云栖民宿管理有限公司", "zh", "杭州", "hospitality", "yunqi-stay.example.cn"),
    ("成都蓉城物业服务有限公司", "zh", "成都", "property_management", "rongcheng-pm.example.cn"),
    ("深圳前海优家公寓有限公司", "zh", "深圳", "serviced_apartment", "youjia-apt.example.cn"),
    ("北京京西佳苑房地产开发有限公司", "zh", "北京", "property_developer", "jiayuan.example.cn"),
    ("苏州吴门精品酒店有限公司", "zh", "苏州", "hospitality", "wumen-hotel.example.cn"),
    ("武汉光谷创客空间管理有限公司", "zh", "武汉", "office", "ovspace.example.cn"),
    ("南京秦淮味道餐饮管理有限公司", "zh", "南京", "restaurant", "qinhuai-food.example.cn"),
    ("上海申江长租公寓有限公司", "zh", "上海", "serviced_apartment", "shenjiang-rent.example.cn"),
    ("上海浦江月子会所有限公司", "zh", "上海", "healthcare", "pujiang-care.example.cn"),
    ("广州珠江新城商务酒店有限公司", "zh", "广州", "hospitality", "zjxc-hotel.example.cn"),
    ("西安长安学府教育科技有限公司", "zh", "西安", "education", "changan-edu.example.cn"),
    ("重庆山城电器经销有限公司", "zh", "重庆", "distributor", "shancheng-dq.example.cn"),
    ("天津海河家电贸易有限公司", "zh", "天津", "distributor", "haihe-trade.example.cn"),
    ("长沙湘江幼教集团有限公司", "zh", "长沙", "education", "xiangjiang-kids.example.cn"),
    ("青岛海景度假酒店有限公司", "zh", "青岛", "hospitality", "haijing-resort.example.cn"),
    ("厦门鹭岛联合办公有限公司", "zh", "厦门", "office", "ludao-work.example.cn"),
    ("郑州中原康养中心有限公司", "zh", "郑州", "healthcare", "zhongyuan-care.example.cn"),
    ("深圳南山科创园运营有限公司", "zh", "深圳", "office", "ns-park.example.cn"),
    ("北京朝阳悦居装饰工程有限公司", "zh", "北京", "interior_design", "yueju-deco.example.cn"),
    ("杭州西溪健身俱乐部有限公司", "zh", "杭州", "fitness", "xixi-fit.example.cn"),
    ("成都锦里茶馆餐饮有限公司", "zh", "成都", "restaurant", "jinli-tea.example.cn"),
    ("广州天河智慧社区服务有限公司", "zh", "广州", "property_management", "th-smart.example.cn"),
    ("南京金陵医疗器械有限公司", "zh", "南京", "healthcare", "jinling-med.example.cn"),
    ("苏州园区人才公寓管理有限公司", "zh", "苏州", "serviced_apartment", "sip-talent.example.cn"),
    ("Harbour View Hotels Pte. Ltd.", "en", "Singapore", "hospitality", "harbourview.example.sg"),
    ("Riverside Apartments Ltd", "en", "London", "serviced_apartment", "riverside.example.co.uk"),
    ("Maple Lane Property Inc.", "en", "Toronto", "property_management", "maplelane.example.ca"),
    ("Golden Dragon Restaurants Ltd", "en", "Manchester", "restaurant", "gdragon.example.co.uk"),
    ("Bayside Co-working Pty Ltd", "en", "Sydney", "office", "bayside-cowork.example.com.au"),
    ("Kowloon Living Ltd", "en", "Hong Kong", "serviced_apartment", "kowloonliving.example.hk"),
]  # fmt: skip

PERSON_SEGMENTS = ["consumer", "new_home_owner", "renter", "young_family", "senior", "student"]
PERSON_SEGMENT_WEIGHTS = [40, 18, 12, 16, 8, 6]
PERSON_TAGS = [
    "wechat_follower", "new_home", "double11_buyer", "618_buyer", "price_sensitive",
    "early_adopter", "pet_owner", "allergy", "smart_home_fan", "referral",
]  # fmt: skip
