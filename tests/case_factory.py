"""One hand-built case for the planner, drafting and .docx specifications: a private loan of
¥50,000 from 李明 to 王强, an IOU, a reachable and undisputed debtor. Tests override what they vary."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from assistant.models import Assessment, Case, Category, ContactStatus, EvidenceItem, EvidenceKind, Fact, Party

TODAY = date(2026, 11, 28)


def make_case(**overrides: Any) -> Case:
    base: dict[str, Any] = dict(
        today=TODAY,
        creditor=Party(name="李明"),
        debtor=Party(name="王强"),
        principal=Fact[Decimal](value=Decimal("50000")),
        loan_date=Fact[date](value=date(2025, 3, 1)),
        due_date=Fact[date](value=date(2025, 9, 1)),
        evidence=[EvidenceItem(kind=EvidenceKind.iou)],
        contact_status=Fact[ContactStatus](value=ContactStatus.reachable),
        disputed=Fact[bool](value=False),
    )
    base.update(overrides)
    return Case(**base)


def make_assessment(category: str = "unclear") -> Assessment:
    return Assessment(category=Category(category), confidence=0.7, ability=0.0, willingness=0.0)
