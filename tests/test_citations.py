"""The citation verifier: every citation in a text, judged against the law in force."""

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.law.citations import find_citations, verify_citations
from assistant.models import CitationStatus

V, REPEALED, RENUM, NONE, UNKNOWN = (
    CitationStatus.valid,
    CitationStatus.repealed,
    CitationStatus.renumbered,
    CitationStatus.nonexistent,
    CitationStatus.unknown_law,
)
CIVIL_CODE = "中华人民共和国民法典"


def only(text: str):
    checks = verify_citations(text)
    assert len(checks) == 1, [c.span.text for c in checks]
    return checks[0]


# --------------------------------------------------------------------------- finding


@pytest.mark.parametrize(
    "text, span",
    [
        ("根据《民法典》第五百七十七条，你方应承担违约责任。", "《民法典》第五百七十七条"),
        ("依照民法典第577条的规定", "民法典第577条"),
        ("《中华人民共和国民法典》第五百七十七条规定", "《中华人民共和国民法典》第五百七十七条"),
        ("可能触犯刑法第293条之一", "刑法第293条之一"),
        ("可能触犯《刑法》293条之一", "《刑法》293条之一"),
        ("见《民事诉讼法》（2023年修正）第二百二十五条", "《民事诉讼法》（2023年修正）第二百二十五条"),
        ("Under Article 577 of the Civil Code the debtor is liable.", "Article 577 of the Civil Code"),
        ("See Civil Code art. 577.", "Civil Code art. 577"),
        (
            "依《最高人民法院关于适用《中华人民共和国民事诉讼法》的解释》第四百二十七条申请",
            "《最高人民法院关于适用《中华人民共和国民事诉讼法》的解释》第四百二十七条",
        ),
        (
            "最高人民法院关于适用《中华人民共和国民事诉讼法》的解释第四百三十六条规定",
            "最高人民法院关于适用《中华人民共和国民事诉讼法》的解释第四百三十六条",
        ),
        ("This may breach Criminal Law Article 293.", "Criminal Law Article 293"),
    ],
)
def test_finds_a_citation_in_each_written_form(text, span):
    found = find_citations(text)
    assert [f.span.text for f in found] == [span]
    assert text[found[0].span.start : found[0].span.end] == span


def test_carries_the_law_over_to_later_articles_in_the_same_sentence():
    found = find_citations("依据《民法典》第六百七十五条、第六百七十六条，借款人应按期还款并支付逾期利息。")
    assert [(f.law, f.article) for f in found] == [(CIVIL_CODE, "第六百七十五条"), (CIVIL_CODE, "第六百七十六条")]
    assert [f.carried_over for f in found] == [False, True]


def test_a_law_named_earlier_in_the_sentence_applies_to_a_bare_article():
    found = find_citations("暴力催收可能构成刑法规定的犯罪，即第二百九十三条之一的催收非法债务罪。")
    assert [(f.law, f.article) for f in found] == [("中华人民共和国刑法", "第二百九十三条之一")]


def test_articles_written_once_for_a_list_are_all_cited():
    found = find_citations("民法典第675、676条")
    assert [f.article for f in found] == ["第六百七十五条", "第六百七十六条"]


def test_english_lists_of_articles_are_all_cited():
    found = find_citations("Articles 675 and 676 of the Civil Code apply.")
    assert [f.article for f in found] == ["第六百七十五条", "第六百七十六条"]


@pytest.mark.parametrize(
    "text",
    [
        "双方约定如下：第一条 借款金额为五万元。",  # a contract's own clause numbering
        "根据《民法典》的规定，双方达成如下协议：第三条 违约责任。",
        "本法第十条另有规定的除外。",
        "根据民间借贷规定，借款合同第三十五条约定了违约金。",  # the contract's clause, not the law's
        "第五条",
        "请于三日内还款。",
        "根据民法典，我提三条建议：一、按时还款。",
        "借条上写了5条还款约定。",
        "",
    ],
)
def test_does_not_invent_citations(text):
    assert find_citations(text) == []


