"""The legal position of a debt, computed: interest cap, limitation, payment order, small claims, fees.

Pure functions over a `Case`; money is Decimal, rounded once at the end to cents (ROUND_HALF_UP).
The only I/O is loading three YAML tables from `knowledge/` once (see position_tables). The pieces
live in position_interest, position_limitation and position_procedures; this module assembles them
and is the one to import from.
"""

from __future__ import annotations

from decimal import Decimal

from assistant.models import Basis, Case, Eligibility, LegalPosition
from assistant.position.interest import claim_amount, interest_position, interest_with_warnings, lpr_at
from assistant.position.limitation import limitation_position
from assistant.position.procedures import court_fees, payment_order_eligibility, small_claims_eligibility
from assistant.position.tables import CIVIL_CODE, CRIMINAL_LAW, LENDING, cents, court_fee_table, joined, say
from assistant.settings import get_settings

__all__ = [
    "lpr_at",
    "interest_position",
    "limitation_position",
    "payment_order_eligibility",
    "small_claims_eligibility",
    "court_fees",
    "legal_position",
]


# --------------------------------------------------------------------------- assembly


def _unprotected_reason(purpose: str, lang: str) -> tuple[str, list[Basis]]:
    void = Basis(law=CIVIL_CODE, article="第一百五十三条", note="违反强制性规定或违背公序良俗的民事法律行为无效")
    lending = Basis(law=LENDING, article="第十三条", note="第四项：出借人事先知道或应当知道借款用于违法犯罪活动的，合同无效")
    crime = Basis(law=CRIMINAL_LAW, article="第二百九十三条之一", note="以暴力、威胁、跟踪、骚扰等方式催收高利放贷等产生的非法债务构成犯罪")
    if "赌" in purpose or "gambl" in purpose.lower():
        reason = say(
            lang,
            "赌债不受法律保护：因赌博产生或明知用于赌博的借贷无效，法院不支持偿还请求。",
            "Gambling debts are not protected: a debt arising from gambling, or a loan knowingly made for gambling, is "
            "void and courts will not order repayment.",
        )
    else:
        reason = say(
            lang,
            f"借款用途违法（{purpose}）：出借人明知或应知借款用于违法犯罪活动的，借贷合同无效。",
            f"Illegal purpose ({purpose}): a loan the lender knew or should have known was for illegal activity is void.",
        )
    warning = say(
        lang,
        "不要催收这笔钱：以暴力、威胁、骚扰等方式催收非法债务可能构成犯罪。",
        "Do not pursue it: collecting an illegal debt by violence, threats or harassment can be a crime.",
    )
    return joined(lang, [reason, warning]), [void, lending, crime]


def legal_position(case: Case, *, small_claims_threshold: Decimal | None = None) -> LegalPosition:
    """Everything the planner needs: outstanding amount, interest, limitation, procedures, fees.

    `small_claims_threshold` (yuan) defaults to the DEBT_SMALL_CLAIMS_THRESHOLD setting.
    """
    lang = case.language
    if small_claims_threshold is None and get_settings().small_claims_threshold is not None:
        small_claims_threshold = Decimal(get_settings().small_claims_threshold)
    outstanding = case.outstanding
    notes: list[str] = []
    limitation = limitation_position(case)
    if case.illegal_purpose is not None:
        reason, basis = _unprotected_reason(case.illegal_purpose.value, lang)
        notes.append(say(lang, "依据：", "Basis: ") + "；".join(b.label() for b in basis))
        blocked = Eligibility(eligible=False, reasons=[say(lang, "债务本身不受法律保护。", "The debt itself is not protected by law.")], basis=basis)
        return LegalPosition(
            outstanding=outstanding, protected=False, unprotected_reason=reason, interest=None,
            limitation=limitation, payment_order=blocked, small_claims=blocked.model_copy(deep=True), fees=None, notes=notes,
        )
    interest, warnings = interest_with_warnings(case)
    notes += warnings
    if case.interest_deducted_upfront and case.principal:
        notes.append(say(
            lang,
            f"借条金额 {case.principal.value} 元中预扣了 {case.interest_deducted_upfront.value} 元利息，"
            "本金按实际出借数额计（民间借贷规定第二十六条）。",
            f"{case.interest_deducted_upfront.value} of the {case.principal.value} yuan on the IOU was interest deducted "
            "upfront: the principal is what was actually lent (民间借贷规定第二十六条).",
        ))
    fees = None
    claim = claim_amount(case)
    if claim is not None:
        fees = court_fees(claim)
        notes.append(say(
            lang,
            f"诉讼费按请求金额约 {cents(claim)} 元（未还本金加截至今日的受保护利息）计算。",
            f"Court fees are computed on a claim of about {cents(claim)} yuan (outstanding principal plus protected "
            "interest to date).",
        ))
        fee_rule = court_fee_table().small_claims
        if fee_rule.status == "assumption":
            small = cents(fees.litigation / fee_rule.divisor)
            notes.append(say(
                lang,
                f"{fee_rule.note}：约 {small} 元。",
                f"Small-claims fee assumed equal to the halved simple-procedure fee (about {small} yuan); the court may charge less.",
            ))
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
