"""Typed contracts between the pipeline steps.

intake -> assess -> legal position -> retrieve -> plan -> draft -> check.
Every step takes and returns these models; none of them knows about the UI.
Money is Decimal (yuan), rates are Decimal percent per year, dates are `date`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


# --------------------------------------------------------------------------- provenance


class Span(Model):
    """Where in the user's text a fact or a finding came from (character offsets)."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str


class Fact(Model, Generic[T]):
    """A value plus the words it came from. Absent facts are `None`, never guessed."""

    value: T
    source: Span | None = None
    # "rules" (pattern extraction), "llm" (model extraction), "user" (edited in the UI)
    origin: Literal["rules", "llm", "user"] = "rules"


# --------------------------------------------------------------------------- the case


class PartyKind(str, Enum):
    individual = "individual"
    sole_trader = "sole_trader"  # 个体工商户
    company = "company"
    licensed_lender = "licensed_lender"  # bank, 小额贷款公司 etc.: the 4×LPR cap does not apply
    unknown = "unknown"


class Party(Model):
    name: str | None = None
    kind: PartyKind = PartyKind.unknown
    source: Span | None = None


class RatePeriod(str, Enum):
    year = "year"
    month = "month"
    day = "day"


class Rate(Model):
    """An agreed interest rate, normalised to percent per year (simple interest, 360/365 per the text)."""

    annual_percent: Decimal
    stated_period: RatePeriod
    stated_value: Decimal  # the number as stated for that period, in percent
    source: Span | None = None


class EvidenceKind(str, Enum):
    iou = "iou"  # 借条 / 欠条
    contract = "contract"  # 借款合同
    transfer_record = "transfer_record"  # 转账记录 / bank statement
    chat_record = "chat_record"  # 微信/短信聊天记录
    recording = "recording"  # 录音
    witness = "witness"
    receipt = "receipt"  # 收条
    delivery_note = "delivery_note"  # 送货单 / 签收单
    statement_of_account = "statement_of_account"  # 对账单 / 确认函
    invoice = "invoice"  # 发票
    other = "other"


class DebtType(str, Enum):
    """What the money is owed for: the evidence, the letters and the claims follow it."""

    loan = "loan"  # 借款 (民法典第六百六十七条起)
    goods = "goods"  # 货款 (买卖合同, 第五百九十五条起)
    services = "services"  # 服务费、设计费、咨询费
    works = "works"  # 工程款、装修款、加工费 (承揽、建设工程)
    carriage = "carriage"  # 运费
    rent = "rent"  # 租金
    wages = "wages"  # 劳务费 / 工资 owed to the creditor
    guarantee = "guarantee"  # a claim against a guarantor
    other = "other"


class EvidenceItem(Model):
    kind: EvidenceKind
    source: Span | None = None


class ContactStatus(str, Enum):
    reachable = "reachable"
    evasive = "evasive"  # answers rarely, blocks, dodges
    unreachable = "unreachable"  # 失联: whereabouts unknown
    unknown = "unknown"


class ContactEvent(Model):
    """A recorded contact or demand; demands interrupt limitation (民法典第一百九十五条)."""

    when: date | None = None
    channel: str | None = None  # phone, wechat, sms, letter, visit, lawyer_letter
    kind: Literal["demand", "acknowledgement", "partial_payment", "promise", "contact", "lawsuit"] = "contact"
    source: Span | None = None


class RejectedFact(Model):
    """An LLM-offered fact the grounding refused, with why: shown to the user, never used."""

    field: str  # "debtor.name", "disputed", "principal", ...
    value: str
    quote: str | None = None
    reason: str


class Case(Model):
    narrative: str = ""
    language: Literal["zh", "en"] = "zh"
    today: date

    creditor: Party = Field(default_factory=Party)
    debtor: Party = Field(default_factory=Party)

    principal: Fact[Decimal] | None = None
    repaid: Fact[Decimal] | None = None
    rate: Rate | None = None
    interest_deducted_upfront: Fact[Decimal] | None = None  # 砍头息

    loan_date: Fact[date] | None = None
    due_date: Fact[date] | None = None
    last_contact_date: Fact[date] | None = None

    evidence: list[EvidenceItem] = Field(default_factory=list)
    contact_status: Fact[ContactStatus] | None = None
    contacts: list[ContactEvent] = Field(default_factory=list)

    guarantor: Fact[bool] | None = None
    collateral: Fact[bool] | None = None
    debt_type: Fact[DebtType] | None = None  # unknown: treated as a loan only where the words say so
    acknowledged: Fact[bool] | None = None  # the debtor confirmed the debt in writing (对账单, 确认函, 欠条)
    reachable: Fact[bool] | None = None  # False only when the whereabouts are unknown (下落不明), not for unanswered calls
    disputed: Fact[bool] | None = None
    illegal_purpose: Fact[str] | None = None  # e.g. "gambling": 民法典第一百五十三条
    debtor_has_assets: Fact[bool] | None = None
    debtor_offer_monthly: Fact[Decimal] | None = None  # what the debtor says they can pay a month
    debtor_offer_down_payment: Fact[Decimal] | None = None
    province: Fact[str] | None = None
    rejected_llm_facts: list[RejectedFact] = Field(default_factory=list)  # filled by intake.merge_cases

    @property
    def principal_lent(self) -> Decimal | None:
        """The principal actually lent: interest taken out in advance (砍头息) was never lent
        (民间借贷规定第二十六条: the amount actually delivered is the principal)."""
        if self.principal is None:
            return None
        upfront = self.interest_deducted_upfront.value if self.interest_deducted_upfront else Decimal(0)
        return max(self.principal.value - upfront, Decimal(0))

    @property
    def outstanding(self) -> Decimal | None:
        """What is owed in principal: the principal actually lent less what was repaid. The one
        definition that the legal position, the drafts and the checker all use."""
        lent = self.principal_lent
        if lent is None:
            return None
        repaid = self.repaid.value if self.repaid else Decimal(0)
        return max(lent - repaid, Decimal(0))


