"""The extraction scorer: field by field against gold, in the pipeline's own meaning of each field.

The items here are written for the test (not eval data); the gold set lives in evals/extraction/."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from assistant.models import Case, ContactStatus, EvidenceItem, EvidenceKind, Fact, Party
from evals.extraction_eval import default_paths, field_correct, load_items, read_case, score

TODAY = date(2026, 11, 28)
GOLD = {
    "debtor_name": "王磊", "creditor_name": None, "principal": 80000, "repaid": 0, "upfront_deduction": None,
    "annual_rate_percent": None, "loan_date": "2025-03-01", "due_date": "2025-09-01", "debt_type": "loan",
    "disputed": False, "acknowledged": True, "reachable": None, "debtor_has_assets": None, "evidence": ["iou", "transfer_record"],
}  # fmt: skip


def _item(narrative: str = "2025年3月1日，同事王磊向我借了8万元，约定2025年9月1日前还清，有借条和转账记录。", **gold) -> dict:
    return {"id": "t-1", "narrative": narrative, "lang": "zh", "gold": {**GOLD, **gold}}


def test_a_perfect_reading_scores_one_on_every_field():
    case = Case(
        narrative="", today=TODAY, debtor=Party(name="王磊"), principal=Fact[Decimal](value=Decimal("80000.00")),
        loan_date=Fact[date](value=date(2025, 3, 1)), due_date=Fact[date](value=date(2025, 9, 1)),
        evidence=[EvidenceItem(kind=EvidenceKind.transfer_record), EvidenceItem(kind=EvidenceKind.iou)],
    )
    result = score([_item()], lambda text: case)
    assert result["field_accuracy"] == 1.0 and not result["errors"]


def test_a_missing_name_is_an_error_on_that_field_only():
    case = Case(narrative="", today=TODAY, principal=Fact[Decimal](value=Decimal(80000)),
                loan_date=Fact[date](value=date(2025, 3, 1)), due_date=Fact[date](value=date(2025, 9, 1)),
                evidence=[EvidenceItem(kind=EvidenceKind.transfer_record), EvidenceItem(kind=EvidenceKind.iou)])  # fmt: skip
    result = score([_item()], lambda text: case)
    assert [e["field"] for e in result["errors"]] == ["debtor_name"]
    assert result["fields"]["debtor_name"]["recall_stated"] == 0.0


def test_absent_repayment_means_nothing_repaid_and_absent_dispute_means_undisputed():
    assert field_correct("repaid", None, 0)
    assert field_correct("disputed", None, False)
    assert not field_correct("disputed", True, False)


def test_evasion_says_nothing_about_whether_the_debtor_can_be_found():
    case = Case(narrative="", today=TODAY, contact_status=Fact[ContactStatus](value=ContactStatus.evasive))
    assert read_case(case)["reachable"] is None


def test_a_value_filled_where_gold_says_unstated_counts_as_a_wrong_fill():
    case = Case(narrative="", today=TODAY, disputed=Fact[bool](value=True))
    assert score([_item()], lambda text: case)["fields"]["disputed"]["wrong_fills"] == 1


def test_a_gold_line_without_a_field_is_refused(tmp_path):
    bad = _item()
    del bad["gold"]["reachable"]
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(bad, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="reachable"):
        load_items([path])


def test_the_gold_set_loads_and_has_at_least_ninety_narratives():
    assert len(load_items(default_paths())) >= 90
