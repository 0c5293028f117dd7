"""The LLM path, measured: ``python -m evals --llm``.

Runs classification, strategy and extraction on the fixed sample in ``evals/llm_sample.yaml`` twice,
through the rules alone and through the configured LLM backend (one extraction call per case, merged
by ``intake.merge_cases`` as the pipeline does), and reports each figure side by side with the
seconds per case. Exit 1 when any figure is worse with the LLM than without.

    DEBT_LLM_BACKEND=llamacpp DEBT_LLM_GGUF_PATH=var/llm/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf python -m evals --llm
    DEBT_LLM_BACKEND=openai DEBT_LLM_BASE_URL=http://host:8000/v1 DEBT_LLM_MODEL=name python -m evals --llm

Drafts are not produced: none of these figures depends on them, and each would cost an LLM call.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from assistant.assess import classify
from assistant.errors import AssistantError
from assistant.intake import extract_case, merge_cases
from assistant.models import Advice, Case
from assistant.plan import plan_strategy
from assistant.position import legal_position
from evals.extraction_eval import default_paths, load_items, score
from evals.strategy_eval import plan_text

EVALS_DIR = Path(__file__).resolve().parent
SAMPLE = EVALS_DIR / "llm_sample.yaml"
EVAL_TODAY = date(2026, 11, 28)
# figure -> True when higher is better; the gate compares the LLM's figure with the rules' on the same cases
FIGURES = {
    "classification.accuracy": True,
    "strategy.stage_accuracy": True,
    "strategy.must_rate": True,
    "strategy.must_not_hits": False,
    "extraction.field_accuracy": True,
}

LLMExtract = Callable[[str, date], Case]


@dataclass
class Reader:
    """Reads each narrative once per path and remembers how long the LLM took."""

    llm_extract: LLMExtract | None
    llm_seconds: list[float] = field(default_factory=list)
    llm_failures: list[str] = field(default_factory=list)
    rejected: int = 0

    def rules(self, narrative: str, today: date = EVAL_TODAY) -> Case:
        return extract_case(narrative, today=today)

    def llm(self, narrative: str, today: date = EVAL_TODAY) -> Case:
        case = extract_case(narrative, today=today)
        if self.llm_extract is None:
            return case
        started = time.perf_counter()
        try:
            merged = merge_cases(case, self.llm_extract(narrative, today))
        except AssistantError as exc:  # as in the pipeline: the rules' case stands, and it is counted
            self.llm_failures.append(exc.user_message[:200])
            merged = case
        self.llm_seconds.append(time.perf_counter() - started)
        self.rejected += len(merged.rejected_llm_facts)
        print(f"[evals --llm] case {len(self.llm_seconds)}: {self.llm_seconds[-1]:.1f} s", file=sys.stderr, flush=True)
        return merged


def load_sample(path: Path = SAMPLE) -> dict[str, list[str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {name: list(data[name]) for name in ("classification", "strategy", "extraction")}


def _pick(rows: list[dict[str, Any]], ids: list[str], what: str) -> list[dict[str, Any]]:
    by_id = {r["id"]: r for r in rows}
    missing = [i for i in ids if i not in by_id]
    if missing:
        raise ValueError(f"{what}: ids not in the data set: {missing}")
    return [by_id[i] for i in ids]


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def classification(rows: list[dict[str, Any]], read: Callable[[str], Case]) -> dict[str, Any]:
    right = [classify(read(r["narrative"])).category.value == r["label"] for r in rows]
    return {"n": len(rows), "accuracy": sum(right) / len(rows)}


def strategy(rows: list[dict[str, Any]], read: Callable[[str, date], Case]) -> dict[str, Any]:
    stage_ok = must_ok = must_total = must_not = 0
    stages: dict[str, str] = {}
    for r in rows:
        case = read(r["narrative"], date.fromisoformat(r.get("today") or EVAL_TODAY.isoformat()))
        assessment = classify(case)
        position = legal_position(case)
        plan = plan_strategy(case, assessment, position)
        advice = Advice(case=case, assessment=assessment, position=position, stage=plan.stage, stage_reason=plan.reason,
                        plan=plan.steps, negotiation=plan.negotiation, citations=[], drafts=[], warnings=plan.warnings)  # fmt: skip
        text = plan_text(advice)
        stages[r["id"]] = plan.stage.value
        stage_ok += plan.stage.value == r["expected_stage"]
        must_total += len(r["must"])
        must_ok += sum(bool(re.search(p, text)) for p in r["must"])
        must_not += sum(bool(re.search(p, text)) for p in r["must_not"])
    return {
        "n": len(rows), "stage_accuracy": stage_ok / len(rows), "must_rate": must_ok / must_total if must_total else 1.0,
        "must_not_hits": must_not, "stages": stages,
    }  # fmt: skip


def run_paths(sample: dict[str, list[str]], reader: Reader) -> dict[str, dict[str, Any]]:
    """Every figure for the rules path and the LLM path on the same cases."""
    cls_rows = _pick(_jsonl(EVALS_DIR / "classify.jsonl"), sample["classification"], "classification")
    str_rows = _pick(_jsonl(EVALS_DIR / "strategy.jsonl"), sample["strategy"], "strategy")
    ext_rows = _pick(load_items(default_paths()), sample["extraction"], "extraction")
    out: dict[str, dict[str, Any]] = {}
    for path, read in (("rules", reader.rules), ("llm", reader.llm)):
        started = time.perf_counter()
        out[path] = {
            "classification": classification(cls_rows, read),
            "strategy": strategy(str_rows, read),
            "extraction": score(ext_rows, read),
        }
        out[path]["seconds_per_case"] = (time.perf_counter() - started) / (len(cls_rows) + len(str_rows) + len(ext_rows))
    return out


def figures(result: dict[str, Any]) -> dict[str, float]:
    return {
        "classification.accuracy": result["classification"]["accuracy"],
        "strategy.stage_accuracy": result["strategy"]["stage_accuracy"],
        "strategy.must_rate": result["strategy"]["must_rate"],
        "strategy.must_not_hits": float(result["strategy"]["must_not_hits"]),
        "extraction.field_accuracy": result["extraction"]["field_accuracy"],
    }


def worse_with_llm(rules: dict[str, float], llm: dict[str, float]) -> list[str]:
    """One line per figure the LLM made worse (empty when none)."""
    failures = []
    for name, higher_is_better in FIGURES.items():
        a, b = rules[name], llm[name]
        if (b < a) if higher_is_better else (b > a):
            failures.append(f"{name}: {b:.3f} with the LLM < {a:.3f} without" if higher_is_better
                            else f"{name}: {b:.0f} with the LLM > {a:.0f} without")  # fmt: skip
    return failures


def to_markdown(out: dict[str, Any], failures: list[str], backend: str) -> str:
    rules, llm = figures(out["rules"]), figures(out["llm"])
    n = out["cases"]
    lines = [f"# LLM eval ({backend}), {n} cases of the fixed sample", "",
             "| figure | no LLM | with LLM | change |", "|---|---|---|---|"]  # fmt: skip
    for name in FIGURES:
        lines.append(f"| {name} | {rules[name]:.3f} | {llm[name]:.3f} | {llm[name] - rules[name]:+.3f} |")
    lines.append(f"| seconds per case | {out['rules']['seconds_per_case']:.2f} | {out['llm']['seconds_per_case']:.2f} | |")
    calls = out["llm_calls"]
    lines += ["", f"LLM extraction calls: {calls['n']}, p50 {calls['p50_s']:.1f} s, p95 {calls['p95_s']:.1f} s; "
              f"failed calls: {calls['failures']}; LLM facts refused by grounding: {calls['rejected_facts']}.", ""]  # fmt: skip
    lines += ["## Extraction per field (accuracy: no LLM -> with LLM)", "", "| field | no LLM | with LLM |", "|---|---|---|"]
    for f, m in out["rules"]["extraction"]["fields"].items():
        lines.append(f"| {f} | {m['accuracy']:.3f} | {out['llm']['extraction']['fields'][f]['accuracy']:.3f} |")
    lines += ["", "## Gate", ""] + ([f"- FAIL {f}" for f in failures] or ["- no figure is lower with the LLM"])
    return "\n".join(lines) + "\n"


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def configured_extractor() -> tuple[LLMExtract, str]:
    """The backend the settings name; an error when none is configured (the point is to measure one)."""
    from assistant.llm import chat_model, extract_with_llm
    from assistant.settings import get_settings

    settings = get_settings()
    if settings.llm_backend == "none":
        raise SystemExit("python -m evals --llm: set DEBT_LLM_BACKEND=llamacpp (with DEBT_LLM_GGUF_PATH) "
                         "or DEBT_LLM_BACKEND=openai (with DEBT_LLM_BASE_URL)")  # fmt: skip
    model = chat_model()
    label = f"llamacpp {settings.llm_gguf_path.name}" if settings.llm_backend == "llamacpp" and settings.llm_gguf_path \
        else f"{settings.llm_backend} {settings.llm_model}"  # fmt: skip
    return (lambda narrative, today: extract_with_llm(narrative, today=today, model=model)), label


def run(out_dir: Path, extractor: LLMExtract | None = None, backend: str = "test") -> int:
    if extractor is None:
        extractor, backend = configured_extractor()
    sample = load_sample()
    reader = Reader(llm_extract=extractor)
    started = time.perf_counter()
    out: dict[str, Any] = run_paths(sample, reader)
    out["cases"] = sum(len(ids) for ids in sample.values())
    out["llm_calls"] = {
        "n": len(reader.llm_seconds), "p50_s": percentile(reader.llm_seconds, 0.5),
        "p95_s": percentile(reader.llm_seconds, 0.95), "failures": len(reader.llm_failures),
        "rejected_facts": reader.rejected, "failure_messages": reader.llm_failures[:5],
    }  # fmt: skip
    out["seconds"] = time.perf_counter() - started
    out["backend"] = backend
    failures = worse_with_llm(figures(out["rules"]), figures(out["llm"]))
    out["failures"] = failures
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "llm.json").write_text(json.dumps(out, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    markdown = to_markdown(out, failures, backend)
    (out_dir / "llm.md").write_text(markdown, encoding="utf-8")
    print(markdown)
    print(f"[evals --llm] {out['seconds']:.0f} s in all", file=sys.stderr)
    return 1 if failures else 0
