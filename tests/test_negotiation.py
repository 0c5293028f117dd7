"""instalment_plan: exact sums, monthly dates, the debtor's offer respected."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.errors import InputError
from assistant.plan.negotiation import add_months, instalment_plan

TODAY = date(2026, 11, 28)


def paid(plan) -> Decimal:
    return plan.down_payment + sum(i.amount for i in plan.instalments)


@pytest.mark.parametrize(
    "total,monthly,down,months",
    [
        ("50000", None, None, None),
        ("10000", None, None, 7),
        ("33333.33", None, None, None),
        ("100000", "5000", "20000", None),
        ("12345.67", "1000", None, None),
        ("8000", None, "8000", None),
        ("1", None, None, 6),
    ],
)
def test_amounts_add_up_exactly_to_the_total(total, monthly, down, months):
    plan = instalment_plan(
        Decimal(total), TODAY, monthly=Decimal(monthly) if monthly else None,
        down_payment=Decimal(down) if down else None, months=months,
    )
    assert paid(plan) == Decimal(total)
    assert all(i.amount > 0 for i in plan.instalments)


@given(
    total=st.decimals(min_value=Decimal("1"), max_value=Decimal("10000000"), places=2),
    months=st.integers(min_value=1, max_value=36),
)
@settings(max_examples=60, deadline=None)
def test_any_total_and_term_sums_exactly(total, months):
    plan = instalment_plan(total, TODAY, months=months)
    assert paid(plan) == total
    assert len(plan.instalments) == months


def test_default_is_30_percent_down_and_six_monthly_instalments():
    plan = instalment_plan(Decimal("50000"), TODAY)
    assert plan.down_payment == Decimal("15000.00")
    assert len(plan.instalments) == 6
    assert [i.amount for i in plan.instalments[:-1]] == [Decimal("5833.33")] * 5
    assert plan.instalments[-1].amount == Decimal("5833.35")  # the last absorbs rounding


def test_dates_are_monthly_from_today():
    plan = instalment_plan(Decimal("60000"), TODAY)
    assert [i.due for i in plan.instalments] == [
        date(2026, 12, 28), date(2027, 1, 28), date(2027, 2, 28), date(2027, 3, 28), date(2027, 4, 28), date(2027, 5, 28)
    ]


def test_month_end_dates_clamp_without_drifting():
    plan = instalment_plan(Decimal("6000"), date(2027, 1, 31), months=4)
    assert [i.due for i in plan.instalments] == [date(2027, 2, 28), date(2027, 3, 31), date(2027, 4, 30), date(2027, 5, 31)]


def test_the_debtors_monthly_offer_sets_the_term():
    plan = instalment_plan(Decimal("50000"), TODAY, monthly=Decimal("3000"), down_payment=Decimal("5000"))
    assert plan.down_payment == Decimal("5000")
    assert [i.amount for i in plan.instalments[:-1]] == [Decimal("3000")] * 14
    assert plan.instalments[-1].amount == Decimal("3000")
    assert len(plan.instalments) == 15


def test_a_monthly_offer_without_down_payment_asks_one_month_at_signing():
    plan = instalment_plan(Decimal("60000"), TODAY, monthly=Decimal("3000"))
    assert plan.down_payment == Decimal("3000")
    assert len(plan.instalments) == 19 and plan.instalments[-1].amount == Decimal("3000")


def test_a_long_offer_is_flagged_for_a_counter_offer():
    plan = instalment_plan(Decimal("100000"), TODAY, monthly=Decimal("2000"), down_payment=Decimal("0"))
    assert len(plan.instalments) == 50
    assert any("期限较长" in n for n in plan.notes)


def test_concessions_give_up_penalty_and_interest_before_principal():
    plan = instalment_plan(Decimal("50000"), TODAY)
    assert "违约金" in plan.concessions[0]
    assert "利息" in plan.concessions[1]
    assert "本金" in plan.concessions[-1] and "同意" in plan.concessions[-1]


def test_acceleration_clause_guarantor_and_limitation_note():
    plan = instalment_plan(Decimal("50000"), TODAY)
    assert "立即到期" in plan.acceleration_clause
    assert plan.guarantor_suggested is True
    assert any("第一百九十五条" in n for n in plan.notes)
    assert instalment_plan(Decimal("50000"), TODAY, has_guarantor=True).guarantor_suggested is False


def test_english_notes():
    plan = instalment_plan(Decimal("50000"), TODAY, language="en")
    assert "falls due" in plan.acceleration_clause and any("art. 195" in n for n in plan.notes)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"total": Decimal("0")},
        {"total": Decimal("1000"), "monthly": Decimal("0")},
        {"total": Decimal("1000"), "down_payment": Decimal("2000")},
        {"total": Decimal("1000"), "months": 0},
        {"total": Decimal("1000000"), "monthly": Decimal("1")},
    ],
)
def test_impossible_plans_are_refused_with_a_clear_error(kwargs):
    total = kwargs.pop("total")
    with pytest.raises(InputError):
        instalment_plan(total, TODAY, **kwargs)


def test_add_months_handles_year_end_and_leap_years():
    assert add_months(date(2027, 12, 15), 1) == date(2028, 1, 15)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
