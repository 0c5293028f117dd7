"""Merging a rule-extracted Case with an LLM-extracted one: grounding that checks support.

An LLM fact is accepted only if
1. the words it claims to come from occur verbatim in the narrative (presence), and
2. those words support that kind of fact (support, from knowledge/intake/llm_support.yaml):
   a name is a name, never a pronoun, a kinship word or a role (他, 表哥, 朋友、老板);
   `disputed = true` needs words that contest the debt or its amount ("电话也不接" does not);
   a date needs a date; an amount needs a number; a contact status needs words about reaching the debtor.
Facts the rule layer already holds win, unless the LLM's quote is more specific: it covers the
rule's own source words and says more (rule "3月", LLM "2025年3月15日"). Every refused LLM fact is
logged with its reason and kept in ``Case.rejected_llm_facts`` for the tests and the UI.
"""

from __future__ import annotations

import logging
import re
from decimal import Decimal
from functools import lru_cache
from typing import Any

from assistant.intake.lexicon import INTAKE_DIR, Terms
from assistant.models import Case, ContactStatus, EvidenceItem, Fact, Model, Party, PartyKind, RejectedFact, Span
from assistant.text.datafiles import load_model
from assistant.text.money import find_amounts, find_approximate_amounts

log = logging.getLogger(__name__)

_FACT_FIELDS = [
    "principal", "repaid", "interest_deducted_upfront", "loan_date", "due_date", "last_contact_date",
    "contact_status", "guarantor", "collateral", "disputed", "illegal_purpose", "debtor_has_assets",
    "debtor_offer_monthly", "debtor_offer_down_payment", "province",
]  # fmt: skip
_MONEY = {"principal", "repaid", "interest_deducted_upfront", "debtor_offer_monthly", "debtor_offer_down_payment"}
_DATES = {"loan_date", "due_date", "last_contact_date"}
# words around a role that still leave it a role: 我的朋友, 老朋友, 那个同事
_AFFIXES = re.compile(r"^(?:我的|我|他的|她的|那个|这个|一个|一位|那位|这位|my |his |her |a |an |the )|(?:的|们)$", re.I)


class NotAName(Model):
    pronouns: Terms
    kinship: Terms
    roles: Terms


class ContactSupport(Model):
    unreachable: Terms
    evasive: Terms
    reachable: Terms


class SupportLexicon(Model):
    basis: str
    not_a_name: NotAName
    contests_the_debt: Terms
    a_date: Terms
    a_number: Terms
    contact: ContactSupport


@lru_cache(maxsize=1)
def support_lexicon() -> SupportLexicon:
    return load_model(INTAKE_DIR / "llm_support.yaml", SupportLexicon)


def _says(terms: Terms, text: str) -> bool:
    return next(terms.finditer(text), None) is not None


def _whole(terms: Terms, text: str) -> bool:
    """The whole text is one of the terms (after stripping 我的/那个/的 and the like)."""
    core = _AFFIXES.sub("", text.strip())
    core = _AFFIXES.sub("", core)
    return any(m.start() == 0 and m.end() == len(core) for m in terms.finditer(core)) if core else True


def name_problem(name: str) -> str | None:
    """Why `name` is not a person's or a company's name, or None when it may be one."""
    lex = support_lexicon().not_a_name
    for label, terms in (("代词 / a pronoun", lex.pronouns), ("亲属称谓 / a kinship word", lex.kinship),
                         ("身份或关系 / a role", lex.roles)):  # fmt: skip
        if _whole(terms, name):
            return f"「{name}」是{label}，不是姓名 / is {label.split(' / ')[1]}, not a name"
    return None


def grounded(span: Span | None, narrative: str) -> Span | None:
    """The span re-anchored to where its text occurs in the narrative, or None if it does not."""
    if span is None or not span.text.strip():
        return None
    if narrative[span.start : span.end] == span.text:
        return span
    at = narrative.find(span.text)
    return None if at < 0 else Span(start=at, end=at + len(span.text), text=span.text)


def support_problem(name: str, fact: Fact[Any], quote: str) -> str | None:
    """Why `quote` does not support the fact offered for field `name`, or None when it does."""
    lex = support_lexicon()
    if name in _MONEY:
        if not _says(lex.a_number, quote):
            return f"金额的原话「{quote}」里没有数字 / the quote for an amount has no number"
        read = {a.value for a in find_amounts(quote)} | {Decimal(str(a.value)) for a in find_approximate_amounts(quote)}
        if read and Decimal(str(fact.value)) not in read:
            return f"原话「{quote}」写的不是 {fact.value} / the quote does not say {fact.value}"
    if name in _DATES:
        if not _says(lex.a_date, quote):
            return f"日期的原话「{quote}」里没有日期 / the quote for a date has no date"
        year, month = re.search(r"(\d{4})\s*年", quote), re.search(r"(?<!\d)(\d{1,2})\s*月", quote)
        if (year and int(year[1]) != fact.value.year) or (month and int(month[1]) != fact.value.month):
            return f"原话「{quote}」写的不是 {fact.value} / the quote does not say {fact.value}"
    if name == "disputed" and fact.value is True and not _says(lex.contests_the_debt, quote):
        return f"「{quote}」并未对债务或金额提出异议 / the quote does not contest the debt or its amount"
    if name == "contact_status" and isinstance(fact.value, ContactStatus) and fact.value is not ContactStatus.unknown:
        terms = getattr(lex.contact, fact.value.value)
        if not _says(terms, quote):
            return f"「{quote}」不能说明联系状态为 {fact.value.value} / the quote does not show {fact.value.value}"
    return None


