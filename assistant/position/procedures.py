"""Which court procedures fit: payment order (督促程序), small claims, and what the court charges."""

from __future__ import annotations

from decimal import Decimal

from assistant.errors import InputError
from assistant.models import Basis, Case, ContactStatus, CourtFees, Eligibility
from assistant.position.interest import claim_amount
from assistant.position.tables import (
    CPL,
    CPL_INTERPRETATION,
    SmallClaimsRules,
    cents,
    court_fee_table,
    say,
    small_claims_rules,
    unique_basis,
)


def _verdict(blocking: list[str], unknown: list[str]) -> bool | None:
    if blocking:
        return False
    return None if unknown else True


def payment_order_eligibility(case: Case) -> Eligibility:
    """Can the creditor apply for a 支付令 (民事诉讼法第二百二十五条, 民诉法解释第四百二十七条)?

    Any failed condition → False; otherwise any unknown fact → None with the question to ask.
    """
    lang = case.language
    blocking: list[str] = []
    unknown: list[str] = []
    notes: list[str] = []
    basis = [
        Basis(law=CPL, article="第二百二十五条", note="请求给付金钱，双方无其他债务纠纷，支付令能够送达"),
        Basis(law=CPL_INTERPRETATION, article="第四百二十七条", note="已到期且数额确定、债务人在境内且未下落不明、能够送达等受理条件"),
    ]
    if case.illegal_purpose is not None:
        blocking.append(say(lang, "债务本身不受法律保护，不能申请支付令。", "The debt itself is not protected by law: no payment order."))
        basis.append(Basis(law=CPL_INTERPRETATION, article="第四百二十八条", note="第三项：请求给付的金钱属于违法所得的，驳回申请"))
    if case.principal is None:
        unknown.append(say(lang, "借款本金是多少？支付令要求请求的金额确定。", "How much was lent? A payment order needs a definite amount."))
    due = case.due_date.value if case.due_date else None
    if due is None:
        unknown.append(say(
            lang,
            "是否约定了还款日期？没有约定的，需先催告并给合理期限，法院会审查债务是否已到期。",
            "Was a repayment date agreed? If not, demand payment first and allow a reasonable time: the court checks "
            "that the debt is due.",
        ))
    elif due >= case.today:
        blocking.append(say(
            lang, f"债务尚未到期（还款日 {due}），到期后才能申请。", f"The debt is not due yet (due {due}); apply after that date."
        ))
    if case.disputed is None:
        unknown.append(say(
            lang,
            "对方是否对欠款本身（金额、是否借过）有争议？双方之间有没有其他债务纠纷？",
            "Does the debtor dispute the debt itself (the amount, or that there was a loan)? Are there other debt "
            "disputes between you?",
        ))
    elif case.disputed.value:
        blocking.append(say(
            lang,
            "双方对债务有争议或存在其他债务纠纷，不符合申请支付令的条件；对方一提书面异议程序就会终结，宜直接起诉。",
            "The debt is disputed or there are other debt disputes between you: a payment order does not fit, and a "
            "written objection would end it anyway. Sue instead.",
        ))
    status = case.contact_status.value if case.contact_status else ContactStatus.unknown
    if status == ContactStatus.unreachable:
        basis.append(Basis(law=CPL_INTERPRETATION, article="第四百三十条", note="发出支付令之日起三十日内无法送达的，终结督促程序"))
        blocking.append(say(
            lang,
            "债务人下落不明，支付令无法送达（支付令不能公告送达），应当起诉。",
            "The debtor cannot be found, so the order cannot be served (a payment order cannot be served by public "
            "notice): sue instead.",
        ))
    elif status == ContactStatus.unknown:
        unknown.append(say(
            lang,
            "能否确定债务人的住址或可送达的地址？支付令必须能够实际送达。",
            "Do you know an address where the debtor can be served? A payment order must actually reach the debtor.",
        ))
    elif status == ContactStatus.evasive:
        basis.append(Basis(law=CPL_INTERPRETATION, article="第四百二十九条", note="债务人拒收支付令的，可以留置送达"))
        notes.append(say(
            lang,
            "债务人躲避但地址明确的，可以向本人送达，拒收的可留置送达。",
            "An evasive debtor with a known address can still be served; if they refuse, the order can be left with them.",
        ))
    notes.append(say(
        lang, "前提：债务人在中国境内，且你没有申请诉前保全。", "Assumed: the debtor is in China and you have not applied for pre-suit preservation."
    ))
    if case.rate is None:
        basis.append(Basis(law=CPL_INTERPRETATION, article="第四百二十八条", note="第二项：未约定逾期利息而坚持要求利息的，驳回申请"))
        notes.append(say(
            lang,
            "借条未约定利息或逾期利息的，支付令中只请求本金。",
            "With no agreed interest or late interest, ask for the principal only in the payment order.",
        ))
    return Eligibility(eligible=_verdict(blocking, unknown), reasons=blocking + unknown + notes, basis=unique_basis(basis))


