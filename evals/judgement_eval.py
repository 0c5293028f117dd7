"""Judgement on data written blind, split by batch: the checker on collection messages, the classifier on narratives.

    python -m evals.judgement_eval                  # dev split (the one thresholds are tuned on)
    python -m evals.judgement_eval --split sealed   # the sealed test: score once per change, never tune on it
    python -m evals.judgement_eval --split train    # the training batches (figures from data the models learned)

Batches and their splits are listed in evals/batches.yaml (written by helpers who never saw knowledge/).
Questions (layperson, written blind to the index): recall@1/3/5 and MRR of the gold articles.
Messages: violation recall (an unlawful message gets at least one violation), false-positive rate (a lawful
message gets any), code recall (each listed code found), per language and per code; real messages quoted from
public sources are reported apart. A message's `sent_at` is given to the checker as a chat time stamp at the start
of the text ("[23:47] …"), as a message log shows it. Narratives: macro-F1 over hardship / bad_faith / unclear.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from evals.classify_eval import scores

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / "evals" / "batches.yaml"
EVAL_TODAY = date(2026, 12, 6)


def batches(kind: str, split: str) -> list[dict[str, Any]]:
    listed = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))["batches"]
    return [b for b in listed if b["kind"] == kind and (split == "all" or b["split"] == split)]


def load_batch(batch: dict[str, Any]) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in (ROOT / batch["file"]).read_text(encoding="utf-8").splitlines() if line.strip()]
    for row in rows:
        row["_batch"] = Path(batch["file"]).stem
        row["_real"] = "real" in row["_batch"]
    return rows


def message_text(row: dict[str, Any]) -> str:
    return f"[{row['sent_at']}] {row['text']}" if row.get("sent_at") else row["text"]


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 3) if den else None


def score_messages(check_fn: Callable[[str], Any], rows: list[dict[str, Any]]) -> dict[str, Any]:
    tally: dict[str, Counter] = defaultdict(Counter)
    per_code: dict[str, Counter] = defaultdict(Counter)
    misses: list[dict[str, Any]] = []
    for row in rows:
        report = check_fn(message_text(row))
        found = {v.code.value for v in report.violations}
        gold = {c["code"] for c in row.get("codes", [])}
        groups = ["all", row.get("lang", "zh"), "real" if row["_real"] else "written", f"batch {row['_batch']}"]
        for g in groups:
            t = tally[g]
            if row["legal"]:
                t["lawful"] += 1
                t["false_positive"] += bool(found)
            else:
                t["unlawful"] += 1
                t["caught"] += bool(found)
                t["codes"] += len(gold)
                t["codes_found"] += len(gold & found)
        for code in gold:
            per_code[code]["support"] += 1
            per_code[code]["found"] += code in found
        for code in found - gold:
            per_code[code]["extra"] += 1
        if (row["legal"] and found) or (not row["legal"] and not found):
            misses.append({"id": row["id"], "legal": row["legal"], "gold": sorted(gold), "found": sorted(found)})
    figures = {
        g: {"violation_recall": _ratio(t["caught"], t["unlawful"]), "false_positive_rate": _ratio(t["false_positive"], t["lawful"]),
            "code_recall": _ratio(t["codes_found"], t["codes"]), "unlawful": t["unlawful"], "lawful": t["lawful"]}
        for g, t in sorted(tally.items())
    }
    codes = {c: {"support": n["support"], "recall": _ratio(n["found"], n["support"]), "found_where_not_listed": n["extra"]}
             for c, n in sorted(per_code.items())}
    return {"groups": figures, "per_code": codes, "misses": misses}


def score_narratives(label_fn: Callable[[str], str], rows: list[dict[str, Any]]) -> dict[str, Any]:
    gold = [r["label"] for r in rows]
    pred = [label_fn(r["narrative"]) for r in rows]
    out = {"all": scores(gold, pred)}
    for lang in sorted({r.get("lang", "zh") for r in rows}):
        idx = [i for i, r in enumerate(rows) if r.get("lang", "zh") == lang]
        out[lang] = scores([gold[i] for i in idx], [pred[i] for i in idx])
    for batch in sorted({r["_batch"] for r in rows}):
        idx = [i for i, r in enumerate(rows) if r["_batch"] == batch]
        out[f"batch {batch}"] = scores([gold[i] for i in idx], [pred[i] for i in idx])
    hard = [i for i, r in enumerate(rows) if r.get("hard")]
    if hard:
        out["hard"] = scores([gold[i] for i in hard], [pred[i] for i in hard])
    return out


def score_questions(search_fn: Callable[[str, int], Any], rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Recall@1/3/5 and MRR of the gold articles for layperson questions, overall and per language."""
    from assistant.text.article_numbers import normalise_article  # writers give 第2条 or 第二条
    from evals.retrieval_eval import _call, _first_rank, _summary

    ranks = {r["id"]: _first_rank(_call(search_fn, r["query"]), {(g["law"], normalise_article(g["article"])) for g in r["gold"]})
             for r in rows}
    out = {"all": _summary(list(ranks.values()))}
    for lang in sorted({r.get("lang", "zh") for r in rows}):
        out[lang] = _summary([ranks[r["id"]] for r in rows if r.get("lang", "zh") == lang])
    return out


def run(split: str, kinds: tuple[str, ...] = ("messages", "narratives", "questions")) -> dict[str, Any]:
    from assistant.api import assess, check

    result: dict[str, Any] = {"split": split}
    if "messages" in kinds:
        rows = [r for b in batches("messages", split) for r in load_batch(b)]
        result["messages"] = score_messages(check, rows) if rows else None
    if "narratives" in kinds:
        rows = [r for b in batches("narratives", split) for r in load_batch(b)]
        result["narratives"] = score_narratives(lambda t: assess(t, today=EVAL_TODAY).category.value, rows) if rows else None
    if "questions" in kinds:
        from assistant.api import retrieve

        rows = [r for b in batches("questions", split) for r in load_batch(b)]
        result["questions"] = score_questions(lambda q, k: retrieve(q, k=k), rows) if rows else None
    return result


def summary(result: dict[str, Any]) -> str:
    lines = [f"split: {result['split']}"]
    if result.get("messages"):
        for g, f in result["messages"]["groups"].items():
            lines.append(f"  messages[{g}]: recall {f['violation_recall']}  FPR {f['false_positive_rate']}  code recall {f['code_recall']}"
                         f"  ({f['unlawful']} unlawful, {f['lawful']} lawful)")
        for c, f in result["messages"]["per_code"].items():
            lines.append(f"    {c:24s} recall {f['recall']}  support {f['support']}  extra {f['found_where_not_listed']}")
    if result.get("questions"):
        for g, f in result["questions"].items():
            lines.append(f"  questions[{g}]: recall@3 {f['recall@3']}  MRR {f['mrr']}  (n={f['n']})")
    if result.get("narratives"):
        for g, f in result["narratives"].items():
            lines.append(f"  narratives[{g}]: macro-F1 {f['macro_f1']:.3f}  accuracy {f['accuracy']:.3f}  (n={f['n']})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", default="dev", choices=["train", "dev", "sealed", "all"])
    ap.add_argument("--kind", action="append", choices=["messages", "narratives", "questions"])
    ap.add_argument("--json", type=Path, help="also write the full result (with the misses) here")
    args = ap.parse_args(argv)
    result = run(args.split, tuple(args.kind or ("messages", "narratives", "questions")))
    print(summary(result))
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