# --------------------------------------------------------------------------- assessment


class Category(str, Enum):
    hardship = "hardship"
    bad_faith = "bad_faith"
    unclear = "unclear"


class Axis(str, Enum):
    ability = "ability"  # can the debtor pay?  positive = able
    willingness = "willingness"  # will the debtor pay? positive = willing


class Signal(Model):
    code: str
    axis: Axis
    weight: float  # signed contribution to the axis after negation/reporting/time adjustments
    explanation: str
    evidence: Span
    modifiers: list[str] = Field(default_factory=list)  # e.g. "reported", "contradicted", "old"


class MissingFact(Model):
    field: str
    question: str  # in the case's language
    why: str = ""


class Assessment(Model):
    category: Category
    confidence: float = Field(ge=0, le=1)
    ability: float  # net score on the ability axis
    willingness: float  # net score on the willingness axis
    signals: list[Signal] = Field(default_factory=list)
    missing: list[MissingFact] = Field(default_factory=list)
    would_change: list[str] = Field(default_factory=list)  # facts that would flip the verdict
    rationale: str = ""
    decided_by: Literal["rules", "model"] = "rules"  # who settled the category: the signal rules or the learned model
    model_probabilities: dict[str, float] = Field(default_factory=dict)  # the learned model's reading, when it ran


# --------------------------------------------------------------------------- law


class Basis(Model):
    """A pointer to a rule: the official law title and the article in Chinese numerals."""

    law: str  # official title, e.g. 中华人民共和国民法典
    article: str  # e.g. 第六百七十六条, 第二百九十三条之一
    note: str = ""

    def label(self) -> str:
        short = self.law.removeprefix("中华人民共和国")
        # a title inside a title takes the inner marks 〈〉, as Chinese typesetting requires
        return f"《{short.replace('《', '〈').replace('》', '〉')}》{self.article}"


class Citation(Model):
    """A retrieved unit of law with its text, ready to quote."""

    law: str
    article: str
    text: str
    version: str = ""  # e.g. "2023修正"
    effective_date: date | None = None
    status: Literal["current", "repealed", "amended"] = "current"
    source: Literal["statute_db", "knowledge"] = "statute_db"  # knowledge = our own words
    secondary: bool = False  # regulatory rule known only through secondary sources
    gloss: str = ""
    topics: list[str] = Field(default_factory=list)
    score: float = 0.0

    def label(self) -> str:
        return Basis(law=self.law, article=self.article).label()


class CitationStatus(str, Enum):
    valid = "valid"
    repealed = "repealed"
    renumbered = "renumbered"
    nonexistent = "nonexistent"
    unknown_law = "unknown_law"


class CitationCheck(Model):
    """The verdict of the citation verifier on one citation found in a text."""

    span: Span
    law: str  # official title as resolved, or the name as written when unresolved
    article: str  # as normalised (第X条)
    status: CitationStatus
    successor: Basis | None = None  # for repealed or renumbered citations
    message: str = ""


# --------------------------------------------------------------------------- legal position


class InterestPosition(Model):
    lpr_one_year: Decimal  # percent
    lpr_effective: date  # the LPR publication used
    lpr_table_current_to: date  # newest row of the table
    cap_percent: Decimal  # 4 × LPR, percent a year (民间借贷规定第二十五条)
    cap_applies: bool  # False for licensed lenders
    agreed_percent: Decimal | None
    protected_percent: Decimal | None  # min(agreed, cap) or the statutory default
    above_cap: bool
    protected_interest_to_date: Decimal | None = None
    unprotected_interest_to_date: Decimal | None = None
    explanation: str
    basis: list[Basis]


class LimitationPosition(Model):
    starts: date | None
    deadline: date | None
    days_left: int | None
    expired: bool | None
    warning: bool  # fewer than 90 days left
    interruptions: list[str] = Field(default_factory=list)
    explanation: str
    basis: list[Basis]


class Eligibility(Model):
    eligible: bool | None  # None = cannot tell yet
    reasons: list[str] = Field(default_factory=list)
    basis: list[Basis] = Field(default_factory=list)


