"""The LLM path never weakens the gate. Offline: a scripted chat model replays replies (no network);
the real local model runs in tests/test_llm_integration.py."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant.checker import check
from assistant.errors import LLMError, MissingVariableError
from assistant.llm.client import (
    LLMCaseFacts,
    chat_model,
    draft_with_llm,
    facts_to_case,
    grounding_problems,
    load_prompt,
)
from assistant.models import Case, Fact

TODAY = date(2026, 11, 28)
NARRATIVE = "去年3月张三向我借了10万元，约定年底还，现在一直拖着不还。"


@pytest.fixture(scope="module")
def template():
    from assistant.api import advise

    advice = advise(NARRATIVE, today=TODAY)
    return advice.drafts[0], advice.case


def test_a_prompt_rendered_without_a_declared_variable_names_it():
    with pytest.raises(MissingVariableError) as info:
        load_prompt("extract").render(today="2026-11-28")
    assert info.value.missing == ["narrative"]


def test_an_llm_fact_keeps_its_source_only_when_the_quote_is_in_the_narrative():
    facts = LLMCaseFacts(principal=100000, principal_q="借了10万元", due_date="2025-12-31", due_date_q="明年春节前")
    case = facts_to_case(facts, NARRATIVE, TODAY)
    assert case.principal.value == Decimal("100000")
    assert case.principal.source.text == "借了10万元"
    assert case.due_date.source is None  # an unquoted fact cannot survive the merge with the rule extraction


def test_a_draft_with_an_invented_amount_is_not_grounded(template):
    draft, _ = template
    assert any("模板中没有的金额" in p for p in grounding_problems(draft.text + "另需支付催收服务费 5000 元。", draft))


def test_a_repetitive_nonsense_draft_is_not_grounded(template):
    draft, _ = template
    assert grounding_problems("的的的的的的" * 80, draft)


def test_the_template_itself_is_grounded(template):
    draft, _ = template
    assert grounding_problems(draft.text, draft) == []


def test_a_threatening_llm_draft_is_fed_back_and_the_fixed_one_is_used(template):
    draft, case = template
    threat = "张三，再不还钱我就去你单位找你领导，让你在公司待不下去！"
    model = FakeListChatModel(responses=[threat, draft.text.replace("您好", "您好，希望您一切顺利")])
    result, attempts = draft_with_llm(draft, case, law=[], check=check, model=model)
    assert attempts.attempts == 2 and attempts.used_llm and not attempts.first_try_passed
    assert any("THIRD_PARTY_DISCLOSURE" in p or "HARASSMENT" in p for p in attempts.problems[0])
    assert result.origin == "llm" and result.report.legal


def test_when_every_try_fails_the_checked_template_is_returned(template):
    draft, case = template
    model = FakeListChatModel(responses=["不还钱就让你坐牢！"] * 5)
    result, attempts = draft_with_llm(draft, case, law=[], check=check, model=model)
    assert not attempts.used_llm
    assert result == draft and result.report.legal


def test_an_unreachable_endpoint_is_an_llm_error_not_a_crash():
    model = chat_model(base_url="http://127.0.0.1:9/v1", model="none")
    with pytest.raises(LLMError):
        from assistant.llm.client import extract_with_llm

        extract_with_llm(NARRATIVE, today=TODAY, model=model)


def test_with_no_llm_configured_advice_is_unchanged_and_says_nothing_about_llms():
    from assistant.api import advise

    advice = advise(NARRATIVE, today=TODAY)
    assert all(d.origin == "template" for d in advice.drafts)
    assert not any("LLM" in w for w in advice.warnings)


def test_rule_facts_win_over_llm_facts_on_numbers():
    from assistant.intake.extract import extract_case, merge_cases

    rules = extract_case(NARRATIVE, today=TODAY)
    llm = Case(narrative=NARRATIVE, today=TODAY, principal=Fact[Decimal](value=Decimal("1000000"), origin="llm"))
    assert merge_cases(rules, llm).principal.value == Decimal("100000")


def test_years_and_article_numbers_are_not_money_but_wan_is():
    from assistant.llm.client import _numbers

    found = _numbers("您于2025年3月1日借款80,000.00元，依据第五百七十七条（第577条），尚欠8万元，另付¥1,200.5")
    assert found == {Decimal("80000.00"), Decimal("1200.50")}
