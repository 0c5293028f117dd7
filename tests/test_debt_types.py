"""Trade debts are not loans: the drafts, articles, evidence, questions and due dates follow Case.debt_type."""

from __future__ import annotations

import re
from datetime import date

import pytest
from case_factory import make_assessment, make_case

from assistant.checker import certify, check
from assistant.drafting.documents import draft_documents, render_draft
from assistant.intake import extract_case, missing_facts
from assistant.law.statutes import get_article
from assistant.models import DebtType, DraftKind, EvidenceItem, EvidenceKind, Fact
from assistant.plan.rules import load_strategy_rules
from assistant.plan.strategy import plan_strategy
from assistant.position.calculate import legal_position

TODAY = date(2026, 12, 6)
SALE_ARTICLES = {"第五百九十五条", "第六百二十六条", "第六百二十八条"}
LOAN_ARTICLES = {"第六百六十七条", "第六百七十五条", "第六百七十六条"}


def trade_case(debt_type: str = "goods", **kw):
    return make_case(debt_type=Fact[DebtType](value=DebtType(debt_type)),
                     evidence=[EvidenceItem(kind=EvidenceKind.statement_of_account)], **kw)


def draft(kind: DraftKind, case, category: str = "bad_faith"):
    a = make_assessment(category)
    position = legal_position(case)
    return certify(render_draft(kind, case, a, position, plan_strategy(case, a, position)), case)


def cited(text: str) -> set[str]:
    return set(re.findall(r"第[零一二三四五六七八九十百千]+条", text))


def test_a_goods_sms_asks_for_the_price_of_the_goods_not_a_loan():
    sms = draft(DraftKind.sms_reminder, trade_case())
    assert "货款" in sms.text and "采购货物" in sms.text
    assert "借款" not in sms.text and "借" not in sms.title


@pytest.mark.parametrize("kind", [DraftKind.demand_letter, DraftKind.lawyer_letter, DraftKind.complaint])
def test_a_goods_letter_or_complaint_says_货款_and_cites_the_sale_contract_articles(kind):
    doc = draft(kind, trade_case())
    assert "货款" in doc.text and "借款" not in doc.text
    assert SALE_ARTICLES <= cited(doc.text) and not cited(doc.text) & LOAN_ARTICLES


def test_a_rent_demand_letter_asks_for_rent_under_the_lease_articles():
    letter = draft(DraftKind.demand_letter, trade_case("rent"))
    assert "租金" in letter.text and "借款" not in letter.text
    assert {"第七百零三条", "第七百二十一条", "第七百二十二条"} <= cited(letter.text)


def test_a_loan_letter_keeps_the_loan_words_and_articles():
    letter = draft(DraftKind.demand_letter, make_case())
    assert "向本人借款" in letter.text and "第六百七十五条" in cited(letter.text)


@pytest.mark.parametrize("debt_type", [t.value for t in DebtType])
@pytest.mark.parametrize("kind", list(DraftKind))
def test_every_draft_of_every_debt_type_passes_the_checker(debt_type, kind):
    assert draft(kind, trade_case(debt_type)).report.legal


def test_every_article_a_trade_debt_cites_is_in_the_statute_database():
    types = load_strategy_rules().debt_types
    rules = load_strategy_rules()
    refs = [b for bs in types.payment.values() for b in bs] + [b for bs in types.documents.values() for b in bs]
    for ref in refs:
        assert get_article(rules.laws[ref.law], ref.article) is not None, ref


def test_the_evidence_checklist_for_goods_names_orders_delivery_notes_statements_and_invoices():
    case = trade_case()
    a = make_assessment()
    first = plan_strategy(case, a, legal_position(case)).steps[0]
    kept = "、".join(first.evidence_to_keep)
    assert all(word in kept for word in ("买卖合同", "送货单", "对账单", "发票", "催款记录"))
    assert "借条" not in kept and "借条" not in first.action


def test_a_goods_creditor_is_asked_for_delivery_notes_not_an_iou():
    case = extract_case("客户欠我们货款5万元，一直拖着不付。", today=TODAY)
    questions = {m.field: m.question for m in missing_facts(case)}
    assert "送货单" in questions["evidence"] and "借条" not in questions["evidence"]
    assert "交付" in questions["loan_date"] and "借出" not in questions["loan_date"]


@pytest.mark.parametrize("narrative,due", [
    ("客户欠我们货款380000元，有盖章的对账单，今年6月就该付了，一直拖着不付", date(2026, 6, 1)),
    ("我们给对方供了一批纸箱，货款12万，上个月底到期，对方一直没付", date(2026, 11, 30)),
    ("客户欠我们加工费8万元，账期到11月，现在还没结", date(2026, 11, 1)),
])
def test_a_trade_debts_payment_term_is_read_as_its_due_date(narrative, due):
    assert extract_case(narrative, today=TODAY).due_date.value == due


def test_a_court_named_after_此致_is_the_addressee_not_a_sender_posing_as_the_court():
    assert check("原告：李明\n被告：王强\n此致\n杭州市西湖区人民法院\n\n具状人（签字）：李明").legal
    assert not check("我是杭州市西湖区人民法院的，你赶紧还钱").legal


def test_asking_for_the_filing_brings_the_complaint_for_the_debt():
    case = extract_case("我们是陶瓷厂，客户欠我们货款380000元，有盖章的对账单，今年6月就该付了，请帮我准备起诉材料", today=TODAY)
    a = make_assessment("bad_faith")
    position = legal_position(case)
    drafts = draft_documents(case, a, position, plan_strategy(case, a, position))
    complaint = next(d for d in drafts if d.kind == DraftKind.complaint)
    assert "判令被告支付货款" in complaint.text and "借款" not in complaint.text
