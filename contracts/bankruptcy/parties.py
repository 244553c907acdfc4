"""当事人 — the company in bankruptcy, who petitioned, and the administrator the court appointed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import Field

from contracts.base import Contract, OrgCode
from contracts.ids import CreditCode

Yuan = Annotated[Decimal, Field(ge=0, max_digits=16, decimal_places=2)]
"""An amount in yuan (元), two decimal places."""

Text = Annotated[str, Field(min_length=1, max_length=2000)]
"""Words a person wrote: a reason, a request, a summary."""


class Debtor(Contract):
    """债务人 — the company whose bankruptcy is sought (企业破产法 第二条)."""

    name: str = Field(min_length=1, max_length=200)
    """名称 — registered name."""
    credit_code: CreditCode
    """统一社会信用代码 — unified social credit code; the key that finds the company's
    enforcement cases and registrations."""
    legal_representative: str | None = Field(default=None, max_length=100)
    """法定代表人 — legal representative's name; bound by 企业破产法 第十五条 from acceptance."""


class PetitionerKind(StrEnum):
    """申请人 — who petitioned (企业破产法 第七条)."""

    DEBTOR = "debtor"  # 债务人 (第七条第一款)
    CREDITOR = "creditor"  # 债权人 (第七条第二款)
    LIQUIDATION_RESPONSIBLE = "liquidation_responsible"  # 依法负有清算责任的人 (第七条第三款)


class Procedure(StrEnum):
    """程序 — the procedure the case runs in: 破产清算, 重整 (第八章) or 和解 (第九章)."""

    LIQUIDATION = "liquidation"  # 破产清算
    REORGANIZATION = "reorganization"  # 重整
    SETTLEMENT = "settlement"  # 和解


class AdministratorKind(StrEnum):
    """管理人类别 (企业破产法 第二十四条; 指定管理人规定 第十八条、第十九条)."""

    LAW_FIRM = "law_firm"  # 律师事务所
    ACCOUNTING_FIRM = "accounting_firm"  # 会计师事务所
    LIQUIDATION_FIRM = "liquidation_firm"  # 破产清算事务所
    LIQUIDATION_COMMITTEE = "liquidation_committee"  # 清算组
    INDIVIDUAL = "individual"  # 个人管理人 (第二十四条第二款)


class AppointmentMethod(StrEnum):
    """指定方式 (最高人民法院关于审理企业破产案件指定管理人的规定 第二十条、第二十一条)."""

    RANDOM = "random"  # 轮候、抽签、摇号 from the roster (第二十条), the default
    COMPETITIVE = "competitive"  # 竞争 (第二十一条): financial institutions, large or complex cases
    RECOMMENDED = "recommended"  # 推荐: 清算组 members or as the higher court allows


class Administrator(Contract):
    """管理人 — the administrator the court appointed with the acceptance (企业破产法 第十三条)."""

    code: OrgCode
    """组织代码 — the administrator's code in the organization registry: the code it publishes
    its requests under and receives notices on."""
    name: str = Field(min_length=1, max_length=200)
    """名称 — e.g. 河南某某律师事务所."""
    kind: AdministratorKind
    """类别 — law firm, accounting firm, liquidation firm, liquidation committee, individual."""
    credit_code: CreditCode | None = None
    """统一社会信用代码 — of the firm; none for a liquidation committee or an individual."""
    lead_person: str = Field(min_length=1, max_length=100)
    """负责人 — the person leading the administrator's team."""
    contact: str = Field(min_length=1, max_length=200)
    """联系方式 — how a bureau reaches the administrator: an office telephone or address."""
    method: AppointmentMethod = AppointmentMethod.RANDOM
    """指定方式 — random from the roster, competitive selection or recommendation."""
    appointed_on: date
    """指定日期 — the day of the appointment decision (the acceptance day, 第十三条)."""
