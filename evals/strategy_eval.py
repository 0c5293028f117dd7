"""Strategy evaluation: stage accuracy, must / must-not ideas, drafts passing the checker, exact instalments.

Dataset: `evals/strategy.jsonl`, one case a line with `id, language, today, narrative,
expected_stage, must, must_not` (must / must_not are regexes). `must` is searched in the plan text
(stage reason, steps, warnings, negotiation); `must_not` in the plan text AND every draft, since a
pressure tactic is as wrong in a letter as in a plan.

    python -m evals.strategy_eval [path] [--minimal]
    python -m evals.strategy_eval --batches evals/dev/strategy knowledge/training/strategy

`--minimal` composes intake → assess → position → plan → drafts directly (no retrieval), for use
before or without the full pipeline.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from assistant.assess import classify
from assistant.checker import certify_all
from assistant.drafting import draft_documents
from assistant.intake import extract_case
from assistant.models import Advice
from assistant.plan import plan_strategy
from assistant.position import legal_position

DEFAULT_PATH = Path(__file__).with_name("strategy.jsonl")
EVAL_TODAY = date(2026, 11, 28)

AdviseFn = Callable[[str], Advice]


def plan_text(advice: Advice) -> str:
    parts = [advice.stage_reason]
    parts += [f"{s.action} {s.channel} {' '.join(s.evidence_to_keep)}" for s in advice.plan]
    parts += advice.warnings
    if advice.negotiation:
        n = advice.negotiation
        parts += [*n.concessions, n.acceleration_clause, *n.notes]
    return "\n".join(parts)


def instalments_add_up(advice: Advice) -> bool | None:
    n = advice.negotiation
    if n is None:
        return None
    return n.down_payment + sum(i.amount for i in n.instalments) == n.total


def minimal_advise(narrative: str, today: date = EVAL_TODAY) -> Advice:
    """intake → assess → position → plan → drafts, without retrieval."""
    case = extract_case(narrative, today=today)
    assessment = classify(case)
    position = legal_position(case)
    strategy = plan_strategy(case, assessment, position)
    drafts = certify_all(draft_documents(case, assessment, position, strategy), case)
    return Advice(
        case=case, assessment=assessment, position=position, stage=strategy.stage, stage_reason=strategy.reason,
        plan=strategy.steps, negotiation=strategy.negotiation, citations=[], drafts=drafts, warnings=strategy.warnings,
    )


def load_cases(path: Path) -> list[dict[str, Any]]:
    cases = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    for case in cases:
        for pattern in [*case["must"], *case["must_not"]]:
            re.compile(pattern)  # a bad pattern fails here, not halfway through a run
    return cases


def evaluate_strategy(advise_fn: AdviseFn, path: Path = DEFAULT_PATH) -> dict[str, Any]:
    cases = load_cases(path)
    started = time.perf_counter()
    correct = must_total = must_hits = must_not_hits = drafts_total = drafts_legal = 0
    sums_checked = sums_exact = 0
    confusion: Counter[tuple[str, str]] = Counter()
    failures: list[dict[str, Any]] = []
    for case in cases:
        advice = advise_fn(case["narrative"])
        stage = advice.stage.value
        case.setdefault("expected_stage", case.get("stage"))  # the blind sets name the field "stage"
        confusion[(case["expected_stage"], stage)] += 1
        correct += stage == case["expected_stage"]
        text = plan_text(advice)
        missed = [p for p in case["must"] if not re.search(p, text, re.I)]
        must_total += len(case["must"])
        must_hits += len(case["must"]) - len(missed)
        everything = "\n".join([text, *(f"{d.title}\n{d.text}" for d in advice.drafts)])
        forbidden = [p for p in case["must_not"] if re.search(p, everything, re.I)]
        must_not_hits += len(forbidden)
        drafts_total += len(advice.drafts)
        drafts_legal += sum(d.report.legal for d in advice.drafts)
        adds_up = instalments_add_up(advice)
        if adds_up is not None:
            sums_checked += 1
            sums_exact += adds_up
        if stage != case["expected_stage"] or missed or forbidden or adds_up is False:
            failures.append(
                {"id": case["id"], "expected": case["expected_stage"], "got": stage, "missed_must": missed,
                 "must_not_hit": forbidden, "category": advice.assessment.category.value}
            )
    n = len(cases)
    return {
        "cases": n,
        "stage_accuracy": round(correct / n, 4) if n else 0.0,
        "must_hit_rate": round(must_hits / must_total, 4) if must_total else 1.0,
        "must_not_hits": must_not_hits,
        "drafts": drafts_total,
        "draft_pass_rate": round(drafts_legal / drafts_total, 4) if drafts_total else 1.0,
        "negotiation_plans": sums_checked,
        "instalments_add_up": round(sums_exact / sums_checked, 4) if sums_checked else 1.0,
        "confusion": {f"{e}->{g}": c for (e, g), c in sorted(confusion.items()) if e != g},
        "failures": failures,
        "seconds": round(time.perf_counter() - started, 2),
    }


def score_batches(paths: list[Path]) -> dict[str, Any]:
    """Stage accuracy over blind batch files (fields narrative, stage, today, debt_type, refuse, must, must_not).

    Each case is planned on its own `today`, through the minimal flow (no retrieval), so a dev or
    training batch can be scored quickly while tuning.
    """
    files = [f for p in paths for f in (sorted(p.glob("*.jsonl")) if p.is_dir() else [p])]
    n = correct = must_not_hits = 0
    confusion: Counter[tuple[str, str]] = Counter()
    misses: list[dict[str, Any]] = []
    for f in files:
        for case in load_cases(f):
            today = date.fromisoformat(case["today"]) if case.get("today") else EVAL_TODAY
            advice = minimal_advise(case["narrative"], today)
            got, expected = advice.stage.value, case.get("stage", case.get("expected_stage"))
            n += 1
            correct += got == expected
            confusion[(expected, got)] += 1
            everything = "\n".join([plan_text(advice), *(f"{d.title}\n{d.text}" for d in advice.drafts)])
            forbidden = [p for p in case["must_not"] if re.search(p, everything, re.I)]
            must_not_hits += len(forbidden)
            if got != expected or forbidden:
                misses.append({"id": case["id"], "expected": expected, "got": got, "must_not_hit": forbidden})
    return {
        "cases": n,
        "stage_accuracy": round(correct / n, 4) if n else 0.0,
        "must_not_hits": must_not_hits,
        "confusion": {f"{e}->{g}": c for (e, g), c in sorted(confusion.items()) if e != g},
        "misses": misses,
    }


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    if "--batches" in argv:
        # python -m evals.strategy_eval --batches evals/dev/strategy [more files or folders]
        print(json.dumps(score_batches([Path(a) for a in args]), ensure_ascii=False, indent=2))
        return 0
    path = Path(args[0]) if args else DEFAULT_PATH
    if "--minimal" in argv:
        fn: AdviseFn = minimal_advise
    else:
        from assistant.api import advise

        def fn(narrative: str) -> Advice:
            return advise(narrative, today=EVAL_TODAY)

    print(json.dumps(evaluate_strategy(fn, path), ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
