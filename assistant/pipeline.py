"""The one direction of flow: intake → assess → legal position → law → plan → drafting → checker.

Each step is its own package; this file only wires them, lets a configured LLM help where it may,
and gathers the law the advice stands on. Every draft passes the checker before it leaves.
"""

from __future__ import annotations

import logging
from datetime import date

from assistant.assess import classify
from assistant.checker import certify, certify_all, check
from assistant.drafting import draft_documents
from assistant.drafting.filing import CheckedFilingDocument, CheckedFilingPack, build_filing_pack
from assistant.errors import AssistantError
from assistant.intake import extract_case, merge_cases
from assistant.law import get_article, get_retriever
from assistant.llm import draft_with_llm, extract_with_llm
from assistant.models import Advice, Basis, Case, CheckedDraft, Citation, LegalPosition
from assistant.plan import plan_strategy
from assistant.position import legal_position
from assistant.settings import get_settings

log = logging.getLogger(__name__)

# How many retrieved articles (beyond the ones the plan cites) the advice carries.
RETRIEVED_PER_ADVICE = 3


def run(narrative: str, *, case: Case | None = None, today: date) -> Advice:
    warnings: list[str] = []
    if case is None:
        case = extract_case(narrative, today=today)
    elif not case.narrative:
        # an edited case from the UI keeps the narrative the classification reads
        case = case.model_copy(update={"narrative": narrative})
    case = _with_llm_facts(case, warnings)

    assessment = classify(case)
    position = legal_position(case)
    strategy = plan_strategy(case, assessment, position)
    citations = gather_citations(case, position, [b for step in strategy.steps for b in step.basis], warnings)
    drafts = certify_all(draft_documents(case, assessment, position, strategy, citations), case)
    drafts = _with_llm_prose(drafts, case, citations, warnings)
    return Advice(
        case=case,
        assessment=assessment,
        position=position,
        stage=strategy.stage,
        stage_reason=strategy.reason,
        plan=strategy.steps,
        negotiation=strategy.negotiation,
        citations=citations,
        drafts=drafts,
        warnings=[*strategy.warnings, *warnings],
    )


def prepare_filing(narrative: str, *, case: Case | None = None, today: date) -> CheckedFilingPack:
    """The filing pack for the case, every document certified by the checker (a withheld one raises DraftWithheld)."""
    if case is None:
        case = extract_case(narrative, today=today)
    elif not case.narrative:
        case = case.model_copy(update={"narrative": narrative})
    pack = build_filing_pack(case, legal_position(case))
    documents = [
        CheckedFilingDocument(name=d.name, draft=certify(d.draft, case, allow_rewrite=False), tables=d.tables)
        for d in pack.documents
    ]
    return CheckedFilingPack(**pack.model_dump(exclude={"documents"}), documents=documents)


def _with_llm_facts(case: Case, warnings: list[str]) -> Case:
    """Merge LLM-extracted facts when an LLM is configured; the rule facts win on numbers."""
    if get_settings().llm_backend == "none":
        return case
    try:
        return merge_cases(case, extract_with_llm(case.narrative, today=case.today))
    except AssistantError as exc:
        warnings.append(f"LLM 不可用，已使用规则提取 / LLM unavailable, rule extraction used: {exc.user_message}")
        return case


def _with_llm_prose(drafts: list[CheckedDraft], case: Case, citations: list[Citation], warnings: list[str]) -> list[CheckedDraft]:
    """Let a configured LLM polish the first draft; it passes the same checker or the template stays."""
    if get_settings().llm_backend == "none" or not drafts:
        return drafts
    try:
        improved, attempts = draft_with_llm(drafts[0], case, law=[c.label() for c in citations[:6]], check=check)
    except AssistantError as exc:
        warnings.append(f"LLM 不可用，已使用模板文书 / LLM unavailable, template draft used: {exc.user_message}")
        return drafts
    if not attempts.used_llm:
        warnings.append(f"LLM 文书 {attempts.attempts} 次未通过审查，已使用模板文书 / LLM draft failed the checks, template used")
    return [improved, *drafts[1:]]


def gather_citations(case: Case, position: LegalPosition, plan_basis: list[Basis], warnings: list[str]) -> list[Citation]:
    """The articles the plan and the position rely on, looked up exactly, plus the best retrieved ones.

    Exact lookups come first: a citation the advice relies on must be the article itself, never a
    neighbour the retriever happened to rank higher.
    """
    wanted: list[Basis] = [*plan_basis]
    for part in (position.interest, position.limitation, position.payment_order, position.fees):
        if part is not None:
            wanted.extend(part.basis)

    seen: set[tuple[str, str]] = set()
    citations: list[Citation] = []
    for basis in wanted:
        key = (basis.law, basis.article)
        if key in seen:
            continue
        seen.add(key)
        found = get_article(basis.law, basis.article)
        if found is None:
            log.warning("basis without a text in the knowledge base: %s %s", basis.law, basis.article)
            continue
        citations.append(found)

    try:
        added = 0
        for hit in get_retriever().search((case.narrative or "借款到期不还")[:500], k=RETRIEVED_PER_ADVICE + len(seen)):
            key = (hit.law, hit.article)
            if key in seen or added == RETRIEVED_PER_ADVICE:
                continue
            seen.add(key)
            citations.append(hit)
            added += 1
    except AssistantError as exc:
        warnings.append(f"检索暂不可用 / retrieval unavailable: {exc.user_message}")
    return citations
