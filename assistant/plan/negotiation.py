"""Instalment plans: a down payment, then monthly amounts that add up exactly to the total.

Computed from what the debtor says they can pay; otherwise the default is 30% down and the rest
over six months. A signed instalment agreement is the debtor's agreement to perform, which
interrupts limitation (民法典第一百九十五条; 诉讼时效规定第十四条 lists 分期履行 among such acts).
"""

from __future__ import annotations

import calendar
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Literal

from assistant.errors import InputError
from assistant.models import Instalment, NegotiationPlan

__all__ = ["instalment_plan", "add_months", "DEFAULT_DOWN_SHARE", "DEFAULT_MONTHS"]

DEFAULT_DOWN_SHARE = Decimal("0.30")
DEFAULT_MONTHS = 6
MAX_MONTHS = 120  # beyond ten years a plan is no plan: counter-offer instead
LONG_PLAN_MONTHS = 24
CENT = Decimal("0.01")


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def instalment_plan(
    total: Decimal,
    today: date,
    *,
    monthly: Decimal | None = None,
    down_payment: Decimal | None = None,
    months: int | None = None,
    has_guarantor: bool = False,
    language: Literal["zh", "en"] = "zh",
) -> NegotiationPlan:
    """Split `total` into a down payment due today and monthly instalments starting a month later.

    The debtor's own offer wins: `down_payment` if stated, and `monthly` sets the number of months
    (with a monthly offer but no down payment, the first monthly sum is paid at signing, capped at 30%).
    Without an offer: 30% down and the rest in `months` (default six) equal parts. The last
    instalment absorbs rounding, so down payment + instalments == total exactly.
    """
    total = Decimal(total)
    if total <= 0:
        raise InputError("分期总额必须大于零 / the total must be positive")
    if monthly is not None and Decimal(monthly) <= 0:
        raise InputError("每月还款额必须大于零 / the monthly amount must be positive")
    if months is not None and not 1 <= months <= MAX_MONTHS:
        raise InputError(f"期数必须在 1 到 {MAX_MONTHS} 之间 / months must be between 1 and {MAX_MONTHS}")

    if down_payment is None:
        down = (total * DEFAULT_DOWN_SHARE).quantize(CENT, rounding=ROUND_HALF_UP)
        if monthly is not None:
            # a debtor who can only offer a monthly sum is asked for one such sum at signing, not 30%
            down = min(down, Decimal(monthly))
    else:
        down = Decimal(down_payment)
        if down < 0 or down > total:
            raise InputError("首付款必须在 0 与总额之间 / the down payment must be between 0 and the total")
    rest = total - down

    amounts = _split(rest, Decimal(monthly) if monthly is not None else None, months or DEFAULT_MONTHS)
    instalments = [Instalment(due=add_months(today, i), amount=a) for i, a in enumerate(amounts, start=1)]
    return NegotiationPlan(
        total=total,
        down_payment=down,
        instalments=instalments,
        concessions=_concessions(language),
        acceleration_clause=_acceleration(language),
        guarantor_suggested=not has_guarantor,
        notes=_notes(language, down, today, len(instalments)),
    )


def _split(rest: Decimal, monthly: Decimal | None, months: int) -> list[Decimal]:
    if rest <= 0:
        return []
    if monthly is not None:
        count = int((rest / monthly).to_integral_value(rounding="ROUND_CEILING"))
        if count > MAX_MONTHS:
            raise InputError(
                f"按每月 {monthly} 元需要 {count} 期，超过 {MAX_MONTHS} 期，请协商更高的月付额 / "
                f"{count} months at {monthly} a month exceeds {MAX_MONTHS}: negotiate a higher amount"
            )
        each = monthly
    else:
        count = months
        each = (rest / months).quantize(CENT, rounding=ROUND_DOWN)
    amounts = [each] * (count - 1)
    amounts.append(rest - each * (count - 1))  # the last one absorbs rounding
    return amounts


def _concessions(language: str) -> list[str]:
    # Order matters: give up penalty and overdue interest before touching principal.
    if language == "en":
        return [
            "If the plan is kept, the creditor may waive the contractual penalty (违约金).",
            "Next, the creditor may waive overdue interest accrued before the agreement.",
            "Principal is reduced only with the creditor's express written consent.",
        ]
    return [
        "按期履行的，可免除违约金。",
        "如仍需让步，可减免协议签订前产生的逾期利息。",
        "本金减免须经债权人本人明确书面同意。",
    ]


def _acceleration(language: str) -> str:
    if language == "en":
        return (
            "If any instalment is more than 15 days late, the whole unpaid balance falls due at once "
            "and the creditor may claim it together with the waived interest and penalty."
        )
    return "任何一期逾期超过十五日未付的，剩余全部款项立即到期，债权人有权一并主张已减免的利息和违约金。"


def _notes(language: str, down: Decimal, today: date, count: int) -> list[str]:
    if language == "en":
        notes = [
            f"Down payment RMB {down:,.2f} is due on signing ({today.isoformat()}); {count} monthly instalments follow.",
            "A written, signed instalment agreement is the debtor's agreement to perform: it interrupts limitation, "
            "which starts again (Civil Code art. 195).",
            "Where possible, add a guarantor who signs the agreement as joint and several guarantor.",
        ]
        if count > LONG_PLAN_MONTHS:
            notes.append(f"The offer implies {count} months; consider a counter-offer or security.")
        return notes
    notes = [
        f"首付款 {down:,.2f} 元于签订协议当日（{today.isoformat()}）支付，其后按月分 {count} 期支付。",
        "双方签字的书面分期还款协议属于债务人同意履行义务，诉讼时效中断并重新计算（民法典第一百九十五条）。",
        "尽可能增加保证人在协议上签字，承担连带保证责任。",
    ]
    if count > LONG_PLAN_MONTHS:
        notes.append(f"按债务人提出的金额需要 {count} 期，期限较长，可提出更高月付额或要求提供担保。")
    return notes
