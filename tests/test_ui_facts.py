"""The editable key-facts table and the app's views: what the user edits is what the pipeline gets."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from assistant.errors import InputError
from assistant.models import Case, ContactStatus, EvidenceItem, EvidenceKind, Fact, PartyKind, Span
from assistant.ui.facts import FACT_ROWS, apply_fact_edits, carry_user_edits, fact_rows
from assistant.ui.views import highlight_spans

NARRATIVE = "朋友去年借了我10万元，约定三个月还清，到期后一直拖，现在电话也不太接。"


def extracted_case() -> Case:
    return Case(
        narrative=NARRATIVE,
        today=date(2026, 11, 28),
        principal=Fact[Decimal](value=Decimal("100000"), source=Span(start=6, end=10, text="10万元")),
        contact_status=Fact[ContactStatus](value=ContactStatus.evasive, source=Span(start=31, end=37, text="电话也不太接")),
        evidence=[EvidenceItem(kind=EvidenceKind.iou)],
    )


def edit(case: Case, label_prefix: str, value: str) -> list[list[str]]:
    rows = fact_rows(case)
    for row in rows:
        if row[0].startswith(label_prefix):
            row[1] = value
            return rows
    raise AssertionError(f"no row {label_prefix}")


def test_the_table_shows_each_fact_with_the_words_it_came_from():
    rows = {r[0]: r[1:] for r in fact_rows(extracted_case())}
    assert rows["借款本金 principal (元)"] == ["100000", "10万元"]
    assert rows["联系状态 contact status"] == ["evasive 回避联系", "电话也不太接"]
    assert rows["到期日 due date"] == ["", ""]
    assert len(rows) == len(FACT_ROWS)


def test_an_unedited_table_changes_nothing():
    case = extracted_case()
    edited, changed = apply_fact_edits(case, fact_rows(case))
    assert changed == [] and edited == case


@pytest.mark.parametrize("label, typed, attribute, expected", [
    ("借款本金", "8万", "principal", Decimal("80000")),
    ("借款本金", "120,000元", "principal", Decimal("120000")),
    ("已还金额", "20000", "repaid", Decimal("20000")),
    ("到期日", "2025-03-01", "due_date", date(2025, 3, 1)),
    ("到期日", "2025年3月1日", "due_date", date(2025, 3, 1)),
    ("债务人否认", "是", "disputed", True),
    ("有保证人", "no", "guarantor", False),
    ("联系状态", "失联", "contact_status", ContactStatus.unreachable),
    ("省份", "广东", "province", "广东"),
])
def test_an_edited_fact_is_parsed_and_marked_as_the_users(label, typed, attribute, expected):
    edited, changed = apply_fact_edits(extracted_case(), edit(extracted_case(), label, typed))
    fact = getattr(edited, attribute)
    assert fact.value == expected and fact.origin == "user" and fact.source is None
    assert len(changed) == 1 and changed[0].startswith(label)


def test_a_rate_is_entered_as_percent_a_year():
    edited, _ = apply_fact_edits(extracted_case(), edit(extracted_case(), "约定年利率", "24%"))
    assert edited.rate.annual_percent == Decimal("24")


def test_clearing_a_value_removes_the_fact_rather_than_guessing():
    edited, changed = apply_fact_edits(extracted_case(), edit(extracted_case(), "借款本金", ""))
    assert edited.principal is None and changed == ["借款本金"]


def test_party_and_evidence_edits():
    case = extracted_case()
    rows = edit(case, "债务人 debtor", "李明")
    edited, _ = apply_fact_edits(case, rows)
    edited, _ = apply_fact_edits(edited, edit(edited, "债务人类型", "个体工商户"))
    edited, _ = apply_fact_edits(edited, edit(edited, "证据", "借条、转账记录、聊天记录"))
    assert edited.debtor.name == "李明" and edited.debtor.kind is PartyKind.sole_trader
    assert [e.kind for e in edited.evidence] == [EvidenceKind.iou, EvidenceKind.transfer_record, EvidenceKind.chat_record]


@pytest.mark.parametrize("label, typed, message", [
    ("借款本金", "十万左右", "金额"),
    ("借款本金", "-5000", "负"),
    ("到期日", "明年春天", "日期"),
    ("到期日", "2025-02-30", "日期"),
    ("债务人否认", "也许", "是"),
    ("联系状态", "很难说", "choose"),
    ("约定年利率", "两分", "利率"),
])
def test_a_value_that_cannot_be_read_is_a_clear_input_error(label, typed, message):
    with pytest.raises(InputError, match=message):
        apply_fact_edits(extracted_case(), edit(extracted_case(), label, typed))


def test_an_unknown_row_is_refused():
    with pytest.raises(InputError, match="unknown fact row"):
        apply_fact_edits(extracted_case(), [["债务人星座 zodiac", "天秤"]])


def test_user_edits_survive_a_re_extraction_of_the_text():
    edited, _ = apply_fact_edits(extracted_case(), edit(extracted_case(), "借款本金", "80000"))
    fresh = extracted_case()  # the text read again after the user added a fact
    carried = carry_user_edits(fresh, edited)
    assert carried.principal.value == Decimal("80000") and carried.principal.origin == "user"
    assert carry_user_edits(fresh, extracted_case()) is None


def test_highlighted_spans_cover_the_text_once_and_refind_slipped_offsets():
    text = "他说生意亏了，现在电话也不太接。"
    segments = highlight_spans(text, [(2, 6, "生意亏了", "business_loss"), (0, 3, "电话也不太接", "avoids_calls"),
                                      (3, 5, "意亏", "overlap")])
    assert "".join(s for s, _ in segments) == text
    assert ("生意亏了", "business_loss") in segments and ("电话也不太接", "avoids_calls") in segments
    assert all(label != "overlap" for _, label in segments)


@pytest.mark.parametrize("label, zh, en", [
    ("待查明（事实不足）/ unclear", "待查明（事实不足）", "unclear"),
    ("律师函 / lawyer's letter", "律师函", "lawyer's letter"),
])
def test_bilingual_labels_split_into_their_languages(label, zh, en):
    from assistant.ui.views import _en, _zh

    assert (_zh(label), _en(label)) == (zh, en)


def test_the_reply_gives_category_stage_next_step_deadline_and_the_first_draft():
    from test_store import make_advice

    from assistant.ui.views import reply_summary

    reply = reply_summary(make_advice())
    for expected in ("恶意型", "书面催告", "下一步", "2028-12-01（剩余 734 天）", "首份文书: 催款函", "> 张三"):
        assert expected in reply


def test_the_position_headline_shows_the_deadline_and_eligibility():
    from test_store import make_advice

    from assistant.ui.views import position_markdown

    text = position_markdown(make_advice())
    assert "| 诉讼时效截止 limitation deadline | 2028-12-01（剩余 734 天 / days left） |" in text
    assert "| 支付令 payment order | ✅ 可以 eligible |" in text
    assert "| 小额诉讼 small claims | ❔ 待确认 to confirm |" in text


def test_the_timeline_is_dated_relative_to_the_case_day():
    from test_store import make_advice

    from assistant.ui.views import timeline_rows

    assert timeline_rows(make_advice())[0][:3] == ["2026-11-28", "今天 today", "书面催告"]
