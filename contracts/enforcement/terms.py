"""法定期限 — the longest term a control of each kind of property may run, and why.

The basis is 《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》(2022) 第四百八十五条:
"人民法院冻结被执行人的银行存款的期限不得超过一年，查封、扣押动产的期限不得超过二年，查封不动产、
冻结其他财产权的期限不得超过三年。申请执行人申请延长期限的，人民法院应当在查封、扣押、冻结期限届满前
办理续行查封、扣押、冻结手续，续行期限不得超过前款规定的期限。" It replaced the shorter terms of the
old 查封规定 第二十九条; the 2020 查封规定 has no term article, so it is not cited for terms.

Which of the three bands a kind falls in is a reading of the article, stated per kind below with
its basis. A cap that is too short is lawful (it only means an earlier renewal); one that is too
long is not, so a kind whose band is not settled keeps the shorter cap until it is.
"""

from __future__ import annotations

from pydantic import Field

from contracts.base import Contract
from contracts.enforcement.query import PropertyKind

ARTICLE = "民诉法解释(2022) 第四百八十五条"


class StatutoryTerm(Contract):
    """法定期限 — the longest term of a control of one kind of property, with its basis."""

    kind: PropertyKind
    """财产类别."""
    years: int = Field(ge=1, le=3)
    """The longest term, in years; a renewal runs at most as long again."""
    band: str
    """Which band of the article: 银行存款 (1), 动产 (2), 不动产 / 其他财产权 (3)."""
    basis: str
    """Why the kind falls in that band."""


STATUTORY_TERMS: tuple[StatutoryTerm, ...] = (
    StatutoryTerm(
        kind=PropertyKind.DEPOSIT, years=1, band="银行存款",
        basis=f"{ARTICLE}: 冻结银行存款不得超过一年",
    ),
    StatutoryTerm(
        kind=PropertyKind.SECURITIES_CASH, years=1, band="银行存款",
        basis=f"{ARTICLE}: 证券交易结算资金 is money held for the account holder, capped like a "
        "deposit",
    ),
    StatutoryTerm(
        kind=PropertyKind.ONLINE_FUNDS, years=1, band="银行存款",
        basis=f"{ARTICLE}: 网络支付账户资金 is money held for the account holder, capped like a "
        "deposit",
    ),
    StatutoryTerm(
        kind=PropertyKind.PROVIDENT_FUND, years=1, band="银行存款",
        basis=f"{ARTICLE}: 住房公积金 is money in an account, capped like a deposit",
    ),
    StatutoryTerm(
        kind=PropertyKind.FINANCIAL_PRODUCT, years=1, band="银行存款",
        basis=f"{ARTICLE}: 理财产品 are arguably 其他财产权 (3 years) [not settled]; the deposit "
        "cap is kept until that is confirmed, since a shorter cap is lawful",
    ),
    StatutoryTerm(
        kind=PropertyKind.VEHICLE, years=2, band="动产",
        basis=f"{ARTICLE}: 查封、扣押动产不得超过二年",
    ),
    StatutoryTerm(
        kind=PropertyKind.INSURANCE, years=1, band="银行存款",
        basis=f"{ARTICLE}: the cash value of a policy (保单现金价值) is arguably 其他财产权 "
        "(3 years) [not settled]; the deposit cap is kept until that is confirmed, since a "
        "shorter cap is lawful",
    ),
    StatutoryTerm(
        kind=PropertyKind.SHIP, years=2, band="动产",
        basis=f"{ARTICLE}: a ship is a movable (动产, registered like a vehicle): 查封、扣押动产不得"
        "超过二年",
    ),
    StatutoryTerm(
        kind=PropertyKind.EQUITY, years=3, band="其他财产权",
        basis=f"{ARTICLE}: 股权 is 其他财产权, not a movable: 冻结其他财产权不得超过三年",
    ),
    StatutoryTerm(
        kind=PropertyKind.SECURITIES, years=3, band="其他财产权",
        basis=f"{ARTICLE}: shares, bonds and fund units are 其他财产权; CSDC's older two-year "
        "practice predates the article",
    ),
    StatutoryTerm(
        kind=PropertyKind.REAL_ESTATE, years=3, band="不动产",
        basis=f"{ARTICLE}: 查封不动产不得超过三年",
    ),
)  # fmt: skip
"""One row per property kind: the statutory term table."""
