"""Statute access: DB articles, law names, our own-words units and the renumbering maps."""

import threading

import pytest

from assistant.law.statutes import (
    article_exists,
    get_article,
    iter_all_current,
    iter_articles,
    knowledge_units,
    law_status,
    max_article,
    renumbering_maps,
    repealed_law,
    resolve_law,
    short_name,
)
from assistant.models import Citation
from assistant.text.article_numbers import parse_article, to_chinese_article

CIVIL_CODE = "中华人民共和国民法典"
CPL = "中华人民共和国民事诉讼法"
LENDING = "最高人民法院关于审理民间借贷案件适用法律若干问题的规定"


@pytest.mark.parametrize(
    "name, title",
    [
        ("民法典", CIVIL_CODE),
        ("《中华人民共和国民法典》", CIVIL_CODE),
        ("Civil Code", CIVIL_CODE),
        ("民诉法", CPL),
        ("民事诉讼法", CPL),
        ("刑法", "中华人民共和国刑法"),
        ("个保法", "中华人民共和国个人信息保护法"),
        ("个人信息保护法", "中华人民共和国个人信息保护法"),
        ("治安管理处罚法", "中华人民共和国治安管理处罚法"),
        ("治安法", "中华人民共和国治安管理处罚法"),
        ("劳动合同法", "中华人民共和国劳动合同法"),  # any DB title without its prefix
        ("民间借贷规定", LENDING),
        ("民间借贷司法解释", LENDING),
        ("诉讼时效规定", "最高人民法院关于审理民事案件适用诉讼时效制度若干问题的规定"),
        ("民诉法解释", "最高人民法院关于适用《中华人民共和国民事诉讼法》的解释"),
        ("最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释", "最高人民法院关于适用《中华人民共和国民事诉讼法》的解释"),
        ("银行卡规定", "最高人民法院关于审理银行卡民事纠纷案件若干问题的规定"),
        ("合同法", "中华人民共和国合同法"),
        ("《民事诉讼法》（2023年修正）", CPL),
        ("民间借贷规定(2020修正)", LENDING),
        ("互联网金融逾期债务催收自律公约（试行）", "互联网金融逾期债务催收自律公约（试行）"),
        ("刑法修正案（十一）", "中华人民共和国刑法修正案（十一）"),
    ],
)
def test_resolve_law_maps_names_and_aliases_to_the_official_title(name, title):
    assert resolve_law(name) == title


@pytest.mark.parametrize("name", ["", "   ", "催收管理条例", "民法", "Debt Collection Act"])
def test_resolve_law_returns_none_for_unknown_names(name):
    assert resolve_law(name) is None


def test_civil_code_has_1260_articles():
    assert max_article("民法典") == 1260


def test_get_article_returns_db_text_in_statute_form():
    c = get_article("民法典", 577)
    assert isinstance(c, Citation)
    assert (c.law, c.article, c.source, c.status) == (CIVIL_CODE, "第五百七十七条", "statute_db", "current")
    assert "违约责任" in c.text
    assert c.effective_date is not None and c.effective_date.isoformat() == "2021-01-01"


def test_get_article_finds_inserted_articles():
    c = get_article("刑法", "第293条之一")
    assert c is not None and c.article == "第二百九十三条之一" and "非法债务" in c.text


def test_get_article_marks_criminal_law_articles_changed_by_the_twelfth_amendment():
    assert get_article("刑法", 165).status == "amended"
    assert get_article("刑法", 293).status == "current"


def test_get_article_on_the_current_cpl_has_payment_orders_at_225():
    assert "支付令" in get_article("民事诉讼法", 225).text + get_article("民事诉讼法", 226).text


@pytest.mark.parametrize("law, article", [("民法典", 1438), ("合同法", 107), ("没有这部法", 1), ("民法典", "abc")])
def test_get_article_returns_none_for_missing_repealed_or_unknown(law, article):
    assert get_article(law, article) is None


def test_get_article_returns_our_own_words_for_judicial_interpretations():
    c = get_article("民间借贷规定", "第25条")
    assert c is not None and c.source == "knowledge" and c.law == LENDING and c.article == "第二十五条"
    assert "四倍" in c.text


def test_iter_articles_yields_a_range_in_order():
    arts = [c.article for c in iter_articles("民事诉讼法", 225, 228)]
    assert arts == ["第二百二十五条", "第二百二十六条", "第二百二十七条", "第二百二十八条"]


def test_iter_articles_keeps_inserted_articles_after_their_base():
    arts = [c.article for c in iter_articles("刑法", 293, 293)]
    assert arts == ["第二百九十三条", "第二百九十三条之一"]


def test_iter_articles_for_knowledge_law_is_sorted_by_number():
    numbers = [parse_article(c.article)[0] for c in iter_articles("民间借贷规定")]
    assert numbers == sorted(numbers) and 25 in numbers


def test_iter_all_current_covers_the_db_but_not_superseded_versions():
    seen: dict[str, int] = {}
    for c in iter_all_current():
        seen[c.law] = seen.get(c.law, 0) + 1
    assert seen[CIVIL_CODE] == 1260
    assert "中华人民共和国合同法" not in seen
    assert not any(law.startswith("中华人民共和国刑法修正案") for law in seen)
    assert seen["中华人民共和国仲裁法"] < 120  # only one version of a law with a 历史版本 in the DB


def test_law_status_distinguishes_current_and_repealed():
    assert law_status("民法典") == "current"
    assert law_status("刑法") == "current"  # the DB says 已被修改; it is the text in force
    assert law_status("合同法") == "repealed"
    assert law_status("不存在的法") is None


def test_repealed_laws_name_their_successor():
    rep = repealed_law("担保法")
    assert rep is not None and rep.successor == CIVIL_CODE and "一千二百六十" in rep.basis


