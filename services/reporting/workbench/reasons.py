"""拒收原因 — a rejection's reasons said in Chinese for the officers, the English kept beside.

The wire says why a message was refused in English, for integrators (`FieldProblem.reason`), and
stays so. The workbench recognises each reason by the most stable thing behind it and says it in
Chinese; the page keeps the English original in small print, for the officer to quote to an
integrator. A reason recognised by nothing is shown as it is, never hidden.

- A pydantic validation message is recognised by its error type: pydantic's own English template
  of every type (`missing`, `string_too_short`, `greater_than`, `enum` …) is matched, its
  parameters kept, and the type's Chinese template (`PYDANTIC`) says it.
- A domain refusal is recognised by its error class: every refusal class of the services (those
  derived from `REFUSAL_BASES`) and the English of each place that raises it are read from the
  services' own source, so a new raise site is recognised with no table to keep; the class's
  Chinese reason (`REFUSALS`, one for every class — a test holds it) says it.
- The intake's own fixed reasons (subject, sender, JSON, limits) are a small table (`INTAKE`).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pydantic_core._pydantic_core import list_all_errors

ROOT = Path(__file__).resolve().parents[3]
"""The folder holding the `services` and `contracts` packages."""
SOURCES = ("services", "contracts")
REFUSAL_BASES = (
    "EnforcementError",
    "RiskError",
    "BankruptcyError",
    "ReportingError",
    "UnknownOrganizationError",
)
"""The refusals the services' intakes turn into rejections (their `refusals=`)."""


@dataclass(frozen=True)
class Said:
    """One reason as the page shows it."""

    text: str
    """In Chinese if recognised, else the original."""
    original: str
    """The English reason as the service sent it."""
    known: bool
    """Whether `text` is a translation."""


def say(reason: str, field: str = "") -> Said:
    """The reason in Chinese, or as it is if nothing recognises it; `field`, the path the
    rejection names, tells apart two refusals that say the same words."""
    for pattern, chinese in _known():
        if m := pattern.fullmatch(reason):
            return Said(chinese.format(**m.groupdict()), reason, True)
    if (site := raise_site_of(reason, field)) and site.refusal in REFUSALS:
        return Said(REFUSALS[site.refusal], reason, True)
    return Said(reason, reason, False)


def prepare() -> int:
    """Read the services' source and pydantic's templates now, not at the first rejection (about a
    second, once): the number of forms recognised."""
    return len(_known()) + len(_refusal_sites())


def raise_site_of(reason: str, field: str = "") -> RaiseSite | None:
    """The raise site of a domain refusal whose message has the form of `reason`: of those, one
    that names `field`, if any, and the most specific (the most fixed words)."""
    matching = [s for s in _refusal_sites() if s.pattern and s.pattern.fullmatch(reason)]
    named = [s for s in matching if s.field is None or s.field.fullmatch(field)]
    return next(iter(named or matching), None)


# ---- domain refusals, read from the source ------------------------------------------------


@dataclass(frozen=True)
class RaiseSite:
    refusal: str
    """The class raised."""
    path: str
    line: int
    pattern: re.Pattern[str] | None
    """What its message looks like; None if it is not a literal or f-string."""
    field: re.Pattern[str] | None
    """The field it names (given, or its class's); None if that is not known from the source."""


@cache
def _trees() -> tuple[tuple[str, ast.Module], ...]:
    found = []
    for top in SOURCES:
        for path in sorted((ROOT / top).rglob("*.py")):
            if "tests" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            if "Error" in text:
                found.append((str(path.relative_to(ROOT)), ast.parse(text, str(path))))
    return tuple(found)


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


@cache
def _classes() -> dict[str, tuple[set[str], str | None]]:
    """Class name → its bases and the `field = "…"` its body sets, if any."""
    found: dict[str, tuple[set[str], str | None]] = {}
    for _, tree in _trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                field = None
                for stmt in node.body:
                    if (
                        isinstance(stmt, ast.Assign)
                        and [_name(t) for t in stmt.targets] == ["field"]
                        and isinstance(stmt.value, ast.Constant)
                    ):
                        field = str(stmt.value.value)
                bases, had = found.get(node.name, (set(), None))
                found[node.name] = (bases | {_name(b) for b in node.bases}, field or had)
    return found


