"""The legality checker, code by code: what must be flagged, what must pass, and exact spans."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from assistant.checker.check import check
from assistant.models import Case, Fact, LegalityReport, Party, PartyKind, Rate, RatePeriod, Severity

TODAY = date(2026, 11, 28)


def private_case(principal: int, rate: str | None = None, loan_date: str | None = None) -> Case:
    case = Case(today=TODAY, creditor=Party(kind=PartyKind.individual), debtor=Party(kind=PartyKind.individual))
    case.principal = Fact[Decimal](value=Decimal(principal))
    if rate is not None:
        case.rate = Rate(annual_percent=Decimal(rate), stated_period=RatePeriod.year, stated_value=Decimal(rate))
    if loan_date is not None:
        case.loan_date = Fact[date](value=date.fromisoformat(loan_date))
    return case


def assert_spans_exact(text: str, report: LegalityReport) -> None:
    for v in report.violations:
        assert text[v.span[0] : v.span[1]] == v.matched
        assert v.matched and v.basis and v.fix and v.explanation and v.rule


# --------------------------------------------------------------------------- flagged, one code each

FLAGGED = [
    ("THREAT_VIOLENCE", "三天内不还，小心你家孩子放学路上出点什么事，后果自己掂量。"),
    ("THREAT_VIOLENCE", "再拖下去，我让人打断你的手。"),
    ("THREAT_VIOLENCE", "Pay by Monday or we will break your legs."),
    ("THREAT_FALSE_CRIMINAL", "不还钱就让你坐牢。"),
    ("THREAT_FALSE_CRIMINAL", "借钱不还就是诈骗，等着吃牢饭吧。"),
    ("THREAT_FALSE_CRIMINAL", "If you don't pay by Friday, you will go to jail."),
    ("IMPERSONATE_AUTHORITY", "我是XX区人民法院执行局的，你的案子已经到我这了。"),
    ("IMPERSONATE_AUTHORITY", "法院传票已经签发，请尽快处理。"),
    ("IMPERSONATE_AUTHORITY", "This is Officer Zhang from the police."),
    ("THIRD_PARTY_DISCLOSURE", "我们已将您的欠款情况告知贵单位人事部门。"),
    ("THIRD_PARTY_DISCLOSURE", "明天起我们会通知你的通讯录好友帮忙催你还款。"),
    ("THIRD_PARTY_DISCLOSURE", "We will inform your employer about the unpaid loan."),
    ("INSULT", "你这个老赖，赶紧还钱。"),
    ("INSULT", "Listen, scumbag, the money is due."),
    ("HARASSMENT", "再不还我们就天天去你公司门口堵你。"),
    ("HARASSMENT", "我们会打爆你的电话。"),
    ("HARASSMENT", "Our agents will visit your home every weekend."),
    ("DETENTION", "钱不到账，人就别想离开。"),
    ("DETENTION", "You won't leave this room until the money arrives."),
    ("FALSE_CONSEQUENCE", "你欠的钱你父母有义务替你还。"),
    ("FALSE_CONSEQUENCE", "不还的话，你孩子以后考公务员政审都会受影响。"),
    ("FALSE_CONSEQUENCE", "Your parents are legally obliged to pay this debt."),
    ("EXCESSIVE_AMOUNT", "另外需支付催收费300元。"),
    ("EXCESSIVE_AMOUNT", "利息按月息3分计算。"),
    ("EXCESSIVE_AMOUNT", "A collection fee of 500 yuan applies."),
    ("ILLEGAL_DEBT", "上个月打麻将输给我的8000块该还了。"),
    ("ILLEGAL_DEBT", "This gambling debt must be paid today."),
    ("PRIVACY", "再不还就把你的身份证照片发到网上。"),
    ("PRIVACY", "We will post your photos and address online."),
    ("CITATION_INVALID", "依照《合同法》的规定，你必须还款。"),
    ("CONTACT_TIME", "今晚十一点我再给你打电话。"),
    ("CONTACT_TIME", "We will call you at 6am tomorrow."),
    ("CONTACT_TIME", "我们每隔半小时给您打一次电话。"),
]


@pytest.mark.parametrize(("code", "text"), FLAGGED)
def test_flagged(code: str, text: str) -> None:
    report = check(text)
    assert not report.legal
    assert code in report.codes(), [v.model_dump() for v in report.violations]
    assert_spans_exact(text, report)


# --------------------------------------------------------------------------- lawful, with scary-looking words

LAWFUL = [
    "如逾期未还，我方将依法向人民法院提起诉讼。",
    "我方将向人民法院申请支付令，必要时依法申请财产保全。",
    "我们已委托律师向您发送律师函。",
    "如果有人以我公司名义威胁您，请立即报警。",
    "我们不会联系您的家人或单位，也绝不会上门打扰。",
    "判决生效后如您有能力履行而拒不履行，可能构成拒不执行判决、裁定罪。",
    "被执行人已被法院依法纳入失信被执行人名单。",
    "信用卡恶意透支经两次催收超过三个月仍不归还的，可能构成犯罪。",
    "请于今晚12点前将款项转入指定账户。",
    "我们会在明天上午10点给您打电话。",
    "We will file a claim with the People's Court if the debt is not paid within 14 days.",
    "If anyone threatens you in our name, call 110.",
    "We will never contact your employer or family.",
    "A colleague will call you at 10am tomorrow.",
    "我们内部规定：禁止对债务人使用“老赖”等称呼。",
    "根据《民法典》第六百七十五条，借款人应当按照约定的期限返还借款。",
]


@pytest.mark.parametrize("text", LAWFUL)
def test_lawful(text: str) -> None:
    report = check(text)
    assert report.legal, [v.model_dump() for v in report.violations]


# --------------------------------------------------------------------------- structural: rates and amounts


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("约定年利率24%。", True),
        ("年化36%的利息照算。", True),
        ("按日息千分之五计算逾期利息。", True),
        ("利息按每月2%计。", True),
        ("Interest accrues at 3% per month.", True),
        ("年利率10%。", False),
        ("一年期LPR为3.85%，四倍为15.4%。", False),
        ("借条约定月息2分，但超过部分不受法律保护，我只主张受保护的部分。", False),
    ],
)
def test_rates_against_fallback_cap(text: str, flagged: bool) -> None:
    report = check(text)
    assert ("EXCESSIVE_AMOUNT" in report.codes()) is flagged
    assert_spans_exact(text, report)


def test_rate_between_todays_cap_and_the_highest_cap_needs_the_loan_date() -> None:
    text = "借条约定年利率15%。"
    assert check(text).legal  # lawful for a loan formed when 4 × LPR was 15.4% or more
    assert check(text, private_case(100000)).legal  # a case without a loan date: still unknown
    assert check(text, private_case(100000, "15", "2021-03-10")).legal  # 4 × 3.85% = 15.4% at formation
    assert "EXCESSIVE_AMOUNT" in check(text, private_case(100000, "15", "2025-06-01")).codes()  # 4 × 3.00% = 12%


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("约定年利率18%。", True),  # above 4 × 4.25%, the highest cap since 2019-08-20
        ("按年化13.8%算，没有超过四倍LPR。", False),
        ("Your rent of RMB 4,200 for October is overdue; please pay by Friday.", False),
    ],
)
def test_rates_and_amounts_without_a_case(text: str, flagged: bool) -> None:
    assert ("EXCESSIVE_AMOUNT" in check(text).codes()) is flagged


def test_amount_demanded_above_principal_plus_protected_interest() -> None:
    case = private_case(100000, "36", "2025-11-01")
    report = check("截至本月您连本带利应还13.6万元。", case)
    assert [v.rule for v in report.violations] == ["excessive_amount:amount_above_case"]
    assert report.violations[0].matched == "13.6万元"


def test_amount_within_principal_plus_protected_interest_passes() -> None:
    case = private_case(50000, "8", "2026-05-01")
    assert check("您尚欠本金50000元及利息2300元，合计52,300元。", case).legal


def test_licensed_lender_is_not_held_to_the_private_lending_cap() -> None:
    case = private_case(10000, "18", "2025-06-01")
    case.creditor = Party(kind=PartyKind.licensed_lender)
    assert check("贷款年利率18%。", case).legal


def test_credit_report_by_private_lender_is_false_but_by_a_bank_is_lawful() -> None:
    text = "逾期信息将上报征信系统。"
    assert "FALSE_CONSEQUENCE" in check(text, private_case(20000)).codes()
    bank = private_case(20000)
    bank.creditor = Party(kind=PartyKind.licensed_lender)
    assert check(text, bank).legal


def test_gambling_purpose_in_the_case_flags_a_plain_demand() -> None:
    case = private_case(5000)
    case.illegal_purpose = Fact[str](value="gambling")
    assert "ILLEGAL_DEBT" in check("请于周五前归还5000元。", case).codes()
    assert check("请于周五前归还5000元。", private_case(5000)).legal


# --------------------------------------------------------------------------- report shape


def test_violations_are_ordered_and_carry_basis_and_severity() -> None:
    text = "你这个骗子，不还钱就让你坐牢，我会打断你的腿。"
    report = check(text)
    starts = [v.span[0] for v in report.violations]
    assert starts == sorted(starts)
    assert {"INSULT", "THREAT_FALSE_CRIMINAL", "THREAT_VIOLENCE"} <= report.codes()
    violence = next(v for v in report.violations if v.code.value == "THREAT_VIOLENCE")
    assert violence.severity == Severity.critical
    assert any(b.article == "第二百九十三条之一" for b in violence.basis)
    assert report.checked_chars == len(text)
    assert_spans_exact(text, report)


def test_check_is_deterministic() -> None:
    text = "我们已经联系了你的同事，今晚11点再打给你。"
    assert check(text).model_dump() == check(text).model_dump()


def test_english_explanation_for_english_text() -> None:
    report = check("We have told your boss about the debt.")
    assert report.violations and report.violations[0].explanation.startswith("The text")


# --------------------------------------------------------------------------- context mechanisms


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("你再不还，我们就会让你好好尝尝后果。", True),  # ultimatum with an unnamed step: backstop
        ("你再不还，我们就会向法院起诉。", False),  # the same ultimatum with a lawful step
        ("如果这个月还不上，我们会再给您发一次提醒。", False),  # an ordinary collection step
    ],
)
def test_ultimatum_backstop(text: str, flagged: bool) -> None:
    assert (not check(text).legal) is flagged


def test_backstop_gives_way_to_a_specific_rule_in_the_same_sentence() -> None:
    report = check("你再不还，我就把你的身份证照片发到网上。")
    # the vague-ultimatum backstop stays silent: the specific finding (publishing the ID photo) names it
    assert "PRIVACY" in report.codes() and "THREAT_VIOLENCE" not in report.codes()


def test_negation_inside_a_verb_final_pattern_cancels_it() -> None:
    assert check("你父母那边我不会去找，这是我们之间的事。").legal
    assert "THIRD_PARTY_DISCLOSURE" in check("你父母那边我会去找。").codes()


def test_condemning_a_practice_is_not_using_it() -> None:
    assert check("以前那种爆通讯录的催收方式是违法的，我们公司从来不做。").legal


def test_midnight_is_outside_the_contact_window() -> None:
    assert "CONTACT_TIME" in check("晚上十二点以后我会继续给你发信息。").codes()


def test_periodic_interest_amount_is_read_as_a_rate() -> None:
    report = check("借款一万，每周利息一千。")
    assert [v.rule for v in report.violations] == ["excessive_amount:rate_above_cap"]
    assert report.violations[0].matched == "一千"


def test_spans_stay_exact_when_lower_casing_changes_the_length() -> None:
    text = "İİİ We have informed your employer about the debt."
    report = check(text)
    assert "THIRD_PARTY_DISCLOSURE" in report.codes()
    assert_spans_exact(text, report)
