"""Which rung of the collection ladder a case is on, and the dated steps that follow.

The rules, step templates and warnings live in knowledge/strategy.yaml; this module only evaluates
the named conditions against the case, the assessment and the legal position, picks the first rule
that matches, and dates the steps from ``case.today``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .errors import KnowledgeError, RuleError
from .models import (
    Assessment,
    Basis,
    Case,
    Category,
    ContactStatus,
    DraftKind,
    LegalPosition,
    NegotiationPlan,
    PlanStep,
    Stage,
)
from .negotiation import instalment_plan
from .settings import KNOWLEDGE_DIR

__all__ = ["Strategy", "plan_strategy", "document_basis", "load_strategy_rules", "CONDITIONS"]

STRATEGY_FILE = KNOWLEDGE_DIR / "strategy.yaml"


class Strategy(BaseModel):
    model_config = ConfigDict(extra="forbid")

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


# --------------------------------------------------------------------------- the rule file


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Bilingual(_Strict):
    zh: str
    en: str


class _BilingualList(_Strict):
    zh: list[str]
    en: list[str]


class _BasisRef(_Strict):
    law: str  # an alias from `laws`
    article: str = Field(pattern=r"^第[零一二三四五六七八九十百千]+条(之[一二三四五六七八九十]+)?$")
    note: str = ""


class _StepTemplate(_Strict):
    document: DraftKind | None = None
    offset_days: int = Field(ge=0, le=365)
    stage: Stage | None = None
    only_if: list[str] = Field(default_factory=list)
    action: _Bilingual
    channel: _Bilingual
    evidence: _BilingualList
    basis: list[_BasisRef]


class _Rule(_Strict):
    id: str
    when: list[str]
    stage: Stage
    track: list[str] = Field(min_length=1)
    reason: _Bilingual
    basis: list[_BasisRef] = Field(default_factory=list)


class _Warning(_Strict):
    when: list[str]
    zh: str
    en: str


class _Thresholds(_Strict):
    recent_overdue_days: int = Field(ge=1)
    demand_deadline_days: int = Field(ge=1)


class StrategyRules(_Strict):
    laws: dict[str, str]
    thresholds: _Thresholds
    rules: list[_Rule] = Field(min_length=1)
    steps: dict[str, _StepTemplate]
    documents: dict[DraftKind, list[_BasisRef]]
    warnings: list[_Warning]

    @model_validator(mode="after")
    def _references_resolve(self) -> StrategyRules:
        refs: list[_BasisRef] = [b for r in self.rules for b in r.basis]
        refs += [b for s in self.steps.values() for b in s.basis]
        refs += [b for bs in self.documents.values() for b in bs]
        for ref in refs:
            if ref.law not in self.laws:
                raise ValueError(f"unknown law alias {ref.law!r}: add it under `laws`")
        conditions = [c for r in self.rules for c in r.when] + [c for s in self.steps.values() for c in s.only_if]
        conditions += [c for w in self.warnings for c in w.when]
        for cond in conditions:
            if cond.removeprefix("not_") not in CONDITIONS:
                raise ValueError(f"unknown condition {cond!r}: known are {sorted(CONDITIONS)}")
        for rule in self.rules:
            for step in rule.track:
                if step not in self.steps:
                    raise ValueError(f"rule {rule.id}: unknown step {step!r}")
        if self.rules[-1].when:
            raise ValueError("the last rule must be the default (empty `when`)")
        return self

    def basis(self, refs: list[_BasisRef]) -> list[Basis]:
        return [Basis(law=self.laws[r.law], article=r.article, note=r.note) for r in refs]


@lru_cache(maxsize=4)
def load_strategy_rules(path: Path = STRATEGY_FILE) -> StrategyRules:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeError(f"策略规则无法读取 / cannot read strategy rules {path}: {exc}") from exc
    try:
        return StrategyRules.model_validate(raw)
    except ValidationError as exc:
        raise RuleError(f"策略规则格式错误 / invalid strategy rules {path}: {exc}") from exc


def document_basis(kind: DraftKind) -> list[Basis]:
    """The articles a document of this kind may cite."""
    rules = load_strategy_rules()
    return rules.basis(rules.documents.get(kind, []))


# --------------------------------------------------------------------------- conditions


@dataclass(frozen=True)
class _Facts:
    """What the conditions look at."""

    case: Case
    assessment: Assessment
    position: LegalPosition
    recent_overdue_days: int


def _value(fact):  # type: ignore[no-untyped-def]
    return None if fact is None else fact.value


def _demands(f: _Facts, channels: set[str] | None = None) -> bool:
    for event in f.case.contacts:
        if event.kind != "demand":
            continue
        if channels is None or (event.channel or "").lower() in channels:
            return True
    return False


def _unreachable(f: _Facts) -> bool:
    return _value(f.case.contact_status) == ContactStatus.unreachable


def _overdue_days(f: _Facts) -> int | None:
    due = _value(f.case.due_date)
    return None if due is None else (f.case.today - due).days


def _recently_overdue(f: _Facts) -> bool:
    days = _overdue_days(f)
    if days is not None:
        return days <= f.recent_overdue_days
    # no agreed due date: the first step is to ask, which fixes a reasonable period (民法典第六百七十五条);
    # but a loan made long ago is no longer "recent" even without one
    lent = _value(f.case.loan_date)
    return lent is None or (f.case.today - lent).days <= 2 * f.recent_overdue_days


def _undisputed(f: _Facts) -> bool:
    """Said to be undisputed, or the debtor has acknowledged it, promised or paid part (no dispute then)."""
    disputed = _value(f.case.disputed)
    if disputed is not None:
        return disputed is False
    return any(e.kind in ("acknowledgement", "promise", "partial_payment") for e in f.case.contacts)


def _payment_order_eligible(f: _Facts) -> bool:
    # 民事诉讼法第二百二十五条: no other dispute, and the order can be served on the debtor
    if _value(f.case.disputed) is True or _unreachable(f):
        return False
    eligible = f.position.payment_order.eligible
    if eligible is not None:
        return eligible
    # undecided only for want of facts: a matured, definite, acknowledged debt is a fair candidate
    due = _value(f.case.due_date)
    return _undisputed(f) and f.case.principal is not None and due is not None and due < f.case.today


_WRITTEN = {"letter", "ems", "post", "mail", "courier", "lawyer_letter", "email"}

CONDITIONS: dict[str, Callable[[_Facts], bool]] = {
    "debt_unprotected": lambda f: not f.position.protected,
    "limitation_expired": lambda f: f.position.limitation.expired is True,
    "limitation_warning": lambda f: f.position.limitation.warning and f.position.limitation.expired is not True,
    "debtor_unreachable": _unreachable,
    "hardship": lambda f: f.assessment.category == Category.hardship,
    "bad_faith": lambda f: f.assessment.category == Category.bad_faith,
    "unclear": lambda f: f.assessment.category == Category.unclear,
    "has_assets": lambda f: _value(f.case.debtor_has_assets) is True,
    "debtor_evasive": lambda f: _value(f.case.contact_status) == ContactStatus.evasive,
    "undisputed": _undisputed,
    "said_undisputed": lambda f: _value(f.case.disputed) is False,
    "disputed": lambda f: _value(f.case.disputed) is True,
    "payment_order_eligible": _payment_order_eligible,
    "lawyer_letter_sent": lambda f: _demands(f, {"lawyer_letter"}),
    "formal_demand_sent": lambda f: _demands(f, _WRITTEN),
    "reminded": lambda f: _demands(f),
    "recently_overdue": _recently_overdue,
    "debtor_offered_instalments": lambda f: f.case.debtor_offer_monthly is not None
    or f.case.debtor_offer_down_payment is not None,
    "interest_above_cap": lambda f: f.position.interest is not None and f.position.interest.above_cap,
    "no_written_evidence": lambda f: not f.case.evidence,
    "debtor_name_unknown": lambda f: not f.case.debtor.name,
}


def _holds(conditions: list[str], facts: _Facts) -> bool:
    for cond in conditions:
        negated = cond.startswith("not_")
        if CONDITIONS[cond.removeprefix("not_")](facts) == negated:
            return False
    return True


# --------------------------------------------------------------------------- planning


def plan_strategy(case: Case, assessment: Assessment, position: LegalPosition) -> Strategy:
    rules = load_strategy_rules()
    lang: Literal["zh", "en"] = case.language
    facts = _Facts(
        case=case, assessment=assessment, position=position, recent_overdue_days=rules.thresholds.recent_overdue_days
    )
    rule = next(r for r in rules.rules if _holds(r.when, facts))

    steps: list[PlanStep] = []
    track = [step_id for step_id in rule.track if _holds(rules.steps[step_id].only_if, facts)]
    # the articles behind the choice of stage go with the first step that belongs to that stage
    anchor = next((sid for sid in track if rules.steps[sid].stage == rule.stage), track[0])
    for step_id in track:
        tpl = rules.steps[step_id]
        stage = tpl.stage or rule.stage
        basis = rules.basis(tpl.basis)
        if tpl.document is not None:
            basis += rules.basis(rules.documents.get(tpl.document, []))
        if step_id == anchor:
            basis += rules.basis(rule.basis)
        steps.append(
            PlanStep(
                when=case.today + timedelta(days=tpl.offset_days),
                stage=stage,
                action=getattr(tpl.action, lang),
                channel=getattr(tpl.channel, lang),
                evidence_to_keep=list(getattr(tpl.evidence, lang)),
                basis=_unique(basis),
            )
        )
    steps.sort(key=lambda s: s.when)  # stable: same-day steps keep the track's order

    reason = getattr(rule.reason, lang)
    if rule.stage != Stage.decline and CONDITIONS["interest_above_cap"](facts):
        # only part of the interest is unprotected: demand the protected part, never decline
        reason += (
            " 约定利率超过法定上限，只主张受法律保护的本金和利息。"
            if lang == "zh"
            else " The agreed rate exceeds the legal cap, so only the protected principal and interest are claimed."
        )

    warnings = [getattr(w, lang) for w in rules.warnings if _holds(w.when, facts)]
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


def _limitation_note(position: LegalPosition, stage: Stage, lang: str) -> str:
    """The limitation deadline, where it presses (民法典第一百八十八条, interrupted per 第一百九十五条)."""
    lim = position.limitation
    if stage == Stage.decline or not lim.warning or lim.deadline is None or lim.expired:
        return ""
    if lang == "en":
        return f" Limitation runs out on {lim.deadline.isoformat()} ({lim.days_left} days left)."
    return f"（诉讼时效届满日：{lim.deadline.isoformat()}，剩余{lim.days_left}天。）"


def _costs_note(position: LegalPosition, stage: Stage, lang: str) -> list[str]:
    """What going to court costs, from the position's fee calculation (诉讼费用交纳办法)."""
    fees = position.fees
    if fees is None or stage not in (Stage.payment_order, Stage.litigation, Stage.lawyer_letter):
        return []
    small = position.small_claims.eligible is True
    if lang == "en":
        note = (
            f"Court fees on a claim of RMB {fees.claim_amount:,.2f}: payment order RMB {fees.payment_order:,.2f}; "
            f"lawsuit RMB {fees.litigation:,.2f} (RMB {fees.simple_procedure:,.2f} under the simple procedure); "
            f"preservation RMB {fees.preservation:,.2f}. The losing party normally bears them."
        )
        return [note + (" The claim qualifies for the small-claims procedure (one hearing, final)." if small else "")]
    note = (
        f"按请求金额{fees.claim_amount:,.2f}元估算：支付令申请费{fees.payment_order:,.2f}元；案件受理费{fees.litigation:,.2f}元"
        f"（适用简易程序减半为{fees.simple_procedure:,.2f}元）；财产保全申请费{fees.preservation:,.2f}元。诉讼费用一般由败诉方负担。"
    )
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
        monthly=_value(case.debtor_offer_monthly),
        down_payment=_value(case.debtor_offer_down_payment),
        months=None,
        has_guarantor=_value(case.guarantor) is True,
        language=case.language,
    )