@cache
def refusal_classes() -> frozenset[str]:
    """Every class of the services' source derived from one of `REFUSAL_BASES`."""
    known = set(REFUSAL_BASES)
    grew = True
    while grew:
        more = {c for c, (ps, _) in _classes().items() if c not in known and ps & known}
        known |= more
        grew = bool(more)
    return frozenset(known)


def _class_field(name: str) -> str:
    """The field a refusal names unless its raise site says one: its class's, or a base's; the
    intake's `data` if none."""
    seen: set[str] = set()
    todo = [name]
    while todo:
        cls = todo.pop(0)
        if cls in seen or cls not in _classes():
            continue
        seen.add(cls)
        bases, field = _classes()[cls]
        if field is not None:
            return field
        todo.extend(sorted(bases))
    return "data"


def _message_pattern(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return re.escape(node.value)
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                parts.append(re.escape(value.value))
            else:
                parts.append(VALUE)
        return "".join(parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _message_pattern(node.left), _message_pattern(node.right)
        return None if left is None or right is None else left + right
    return None


VALUE = "(?:.+?)"
"""What a value an f-string puts in a message becomes in its pattern."""


@cache
def raise_sites() -> tuple[RaiseSite, ...]:
    """Every place the services' source raises a refusal, with the form of its message."""
    classes = refusal_classes()
    sites = []
    for path, tree in _trees():
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            name = _name(node.exc.func)
            if name not in classes:
                continue
            args = list(node.exc.args)
            args += [k.value for k in node.exc.keywords if k.arg in ("message", "field")]
            # The message, then at most the field (the refusal bases take both).
            text = _message_pattern(args[0]) if 1 <= len(args) <= 2 else None
            where = _message_pattern(args[1]) if len(args) == 2 else re.escape(_class_field(name))
            sites.append(
                RaiseSite(
                    name,
                    path,
                    node.lineno,
                    re.compile(text, re.DOTALL) if text else None,
                    re.compile(where, re.DOTALL) if where else None,
                )
            )
    return tuple(sites)


def _literal_length(pattern: re.Pattern[str]) -> int:
    return len(pattern.pattern.replace(VALUE, ""))


@cache
def _refusal_sites() -> tuple[RaiseSite, ...]:
    found = [s for s in raise_sites() if s.pattern is not None]
    # The most specific form first: a message with more fixed words is the better match.
    found.sort(key=lambda s: -_literal_length(s.pattern))  # type: ignore[arg-type]
    return tuple(found)


# ---- pydantic validation messages ------------------------------------------------------------


def _template_pattern(template: str) -> re.Pattern[str]:
    out, seen, at = [], set(), 0
    for m in re.finditer(r"\{(\w+)\}", template):
        out.append(re.escape(template[at : m.start()]))
        name = m.group(1)
        out.append(f"(?P={name})" if name in seen else f"(?P<{name}>.*?)")
        seen.add(name)
        at = m.end()
    out.append(re.escape(template[at:]))
    return re.compile("".join(out), re.DOTALL)


@cache
def pydantic_templates() -> dict[str, str]:
    """Every pydantic error type with its English message template."""
    return {e["type"]: e["message_template_python"] for e in list_all_errors()}


@cache
def _known() -> tuple[tuple[re.Pattern[str], str], ...]:
    known: list[tuple[re.Pattern[str], str]] = []
    english = pydantic_templates()
    pydantic = [(_template_pattern(english[t]), PYDANTIC[t]) for t in PYDANTIC if t in english]
    pydantic.sort(key=lambda p: -len(re.sub(r"\(\?P.*?\)", "", p[0].pattern)))
    known += [(re.compile(p, re.DOTALL), c) for p, c in INTAKE]
    known += pydantic
    return tuple(known)


# ---- the tables ---------------------------------------------------------------------------------

INTAKE: tuple[tuple[str, str], ...] = (
    (
        r"its last token must be the sender's organization code \(ASCII capitals, digits\)",
        "主题的最后一段须为发送单位的机构代码（大写字母、数字）",
    ),
    (r"must be <context>\.<kind>\.<name>\.v<N>\.<ORG>", "主题须为 业务域.类别.名称.v版本.单位代码"),
    (r"(?P<type>\S+) is not accepted here", "本服务不受理 {type}"),
    (
        r"(?P<org>\S+) does not match the sender (?P<sender>\S+) of the subject",
        "发送单位 {org} 与主题所示的 {sender} 不符",
    ),
    (r"(?P<got>\S+) arrived on the subject of (?P<want>\S+)", "{got} 发到了 {want} 的主题上"),
    (r"unknown message type (?P<type>.+)", "未知的消息类型 {type}"),
    (r"must be a JSON object", "须为 JSON 对象"),
    (r"not JSON: (?P<why>.+)", "不是合法的 JSON：{why}"),
    (r"not UTF-8: a lone surrogate", "不是合法的 UTF-8（含孤立代理项）"),
    (r"not UTF-8: invalid byte at offset (?P<at>\d+)", "不是合法的 UTF-8：第 {at} 字节无效"),
    (r"the key (?P<key>.+) appears twice in one object", "同一对象中键 {key} 出现了两次"),
    (r"and (?P<n>\d+) more problem\(s\) not listed", "另有 {n} 处问题未列出"),
    (r"refused", "拒收"),
    (r"cannot be processed as given", "按所给内容无法处理"),
    (r"what it leads to cannot be stored: (?P<why>.+)", "处理结果无法保存：{why}"),
    (
        r"(?P<size>[\d,]+) bytes, over the limit of (?P<limit>[\d,]+)",
        "{size} 字节，超过上限 {limit}",
    ),
    (r"nested more than (?P<limit>\d+) levels deep", "嵌套超过 {limit} 层"),
    (
        r"nested (?P<depth>\d+) levels deep, over the limit of (?P<limit>\d+)",
        "嵌套 {depth} 层，超过上限 {limit}",
    ),
    (r"a number with more than (?P<limit>\d+) digits", "数字超过 {limit} 位"),
    (r"a number with an exponent over (?P<limit>\d+)", "数字的指数超过 {limit}"),
    (
        r"(?:escaped )?control character (?P<code>U\+[0-9A-F]{4}) at byte (?P<at>\d+)",
        "第 {at} 字节含控制字符 {code}",
    ),
    (
        r"lone surrogate (?P<code>\\u[0-9a-f]{4}) at byte (?P<at>\d+)",
        "第 {at} 字节含孤立代理项 {code}",
    ),
)
"""The intake's own reasons (`services.runtime.intake`, `contracts.registry`, `contracts.limits`):
pattern → Chinese."""

PYDANTIC: dict[str, str] = {
    "missing": "必填项",
    "extra_forbidden": "不允许的多余字段",
    "frozen_field": "该字段不可修改",
    "json_invalid": "不是合法的 JSON：{error}",
    "json_type": "须为 JSON 字符串、字节或字节数组",
    "model_type": "须为对象（字段集合）",
    "model_attributes_type": "须为对象（字段集合）",
    "dataclass_type": "须为对象（字段集合）",
    "none_required": "须为空（null）",
    "greater_than": "须大于 {gt}",
    "greater_than_equal": "须大于或等于 {ge}",
    "less_than": "须小于 {lt}",
    "less_than_equal": "须小于或等于 {le}",
    "multiple_of": "须为 {multiple_of} 的倍数",
    "finite_number": "须为有限数值",
    "too_short": "{field_type}至少须有 {min_length} 项，实有 {actual_length} 项",
    "too_long": "{field_type}至多 {max_length} 项，实有 {actual_length} 项",
    "iterable_type": "须为可迭代的列表",
    "string_type": "须为文本",
    "string_unicode": "须为合法的 Unicode 文本",
    "string_too_short": "至少须有 {min_length} 个字符",
    "string_too_long": "至多 {max_length} 个字符",
    "string_pattern_mismatch": "格式不符：须符合 '{pattern}'",
    "string_not_ascii": "须为 ASCII 字符",
    "enum": "须为以下之一：{expected}",
    "literal_error": "须为以下之一：{expected}",
    "dict_type": "须为对象（键值表）",
    "mapping_type": "须为对象（键值表）：{error}",
    "list_type": "须为列表",
    "tuple_type": "须为列表",
    "set_type": "须为集合（列表）",
    "frozen_set_type": "须为集合（列表）",
    "bool_type": "须为是/否（true 或 false）",
    "bool_parsing": "须为是/否，无法识别所给文本",
    "int_type": "须为整数",
    "int_parsing": "须为整数，无法识别所给文本",
    "int_parsing_size": "整数超出可处理的范围",
    "int_from_float": "须为整数，不能带小数",
    "float_type": "须为数字",
    "float_parsing": "须为数字，无法识别所给文本",
    "bytes_type": "须为字节串",
    "bytes_too_short": "至少须有 {min_length} 个字节",
    "bytes_too_long": "至多 {max_length} 个字节",
    "value_error": "取值不符：{error}",
    "assertion_error": "校验未通过：{error}",
    "date_type": "须为日期",
    "date_parsing": "须为 YYYY-MM-DD 格式的日期：{error}",
    "date_from_datetime_parsing": "须为日期（YYYY-MM-DD）：{error}",
    "date_from_datetime_inexact": "日期不能带非零的时分秒",
    "date_past": "须为过去的日期",
    "date_future": "须为将来的日期",
    "time_type": "须为时间",
    "time_parsing": "须为合法的时间：{error}",
    "datetime_type": "须为日期时间",
    "datetime_parsing": "须为合法的日期时间：{error}",
    "datetime_object_invalid": "日期时间无效：{error}",
    "datetime_from_date_parsing": "须为合法的日期时间：{error}",
    "datetime_past": "须为过去的时间",
    "datetime_future": "须为将来的时间",
    "timezone_naive": "不应带时区",
    "timezone_aware": "须带时区",
    "timezone_offset": "时区偏移须为 {tz_expected}，实为 {tz_actual}",
    "time_delta_type": "须为时长",
    "time_delta_parsing": "须为合法的时长：{error}",
    "union_tag_invalid": "{discriminator} 的值 {tag} 不在 {expected_tags} 之中",
    "union_tag_not_found": "无法从 {discriminator} 判断类型",
    "url_type": "须为网址",
    "url_parsing": "须为合法的网址：{error}",
    "url_syntax_violation": "网址格式有误：{error}",
    "url_too_long": "网址至多 {max_length} 个字符",
    "url_scheme": "网址协议须为 {expected_schemes}",
    "uuid_type": "须为 UUID",
    "uuid_parsing": "须为合法的 UUID：{error}",
    "uuid_version": "须为第 {expected_version} 版 UUID",
    "decimal_type": "须为十进制数",
    "decimal_parsing": "须为合法的十进制数",
    "decimal_max_digits": "数字合计至多 {max_digits} 位",
    "decimal_max_places": "小数至多 {decimal_places} 位",
    "decimal_whole_digits": "小数点前至多 {whole_digits} 位",
}
"""Pydantic error type → Chinese, with the template's parameters. A type not here is shown in
English as pydantic says it."""

REFUSALS: dict[str, str] = {
    "AlreadyAcknowledgedError": "已签收过",
    "AlreadyRecordedError": "已有记录，不再重复记载",
    "AlreadySanctionedError": "该惩戒措施已在执行中",
    "AlreadySubmittedError": "该期报表已报送，且未被退回",
    "AppealLateError": "已超过上诉期限（第十二条）",
    "AppealNumberError": "上诉案号不符",
    "AppearanceDetailError": "出庭应诉情况填写不完整",
    "ApplicationClosedError": "该申请已作出决定",
    "ApproverMissingError": "须写明批准终本的人（院长批准／申请执行人签字）",
    "BankruptcyError": "破产业务规则不允许该操作",
    "BasisError": "事项依据不符",
    "BoundPartyMissingError": "限制单位消费须同时写明其法定代表人",
    "BureauNotAskedError": "该单位不在本次查询之列",
    "CaseAlreadyLinkedError": "案件已关联",
    "CaseAlreadyRegisteredError": "该案已立案登记",
    "CaseClosedError": "协调案件已结案",
    "CaseConcludedError": "案件已结案",
    "CaseNotRegisteredError": "该案尚未在服务中立案（请先立案）",
    "ClaimPendingError": "已报完成，尚待核对",
    "ClaimsPeriodError": "债权申报期限须为公告之日起三十日至三个月（第四十五条）",
    "CloseTooEarlyError": "立案满三个月后方可终本",
    "ConclusionDateError": "结案日期不得晚于今天，也不得早于立案日",
    "ConfirmationLateError": "司法确认申请已超过期限",
    "ControlInBankruptcyError": "被执行人破产已受理，该控制措施应予解除",
    "ControlStateError": "该控制措施当前状态不允许此操作",
    "CostsAdvancedError": "已有人垫付费用，不适用援助资金",
    "CourtDocumentsMissingError": "须附裁定书、协助执行通知书及电子签章",
    "DateOrderError": "日期先后顺序不对",
    "DebtorInBankruptcyError": "被执行人破产已受理，对其执行应中止（企业破产法第十九条）",
    "DecisionAmountError": "核准金额不符",
    "DecisionDateError": "决定日期不符（不得晚于今天，不得早于收到申请）",
    "DeductionChannelError": "该单位不支持网络扣划，请改为临柜办理",
    "DepositAmountError": "冻结存款须写明具体冻结金额（法发〔2019〕35号第4条）",
    "DisbursementAmountError": "拨付金额与核准金额不符",
    "DueDateError": "期限日期不符",
    "DuplicateAckError": "该通知已签收",
    "DuplicateAnswerError": "该单位已答复过本次查询",
    "DuplicateApplicationError": "该申请已存在",
    "DuplicateEntryError": "台账中已有该条目",
    "DuplicateMemoItemError": "备忘录中已有该事项",
    "DuplicateReconsiderationError": "已申请过复议",
    "DuplicateReferralError": "已移送过",
    "DuplicateRiskCaseError": "该风险案件已登记",
    "DutyAlreadyRecordedError": "该名单已有未了结的同类义务",
    "DutyDateError": "事由发生日期不得晚于今天",
    "DutyGroundError": "删除事由不符",
    "EffectiveDateError": "生效日期不符",
    "EnforcementError": "执行业务规则不允许该操作",
    "EntryClosedError": "该条目已销号",
    "EquityShareError": "股权冻结方式不符",
    "EstateCanPayError": "破产财产足以支付，不予援助",
    "ExcessTooLargeError": "解除超额部分不得达到全部控制金额，全部解除请用解除控制",
    "ExecutionNoticeMissingError": "须写明执行通知书、报告财产令的送达日期",
    "ExemptPropertyError": "该财产依法不得查封、扣押、冻结（查封规定第三条）",
    "ExemptionEmergencyError": "须写明紧急事由（重病、丧葬、公务、外事或重要考试）",
    "ExemptionItemsError": "准许的项目不符",
    "ExemptionPartyError": "准许所涉当事人不符",
    "ExemptionPeriodError": "准许期间不符",
    "ExemptionStartError": "准许起始日不得早于今天（先审批，第八条）",
    "ExtensionError": "不符合延长条件",
    "ExtensionNotAllowedError": "不得延长期限",
    "ExtensionReasonError": "延长期限须写明理由（情节严重）",
    "ExtensionUsedError": "已延长过，不得再次延长",
    "FeeOverCapError": "报酬超过上限",
    "FrozenPropertyCoversDebtError": "已冻结财产足以清偿，不适用该措施（第三条）",
    "FutureDateError": "日期不得晚于今天",
    "GovCaseAssignedError": "该案已交办",
    "GovCaseClosedError": "该案已办结",
    "GroundNotForListingError": "该事由不适用于此名单",
    "HigherCourtError": "既不是受理法院，也不是其上级法院",
    "InterviewMissingError": "须写明约谈申请执行人的日期（立案后、终本前）",
    "ItemRefusal": "事项规则不允许该操作",
    "LinkageItemExistsError": "该联动事项已存在",
    "LinkageStageError": "联动事项当前阶段不允许该操作",
    "ListingRequestDecidedError": "该纳入申请已作出决定",
    "ListingRequestOpenError": "已有纳入失信名单的申请等待法院决定",
    "ListingWithoutRestrictionError": "名单期间内被执行人须一直处于限制消费之下，请先发限制消费令",
    "LivingExpensesError": "扣划收入须保留被执行人及其扶养家属的生活费",
    "MediationStepError": "调解当前阶段不允许该操作",
    "MeetingExistsError": "该会议已存在",
    "MeetingStageError": "会议当前阶段不允许该操作",
    "MeetingTooEarlyError": "第一次债权人会议须在债权申报期限届满之后（第六十二条）",
    "MemoItemStateError": "备忘录事项当前状态不允许该操作",
    "MinorError": "未成年人不得纳入失信名单或限制消费",
    "MissingCaseNumberError": "消息须写明案号",
    "NoClaimError": "没有待核对的完成报告",
    "NoConfirmationNeededError": "司法调解无需司法确认",
    "NoPlanError": "尚无通过的计划",
    "NoRecommendationGroundError": "没有需提出建议的无故缺席或中途退庭",
    "NotABankruptcyCaseError": "案件类型不符",
    "NotADebtorError": "该当事人不是本案被执行人",
    "NotAListingError": "这是限制消费，不是失信名单",
    "NotARestrictionError": "这是失信名单，不是限制消费",
    "NotAReviewerError": "不是该审核环节的审核单位",
    "NotAcknowledgedError": "请先签收任务",
    "NotAllowedToWaiveError": "只有法院或联动办公室可以免除",
    "NotAnAdministrativeCaseError": "不是行政案件",
    "NotAnApplicantError": "该当事人不是本案申请执行人",
    "NotAnEnforcementCaseError": "不是执行案件",
    "NotAnnouncedError": "尚未公告，申报期限自公告之日起算（第四十五条）",
    "NotApprovedError": "领导小组批准前不得执行",
    "NotClosedError": "只有终本案件可以恢复执行",
    "NotInvolvedError": "本单位与该事项无关",
    "NotPermittedError": "无权发送或办理该事项",
    "NotQueuedError": "没有排队中的该指令",
    "NotReconciledError": "牵头单位的完成报告尚未核对",
    "NotSubmittedError": "该报表尚未报送",
    "NotSummonedError": "未通知被告负责人出庭",
    "NotTheAdministratorError": "不是本案管理人",
    "NotTheCourtError": "不是审理本案的法院",
    "NotTheExecutingCourtError": "不是本案的执行法院",
    "NotTheFinanceBureauError": "不是该资金的财政部门",
    "NotTheLeadUnitError": "不是牵头单位",
    "NotTheLeadingGroupError": "该事项须由领导小组决定",
    "NotTheOfficeError": "不是联动办公室",
    "NotTheOwnerError": "本单位不是该事项的责任单位",
    "NotTheResponsibleGovernmentError": "既不是责任政府，也不是联动办公室",
    "NotTheUnitError": "该报表不应由本单位报送",
    "NoticeNotForUnitError": "该通知未列明本单位",
    "ObjectionAnsweredError": "该异议已答复",
    "ObjectionOpenError": "对该控制措施的异议尚待法院答复",
    "OnlyHomeError": "只有不动产可以是被执行人唯一住房",
    "OrderDateError": "裁定日期不符（不得晚于今天，不得早于立案）",
    "OutcomeNotForOrderError": "该类指令只能回复已执行或拒绝，不能排队",
    "OverBudgetError": "超出预算",
    "OverCapError": "超过每案援助上限",
    "OverFreezeError": "超额控制或超出可扣划的数额",
    "PeriodNotClosedError": "该期间尚未结束",
    "PlanNotFiledError": "尚未提交计划",
    "PlanVersionError": "计划版本号不符",
    "ProjectMismatchError": "问题项目须且只须写明一个项目",
    "PropertyInBankruptcyError": "该财产属于已受理破产的债务人，不得新设控制",
    "PropertyNotQueriedError": "财产尚未查询完毕",
    "ReconsiderationDecidedError": "复议已作出决定",
    "RelistingTooSoonError": "申请执行人申请删除后，须待期满方可再申请纳入",
    "RemarksRequiredError": "退回完成报告须说明理由",
    "ReportingError": "报表业务规则不允许该操作",
    "RequestDateError": "收到日期不符（不得晚于今天，不得早于立案）",
    "RestrictionHeldByListingError": "被执行人在失信名单中，须继续限制消费",
    "RestrictionMissingError": "没有生效的限制消费令",
    "RestrictionPeriodError": "结束日期早于开始日期",
    "ResultClosedError": "该查询结果已关闭",
    "ResumptionDateError": "恢复执行日期须在终本之后且不晚于今天",
    "ResumptionNumberError": "恢复执行案件的案号类型不符",
    "ReviewOrderError": "审核步骤顺序不对",
    "RiskError": "风险业务规则不允许该操作",
    "RulingDateError": "裁定生效日期不得晚于今天",
    "SanctionEndedError": "该措施已删除、撤销或解除",
    "SnapshotMismatchError": "与所依据的数据快照不符",
    "StatusStepError": "状态变更顺序不对",
    "StockDateError": "存量／增量的发生日期与计划不符",
    "SummonsTooLateError": "送达过晚，距开庭日期不足法定天数",
    "TaskClosedError": "该任务已完成或已免除",
    "TermNotExpiredError": "期限尚未届满",
    "TermTooLongError": "期限超过法定上限",
    "TerminationGroundError": "终结事由不符",
    "UnknownApplicationError": "本案没有该申请",
    "UnknownControlError": "本案没有该控制措施",
    "UnknownDeletionGroundError": "不是法定的删除或解除事由",
    "UnknownEntryError": "没有该条目",
    "UnknownGovCaseError": "不是专项案件",
    "UnknownGroundError": "不是法定事由",
    "UnknownIndicatorError": "没有该指标",
    "UnknownItemError": "没有该事项",
    "UnknownKeyItemError": "没有该重点事项",
    "UnknownLinkageItemError": "没有该联动事项",
    "UnknownListingRequestError": "本案没有该纳入申请",
    "UnknownMeetingError": "没有该会议",
    "UnknownMemoItemError": "没有该备忘录事项",
    "UnknownNoticeError": "没有该通知，或回复方式不符",
    "UnknownObjectionError": "本案没有该异议",
    "UnknownOrderError": "本案没有待办的该指令",
    "UnknownOrganizationError": "未知的单位",
    "UnknownQueryError": "本案没有该查询",
    "UnknownReconsiderationError": "没有该复议",
    "UnknownReferralError": "没有该移送",
    "UnknownRiskCaseError": "没有该风险案件",
    "UnknownSanctionError": "本案没有该失信名单或限制消费",
    "UnknownTaskError": "本案没有该任务",
    "UnknownTopicError": "没有该专题或事项",
    "UnknownUnitError": "未知的单位",
    "UnlawfulStepError": "案件当前阶段不允许该步骤",
    "WrongBureauError": "该指令或措施不属于本单位",
    "WrongCaseNumberError": "案号不符",
    "WrongPeriodError": "报表期间不符",
    "WrongUnitError": "所涉单位不符",
}
"""Domain refusal class → its reason in Chinese: one for every class `refusal_classes` finds."""
