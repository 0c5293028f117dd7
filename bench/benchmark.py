"""Speed benchmark (never asserted in tests): ``python bench/benchmark.py [--quick]``.

Measures, on this machine:
- index build time (curated index, forced rebuild into a temporary data directory);
- retrieval latency p50/p95 over the retrieval eval questions, ours and china-law-mcp's search;
- checker throughput (messages a second, one process) over the legality eval messages;
- advise latency p50/p95 warm, and cold (a fresh process: imports, model load, first advice);
- peak memory (max RSS) of this process;
- with an LLM configured (DEBT_LLM_BACKEND) or --llm-gguf: p50 and p95 per LLM call, for the one extraction
  call per case and for each draft call (first try and each fix round), and the first-try pass rate.
- with --bulk N, triage throughput (accounts a second, after the workers' warm-up) of a synthetic N-account
  portfolio on a local Ray with 1 and with 2 workers, and their ratio; and an audit of --bulk-messages logged
  messages (default 100,000). --bulk-only skips everything else and writes bench/results/bulk.json.
Prints a Markdown table and writes bench/results/latest.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
EVALS = ROOT / "evals"
TODAY = date(2026, 11, 28)


def _jsonl(name: str) -> list[dict]:
    path = EVALS / name
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def bench_index_build() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DEBT_DATA_DIR": tmp}
        # reuse the converted embedding model so the figure is the index build, not the conversion
        models = ROOT / "var" / "models"
        if models.exists():
            os.symlink(models, Path(tmp) / "models")
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "assistant", "index", "build", "--force"], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return {"index_build_s": time.perf_counter() - started}


def bench_retrieval(limit: int) -> dict:
    from assistant.law.retrieval import get_retriever

    queries = [row["query"] for row in _jsonl("retrieval.jsonl")][:limit]
    retriever = get_retriever()
    retriever.search(queries[0], k=5)  # warm
    ms = []
    for q in queries:
        t = time.perf_counter()
        retriever.search(q, k=5)
        ms.append((time.perf_counter() - t) * 1000)
    out = {"retrieval_p50_ms": _pct(ms, 0.5), "retrieval_p95_ms": _pct(ms, 0.95), "retrieval_queries": len(ms)}
    try:
        from evals.retrieval_eval import peer_search_fn

        peer = peer_search_fn()
        peer(queries[0], 5)
        pms = []
        for q in queries:
            t = time.perf_counter()
            peer(q, 5)
            pms.append((time.perf_counter() - t) * 1000)
        out["peer_retrieval_p50_ms"] = _pct(pms, 0.5)
    except Exception as exc:  # the peer is a comparison only
        out["peer_error"] = repr(exc)
    return out


def bench_checker(rounds: int) -> dict:
    from assistant.checker.check import check

    texts = [row["text"] for row in _jsonl("legality.jsonl")]
    check(texts[0])
    started = time.perf_counter()
    n = 0
    for _ in range(rounds):
        for text in texts:
            check(text)
            n += 1
    seconds = time.perf_counter() - started
    return {"checker_msgs_per_s": n / seconds, "checker_messages": n}


def bench_advise(limit: int) -> dict:
    from assistant.api import advise

    narratives = [row["narrative"] for row in _jsonl("strategy.jsonl")][:limit]
    advise(narratives[0], today=TODAY)  # warm
    ms = []
    for text in narratives:
        t = time.perf_counter()
        advise(text, today=TODAY)
        ms.append((time.perf_counter() - t) * 1000)
    return {"advise_warm_p50_ms": _pct(ms, 0.5), "advise_warm_p95_ms": _pct(ms, 0.95), "advise_cases": len(ms)}


def bench_advise_cold(runs: int) -> dict:
    code = (
        "import time; t=time.perf_counter(); from datetime import date; from assistant.api import advise; "
        "advise('朋友去年借了我10万元，约定三个月还清，到期后一直拖，说生意亏了，现在电话也不太接。', today=date(2026,11,28)); "
        "print(time.perf_counter()-t)"
    )
    seconds = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
        seconds.append(float(out.stdout.strip().splitlines()[-1]))
    return {"advise_cold_p50_s": _pct(seconds, 0.5), "advise_cold_max_s": max(seconds), "cold_runs": runs}


def draft_benchmark(narratives: list[str], *, today: date, model=None) -> dict[str, float]:
    """Latency per LLM draft and how often the first LLM draft passed (for bench/benchmark.py).

    The advice comes from the template path; the model (the configured one by default) then
    polishes each first draft through the same gate as in production."""
    from assistant.api import advise, check
    from assistant.llm.client import chat_model, draft_with_llm

    model = model or chat_model()
    if model is None:
        return {}
    stats = []
    for text in narratives:
        advice = advise(text, today=today)
        if not advice.drafts:
            continue
        law = [c.label() for c in advice.citations[:5]]
        stats.append(draft_with_llm(advice.drafts[0], advice.case, law=law, check=check, model=model)[1])
    seconds = [s.seconds for s in stats]
    calls = [c for s in stats for c in s.call_seconds]
    return {
        "llm_drafts": len(stats),
        "llm_draft_p50_s": statistics.median(seconds),
        "llm_draft_max_s": max(seconds),
        "llm_draft_call_p50_s": _pct(calls, 0.5),
        "llm_draft_call_p95_s": _pct(calls, 0.95),
        "llm_calls_per_draft": len(calls) / len(stats),
        "llm_first_try_pass_rate": sum(s.first_try_passed for s in stats) / len(stats),
        "llm_used_rate": sum(s.used_llm for s in stats) / len(stats),
    }


def extract_benchmark(narratives: list[str], *, today: date, model=None) -> dict[str, float]:
    """p50 and p95 of the one LLM extraction call per case (a failed call counts with its time)."""
    from assistant.errors import LLMError
    from assistant.llm.client import chat_model, extract_with_llm

    model = model or chat_model()
    if model is None:
        return {}
    seconds, failed = [], 0
    for text in narratives:
        started = time.perf_counter()
        try:
            extract_with_llm(text, today=today, model=model)
        except LLMError:
            failed += 1
        seconds.append(time.perf_counter() - started)
    return {"llm_extract_calls": len(seconds), "llm_extract_call_p50_s": _pct(seconds, 0.5),
            "llm_extract_call_p95_s": _pct(seconds, 0.95), "llm_extract_failed": failed}  # fmt: skip


def bench_llm(limit: int, gguf: Path | None) -> dict:
    """With --llm-gguf, a local model served by llama_cpp.server; else the configured endpoint, if any."""
    from assistant.llm.client import LocalLlamaServer, chat_model

    narratives = [row["narrative"] for row in _jsonl("strategy.jsonl")][:limit]
    if gguf is None:
        return {**extract_benchmark(narratives, today=TODAY), **draft_benchmark(narratives, today=TODAY)}
    with LocalLlamaServer(gguf) as server:
        model = chat_model(base_url=server.base_url, model="local")
        return {**extract_benchmark(narratives, today=TODAY, model=model),
                **draft_benchmark(narratives, today=TODAY, model=model)}  # fmt: skip


def bench_bulk(accounts: int, messages: int) -> dict:
    """Triage on a local Ray with 1 and 2 workers (documents included), then a message-log audit."""
    import ray

    from assistant.bulk.audit import audit_log
    from assistant.bulk.runner import start_ray, triage_portfolio
    from assistant.bulk.synthetic import message_log, portfolio

    results: dict[str, float | int] = {"bulk_accounts": accounts}
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "portfolio.csv"
        portfolio(accounts).to_csv(source, index=False)
        start_ray(num_cpus=2)
        try:
            for workers in (1, 2):
                run = triage_portfolio(source, Path(tmp) / f"out{workers}", today=TODAY, workers=workers)
                results[f"triage_{workers}w_accounts_per_s"] = run.accounts_per_s
                results[f"triage_{workers}w_warm_up_s"] = run.warm_up_s
                results[f"triage_{workers}w_documents"] = run.outputs.shipped
        finally:
            ray.shutdown()
        results["triage_2w_over_1w"] = results["triage_2w_accounts_per_s"] / results["triage_1w_accounts_per_s"]

        log = Path(tmp) / "messages.csv"
        message_log(messages).to_csv(log, index=False)
        started = time.perf_counter()
        audit = audit_log(log, Path(tmp) / "audit")
        seconds = time.perf_counter() - started
        results.update({"audit_messages": audit.messages, "audit_distinct_texts": audit.distinct_texts,
                        "audit_s": seconds, "audit_messages_per_s": audit.messages / seconds, "audit_findings": audit.findings})
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--skip-build", action="store_true", help="skip the index build measurement")
    parser.add_argument("--llm-gguf", type=Path, default=None, help="also measure LLM drafting with this local GGUF")
    parser.add_argument("--bulk", type=int, default=0, metavar="N", help="also measure triage of N synthetic accounts on Ray")
    parser.add_argument("--bulk-messages", type=int, default=100_000, help="messages for the audit measure (with --bulk)")
    parser.add_argument("--bulk-only", action="store_true", help="only the bulk measures (bench/results/bulk.json)")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    results: dict[str, float | int | str] = {"date": date.today().isoformat(), "cores": os.cpu_count() or 0}
    if args.bulk_only:
        results.update(bench_bulk(args.bulk or 1000, args.bulk_messages))
        return _report(results, "bulk.json")
    if not args.skip_build:
        results.update(bench_index_build())
    results.update(bench_retrieval(limit=40 if args.quick else 200))
    results.update(bench_checker(rounds=2 if args.quick else 10))
    results.update(bench_advise(limit=10 if args.quick else 40))
    results.update(bench_advise_cold(runs=1 if args.quick else 3))
    results.update(bench_llm(limit=3 if args.quick else 8, gguf=args.llm_gguf))
    if args.bulk:
        results.update(bench_bulk(args.bulk, args.bulk_messages))
    return _report(results, "latest.json")


def _report(results: dict, name: str) -> int:
    results["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / name).write_text(json.dumps(results, indent=2), encoding="utf-8")
    print("| measure | value |\n|---|---|")
    for key, value in results.items():
        print(f"| {key} | {value:.2f} |" if isinstance(value, float) else f"| {key} | {value} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
