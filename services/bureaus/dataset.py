"""模拟财产数据 — a generated but realistic dataset: what a bureau of each kind holds of a debtor.

Pure functions, no I/O and no clock. What a bureau holds is a function of the seed, the bureau's
code and the debtor's id (公民身份号码 or 统一社会信用代码) and kind (person or organization): ask
twice, get the same answer; two banks hold different accounts of the same debtor, and a city's
real-estate registry holds other parcels than a county's.

As in practice many debtors hold nothing of a kind — most have no securities account, no
financial product and no vehicle, many no real estate — and money balances are mostly small.

Shapes follow the real ones:

- real estate 不动产: 不动产权证书号 `豫（2021）洛阳市不动产权第0012345号`, address, use, area, value;
- vehicles 车辆: plate `豫C·12345` (`豫C·D12345` for a new-energy car), make and model, VIN with a
  valid check character, value;
- equity 股权: company name with its 统一社会信用代码 and the stake in per cent;
- deposits 存款: bank account number (a person's card number passes the Luhn check), balance;
- financial products 理财: product registration code, product name, value;
- securities 证券: 资金账号 with the Shanghai and Shenzhen securities accounts, market value;
- provident fund 公积金: account number, paying employer, balance;
- online funds 网络资金: payment account (Alipay user id, WeChat id) and balance;
- ships 船舶: 船舶识别号 `CN20181234567`, ship name `豫洛阳货1234`, type, gross tonnage, value;
- insurance 保险: policy number, insurer and product, the policy's cash value (现金价值).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from contracts.enforcement import Holding, Organization, Person, PropertyKind, party_id
from contracts.ids import credit_code_check_character, organization_code_check_character

# ---- places ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """Where a bureau's holdings lie: the name on certificates, districts with their streets."""

    name: str
    """As on a 不动产权证书: 洛阳市, 新安县, 汝州市."""
    prefix: str
    """How an address starts: 河南省洛阳市 …"""
    districts: tuple[tuple[str, tuple[str, ...]], ...]
    """(district, streets) — the district is empty for a county or county-level city."""
    plate: str
    """Licence plate prefix: 豫C Luoyang, 豫D Pingdingshan (Ruzhou)."""
    short: str
    """Short name for firms and branches: 洛阳, 新安, 汝州."""


LUOYANG = Place(
    "洛阳市", "河南省洛阳市",
    (("老城区", ("中州东路", "九都东路", "定鼎北路")),
     ("西工区", ("中州中路", "唐宫中路", "凯旋东路", "王城大道")),
     ("瀍河回族区", ("启明南路", "瀍河路", "华林路")),
     ("涧西区", ("南昌路", "天津路", "西苑路", "长安路", "建设路")),
     ("洛龙区", ("开元大道", "古城路", "通济街", "太康东路", "龙门大道")),
     ("偃师区", ("槐新路", "商都路", "华夏路")),
     ("孟津区", ("黄河路", "会盟大道"))),
    "豫C", "洛阳",
)  # fmt: skip
PLACES: dict[str, Place] = {
    "410300": LUOYANG,
    "410323": Place("新安县", "河南省洛阳市新安县", (("", ("函谷路", "涧河路", "新城大道")),),
                    "豫C", "新安"),
    "410329": Place("伊川县", "河南省洛阳市伊川县", (("", ("伊河路", "杜康大道", "城关大道")),),
                    "豫C", "伊川"),
    "410482": Place("汝州市", "河南省汝州市", (("", ("丹阳路", "广成路", "朝阳路", "望嵩路")),),
                    "豫D", "汝州"),
}  # fmt: skip


def place_of(bureau: str) -> Place:
    """The place of a bureau, from the division code its organization code ends with; Luoyang for
    a province-level bureau or an unknown code."""
    division = bureau[-6:]
    return PLACES.get(division) or PLACES.get(division[:4] + "00") or LUOYANG


# ---- randomness ------------------------------------------------------------------------------


def rng_for(seed: int, *parts: object) -> random.Random:
    """A generator seeded from the seed and the parts: the same on every run and platform."""
    text = ":".join(str(part) for part in (seed, *parts))
    return random.Random(int.from_bytes(hashlib.sha256(text.encode()).digest()[:16], "big"))


