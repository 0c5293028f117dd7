"""Drafts: every kind renders from the case, unknowns are marked blanks, only checked drafts come out."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from case_factory import make_assessment
from case_factory import make_case as shared_case

from assistant.checker import certify, certify_all, check
from assistant.drafting.documents import COURT_DOCUMENTS, draft_documents, render_draft
from assistant.drafting.templates import LetterTemplate, get_registry, load_templates
from assistant.errors import DraftWithheld, MissingVariableError, TemplateError
from assistant.models import (
    Case,
    CheckedDraft,
    Draft,
    DraftKind,
    EvidenceItem,
    EvidenceKind,
    Fact,
    Party,
    Rate,
    RatePeriod,
    Stage,
    Tone,
)
from assistant.plan.strategy import document_basis, plan_strategy
from assistant.position.calculate import legal_position


def make_case(**kw) -> Case:
    base = dict(
        repaid=Fact[Decimal](value=Decimal("10000")),
        evidence=[EvidenceItem(kind=EvidenceKind.iou), EvidenceItem(kind=EvidenceKind.transfer_record)],
    )
    return shared_case(**{**base, **kw})


assessment = make_assessment


def checked_draft(kind, case, *rest, **kw) -> CheckedDraft:
    """A rendered draft through the checker step, as the pipeline hands it out."""
    return certify(render_draft(kind, case, *rest, **kw), case)


def parts(case: Case, category: str = "unclear"):
    a = assessment(category)
    position = legal_position(case)
    return case, a, position, plan_strategy(case, a, position)


KIND_LANGS = [(k, lang) for k in DraftKind for lang in ("zh", "en") if lang in get_registry().languages(k)]


@pytest.mark.parametrize("kind,language", KIND_LANGS, ids=[f"{k.value}-{lang}" for k, lang in KIND_LANGS])
def test_every_kind_renders_with_the_cases_parties_and_amounts(kind, language):
    draft = checked_draft(kind, *parts(make_case()), language=language)
    assert isinstance(draft, CheckedDraft) and draft.report.legal
    assert "李明" in draft.text and "王强" in draft.text
    assert "40,000.00" in draft.text, "the outstanding principal must appear"
    assert "50,000.00" in draft.text, "the amount lent must appear"


@pytest.mark.parametrize("kind", list(DraftKind))
def test_unknown_facts_become_marked_blanks_never_guesses(kind):
    case = make_case(debtor=Party(), loan_date=None)
    draft = checked_draft(kind, *parts(case))
    assert "【债务人姓名：待填写】" in draft.text
    assert "债务人姓名" in draft.blanks
    for label in draft.blanks:
        assert f"【{label}：待填写】" in draft.text


def test_english_blanks_are_marked_in_english():
    draft = checked_draft(DraftKind.demand_letter, *parts(make_case(debtor=Party(), language="en")), language="en")
    assert "[DEBTOR NAME: to fill in]" in draft.text and "DEBTOR NAME" in draft.blanks


def test_missing_variable_error_names_the_variable():
    template = get_registry().get(DraftKind.sms_reminder, "zh", Tone.gentle)
    values = {name: "x" for name in template.variables if name != "deadline"}
    with pytest.raises(MissingVariableError) as err:
        template.render(values)
    assert err.value.missing == ["deadline"] and "deadline" in str(err.value)


def test_a_template_slot_that_is_not_declared_fails_at_load():
    with pytest.raises(ValueError, match="debtor_name"):
        LetterTemplate(kind=DraftKind.sms_reminder, language="zh", tone=Tone.gentle, title="t", variables=["deadline"],
                       body="${debtor_name}，请于${deadline}前还款。")


def test_a_template_using_a_variable_outside_the_catalogue_fails_at_load(tmp_path):
    src = get_registry()  # a copy of the real files with one unknown variable added
    from assistant.drafting.templates import TEMPLATES_DIR

    for path in TEMPLATES_DIR.glob("*.yaml"):
        (tmp_path / path.name).write_text(path.read_text("utf-8"), "utf-8")
    sms = tmp_path / "sms_reminder.yaml"
    sms.write_text(sms.read_text("utf-8").replace("[debtor_name,", "[debtor_nickname, debtor_name,", 1)
                   .replace("${debtor_name}您好", "${debtor_nickname}${debtor_name}您好", 1), "utf-8")
    assert src is not None
    with pytest.raises(TemplateError, match="debtor_nickname"):
        load_templates(tmp_path)


@pytest.mark.parametrize(
    "category,stage",
    [("hardship", Stage.negotiation), ("bad_faith", Stage.payment_order), ("unclear", Stage.payment_order)],
)
def test_draft_documents_gives_a_message_now_plus_the_stages_document(category, stage):
    case, a, position, strategy = parts(make_case(), category)
    assert strategy.stage == stage
    drafts = certify_all(draft_documents(case, a, position, strategy), case)
    kinds = [d.kind for d in drafts]
    assert kinds[0] == DraftKind.sms_reminder
    expected = {Stage.negotiation: DraftKind.instalment_agreement, Stage.payment_order: DraftKind.payment_order_application}
    assert expected[stage] in kinds
    assert all(d.report.legal and d.report.checked_chars == len(d.text) for d in drafts)


@pytest.mark.parametrize("category,tone", [("hardship", Tone.gentle), ("bad_faith", Tone.firm)])
def test_tone_follows_the_classification(category, tone):
    draft = checked_draft(DraftKind.sms_reminder, *parts(make_case(), category))
    assert draft.tone == tone


@pytest.mark.parametrize("kind", sorted(COURT_DOCUMENTS, key=lambda k: k.value))
def test_court_documents_and_agreements_are_formal_and_chinese(kind):
    draft = checked_draft(kind, *parts(make_case(language="en"), "bad_faith"), language="en")
    assert draft.tone == Tone.formal and draft.language == "zh"


def test_a_gambling_debt_gets_no_draft_at_all():
    case, a, position, strategy = parts(make_case(illegal_purpose=Fact[str](value="gambling")), "bad_faith")
    assert strategy.stage == Stage.decline
    assert draft_documents(case, a, position, strategy) == []
    with pytest.raises(DraftWithheld):
        checked_draft(DraftKind.demand_letter, case, a, position, strategy)


def test_interest_above_the_cap_is_disowned_not_demanded():
    rate = Rate(annual_percent=Decimal("36"), stated_period=RatePeriod.month, stated_value=Decimal("3"))
    case, a, position, strategy = parts(make_case(rate=rate))
    draft = checked_draft(DraftKind.demand_letter, case, a, position, strategy)
    assert draft.report.legal
    assert "超出部分不予主张" in draft.text
    assert f"年利率{position.interest.protected_percent.normalize():f}%" in draft.text


def test_letters_cite_only_the_documents_basis():
    for kind in (DraftKind.demand_letter, DraftKind.lawyer_letter, DraftKind.complaint):
        draft = checked_draft(kind, *parts(make_case()))
        allowed = {b.article for b in document_basis(kind)}
        cited = set(re.findall(r"第[零一二三四五六七八九十百千]+条", draft.text))
        assert cited and cited <= allowed, (kind, cited - allowed)


def test_instalment_agreement_schedule_adds_up_to_the_total():
    case, a, position, strategy = parts(make_case(), "hardship")
    draft = checked_draft(DraftKind.instalment_agreement, case, a, position, strategy)
    rows = [Decimal(x.replace(",", "")) for x in re.findall(r"前支付([\d,]+\.\d{2})元", draft.text)]
    down = Decimal(re.search(r"首付款人民币([\d,]+\.\d{2})元", draft.text).group(1).replace(",", ""))
    assert down + sum(rows) == strategy.negotiation.total


def test_a_certified_drafts_report_is_the_checkers_verdict_on_its_own_text():
    draft = render_draft(DraftKind.demand_letter, *parts(make_case()))
    checked = certify(draft, make_case())
    assert checked.report == check(checked.text, make_case())


def test_a_draft_that_fails_the_checker_is_withheld_not_returned():
    bad = Draft(kind=DraftKind.sms_reminder, tone=Tone.firm, title="催款", text="三天内不还钱，就让你全家好看，打断你的腿。")
    with pytest.raises(DraftWithheld) as err:
        certify(bad, make_case())
    assert not err.value.report.legal and "THREAT_VIOLENCE" in err.value.codes


def test_a_fixable_draft_is_rewritten_and_the_report_belongs_to_the_new_text():
    insulting = Draft(kind=DraftKind.sms_reminder, tone=Tone.firm, title="催款",
                      text="王强你这个老赖，请于2026年12月8日前归还借款40,000元。")
    checked = certify(insulting, make_case())
    assert "老赖" not in checked.text and "40,000元" in checked.text
    assert checked.report.legal and checked.report.checked_chars == len(checked.text)


def test_drafting_renders_unchecked_drafts_and_leaves_the_verdict_to_the_checker():
    draft = render_draft(DraftKind.sms_reminder, *parts(make_case()))
    assert isinstance(draft, Draft) and not isinstance(draft, CheckedDraft)


@pytest.mark.parametrize("kind", [DraftKind.demand_letter, DraftKind.instalment_agreement, DraftKind.complaint])
def test_an_unknown_amount_is_a_blank_not_a_number(kind):
    case = make_case(principal=None, repaid=None)
    draft = checked_draft(kind, *parts(case, "hardship"))
    assert draft.report.legal
    assert not re.search(r"\d{1,3}(,\d{3})*\.\d{2}元", draft.text)
    assert any("本金" in label or "总额" in label or "请求事项" in label for label in draft.blanks)


def test_a_letter_on_a_loan_with_interest_deducted_upfront_adds_up():
    # 民间借贷规定第二十六条: the principal is what was actually lent

    from assistant.api import advise

    advice = advise("2023年5月我借给张某20万元，当时先扣了2万元利息，实际转账18万元，约定一年后还本。到期后他只还了1万元。", today=date(2026, 11, 28))
    letter = next(d for d in advice.drafts if d.kind.value != "sms_reminder")
    assert "实际出借的180,000.00元" in letter.text or "实际出借180,000.00元" in letter.text
    assert "170,000.00" in letter.text
