"""Drafts of the letters and court papers a creditor or lawyer needs, each vetted by the checker.

Only checked drafts leave this module: every template rendering goes through `_certify`, which runs
the legality checker (and, on failure, the rewriter) and builds a CheckedDraft, whose own validator
recomputes the report from the text. A draft that fails and cannot be rewritten is withheld and
logged with its report. Unknown facts become marked blanks listed in `blanks`, never guesses.
"""

from __future__ import annotations

import logging
from typing import Literal

from .drafting_values import DraftValues, build_values
from .errors import AssistantError
from .models import (
    Assessment,
    CheckedDraft,
    Citation,
    Case,
    DraftKind,
    LegalityReport,
    LegalPosition,
    Stage,
    Tone,
)
from .models import Draft as _Draft  # private: an unchecked draft never leaves this module
from .strategy import Strategy
from .templates import get_registry

__all__ = ["draft_documents", "render_draft", "DraftWithheld", "KINDS_BY_STAGE", "COURT_DOCUMENTS"]

log = logging.getLogger(__name__)

# What each stage hands the creditor: a message they can send now, then the stage's own document.
KINDS_BY_STAGE: dict[Stage, list[DraftKind]] = {
    Stage.reminder: [DraftKind.sms_reminder, DraftKind.email],
    Stage.formal_notice: [DraftKind.sms_reminder, DraftKind.demand_letter],
    Stage.lawyer_letter: [DraftKind.sms_reminder, DraftKind.lawyer_letter],
    Stage.negotiation: [DraftKind.sms_reminder, DraftKind.instalment_agreement],
    Stage.payment_order: [DraftKind.sms_reminder, DraftKind.payment_order_application],
    Stage.litigation: [DraftKind.sms_reminder, DraftKind.complaint],
    Stage.decline: [],  # an unprotected debt gets an explanation in the plan, never a demand
}
# Filed with or signed before Chinese authorities: Chinese only.
COURT_DOCUMENTS = {
    DraftKind.payment_order_application,
    DraftKind.complaint,
    DraftKind.repayment_agreement,
    DraftKind.instalment_agreement,
}


class DraftWithheld(AssistantError):
    """The draft failed the legality check and could not be rewritten; it is not handed out."""

    def __init__(self, kind: DraftKind, report: LegalityReport) -> None:
        self.kind = kind
        self.report = report
        codes = ", ".join(sorted(report.codes())) or "?"
        super().__init__(f"草稿未通过合法性审查，已扣留 / draft {kind.value} withheld: {codes}")


def draft_documents(
    case: Case,
    assessment: Assessment,
    position: LegalPosition,
    strategy: Strategy,
    citations: list[Citation] | None = None,
) -> list[CheckedDraft]:
    """The drafts the plan's stage calls for, each checked; withheld ones are logged and left out.

    `citations` is accepted for the pipeline's signature; letters cite only the strategy's document
    basis (knowledge/strategy.yaml `documents`), which the plan steps carry into the citations.
    """
    if strategy.stage == Stage.decline or not position.protected:
        return []
    drafts: list[CheckedDraft] = []
    for kind in KINDS_BY_STAGE[strategy.stage]:
        try:
            drafts.append(render_draft(kind, case, assessment, position, strategy, language=case.language))
        except DraftWithheld as exc:
            log.warning("draft withheld: %s %s", exc.kind.value, exc.report.model_dump_json())
    return drafts


def render_draft(
    kind: DraftKind,
    case: Case,
    assessment: Assessment,
    position: LegalPosition,
    strategy: Strategy,
    language: Literal["zh", "en"] = "zh",
    tone: Tone | None = None,
) -> CheckedDraft:
    """One document of any kind, checked. Raises DraftWithheld when it cannot be made lawful."""
    if not position.protected:
        # 民法典第一百五十三条: an unlawful debt gets no demand of any kind
        raise DraftWithheld(kind, LegalityReport(legal=False))
    registry = get_registry()
    if kind in COURT_DOCUMENTS or language not in registry.languages(kind):
        language = "zh"
    wanted = tone or registry.tone_for(kind, assessment.category.value)
    template = registry.get(kind, language, wanted)
    values: DraftValues = build_values(kind, case, position, strategy, language, registry)
    title, text = template.render(values.text)
    draft = _Draft(
        kind=kind,
        language=language,
        tone=template.tone,
        title=title,
        text=text,
        blanks=values.blanks_for(template.variables),
        origin="template",
    )
    return _certify(draft, case)


def _certify(draft: _Draft, case: Case) -> CheckedDraft:
    """The only way a draft becomes a CheckedDraft: check it, rewrite it if needed, or withhold it."""
    from .checker import check

    text = draft.text
    report = check(text, case)
    if not report.legal:
        try:
            from .rewrite import rewrite
        except ImportError:  # no rewriter available: a failing draft is simply withheld
            raise DraftWithheld(draft.kind, report) from None
        result = rewrite(text, case)
        if result.refused or not result.report.legal:
            raise DraftWithheld(draft.kind, result.report)
        text, report = result.text, result.report
    fields = draft.model_dump(exclude={"text"})
    # the validator on CheckedDraft recomputes the report from this exact text (with the case)
    return CheckedDraft.model_validate({**fields, "text": text, "report": report}, context={"case": case})