def yuan(cents: int) -> Decimal:
    """An amount in yuan with two decimal places, from whole fen."""
    return Decimal(max(cents, 0)).scaleb(-2)


def _money(rng: random.Random, scale: float = 1.0) -> Decimal:
    """A balance as debtors' balances are: mostly small, now and then large."""
    roll = rng.random()
    if roll < 0.4:
        high = 100_00
    elif roll < 0.75:
        high = 10_000_00
    elif roll < 0.95:
        high = 200_000_00
    else:
        high = 2_000_000_00
    return yuan(int(rng.randrange(1, high) * scale))


def _count(rng: random.Random, more: float = 0.25) -> int:
    """One, sometimes two or three."""
    n = 1
    while n < 3 and rng.random() < more:
        n += 1
    return n


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
FIRM_WORDS = (
    "恒达",
    "鑫源",
    "宏远",
    "华盛",
    "瑞丰",
    "博源",
    "天正",
    "金诺",
    "中元",
    "祥和",
    "伊洛",
    "河洛",
    "牡丹",
    "龙门",
    "嵩岳",
)
INDUSTRIES = (
    "建材",
    "商贸",
    "物流",
    "机械制造",
    "农业科技",
    "房地产开发",
    "餐饮管理",
    "文化传媒",
    "矿业",
    "汽车销售",
    "建筑工程",
    "电子科技",
)


def company_name(rng: random.Random, place: Place) -> str:
    return f"{place.short}{rng.choice(FIRM_WORDS)}{rng.choice(INDUSTRIES)}有限公司"


def credit_code(rng: random.Random, division: str) -> str:
    """A 统一社会信用代码 of a company (91…) registered in the division, check characters right."""
    org = _digits(rng, 8)
    body = "91" + division + org + organization_code_check_character(org)
    return body + credit_code_check_character(body)


def _division(bureau: str) -> str:
    tail = bureau[-6:]
    return tail if tail.isdigit() else "410300"


# ---- real estate 不动产 -----------------------------------------------------------------------

COMMUNITIES = (
    "河洛春天",
    "牡丹城",
    "龙门花园",
    "洛浦花苑",
    "凯旋名门",
    "新都汇",
    "丽景花苑",
    "世纪花城",
    "嵩山花园",
    "伊水嘉苑",
    "锦绣华庭",
    "翠湖湾",
    "东方今典",
    "学府名苑",
)
CERTIFICATE = "豫（{year}）{place}不动产权第{number:07d}号"


def _real_estate(rng: random.Random, bureau: str, person: bool) -> Holding:
    place = place_of(bureau)
    district, streets = rng.choice(place.districts)
    street = f"{place.prefix}{district}{rng.choice(streets)}{rng.randrange(1, 400)}号"
    county = place is not LUOYANG
    roll = rng.random()
    if not person and roll < 0.5:
        use, area = "工业用地及厂房", rng.randrange(500_00, 8000_00)
        price, where = rng.randrange(1200, 3000), f"{street}厂区"
    elif roll < (0.72 if person else 0.75):
        use, area = "住宅", rng.randrange(55_00, 185_00)
        price = rng.randrange(5500, 13000)
        where = (
            f"{street}{rng.choice(COMMUNITIES)}{rng.randrange(1, 30)}幢"
            f"{rng.randrange(1, 4)}单元{rng.randrange(1, 33)}{rng.randrange(1, 5):02d}室"
        )
    elif roll < 0.88:
        use, area = "商业服务", rng.randrange(25_00, 320_00)
        price, where = rng.randrange(9000, 20000), f"{street}{rng.randrange(1, 3)}层商铺"
    else:
        use, area = "车位", rng.randrange(12_00, 16_00)
        price = rng.randrange(5000, 10000)
        where = f"{street}{rng.choice(COMMUNITIES)}地下车库B{rng.randrange(1, 3)}-{rng.randrange(1, 600)}号车位"
    if county:
        price = int(price * 0.65)
    reference = CERTIFICATE.format(
        year=rng.randrange(2016, 2025), place=place.name, number=rng.randrange(1, 10_000_000)
    )
    area_text = f"{Decimal(area).scaleb(-2)}"
    return Holding(
        kind=PropertyKind.REAL_ESTATE,
        reference=reference,
        description=f"{where}，{use}，建筑面积{area_text}平方米",
        value=yuan(area * price),
        encumbered=rng.random() < 0.12,
    )


