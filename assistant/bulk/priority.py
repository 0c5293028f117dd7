"""The priority of an account in a portfolio: points that add up, each part shown with its reason.

Weights live in knowledge/bulk/priority.yaml. Accounts whose limitation period ends within `urgent_days`
sort first whatever their points (民法典第一百八十八条: after three years the debtor may refuse to pay;
a demand before the deadline interrupts it, 第一百九十五条).
"""

from __future__ import annotations

import math
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from pydantic import Field

from assistant.errors import KnowledgeError
from assistant.models import Category, LegalPosition, Model, Stage
from assistant.settings import KNOWLEDGE_DIR
from assistant.text.datafiles import load_model

__all__ = ["Priority", "PriorityPart", "PriorityWeights", "load_weights", "priority", "recoverable", "route_fee"]

WEIGHTS_FILE = KNOWLEDGE_DIR / "bulk" / "priority.yaml"


class AmountWeights(Model):
    points: float
    full_at: float = Field(gt=1)


class LimitationWeights(Model):
    points: float
    horizon_days: int = Field(gt=0)
    expired_points: float = 0


class CostWeights(Model):
    points: float
    full_share: float = Field(gt=0)


class PriorityWeights(Model):
    urgent_days: int = Field(ge=0)
    amount: AmountWeights
    limitation: LimitationWeights
    category: dict[Category, float]
    cost: CostWeights


class PriorityPart(Model):
    part: str  # amount, limitation, category, cost
    points: float
    reason: str


class Priority(Model):
    score: float
    urgent: bool  # limitation ends within urgent_days: first in the queue
    parts: list[PriorityPart]

    def sort_key(self) -> tuple[int, float]:
        return (0 if self.urgent else 1, -self.score)


@lru_cache(maxsize=4)
def load_weights(path: Path = WEIGHTS_FILE) -> PriorityWeights:
    return load_model(path, PriorityWeights, error=KnowledgeError)


def recoverable(position: LegalPosition) -> Decimal:
    """Principal outstanding plus the interest the law protects to date (never the part above the cap)."""
    interest = position.interest.protected_interest_to_date if position.interest else None
    if not position.protected:
        return Decimal(0)
    return (position.outstanding or Decimal(0)) + (interest or Decimal(0))


def route_fee(position: LegalPosition, stage: Stage) -> Decimal:
    """The court fee the recommended route costs up front (letters and talks cost none)."""
    fees = position.fees
    if fees is None:
        return Decimal(0)
    if stage == Stage.payment_order:
        return fees.payment_order
    if stage == Stage.litigation:
        return fees.litigation
    return Decimal(0)


def priority(position: LegalPosition, category: Category, stage: Stage, weights: PriorityWeights | None = None) -> Priority:
    w = weights or load_weights()
    amount = recoverable(position)
    amount_share = min(1.0, math.log10(float(amount) + 1) / math.log10(w.amount.full_at)) if amount > 0 else 0.0
    parts = [PriorityPart(part="amount", points=round(w.amount.points * amount_share, 2),
                          reason=f"可回收 / recoverable {amount:.2f} 元")]

    limitation = position.limitation
    days = limitation.days_left
    if limitation.expired:
        parts.append(PriorityPart(part="limitation", points=w.limitation.expired_points, reason="诉讼时效已届满 / limitation expired"))
    elif days is None:
        parts.append(PriorityPart(part="limitation", points=0.0, reason="时效届满日未知 / deadline unknown"))
    else:
        share = max(0.0, 1 - days / w.limitation.horizon_days)
        parts.append(PriorityPart(part="limitation", points=round(w.limitation.points * share, 2),
                                  reason=f"距时效届满 {days} 天 / {days} days left"))

    parts.append(PriorityPart(part="category", points=w.category.get(category, 0.0), reason=f"债务人类型 / debtor: {category.value}"))

    fee = route_fee(position, stage)
    share = min(1.0, float(fee / amount) / w.cost.full_share) if amount > 0 and fee > 0 else 0.0
    parts.append(PriorityPart(part="cost", points=round(w.cost.points * share, 2),
                              reason=f"{stage.value} 诉讼费用 / court fees {fee:.2f} 元"))

    urgent = bool(days is not None and not limitation.expired and days <= w.urgent_days)
    return Priority(score=round(sum(p.points for p in parts), 2), urgent=urgent, parts=parts)
