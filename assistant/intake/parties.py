"""Creditor and debtor: their kind (individual, 个体户, company, licensed lender) and names if stated.

The narrator is the creditor ("我借给朋友…", "I lent…"). The debtor's kind comes from the
words used for them; a company or trader word counts only in a clause about the loan, so
"朋友在公司上班" does not make the friend a company.
"""

from __future__ import annotations

import re

from assistant.intake.lexicon import IntakeLexicon
from assistant.intake.text import sentence_bounds
from assistant.models import Party, PartyKind, Span

_LOAN_CLAUSE = re.compile(r"借|欠|贷|lent|loan|borrow|owe", re.I)
_BOUNDARY = r"(?=[借欠向跟找说还，。、,；;\s是在于的和也已又去今前后先女那这拿用从把给他她]|先生|女士|\d|[一二两三四五六七八九十]|$)"
_EN_NAME = r"(?P<name>[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)"
_EN_STOP = {"I", "He", "She", "They", "We", "My", "His", "Her", "The", "On", "In", "At", "And", "But"}
_EN_DEBTOR = re.compile(
    rf"(?:colleague|friend|cousin|neighbou?r|classmate|relative|brother|sister|uncle|aunt|named|called|Mr\.?|Ms\.?|Mrs\.?"
    rf"|lent|loaned)\s+{_EN_NAME}"
)
# a registered name, not a description ("一家贸易有限公司" names nobody)
_EN_COMPANY = re.compile(r"(?P<name>(?:[A-Z][A-Za-z&'-]*\s){1,6}(?:Co\.,?\s?Ltd\.?|Ltd\.?|Limited|Inc\.?|Corp\.?|Company))")
_SELF = re.compile(r"我是|本人是|我们是|\bI am\b|\bI'm\b|\bwe are\b", re.I)
_EMPLOYED = re.compile(r"(?:在|works? (?:at|for)|employed (?:at|by)|job at)\s?\S{0,6}$", re.I)
_COMPANY_NAME = re.compile(r"(?:(?<=[给向和是欠告，。,；;：:\s])|^)[\u4e00-\u9fff（）()]{2,24}?(?:股份有限公司|有限责任公司|有限公司)")


def _name_patterns(surnames: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    name = rf"(?P<name>[{surnames}](?:某某|某)|[{surnames}][\u4e00-\u9fff]{{1,2}}?{_BOUNDARY}|[小老][{surnames}]{_BOUNDARY})"
    debtor = re.compile(
        rf"(?:朋友|同事|同学|亲戚|老乡|邻居|借款人|债务人|欠款人|被告|对方|一个叫|名叫|叫做|(?<![我人])叫|姓名为|借给|借钱给|转给|赊给|"
        rf"表哥|表弟|表姐|表妹|姐夫|妹夫|嫂子|老板|客户|网友)(?:是)?{name}"
        rf"|(?:^|(?<=[，。,；;\s]))(?P<name2>[小老][{surnames}]|[{surnames}](?:某某|某|[\u4e00-\u9fff]{{1,2}}?))"
        rf"(?=[^，。,；;]{{0,6}}?(?:借|欠我))"
    )
    creditor = re.compile(rf"(?:出借人|债权人|我叫|本人)(?:是)?{name}")
    return debtor, creditor


def _span(m: re.Match[str], group: str) -> Span:
    return Span(start=m.start(group), end=m.end(group), text=m.group(group))


def _debtor_name(text: str, lex: IntakeLexicon) -> Span | None:
    for m in _COMPANY_NAME.finditer(text):
        if not re.search(r"我(?:们|司)", text[max(0, m.start() - 3) : m.start()]) and not re.search(r"一家|一个|某家", m.group()):
            return Span(start=m.start(), end=m.end(), text=m.group())
    for m in _EN_COMPANY.finditer(text):
        if not re.match(r"(?:Our|My) ", m.group()):
            return _span(m, "name")
    debtor, _ = _name_patterns(lex.parties.surnames)
    for m in debtor.finditer(text):
        group = "name" if m.group("name") else "name2"
        return _span(m, group)
    for m in _EN_DEBTOR.finditer(text):
        if m.group("name").split()[0] not in _EN_STOP:
            return _span(m, "name")
    return None


def _creditor(text: str, lex: IntakeLexicon) -> Party:
    _, creditor = _name_patterns(lex.parties.surnames)
    name_m = creditor.search(text)
    name = _span(name_m, "name") if name_m else None
    # the narrator's own words for itself; plain "我"/"I" makes an individual lender
    for kind in (PartyKind.licensed_lender, PartyKind.company, PartyKind.sole_trader, PartyKind.individual):
        terms = lex.parties.creditor_self.get(kind)
        hit = next(terms.finditer(text), None) if terms else None
        if hit:
            source = Span(start=hit.start(), end=hit.end(), text=hit.group())
            return Party(name=name.text if name else None, kind=kind, source=name or source)
    return Party(name=name.text if name else None, source=name)


def _self_spans(text: str, lex: IntakeLexicon) -> list[tuple[int, int]]:
    spans = []
    for kind, terms in lex.parties.creditor_self.items():
        if kind is not PartyKind.individual:
            spans += [m.span() for m in terms.finditer(text)]
    return spans


def _debtor_kind(text: str, lex: IntakeLexicon) -> tuple[PartyKind, Span] | None:
    own = _self_spans(text, lex)
    for kind in (PartyKind.company, PartyKind.sole_trader):
        for m in lex.parties.kinds[kind].finditer(text):
            if any(s <= m.start() < e for s, e in own):
                continue
            s_start, s_end = sentence_bounds(text, m.start())
            if _EMPLOYED.search(text, s_start, m.start()) or _SELF.search(text, s_start, m.start()):
                continue  # "朋友在公司上班" says where the friend works, not who borrowed
            if kind is PartyKind.sole_trader or _LOAN_CLAUSE.search(text, s_start, s_end):
                return kind, Span(start=m.start(), end=m.end(), text=m.group())
    m = next(lex.parties.kinds[PartyKind.individual].finditer(text), None)
    if m:
        return PartyKind.individual, Span(start=m.start(), end=m.end(), text=m.group())
    return None


def extract_parties(text: str, lex: IntakeLexicon) -> tuple[Party, Party]:
    """(creditor, debtor) as stated; unknown kinds and names stay unknown / None."""
    creditor = _creditor(text, lex)
    name = _debtor_name(text, lex)
    kind = _debtor_kind(text, lex)
    if name is not None and re.search(r"公司|Co\.|Ltd|Limited|Inc\.?$|Corp|Company", name.text):
        kind = (PartyKind.company, name)
    if kind is None and name is not None:
        kind = (PartyKind.individual, name)  # a personal name (张三, 李某) names a natural person
    debtor = Party(
        name=name.text if name else None,
        kind=kind[0] if kind else PartyKind.unknown,
        source=name or (kind[1] if kind else None),
    )
    return creditor, debtor
