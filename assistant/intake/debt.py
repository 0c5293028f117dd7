"""What the debt is for, whether it was confirmed, whether the debtor can be found, whether the
message is a question, and what unlawful acts it asks for — word lists in knowledge/intake/debt.yaml.
"""

from __future__ import annotations

from functools import lru_cache

from assistant.intake.lexicon import INTAKE_DIR, Terms, load_lexicon
from assistant.intake.text import Hit, find_terms
from assistant.models import DebtType, Fact, Model, Span
from assistant.text.datafiles import load_model

__all__ = [
    "DebtLexicon", "load_debt_lexicon", "debt_type", "acknowledged", "reachable", "is_legal_question", "unlawful_requests",
    "asks_for_filing", "flight_risk", "nothing_owed",
]


class _Types(Model):
    basis: str
    strong: dict[DebtType, Terms]
    weak: dict[DebtType, Terms]
    against_guarantor: Terms
    guarantor_named: Terms


class _Cued(Terms):
    basis: str = ""


class _Short(Terms):
    max_chars: int


class _Question(Model):
    markers: Terms
    action: Terms
    short: _Short


class _Unlawful(Model):
    basis: str
    kinds: dict[str, Terms]


class DebtLexicon(Model):
    types: _Types
    acknowledged: _Cued
    unreachable: _Cued
    address_known: _Cued
    flight: _Cued
    settled: _Cued
    question: _Question
    unlawful_requests: _Unlawful
    filing_request: _Cued


@lru_cache(maxsize=1)
def load_debt_lexicon() -> DebtLexicon:
    return load_model(INTAKE_DIR / "debt.yaml", DebtLexicon)


def _positive(terms: Terms, text: str) -> list[Hit]:
    return [h for h in find_terms(terms, text, load_lexicon().negation) if not h.negated]


def _span(hit: Hit) -> Span:
    return Span(start=hit.start, end=hit.end, text=hit.text)


def debt_type(text: str) -> Fact[DebtType] | None:
    """The earliest strong cue's type; a weak cue (对账单, 担保) only where no strong cue is said.

    A claim aimed at the guarantor makes the guarantee the debt in issue (民法典第六百八十一条)."""
    lex = load_debt_lexicon().types
    first: tuple[int, DebtType, Hit] | None = None
    for kind, terms in lex.strong.items():
        hits = _positive(terms, text)
        if hits and (first is None or hits[0].start < first[0]):
            first = (hits[0].start, kind, hits[0])
    aimed = _positive(lex.against_guarantor, text) or _positive(lex.guarantor_named, text)
    if aimed:
        return Fact[DebtType](value=DebtType.guarantee, source=_span(aimed[0]))
    if first is None:
        for kind, terms in lex.weak.items():
            hits = _positive(terms, text)
            if hits:
                return Fact[DebtType](value=kind, source=_span(hits[0]))
        return None
    return Fact[DebtType](value=first[1], source=_span(first[2]))


def acknowledged(text: str) -> Fact[bool] | None:
    hits = _positive(load_debt_lexicon().acknowledged, text)
    return Fact[bool](value=True, source=_span(hits[0])) if hits else None


def reachable(text: str) -> Fact[bool] | None:
    """False only when the whereabouts are unknown (民事诉讼法第九十五条); a known address wins over
    "电话不接" and even over "找不到人", since the debtor can then be served there."""
    lex = load_debt_lexicon()
    known = _positive(lex.address_known, text)
    if known:
        return Fact[bool](value=True, source=_span(known[0]))
    lost = _positive(lex.unreachable, text)
    if lost:
        return Fact[bool](value=False, source=_span(lost[0]))
    return None


def flight_risk(text: str) -> bool:
    """The debtor is moving assets away or leaving for good: preservation cannot wait for a letter
    (民事诉讼法第一百零三条、第一百零四条)."""
    return bool(_positive(load_debt_lexicon().flight, text))


def nothing_owed(text: str) -> bool:
    """The creditor says the debt is paid or settled (民法典第五百五十七条): nothing left to collect."""
    return bool(_positive(load_debt_lexicon().settled, text))


def is_legal_question(text: str) -> bool:
    """A question about the law rather than a case to act on: a question marker, no request to act."""
    q = load_debt_lexicon().question
    asked = bool(_positive(q.markers, text)) or (len(text) <= q.short.max_chars and bool(_positive(q.short, text)))
    return asked and not _positive(q.action, text)


def unlawful_requests(text: str) -> list[str]:
    """The kinds of unlawful act the message asks for (intimidation, exposure, third parties, spouse)."""
    kinds = load_debt_lexicon().unlawful_requests.kinds
    return [kind for kind, terms in kinds.items() if any(True for _ in terms.finditer(text))]


def asks_for_filing(text: str) -> bool:
    """The creditor asks for the papers to sue with (请帮我准备起诉材料 / prepare the filing); "不想起诉" does not."""
    return bool(_positive(load_debt_lexicon().filing_request, text))
