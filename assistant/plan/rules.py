"""The strategy rule file (knowledge/strategy.yaml) as strict models, and the conditions it names.

Rules, step templates and warnings are data; each condition a rule may name is a small predicate
over the case, the assessment and the legal position, defined here so a rule file naming an unknown
condition fails at load time with a RuleError.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pydantic import Field, model_validator

from assistant.intake.debt import flight_risk, is_legal_question, nothing_owed, unlawful_requests
from assistant.models import (
    Assessment,
    Basis,
    Case,
    Category,
    ContactStatus,
    DebtType,
    DraftKind,
    LegalPosition,
    Model,
    Stage,
)
from assistant.settings import KNOWLEDGE_DIR
from assistant.text.datafiles import load_model

__all__ = ["StrategyRules", "load_strategy_rules", "document_basis", "CONDITIONS", "Facts", "holds", "fact_value", "STRATEGY_FILE"]

STRATEGY_FILE = KNOWLEDGE_DIR / "strategy.yaml"


# --------------------------------------------------------------------------- the rule file


class _Bilingual(Model):
    zh: str
    en: str


class _BilingualList(Model):
    zh: list[str]
    en: list[str]


class _BasisRef(Model):
    law: str  # an alias from `laws`
    article: str = Field(pattern=r"^第[零一二三四五六七八九十百千]+条(之[一二三四五六七八九十]+)?$")
    note: str = ""


class _StepTemplate(Model):
    document: DraftKind | None = None
    offset_days: int = Field(ge=0, le=365)
    stage: Stage | None = None
    only_if: list[str] = Field(default_factory=list)
    action: _Bilingual
    channel: _Bilingual
    evidence: _BilingualList
    basis: list[_BasisRef]


class StrategyRule(Model):
    id: str
    when: list[str]
    stage: Stage
    track: list[str] = Field(min_length=1)
    reason: _Bilingual
    basis: list[_BasisRef] = Field(default_factory=list)
    rests_on: _Bilingual | None = None  # else the rule's conditions, read from `condition_facts`
    changes_if: _Bilingual | None = None


class _Terms(Model):
    zh: list[str] = Field(default_factory=list)
    en: list[str] = Field(default_factory=list)


class _AnswerTopic(Model):
    cues: _Terms
    basis: list[_BasisRef] = Field(min_length=1)


class _Refusal(Model):
    zh: str
    en: str
    basis: list[_BasisRef] = Field(min_length=1)


class _Warning(Model):
    when: list[str]
    zh: str
    en: str


class _Thresholds(Model):
    recent_overdue_days: int = Field(ge=1)
    demand_deadline_days: int = Field(ge=1)


class _DebtTypes(Model):
    """Debts that are not loans: their payment articles, documents, evidence and words."""

    loan_only: list[str]
    payment: dict[DebtType, list[_BasisRef]]
    documents: dict[DraftKind, list[_BasisRef]]
    evidence: dict[DebtType, _BilingualList]
    replace: dict[str, dict[str, str]]


class StrategyRules(Model):
    laws: dict[str, str]
    thresholds: _Thresholds
    rules: list[StrategyRule] = Field(min_length=1)
    steps: dict[str, _StepTemplate]
    documents: dict[DraftKind, list[_BasisRef]]
    warnings: list[_Warning]
    answer_topics: list[_AnswerTopic] = Field(default_factory=list)
    refusals: dict[str, _Refusal] = Field(default_factory=dict)
    condition_facts: dict[str, _Bilingual] = Field(default_factory=dict)
    debt_types: _DebtTypes | None = None

    def for_debt(self, basis: list[Basis], debt_type: DebtType | None) -> list[Basis]:
        """A loan's articles as they stand; for another debt its payment articles replace the loan-only ones."""
        payment = self.payment_basis(debt_type)
        if not payment:
            return basis
        assert self.debt_types is not None
        out: list[Basis] = []
        for b in basis:
            if b.law == self.laws["civil_code"] and b.article in self.debt_types.loan_only:
                out += [p for p in payment if p not in out]
            elif b not in out:
                out.append(b)
        return out

    def payment_basis(self, debt_type: DebtType | None) -> list[Basis]:
        """The articles a debt's payment rests on; empty for a loan (or an unknown type or a guarantee)."""
        if self.debt_types is None or debt_type is None:
            return []
        return self.basis(self.debt_types.payment.get(debt_type, []))

    @model_validator(mode="after")
    def _references_resolve(self) -> StrategyRules:
        refs: list[_BasisRef] = [b for r in self.rules for b in r.basis]
        refs += [b for s in self.steps.values() for b in s.basis]
        refs += [b for bs in self.documents.values() for b in bs]
        refs += [b for t in self.answer_topics for b in t.basis] + [b for r in self.refusals.values() for b in r.basis]
        if self.debt_types is not None:
            refs += [b for bs in self.debt_types.payment.values() for b in bs]
            refs += [b for bs in self.debt_types.documents.values() for b in bs]
        for ref in refs:
            if ref.law not in self.laws:
                raise ValueError(f"unknown law alias {ref.law!r}: add it under `laws`")
        conditions = [c for r in self.rules for c in r.when] + [c for s in self.steps.values() for c in s.only_if]
        conditions += [c for w in self.warnings for c in w.when]
        for cond in conditions:
            if cond.removeprefix("not_") not in CONDITIONS:
                raise ValueError(f"unknown condition {cond!r}: known are {sorted(CONDITIONS)}")
        for cond in self.condition_facts:
            if cond not in CONDITIONS:
                raise ValueError(f"condition_facts: unknown condition {cond!r}")
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
    return load_model(path, StrategyRules)