# ---- vehicles 车辆 ----------------------------------------------------------------------------

CARS = (  # make, model, WMI, new price in yuan
    ("大众", "朗逸", "LSV", 120_000), ("大众", "迈腾", "LFV", 200_000),
    ("丰田", "卡罗拉", "LFM", 130_000), ("本田", "雅阁", "LHG", 180_000),
    ("比亚迪", "秦PLUS", "LGX", 110_000), ("比亚迪", "宋PLUS", "LGX", 160_000),
    ("五菱", "宏光", "LZW", 50_000), ("别克", "英朗", "LSG", 110_000),
    ("长安", "CS75", "LS5", 120_000), ("吉利", "帝豪", "L6T", 80_000),
    ("哈弗", "H6", "LGW", 120_000), ("宝马", "5系", "LBV", 450_000),
)  # fmt: skip
TRUCKS = (
    ("东风", "天龙重型半挂牵引车", "LGA", 380_000), ("解放", "J6P重型半挂牵引车", "LFW", 400_000),
    ("中国重汽", "豪沃自卸货车", "LZZ", 350_000), ("江淮", "帅铃轻型厢式货车", "LJ1", 110_000),
)  # fmt: skip
COLOURS = ("白色", "黑色", "银色", "灰色", "红色", "蓝色")
VIN_ALPHABET = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"
VIN_YEARS = "ABCDEFGHJKLMNPRSTVWXY"  # model year 2010, 2011, …
_VIN_VALUES = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


def vin_check_character(vin: str) -> str:
    """The check character (9th) of a 17-character VIN (GB 16735 / ISO 3779)."""
    total = sum(_VIN_VALUES[c] * w for c, w in zip(vin, _VIN_WEIGHTS, strict=True))
    return "X" if total % 11 == 10 else str(total % 11)


def vin(rng: random.Random, wmi: str, year: int) -> str:
    vds = "".join(rng.choice(VIN_ALPHABET) for _ in range(5))
    tail = VIN_YEARS[(year - 2010) % len(VIN_YEARS)] + rng.choice(VIN_ALPHABET) + _digits(rng, 6)
    draft = wmi + vds + "0" + tail
    return wmi + vds + vin_check_character(draft) + tail


def plate(rng: random.Random, prefix: str, new_energy: bool) -> str:
    if new_energy:
        return f"{prefix}·{rng.choice('DF')}{_digits(rng, 5)}"
    chars = [rng.choice("0123456789") for _ in range(5)]
    for i in rng.sample(range(5), rng.choice((0, 1, 1, 2))):
        chars[i] = rng.choice(PLATE_LETTERS)
    return f"{prefix}·{''.join(chars)}"


def _vehicle(rng: random.Random, bureau: str, person: bool) -> Holding:
    make, model, wmi, price = rng.choice(CARS if person or rng.random() < 0.4 else TRUCKS)
    year = rng.randrange(2010, 2025)
    age = 2025 - year
    new_energy = make == "比亚迪"
    value = int(price * 100 * 0.82**age * rng.uniform(0.85, 1.1))
    kind = "小型轿车" if (make, model, wmi, price) in CARS else "货车"
    return Holding(
        kind=PropertyKind.VEHICLE,
        reference=plate(rng, place_of(bureau).plate, new_energy),
        description=(
            f"{make}牌{model}，{kind}，{rng.choice(COLOURS)}，{year}年初次登记，"
            f"车辆识别代号{vin(rng, wmi, year)}"
        ),
        value=yuan(value),
        encumbered=rng.random() < 0.1,
    )


# ---- equity 股权 ------------------------------------------------------------------------------


def _equity(rng: random.Random, bureau: str, person: bool) -> Holding:
    place = place_of(bureau)
    company = company_name(rng, place)
    code = credit_code(rng, _division(bureau))
    stake = (
        rng.choice((100, 100, 70, 60, 51, 50, 40, 35, 30, 20, 10, 5))
        if person
        else rng.choice((100, 80, 60, 51, 49, 30, 20, 15))
    )
    capital = rng.choice((50, 100, 200, 300, 500, 1000, 2000, 5000))  # 万元
    contribution = Decimal(capital * stake).scaleb(-2)
    return Holding(
        kind=PropertyKind.EQUITY,
        reference=f"{company}（{code}）{stake}%股权",
        description=(
            f"{company}，注册资本{capital}万元，认缴出资{contribution}万元，"
            f"持股比例{stake}%，登记机关{place.name}市场监督管理局"
        ),
        value=yuan(capital * 10_000 * stake),
        encumbered=rng.random() < 0.08,
    )


