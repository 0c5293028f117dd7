"""Step 3, legal position: interest cap, limitation, payment order, small claims and court fees, in code."""

from assistant.position.calculate import (
    court_fees,
    interest_position,
    legal_position,
    limitation_position,
    lpr_at,
    payment_order_eligibility,
    small_claims_eligibility,
)

__all__ = [
    "court_fees",
    "interest_position",
    "legal_position",
    "limitation_position",
    "lpr_at",
    "payment_order_eligibility",
    "small_claims_eligibility",
]
