"""Article lookup knows history: an old citation finds today's article, from the verifier's own tables."""

from __future__ import annotations

import pytest

from assistant.law.citations import former_meanings, verify_citations
from assistant.law.corpus import build_units
from assistant.law.retrieval import HISTORY_TOPIC, Retriever

CIVIL_CODE = "中华人民共和国民法典"
CPL = "中华人民共和国民事诉讼法"


@pytest.fixture(scope="module")
def lookup():
    """Direct article lookup needs the units and BM25 only, not the dense index."""
    return Retriever(ensure_index=False, units=build_units())


def _keys(hits):
    return [(c.law, c.article) for c in hits]


def test_a_repealed_contract_law_article_returns_its_civil_code_successor_first_with_a_note(lookup):
    first = lookup.direct_hits("合同法第107条")[0]
    assert (first.law, first.article) == (CIVIL_CODE, "第五百七十七条")
    assert "《合同法》第107条已废止" in first.gloss and HISTORY_TOPIC in first.topics


@pytest.mark.parametrize(
    ("query", "article"),
    [
        ("担保法第19条保证方式不明", "第六百八十六条"),
        ("民法通则第135条说诉讼时效两年", "第一百八十八条"),
        ("《民法总则》第一百八十八条", "第一百八十八条"),
    ],
)
def test_guarantee_law_and_general_principles_lead_to_the_civil_code(lookup, query, article):
    first = lookup.direct_hits(query)[0]
    assert (first.law, first.article) == (CIVIL_CODE, article)
    assert "已废止" in first.gloss


def test_a_cpl_number_whose_meaning_changed_returns_todays_article_then_the_old_rule_marked(lookup):
    hits = lookup.direct_hits("民诉法第214条")
    assert _keys(hits)[:2] == [(CPL, "第二百一十四条"), (CPL, "第二百二十五条")]
    assert HISTORY_TOPIC not in hits[0].topics
    assert HISTORY_TOPIC in hits[1].topics and "2017" in hits[1].gloss and "第214条" in hits[1].gloss


def test_when_the_sentence_is_about_the_old_rule_the_successor_comes_first(lookup):
    hits = lookup.direct_hits("民诉法第214条申请支付令")
    assert _keys(hits)[:2] == [(CPL, "第二百二十五条"), (CPL, "第二百一十四条")]


def test_a_current_citation_is_returned_unmarked(lookup):
    first = lookup.direct_hits("民法典第六百七十六条怎么理解")[0]
    assert (first.law, first.article) == (CIVIL_CODE, "第六百七十六条")
    assert HISTORY_TOPIC not in first.topics


def test_lookup_and_verifier_read_the_same_renumbering_table():
    """One source: the successor the lookup offers is the one the verifier names."""
    (check,) = verify_citations("民诉法第214条申请支付令")
    assert check.successor is not None and check.successor.article == "第二百二十五条"
    assert [e.new for _, e in former_meanings(CPL, 214)] == [225]


@pytest.mark.slow
def test_search_puts_the_successor_of_a_repealed_article_first():
    from assistant.law.retrieval import get_retriever

    first = get_retriever().search("合同法第107条", k=3)[0]
    assert (first.law, first.article) == (CIVIL_CODE, "第五百七十七条")