def _amount_test(case: Case, threshold: Decimal, ceiling: Decimal, amount: Decimal) -> tuple[str, str]:
    """('ok' | 'agree' | 'over', sentence) for the claim amount against the small-claims limits."""
    lang = case.language
    if amount <= threshold:
        return "ok", say(lang, f"标的额约 {cents(amount)} 元，不超过标准 {threshold} 元。",
                         f"The claim (about {cents(amount)} yuan) is within the {threshold}-yuan limit.")
    if amount <= ceiling:
        return "agree", say(
            lang,
            f"标的额约 {cents(amount)} 元，超过标准 {threshold} 元但未超过平均工资的二倍（{ceiling} 元）：双方是否同意适用小额诉讼程序？",
            f"The claim (about {cents(amount)} yuan) is above the {threshold}-yuan limit but within twice the average "
            f"wage ({ceiling} yuan): do both parties agree to small-claims procedure?",
        )
    return "over", say(
        lang,
        f"标的额约 {cents(amount)} 元，超过平均工资的二倍（{ceiling} 元），不能适用小额诉讼。",
        f"The claim (about {cents(amount)} yuan) exceeds twice the average wage ({ceiling} yuan): no small claims.",
    )


def small_claims_eligibility(case: Case, threshold: Decimal | None, rules: SmallClaimsRules | None = None) -> Eligibility:
    """Small-claims procedure (民事诉讼法第一百六十五条, exclusions 第一百六十六条).

    `threshold` is 50% of the province's last published average annual wage, in yuan. The claim
    amount is the outstanding principal plus protected interest to date.
    """
    lang = case.language
    rules = rules or small_claims_rules()
    basis = [
        Basis(law=rules.statute.law, article=rules.statute.article, note="简单金钱给付案件，标的额在上年度就业人员年平均工资50%以下"),
        Basis(law=rules.exclusions.law, article=rules.exclusions.article, note="不适用小额诉讼的案件"),
    ]
    blocking: list[str] = []
    unknown: list[str] = []
    notes: list[str] = []
    if case.illegal_purpose is not None:
        blocking.append(say(lang, "债务本身不受法律保护。", "The debt itself is not protected by law."))
    if case.contact_status and case.contact_status.value == ContactStatus.unreachable:
        blocking.append(say(
            lang,
            "一方当事人下落不明的案件不适用小额诉讼（第一百六十六条第四项）。",
            "Small claims is excluded when a party cannot be found (第一百六十六条第四项).",
        ))
    if case.disputed is None:
        unknown.append(say(
            lang,
            "对方是否对欠款有争议？小额诉讼限于事实清楚、争议不大的案件。",
            "Does the debtor dispute the debt? Small claims is only for clear cases with little dispute.",
        ))
    elif case.disputed.value:
        blocking.append(say(
            lang, "双方对债务有争议，不属于争议不大的简单金钱给付案件。", "The debt is disputed: not a simple money claim with little dispute."
        ))
    if threshold is None and case.province is not None:
        row = rules.threshold_for(case.province.value)
        if row is not None:
            threshold = row.threshold
            notes.append(say(
                lang,
                f"标准取自本地表（{row.province}，{row.wage_year}年平均工资，{row.checked} 核对），每年须更新。",
                f"Limit from our table ({row.province}, {row.wage_year} average wage, checked {row.checked}); it changes yearly.",
            ))
    amount = claim_amount(case)
    if amount is None:
        unknown.append(say(lang, "借款本金是多少？", "How much was lent?"))
    elif threshold is None:
        unknown.append(say(
            lang,
            "不知道受诉法院所在省份上年度就业人员年平均工资的50%（小额诉讼标准）；请设置 DEBT_SMALL_CLAIMS_THRESHOLD。",
            "The small-claims limit (50% of last year's average wage in the court's province) is unknown: set "
            "DEBT_SMALL_CLAIMS_THRESHOLD.",
        ))
    else:
        verdict, sentence = _amount_test(case, threshold, threshold * rules.agreed_ceiling_multiple_of_threshold, amount)
        {"ok": notes, "agree": unknown, "over": blocking}[verdict].append(sentence)
    if not blocking:
        notes.append(say(
            lang,
            "小额诉讼一审终审、不能上诉；反诉或需要鉴定的案件会转为其他程序。",
            "Small-claims judgments are final (no appeal); a counterclaim or a need for expert appraisal moves the case "
            "to another procedure.",
        ))
    return Eligibility(eligible=_verdict(blocking, unknown), reasons=blocking + unknown + notes, basis=basis)


# --------------------------------------------------------------------------- fees


def court_fees(amount: Decimal) -> CourtFees:
    """Statutory court fees for a money claim of `amount` yuan (诉讼费用交纳办法)."""
    if amount < 0:
        raise InputError("请求金额不能为负数 / the claim amount cannot be negative")
    table = court_fee_table()
    litigation = table.litigation.schedule.fee(amount)
    return CourtFees(
        claim_amount=cents(amount),
        litigation=cents(litigation),
        simple_procedure=cents(litigation / table.simple_procedure.divisor),
        payment_order=cents(litigation / table.payment_order.divisor),
        preservation=cents(table.preservation.schedule.fee(amount)),
        basis=_merged_basis(table.law, [table.litigation, table.simple_procedure, table.payment_order, table.preservation]),
    )


def _merged_basis(law: str, rules: list) -> list[Basis]:
    # Payment-order and preservation fees are two items of the same article (第十四条): cite it once.
    notes: dict[str, list[str]] = {}
    for rule in rules:
        notes.setdefault(rule.article, []).append(rule.note)
    return [Basis(law=law, article=article, note="；".join(n)) for article, n in notes.items()]
