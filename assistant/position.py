"""The legal position of a debt, computed: interest cap, limitation, payment order, small claims, fees.

Pure functions over a `Case`. Money is Decimal and rounded once, at the end, to cents
(ROUND_HALF_UP). The only I/O is loading three YAML tables from `knowledge/` once.

Conventions (stated once, used everywhere):
- Interest is simple interest, principal × percent/100 × days/365, where days counts calendar days
  from the start date to `case.today` (start day not counted, 民法典第二百零一条).
- Interest accrues on today's outstanding principal (principal − 砍头息 − repayments) for the whole
  period, because repayment dates are not recorded; with late repayments this understates.
- A year-based period ends on the same calendar day N years later, or at month end when that day
  does not exist (民法典第二百零二条). Holidays are not shifted (第二百零三条 would extend them).
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from .errors import InputError
from .models import (
    Basis,
    Case,
    ContactEvent,
    ContactStatus,
    CourtFees,
    Eligibility,
    InterestPosition,
    LegalPosition,
    LimitationPosition,
    PartyKind,
)
from .position_tables import court_fee_table, lpr_table, small_claims_rules
from .settings import get_settings

__all__ = [
    "lpr_at",
    "interest_position",
    "limitation_position",
    "payment_order_eligibility",
    "small_claims_eligibility",
    "court_fees",
    "legal_position",
]

CIVIL_CODE = "中华人民共和国民法典"
CPL = "中华人民共和国民事诉讼法"
CPL_INTERPRETATION = "最高人民法院关于适用《中华人民共和国民事诉讼法》的解释"
LENDING = "最高人民法院关于审理民间借贷案件适用法律若干问题的规定"
LENDING_SCOPE = "最高人民法院关于新民间借贷司法解释适用范围问题的批复"
LIMITATION = "最高人民法院关于审理民事案件适用诉讼时效制度若干问题的规定"
IOU_REPLY = (
    "最高人民法院关于债务人在约定的期限届满后未履行债务而出具没有还款日期的欠款条"
    "诉讼时效期间应从何时开始计算问题的批复"
)
CRIMINAL_LAW = "中华人民共和国刑法"

CENT = Decimal("0.01")
LIMITATION_YEARS = 3  # 民法典第一百八十八条
WARNING_DAYS = 90


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _add_years(d: date, years: int) -> date:
    # 民法典第二百零二条: same day of the final month, or its last day when there is none (29 Feb).
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


def _simple_interest(principal: Decimal, percent: Decimal, start: date, end: date) -> Decimal:
    days = max((end - start).days, 0)
    return principal * percent / Decimal(100) * Decimal(days) / Decimal(365)


def _pct(x: Decimal) -> str:
    return f"{x.normalize():f}%"


# --------------------------------------------------------------------------- LPR


def lpr_at(d: date) -> tuple[Decimal, date]:
    """The one-year LPR in force on `d` and the publication date it comes from.

    Raises InputError for dates before the first publication (2019-08-20): no LPR existed.
    Dates after the table's `current_to` get the newest row; callers must say it may be stale.
    """
    table = lpr_table()
    rows = [r for r in table.rates if r.published <= d]
    if not rows:
        raise InputError(f"{d} 早于一年期LPR首次公布日 {table.rates[0].published}，当时没有LPR")
    return rows[-1].percent, rows[-1].published


def _stale_note(wanted: date, used: date, percent: Decimal) -> str | None:
    current_to = lpr_table().current_to
    if wanted <= current_to:
        return None
    return (
        f"注意：本地LPR表只核对到 {current_to}，{wanted} 适用的一年期LPR可能已经调整；"
        f"本次按 {used} 公布的 {_pct(percent)} 计算，请向中国人民银行/全国银行间同业拆借中心的公布核实当时有效的LPR。"
    )


# --------------------------------------------------------------------------- interest


def _outstanding(case: Case) -> Decimal | None:
    """Principal actually lent (砍头息 removed, 规定第二十六条) minus repayments."""
    if case.principal is None:
        return None
    upfront = case.interest_deducted_upfront.value if case.interest_deducted_upfront else Decimal(0)
    repaid = case.repaid.value if case.repaid else Decimal(0)
    return max(case.principal.value - upfront - repaid, Decimal(0))


def _interest(case: Case) -> tuple[InterestPosition | None, list[str]]:
    """The interest position and the warnings the caller must show (stale table, missing dates)."""
    if case.loan_date is None:
        return None, ["借款日期（合同成立日）不明，无法确定适用的LPR和4倍上限；请补充借款日期。"]
    table = lpr_table()
    formed = case.loan_date.value  # 民法典第六百七十九条: a loan between individuals is formed on delivery
    transitional = formed < table.transition.contracts_before
    # 规定第三十一条: pre-2020-08-20 contracts are capped from 2020-08-20 on by the standard at filing.
    lookup = case.today if transitional else formed
    lpr, published = lpr_at(lookup)
    cap = lpr * table.cap_multiple
    warnings = [w for w in [_stale_note(lookup, published, lpr)] if w]
    principal = _outstanding(case)
    agreed = case.rate.annual_percent if case.rate else None
    basis = [Basis(law=LENDING, article="第二十五条", note="受保护的利率以合同成立时一年期LPR的4倍为限")]
    text: list[str] = []
    if transitional:
        basis.append(Basis(law=LENDING, article="第三十一条", note="2020年8月20日前成立的借贷合同的过渡规则"))
        text.append(
            f"合同成立于 {formed}（2020年8月20日之前）：2020年8月19日前的利息可按当时的司法解释计算"
            f"（年利率{_pct(table.transition.old_cap_percent)}以内受保护）；此后的利息以起诉时一年期LPR的4倍为限，"
            f"这里以今天（{case.today}）视为起诉日，用 {published} 公布的 {_pct(lpr)}，上限 {_pct(cap)}。"
        )
    else:
        text.append(f"合同成立于 {formed}，当时的一年期LPR为 {_pct(lpr)}（{published} 公布），4倍上限为年利率 {_pct(cap)}。")

    protected_pct: Decimal | None = None
    protected_amt: Decimal | None = None
    unprotected_amt: Decimal | None = None
    above_cap = False
    cap_applies = case.creditor.kind != PartyKind.licensed_lender
    if not cap_applies:
        # 规定第一条; 法释〔2020〕27号 extends the exclusion to 小额贷款公司 and six other local lenders.
        basis += [
            Basis(law=LENDING, article="第一条", note="持牌金融机构的贷款纠纷不适用本规定"),
            Basis(law=LENDING_SCOPE, article="第一项", note="法释〔2020〕27号：小额贷款公司等七类地方金融组织同样不适用"),
            Basis(law=CIVIL_CODE, article="第六百八十条", note="禁止高利放贷，利率不得违反国家有关规定"),
        ]
        text.append("出借人是持牌金融机构（含小额贷款公司等地方金融组织），民间借贷4倍LPR上限不适用，利率受金融监管规定约束。")
        protected_pct = agreed
        if agreed is not None and principal is not None:
            protected_amt = _simple_interest(principal, agreed, formed, case.today)
            unprotected_amt = Decimal(0)
    elif agreed is not None:
        protected_pct = min(agreed, cap)
        above_cap = agreed > cap
        basis.append(Basis(law=LENDING, article="第二十八条", note="未另约定逾期利率的，逾期后按借期内利率计，同样以4倍LPR为限"))
        if above_cap:
            text.append(f"约定年利率 {_pct(agreed)} 超过上限，超出部分法院不支持，只按 {_pct(protected_pct)} 主张。")
        else:
            text.append(f"约定年利率 {_pct(agreed)} 未超过上限，可按约定主张。")
        if principal is not None:
            agreed_amt = _simple_interest(principal, agreed, formed, case.today)
            if transitional:
                switch = table.transition.contracts_before
                old_pct = min(agreed, table.transition.old_cap_percent)
                protected_amt = _simple_interest(principal, old_pct, formed, min(switch, case.today))
                protected_amt += _simple_interest(principal, protected_pct, max(switch, formed), case.today)
            else:
                protected_amt = _simple_interest(principal, protected_pct, formed, case.today)
            unprotected_amt = max(agreed_amt - protected_amt, Decimal(0))
    else:
        # No agreed interest: none for the loan term (民法典第六百八十条第二款, 规定第二十四条), but overdue
        # interest at the then one-year LPR from the day repayment became late (规定第二十八条第二款第一项).
        basis += [
            Basis(law=CIVIL_CODE, article="第六百八十条", note="对支付利息没有约定的，视为没有利息"),
            Basis(law=LENDING, article="第二十四条", note="未约定利息的，借期内利息不予支持"),
            Basis(law=LENDING, article="第二十八条", note="借期内利率和逾期利率均未约定的，可自逾期之日起参照当时一年期LPR主张逾期利息"),
        ]
        text.append("没有约定利息：借期内不计利息。")
        due = case.due_date.value if case.due_date else None
        if due is None:
            text.append("没有约定还款日期，逾期利息要从催告后的合理期限届满时起算，具体日期无法确定，未计算。")
        elif due >= case.today:
            text.append(f"尚未到还款日（{due}），没有逾期利息。")
            protected_pct, protected_amt, unprotected_amt = Decimal(0), Decimal(0), Decimal(0)
        elif due < table.rates[0].published:
            text.append(f"逾期始于 {due}，早于LPR首次公布，逾期利息标准需按当时规定另行确定，未计算。")
        else:
            overdue_lpr, overdue_pub = lpr_at(due)
            warnings += [w for w in [_stale_note(due, overdue_pub, overdue_lpr)] if w]
            protected_pct = overdue_lpr
            text.append(f"可自逾期之日（{due}）起按当时一年期LPR {_pct(overdue_lpr)}（{overdue_pub} 公布）主张逾期利息。")
            if principal is not None:
                protected_amt = _simple_interest(principal, overdue_lpr, due, case.today)
                unprotected_amt = Decimal(0)
    if protected_amt is not None:
        text.append(
            f"截至 {case.today}，以未还本金 {principal} 元按单利、每年365天计：受保护利息约 {_cents(protected_amt)} 元"
            + (f"，不受保护的部分约 {_cents(unprotected_amt)} 元。" if unprotected_amt else "。")
        )
    if case.interest_deducted_upfront:
        basis.append(Basis(law=LENDING, article="第二十六条", note="预先扣除的利息不计入本金"))
        basis.append(Basis(law=CIVIL_CODE, article="第六百七十条", note="利息预先扣除的，按实际借款数额计算"))
        text.append(f"借款时预先扣除了 {case.interest_deducted_upfront.value} 元利息（砍头息），本金按实际出借数额计。")
    text.append(f"LPR表来源：{table.source}，核对至 {table.current_to}。")
    position = InterestPosition(
        lpr_one_year=lpr,
        lpr_effective=published,
        lpr_table_current_to=table.current_to,
        cap_percent=cap,
        cap_applies=cap_applies,
        agreed_percent=agreed,
        protected_percent=protected_pct,
        above_cap=above_cap,
        protected_interest_to_date=None if protected_amt is None else _cents(protected_amt),
        unprotected_interest_to_date=None if unprotected_amt is None else _cents(unprotected_amt),
        explanation="".join(text + warnings),
        basis=basis,
    )
    return position, warnings


def interest_position(case: Case) -> InterestPosition | None:
    """How much interest the law protects; None when the contract date is unknown."""
    return _interest(case)[0]


# --------------------------------------------------------------------------- limitation

_INTERRUPTING = {
    "demand": "债权人催告还款",
    "acknowledgement": "债务人确认欠款",
    "partial_payment": "债务人部分还款",
    "promise": "债务人承诺还款",
    "lawsuit": "起诉或申请支付令",
}
_DEBTOR_ACTS = {"acknowledgement", "partial_payment", "promise"}


def _event_basis(kind: str) -> list[Basis]:
    if kind == "demand":
        return [Basis(law=LIMITATION, article="第八条", note="催告文书、信件或数据电文到达对方即构成提出履行请求")]
    if kind == "lawsuit":
        return [
            Basis(law=LIMITATION, article="第十条", note="提交起诉状之日起中断"),
            Basis(law=LIMITATION, article="第十一条", note="申请支付令与起诉同等中断"),
        ]
    basis = [Basis(law=LIMITATION, article="第十四条", note="分期或部分履行、请求延期、还款计划等视为同意履行")]
    if kind == "acknowledgement":
        basis.append(Basis(law=IOU_REPLY, article="", note="到期后出具无还款日期的欠条，时效中断并自收到欠条之日重新计算"))
    return basis


def limitation_position(case: Case) -> LimitationPosition:
    """Three years from when the creditor knew the right was harmed, restarted by each interruption.

    `days_left` is negative once the deadline has passed (how many days ago it expired).
    """
    basis = [
        Basis(law=CIVIL_CODE, article="第一百八十八条", note="诉讼时效三年，自知道或应当知道权利受损害之日起算"),
        Basis(law=CIVIL_CODE, article="第一百九十五条", note="催告、债务人同意履行、起诉等使时效中断并重新计算"),
    ]
    log: list[str] = []
    events = sorted(
        (c for c in case.contacts if c.kind in _INTERRUPTING and c.when is not None and c.when <= case.today),
        key=lambda c: c.when,  # type: ignore[arg-type, return-value]
    )
    for c in case.contacts:
        if c.kind in _INTERRUPTING and c.when is None:
            log.append(f"一次“{_INTERRUPTING[c.kind]}”没有日期，无法计入中断；请补充日期。")
    if case.repaid is not None and not any(c.kind == "partial_payment" for c in case.contacts):
        log.append("记录了已还款金额但没有还款日期；部分还款会中断时效，请补充每笔还款的日期。")
    if any(c.kind == "contact" for c in case.contacts):
        log.append("单纯的联系（未提出还款要求、对方也未认账）不中断时效。")

    due = case.due_date.value if case.due_date else None
    text: list[str] = []
    if due is not None:
        basis.append(Basis(law=CIVIL_CODE, article="第二百零二条", note="按年计算的期间，到期月的对应日为最后一日"))
        starts, deadline = due, _add_years(due, LIMITATION_YEARS)
        text.append(f"约定还款日为 {due}，到期未还即知道权利受损，三年时效至 {deadline}。")
        pending = [e for e in events if e.when > due]  # type: ignore[operator]
    else:
        basis += [
            Basis(law=LIMITATION, article="第四条", note="未约定履行期限的，从债权人要求履行的宽限期届满之日起算"),
            Basis(law=CIVIL_CODE, article="第五百一十一条", note="第四项：履行期限不明确的，债权人可随时请求履行，但应给必要准备时间"),
            Basis(law=CIVIL_CODE, article="第六百七十五条", note="未约定借款期限的，贷款人可催告在合理期限内返还"),
        ]
        first = next((e for e in events if e.kind in ("demand", "lawsuit")), None)
        if first is None:
            text.append("没有约定还款日期，也没有记录到催告：时效尚未开始计算，第一次催告后给予合理宽限期届满才起算。")
            return LimitationPosition(
                starts=None, deadline=None, days_left=None, expired=False, warning=False,
                interruptions=log, explanation="".join(text), basis=basis,
            )
        starts, deadline = first.when, _add_years(first.when, LIMITATION_YEARS)  # type: ignore[arg-type]
        text.append(
            f"没有约定还款日期：时效从 {first.when} 第一次催告后的合理宽限期届满时起算。宽限期长短由法院认定，"
            f"这里保守地从催告当日起算，最早在 {deadline} 届满（实际会晚几天）。"
        )
        # Nothing before the first demand counts: the period had not started yet.
        pending = [e for e in events if e.when > first.when or (e is first and e.kind == "lawsuit")]  # type: ignore[operator]

    lawsuit_on: date | None = None
    for event in pending:
        when: date = event.when  # type: ignore[assignment]
        label = _INTERRUPTING[event.kind]
        if when > deadline:
            if event.kind in _DEBTOR_ACTS:
                # 民法典第一百九十二条第二款, 规定第十九条: agreeing after expiry forfeits the defence.
                basis += [
                    Basis(law=CIVIL_CODE, article="第一百九十二条", note="时效届满后义务人同意履行的，不得再以时效抗辩"),
                    Basis(law=LIMITATION, article="第十九条", note="时效届满后同意履行或自愿履行，再抗辩不予支持"),
                ]
                starts, deadline = when, _add_years(when, LIMITATION_YEARS)
                log.append(f"{when} {label}：时效已于此前届满，但债务人此后同意履行，不得再以时效抗辩；稳妥起见自此重新计三年至 {deadline}。")
            else:
                log.append(f"{when} {label}：发生在时效届满之后，不能使已届满的时效重新计算。")
            continue
        basis += _event_basis(event.kind)
        if event.kind == "lawsuit":
            lawsuit_on = when
            log.append(f"{when} {label}：时效中断，自诉讼或督促程序终结时起重新计算。")
            break
        starts, deadline = when, _add_years(when, LIMITATION_YEARS)
        log.append(f"{when} {label}：时效中断，重新计算三年至 {deadline}（须能证明催告到达或债务人的行为）。")

    if lawsuit_on is not None:
        text.append("已经起诉或申请支付令，时效在程序进行中不会届满。")
        return LimitationPosition(
            starts=lawsuit_on, deadline=None, days_left=None, expired=False, warning=False,
            interruptions=log, explanation="".join(text), basis=basis,
        )
    days_left = (deadline - case.today).days
    expired = days_left < 0
    if expired:
        basis += [
            Basis(law=CIVIL_CODE, article="第一百九十二条", note="时效届满后义务人可以提出不履行的抗辩"),
            Basis(law=CIVIL_CODE, article="第一百九十三条", note="法院不得主动适用诉讼时效"),
            Basis(law=LIMITATION, article="第十九条", note="届满后债务人同意履行的，不得再以时效抗辩"),
        ]
        text.append(
            f"诉讼时效已于 {deadline} 届满（{-days_left} 天前）。债权并未消灭：债务人须自己提出时效抗辩，法院不会主动适用；"
            "如果债务人此后书面确认欠款或同意还款，就不能再以时效抗辩。"
        )
    else:
        text.append(f"距时效届满还有 {days_left} 天（{deadline}）。")
        if days_left < WARNING_DAYS:
            text.append("少于90天：尽快发出可留存证据的书面催告或起诉、申请支付令以中断时效（最后一日逢法定节假日可顺延）。")
    return LimitationPosition(
        starts=starts, deadline=deadline, days_left=days_left, expired=expired,
        warning=days_left < WARNING_DAYS, interruptions=log, explanation="".join(text), basis=basis,
    )


# --------------------------------------------------------------------------- eligibility


def _verdict(blocking: list[str], unknown: list[str]) -> bool | None:
    if blocking:
        return False
    return None if unknown else True


def payment_order_eligibility(case: Case) -> Eligibility:
    """Can the creditor apply for a 支付令 (民事诉讼法第二百二十五条, 民诉法解释第四百二十七条)?"""
    blocking: list[str] = []
    unknown: list[str] = []
    notes: list[str] = []
    basis = [
        Basis(law=CPL, article="第二百二十五条", note="请求给付金钱，双方无其他债务纠纷，支付令能够送达"),
        Basis(law=CPL_INTERPRETATION, article="第四百二十七条", note="已到期且数额确定、债务人在境内且未下落不明、能够送达等受理条件"),
    ]
    if case.illegal_purpose is not None:
        blocking.append("债务本身不受法律保护，不能申请支付令。")
        basis.append(Basis(law=CPL_INTERPRETATION, article="第四百二十八条", note="第三项：请求给付的金钱属于违法所得的，驳回申请"))
    if case.principal is None:
        unknown.append("借款本金是多少？支付令要求请求的金额确定。")
    due = case.due_date.value if case.due_date else None
    if due is None:
        unknown.append("是否约定了还款日期？没有约定的，需先催告并给合理期限，法院会审查债务是否已到期。")
    elif due >= case.today:
        blocking.append(f"债务尚未到期（还款日 {due}），到期后才能申请。")
    if case.disputed is None:
        unknown.append("对方是否对欠款本身（金额、是否借过）有争议？双方之间有没有其他债务纠纷？")
    elif case.disputed.value:
        blocking.append("双方对债务有争议或存在其他债务纠纷，不符合申请支付令的条件；对方一提书面异议程序就会终结，宜直接起诉。")
    status = case.contact_status.value if case.contact_status else ContactStatus.unknown
    if status == ContactStatus.unreachable:
        basis.append(Basis(law=CPL_INTERPRETATION, article="第四百三十条", note="发出支付令之日起三十日内无法送达的，终结督促程序"))
        blocking.append("债务人下落不明，支付令无法送达（支付令不能公告送达），应当起诉。")
    elif status == ContactStatus.unknown:
        unknown.append("能否确定债务人的住址或可送达的地址？支付令必须能够实际送达。")
    elif status == ContactStatus.evasive:
        basis.append(Basis(law=CPL_INTERPRETATION, article="第四百二十九条", note="债务人拒收支付令的，可以留置送达"))
        notes.append("债务人躲避但地址明确的，可以向本人送达，拒收的可留置送达。")
    notes.append("前提：债务人在中国境内，且你没有申请诉前保全。")
    if case.rate is None:
        basis.append(Basis(law=CPL_INTERPRETATION, article="第四百二十八条", note="第二项：未约定逾期利息而坚持要求利息的，驳回申请"))
        notes.append("借条未约定利息或逾期利息的，支付令中只请求本金。")
    return Eligibility(eligible=_verdict(blocking, unknown), reasons=blocking + unknown + notes, basis=basis)


def _claim_amount(case: Case) -> Decimal | None:
    outstanding = _outstanding(case)
    if outstanding is None:
        return None
    interest = interest_position(case)
    extra = interest.protected_interest_to_date if interest and interest.protected_interest_to_date else Decimal(0)
    return outstanding + extra


def small_claims_eligibility(case: Case, threshold: Decimal | None) -> Eligibility:
    """Small-claims procedure (民事诉讼法第一百六十五条, exclusions 第一百六十六条).

    `threshold` is 50% of the province's last published average annual wage, in yuan.
    """
    rules = small_claims_rules()
    basis = [
        Basis(law=rules.statute.law, article=rules.statute.article, note="简单金钱给付案件，标的额在上年度就业人员年平均工资50%以下"),
        Basis(law=rules.exclusions.law, article=rules.exclusions.article, note="不适用小额诉讼的案件"),
    ]
    blocking: list[str] = []
    unknown: list[str] = []
    notes: list[str] = []
    if case.illegal_purpose is not None:
        blocking.append("债务本身不受法律保护。")
    if case.contact_status and case.contact_status.value == ContactStatus.unreachable:
        blocking.append("一方当事人下落不明的案件不适用小额诉讼（第一百六十六条第四项）。")
    if case.disputed is None:
        unknown.append("对方是否对欠款有争议？小额诉讼限于事实清楚、争议不大的案件。")
    elif case.disputed.value:
        blocking.append("双方对债务有争议，不属于争议不大的简单金钱给付案件。")
    if threshold is None and case.province is not None:
        row = rules.threshold_for(case.province.value)
        if row is not None:
            threshold = row.threshold
            notes.append(f"标准取自本地表（{row.province}，{row.wage_year}年平均工资，{row.checked} 核对），每年须更新。")
    amount = _claim_amount(case)
    if amount is None:
        unknown.append("借款本金是多少？")
    elif threshold is None:
        unknown.append("不知道受诉法院所在省份上年度就业人员年平均工资的50%（小额诉讼标准）；请设置 DEBT_SMALL_CLAIMS_THRESHOLD。")
    else:
        ceiling = threshold * rules.agreed_ceiling_multiple_of_threshold
        if amount <= threshold:
            notes.append(f"标的额约 {_cents(amount)} 元，不超过标准 {threshold} 元。")
        elif amount <= ceiling:
            unknown.append(f"标的额约 {_cents(amount)} 元，超过标准 {threshold} 元但未超过平均工资的二倍（{ceiling} 元）：双方是否同意适用小额诉讼程序？")
        else:
            blocking.append(f"标的额约 {_cents(amount)} 元，超过平均工资的二倍（{ceiling} 元），不能适用小额诉讼。")
    if not blocking:
        notes.append("小额诉讼一审终审、不能上诉；反诉或需要鉴定的案件会转为其他程序。")
    return Eligibility(eligible=_verdict(blocking, unknown), reasons=blocking + unknown + notes, basis=basis)


# --------------------------------------------------------------------------- fees


def court_fees(amount: Decimal) -> CourtFees:
    """Statutory court fees for a money claim of `amount` yuan (诉讼费用交纳办法)."""
    if amount < 0:
        raise InputError("请求金额不能为负数 / the claim amount cannot be negative")
    table = court_fee_table()
    litigation = table.litigation.schedule.fee(amount)
    return CourtFees(
        claim_amount=_cents(amount),
        litigation=_cents(litigation),
        simple_procedure=_cents(litigation / table.simple_procedure.divisor),
        payment_order=_cents(litigation / table.payment_order.divisor),
        preservation=_cents(table.preservation.schedule.fee(amount)),
        basis=_merged_basis(table.law, [table.litigation, table.simple_procedure, table.payment_order, table.preservation]),
    )


def _merged_basis(law: str, rules: list) -> list[Basis]:
    # Payment-order and preservation fees are two items of the same article (第十四条): cite it once.
    notes: dict[str, list[str]] = {}
    for rule in rules:
        notes.setdefault(rule.article, []).append(rule.note)
    return [Basis(law=law, article=article, note="；".join(n)) for article, n in notes.items()]


# --------------------------------------------------------------------------- assembly


def _unprotected_reason(purpose: str) -> tuple[str, list[Basis]]:
    void = Basis(law=CIVIL_CODE, article="第一百五十三条", note="违反强制性规定或违背公序良俗的民事法律行为无效")
    crime = Basis(law=CRIMINAL_LAW, article="第二百九十三条之一", note="以暴力、威胁、跟踪、骚扰等方式催收高利放贷等产生的非法债务构成犯罪")
    if "赌" in purpose or "gambl" in purpose.lower():
        reason = "赌债不受法律保护：因赌博产生或明知用于赌博的借贷无效，法院不支持偿还请求。"
    else:
        reason = f"借款用途违法（{purpose}）：出借人明知或应知借款用于违法犯罪活动的，借贷合同无效。"
    lending = Basis(law=LENDING, article="第十三条", note="第四项：出借人事先知道或应当知道借款用于违法犯罪活动的，合同无效")
    return reason + "不要催收这笔钱：以暴力、威胁、骚扰等方式催收非法债务可能构成犯罪。", [void, lending, crime]


def legal_position(case: Case, *, small_claims_threshold: Decimal | None = None) -> LegalPosition:
    """Everything the planner needs: outstanding amount, interest, limitation, procedures, fees."""
    if small_claims_threshold is None and get_settings().small_claims_threshold is not None:
        small_claims_threshold = Decimal(get_settings().small_claims_threshold)
    outstanding = _outstanding(case)
    notes: list[str] = []
    limitation = limitation_position(case)
    if case.illegal_purpose is not None:
        reason, basis = _unprotected_reason(case.illegal_purpose.value)
        notes.append("依据：" + "；".join(b.label() for b in basis))
        blocked = Eligibility(eligible=False, reasons=["债务本身不受法律保护。"], basis=basis)
        return LegalPosition(
            outstanding=outstanding, protected=False, unprotected_reason=reason, interest=None,
            limitation=limitation, payment_order=blocked, small_claims=blocked, fees=None, notes=notes,
        )
    interest, warnings = _interest(case)
    notes += warnings
    if case.interest_deducted_upfront and case.principal:
        notes.append(
            f"借条金额 {case.principal.value} 元中预扣了 {case.interest_deducted_upfront.value} 元利息，"
            "本金按实际出借数额计（民间借贷规定第二十六条）。"
        )
    fees = None
    claim = _claim_amount(case)
    if claim is not None:
        fees = court_fees(claim)
        notes.append(f"诉讼费按请求金额约 {_cents(claim)} 元（未还本金加截至今日的受保护利息）计算。")
        fee_rule = court_fee_table().small_claims
        if fee_rule.status == "assumption":
            notes.append(f"{fee_rule.note}：约 {_cents(fees.litigation / fee_rule.divisor)} 元。")
    return LegalPosition(
        outstanding=outstanding,
        protected=True,
        interest=interest,
        limitation=limitation,
        payment_order=payment_order_eligibility(case),
        small_claims=small_claims_eligibility(case, small_claims_threshold),
        fees=fees,
        notes=notes,
    )
