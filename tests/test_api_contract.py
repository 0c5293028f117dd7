"""The public API is a contract: these tests fail if a field name or an enum value changes."""

from __future__ import annotations

from datetime import date

import pytest

from assistant import api
from assistant.errors import AssistantError, InputError
from assistant.models import Advice, Assessment, Case, CheckedDraft, Citation, LegalityReport

TODAY = date(2026, 11, 28)
ISSUE_CASE = "朋友去年借了我10万元，约定三个月还清，到期后一直拖，说生意亏了，现在电话也不太接。"


def test_category_values_are_exactly_the_three_labels():
    from assistant.models import Category

    assert {c.value for c in Category} == {"hardship", "bad_faith", "unclear"}


def test_stage_values_are_exactly_the_ladder_plus_decline_and_answer():
    from assistant.models import Stage

    assert {s.value for s in Stage} == {
        "reminder",
        "formal_notice",
        "lawyer_letter",
        "negotiation",
        "payment_order",
        "litigation",
        "decline",
        "answer",  # a legal question, answered with the articles (issue 14)
    }


def test_assess_returns_category_signals_with_source_words_and_questions():
    result = api.assess("他说失业了，可朋友圈天天在旅游，还把我拉黑了。", today=TODAY)
    assert isinstance(result, Assessment)
    # a claimed job loss contradicted by daily travel, and a blocked creditor: bad faith, with the words behind it
    assert result.category.value == "bad_faith"
    assert result.signals, "a labelled debtor must show the signals behind the label"
    narrative = "他说失业了，可朋友圈天天在旅游，还把我拉黑了。"
    for signal in result.signals:
        assert narrative[signal.evidence.start : signal.evidence.end] == signal.evidence.text
    assert isinstance(result.missing, list)
    assert all(m.question for m in result.missing)


def test_check_reports_code_span_basis_and_fix():
    text = "再不还钱，我就去你单位找你领导，让你身败名裂。"
    report = api.check(text)
    assert isinstance(report, LegalityReport)
    assert report.legal is False
    for v in report.violations:
        assert v.code.value
        start, end = v.span
        assert text[start:end] == v.matched
        assert v.basis and all(b.law and b.article for b in v.basis)
        assert v.fix


def test_check_accepts_a_case():
    case = Case(narrative="", today=TODAY)
    assert api.check("您好，借款已到期，请于本月底前归还，谢谢。", case).legal is True


def test_retrieve_returns_official_titles_and_chinese_article_numbers():
    hits = api.retrieve("借钱到期不还怎么办", k=5)
    assert 1 <= len(hits) <= 5
    assert all(isinstance(h, Citation) for h in hits)
    assert all(h.law and h.article.startswith("第") and h.article.endswith(("条", "之一", "之二")) for h in hits)
    assert all(h.text for h in hits)


def test_advise_on_the_issue_example_gives_stage_dated_plan_current_law_and_a_legal_draft():
    advice = api.advise(ISSUE_CASE, today=TODAY)
    assert isinstance(advice, Advice)
    assert advice.stage.value in {"reminder", "formal_notice", "lawyer_letter", "negotiation", "payment_order", "litigation"}
    assert advice.plan and all(step.when >= TODAY for step in advice.plan)
    assert advice.citations and all(c.status == "current" for c in advice.citations)
    assert any(isinstance(d, CheckedDraft) and d.report.legal for d in advice.drafts)
    assert advice.case.principal is not None and advice.case.principal.value == 100000
    # the label rests on the words of the narrative: his claimed business losses are a signal with their source
    assert any(s.code == "business_failure" and "生意亏" in s.evidence.text for s in advice.assessment.signals)
    assert advice.position.limitation is not None


@pytest.mark.parametrize("bad", ["", "   ", "\x00\x01", "。。。！！！"])
def test_bad_input_is_a_clear_input_error(bad):
    with pytest.raises(InputError):
        api.advise(bad, today=TODAY)


def test_oversized_input_is_refused_with_a_message():
    with pytest.raises(InputError) as info:
        api.check("请还款。" * 10_000)
    assert "过长" in info.value.user_message


def test_non_text_input_is_an_input_error():
    with pytest.raises(AssistantError):
        api.assess(12345)  # type: ignore[arg-type]


def test_retrieve_rejects_nonsense_k():
    with pytest.raises(InputError):
        api.retrieve("借条", k=0)
