"""Word-level facts: evidence held, how reachable the debtor is, contacts, and yes/no facts.

Every word is checked for negation in its clause ("没有借条" adds no IOU, "没有失联" is not
unreachable, "没催过" is no demand).
"""

from __future__ import annotations

import re

from assistant.intake.lexicon import IntakeLexicon
from assistant.intake.text import Hit, clause_bounds, find_terms
from assistant.models import ContactEvent, ContactStatus, EvidenceItem, Fact, Span

_STATUS_ORDER = [ContactStatus.unreachable, ContactStatus.evasive, ContactStatus.reachable]
_CHANNEL_KINDS = {"demand", "contact", "promise", "acknowledgement"}
_NOW = re.compile(r"现在|目前|最近|如今|now|currently|these days", re.I)


def _span(hit: Hit) -> Span:
    return Span(start=hit.start, end=hit.end, text=hit.text)


def evidence(text: str, lex: IntakeLexicon) -> list[EvidenceItem]:
    """One item per kind the creditor says they hold, with its first un-negated mention."""
    items = []
    for kind, terms in lex.evidence.kinds.items():
        positive = [h for h in find_terms(terms, text, lex.negation) if not h.negated]
        if positive:
            items.append(EvidenceItem(kind=kind, source=_span(positive[0])))
    return sorted(items, key=lambda e: e.source.start if e.source else 0)


def contact_status(text: str, lex: IntakeLexicon) -> Fact[ContactStatus] | None:
    """unreachable > evasive > reachable, unless a later mention says how things stand now.

    A negated unreachable/evasive word ("没有失联", "他没拉黑我") is evidence of reachable.
    """
    mentions: list[tuple[ContactStatus, Hit]] = []
    for word, terms in lex.contact.status.items():
        for hit in find_terms(terms, text, lex.negation):
            status = ContactStatus(word)
            if hit.negated:
                if status is ContactStatus.reachable:
                    continue
                status = ContactStatus.reachable
            mentions.append((status, hit))
    if not mentions:
        return None
    current = [(s, h) for s, h in mentions if _NOW.search(text, clause_bounds(text, h.start)[0], h.start)]
    pool = current or mentions
    status, hit = min(pool, key=lambda sh: (_STATUS_ORDER.index(sh[0]), sh[1].start))
    if current:
        status, hit = max(current, key=lambda sh: sh[1].start)
    return Fact[ContactStatus](value=status, source=_span(hit))


def contact_events(text: str, lex: IntakeLexicon) -> list[ContactEvent]:
    """Demands, acknowledgements, promises, part payments and lawsuits, one per kind and clause.

    Dates are attached later by the intake's date resolution (民法典第一百九十五条 needs them).
    """
    events: list[ContactEvent] = []
    seen: set[tuple[str, int]] = set()
    for kind, terms in lex.contact.events.items():
        for hit in find_terms(terms, text, lex.negation):
            c_start, c_end = clause_bounds(text, hit.start)
            if hit.negated or (kind, c_start) in seen:
                continue
            seen.add((kind, c_start))
            channel = _channel(text, hit, c_start, c_end, lex) if kind in _CHANNEL_KINDS else None
            # the source is the cue word; the intake widens nothing, so the span stays exact
            events.append(ContactEvent(kind=kind, channel=channel, source=_span(hit)))
    return sorted(events, key=lambda e: e.source.start if e.source else 0)


def _channel(text: str, hit: Hit, c_start: int, c_end: int, lex: IntakeLexicon) -> str | None:
    """The channel named in the cue's clause, not past a 但/and that starts another thought."""
    stop = next((m.start() for m in lex.negation.scope_breakers.finditer(text, hit.end, c_end)), c_end)
    start = c_start
    for m in lex.negation.scope_breakers.finditer(text, c_start, hit.start):
        start = m.end()
    for name, words in lex.contact.channels.items():
        if any(True for _ in words.finditer(text, start, stop)):
            return name
    return None


def _yes_no(text: str, positive: list[Hit], negative: list[Hit] | None = None) -> Fact[bool] | None:
    yes = [h for h in positive if not h.negated]
    if yes:
        return Fact[bool](value=True, source=_span(yes[0]))
    no = [h for h in positive if h.negated] + [h for h in (negative or []) if not h.negated]
    if no:
        first = min(no, key=lambda h: h.start)
        return Fact[bool](value=False, source=_span(first))
    return None


def yes_no_facts(text: str, lex: IntakeLexicon) -> dict[str, Fact]:  # type: ignore[type-arg]
    """guarantor, collateral, disputed, illegal_purpose, debtor_has_assets, province."""
    f, neg = lex.facts, lex.negation
    facts: dict[str, Fact] = {}  # type: ignore[type-arg]
    for name, terms in (("guarantor", f.guarantor), ("collateral", f.collateral)):
        fact = _yes_no(text, find_terms(terms, text, neg))
        if fact is not None:
            facts[name] = fact
    # disputed: a denial wins over an admission ("承认借了，但说只借了5万"); "没有否认" is no dispute
    undisputed = find_terms(f.undisputed, text, neg)
    disputed = find_terms(f.disputed, text, neg) + [Hit(h.start, h.end, h.text, False) for h in undisputed if h.negated]
    fact = _yes_no(text, disputed, [h for h in undisputed if not h.negated])
    if fact is not None:
        facts["disputed"] = fact
    for kind, terms in f.illegal_purpose.kinds.items():
        hits = [h for h in find_terms(terms, text, neg) if not h.negated]
        if hits:
            facts["illegal_purpose"] = Fact[str](value=kind, source=_span(hits[0]))
            break
    assets = _yes_no(text, find_terms(f.debtor_assets.positive, text, neg), find_terms(f.debtor_assets.negative, text, neg))
    if assets is not None:
        facts["debtor_has_assets"] = assets
    first: tuple[int, str, Hit] | None = None
    for province, terms in f.provinces.names.items():
        for hit in find_terms(terms, text, neg):
            if first is None or hit.start < first[0]:
                first = (hit.start, province, hit)
    if first is not None:
        facts["province"] = Fact[str](value=first[1], source=_span(first[2]))
    return facts
