"""Merging a rule-extracted Case with an LLM-extracted one.

Rule facts win wherever both exist (on numbers the rules and their evidence win). An LLM fact
fills a gap only if the words it claims to come from occur verbatim in the narrative; its span
is then re-anchored to those words and it is marked origin="llm". Anything else is dropped,
as instructor's citation validators drop quotes missing from the source.
"""

from __future__ import annotations

from assistant.models import Case, EvidenceItem, Fact, Party, PartyKind, Span

_FACT_FIELDS = [
    "principal", "repaid", "interest_deducted_upfront", "loan_date", "due_date", "last_contact_date",
    "contact_status", "guarantor", "collateral", "disputed", "illegal_purpose", "debtor_has_assets",
    "debtor_offer_monthly", "debtor_offer_down_payment", "province",
]  # fmt: skip


def grounded(span: Span | None, narrative: str) -> Span | None:
    """The span re-anchored to where its text occurs in the narrative, or None if it does not."""
    if span is None or not span.text.strip():
        return None
    if narrative[span.start : span.end] == span.text:
        return span
    at = narrative.find(span.text)
    return None if at < 0 else Span(start=at, end=at + len(span.text), text=span.text)


def _party(rule: Party, llm: Party, narrative: str) -> Party:
    source = grounded(llm.source, narrative)
    if source is None:
        return rule
    merged = rule.model_copy()
    if merged.name is None and llm.name and llm.name in narrative:
        merged.name, merged.source = llm.name, merged.source or source
    if merged.kind is PartyKind.unknown and llm.kind is not PartyKind.unknown:
        merged.kind, merged.source = llm.kind, merged.source or source
    return merged


def merge_cases(rule_case: Case, llm_case: Case) -> Case:
    """Rule facts win; grounded LLM facts fill the gaps, marked origin="llm"; ungrounded ones are dropped."""
    text = rule_case.narrative
    merged = rule_case.model_copy(deep=True)
    for name in _FACT_FIELDS:
        ours, theirs = getattr(merged, name), getattr(llm_case, name)
        if ours is None and isinstance(theirs, Fact):
            source = grounded(theirs.source, text)
            if source is not None:
                setattr(merged, name, theirs.model_copy(update={"source": source, "origin": "llm"}))
    if merged.rate is None and llm_case.rate is not None:
        source = grounded(llm_case.rate.source, text)
        if source is not None:
            merged.rate = llm_case.rate.model_copy(update={"source": source})
    kinds = {e.kind for e in merged.evidence}
    for item in llm_case.evidence:
        source = grounded(item.source, text)
        if item.kind not in kinds and source is not None:
            merged.evidence.append(EvidenceItem(kind=item.kind, source=source))
            kinds.add(item.kind)
    taken = [(e.source.start, e.source.end) for e in merged.contacts if e.source]
    for event in llm_case.contacts:
        source = grounded(event.source, text)
        if source is not None and not any(source.start < e and s < source.end for s, e in taken):
            merged.contacts.append(event.model_copy(update={"source": source}))
            taken.append((source.start, source.end))
    merged.contacts.sort(key=lambda e: e.source.start if e.source else 0)
    merged.creditor = _party(merged.creditor, llm_case.creditor, text)
    merged.debtor = _party(merged.debtor, llm_case.debtor, text)
    return merged
