"""Debtor classification eval: macro-F1, per-class precision/recall/F1 and the confusion matrix.

``python -m evals.classify_eval [path] [--patterns-only]`` prints the figures; ``--patterns-only`` turns the
semantic signals off to measure the regex layer alone. The lead's runner imports ``evaluate_classification``.

Sets: ``classify.jsonl`` (dev: tuned on, batches marked ``[held-out-N ...]`` with their untuned score) and
``classify_fresh.jsonl`` (written with the ninth round, never tuned on: report it, do not fix it).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

LABELS = ("hardship", "bad_faith", "unclear")
DEFAULT_PATH = Path(__file__).resolve().parent / "classify.jsonl"
FRESH_PATH = Path(__file__).resolve().parent / "classify_fresh.jsonl"
EVAL_TODAY = date(2026, 11, 28)
REQUIRED = {"id", "narrative", "label", "hard", "lang", "note"}


def load_cases(path: Path | str) -> list[dict[str, Any]]:
    rows = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        if set(row) != REQUIRED or row["label"] not in LABELS:
            raise ValueError(f"{path}:{n}: needs exactly {sorted(REQUIRED)} and a label in {LABELS}")
        rows.append(row)
    return rows


def _label_of(result: Any) -> str:
    category = getattr(result, "category", result)
    return getattr(category, "value", category)


def scores(gold: list[str], pred: list[str]) -> dict[str, Any]:
    confusion = {g: {p: 0 for p in LABELS} for g in LABELS}
    for g, p in zip(gold, pred, strict=True):
        confusion[g][p] += 1
    per_class = {}
    for label in LABELS:
        tp = confusion[label][label]
        fp = sum(confusion[g][label] for g in LABELS) - tp
        fn = sum(confusion[label].values()) - tp
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[label] = {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4), "support": tp + fn}
    present = [lab for lab in LABELS if per_class[lab]["support"]]
    macro = sum(per_class[lab]["f1"] for lab in present) / len(present) if present else 0.0
    accuracy = sum(g == p for g, p in zip(gold, pred)) / len(gold) if gold else 0.0
    return {"n": len(gold), "macro_f1": round(macro, 4), "accuracy": round(accuracy, 4), "per_class": per_class, "confusion_matrix": confusion}


def evaluate_classification(classify_fn: Callable[[str], Any], path: Path | str = DEFAULT_PATH) -> dict[str, Any]:
    """Run ``classify_fn(narrative)`` (returning an Assessment or a label) over the JSONL set."""
    rows = load_cases(path)
    preds: list[str] = []
    started = time.perf_counter()
    for row in rows:
        preds.append(_label_of(classify_fn(row["narrative"])))
    elapsed = time.perf_counter() - started
    gold = [r["label"] for r in rows]
    report = scores(gold, preds)
    subsets = {
        "hard": [i for i, r in enumerate(rows) if r["hard"]],
        "easy": [i for i, r in enumerate(rows) if not r["hard"]],
        "zh": [i for i, r in enumerate(rows) if r["lang"] == "zh"],
        "en": [i for i, r in enumerate(rows) if r["lang"] == "en"],
        "held_out": [i for i, r in enumerate(rows) if r["note"].startswith("[held-out")],
    }
    report["subsets"] = {
        name: {k: v for k, v in scores([gold[i] for i in idx], [preds[i] for i in idx]).items() if k in ("n", "macro_f1", "accuracy")}
        for name, idx in subsets.items()
        if idx
    }
    report["errors"] = [{"id": r["id"], "gold": g, "pred": p} for r, g, p in zip(rows, gold, preds) if g != p]
    report["ms_per_case"] = round(1000 * elapsed / max(len(rows), 1), 2)
    return report


def _default_classifier(semantic: bool = True) -> Callable[[str], Any]:
    """The public API's path (intake, then classify) when intake exists; otherwise the narrative alone."""
    from assistant.assess.classify import classify
    from assistant.models import Case

    try:
        from assistant.api import assess
        from assistant.intake.extract import extract_case
    except ImportError:

        def run(text: str) -> Any:
            lang = "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in text) else "en"
            return classify(Case(narrative=text, today=EVAL_TODAY, language=lang), semantic=semantic)

        return run
    if semantic:
        return lambda text: assess(text, today=EVAL_TODAY)
    return lambda text: classify(extract_case(text, today=EVAL_TODAY), semantic=False)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("path", nargs="?", default=str(DEFAULT_PATH))
    ap.add_argument("--patterns-only", action="store_true", help="regex signals only, no semantic matching")
    args = ap.parse_args(argv)
    report = evaluate_classification(_default_classifier(semantic=not args.patterns_only), args.path)
    print(f"n={report['n']}  macro-F1={report['macro_f1']:.3f}  accuracy={report['accuracy']:.3f}  {report['ms_per_case']} ms/case")
    for label, s in report["per_class"].items():
        print(f"  {label:<10} P={s['precision']:.3f} R={s['recall']:.3f} F1={s['f1']:.3f} (n={s['support']})")
    print("confusion (rows gold, columns predicted):")
    print("  " + " " * 10 + "".join(f"{p:>11}" for p in LABELS))
    for g in LABELS:
        print(f"  {g:<10}" + "".join(f"{report['confusion_matrix'][g][p]:>11}" for p in LABELS))
    for name, s in report["subsets"].items():
        print(f"  subset {name:<9} n={s['n']:<4} macro-F1={s['macro_f1']:.3f} accuracy={s['accuracy']:.3f}")
    for e in report["errors"]:
        print(f"  error {e['id']}: gold {e['gold']} predicted {e['pred']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
