"""Extraction evaluation: what intake read from a narrative, field by field, against gold values.

Dataset: ``evals/dev/extraction/*.jsonl`` (the dev split of the blind batches), one narrative a line with ``id, narrative, lang, gold`` where gold has
``debtor_name, creditor_name, principal, repaid, upfront_deduction, annual_rate_percent, loan_date, due_date,
debt_type, disputed, acknowledged, reachable, debtor_has_assets, evidence`` (null = not stated).

How a Case is read against gold (the meaning the rest of the pipeline gives each field):
- ``repaid`` and ``upfront_deduction``: absent counts as 0 (``Case.outstanding`` treats them so);
- ``disputed``: absent counts as false (the plan only acts on a dispute it was told about);
- ``reachable``: contact status reachable -> true, unreachable -> false, evasive or unknown -> null
  (not answering says nothing about whether the debtor can be found);
- ``evidence``: the set of evidence kinds, correct only when equal;
- ``debt_type`` and ``acknowledged`` are not modelled by ``Case`` and are reported as such, not scored.

    python -m evals.extraction_eval [path ...]          # the rules path only
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from assistant.models import Case, ContactStatus

EXTRACTION_DIR = Path(__file__).resolve().parent / "dev" / "extraction"  # the dev split; the sealed one is never read here
EVAL_TODAY = date(2026, 11, 28)
SCORED = [
    "debtor_name", "creditor_name", "principal", "repaid", "upfront_deduction", "annual_rate_percent",
    "loan_date", "due_date", "disputed", "reachable", "debtor_has_assets", "evidence",
]  # fmt: skip
NOT_MODELLED = ["debt_type", "acknowledged"]
_ZERO_WHEN_ABSENT = {"repaid", "upfront_deduction"}
_FALSE_WHEN_ABSENT = {"disputed"}

ExtractFn = Callable[[str], Case]


def load_items(paths: Iterable[Path]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for path in paths:
        for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if not line.strip():
                continue
            item = json.loads(line)
            missing = [k for k in (*SCORED, *NOT_MODELLED) if k not in item.get("gold", {})]
            if missing or "narrative" not in item:
                raise ValueError(f"{path}:{n}: gold lacks {missing or ['narrative']}")
            items.append(item)
    return items


def default_paths() -> list[Path]:
    return sorted(EXTRACTION_DIR.glob("*.jsonl"))


def read_case(case: Case) -> dict[str, Any]:
    """The scored fields of a Case, in the gold's terms."""
    reach = case.contact_status.value if case.contact_status else None
    return {
        "debtor_name": case.debtor.name,
        "creditor_name": case.creditor.name,
        "principal": case.principal.value if case.principal else None,
        "repaid": case.repaid.value if case.repaid else None,
        "upfront_deduction": case.interest_deducted_upfront.value if case.interest_deducted_upfront else None,
        "annual_rate_percent": case.rate.annual_percent if case.rate else None,
        "loan_date": case.loan_date.value.isoformat() if case.loan_date else None,
        "due_date": case.due_date.value.isoformat() if case.due_date else None,
        "disputed": case.disputed.value if case.disputed else None,
        "reachable": {ContactStatus.reachable: True, ContactStatus.unreachable: False}.get(reach) if reach else None,
        "debtor_has_assets": case.debtor_has_assets.value if case.debtor_has_assets else None,
        "evidence": sorted({e.kind.value for e in case.evidence}),
    }


def _norm(field: str, value: Any) -> Any:
    if field in _ZERO_WHEN_ABSENT and value is None:
        return Decimal(0)
    if field in _FALSE_WHEN_ABSENT and value is None:
        return False
    if field in ("principal", "repaid", "upfront_deduction", "annual_rate_percent") and value is not None:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    if field == "evidence":
        return sorted(set(value or []))
    if isinstance(value, str):
        return value.strip()
    return value


def field_correct(field: str, predicted: Any, gold: Any) -> bool:
    return _norm(field, predicted) == _norm(field, gold)


def score(items: list[dict[str, Any]], extract: ExtractFn) -> dict[str, Any]:
    """Per field: accuracy over all items, recall on stated gold values, and wrong fills of unstated ones."""
    per_field = {f: {"correct": 0, "stated": 0, "stated_found": 0, "unstated_filled": 0} for f in SCORED}
    errors: list[dict[str, Any]] = []
    for item in items:
        predicted = read_case(extract(item["narrative"]))
        for field in SCORED:
            gold, got = item["gold"][field], predicted[field]
            ok = field_correct(field, got, gold)
            counts = per_field[field]
            counts["correct"] += ok
            empty_gold = _norm(field, gold) in (None, [], Decimal(0), False)
            if not empty_gold:
                counts["stated"] += 1
                counts["stated_found"] += ok
            elif not ok:
                counts["unstated_filled"] += 1
            if not ok and len(errors) < 200:
                errors.append({"id": item["id"], "field": field, "gold": gold, "got": str(got) if got is not None else None})
    n = len(items)
    fields = {
        f: {
            "accuracy": c["correct"] / n if n else 0.0,
            "recall_stated": c["stated_found"] / c["stated"] if c["stated"] else None,
            "wrong_fills": c["unstated_filled"],
            "stated": c["stated"],
        }
        for f, c in per_field.items()
    }
    overall = sum(v["accuracy"] for v in fields.values()) / len(fields) if n else 0.0
    return {"n": n, "field_accuracy": overall, "fields": fields, "not_modelled": NOT_MODELLED, "errors": errors}


def rules_extractor(today: date = EVAL_TODAY) -> ExtractFn:
    from assistant.intake import extract_case

    return lambda text: extract_case(text, today=today)


def main(argv: list[str] | None = None) -> int:
    paths = [Path(p) for p in (argv if argv is not None else sys.argv[1:])] or default_paths()
    result = score(load_items(paths), rules_extractor())
    print(f"{result['n']} narratives, mean field accuracy {result['field_accuracy']:.3f}")
    for field, m in result["fields"].items():
        recall = "–" if m["recall_stated"] is None else f"{m['recall_stated']:.3f}"
        print(f"  {field:22} accuracy {m['accuracy']:.3f}  recall(stated) {recall}  wrong fills {m['wrong_fills']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
