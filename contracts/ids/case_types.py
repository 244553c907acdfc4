"""类型代字 — the case-type codes a 案号 may carry, per the SPC's 人民法院案件类型及其代字标准 (2015,
in force 2016-01-01), with the bankruptcy and compulsory-liquidation classes as adjusted by
法〔2016〕237号 (in force 2016-08-01); and the 专门审判代字 added by 法〔2018〕335号."""

from __future__ import annotations

from collections.abc import Mapping

CASE_TYPES: Mapping[str, str] = {
    "刑初": "刑事一审 criminal first instance",
    "刑终": "刑事二审 criminal appeal",
    "刑监": "刑事审判监督 criminal supervision",
    "刑申": "刑事申诉 criminal petition for retrial",
    "刑抗": "刑事抗诉再审 criminal protest retrial",
    "刑再": "刑事再审 criminal retrial",
    "刑核": "刑事复核 criminal review",
    "刑更": "减刑假释 commutation and parole",
    "刑医": "强制医疗 compulsory medical treatment",
    "刑辖": "刑事管辖 criminal jurisdiction",
    "刑他": "刑事其他 criminal other",
    "民初": "民事一审 civil first instance",
    "民终": "民事二审 civil appeal",
    "民监": "民事审判监督 civil supervision",
    "民申": "民事申请再审 civil petition for retrial",
    "民抗": "民事抗诉再审 civil protest retrial",
    "民再": "民事再审 civil retrial",
    "民撤": "第三人撤销之诉 third-party revocation",
    "民特": "民事特别程序 civil special procedure",
    "民催": "公示催告 public summons",
    "民督": "督促程序 payment order",
    "民辖": "民事管辖 civil jurisdiction",
    "民辖终": "民事管辖上诉 civil jurisdiction appeal",
    "民他": "民事其他 civil other",
    "行初": "行政一审 administrative first instance",
    "行终": "行政二审 administrative appeal",
    "行监": "行政审判监督 administrative supervision",
    "行申": "行政申请再审 administrative petition for retrial",
    "行抗": "行政抗诉再审 administrative protest retrial",
    "行再": "行政再审 administrative retrial",
    "行审": "非诉行政执行审查 review of administrative enforcement",
    "行审复": "非诉行政执行审查复议 reconsideration of that review",
    "行辖": "行政管辖 administrative jurisdiction",
    "行辖终": "行政管辖上诉 administrative jurisdiction appeal",
    "行他": "行政其他 administrative other",
    "财保": "非诉财产保全审查 pre-litigation property preservation review",
    "行保": "非诉行为保全审查 pre-litigation act (conduct) preservation review",
    "行保复": "非诉行为保全复议 reconsideration of act preservation",
    "证保": "非诉证据保全 pre-litigation evidence preservation",
    "执": "首次执行 enforcement",
    "执恢": "恢复执行 resumed enforcement",
    "执保": "财产保全执行 preservation enforcement",
    "执异": "执行异议 enforcement objection",
    "执复": "执行复议 enforcement reconsideration",
    "执监": "执行监督 enforcement supervision",
    "执协": "执行协调 enforcement coordination",
    "执请": "执行请示 enforcement referral (legacy: not in the 2016 standard)",
    "执他": "执行其他 enforcement other",
    "破申": "破产申请审查 bankruptcy application review",
    "破": "破产 bankruptcy: liquidation, reorganization and composition (清算、重整、和解) alike",
    "破终": "破产上诉 bankruptcy appeal (against a ruling not to accept or dismissing an "
    "application; not the termination of proceedings)",
    "破监": "破产监督 bankruptcy supervision",
    "清申": "强制清算申请审查 compulsory liquidation application review",
    "强清": "强制清算 compulsory liquidation",
    "清终": "强制清算上诉 compulsory liquidation appeal",
    "清监": "强制清算监督 compulsory liquidation supervision",
    "司惩": "司法制裁审查 judicial sanction (detention, fine)",
    "司惩复": "司法制裁复议 reconsideration of a judicial sanction",
    "司救执": "执行司法救助 judicial aid for an enforcement applicant",
}
"""类型代字 — case-type codes and what they mean."""

CASE_TYPE_CODES = frozenset(CASE_TYPES)
"""The case-type codes a 案号 may carry."""

LEGACY_CASE_TYPES = frozenset({"执请"})
"""Codes still read in old case numbers but not in the current standard: no new case of these
types is registered."""

SPECIAL_TRIAL_CODES: Mapping[str, str] = {
    "知": "知识产权 intellectual property (patents and the like), e.g. （2019）最高法知民终1号",
}
"""专门审判代字 — one character between the court code and the case-type code (法〔2018〕335号:
"专门审判代字是最高人民法院确定的专门审判类别简称，用1个中文汉字表示"). Only those the SPC has
set and that are confirmed are listed."""