# ---- banks: deposits 存款 and financial products 理财 -----------------------------------------


@dataclass(frozen=True)
class Bank:
    name: str
    card_bin: str
    """Issuer number of its debit cards (6 digits)."""
    corporate: str
    """First digits of its corporate account numbers in the region."""
    wealth: str
    """Its wealth-management brand."""


BANKS: dict[str, Bank] = {
    "BKICBC": Bank("中国工商银行", "622202", "1705", "工银理财"),
    "BKABC": Bank("中国农业银行", "622848", "1616", "农银理财"),
    "BKBOC": Bank("中国银行", "621661", "2567", "中银理财"),
    "BKCCB": Bank("中国建设银行", "621700", "4105", "建信理财"),
    "BKPSBC": Bank("中国邮政储蓄银行", "621799", "9410", "中邮理财"),
    "BKZYB": Bank("中原银行", "623595", "4109", "中原银行"),
    "BKRZRCB": Bank("汝州农村商业银行", "621928", "8100", "汝州农商银行"),
}  # fmt: skip
SOME_BANK = Bank("商业银行", "621000", "1000", "银行理财")
BRANCHES = ("中州路", "涧西", "西工", "洛龙", "老城", "高新区", "开元大道", "王城大道", "南昌路")
PRODUCT_SERIES = ("稳享", "鑫得利", "安心", "天天利", "丰裕", "添利")
PRODUCT_TERMS = ("日开", "30天持有期", "90天持有期", "180天持有期", "1年定开")


def bank_of(bureau: str) -> Bank:
    return BANKS.get(bureau.removesuffix(bureau[-6:]), SOME_BANK)


def luhn_check_digit(body: str) -> str:
    """The digit that makes `body + digit` pass the Luhn check (bank card numbers)."""
    total = 0
    for i, c in enumerate(reversed(body)):
        d = int(c) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


def branch(rng: random.Random, bank: Bank, bureau: str) -> str:
    place = place_of(bureau)
    if place is LUOYANG:
        return f"{bank.name}洛阳{rng.choice(BRANCHES)}支行"
    return f"{bank.name}{place.short}支行"


def _deposit(rng: random.Random, bureau: str, person: bool) -> Holding:
    bank = bank_of(bureau)
    if person:
        body = bank.card_bin + _digits(rng, 12)
        account, kind = (
            body + luhn_check_digit(body),
            rng.choice(("I类借记卡账户", "活期储蓄账户", "定期储蓄账户")),
        )
    else:
        account = bank.corporate + _digits(rng, 15)
        kind = rng.choice(("基本存款账户", "一般存款账户", "一般存款账户"))
    return Holding(
        kind=PropertyKind.DEPOSIT,
        reference=account,
        description=f"{branch(rng, bank, bureau)}，{kind}，币种人民币",
        value=_money(rng, 1.0 if person else 5.0),
        encumbered=rng.random() < 0.15,
    )


def _financial_product(rng: random.Random, bureau: str, person: bool) -> Holding:
    bank = bank_of(bureau)
    code = "Z70" + _digits(rng, 11)
    name = f"{bank.wealth}·{rng.choice(PRODUCT_SERIES)}固收增强{rng.choice(PRODUCT_TERMS)}理财产品"
    shares = rng.randrange(10_000, 500_000 if person else 5_000_000)
    return Holding(
        kind=PropertyKind.FINANCIAL_PRODUCT,
        reference=f"{code}（理财账户{_digits(rng, 12)}）",
        description=f"{name}，{branch(rng, bank, bureau)}，持有份额{shares}份",
        value=yuan(int(shares * 100 * rng.uniform(0.98, 1.08))),
        encumbered=rng.random() < 0.05,
    )


# ---- securities 证券 --------------------------------------------------------------------------

FIRMS = {"SCZYSC": "中原证券"}
STOCKS = (
    "洛阳钼业",
    "中信重工",
    "一拖股份",
    "洛阳玻璃",
    "中原证券",
    "隆华科技",
    "北方股份",
    "贵州茅台",
    "宁德时代",
    "招商银行",
)


