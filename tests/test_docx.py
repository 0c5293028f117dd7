"""draft_to_docx: every kind opens in python-docx, keeps amounts and parties, and is laid out as a document."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from case_factory import make_assessment, make_case
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from assistant.checker import certify
from assistant.drafting.documents import render_draft
from assistant.drafting.docx import EAST_ASIAN_FONT, draft_to_docx
from assistant.errors import InputError
from assistant.models import (
    CheckedDraft,
    DraftKind,
    Fact,
    LegalityReport,
    Tone,
)
from assistant.plan.strategy import plan_strategy
from assistant.position.calculate import legal_position

CASE = make_case(repaid=Fact[Decimal](value=Decimal("10000")))


def draft_of(kind: DraftKind, language: str = "zh") -> CheckedDraft:
    assessment = make_assessment("hardship")
    position = legal_position(CASE)
    draft = render_draft(kind, CASE, assessment, position, plan_strategy(CASE, assessment, position), language=language)
    return certify(draft, CASE)


def open_docx(data: bytes):
    return Document(io.BytesIO(data))


@pytest.mark.parametrize("kind", list(DraftKind))
def test_each_kind_opens_and_carries_amounts_and_parties(kind):
    doc = open_docx(draft_to_docx(draft_of(kind), CASE))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "李明" in text and "王强" in text
    assert "40,000.00" in text


@pytest.mark.parametrize("kind", list(DraftKind))
def test_title_is_centred_and_bold(kind):
    draft = draft_of(kind)
    first = open_docx(draft_to_docx(draft, CASE)).paragraphs[0]
    assert first.text == draft.title
    assert first.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert all(run.bold for run in first.runs)


def test_every_run_sets_simsun_as_the_east_asian_font():
    doc = open_docx(draft_to_docx(draft_of(DraftKind.complaint), CASE))
    runs = [r for p in doc.paragraphs for r in p.runs]
    assert runs
    for run in runs:
        assert run._element.rPr.rFonts.get(qn("w:eastAsia")) == EAST_ASIAN_FONT


def test_signature_block_and_date_are_right_aligned():
    doc = open_docx(draft_to_docx(draft_of(DraftKind.demand_letter), CASE))
    last = [p for p in doc.paragraphs if p.text.strip()][-1]
    assert last.text == "2026年11月28日"
    assert last.alignment == WD_ALIGN_PARAGRAPH.RIGHT


def test_party_lines_are_flush_left_and_body_is_indented():
    doc = open_docx(draft_to_docx(draft_of(DraftKind.complaint), CASE))
    plaintiff = next(p for p in doc.paragraphs if p.text.startswith("原告："))
    assert plaintiff.paragraph_format.first_line_indent is None
    body = next(p for p in doc.paragraphs if "至今尚欠本金" in p.text)
    assert body.paragraph_format.first_line_indent is not None


def test_english_letter_exports(tmp_path):
    path = draft_to_docx(draft_of(DraftKind.demand_letter, "en"), CASE, tmp_path / "demand.docx")
    assert path.exists()
    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert "RMB 40,000.00" in text and "Letter of demand" in text


def test_a_draft_whose_report_was_not_computed_on_its_text_is_not_exported():
    forged = CheckedDraft(kind=DraftKind.sms_reminder, tone=Tone.firm, title="催款", report=LegalityReport(legal=True),
                          text="再不还钱就打断你的腿。")
    with pytest.raises(InputError):
        draft_to_docx(forged, CASE)


def test_a_draft_the_checker_failed_is_not_exported():
    failing = CheckedDraft(kind=DraftKind.sms_reminder, tone=Tone.firm, title="催款", text="再不还钱就打断你的腿。",
                           report=LegalityReport(legal=False, checked_chars=11))
    with pytest.raises(InputError):
        draft_to_docx(failing, CASE)
    with pytest.raises(InputError):
        draft_to_docx({"text": "anything"}, CASE)  # type: ignore[arg-type]
