"""Grounding checks support, not just presence: an LLM fact needs words that say that fact.

Offline: the LLM's answer is written here as a Case (what extract_with_llm would return)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from assistant.intake import extract_case, merge_cases
from assistant.intake.merge import name_problem
from assistant.models import Case, ContactStatus, Fact, Party, Span

TODAY = date(2026, 11, 28)
ISSUE_CASE = "他说失业了，可朋友圈天天在旅游。去年3月借了我5万，说好年底还，现在一分没还，电话也不接。"


def _span(text: str, quote: str) -> Span:
    at = text.find(quote)
    return Span(start=max(at, 0), end=max(at, 0) + len(quote), text=quote)


def _llm(text: str, **facts) -> Case:
    return Case(narrative=text, today=TODAY, **facts)


def test_a_pronoun_offered_as_the_debtors_name_is_rejected_with_its_reason():
    rules = extract_case(ISSUE_CASE, today=TODAY)
    llm = _llm(ISSUE_CASE, debtor=Party(name="他", source=_span(ISSUE_CASE, "他说失业了")))
    merged = merge_cases(rules, llm)
    assert merged.debtor.name is None
    [rejected] = [r for r in merged.rejected_llm_facts if r.field == "debtor.name"]
    assert rejected.value == "他" and "代词" in rejected.reason


def test_kinship_words_and_roles_are_not_names_but_real_names_are():
    for word in ("他", "她", "表哥", "我朋友", "老板", "同事", "那个同事", "he", "my friend"):
        assert name_problem(word), word
    for name in ("刘建军", "老李", "赵大姐", "宏达装饰公司", "Jason Li"):
        assert name_problem(name) is None, name


def test_not_answering_the_phone_does_not_support_disputed():
    rules = extract_case(ISSUE_CASE, today=TODAY)
    llm = _llm(ISSUE_CASE, disputed=Fact[bool](value=True, source=_span(ISSUE_CASE, "电话也不接"), origin="llm"))
    merged = merge_cases(rules, llm)
    assert merged.disputed is None or merged.disputed.value is False
    assert any(r.field == "disputed" and "异议" in r.reason for r in merged.rejected_llm_facts)


def test_words_that_contest_the_amount_support_disputed():
    text = "去年借给老王3万元，现在他说只借了2万，不认借条上的数。"
    merged = merge_cases(extract_case(text, today=TODAY),
                         _llm(text, disputed=Fact[bool](value=True, source=_span(text, "他说只借了2万"), origin="llm")))
    assert merged.disputed is not None and merged.disputed.value is True


def test_a_date_quoted_from_words_without_a_date_is_rejected():
    text = "老王借了我3万元，一直拖着不还。"
    llm = _llm(text, due_date=Fact[date](value=date(2025, 12, 31), source=_span(text, "一直拖着不还"), origin="llm"))
    merged = merge_cases(extract_case(text, today=TODAY), llm)
    assert merged.due_date is None
    assert any(r.field == "due_date" and "日期" in r.reason for r in merged.rejected_llm_facts)


def test_an_amount_quoted_from_words_without_a_number_is_rejected():
    text = "老王借了我一笔钱，一直拖着不还。"
    llm = _llm(text, principal=Fact[Decimal](value=Decimal(50000), source=_span(text, "借了我一笔钱"), origin="llm"))
    merged = merge_cases(extract_case(text, today=TODAY), llm)
    assert merged.principal is None
    assert any(r.field == "principal" for r in merged.rejected_llm_facts)


def test_a_quote_missing_from_the_narrative_is_rejected():
    text = "老王借了我3万元。"
    llm = _llm(text, due_date=Fact[date](value=date(2025, 12, 31), source=Span(start=0, end=4, text="年底还清"), origin="llm"))
    merged = merge_cases(extract_case(text, today=TODAY), llm)
    assert merged.due_date is None and merged.rejected_llm_facts[0].reason.startswith("原话不在案情中")


def test_a_rule_fact_wins_over_a_different_llm_value_from_other_words():
    text = "去年3月老王借了我5万元，说好年底还。"
    rules = extract_case(text, today=TODAY)
    llm = _llm(text, principal=Fact[Decimal](value=Decimal(3), source=_span(text, "去年3月"), origin="llm"))
    merged = merge_cases(rules, llm)
    assert merged.principal.value == rules.principal.value and merged.principal.origin == "rules"
    assert any(r.field == "principal" and "规则已提取" in r.reason for r in merged.rejected_llm_facts)


def test_a_more_specific_llm_quote_replaces_the_rule_fact():
    text = "老王3月借了我5万元，具体是2025年3月15日转的账。"
    rules = extract_case(text, today=TODAY).model_copy(
        update={"loan_date": Fact[date](value=date(2026, 3, 1), source=_span(text, "3月"))}
    )
    quote = "2025年3月15日"
    rules.loan_date = Fact[date](value=date(2025, 3, 1), source=Span(start=text.find(quote) + 5, end=text.find(quote) + 7, text="3月"))
    llm = _llm(text, loan_date=Fact[date](value=date(2025, 3, 15), source=_span(text, quote), origin="llm"))
    merged = merge_cases(rules, llm)
    assert merged.loan_date.value == date(2025, 3, 15) and merged.loan_date.origin == "llm"


def test_an_evasive_contact_status_needs_words_about_contact():
    text = "老王借了我3万元，说好年底还，他说失业了。"
    llm = _llm(text, contact_status=Fact[ContactStatus](value=ContactStatus.unreachable, source=_span(text, "他说失业了"), origin="llm"))
    merged = merge_cases(extract_case(text, today=TODAY), llm)
    assert merged.contact_status is None or merged.contact_status.value is not ContactStatus.unreachable
    assert any(r.field == "contact_status" for r in merged.rejected_llm_facts)


def test_the_local_models_measured_answer_to_the_issue_case_leaves_the_plan_as_the_rules_make_it():
    # what Qwen2.5-Coder-1.5B Q4_K_M answered on this case (measured 2026-12-06), replayed offline
    from assistant.assess import classify
    from assistant.llm.client import LLMCaseFacts, facts_to_case
    from assistant.plan import plan_strategy
    from assistant.position import legal_position

    answer = LLMCaseFacts(principal=50000, principal_q="借了我5万", loan_date="2026-11-28", loan_date_q="去年3月",
                          due_date=None, due_date_q="年底", debtor_name="他", disputed=True, disputed_q="电话也不接")  # fmt: skip
    rules = extract_case(ISSUE_CASE, today=TODAY)
    merged = merge_cases(rules, facts_to_case(answer, ISSUE_CASE, TODAY))
    assert merged.debtor.name is None and (merged.disputed is None or not merged.disputed.value)
    assert merged.loan_date == rules.loan_date
    refused = {r.field for r in merged.rejected_llm_facts}
    assert {"debtor.name", "disputed", "loan_date"} <= refused

    def stage(case):
        return plan_strategy(case, classify(case), legal_position(case)).stage

    assert stage(merged) == stage(rules)
