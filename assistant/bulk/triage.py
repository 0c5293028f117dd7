"""Triage of one account: the same steps as a single case, from the spreadsheet's columns plus its notes.

intake (the notes read like a narrative; the columns win on every figure they state) → assessment →
legal position → stage → priority, and the stage's documents, each through the checker: a document
that fails is listed with its codes and never shipped.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from pydantic import Field

from assistant.assess import classify
from assistant.bulk.portfolio import AccountRow
from assistant.bulk.priority import Priority, priority, recoverable, route_fee
from assistant.checker import certify
from assistant.drafting import KINDS_BY_STAGE, draft_to_docx, render_draft
from assistant.errors import AssistantError, DraftWithheld
from assistant.intake import extract_case
from assistant.models import (
    Case,
    ContactEvent,
    ContactStatus,
    EvidenceItem,
    Fact,
    Model,
    Party,
    PartyKind,
    Rate,
    RatePeriod,
    Stage,
)
from assistant.plan import plan_strategy
from assistant.position import legal_position

__all__ = ["AccountResult", "DocumentOutcome", "case_from_row", "document_file_name", "triage_account"]


class DocumentOutcome(Model):
    kind: str
    title: str = ""
    shipped: bool
    file: str = ""  # the .docx name inside the zip, when shipped
    codes: list[str] = Field(default_factory=list)  # why the checker withheld it


class AccountResult(Model):
    row: int
    account: str
    debtor: str = ""
    category: str
    confidence: float
    stage: Stage
    stage_reason: str = ""
    outstanding: Decimal | None
    recoverable: Decimal
    protected: bool
    limitation_deadline: date | None
    days_left: int | None
    expired: bool | None
    payment_order_eligible: bool | None
    route_fee: Decimal
    priority: Priority
    documents: list[DocumentOutcome] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)


def _user(value):  # type: ignore[no-untyped-def]
    """A fact the lender's spreadsheet states: it wins over anything read from the notes."""
    return Fact(value=value, origin="user")


def case_from_row(row: AccountRow, today: date) -> Case:
    notes = row.notes or ""
    case = extract_case(notes, today=today) if notes else Case(narrative="", today=today)
    debtor_kind = row.debtor_kind if row.debtor_kind != PartyKind.unknown else case.debtor.kind
    creditor_kind = row.creditor_kind if row.creditor_kind != PartyKind.unknown else case.creditor.kind
    updates: dict = {
        "debtor": Party(name=row.debtor or case.debtor.name, kind=debtor_kind),
        "creditor": Party(name=row.creditor or case.creditor.name, kind=creditor_kind),
        "principal": _user(row.principal),
        "due_date": _user(row.due_date),
    }
    if row.rate_percent is not None:
        updates["rate"] = Rate(annual_percent=row.rate_percent, stated_period=RatePeriod.year, stated_value=row.rate_percent)
    if row.loan_date is not None:
        updates["loan_date"] = _user(row.loan_date)
    if row.repaid is not None:
        updates["repaid"] = _user(row.repaid)
    if row.last_contact_date is not None:
        updates["last_contact_date"] = _user(row.last_contact_date)
        # a recorded collection contact is a demand, which interrupts limitation (民法典第一百九十五条)
        updates["contacts"] = [*case.contacts, ContactEvent(when=row.last_contact_date, kind="demand")]
    if row.contact_status is not None and row.contact_status != ContactStatus.unknown:
        updates["contact_status"] = _user(row.contact_status)
    if row.evidence:
        known = {e.kind for e in case.evidence}
        updates["evidence"] = [*case.evidence, *(EvidenceItem(kind=k) for k in row.evidence if k not in known)]
    if row.disputed is not None:
        updates["disputed"] = _user(row.disputed)
    if row.province:
        updates["province"] = _user(row.province)
    return case.model_copy(update=updates)


_UNSAFE = re.compile(r"[^\w.-]+")


def document_file_name(account: str, kind: str) -> str:
    return f"{_UNSAFE.sub('_', account)}_{kind}.docx"


def triage_account(row: AccountRow, today: date, *, documents: bool = True) -> tuple[AccountResult, dict[str, bytes]]:
    """The account's triage and, when asked, its checked documents as .docx bytes by file name."""
    case = case_from_row(row, today)
    assessment = classify(case)
    position = legal_position(case)
    strategy = plan_strategy(case, assessment, position)
    outcomes: list[DocumentOutcome] = []
    files: dict[str, bytes] = {}
    if documents and position.protected:
        for kind in KINDS_BY_STAGE[strategy.stage]:
            try:
                checked = certify(render_draft(kind, case, assessment, position, strategy, language=case.language), case)
            except DraftWithheld as exc:
                outcomes.append(DocumentOutcome(kind=kind.value, shipped=False, codes=exc.codes))
                continue
            except AssistantError as exc:
                outcomes.append(DocumentOutcome(kind=kind.value, shipped=False, codes=[type(exc).__name__]))
                continue
            name = document_file_name(row.account, kind.value)
            files[name] = draft_to_docx(checked, case)
            outcomes.append(DocumentOutcome(kind=kind.value, title=checked.title, shipped=True, file=name))
    limitation = position.limitation
    result = AccountResult(
        row=row.row,
        account=row.account,
        debtor=case.debtor.name or "",
        category=assessment.category.value,
        confidence=assessment.confidence,
        stage=strategy.stage,
        stage_reason=strategy.reason,
        outstanding=position.outstanding,
        recoverable=recoverable(position),
        protected=position.protected,
        limitation_deadline=limitation.deadline,
        days_left=limitation.days_left,
        expired=limitation.expired,
        payment_order_eligible=position.payment_order.eligible,
        route_fee=route_fee(position, strategy.stage),
        priority=priority(position, assessment.category, strategy.stage),
        documents=outcomes,
        warnings=strategy.warnings,
    )
    return result, files