class CourtFees(Model):
    claim_amount: Decimal
    litigation: Decimal  # 诉讼费用交纳办法第十三条
    simple_procedure: Decimal  # halved, 第十六条
    payment_order: Decimal  # one third, 第十四条
    preservation: Decimal  # 第十四条
    basis: list[Basis]


class LegalPosition(Model):
    outstanding: Decimal | None
    protected: bool  # False when the debt itself is not protected (gambling etc.)
    unprotected_reason: str = ""
    interest: InterestPosition | None = None
    limitation: LimitationPosition
    payment_order: Eligibility
    small_claims: Eligibility
    fees: CourtFees | None = None
    notes: list[str] = Field(default_factory=list)


# --------------------------------------------------------------------------- legality


class ViolationCode(str, Enum):
    THREAT_VIOLENCE = "THREAT_VIOLENCE"
    THREAT_FALSE_CRIMINAL = "THREAT_FALSE_CRIMINAL"
    IMPERSONATE_AUTHORITY = "IMPERSONATE_AUTHORITY"
    THIRD_PARTY_DISCLOSURE = "THIRD_PARTY_DISCLOSURE"
    INSULT = "INSULT"
    HARASSMENT = "HARASSMENT"
    DETENTION = "DETENTION"
    FALSE_CONSEQUENCE = "FALSE_CONSEQUENCE"
    EXCESSIVE_AMOUNT = "EXCESSIVE_AMOUNT"
    ILLEGAL_DEBT = "ILLEGAL_DEBT"
    PRIVACY = "PRIVACY"
    CITATION_INVALID = "CITATION_INVALID"
    CONTACT_TIME = "CONTACT_TIME"


class Severity(str, Enum):
    critical = "critical"  # criminal exposure: refuse
    high = "high"
    medium = "medium"
    warning = "warning"  # lawful but worth a second look (vague "further measures", 21:00-22:00): shown, never blocks


class Violation(Model):
    code: ViolationCode
    span: tuple[int, int]
    matched: str
    explanation: str
    basis: list[Basis]
    fix: str
    severity: Severity = Severity.high
    rule: str = ""  # pattern or structural check that fired


class LegalityReport(Model):
    legal: bool  # no violation; warnings do not block
    violations: list[Violation] = Field(default_factory=list)
    warnings: list[Violation] = Field(default_factory=list)  # second tier: shown with their reason
    checked_chars: int = 0

    def codes(self) -> set[str]:
        return {v.code.value for v in self.violations}


# --------------------------------------------------------------------------- strategy and drafts


class Stage(str, Enum):
    reminder = "reminder"
    formal_notice = "formal_notice"
    lawyer_letter = "lawyer_letter"
    negotiation = "negotiation"
    payment_order = "payment_order"
    litigation = "litigation"
    decline = "decline"
    answer = "answer"  # the message asks a legal question: answered with the articles, no collection ladder


class PlanStep(Model):
    when: date
    stage: Stage
    action: str
    channel: str = ""
    evidence_to_keep: list[str] = Field(default_factory=list)
    basis: list[Basis] = Field(default_factory=list)


class Instalment(Model):
    due: date
    amount: Decimal


class NegotiationPlan(Model):
    total: Decimal
    down_payment: Decimal
    instalments: list[Instalment]
    concessions: list[str] = Field(default_factory=list)
    acceleration_clause: str = ""
    guarantor_suggested: bool = False
    notes: list[str] = Field(default_factory=list)


class Tone(str, Enum):
    gentle = "gentle"
    firm = "firm"
    formal = "formal"


class DraftKind(str, Enum):
    sms_reminder = "sms_reminder"  # SMS / WeChat
    email = "email"
    demand_letter = "demand_letter"  # 催款函
    lawyer_letter = "lawyer_letter"  # 律师函
    repayment_agreement = "repayment_agreement"  # 还款协议
    instalment_agreement = "instalment_agreement"  # 分期还款协议
    payment_order_application = "payment_order_application"  # 支付令申请书
    complaint = "complaint"  # 民事起诉状


class Draft(Model):
    """An unchecked draft, as drafting renders it; the checker turns it into a CheckedDraft."""

    kind: DraftKind
    language: Literal["zh", "en"] = "zh"
    tone: Tone
    title: str
    text: str
    blanks: list[str] = Field(default_factory=list)  # fields left as marked blanks
    origin: Literal["template", "llm"] = "template"


class CheckedDraft(Model):
    """A draft together with the legality report computed on exactly its text.

    Plain data: only `assistant.checker.certify` makes one (check, rewrite or withhold), so a
    CheckedDraft in the flow always carries the verdict on its own text.
    """

    kind: DraftKind
    language: Literal["zh", "en"] = "zh"
    tone: Tone
    title: str
    text: str
    blanks: list[str] = Field(default_factory=list)
    origin: Literal["template", "llm"] = "template"
    report: LegalityReport



class Advice(Model):
    case: Case
    assessment: Assessment
    position: LegalPosition
    stage: Stage
    stage_reason: str = ""
    plan: list[PlanStep]
    negotiation: NegotiationPlan | None = None
    citations: list[Citation]
    drafts: list[CheckedDraft]
    warnings: list[str] = Field(default_factory=list)
