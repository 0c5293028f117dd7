"""Case intake from free text: what a creditor says becomes a Case; what they do not say stays None."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal

import pytest
from pydantic import BaseModel

from assistant.errors import RuleError
from assistant.intake.extract import extract_case, merge_cases, missing_facts
from assistant.intake.lexicon import INTAKE_DIR, load_lexicon
from assistant.models import (
    Case,
    ContactEvent,
    ContactStatus,
    EvidenceItem,
    EvidenceKind,
    Fact,
    Party,
    PartyKind,
    Rate,
    RatePeriod,
    Span,
)

TODAY = date(2026, 11, 28)
D = Decimal


def _value(case: Case, field: str):
    """The plain value behind an expectation key, None when the fact is absent."""
    if field == "rate":
        return case.rate.annual_percent if case.rate else None
    if field == "evidence":
        return {e.kind.value for e in case.evidence}
    if field in ("creditor_kind", "debtor_kind"):
        return getattr(case, field.split("_")[0]).kind.value
    if field == "debtor_name":
        return case.debtor.name
    if field == "language":
        return case.language
    fact = getattr(case, field)
    if fact is None:
        return None
    return fact.value.value if isinstance(fact.value, ContactStatus) else fact.value


# (narrative, expected values); every key listed is checked, None meaning "must stay unknown"
CASES = [
    (
        "朋友去年借了我10万元，约定三个月还清，到期后一直拖，说生意亏了，现在电话也不太接。",
        {"principal": D(100000), "loan_date": date(2025, 1, 1), "due_date": date(2025, 4, 1), "contact_status": "evasive",
         "rate": None, "repaid": None, "evidence": set(), "disputed": None, "language": "zh", "debtor_kind": "individual"},
    ),
    (
        "I lent my colleague ¥85,000 on 2024-03-01 at 2% a month; he repaid 10k and now ignores my WeChat.",
        {"principal": D(85000), "loan_date": date(2024, 3, 1), "rate": D(24), "repaid": D(10000),
         "contact_status": "evasive", "language": "en", "due_date": None, "evidence": set()},
    ),
    (
        "2023年7月20日，我通过银行转账借给李某6万元，约定年利率8%，2024年7月20日到期。",
        {"principal": D(60000), "loan_date": date(2023, 7, 20), "due_date": date(2024, 7, 20), "rate": D(8),
         "evidence": {"transfer_record"}, "debtor_name": "李某", "contact_status": None},
    ),
    (
        "表姐前年借走五万，没打借条，只有微信转账记录，也没说利息。她现在不回我消息。",
        {"principal": D(50000), "loan_date": date(2024, 1, 1), "rate": D(0), "evidence": {"transfer_record"},
         "contact_status": "evasive"},
    ),
    (
        "借给他2万块钱，月息三分，已经还了三个月利息，本金一直没还。",
        {"principal": D(20000), "rate": D(36), "loan_date": None},
    ),
    (
        "去年6月15日借给同事王强1.2万元，说好年底还，结果到现在都没还，人也联系不上了。",
        {"principal": D(12000), "loan_date": date(2025, 6, 15), "due_date": date(2025, 12, 31),
         "contact_status": "unreachable", "debtor_name": "王强"},
    ),
    (
        "I loaned him 50k at 18% per year in March 2024, repayable within 12 months.",
        {"principal": D(50000), "rate": D(18), "loan_date": date(2024, 3, 1), "due_date": date(2025, 3, 1)},
    ),
    (
        "My former business partner owes me RMB 300,000. He has disappeared and changed his number.",
        {"principal": D(300000), "contact_status": "unreachable", "rate": None, "loan_date": None},
    ),
    (
        "He borrowed 20,000 yuan interest-free three months ago. He hasn't blocked me, he just keeps saying next month.",
        {"principal": D(20000), "rate": D(0), "loan_date": date(2026, 8, 1), "contact_status": "reachable"},
    ),
    (
        "借款10万元，先扣了2万的利息，实际到手8万。",
        {"principal": D(100000), "interest_deducted_upfront": D(20000)},
    ),
    (
        "借20万给他，实际只转了18万，说是扣了利息。",
        {"principal": D(200000), "interest_deducted_upfront": D(20000)},
    ),
    (
        "他说拿去澳门赌博了，一共欠我5万，我有录音。",
        {"principal": D(50000), "illegal_purpose": "gambling", "evidence": {"recording"}},
    ),
    (
        "三月一日借给他五千元，日息千分之一。",
        {"principal": D(5000), "loan_date": date(2026, 3, 1), "rate": D("36.5")},
    ),
    (
        "12月1日借给他5000元，年息一分五。",
        {"loan_date": date(2025, 12, 1), "rate": D(15)},  # 1 December of this year is still ahead
    ),
    (
        "上个月借给朋友3000块，利息一分五，他说每月能还500。",
        {"principal": D(3000), "loan_date": date(2026, 10, 1), "rate": D(18), "debtor_offer_monthly": D(500)},
    ),
    (
        "半年前借给他一万，他名下有两套房，还开着宝马，就是不还。",
        {"principal": D(10000), "loan_date": date(2026, 5, 1), "debtor_has_assets": True},
    ),
    (
        "他欠我三万，说名下没有财产，车也卖了。",
        {"principal": D(30000), "debtor_has_assets": False},
    ),
    (
        "借给他十二万三千，有担保人老李，还用车做了抵押。",
        {"principal": D(123000), "guarantor": True, "collateral": True},
    ),
    (
        "借给他两万，没有担保人，也没有抵押。",
        {"guarantor": False, "collateral": False},
    ),
    (
        "他说先还5000，剩下的每个月还2000。",
        {"debtor_offer_down_payment": D(5000), "debtor_offer_monthly": D(2000), "principal": None},
    ),
    (
        "他不承认借过钱，说那是我送给他的。",
        {"disputed": True},
    ),
    (
        "他承认欠我钱，就是说现在手头紧。",
        {"disputed": False},
    ),
    (
        "欠款人住在广东省东莞市，借了我8万元。",
        {"province": "广东", "principal": D(80000)},
    ),
    (
        "The borrower lives in Chengdu and owes me 45,000 yuan.",
        {"province": "四川", "principal": D(45000)},
    ),
    (
        "我们公司向个体户张某供货，他欠货款12万，有对账单。",
        {"creditor_kind": "company", "debtor_kind": "sole_trader", "principal": D(120000)},
    ),
    (
        "我们小贷公司2024年5月放款给陈某10万元，签了借款合同，年化利率18%。",
        {"creditor_kind": "licensed_lender", "loan_date": date(2024, 5, 1), "rate": D(18), "evidence": {"contract"},
         "principal": D(100000)},
    ),
    (
        "A company, Shenzhen Hua Trading Co., Ltd., borrowed RMB 500,000 from our company on January 10, 2024, due January 10, 2025.",
        {"debtor_kind": "company", "creditor_kind": "company", "loan_date": date(2024, 1, 10),
         "due_date": date(2025, 1, 10), "province": "广东"},
    ),
    (
        "There is no IOU and no written contract, only the bank transfer. I lent my cousin 60k in 2022.",
        {"evidence": {"transfer_record"}, "principal": D(60000), "loan_date": date(2022, 1, 1)},
    ),
    (
        "We never agreed on interest. I lent him 9,000 yuan last week.",
        {"rate": D(0), "principal": D(9000), "loan_date": date(2026, 11, 21)},
    ),
    (
        "2025年1月10日借出1.5万元给邻居，利息一分五，借期一年。上个月他还了3000。",
        {"principal": D(15000), "loan_date": date(2025, 1, 10), "due_date": date(2026, 1, 10), "repaid": D(3000),
         "last_contact_date": date(2026, 10, 1)},
    ),
    (
        "老同学前年找我借了5.6万元周转，说半年还，我有他写的欠条。他在北京上班。",
        {"principal": D(56000), "loan_date": date(2024, 1, 1), "due_date": date(2024, 7, 1), "evidence": {"iou"},
         "province": "北京"},
    ),
    (
        "他先后还了两次，一次1万，一次5000，还欠我4万没还。",
        {"repaid": D(15000), "principal": D(55000)},  # what was lent = what is still owed + what came back
    ),
    (
        "小王上周又找我借了一千五，之前还借过两万。",
        {"principal": D(21500), "debtor_name": "小王"},
    ),
    (
        "He owes me 30,000 yuan. I lent it to him on 15 March 2025 and he promised to pay it back by the end of June 2025.",
        {"loan_date": date(2025, 3, 15), "due_date": date(2025, 6, 30), "principal": D(30000)},
    ),
]


@pytest.mark.parametrize(("narrative", "expected"), CASES, ids=[c[0][:24] for c in CASES])
def test_extract_case(narrative, expected):
    case = extract_case(narrative, TODAY)
    got = {field: _value(case, field) for field in expected}
    assert got == expected


def _spans(obj, path="case"):
    """Every Span inside a model, with where it was found."""
    if isinstance(obj, Span):
        yield path, obj
    elif isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            yield from _spans(getattr(obj, name), f"{path}.{name}")
    elif isinstance(obj, list):
        for i, item in enumerate(obj):
            yield from _spans(item, f"{path}[{i}]")


@pytest.mark.parametrize("narrative", [c[0] for c in CASES], ids=[c[0][:24] for c in CASES])
def test_every_span_points_at_its_words(narrative):
    case = extract_case(narrative, TODAY)
    spans = list(_spans(case))
    assert spans, "a case with facts must cite their words"
    for path, span in spans:
        assert narrative[span.start : span.end] == span.text, path


def test_span_of_each_fact_is_the_words_it_came_from():
    case = extract_case("2024年3月1日借给张三8万元，月息2分，他只还了2万。", TODAY)
    assert case.principal.source.text == "8万元"
    assert case.loan_date.source.text == "2024年3月1日"
    assert case.rate.source.text == "月息2分"
    assert case.repaid.source.text == "2万"


def test_nothing_said_means_nothing_known():
    case = extract_case("他欠钱不还。", TODAY)
    for field in ("principal", "repaid", "rate", "loan_date", "due_date", "last_contact_date", "guarantor", "collateral",
                  "disputed", "illegal_purpose", "debtor_has_assets", "debtor_offer_monthly", "province"):
        assert getattr(case, field) is None, field
    assert case.evidence == [] and case.contacts == []


@pytest.mark.parametrize(
    ("phrase", "annual", "period", "stated"),
    [
        ("年利率24%", "24", "year", "24"),
        ("年息10%", "10", "year", "10"),
        ("月息2分", "24", "month", "2"),
        ("月利率1.5%", "18", "month", "1.5"),
        ("日万分之五", "18.25", "day", "0.05"),  # 365-day year
        ("利息一分五", "18", "month", "1.5"),  # a bare 分 is 月息
        ("年息一分五", "15", "year", "15"),  # 分 with 年息 is a tenth
        ("月息5厘", "6", "month", "0.5"),
        ("三分利", "36", "month", "3"),
        ("2% a month", "24", "month", "2"),
        ("18% per year", "18", "year", "18"),
        ("a monthly rate of 1.5%", "18", "month", "1.5"),
        ("无息", "0", "year", "0"),
        ("没约定利息", "0", "year", "0"),
        ("interest-free", "0", "year", "0"),
    ],
)
def test_rate_normalised_to_percent_a_year(phrase, annual, period, stated):
    rate = extract_case(f"借给他1万元，{phrase}。", TODAY).rate
    assert (rate.annual_percent, rate.stated_period, rate.stated_value) == (D(annual), RatePeriod(period), D(stated))


@pytest.mark.parametrize("phrase", ["利息24%", "借给他1万元", "十分感谢", "还了一部分", "这么多年一分没还", "I lent him 5k"])
def test_rate_not_guessed(phrase):
    assert extract_case(phrase, TODAY).rate is None


def test_overdue_rate_is_not_the_agreed_rate():
    assert extract_case("月息1分，逾期按日千分之一计", TODAY).rate.annual_percent == 12


def test_interest_stated_as_money_becomes_a_rate():
    rate = extract_case("借给他10万，每月利息2000。", TODAY).rate
    assert (rate.annual_percent, rate.stated_period) == (D(24), RatePeriod.month)


@pytest.mark.parametrize(
    ("phrase", "loan"),
    [
        ("2024年3月1日借给他1万", date(2024, 3, 1)),
        ("2024-03-01借给他1万", date(2024, 3, 1)),
        ("二〇二四年三月一日借给他1万", date(2024, 3, 1)),
        ("3月1日借给他1万", date(2026, 3, 1)),
        ("去年5月借给他1万", date(2025, 5, 1)),
        ("上个月借给他1万", date(2026, 10, 1)),
        ("三个月前借给他1万", date(2026, 8, 1)),
        ("去年借给他1万", date(2025, 1, 1)),
        ("前年借给他1万", date(2024, 1, 1)),
        ("半年前借给他1万", date(2026, 5, 1)),
        ("上周借给他1万", date(2026, 11, 21)),
        ("两年前借给他1万", date(2024, 11, 1)),
        ("I lent him 10k on March 1, 2024", date(2024, 3, 1)),
        ("I lent him 10k three weeks ago", date(2026, 11, 7)),
        ("I lent him 10k last year", date(2025, 1, 1)),
    ],
)
def test_loan_date_resolved_against_today(phrase, loan):
    assert extract_case(phrase, TODAY).loan_date.value == loan


def test_term_gives_due_date_only_when_loan_date_known():
    assert extract_case("借给他1万，借期一年", TODAY).due_date is None
    assert extract_case("2024年2月29日借给他1万，借期一年", TODAY).due_date.value == date(2025, 2, 28)


def test_yearless_date_takes_the_year_of_its_sentence():
    case = extract_case("2024年11月借给他1万，约定3月1日还", TODAY)
    assert case.due_date.value == date(2025, 3, 1)


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("没有借条", set()),
        ("我没有借条，但有转账记录", {"transfer_record"}),
        ("借条丢了，只有聊天记录", {"chat_record"}),
        ("有借条和通话录音", {"iou", "recording"}),
        ("没打借条也没签合同", set()),
        ("借条上没写利息", {"iou"}),  # a negation later in the clause is not about the IOU
        ("当时有朋友在场，可以作证", {"witness"}),
        ("他父亲作为保证人签了字", set()),  # a guarantor is not a witness
        ("他给我写了收条", {"receipt"}),
        ("No IOU, but I have bank statements and a witness", {"transfer_record", "witness"}),
        ("He signed an IOU", {"iou"}),
        ("We did not sign a contract", set()),
    ],
)
def test_evidence_with_negation(text, kinds):
    assert {e.kind.value for e in extract_case(text, TODAY).evidence} == kinds


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("他没有失联", "reachable"),
        ("人已经失联了", "unreachable"),
        ("电话不接，微信也拉黑了", "evasive"),
        ("电话能打通，但一直推脱", "evasive"),
        ("之前找不到人，现在能联系上了", "reachable"),
        ("他还钱慢，但一直有联系", "reachable"),
        ("He hasn't disappeared", "reachable"),
        ("He blocked me on WeChat", "evasive"),
        ("他现在把我微信删了", "evasive"),
        ("I can't reach him anymore", "unreachable"),
        ("他欠我钱", None),
    ],
)
def test_contact_status_with_negation(text, status):
    fact = extract_case(text, TODAY).contact_status
    assert (fact.value.value if fact else None) == status


def test_demand_with_date_and_channel_is_a_contact_event():
    case = extract_case("去年借给他2万。上周我去他家催过，他答应月底前还一部分。", TODAY)
    demand = next(e for e in case.contacts if e.kind == "demand")
    assert (demand.when, demand.channel) == (date(2026, 11, 21), "visit")
    assert case.last_contact_date.value == date(2026, 11, 21)
    assert any(e.kind == "promise" for e in case.contacts)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("我起诉过他，他也不还", "lawsuit"),
        ("今年3月他承认欠款", "acknowledgement"),
        ("I sent him a demand letter", "demand"),
        ("他还了一部分", "partial_payment"),
    ],
)
def test_contact_event_kinds(text, kind):
    assert kind in {e.kind for e in extract_case(text, TODAY).contacts}


def test_denied_contact_is_no_event():
    assert extract_case("我一直没催过他", TODAY).contacts == []


def test_missing_facts_ask_for_what_is_absent_first_the_principal():
    missing = missing_facts(extract_case("他欠钱不还。", TODAY))
    fields = [m.field for m in missing]
    assert fields[0] == "principal"
    assert {"loan_date", "due_date", "evidence", "disputed", "rate", "repaid", "province"} <= set(fields)
    assert all(m.question and m.why for m in missing)


def test_missing_facts_do_not_ask_for_what_was_said():
    case = extract_case(
        "2024年3月1日借给同事张三8万元，约定2024年9月1日还，月息1分，有借条。他承认欠款，还了2万，"
        "现在能联系上，他在杭州有房。",
        TODAY,
    )
    fields = {m.field for m in missing_facts(case)}
    assert fields.isdisjoint({"principal", "loan_date", "due_date", "evidence", "disputed", "rate", "repaid",
                              "debtor_has_assets", "province", "debtor_contact", "debtor_name"})


def test_missing_facts_speak_the_case_language():
    en = missing_facts(extract_case("He owes me money and won't pay.", TODAY))
    zh = missing_facts(extract_case("他欠钱不还。", TODAY))
    assert en[0].question.startswith("How much")
    assert "多少" in zh[0].question


# --------------------------------------------------------------------------- merge with an LLM case


def _llm_case(narrative: str, **facts) -> Case:
    return Case(narrative=narrative, today=TODAY, **facts)


def test_merge_rule_facts_win():
    text = "借给他10万，月息2分"
    rule = extract_case(text, TODAY)
    llm = _llm_case(text, principal=Fact[Decimal](value=D(1000), source=Span(start=3, end=6, text="10万")))
    assert merge_cases(rule, llm).principal.value == D(100000)


def test_merge_fills_gaps_with_grounded_llm_facts_only():
    text = "借给他10万，他说家里人生病了，钱都花在医院了"
    rule = extract_case(text, TODAY)
    llm = _llm_case(
        text,
        disputed=Fact[bool](value=False, source=Span(start=0, end=4, text="他说家里人")),  # wrong offsets, words present
        province=Fact[str](value="上海", source=Span(start=0, end=2, text="上海")),  # words not in the narrative
        debtor_has_assets=Fact[bool](value=False),  # no source at all
        evidence=[EvidenceItem(kind=EvidenceKind.witness, source=Span(start=0, end=2, text="证人"))],
        contacts=[ContactEvent(kind="promise", source=Span(start=0, end=3, text="他说家"))],
        debtor=Party(kind=PartyKind.individual, source=Span(start=2, end=3, text="他")),
    )
    merged = merge_cases(rule, llm)
    assert merged.disputed.value is False and merged.disputed.origin == "llm"
    assert text[merged.disputed.source.start : merged.disputed.source.end] == "他说家里人"
    assert merged.province is None and merged.debtor_has_assets is None
    assert merged.evidence == rule.evidence
    assert [e.kind for e in merged.contacts] == ["promise"]


def test_merge_adds_a_grounded_llm_rate_where_rules_found_none():
    text = "借给他10万，利息按每月两千算"
    rule = extract_case(text, TODAY)
    assert rule.rate is None
    llm_rate = Rate(annual_percent=D(24), stated_period=RatePeriod.month, stated_value=D(2),
                    source=Span(start=0, end=4, text="每月两千"))
    merged = merge_cases(rule, _llm_case(text, rate=llm_rate))
    assert merged.rate.annual_percent == D(24)
    assert text[merged.rate.source.start : merged.rate.source.end] == "每月两千"


def test_merge_drops_an_llm_rate_without_words():
    text = "借给他10万"
    llm_rate = Rate(annual_percent=D(36), stated_period=RatePeriod.year, stated_value=D(36))
    assert merge_cases(extract_case(text, TODAY), _llm_case(text, rate=llm_rate)).rate is None


# --------------------------------------------------------------------------- lexicons are strict data


def test_lexicon_loads():
    lex = load_lexicon()
    assert lex.rates.day_count == 365 and lex.questions.questions[0].field == "principal"


def test_lexicon_rejects_unknown_key(tmp_path):
    shutil.copytree(INTAKE_DIR, tmp_path / "intake")
    path = tmp_path / "intake" / "evidence.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\nsurprise: 1\n", encoding="utf-8")
    with pytest.raises(RuleError, match="evidence.yaml"):
        load_lexicon(tmp_path / "intake")


def test_lexicon_rejects_bad_regex(tmp_path):
    shutil.copytree(INTAKE_DIR, tmp_path / "intake")
    path = tmp_path / "intake" / "negation.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("从来没", "从来没(", 1), encoding="utf-8")
    with pytest.raises(RuleError, match="negation.yaml"):
        load_lexicon(tmp_path / "intake")


def test_a_word_negated_right_before_it_is_no_event():
    case = extract_case("他说那笔钱是投资，不认账。", TODAY)
    assert case.disputed.value is True
    assert [e.kind for e in case.contacts] == []


@pytest.mark.parametrize(
    ("text", "principal"),
    [
        ("他总共欠我6万，还过一次5000", D(60000)),  # the whole debt
        ("他还了1万，还欠我5万", D(60000)),  # still owed + repaid
    ],
)
def test_owed_total_versus_still_owed(text, principal):
    assert extract_case(text, TODAY).principal.value == principal


def test_the_narrator_trader_is_the_creditor_not_the_debtor():
    case = extract_case("我是开小卖部的个体户，隔壁邻居在我这赊账，欠了我两千块钱。", TODAY)
    assert (case.creditor.kind, case.debtor.kind) == (PartyKind.sole_trader, PartyKind.individual)


def test_a_personal_name_makes_the_debtor_an_individual():
    case = extract_case("借款人张某于2022年3月15日向我借款人民币100000元。", TODAY)
    assert (case.debtor.name, case.debtor.kind) == ("张某", PartyKind.individual)
    assert case.creditor.name is None


@pytest.mark.parametrize(
    "narrative, expected",
    [
        ("他说工资都没拿到，公司拖欠了三个月", False),  # an unpaid salary is no asset
        ("他每个月有工资，就是不还", True),
        ("他月薪两万，就是不还", True),
        ("He has a steady salary but ignores me", True),
    ],
)
def test_a_salary_counts_as_means_only_when_it_is_being_paid(narrative, expected):
    case = extract_case(narrative, date(2026, 11, 28))
    assert case.debtor_has_assets is not None and case.debtor_has_assets.value is expected


@pytest.mark.parametrize(
    "narrative",
    ["去年打麻将他输了我2万块钱，一直不给", "He lost RMB 30,000 to me playing cards for money", "他在澳门百家乐欠我的码单还没结"],
)
def test_gambling_debts_are_recognised_in_everyday_words(narrative):
    case = extract_case(narrative, date(2026, 11, 28))
    assert case.illegal_purpose is not None and case.illegal_purpose.value == "gambling"


def test_sulking_is_not_gambling():
    assert extract_case("他跟我赌气，说不还了", date(2026, 11, 28)).illegal_purpose is None


def test_no_objection_to_the_debt_means_undisputed():
    case = extract_case("他对欠款没有任何异议，就是拖着", date(2026, 11, 28))
    assert case.disputed is not None and case.disputed.value is False


def test_a_date_written_before_huan_is_the_due_date():
    case = extract_case("借条上写2023年12月15日还，到现在没还", date(2026, 11, 28))
    assert case.due_date is not None and case.due_date.value == date(2023, 12, 15)


@pytest.mark.parametrize(
    "narrative, disputed",
    [
        ("我转给他20万，他现在说这钱是我投资他饭店的股本，赔了就不用还", True),  # loan or investment: a dispute
        ("My debtor now claims he repaid the RMB 70,000 in cash last spring", True),
        ("他说早就用现金还清了", True),
        ("双方对账单都签字盖章了，对方从没提过质量问题", False),  # a signed statement of account
        ("他承认欠钱，也从来没说过金额不对", False),
    ],
)
def test_whether_the_debtor_disputes_the_debt(narrative, disputed):
    case = extract_case(narrative, date(2026, 11, 28))
    assert case.disputed is not None and case.disputed.value is disputed