def test_short_names_are_readable():
    assert short_name(CIVIL_CODE) == "民法典"
    assert short_name(LENDING) == "民间借贷规定"


def test_article_exists_is_three_valued():
    assert article_exists("民法典", 1260) is True
    assert article_exists("民法典", 1261) is False
    assert article_exists("刑法", 293, "之一") is True
    assert article_exists("刑法", 292, "之一") is False
    assert article_exists("民间借贷规定", 31) is True and article_exists("民间借贷规定", 32) is False
    assert article_exists("民诉法解释", 9) is None  # not in our units, article count not verified


# --------------------------------------------------------------------------- knowledge units


def test_every_knowledge_unit_resolves_to_its_own_law():
    for u in knowledge_units():
        assert resolve_law(u.law) == u.law, u.law
        assert resolve_law(u.short_name) == u.law, u.short_name


def test_every_numbered_knowledge_unit_is_reachable_through_get_article():
    for u in knowledge_units():
        if u.article and u.article != "全文":
            c = get_article(u.law, u.article)
            assert c is not None and c.text == u.text and c.source == "knowledge"


def test_knowledge_units_carry_colloquial_questions_in_chinese_and_english():
    for u in knowledge_units():
        chinese = [q for q in u.questions if not q.isascii()]
        english = [q for q in u.questions if q.isascii()]
        assert 3 <= len(chinese) <= 6 and 1 <= len(english) <= 2, (u.short_name, u.article)


def test_knowledge_unit_articles_stay_within_the_instruments_size():
    for u in knowledge_units():
        top = max_article(u.law)
        if top and u.article not in ("", "全文"):
            assert parse_article(u.article)[0] <= top


def test_secondary_units_never_claim_an_unverified_collection_rule_number():
    """Collection-conduct rules exist only in paraphrase: no article numbers may be invented for them."""
    conduct = [u for u in knowledge_units() if u.law in {"商业银行信用卡业务监督管理办法", "互联网金融逾期债务催收自律公约（试行）"}]
    assert conduct and all(u.secondary and u.article == "" for u in conduct)
    assert all(u.source_note for u in knowledge_units() if u.secondary)


def test_key_interpretation_articles_are_present():
    wanted = {
        (LENDING, 25), (LENDING, 26), (LENDING, 28), (LENDING, 13),
        ("最高人民法院关于审理民事案件适用诉讼时效制度若干问题的规定", 8),
        ("最高人民法院关于审理民事案件适用诉讼时效制度若干问题的规定", 19),
        ("最高人民法院关于适用《中华人民共和国民事诉讼法》的解释", 427),
        ("最高人民法院关于适用《中华人民共和国民事诉讼法》的解释", 436),
        ("诉讼费用交纳办法", 13), ("诉讼费用交纳办法", 14), ("诉讼费用交纳办法", 16),
    }  # fmt: skip
    have = {(u.law, parse_article(u.article)[0]) for u in knowledge_units() if u.article not in ("", "全文")}
    assert wanted <= have


# --------------------------------------------------------------------------- renumbering maps


def test_every_renumbering_target_exists_in_the_current_law():
    for m in renumbering_maps():
        assert resolve_law(m.to_law) == m.to_law and law_status(m.to_law) == "current"
        for a in m.articles:
            if a.new is not None:
                assert article_exists(m.to_law, a.new) is True, (m.from_law, m.from_version, a.old, a.new)


def test_repealed_law_maps_start_from_a_repealed_law():
    for m in renumbering_maps():
        if m.relation == "repealed_law":
            assert law_status(m.from_law) == "repealed"


@pytest.mark.parametrize(
    "from_law, version_prefix, old, new",
    [
        ("中华人民共和国合同法", "1999", 107, 577),
        ("中华人民共和国合同法", "1999", 211, 680),
        ("中华人民共和国担保法", "1995", 19, 686),
        ("中华人民共和国民法通则", "1986", 135, 188),
        ("中华人民共和国民法通则", "1986", 140, 195),
        (CPL, "2017", 214, 225),
        (CPL, "2017", 162, 165),
        (CPL, "2017", 239, 250),
        (CPL, "2021", 246, 250),
        (LENDING, "2015", 26, 25),
        (LENDING, "2015", 27, 26),
        ("中华人民共和国治安管理处罚法", "2012", 42, 50),
    ],
)
def test_renumbering_maps_hold_the_verified_correspondences(from_law, version_prefix, old, new):
    m = next(m for m in renumbering_maps() if m.from_law == from_law and m.from_version.startswith(version_prefix))
    assert m.lookup(old).new == new


def test_db_access_is_safe_from_worker_threads():
    errors: list[Exception] = []
    results: list[str] = []

    def work(n: int) -> None:
        try:
            for i in range(1, 40):
                results.append(get_article("民法典", n * 40 + i).article)
        except Exception as exc:  # pragma: no cover - the assertion below reports it
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(results) == 6 * 39
    assert to_chinese_article(41) in results


@pytest.mark.parametrize("article", ["", "全文", "第一项"])
def test_unnumbered_replies_are_reachable_by_empty_whole_text_or_item_labels(article):
    c = get_article("最高人民法院关于新民间借贷司法解释适用范围问题的批复", article)
    assert c is not None and c.source == "knowledge" and "小贷公司" in c.text


def test_npcsc_interpretation_of_criminal_law_313_comes_from_the_db():
    c = get_article("全国人民代表大会常务委员会关于《中华人民共和国刑法》第三百一十三条的解释", "")
    assert c is not None and c.source == "statute_db" and "拒不执行" in c.text


def test_amendment_items_are_reachable_as_articles():
    c = get_article("刑法修正案（十一）", "第三十四条")
    assert c is not None and "二百九十三条之一" in c.text
