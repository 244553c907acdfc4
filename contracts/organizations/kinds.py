"""类别 — levels of jurisdiction, kinds of organization and the capabilities they handle."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

PLATFORM_CODE = "FUYUAN"
"""The platform's own organization: the actor of events the system itself generates."""


class Level(StrEnum):
    """层级 — level of a jurisdiction: 省, 市, 县(市、区), 乡镇/街道."""

    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    TOWN = "town"


LEVEL_RANK: Mapping[Level, int] = {level: rank for rank, level in enumerate(Level)}


class OrgKind(StrEnum):
    """单位类别 — what kind of organization it is; the org code starts with its prefix."""

    COURT = "court"  # 法院 CT
    PROCURATORATE = "procuratorate"  # 检察院 PR
    POLICE = "police"  # 公安局 PS
    VEHICLE_ADMINISTRATION = "vehicle_administration"  # 车管所 VA
    NATURAL_RESOURCES = "natural_resources"  # 自然资源 / 不动产登记 NR
    MARKET_REGULATION = "market_regulation"  # 市场监管 MR
    PROVIDENT_FUND = "provident_fund"  # 公积金中心 HF
    TAX = "tax"  # 税务 TX
    HUMAN_RESOURCES = "human_resources"  # 人社 HR
    HOUSING = "housing"  # 住建 HC
    FINANCE = "finance"  # 财政 FN
    PETITION = "petition"  # 信访 PT
    DEVELOPMENT_REFORM = "development_reform"  # 发改 DR
    FINANCIAL_REGULATION = "financial_regulation"  # 地方金融监管 FR
    BANK = "bank"  # 银行 BK + institution
    SECURITIES = "securities"  # 证券公司 SC + institution
    PAYMENT = "payment"  # 网络支付机构 PY + institution
    TELECOM = "telecom"  # 通信运营商 TC + institution
    MARITIME = "maritime"  # 海事管理机构 (船舶登记) MS
    INSURER = "insurer"  # 保险公司 IN + institution (cash-value policies)
    # The bureaus that enforce joint sanctions and consumption restrictions (限制消费):
    RAILWAY = "railway"  # 铁路局集团公司 RW
    CIVIL_AVIATION = "civil_aviation"  # 民航地区监管局 CA
    TRANSPORT = "transport"  # 交通运输局 TR (waterway and road passenger transport)
    CULTURE_TOURISM = "culture_tourism"  # 文化广电和旅游局 CU
    EDUCATION = "education"  # 教育局 ED
    PUBLIC_RESOURCES_TRADING = "public_resources_trading"  # 公共资源交易中心 PP
    CIVIL_AFFAIRS = "civil_affairs"  # 民政局 CF
    ORGANIZATION_DEPARTMENT = "organization_department"  # 党委组织部 (with 编办) OD
    SASAC = "sasac"  # 国资委 SA
    CIVILIZATION_OFFICE = "civilization_office"  # 精神文明建设委员会办公室 文明办 CV
    FINANCIAL_SUPERVISION = "financial_supervision"  # 国家金融监督管理总局派出机构 FS
    SECURITIES_REGULATION = "securities_regulation"  # 证监会派出机构 SR
    CREDIT_REFERENCE = "credit_reference"  # 征信机构: 人民银行征信中心 (through its branch) CR
    JOINT_OFFICE = "joint_office"  # 联席办 JO
    # The administrator of a bankruptcy and the units a bankruptcy's coordination tasks name
    # (deploy/bankruptcy/topics.yaml), same values as their `UnitKind`:
    ADMINISTRATOR = "administrator"  # 破产管理人 AM + firm (law or accounting firm, 清算组)
    POLITICAL_LEGAL_COMMITTEE = "political_legal_committee"  # 党委政法委 PL
    MEDICAL_INSURANCE = "medical_insurance"  # 医疗保障局 MI
    TRADE_UNION = "trade_union"  # 总工会 TU
    TOWN_GOVERNMENT = "town_government"  # 乡镇人民政府、街道办事处 TG (a town's code)
    ECOLOGY_ENVIRONMENT = "ecology_environment"  # 生态环境局 EE
    EMERGENCY_MANAGEMENT = "emergency_management"  # 应急管理局 EM
    PBOC_BRANCH = "pboc_branch"  # 中国人民银行分支机构 PB
    CUSTOMS = "customs"  # 海关 CS
    FOREIGN_EXCHANGE = "foreign_exchange"  # 国家外汇管理局分支局 FX
    JUSTICE_BUREAU = "justice_bureau"  # 司法局 JB (the joint office's seat)
    # The joint mechanism 府院联动机制 itself: the leading group decides, the joint office
    # (JOINT_OFFICE above, seated at the justice bureau) runs it, member units carry it out.
    LEADING_GROUP = "leading_group"  # 府院联动工作领导小组 LG
    PLATFORM = "platform"  # the platform itself, code FUYUAN


