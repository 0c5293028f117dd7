"""The public API. The app, the CLI and the evals use only these four functions.

Stable contract: field names and enum values here are covered by tests/test_api_contract.py.
"""

from __future__ import annotations

from datetime import date

from .inputs import clean_text
from .models import Advice, Assessment, Case, Citation, LegalityReport

__all__ = ["assess", "check", "retrieve", "advise"]


def assess(narrative: str, *, today: date | None = None) -> Assessment:
    """Classify the debtor in a case narrative as hardship, bad_faith or unclear."""
    from .assess import classify
    from .intake import extract_case

    text = clean_text(narrative, what="案情 / narrative")
    return classify(extract_case(text, today=today or date.today()))


def check(text: str, case: Case | None = None) -> LegalityReport:
    """Vet a draft message or document under PRC law. Deterministic; no LLM involved."""
    from .checker import check as run_checker

    return run_checker(clean_text(text, what="待审文本 / text"), case)


def retrieve(query: str, k: int = 5) -> list[Citation]:
    """Hybrid (BM25 + dense) retrieval over current statutes and our interpretation notes."""
    from .retrieval import get_retriever

    if not 1 <= k <= 50:
        from .errors import InputError

        raise InputError("k 必须在 1 到 50 之间 / k must be between 1 and 50")
    return get_retriever().search(clean_text(query, what="问题 / query"), k=k)


def advise(narrative: str, case: Case | None = None, *, today: date | None = None) -> Advice:
    """The whole pipeline: intake → assess → legal position → retrieve → plan → draft → check."""
    from .pipeline import run

    return run(clean_text(narrative, what="案情 / narrative"), case=case, today=today or date.today())
