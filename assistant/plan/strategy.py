"""Which rung of the collection ladder a case is on, and the dated steps that follow.

The rules, step templates and warnings live in knowledge/strategy.yaml; this module only evaluates
the named conditions against the case, the assessment and the legal position, picks the first rule
that matches, and dates the steps from ``case.today``.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Literal

from pydantic import Field

from assistant.intake.debt import unlawful_requests
from assistant.models import Assessment, Basis, Case, Category, LegalPosition, Model, NegotiationPlan, PlanStep, Stage
from assistant.plan.negotiation import instalment_plan
from assistant.plan.rules import (
    CONDITIONS,
    STRATEGY_FILE,
    Facts,
    StrategyRule,
    StrategyRules,
    document_basis,
    fact_value,
    holds,
    load_strategy_rules,
)

__all__ = ["Strategy", "plan_strategy", "document_basis", "load_strategy_rules", "CONDITIONS", "STRATEGY_FILE"]


class Strategy(Model):
    stage: Stage
    reason: str
    steps: list[PlanStep]
    negotiation: NegotiationPlan | None = None
    warnings: list[str] = Field(default_factory=list)
    rule: str = ""  # id of the rule in knowledge/strategy.yaml that decided the stage

    def plan_text(self) -> str:
        """Everything the plan says, as one text (what evals search for must / must-not ideas)."""
        parts = [self.reason, *(f"{s.action} {s.channel} {' '.join(s.evidence_to_keep)}" for s in self.steps)]
        parts += self.warnings
        if self.negotiation:
            parts += [*self.negotiation.concessions, self.negotiation.acceleration_clause, *self.negotiation.notes]
        return "\n".join(parts)


# --------------------------------------------------------------------------- planning


def plan_strategy(case: Case, assessment: Assessment, position: LegalPosition) -> Strategy:
    rules = load_strategy_rules()
    lang: Literal["zh", "en"] = case.language
    facts = Facts(
        case=case, assessment=assessment, position=position, recent_overdue_days=rules.thresholds.recent_overdue_days
    )
    rule = next(r for r in rules.rules if holds(r.when, facts))

    steps: list[PlanStep] = []
    track = [step_id for step_id in rule.track if holds(rules.steps[step_id].only_if, facts)]
    # the articles behind the choice of stage go with the first step that belongs to that stage
    anchor = next((sid for sid in track if rules.steps[sid].stage == rule.stage), track[0])
    debt_type = fact_value(case.debt_type)
    for step_id in track:
        tpl = rules.steps[step_id]
        stage = tpl.stage or rule.stage
        basis = rules.basis(tpl.basis)
        if tpl.document is not None:
            basis += document_basis(tpl.document, debt_type)
        if step_id == anchor:
            basis += rules.basis(rule.basis)
        steps.append(
            PlanStep(
                when=case.today + timedelta(days=tpl.offset_days),
                stage=stage,
                action=_in_debts_words(rules, getattr(tpl.action, lang), debt_type, lang),
                channel=getattr(tpl.channel, lang),
                evidence_to_keep=_evidence(rules, step_id, [*getattr(tpl.evidence, lang)], debt_type, lang),
                basis=_unique(rules.for_debt(basis, debt_type)),
            )
        )
    if rule.stage == Stage.answer and steps:
        steps[0].basis = _unique(steps[0].basis + _answer_basis(rules, case.narrative))
    refusals = [rules.refusals[k] for k in unlawful_requests(case.narrative) if k in rules.refusals]
    if refusals and steps:
        steps[0].basis = _unique(steps[0].basis + [b for r in refusals for b in rules.basis(r.basis)])
    steps.sort(key=lambda s: s.when)  # stable: same-day steps keep the track's order

    # an unlawful request is refused first, in the same answer, with the lawful route
    reason = "".join(getattr(r, lang) + ("\n" if lang == "zh" else " ") for r in refusals)
    reason += getattr(rule.reason, lang)
    reason += _grounds(rules, rule, facts, lang)
    if rule.stage != Stage.decline and CONDITIONS["interest_above_cap"](facts):
        # only part of the interest is unprotected: demand the protected part, never decline
        reason += (
            " 约定利率超过法定上限，只主张受法律保护的本金和利息。"
            if lang == "zh"
            else " The agreed rate exceeds the legal cap, so only the protected principal and interest are claimed."
        )

    warnings = [getattr(w, lang) for w in rules.warnings if holds(w.when, facts)]
    reason += _limitation_note(position, rule.stage, lang)
    warnings += _costs_note(position, rule.stage, lang)
    return Strategy(
        stage=rule.stage,
        reason=reason,
        steps=steps,
        negotiation=_negotiation(case, assessment, position, rule.stage),
        warnings=warnings,
        rule=rule.id,
    )


def _in_debts_words(rules: StrategyRules, text: str, debt_type, lang: str) -> str:  # type: ignore[no-untyped-def]
    """A step written for a loan, in the words of the debt at hand (strategy.yaml `debt_types.replace`)."""
    if not rules.payment_basis(debt_type) or rules.debt_types is None:
        return text
    for loan_words, own in rules.debt_types.replace.get(lang, {}).items():
        text = text.replace(loan_words, own)
    return text


def _evidence(rules: StrategyRules, step_id: str, items: list[str], debt_type, lang: str) -> list[str]:  # type: ignore[no-untyped-def]
    """What to keep: the evidence step lists the debt type's own papers (买卖: 合同、送货单、对账单、发票…)."""
    own = rules.debt_types.evidence.get(debt_type) if rules.debt_types is not None and debt_type else None
    if step_id == "gather_evidence" and own is not None:
        return list(getattr(own, lang))
    return [_in_debts_words(rules, item, debt_type, lang) for item in items]


