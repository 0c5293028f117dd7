"""Drafts of the letters and court papers a creditor or lawyer needs, rendered from templates.

Drafting renders; it does not judge. Every draft it returns is an unchecked `Draft` that the checker
step (`assistant.checker.certify`) turns into a CheckedDraft or withholds. Unknown facts become marked
blanks listed in `blanks`, never guesses. An unprotected debt gets no demand at all (民法典第一百五十三条).
"""

from __future__ import annotations

from typing import Literal

from assistant.drafting.templates import get_registry
from assistant.drafting.values import DraftValues, build_values
from assistant.errors import DraftWithheld
from assistant.intake.debt import asks_for_filing
from assistant.models import (
    Assessment,
    Case,
    Citation,
    Draft,
    DraftKind,
    LegalPosition,
    Stage,
    Tone,
)
from assistant.plan.strategy import Strategy

__all__ = ["draft_documents", "render_draft", "KINDS_BY_STAGE", "COURT_DOCUMENTS"]


# What each stage hands the creditor: a message they can send now, then the stage's own document.
KINDS_BY_STAGE: dict[Stage, list[DraftKind]] = {
    Stage.reminder: [DraftKind.sms_reminder, DraftKind.email],
    Stage.formal_notice: [DraftKind.sms_reminder, DraftKind.demand_letter],
    Stage.lawyer_letter: [DraftKind.sms_reminder, DraftKind.lawyer_letter],
    Stage.negotiation: [DraftKind.sms_reminder, DraftKind.instalment_agreement],
    Stage.payment_order: [DraftKind.sms_reminder, DraftKind.payment_order_application],
    Stage.litigation: [DraftKind.sms_reminder, DraftKind.complaint],
    Stage.decline: [],  # an unprotected debt gets an explanation in the plan, never a demand
    Stage.answer: [],  # a legal question gets an answer with the articles, no letter
}
# Filed with or signed before Chinese authorities: Chinese only.
COURT_DOCUMENTS = {
    DraftKind.payment_order_application,
    DraftKind.complaint,
    DraftKind.repayment_agreement,
    DraftKind.instalment_agreement,
}


def draft_documents(
    case: Case,
    assessment: Assessment,
    position: LegalPosition,
    strategy: Strategy,
    citations: list[Citation] | None = None,
) -> list[Draft]:
    """The drafts the plan's stage calls for, unchecked (the checker step certifies them).

    `citations` is accepted for the pipeline's signature; letters cite only the strategy's document
    basis (knowledge/strategy.yaml `documents`), which the plan steps carry into the citations.
    """
    if strategy.stage == Stage.decline or not position.protected:
        return []
    kinds = list(KINDS_BY_STAGE[strategy.stage])
    if asks_for_filing(case.narrative) and DraftKind.complaint not in kinds:
        kinds.append(DraftKind.complaint)  # asked for the papers to sue with: the 民事起诉状 for this debt
    return [render_draft(kind, case, assessment, position, strategy, language=case.language) for kind in kinds]


def render_draft(
    kind: DraftKind,
    case: Case,
    assessment: Assessment,
    position: LegalPosition,
    strategy: Strategy,
    language: Literal["zh", "en"] = "zh",
    tone: Tone | None = None,
) -> Draft:
    """One document of any kind, unchecked. Raises DraftWithheld for a debt the law does not protect."""
    if not position.protected:
        # 民法典第一百五十三条: an unlawful debt gets no demand of any kind
        raise DraftWithheld(kind.value, ["ILLEGAL_DEBT"])
    registry = get_registry()
    if kind in COURT_DOCUMENTS or language not in registry.languages(kind):
        language = "zh"
    wanted = tone or registry.tone_for(kind, assessment.category.value)
    template = registry.get(kind, language, wanted)
    values: DraftValues = build_values(kind, case, position, strategy, language, registry)
    title, text = template.render(values.text)
    return Draft(
        kind=kind,
        language=language,
        tone=template.tone,
        title=title,
        text=text,
        blanks=values.blanks_for(template.variables),
        origin="template",
    )