def document_basis(kind: DraftKind, debt_type: DebtType | None = None) -> list[Basis]:
    """The articles a document of this kind may cite: for a debt that is not a loan, its payment articles
    and the general contract articles (knowledge/strategy.yaml `debt_types`); agreements keep their own."""
    rules = load_strategy_rules()
    payment = rules.payment_basis(debt_type)
    if payment and rules.debt_types is not None and kind in rules.debt_types.documents:
        refs = rules.debt_types.documents[kind]
        if not refs:
            return []
        out: list[Basis] = []
        for b in payment + rules.basis(refs):
            if b not in out:
                out.append(b)
        return out
    return rules.basis(rules.documents.get(kind, []))


# --------------------------------------------------------------------------- conditions


@dataclass(frozen=True)
class Facts:
    """What the conditions look at."""

    case: Case
    assessment: Assessment
    position: LegalPosition
    recent_overdue_days: int


def fact_value(fact):  # type: ignore[no-untyped-def]
    return None if fact is None else fact.value


def _demands(f: Facts, channels: set[str] | None = None) -> bool:
    for event in f.case.contacts:
        if event.kind != "demand":
            continue
        if channels is None or (event.channel or "").lower() in channels:
            return True
    return False


def _unreachable(f: Facts) -> bool:
    # 民事诉讼法第九十五条: only a debtor whose whereabouts are unknown cannot be served; a known
    # address wins over unanswered calls or a blocked WeChat
    reachable = fact_value(f.case.reachable)
    if reachable is not None:
        return reachable is False
    return fact_value(f.case.contact_status) == ContactStatus.unreachable


def _evasive(f: Facts) -> bool:
    status = fact_value(f.case.contact_status)
    return status == ContactStatus.evasive or (status == ContactStatus.unreachable and not _unreachable(f))


def _overdue_days(f: Facts) -> int | None:
    due = fact_value(f.case.due_date)
    return None if due is None else (f.case.today - due).days


def _recently_overdue(f: Facts) -> bool:
    days = _overdue_days(f)
    if days is not None:
        return days <= f.recent_overdue_days
    # no agreed due date: the first step is to ask, which fixes a reasonable period (民法典第六百七十五条);
    # but a loan made long ago is no longer "recent" even without one
    lent = fact_value(f.case.loan_date)
    return lent is None or (f.case.today - lent).days <= 2 * f.recent_overdue_days


def _undisputed(f: Facts) -> bool:
    """Said to be undisputed, or the debtor has acknowledged it, promised or paid part (no dispute then)."""
    disputed = fact_value(f.case.disputed)
    if disputed is not None:
        return disputed is False
    return any(e.kind in ("acknowledgement", "promise", "partial_payment") for e in f.case.contacts)


