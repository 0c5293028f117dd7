"""The only door from a draft to a CheckedDraft: check it, rewrite it if it fails, or withhold it.

Drafting renders text and knows nothing of the checker; the pipeline, the LLM gate and the filing
pack pass every draft through `certify`, so a CheckedDraft always carries the verdict on its own text.
"""

from __future__ import annotations

import logging

from assistant.checker.check import check
from assistant.checker.rewrite import rewrite
from assistant.errors import DraftWithheld
from assistant.models import Case, CheckedDraft, Draft, LegalityReport

__all__ = ["certify", "certify_all", "withhold"]

log = logging.getLogger(__name__)


def withhold(draft: Draft, report: LegalityReport) -> DraftWithheld:
    return DraftWithheld(draft.kind.value, sorted(report.codes()), report)


def certify(draft: Draft, case: Case | None = None, *, allow_rewrite: bool = True) -> CheckedDraft:
    """A checked draft, rewritten where the rewriter can make it lawful; raises DraftWithheld otherwise."""
    text, report = draft.text, check(draft.text, case)
    if not report.legal:
        if not allow_rewrite:
            raise withhold(draft, report)
        result = rewrite(text, case)
        if result.refused or not result.report.legal:
            raise withhold(draft, result.report)
        text, report = result.text, result.report
    return CheckedDraft(**draft.model_dump(exclude={"text"}), text=text, report=report)


def certify_all(drafts: list[Draft], case: Case | None) -> list[CheckedDraft]:
    """Every draft that can be made lawful; the withheld ones are logged with their report and left out."""
    checked: list[CheckedDraft] = []
    for draft in drafts:
        try:
            checked.append(certify(draft, case))
        except DraftWithheld as exc:
            log.warning("draft withheld: %s %s", exc.kind, exc.codes)
    return checked