def _more_specific(theirs: Span, ours: Span | None) -> bool:
    """The LLM read the same words as the rules, and more of them."""
    return ours is not None and theirs.start <= ours.start and ours.end <= theirs.end and len(theirs.text) > len(ours.text)


class _Merger:
    def __init__(self, rule_case: Case) -> None:
        self.text = rule_case.narrative
        self.merged = rule_case.model_copy(deep=True)
        self.rejected: list[RejectedFact] = []

    def reject(self, field: str, value: object, quote: str | None, reason: str) -> None:
        log.info("LLM fact rejected: %s = %r (quote %r): %s", field, value, quote, reason)
        self.rejected.append(RejectedFact(field=field, value=str(value), quote=quote, reason=reason))

    def fact(self, name: str, theirs: Fact[Any]) -> None:
        ours = getattr(self.merged, name)
        quote = theirs.source.text if theirs.source else None
        source = grounded(theirs.source, self.text)
        if source is None:
            self.reject(name, theirs.value, quote, "原话不在案情中 / the quote is not in the narrative")
            return
        problem = support_problem(name, theirs, source.text)
        if problem:
            self.reject(name, theirs.value, quote, problem)
            return
        if ours is not None:
            if ours.value == theirs.value:
                return
            if not _more_specific(source, ours.source):
                held = f"「{ours.source.text}」" if ours.source else ""
                self.reject(name, theirs.value, quote, f"规则已提取 {ours.value}{held} / the rules already hold {ours.value}")
                return
        setattr(self.merged, name, theirs.model_copy(update={"source": source, "origin": "llm"}))

    def party(self, role: str, rule: Party, llm: Party) -> Party:
        merged = rule.model_copy()
        if llm.name:
            quote = llm.source.text if llm.source else llm.name
            problem = name_problem(llm.name)
            if llm.name not in self.text:
                problem = problem or "姓名不在案情中 / the name is not in the narrative"
            if problem:
                self.reject(f"{role}.name", llm.name, quote, problem)
            elif rule.name and rule.name != llm.name:
                # "more specific": the LLM's name contains the rules' (张伟 for 张), or the rules' is no name at all
                if rule.name in llm.name or name_problem(rule.name):
                    at = self.text.find(llm.name)
                    merged.name, merged.source = llm.name, Span(start=at, end=at + len(llm.name), text=llm.name)
                else:
                    self.reject(f"{role}.name", llm.name, quote, f"规则已提取姓名「{rule.name}」 / the rules already hold {rule.name}")
            elif rule.name is None:
                at = self.text.find(llm.name)
                merged.name, merged.source = llm.name, merged.source or Span(start=at, end=at + len(llm.name), text=llm.name)
        source = grounded(llm.source, self.text)
        if merged.kind is PartyKind.unknown and llm.kind is not PartyKind.unknown and source is not None:
            merged.kind, merged.source = llm.kind, merged.source or source
        return merged


def merge_cases(rule_case: Case, llm_case: Case) -> Case:
    """Rule facts win unless the LLM's quote is more specific; supported LLM facts fill the gaps,
    marked origin="llm"; unsupported ones are dropped and listed in ``rejected_llm_facts``."""
    m = _Merger(rule_case)
    merged, text = m.merged, m.text
    for name in _FACT_FIELDS:
        theirs = getattr(llm_case, name)
        if isinstance(theirs, Fact):
            m.fact(name, theirs)
    if merged.rate is None and llm_case.rate is not None:
        source = grounded(llm_case.rate.source, text)
        if source is not None and _says(support_lexicon().a_number, source.text):
            merged.rate = llm_case.rate.model_copy(update={"source": source})
        else:
            m.reject("rate", llm_case.rate.annual_percent, llm_case.rate.source.text if llm_case.rate.source else None,
                     "利率的原话不在案情中或没有数字 / the quote for the rate is absent or has no number")  # fmt: skip
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
    merged.creditor = m.party("creditor", merged.creditor, llm_case.creditor)
    merged.debtor = m.party("debtor", merged.debtor, llm_case.debtor)
    merged.rejected_llm_facts = [*rule_case.rejected_llm_facts, *m.rejected]
    return merged