def test_a_contract_clause_after_a_citation_is_not_carried_over():
    found = find_citations("依据民间借贷规定第25条，双方协议第40条约定的利率无效。")
    assert [f.article for f in found] == ["第二十五条"]


def test_does_not_read_the_article_inside_a_title_as_a_citation():
    found = find_citations("全国人民代表大会常务委员会关于《中华人民共和国刑法》第三百一十三条的解释")
    assert found == []


def test_carry_over_does_not_cross_sentences():
    assert [f.article for f in find_citations("参见民法典第577条。第九条另有约定。")] == ["第五百七十七条"]


# --------------------------------------------------------------------------- verdicts


@pytest.mark.parametrize(
    "text, status, law, article",
    [
        ("《民法典》第五百七十七条", V, CIVIL_CODE, "第五百七十七条"),
        ("民法典第577条", V, CIVIL_CODE, "第五百七十七条"),
        ("刑法第293条之一", V, "中华人民共和国刑法", "第二百九十三条之一"),
        ("《民事诉讼法》第二百二十五条规定了支付令", V, "中华人民共和国民事诉讼法", "第二百二十五条"),
        ("民法典第1438条", NONE, CIVIL_CODE, "第一千四百三十八条"),
        ("民法典第1261条", NONE, CIVIL_CODE, "第一千二百六十一条"),
        ("刑法第二百九十二条之一", NONE, "中华人民共和国刑法", "第二百九十二条之一"),
        ("民间借贷规定第99条", NONE, "最高人民法院关于审理民间借贷案件适用法律若干问题的规定", "第九十九条"),
        ("合同法第52条", REPEALED, "中华人民共和国合同法", "第五十二条"),
        ("《债务催收管理条例》第五条", UNKNOWN, "债务催收管理条例", "第五条"),
        ("按照催收管理办法第8条执行", UNKNOWN, "催收管理办法", "第八条"),
        ("Article 577 of the Civil Code", V, CIVIL_CODE, "第五百七十七条"),
        ("Article 293-1 of the Criminal Law", V, "中华人民共和国刑法", "第二百九十三条之一"),
        ("Article 5 of the Debt Collection Act", UNKNOWN, "Debt Collection Act", "第五条"),
    ],
)
def test_verdicts(text, status, law, article):
    check = only(text)
    assert (check.status, check.law, check.article) == (status, law, article)
    assert check.message


def test_repealed_contract_law_points_to_the_civil_code_successor():
    check = only("依据合同法第107条，对方应当赔偿损失。")
    assert check.status == REPEALED
    assert check.successor is not None
    assert (check.successor.law, check.successor.article) == (CIVIL_CODE, "第五百七十七条")
    assert "废止" in check.message and "repealed" in check.message


@pytest.mark.parametrize(
    "text, successor",
    [
        ("担保法第19条", "第六百八十六条"),
        ("民法通则第135条规定诉讼时效为二年", "第一百八十八条"),
        ("民法总则第188条", "第一百八十八条"),
    ],
)
def test_other_repealed_civil_laws_map_to_the_civil_code(text, successor):
    check = only(text)
    assert check.status == REPEALED and check.successor.law == CIVIL_CODE and check.successor.article == successor


def test_cpl_214_about_payment_orders_is_the_2017_numbering():
    check = only("可依《民事诉讼法》第214条向法院申请支付令。")
    assert check.status == RENUM
    assert check.successor.article == "第二百二十五条"
    assert "2017" in check.message


def test_cpl_214_about_retrial_is_the_current_article():
    assert only("《民事诉讼法》第214条规定当事人申请再审应当提交再审申请书。").status == V


def test_cpl_2021_numbering_for_payment_orders_is_renumbered():
    check = only("根据民事诉讼法第二百二十一条，债权人可以申请支付令。")
    assert check.status == RENUM and check.successor.article == "第二百二十五条"