def _grounds(rules: StrategyRules, rule: StrategyRule, facts: Facts, lang: str) -> str:
    """The facts the recommendation rests on, and the fact that would change it."""
    if rule.rests_on is not None:
        rests = getattr(rule.rests_on, lang)
    else:
        said = [getattr(rules.condition_facts[c], lang) for c in rule.when if c in rules.condition_facts]
        rests = ("、" if lang == "zh" else ", ").join(said)
    change = getattr(rule.changes_if, lang) if rule.changes_if is not None else ""
    if lang == "en":
        out = f" Based on: {rests}." if rests else ""
        return out + (f" What would change it: {change}." if change else "")
    out = f"（依据的事实：{rests}。" if rests else "（"
    out += f"会改变建议的事实：{change}。）" if change else "）"
    return "" if out == "（）" else out


def _answer_basis(rules: StrategyRules, narrative: str) -> list[Basis]:
    """The articles a legal question's answer rests on, by the topics its words name."""
    text = narrative.lower()
    refs = [b for t in rules.answer_topics if any(w.lower() in text for w in [*t.cues.zh, *t.cues.en]) for b in t.basis]
    return rules.basis(refs)


def _limitation_note(position: LegalPosition, stage: Stage, lang: str) -> str:
    """The limitation deadline, where it presses (民法典第一百八十八条, interrupted per 第一百九十五条)."""
    lim = position.limitation
    if stage == Stage.decline or not lim.warning or lim.deadline is None or lim.expired:
        return ""
    if lang == "en":
        return f" Limitation runs out on {lim.deadline.isoformat()} ({lim.days_left} days left)."
    return f"（诉讼时效届满日：{lim.deadline.isoformat()}，剩余{lim.days_left}天。）"


def _costs_note(position: LegalPosition, stage: Stage, lang: str) -> list[str]:
    """What going to court costs, from the position's fee calculation (诉讼费用交纳办法).

    The payment-order fee is shown only where a payment order is the plan.
    """
    fees = position.fees
    if fees is None or stage not in (Stage.payment_order, Stage.litigation, Stage.lawyer_letter):
        return []
    order = stage == Stage.payment_order
    small = position.small_claims.eligible is True
    if lang == "en":
        items = [f"payment order RMB {fees.payment_order:,.2f}"] if order else []
        items += [
            f"lawsuit RMB {fees.litigation:,.2f} (RMB {fees.simple_procedure:,.2f} under the simple procedure)",
            f"preservation RMB {fees.preservation:,.2f}",
        ]
        note = f"Court fees on a claim of RMB {fees.claim_amount:,.2f}: {'; '.join(items)}. The losing party normally bears them."
        return [note + (" The claim qualifies for the small-claims procedure (one hearing, final)." if small else "")]
    items = [f"支付令申请费{fees.payment_order:,.2f}元"] if order else []
    items += [
        f"案件受理费{fees.litigation:,.2f}元（适用简易程序减半为{fees.simple_procedure:,.2f}元）",
        f"财产保全申请费{fees.preservation:,.2f}元",
    ]
    note = f"按请求金额{fees.claim_amount:,.2f}元估算：{'；'.join(items)}。诉讼费用一般由败诉方负担。"
    return [note + ("本案可适用小额诉讼程序，一审终审。" if small else "")]


def _unique(basis: list[Basis]) -> list[Basis]:
    seen: set[tuple[str, str]] = set()
    out: list[Basis] = []
    for b in basis:
        if (b.law, b.article) not in seen:
            seen.add((b.law, b.article))
            out.append(b)
    return out


def _negotiation(case: Case, assessment: Assessment, position: LegalPosition, stage: Stage) -> NegotiationPlan | None:
    """An instalment plan where the stage is negotiation, or the debtor is in hardship or has offered one."""
    if stage == Stage.decline or position.outstanding is None or position.outstanding <= 0:
        return None
    offered = case.debtor_offer_monthly is not None or case.debtor_offer_down_payment is not None
    if stage != Stage.negotiation and assessment.category != Category.hardship and not offered:
        return None
    total = position.outstanding
    if position.interest and position.interest.protected_interest_to_date:
        total += position.interest.protected_interest_to_date
    return instalment_plan(
        total.quantize(Decimal("0.01")),
        case.today,
        monthly=fact_value(case.debtor_offer_monthly),
        down_payment=fact_value(case.debtor_offer_down_payment),
        months=None,
        has_guarantor=fact_value(case.guarantor) is True,
        language=case.language,
    )
