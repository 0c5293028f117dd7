"""Case intake: a `Case` filled from a creditor's own words, Chinese or English.

Every fact keeps the words it came from (a `Span` into the narrative); what was not said
stays None. Word lists and patterns live in knowledge/intake/*.yaml; this module is the
logic that decides which amount, date and word is which.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from assistant.intake.dates import DateMention, find_dates
from assistant.intake.dates import find_terms as find_loan_terms
from assistant.intake.debt import acknowledged, debt_type, reachable
from assistant.intake.facts import contact_events, contact_status, evidence, yes_no_facts
from assistant.intake.lexicon import AmountRole, IntakeLexicon, load_lexicon
from assistant.intake.merge import merge_cases
from assistant.intake.parties import extract_parties
from assistant.intake.questions import missing_facts
from assistant.intake.rates import find_interest_amount, find_rate, rate_from_amount
from assistant.intake.text import clause_bounds, clause_breaks_between, detect_language, sentence_bounds
from assistant.models import Case, ContactEvent, Fact, Span
from assistant.text.money import AmountMatch, find_amounts

__all__ = ["extract_case", "missing_facts", "merge_cases"]

_CLAUSE_COST = 15  # a clause boundary between a cue and its number counts as this many characters
_STILL_OWED = re.compile(r"(?:还|仍|尚|剩下?的?|still|remaining|balance)[^，。,；;]{0,4}$", re.I)
_ANOTHER_LOAN = re.compile(r"又|再|另|第二次|后来|之前|以前|还借|again|another|more|also|earlier|before that", re.I)


def _span(start: int, end: int, text: str) -> Span:
    return Span(start=start, end=end, text=text[start:end])


@dataclass(frozen=True)
class _Cue:
    role: str
    start: int
    end: int


def _amount_role(text: str, amount: AmountMatch, lex: IntakeLexicon) -> _Cue | None:
    """The role of an amount: a cue right after it, else the nearest cue before it in its sentence."""
    best: tuple[int, int, _Cue] | None = None
    s_start, _ = sentence_bounds(text, amount.start)
    for role, cues in lex.amounts.roles.items():
        for cue in cues:
            if cue.side == "after":
                gap = re.match(r"\s?(?:的)?", text[amount.end :])
                m = cue.match_at(text, amount.end + (gap.end() if gap else 0))
                if m:
                    return _Cue(role, m.start(), m.end())
                continue
            for m in cue.finditer(text, s_start, amount.start):
                distance = amount.start - m.end() + _CLAUSE_COST * clause_breaks_between(text, m.end(), amount.start)
                key = (distance, -(m.end() - m.start()))
                if best is None or key < best[:2]:
                    best = (*key, _Cue(role, m.start(), m.end()))
    return best[2] if best else None


def _amount_facts(text: str, amounts: list[AmountMatch], lex: IntakeLexicon) -> dict[AmountRole, Fact[Decimal]]:
    """Principal (with further loans added), repayments summed, and the single-valued roles."""
    by_role: dict[str, list[tuple[AmountMatch, _Cue]]] = {}
    for a in amounts:
        cue = _amount_role(text, a, lex)
        if cue is not None:
            by_role.setdefault(cue.role, []).append((a, cue))
    facts: dict[AmountRole, Fact[Decimal]] = {}
    for role, items in by_role.items():
        groups: dict[int, list[tuple[AmountMatch, _Cue]]] = {}
        for a, cue in items:
            groups.setdefault(cue.start, []).append((a, cue))
        value, first, end = Decimal(0), items[0][0], items[0][0].end
        for n, group in enumerate(groups.values()):
            cue = group[0][1]
            c_start, c_end = clause_bounds(text, cue.start)
            if n and not (role == "repaid" or (role == "principal" and _ANOTHER_LOAN.search(text, c_start, cue.start))):
                continue  # one amount per role, unless more repayments or a further loan are told
            # "还了2万，其中1万现金" breaks an amount down; "还了两次，一次1万，一次5000" lists its parts
            parts = group[:1] if c_start <= group[0][0].start < c_end else group
            value += sum((a.value for a, _ in parts), Decimal(0))
            end = max(end, parts[-1][0].end)
        facts[role] = Fact[Decimal](value=value, source=_span(first.start, end, text))  # type: ignore[index]
    return facts


def _date_cues(text: str, lex: IntakeLexicon) -> list[_Cue]:
    cues = [_Cue(role, m.start(), m.end()) for role, terms in lex.dates.roles.items() for m in terms.finditer(text)]
    cues += [_Cue(f"event:{kind}", m.start(), m.end()) for kind, terms in lex.contact.events.items() for m in terms.finditer(text)]
    return cues


def _date_roles(text: str, dates: list[DateMention], lex: IntakeLexicon, english: bool) -> list[tuple[DateMention, _Cue]]:
    """Pair dates with cues in their sentence, nearest pairs first, each date and cue used once.

    Distance counts characters, plus a cost per clause boundary. English puts the date after its
    verb ("lent it on 1 March"), so there a cue after the date costs more; "答应年底前还清" gives a
    promise's own date to the promise.
    """
    cues = _date_cues(text, lex)
    pairs: list[tuple[int, int, int, DateMention, _Cue]] = []
    for di, d in enumerate(dates):
        s_start, s_end = sentence_bounds(text, d.start)
        for ci, c in enumerate(cues):
            if c.end <= s_start or c.start >= s_end or (c.start < d.end and d.start < c.end):
                continue
            before = c.end <= d.start
            gap = d.start - c.end if before else c.start - d.end
            cost = gap + _CLAUSE_COST * clause_breaks_between(text, min(c.end, d.end), max(c.start, d.start))
            if english and not before:
                cost += _CLAUSE_COST
            if c.role.startswith("event:") and before and cost < _CLAUSE_COST:
                cost -= _CLAUSE_COST
            pairs.append((cost, di, ci, d, c))
    used_dates: set[int] = set()
    used_cues: set[tuple[int, int]] = set()
    found = []
    for _, di, _, d, c in sorted(pairs, key=lambda p: (p[0], p[1], p[2])):
        if di in used_dates or (c.start, c.end) in used_cues:
            continue
        used_dates.add(di)
        used_cues.add((c.start, c.end))
        found.append((d, c))
    return sorted(found, key=lambda dc: dc[0].start)


def _date_fact(d: DateMention) -> Fact[date]:
    return Fact[date](value=d.value, source=Span(start=d.start, end=d.end, text=d.text))


def _dates(
    text: str, today: date, dates: list[DateMention], lex: IntakeLexicon, events: list[ContactEvent]
) -> dict[str, Fact[date]]:
    roles = _date_roles(text, dates, lex, detect_language(text) == "en")
    facts: dict[str, Fact[date]] = {}
    for d, cue in roles:
        if cue.role in ("loan", "due", "last_contact") and f"{cue.role}_date" not in facts:
            facts[f"{cue.role}_date"] = _date_fact(d)
        elif cue.role.startswith("event:") and d.value <= today:
            # a contact happened in the past; "答应年底前还清" dates the promised payment, not the contact
            if cue.role == "event:promise" and d.start >= cue.end:
                continue
            for ev in events:  # the event whose cue this is gets the date
                if ev.when is None and ev.source and ev.source.start <= cue.start < ev.source.end:
                    ev.when = d.value
    if "due_date" not in facts and "loan_date" in facts:
        loan = facts["loan_date"]
        for term in find_loan_terms(text, lex.dates):  # 约定三个月还清: due = loan date + term
            facts["due_date"] = Fact[date](value=term.due_from(loan.value), source=_span(term.start, term.end, text))
            break
    if "last_contact_date" not in facts:
        dated = [ev for ev in events if ev.when is not None and ev.source is not None]
        if dated:
            latest = max(dated, key=lambda ev: ev.when)  # type: ignore[arg-type, return-value]
            facts["last_contact_date"] = Fact[date](value=latest.when, source=latest.source)  # type: ignore[arg-type]
    return facts


def extract_case(narrative: str, today: date) -> Case:
    """Read a creditor's narrative into a Case. Unsaid facts stay None; nothing is guessed."""
    lex = load_lexicon()
    text = narrative
    case = Case(narrative=text, language=detect_language(text), today=today)
    case.creditor, case.debtor = extract_parties(text, lex)

    dates = find_dates(text, today, lex.dates)
    case.rate = find_rate(text, lex.rates)
    blocked = [(d.start, d.end) for d in dates]
    if case.rate is not None and case.rate.source is not None:
        blocked.append((case.rate.source.start, case.rate.source.end))
    interest_amount = find_interest_amount(text, lex.rates)
    if interest_amount is not None:
        blocked.append((interest_amount[0].start, interest_amount[0].end))
    amounts = _amount_facts(text, find_amounts(text, blocked), lex)

    principal = amounts.get("principal")
    if principal is None and "owed" in amounts:
        owed = amounts["owed"]
        # "还了2万，还欠8万": what was lent is what is still owed plus what came back;
        # "一共欠我6万" is the whole debt
        still = owed.source is not None and _STILL_OWED.search(text, max(0, owed.source.start - 8), owed.source.start)
        extra = amounts["repaid"].value if "repaid" in amounts and still else Decimal(0)
        principal = Fact[Decimal](value=owed.value + extra, source=owed.source)
    case.principal = principal
    case.repaid = amounts.get("repaid")
    case.interest_deducted_upfront = amounts.get("interest_deducted_upfront")
    received = amounts.get("actually_received")
    if case.interest_deducted_upfront is None and received and principal and principal.value > received.value:
        # 借10万实际到手9万: the difference was taken upfront (民法典第六百七十条)
        case.interest_deducted_upfront = Fact[Decimal](value=principal.value - received.value, source=received.source)
    case.debtor_offer_monthly = amounts.get("offer_monthly")
    case.debtor_offer_down_payment = amounts.get("offer_down_payment")
    if case.rate is None and interest_amount is not None and principal is not None and principal.value > 0:
        case.rate = rate_from_amount(*interest_amount, principal.value, lex.rates)

    case.contacts = contact_events(text, lex)
    for name, fact in _dates(text, today, dates, lex, case.contacts).items():
        setattr(case, name, fact)
    case.evidence = evidence(text, lex)
    case.contact_status = contact_status(text, lex)
    for name, fact in yes_no_facts(text, lex).items():
        setattr(case, name, fact)
    case.debt_type = debt_type(text)
    case.acknowledged = acknowledged(text)
    case.reachable = reachable(text)
    return case