def _payment_order_eligible(f: Facts) -> bool:
    # 民事诉讼法第二百二十五条: no other dispute, and the order can be served on the debtor
    if fact_value(f.case.disputed) is True or _unreachable(f):
        return False
    eligible = f.position.payment_order.eligible
    if eligible is not None:
        return eligible
    # undecided only for want of facts: a matured, definite, acknowledged debt is a fair candidate
    due = fact_value(f.case.due_date)
    return _undisputed(f) and f.case.principal is not None and due is not None and due < f.case.today


def _acknowledged_money_debt(f: Facts) -> bool:
    """A money debt the debtor confirmed in writing, not disputed, a debtor who can be served: the
    conditions of 民事诉讼法第二百二十五条 met on the creditor's own documents."""
    if fact_value(f.case.acknowledged) is not True or fact_value(f.case.disputed) is True or _unreachable(f):
        return False
    return f.position.payment_order.eligible is not False and f.case.principal is not None


def _freshly_due(f: Facts) -> bool:
    """Fell due lately, not yet chased and no sign of evasion: a reminder still comes first."""
    days = _overdue_days(f)
    if days is None or days > f.recent_overdue_days or _demands(f):
        return False
    return not _evasive(f) and f.assessment.category != Category.bad_faith


# what the assessment saw the debtor own or spend: assets a court can preserve (民事诉讼法第一百零三条)
_ASSET_SIGNALS = {"has_assets", "big_purchase", "business_thriving"}


def _has_assets(f: Facts) -> bool:
    said = fact_value(f.case.debtor_has_assets)
    if said is not None:
        return said is True
    return any(s.code in _ASSET_SIGNALS and s.weight > 0 for s in f.assessment.signals)


# the assessment's own signals of assets leaving (民法典第五百三十八条、第五百三十九条)
_FLIGHT_SIGNALS = {"asset_transfer", "undervalue_sale", "sham_divorce"}


def _asset_flight(f: Facts) -> bool:
    """Assets being moved or sold off, or the debtor leaving for good: preserve before warning him."""
    signalled = any(s.code in _FLIGHT_SIGNALS and s.weight < 0 for s in f.assessment.signals)
    return signalled or flight_risk(f.case.narrative)


_WRITTEN = {"letter", "ems", "post", "mail", "courier", "lawyer_letter", "email"}

CONDITIONS: dict[str, Callable[[Facts], bool]] = {
    "debt_unprotected": lambda f: not f.position.protected,
    "limitation_expired": lambda f: f.position.limitation.expired is True,
    "limitation_warning": lambda f: f.position.limitation.warning and f.position.limitation.expired is not True,
    "debtor_unreachable": _unreachable,
    "hardship": lambda f: f.assessment.category == Category.hardship,
    "bad_faith": lambda f: f.assessment.category == Category.bad_faith,
    "unclear": lambda f: f.assessment.category == Category.unclear,
    "has_assets": _has_assets,
    "debtor_evasive": _evasive,
    "acknowledged": lambda f: fact_value(f.case.acknowledged) is True,
    "acknowledged_money_debt": _acknowledged_money_debt,
    "freshly_due": _freshly_due,
    # a question form and no case facts that call for a step of their own (a debtor's offer to negotiate)
    "legal_question": lambda f: is_legal_question(f.case.narrative)
    and f.case.debtor_offer_monthly is None
    and f.case.debtor_offer_down_payment is None,
    "undisputed": _undisputed,
    "asset_flight": _asset_flight,
    "unlawful_request": lambda f: bool(unlawful_requests(f.case.narrative)),
    "nothing_owed": lambda f: nothing_owed(f.case.narrative),
    "said_undisputed": lambda f: fact_value(f.case.disputed) is False,
    "disputed": lambda f: fact_value(f.case.disputed) is True,
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


def holds(conditions: list[str], facts: Facts) -> bool:
    for cond in conditions:
        negated = cond.startswith("not_")
        if CONDITIONS[cond.removeprefix("not_")](facts) == negated:
            return False
    return True
