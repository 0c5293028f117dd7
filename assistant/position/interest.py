"""Interest the law protects: 4 × the one-year LPR at contract formation (民间借贷规定第二十五条).

Simple interest, principal × percent/100 × days/365, days counted from the start date to
`case.today` (start day not counted, 民法典第二百零一条). Interest accrues on today's outstanding
principal (principal − 砍头息 − repayments) for the whole period, because repayment dates are not
recorded; with late repayments this understates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from assistant.errors import InputError
from assistant.models import Basis, Case, InterestPosition, PartyKind
from assistant.position.tables import (
    CIVIL_CODE,
    LENDING,
    LENDING_SCOPE,
    cents,
    joined,
    lpr_table,
    pct,
    say,
    unique_basis,
)


def _simple_interest(principal: Decimal, percent: Decimal, start: date, end: date) -> Decimal:
    days = max((end - start).days, 0)
    return principal * percent / Decimal(100) * Decimal(days) / Decimal(365)


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


def _stale_note(wanted: date, used: date, percent: Decimal, lang: str = "zh") -> str | None:
    current_to = lpr_table().current_to
    if wanted <= current_to:
        return None
    return say(
        lang,
        f"注意：本地LPR表只核对到 {current_to}，{wanted} 适用的一年期LPR可能已经调整；"
        f"本次按 {used} 公布的 {pct(percent)} 计算，请向中国人民银行/全国银行间同业拆借中心的公布核实当时有效的LPR。",
        f"Warning: our LPR table is only verified up to {current_to}; the one-year LPR in force on {wanted} may have "
        f"changed. We used {pct(percent)} published on {used}: please confirm the LPR in force at that date "
        f"(published by the National Interbank Funding Center for the People's Bank of China).",
    )


# --------------------------------------------------------------------------- interest


@dataclass
class _Outcome:
    """What one branch of the interest rules concludes; amounts unrounded."""

    protected_percent: Decimal | None = None
    protected: Decimal | None = None
    unprotected: Decimal | None = None
    above_cap: bool = False
    text: list[str] = field(default_factory=list)
    basis: list[Basis] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _licensed_lender(principal: Decimal | None, agreed: Decimal | None, formed: date, today: date, lang: str) -> _Outcome:
    # 规定第一条; 法释〔2020〕27号 extends the exclusion to 小额贷款公司 and six other local lenders.
    out = _Outcome(protected_percent=agreed)
    out.basis = [
        Basis(law=LENDING, article="第一条", note="持牌金融机构的贷款纠纷不适用本规定"),
        Basis(law=LENDING_SCOPE, article="第一项", note="法释〔2020〕27号：小额贷款公司等七类地方金融组织同样不适用"),
        Basis(law=CIVIL_CODE, article="第六百八十条", note="禁止高利放贷，利率不得违反国家有关规定"),
    ]
    out.text.append(say(
        lang,
        "出借人是持牌金融机构（含小额贷款公司等地方金融组织），民间借贷4倍LPR上限不适用，利率受金融监管规定约束。",
        "The lender is a licensed financial institution (including micro-lenders and other local financial "
        "organisations): the private-lending 4 x LPR cap does not apply; financial regulation governs the rate.",
    ))
    if agreed is not None and principal is not None:
        out.protected, out.unprotected = _simple_interest(principal, agreed, formed, today), Decimal(0)
    return out


def _agreed_rate(
    principal: Decimal | None, agreed: Decimal, cap: Decimal, formed: date, today: date, lang: str
) -> _Outcome:
    # 规定第二十五条 caps the agreed rate; 第二十八条第二款第二项 carries it past the due date.
    out = _Outcome(protected_percent=min(agreed, cap), above_cap=agreed > cap)
    out.basis = [Basis(law=LENDING, article="第二十八条", note="未另约定逾期利率的，逾期后按借期内利率计，同样以4倍LPR为限")]
    if out.above_cap:
        out.text.append(say(
            lang,
            f"约定年利率 {pct(agreed)} 超过上限，超出部分法院不支持，只按 {pct(cap)} 主张。",
            f"The agreed {pct(agreed)} a year exceeds the cap: courts do not enforce the excess; claim at most {pct(cap)}.",
        ))
    else:
        out.text.append(say(
            lang,
            f"约定年利率 {pct(agreed)} 未超过上限，可按约定主张。",
            f"The agreed {pct(agreed)} a year is within the cap and can be claimed as agreed.",
        ))
    if principal is None:
        return out
    transition = lpr_table().transition
    if formed < transition.contracts_before:
        # 规定第三十一条: before 2020-08-20 the old standard, afterwards the current cap.
        switch = transition.contracts_before
        out.protected = _simple_interest(principal, min(agreed, transition.old_cap_percent), formed, min(switch, today))
        out.protected += _simple_interest(principal, min(agreed, cap), max(switch, formed), today)
    else:
        out.protected = _simple_interest(principal, min(agreed, cap), formed, today)
    out.unprotected = max(_simple_interest(principal, agreed, formed, today) - out.protected, Decimal(0))
    return out


def _no_agreed_rate(principal: Decimal | None, due: date | None, today: date, lang: str) -> _Outcome:
    # No interest for the loan term (民法典第六百八十条第二款, 规定第二十四条), but overdue interest at the
    # then one-year LPR from the day repayment became late (规定第二十八条第二款第一项).
    out = _Outcome()
    out.basis = [
        Basis(law=CIVIL_CODE, article="第六百八十条", note="对支付利息没有约定的，视为没有利息"),
        Basis(law=LENDING, article="第二十四条", note="未约定利息的，借期内利息不予支持"),
        Basis(law=LENDING, article="第二十八条", note="借期内利率和逾期利率均未约定的，可自逾期之日起参照当时一年期LPR主张逾期利息"),
    ]
    out.text.append(say(lang, "没有约定利息：借期内不计利息。", "No interest was agreed: none accrues during the loan term."))
    if due is None:
        out.text.append(say(
            lang,
            "没有约定还款日期，逾期利息要从催告后的合理期限届满时起算，具体日期无法确定，未计算。",
            "No due date was agreed: late-payment interest runs only after a demand plus a reasonable period, "
            "so it is not computed here.",
        ))
    elif due >= today:
        out.text.append(say(lang, f"尚未到还款日（{due}），没有逾期利息。", f"The loan is not due yet ({due}): no late interest."))
        out.protected_percent, out.protected, out.unprotected = Decimal(0), Decimal(0), Decimal(0)
    elif due < lpr_table().rates[0].published:
        out.text.append(say(
            lang,
            f"逾期始于 {due}，早于LPR首次公布，逾期利息标准需按当时规定另行确定，未计算。",
            f"Default began on {due}, before the LPR existed: the late-interest rate follows the rules of the time "
            "and is not computed here.",
        ))
    else:
        overdue_lpr, published = lpr_at(due)
        out.warnings += [w for w in [_stale_note(due, published, overdue_lpr, lang)] if w]
        out.protected_percent = overdue_lpr
        out.text.append(say(
            lang,
            f"可自逾期之日（{due}）起按当时一年期LPR {pct(overdue_lpr)}（{published} 公布）主张逾期利息。",
            f"From the due date ({due}) late interest can be claimed at the then one-year LPR of {pct(overdue_lpr)} "
            f"(published {published}).",
        ))
        if principal is not None:
            out.protected, out.unprotected = _simple_interest(principal, overdue_lpr, due, today), Decimal(0)
    return out


def interest_with_warnings(case: Case) -> tuple[InterestPosition | None, list[str]]:
    """The interest position and the warnings the caller must show (stale table, missing dates)."""
    lang = case.language
    if case.loan_date is None:
        return None, [say(
            lang,
            "借款日期（合同成立日）不明，无法确定适用的LPR和4倍上限；请补充借款日期。",
            "The loan date (when the contract was formed) is unknown, so the applicable LPR and the 4 x LPR cap "
            "cannot be determined: please add the loan date.",
        )]
    table = lpr_table()
    formed = case.loan_date.value  # 民法典第六百七十九条: a loan between individuals is formed on delivery
    transitional = formed < table.transition.contracts_before
    # 规定第三十一条: pre-2020-08-20 contracts are capped from 2020-08-20 on by the standard at filing.
    lookup = case.today if transitional else formed
    lpr, published = lpr_at(lookup)
    cap = lpr * table.cap_multiple
    principal = case.outstanding
    agreed = case.rate.annual_percent if case.rate else None
    basis = [Basis(law=LENDING, article="第二十五条", note="受保护的利率以合同成立时一年期LPR的4倍为限")]
    if transitional:
        basis.append(Basis(law=LENDING, article="第三十一条", note="2020年8月20日前成立的借贷合同的过渡规则"))
        text = [say(
            lang,
            f"合同成立于 {formed}（2020年8月20日之前）：2020年8月19日前的利息可按当时的司法解释计算"
            f"（年利率{pct(table.transition.old_cap_percent)}以内受保护）；此后的利息以起诉时一年期LPR的4倍为限，"
            f"这里以今天（{case.today}）视为起诉日，用 {published} 公布的 {pct(lpr)}，上限 {pct(cap)}。",
            f"The contract was formed on {formed}, before 20 August 2020: interest up to 19 August 2020 may follow the "
            f"rules of the time (protected up to {pct(table.transition.old_cap_percent)} a year); later interest is "
            f"capped at 4 x the one-year LPR when the suit is filed. Taking today ({case.today}) as the filing date: "
            f"LPR {pct(lpr)} published {published}, cap {pct(cap)}.",
        )]
    else:
        text = [say(
            lang,
            f"合同成立于 {formed}，当时的一年期LPR为 {pct(lpr)}（{published} 公布），4倍上限为年利率 {pct(cap)}。",
            f"The contract was formed on {formed}; the one-year LPR then was {pct(lpr)} (published {published}), "
            f"so the cap is {pct(cap)} a year.",
        )]

    cap_applies = case.creditor.kind != PartyKind.licensed_lender
    if not cap_applies:
        out = _licensed_lender(principal, agreed, formed, case.today, lang)
    elif agreed is not None:
        out = _agreed_rate(principal, agreed, cap, formed, case.today, lang)
    else:
        out = _no_agreed_rate(principal, case.due_date.value if case.due_date else None, case.today, lang)
    warnings = [w for w in [_stale_note(lookup, published, lpr, lang)] if w] + out.warnings
    text += out.text
    basis += out.basis
    if out.protected is not None:
        text.append(say(
            lang,
            f"截至 {case.today}，以未还本金 {principal} 元按单利、每年365天计：受保护利息约 {cents(out.protected)} 元"
            + (f"，不受保护的部分约 {cents(out.unprotected)} 元。" if out.unprotected else "。"),
            f"To {case.today}, simple interest on the outstanding principal of {principal} yuan (365-day year): "
            f"protected interest about {cents(out.protected)} yuan"
            + (f", unprotected about {cents(out.unprotected)} yuan." if out.unprotected else "."),
        ))
    if case.interest_deducted_upfront:
        basis.append(Basis(law=LENDING, article="第二十六条", note="预先扣除的利息不计入本金"))
        basis.append(Basis(law=CIVIL_CODE, article="第六百七十条", note="利息预先扣除的，按实际借款数额计算"))
        text.append(say(
            lang,
            f"借款时预先扣除了 {case.interest_deducted_upfront.value} 元利息（砍头息），本金按实际出借数额计。",
            f"{case.interest_deducted_upfront.value} yuan of interest was deducted upfront: the principal is the amount "
            "actually lent.",
        ))
    text.append(say(
        lang,
        f"LPR表来源：{table.source}，核对至 {table.current_to}。",
        f"LPR table source: {table.source}; verified up to {table.current_to}.",
    ))
    position = InterestPosition(
        lpr_one_year=lpr,
        lpr_effective=published,
        lpr_table_current_to=table.current_to,
        cap_percent=cap,
        cap_applies=cap_applies,
        agreed_percent=agreed,
        protected_percent=out.protected_percent,
        above_cap=out.above_cap,
        protected_interest_to_date=None if out.protected is None else cents(out.protected),
        unprotected_interest_to_date=None if out.unprotected is None else cents(out.unprotected),
        explanation=joined(lang, text + warnings),
        basis=unique_basis(basis),
    )
    return position, warnings


def interest_position(case: Case) -> InterestPosition | None:
    """How much interest the law protects; None when the contract date is unknown."""
    return interest_with_warnings(case)[0]


def claim_amount(case: Case) -> Decimal | None:
    """What a suit would ask for today: outstanding principal plus protected interest to date."""
    outstanding = case.outstanding
    if outstanding is None:
        return None
    interest = interest_position(case)
    extra = interest.protected_interest_to_date if interest and interest.protected_interest_to_date else Decimal(0)
    return outstanding + extra
