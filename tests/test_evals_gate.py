"""The eval runner's gate: figures below the bar make `python -m evals` fail."""

from __future__ import annotations

from evals.runner import EVALS_DIR, gate, headline, load_thresholds, to_markdown

BAR = load_thresholds(EVALS_DIR / "thresholds.yaml")


def passing() -> dict:
    return {
        "classification": {"macro_f1": 0.95},
        "legality": {"violation_recall": 0.99, "false_positive_rate": 0.01},
        "retrieval": {"recall@1": 0.7, "recall@3": 0.93, "recall@5": 0.96, "mrr": 0.8},
        "strategy": {"stage_accuracy": 0.9, "must_not_hits": 0, "draft_pass_rate": 1.0},
        "citations": {"validity": 1.0},
    }


def test_all_figures_above_the_bar_pass():
    assert gate(passing(), BAR) == []


def test_legality_recall_below_the_bar_fails():
    results = passing()
    results["legality"]["violation_recall"] = 0.80
    assert gate(results, BAR) == ["legality.violation_recall = 0.8 < 0.97"]


def test_a_single_must_not_hit_fails_the_strategy_set():
    results = passing()
    results["strategy"]["must_not_hits"] = 1
    assert any(line.startswith("strategy.must_not_hits") for line in gate(results, BAR))


def test_a_missing_figure_counts_as_a_failure_not_a_pass():
    results = passing()
    del results["classification"]["macro_f1"]
    assert gate(results, BAR) == ["classification.macro_f1 = None < 0.9"]


def test_markdown_report_lists_figures_and_failures():
    results = passing()
    results["citations"]["validity"] = 0.5
    md = to_markdown(results, gate(results, BAR), 1.0)
    assert "| retrieval.recall@3 | 0.930 |" in md
    assert "FAIL citations.validity" in md
    assert headline(results)["strategy.stage_accuracy"] == 0.9