def test_old_small_claims_article_is_renumbered_but_current_one_is_valid():
    assert only("民事诉讼法第162条规定的小额诉讼一审终审").successor.article == "第一百六十五条"
    assert only("民事诉讼法第一百六十五条规定的小额诉讼一审终审").status == V


def test_current_preservation_article_is_not_mistaken_for_old_numbering():
    assert only("依民事诉讼法第一百零三条申请财产保全，查封对方房产。").status == V


def test_a_year_written_with_the_law_selects_that_version():
    check = only("2017年民事诉讼法第一百条")
    assert check.status == RENUM and check.successor.article == "第一百零三条"


def test_lending_article_26_about_the_old_24_percent_rule_is_renumbered():
    check = only("根据民间借贷规定第26条，年利率超过24%的部分不受保护。")
    assert check.status == RENUM and check.successor.article == "第二十五条"


def test_lending_article_26_about_upfront_interest_is_the_current_article():
    assert only("依据民间借贷规定第26条，预先扣除的砍头息不计入本金。").status == V


def test_lending_article_25_about_the_lpr_cap_is_valid():
    assert only("民间借贷司法解释第二十五条规定利率上限为一年期LPR的四倍。").status == V


def test_old_public_security_numbering_for_threats_is_renumbered():
    check = only("发送恐吓信息，违反治安管理处罚法第42条。")
    assert check.status == RENUM and check.successor.article == "第五十条"


def test_secondary_sources_are_never_reported_as_valid():
    assert only("诉讼费用交纳办法第十三条").status == UNKNOWN
    assert only("《商业银行信用卡业务监督管理办法》第七十条").status == UNKNOWN


def test_amended_criminal_law_article_is_valid_with_a_warning():
    check = only("刑法第一百六十五条")
    assert check.status == V and "修正案（十二）" in check.message


def test_a_text_mixing_valid_repealed_renumbered_and_invented_citations():
    text = (
        "尊敬的张先生：您于2023年向我方借款10万元，依据《民法典》第六百七十五条、第六百七十六条，应按期还款并支付逾期利息。"
        "根据合同法第二百零六条，借款人应当按照约定期限返还借款。"
        "如仍不还款，我方将依《民事诉讼法》第214条申请支付令。"
        "另依民法典第1438条，您须承担全部费用。"
        "依据《最高人民法院关于审理民间借贷案件适用法律若干问题的规定》第二十五条，约定利率未超过一年期LPR四倍。"
    )
    verdicts = [(c.article, c.status) for c in verify_citations(text)]
    assert verdicts == [
        ("第六百七十五条", V),
        ("第六百七十六条", V),
        ("第二百零六条", REPEALED),
        ("第二百一十四条", RENUM),
        ("第一千四百三十八条", NONE),
        ("第二十五条", V),
    ]


# --------------------------------------------------------------------------- robustness


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="第条之一二三四五六七八九十百千0123456789《》民法典刑合同、，。 Article of the Civil Code", max_size=200))
def test_arbitrary_text_never_crashes_and_spans_are_exact(text):
    for check in verify_citations(text):
        assert text[check.span.start : check.span.end] == check.span.text


@pytest.mark.parametrize(
    "text",
    ["第" * 20_000, "民法典" * 7_000 + "第", "《" * 20_000, "Article 1 of " + "Aa " * 6_000, "第一二三四五六七八九十" * 2_000],
)
def test_pathological_inputs_finish_quickly(text):
    start = time.perf_counter()
    verify_citations(text)
    assert time.perf_counter() - start < 2.0


def test_a_long_letter_is_checked_fast():
    letter = "根据《民法典》第五百七十七条，对方应承担违约责任；依民间借贷规定第二十八条计算逾期利息。" * 200
    verify_citations("预热 民法典第1条")
    start = time.perf_counter()
    checks = verify_citations(letter)
    assert len(checks) == 400
    assert time.perf_counter() - start < 1.5