def _securities(rng: random.Random, bureau: str, person: bool) -> Holding:
    firm = FIRMS.get(bureau.removesuffix(bureau[-6:]), "证券公司")
    place = place_of(bureau)
    capital_account = f"3{_digits(rng, 10)}"
    shanghai = ("A" if person else "B") + _digits(rng, 9)
    shenzhen = ("00" if person else "08") + _digits(rng, 8)
    held = rng.sample(STOCKS, rng.randrange(0, 4))
    value = sum(rng.randrange(1_000_00, 300_000_00) for _ in held) + rng.randrange(0, 50_000_00)
    return Holding(
        kind=PropertyKind.SECURITIES,
        reference=f"资金账号{capital_account}",
        description=(
            f"{firm}{place.short}{rng.choice(rng.choice(place.districts)[1])}"
            f"证券营业部，上海证券账户{shanghai}，深圳证券账户{shenzhen}，"
            f"持仓：{'、'.join(held) or '无'}"
        ),
        value=yuan(value),
        encumbered=rng.random() < 0.05,
    )


def _securities_cash(rng: random.Random, bureau: str, person: bool) -> Holding:
    """客户交易结算资金 — the cash side of a securities account, frozen and deducted like money."""
    firm = FIRMS.get(bureau.removesuffix(bureau[-6:]), "证券公司")
    return Holding(
        kind=PropertyKind.SECURITIES_CASH,
        reference=f"资金账号3{_digits(rng, 10)}（客户交易结算资金）",
        description=f"{firm}客户交易结算资金账户余额",
        value=yuan(rng.randrange(0, 200_000_00)),
        encumbered=False,
    )


# ---- provident fund 公积金 ---------------------------------------------------------------------


def _provident_fund(rng: random.Random, bureau: str, person: bool) -> Holding:
    place = place_of(bureau)
    status = rng.choice(("正常缴存", "正常缴存", "正常缴存", "封存"))
    return Holding(
        kind=PropertyKind.PROVIDENT_FUND,
        reference=_digits(rng, 12),
        description=(
            f"{place.name}住房公积金管理中心个人账户，缴存单位"
            f"{company_name(rng, place)}，账户状态{status}，"
            f"月缴存额{rng.randrange(200, 2400)}元"
        ),
        value=yuan(rng.randrange(2_000_00, 150_000_00)),
        encumbered=rng.random() < 0.05,
    )


# ---- online funds 网络资金 ---------------------------------------------------------------------

WECHAT_ID = "abcdefghijklmnopqrstuvwxyz0123456789"


def _online_funds(rng: random.Random, bureau: str, person: bool) -> Holding:
    if "TENPAY" in bureau:
        account = "wxid_" + "".join(rng.choice(WECHAT_ID) for _ in range(14))
        what = (
            "财付通支付科技有限公司，微信支付零钱账户"
            if person
            else "财付通支付科技有限公司，微信支付商户账户"
        )
    else:
        account = "2088" + _digits(rng, 12)
        what = (
            "支付宝（中国）网络技术有限公司，支付宝账户余额"
            if person
            else "支付宝（中国）网络技术有限公司，支付宝企业账户余额"
        )
    balance = yuan(rng.randrange(0, 500_00)) if rng.random() < 0.7 else _money(rng)
    return Holding(
        kind=PropertyKind.ONLINE_FUNDS,
        reference=account,
        description=what,
        value=balance,
        encumbered=rng.random() < 0.05,
    )


# ---- ships 船舶 ------------------------------------------------------------------------------

SHIP_TYPES = (
    ("货", "干货船", 300, 3000),
    ("货", "散货船", 500, 5000),
    ("客", "客渡船", 50, 400),
    ("渔", "渔船", 20, 150),
    ("工", "工程船", 100, 1200),
)
"""(name word, type, smallest and largest gross tonnage)."""


