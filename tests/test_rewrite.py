"""The rewrite step returns a lawful text or a refusal - never an unlawful text."""

from __future__ import annotations

import pytest

from assistant.checker.check import check
from assistant.checker.rewrite import RewriteResult, rewrite
from assistant.models import ViolationCode


def assert_lawful_or_refused(result: RewriteResult) -> None:
    if result.refused:
        assert result.text == "" and result.reason
    else:
        assert result.report.legal and check(result.text).legal and result.text.strip()


@pytest.mark.parametrize(
    ("text", "code", "expected_phrase"),
    [
        ("王先生，您借的3万元已逾期。我们已将您的欠款情况告知贵单位人事部门。请于本月底前还款。",
         ViolationCode.THIRD_PARTY_DISCLOSURE, "如您对欠款有异议，请与我方联系"),
        ("不还钱就让你坐牢。请尽快联系我们。", ViolationCode.THREAT_FALSE_CRIMINAL, "依法向人民法院提起诉讼"),
        ("我们会在今晚十一点再给您打电话，请保持手机畅通。", ViolationCode.CONTACT_TIME, "8:00至21:00"),
        ("We have informed your employer's HR department. Please repay by Friday.",
         ViolationCode.THIRD_PARTY_DISCLOSURE, "please contact us directly"),
    ],
)  # fmt: skip
def test_violating_sentence_is_replaced_by_its_lawful_equivalent(text: str, code: ViolationCode, expected_phrase: str) -> None:
    result = rewrite(text)
    assert not result.refused
    assert expected_phrase in result.text
    assert [c[0] for c in result.changes] == [code]
    assert_lawful_or_refused(result)


def test_insult_is_removed_and_the_demand_kept() -> None:
    result = rewrite("张三你这个老赖，请于周五前还款5000元。")
    assert result.text == "张三，请于周五前还款5000元。"
    assert result.changes == [(ViolationCode.INSULT, "你这个老赖", "")]


def test_invalid_citation_is_replaced_by_its_successor() -> None:
    pytest.importorskip("assistant.law.citations")
    result = rewrite("根据《中华人民共和国合同法》第二百零六条，借款人应当按照约定的期限返还借款。")
    assert not result.refused
    assert "《民法典》第六百七十五条" in result.text and "合同法" not in result.text


@pytest.mark.parametrize(
    "text",
    [
        "你要是敢不还，我打断你的腿。",
        "今天不把钱还上，你就别想走出这个门。",
        "我是朝阳区人民法院执行局的工作人员，请立即还款。",
        "这是你在牌桌上输的钱，三天内还清。",
        "Pay up or something bad might happen to your family.",
    ],
)
def test_a_message_whose_purpose_is_a_threat_is_refused(text: str) -> None:
    result = rewrite(text)
    assert result.refused and result.text == ""
    assert not result.report.legal  # the report explains why
    assert "Refused" in result.reason


def test_too_many_violating_sentences_is_refused() -> None:
    text = "你这个老赖。我们已通知你的同事。今晚11点再打给你。另收催收费500元。你父母要替你还。"
    result = rewrite(text)
    assert result.refused and "sentences" in result.reason


def test_nothing_lawful_left_is_refused() -> None:
    result = rewrite("老赖！")
    assert result.refused and result.text == ""


def test_a_legal_text_is_returned_unchanged() -> None:
    text = "您好，您借的2万元已到期，请于本月30日前还款，如有困难可以协商分期。"
    result = rewrite(text)
    assert result.text == text and not result.refused and result.changes == []


@pytest.mark.parametrize(
    "text",
    [
        "您好，我们已经联系了您的同事小王。另外逾期利息按年利率24%计。请尽快还款。",
        "Dear Ms. Li, you deadbeat, please repay the 5,000 yuan by Friday. We will call you every hour.",
        "温馨提示：除本金外，您还需支付催收服务费500元，请一并转入。本金8000元请于周五前还清。",
    ],
)
def test_rewrite_always_yields_a_legal_text_or_a_refusal(text: str) -> None:
    assert_lawful_or_refused(rewrite(text))
