"""The public API. The app, the CLI and the evals use only these four functions.

Stable contract: field names and enum values here are covered by tests/test_api_contract.py.
"""

from __future__ import annotations

from datetime import date

from assistant import pipeline
from assistant.assess import classify
from assistant.checker import check as run_checker
from assistant.drafting.filing import CheckedFilingPack
from assistant.errors import InputError
from assistant.intake import extract_case
from assistant.law import get_retriever
from assistant.models import Advice, Assessment, Case, Citation, LegalityReport
from assistant.text import clean_text

__all__ = ["assess", "check", "retrieve", "advise", "prepare_filing", "extract"]


def assess(narrative: str, *, today: date | None = None) -> Assessment:
    """Classify the debtor in a case narrative as hardship, bad_faith or unclear."""
    text = clean_text(narrative, what="案情 / narrative")
    return classify(extract_case(text, today=today or date.today()))


def check(text: str, case: Case | None = None) -> LegalityReport:
    """Vet a draft message or document under PRC law. Deterministic; no LLM involved."""
    return run_checker(clean_text(text, what="待审文本 / text"), case)


def retrieve(query: str, k: int = 5) -> list[Citation]:
    """Hybrid (BM25 + dense) retrieval over current statutes and our interpretation notes."""
    if not 1 <= k <= 50:
        raise InputError("k 必须在 1 到 50 之间 / k must be between 1 and 50")
    return get_retriever().search(clean_text(query, what="问题 / query"), k=k)


def advise(narrative: str, case: Case | None = None, *, today: date | None = None) -> Advice:
    """The whole pipeline: intake → assess → legal position → law → plan → drafting → checker."""
    return pipeline.run(clean_text(narrative, what="案情 / narrative"), case=case, today=today or date.today())


def prepare_filing(narrative: str, case: Case | None = None, *, today: date | None = None) -> CheckedFilingPack:
    """The filing pack (element-style complaint, preservation application, evidence list, fees, court, checklist)."""
    return pipeline.prepare_filing(clean_text(narrative, what="案情 / narrative"), case=case, today=today or date.today())


def extract(narrative: str, *, today: date | None = None) -> Case:
    """The case facts the rules read from a narrative (the user may correct them before filing)."""
    return extract_case(clean_text(narrative, what="案情 / narrative"), today=today or date.today())