def _ship(rng: random.Random, bureau: str, person: bool) -> Holding:
    """An inland vessel as the maritime registry records it (船舶识别号, name, tonnage)."""
    place = place_of(bureau)
    word, kind, low, high = rng.choice(SHIP_TYPES[3:] if person else SHIP_TYPES)
    year = rng.randrange(2008, 2025)
    tonnage = rng.randrange(low, high)
    value = int(tonnage * rng.randrange(800, 2500) * 100 * 0.93 ** (2025 - year))
    return Holding(
        kind=PropertyKind.SHIP,
        reference=f"CN{year}{_digits(rng, 7)}",
        description=(
            f"船名豫{place.short}{word}{rng.randrange(1, 10_000):04d}，{kind}，"
            f"总吨{tonnage}，{year}年建造，船籍港{place.short}"
        ),
        value=yuan(value),
        encumbered=rng.random() < 0.1,
    )


# ---- insurance 保险 ---------------------------------------------------------------------------

INSURERS = {"INCLIC": "中国人寿保险股份有限公司", "INPALIC": "中国平安人寿保险股份有限公司"}
POLICIES = ("终身寿险", "两全保险", "年金保险", "增额终身寿险", "分红型两全保险")


def _insurance(rng: random.Random, bureau: str, person: bool) -> Holding:
    """A policy with a cash value (现金价值), the debtor as policyholder (投保人)."""
    insurer = INSURERS.get(bureau.removesuffix(bureau[-6:]), "人寿保险股份有限公司")
    year = rng.randrange(2012, 2025)
    premium = rng.choice((3_000, 5_000, 10_000, 20_000, 50_000, 100_000))
    paid = min(2025 - year, rng.choice((5, 10, 20)))
    cash = int(premium * 100 * max(paid, 1) * rng.uniform(0.55, 1.05))
    role = "投保人" if person else "投保人（团体保险）"
    return Holding(
        kind=PropertyKind.INSURANCE,
        reference=f"保单号{year}{_division(bureau)}{_digits(rng, 10)}",
        description=(
            f"{insurer}，{rng.choice(POLICIES)}，被执行人为{role}，{year}年生效，"
            f"年交保费{premium}元，已交{paid}年，现金价值以保险公司核算为准"
        ),
        value=yuan(cash),
        encumbered=rng.random() < 0.03,
    )


# ---- the dataset ------------------------------------------------------------------------------

Maker = Callable[[random.Random, str, bool], Holding]

KINDS: dict[PropertyKind, tuple[float, float, float, Maker]] = {
    # kind: (share of persons holding any, share of organizations, more-than-one, maker)
    PropertyKind.REAL_ESTATE: (0.30, 0.25, 0.25, _real_estate),
    PropertyKind.VEHICLE: (0.25, 0.35, 0.15, _vehicle),
    PropertyKind.EQUITY: (0.12, 0.35, 0.25, _equity),
    PropertyKind.DEPOSIT: (0.45, 0.70, 0.25, _deposit),
    PropertyKind.FINANCIAL_PRODUCT: (0.08, 0.05, 0.1, _financial_product),
    PropertyKind.SECURITIES: (0.10, 0.05, 0.0, _securities),
    PropertyKind.SECURITIES_CASH: (0.08, 0.04, 0.0, _securities_cash),
    PropertyKind.PROVIDENT_FUND: (0.35, 0.0, 0.0, _provident_fund),
    PropertyKind.ONLINE_FUNDS: (0.55, 0.15, 0.0, _online_funds),
    PropertyKind.SHIP: (0.04, 0.06, 0.2, _ship),
    PropertyKind.INSURANCE: (0.20, 0.02, 0.25, _insurance),
}
"""How often a debtor holds anything of a kind at one bureau, and how it is made."""


def holdings_of_kind(
    seed: int, bureau: str, debtor_id: str, kind: PropertyKind, *, person: bool = True
) -> list[Holding]:
    """What `bureau` holds of one kind for the debtor with this id (possibly nothing)."""
    rng = rng_for(seed, bureau, debtor_id, kind.value)
    share_person, share_org, more, make = KINDS[kind]
    if rng.random() >= (share_person if person else share_org):
        return []
    return [make(rng, bureau, person) for _ in range(_count(rng, more))]


def holdings(
    seed: int, bureau: str, debtor: Person | Organization, kinds: Iterable[PropertyKind]
) -> list[Holding]:
    """What `bureau` holds of the debtor, of the kinds asked only, in the order asked."""
    person = isinstance(debtor, Person)
    found: list[Holding] = []
    for kind in dict.fromkeys(PropertyKind(k) for k in kinds):
        found += holdings_of_kind(seed, bureau, party_id(debtor), kind, person=person)
    return found