KIND_PREFIXES: Mapping[OrgKind, str] = {
    OrgKind.COURT: "CT",
    OrgKind.PROCURATORATE: "PR",
    OrgKind.POLICE: "PS",
    OrgKind.VEHICLE_ADMINISTRATION: "VA",
    OrgKind.NATURAL_RESOURCES: "NR",
    OrgKind.MARKET_REGULATION: "MR",
    OrgKind.PROVIDENT_FUND: "HF",
    OrgKind.TAX: "TX",
    OrgKind.HUMAN_RESOURCES: "HR",
    OrgKind.HOUSING: "HC",
    OrgKind.FINANCE: "FN",
    OrgKind.PETITION: "PT",
    OrgKind.DEVELOPMENT_REFORM: "DR",
    OrgKind.FINANCIAL_REGULATION: "FR",
    OrgKind.BANK: "BK",
    OrgKind.SECURITIES: "SC",
    OrgKind.PAYMENT: "PY",
    OrgKind.TELECOM: "TC",
    OrgKind.MARITIME: "MS",
    OrgKind.INSURER: "IN",
    OrgKind.RAILWAY: "RW",
    OrgKind.CIVIL_AVIATION: "CA",
    OrgKind.TRANSPORT: "TR",
    OrgKind.CULTURE_TOURISM: "CU",
    OrgKind.EDUCATION: "ED",
    OrgKind.PUBLIC_RESOURCES_TRADING: "PP",
    OrgKind.CIVIL_AFFAIRS: "CF",
    OrgKind.ORGANIZATION_DEPARTMENT: "OD",
    OrgKind.SASAC: "SA",
    OrgKind.CIVILIZATION_OFFICE: "CV",
    OrgKind.FINANCIAL_SUPERVISION: "FS",
    OrgKind.SECURITIES_REGULATION: "SR",
    OrgKind.CREDIT_REFERENCE: "CR",
    OrgKind.JOINT_OFFICE: "JO",
    OrgKind.ADMINISTRATOR: "AM",
    OrgKind.POLITICAL_LEGAL_COMMITTEE: "PL",
    OrgKind.MEDICAL_INSURANCE: "MI",
    OrgKind.TRADE_UNION: "TU",
    OrgKind.TOWN_GOVERNMENT: "TG",
    OrgKind.ECOLOGY_ENVIRONMENT: "EE",
    OrgKind.EMERGENCY_MANAGEMENT: "EM",
    OrgKind.PBOC_BRANCH: "PB",
    OrgKind.CUSTOMS: "CS",
    OrgKind.FOREIGN_EXCHANGE: "FX",
    OrgKind.JUSTICE_BUREAU: "JB",
    OrgKind.LEADING_GROUP: "LG",
}

MARKET_KINDS = frozenset(
    {
        OrgKind.BANK,
        OrgKind.SECURITIES,
        OrgKind.PAYMENT,
        OrgKind.TELECOM,
        OrgKind.INSURER,
        OrgKind.ADMINISTRATOR,
    }
)
"""Kinds with several institutions per jurisdiction: their codes name the institution (an
administrator's, the firm: `AMHUAZHOU410300`)."""

NOT_BUREAUS = frozenset(
    {
        OrgKind.COURT,
        OrgKind.PROCURATORATE,
        OrgKind.JOINT_OFFICE,
        OrgKind.LEADING_GROUP,
        OrgKind.ADMINISTRATOR,
        OrgKind.PLATFORM,
    }
)
"""Not bureaus: they do not answer courts' notices (an administrator sends the bankruptcy's
requests, it receives no task to answer)."""

SEATS: Mapping[OrgKind, OrgKind] = {OrgKind.JOINT_OFFICE: OrgKind.JUSTICE_BUREAU}
"""驻地 — kinds that are housed by another organization of their jurisdiction, and the kind of
that organization: the joint office 联席办 sits at the justice bureau 司法局 (司法厅 for the
province). An organization of such a kind names its seat; no other does."""


class Capability(StrEnum):
    """职能 — what an organization can be asked to do."""

    REAL_ESTATE = "real_estate"  # 不动产 query, seize
    VEHICLE = "vehicle"  # 车辆
    EQUITY = "equity"  # 股权
    DEPOSIT = "deposit"  # 存款
    FINANCIAL_PRODUCT = "financial_product"  # 金融理财产品
    SECURITIES = "securities"  # 证券
    PROVIDENT_FUND = "provident_fund"  # 住房公积金
    ONLINE_FUNDS = "online_funds"  # 网络资金 (payment accounts)
    SHIP = "ship"  # 船舶 (海事 registration)
    INSURANCE = "insurance"  # 保险 (cash value of policies)
    TELECOM = "telecom"  # 通讯信息
    ONLINE_DEDUCTION = "online_deduction"  # 网络扣划: ready and agreed to deduct online
    CREDIT_SANCTION = "credit_sanction"  # 失信联合惩戒: apply and lift
    CONSUMPTION_RESTRICTION = "consumption_restriction"  # 限制消费令: enforce the nine kinds
    CREDIT_REPAIR = "credit_repair"  # 信用修复
    DEBTOR_LOCATION = "debtor_location"  # 协作查找被执行人
    PROSECUTION = "prosecution"  # 拒不执行判决裁定罪
    BUSINESS_REGISTRATION = "business_registration"  # 变更注销
    TAX = "tax"  # 税收征管
    SOCIAL_INSURANCE = "social_insurance"  # 民生保障: wages, social insurance
    HOUSING = "housing"  # 问题楼盘, pre-sale funds
    EXPENSE_GUARANTEE = "expense_guarantee"  # 破产费用保障
    FINANCIAL_COORDINATION = "financial_coordination"  # 金融协调
    PETITION = "petition"  # 信访
    COORDINATION = "coordination"  # 联席办: meetings, ledgers, tracking


PROPERTY_KINDS = frozenset(
    {
        Capability.REAL_ESTATE,
        Capability.VEHICLE,
        Capability.EQUITY,
        Capability.DEPOSIT,
        Capability.FINANCIAL_PRODUCT,
        Capability.SECURITIES,
        Capability.PROVIDENT_FUND,
        Capability.ONLINE_FUNDS,
        Capability.SHIP,
        Capability.INSURANCE,
    }
)
"""财产类别 — the kinds of property a court can query and freeze through 网络查控."""
