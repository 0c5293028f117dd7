"""Competent court as code: defendant's domicile, place of performance for money claims, agreed clauses, missing facts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from assistant.intake import extract_case
from assistant.models import DebtType, Fact
from assistant.position.jurisdiction import JurisdictionFacts, competent_courts

TODAY = date(2026, 12, 6)


def _case(text: str, debt_type: DebtType | None = None):
    case = extract_case(text, today=TODAY)
    if debt_type is not None:
        case = case.model_copy(update={"debt_type": Fact[DebtType](value=debt_type, origin="user")})
    return case


def test_defendant_domicile_court_under_articles_22_and_24():
    j = competent_courts(_case("我借给王五5万元，他住在成都市武侯区，一直不还。"))
    court = j.courts[0]
    assert court.court == "成都市武侯区人民法院"
    assert {b.article for b in court.basis} == {"第二十二条", "第二十四条"}


def test_place_of_performance_for_money_is_the_receiving_party():
    j = competent_courts(_case("我借给王五5万元，他住在成都市武侯区，我住在重庆市渝中区。"))
    performance = j.courts[1]
    assert performance.court == "重庆市渝中区人民法院"
    assert "接收货币一方" in performance.ground
    assert any(b.article == "第十八条" for b in performance.basis)
    assert any(b.article == "第三条" for b in performance.basis)  # 民间借贷规定 for a loan


def test_sale_of_goods_does_not_cite_the_lending_rules():
    j = competent_courts(_case("我公司给对方供货，货款10万元，对方公司位于长沙市岳麓区。", DebtType.goods))
    assert not any("民间借贷" in b.law for c in j.courts for b in c.basis)


def test_agreed_court_clause_decides_under_article_35():
    j = competent_courts(_case("借条上约定由北京市朝阳区人民法院管辖，他住在成都市武侯区，借了5万元。"))
    assert [c.court for c in j.courts] == ["北京市朝阳区人民法院"]
    assert j.courts[0].basis[0].article == "第三十五条"


def test_arbitration_agreement_sends_the_claim_to_arbitration():
    j = competent_courts(_case("合同约定争议提交上海仲裁委员会仲裁，货款10万元。", DebtType.goods))
    assert j.arbitration and not j.decided and not j.courts


def test_missing_domicile_becomes_the_question_not_a_guess():
    j = competent_courts(_case("朋友借了我5万元不还。"))
    assert "【待补充" in j.courts[0].court
    assert any("被告的住所地" in q for q in j.questions)


def test_level_is_basic_court_below_the_intermediate_threshold_and_a_question_above():
    case = _case("他住在成都市武侯区，借了我5万元。")
    assert competent_courts(case).level.startswith("基层人民法院")
    big = competent_courts(case, JurisdictionFacts(defendant_domicile="成都市武侯区", claim_amount=Decimal("200000000")))
    assert "中级人民法院" in big.level and any("省份" in q for q in big.questions)
