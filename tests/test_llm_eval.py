"""`python -m evals --llm`: the same fixed cases through the rules and through an LLM, side by side,
failing when any figure is lower with the LLM. Offline: the "LLM" here is a function written for the test."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from assistant.models import Case, Fact, Party
from evals.llm_eval import load_sample, run, worse_with_llm


def _nothing(narrative: str, today: date) -> Case:
    return Case(narrative=narrative, today=today)


def _wrong_principal(narrative: str, today: date) -> Case:
    # a wrong amount quoted from the whole narrative: grounding lets it through only where the rules had none
    return Case(narrative=narrative, today=today, principal=Fact[Decimal](value=Decimal(1), origin="llm"),
                debtor=Party(name="他"))  # fmt: skip


def test_the_sample_is_fixed_and_has_at_least_twenty_cases():
    sample = load_sample()
    assert sum(len(ids) for ids in sample.values()) >= 20
    assert all(len(set(ids)) == len(ids) for ids in sample.values())


def test_an_llm_that_adds_nothing_changes_no_figure_and_passes(tmp_path):
    assert run(tmp_path, extractor=_nothing) == 0
    report = json.loads((tmp_path / "llm.json").read_text("utf-8"))
    assert report["failures"] == [] and report["llm_calls"]["n"] == report["cases"]
    assert "| extraction.field_accuracy |" in (tmp_path / "llm.md").read_text("utf-8")


def test_a_lower_figure_with_the_llm_fails_the_gate():
    rules = {"classification.accuracy": 0.9, "strategy.stage_accuracy": 0.8, "strategy.must_rate": 1.0,
             "strategy.must_not_hits": 0.0, "extraction.field_accuracy": 0.7}  # fmt: skip
    assert worse_with_llm(rules, dict(rules)) == []
    assert worse_with_llm(rules, {**rules, "extraction.field_accuracy": 0.69})
    assert worse_with_llm(rules, {**rules, "strategy.must_not_hits": 1.0})


def test_an_llm_whose_facts_grounding_refuses_is_counted_and_changes_nothing(tmp_path):
    assert run(tmp_path, extractor=_wrong_principal) == 0
    report = json.loads((tmp_path / "llm.json").read_text("utf-8"))
    assert report["llm_calls"]["rejected_facts"] >= report["cases"]  # the pronoun at least, in every case


def test_a_failing_endpoint_is_counted_and_the_rules_case_stands(tmp_path):
    from assistant.errors import LLMError

    def down(narrative: str, today: date) -> Case:
        raise LLMError("connection refused")

    assert run(tmp_path, extractor=down) == 0
    assert json.loads((tmp_path / "llm.json").read_text("utf-8"))["llm_calls"]["failures"] == load_sample().__len__() * 7
