"""Finding debtor signals in a narrative: clause scope, negation, reported speech, hedges, whose act, time.

Pure text logic over a compiled signal book; the verdict lives in assistant/assess.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from assistant.assess.rules import CJK, LATIN, CompiledBook, SignalRule, compile_regex
from assistant.models import Axis
from assistant.text.segment import SENTENCE_END, segments


@dataclass
class Hit:
    rule: SignalRule
    start: int
    end: int
    weight: float
    modifiers: list[str] = field(default_factory=list)
    negated: bool = False

    @property
    def observed(self) -> bool:
        return not ({"reported", "negated_flip", "old"} & set(self.modifiers))


def negated(text: str, start: int, c: CompiledBook, english: bool) -> bool:
    clause_start = segments(text).clause_start(start)
    contrast = [m.end() for m in c.cue["contrast"].finditer(text, clause_start, start)]
    lo = max([clause_start, *contrast])
    window = c.book.modifiers.negation_window_en if english else c.book.modifiers.negation_window_zh
    lo = max(lo, start - window)
    return any(m.end() <= start for m in c.cue["negation_en" if english else "negation_zh"].finditer(text, lo, start))


def not_a_fact(text: str, start: int, c: CompiledBook, cue: str) -> bool:
    """等找到工作再还 (irrealis) or 我以为他要赖账 (suspicion): a hoped-for or feared event is no fact."""
    lo = max(segments(text).clause_start(start), start - 12)
    return c.cue[cue].search(text, lo, start) is not None


# a character before 我 that makes 我 an object (把我拉黑, 欠我, 给我), not the one acting
# 我 after these is an object or sits in a subordinate clause (把我拉黑, 欠我, 在我起诉前), not the actor
_OBJECT_MARKERS = frozenset("给跟和对把找问向让叫被诉骂胁欠还转黑删加帮带求告理回拉陪请约与同替催系接打骗坑害借在趁等")
# 我朋友/我表弟/my friend's: a possessive that names the debtor
# (close family - 我老婆, my wife - is usually the creditor's own household, so it is not listed)
_PERSON = (
    r"(?:的)?(?:朋友|同事|同学|邻居|老乡|发小|客户|合伙人|员工|房东|租客|战友|表[哥弟姐妹]|堂[哥弟姐妹]|姐夫|妹夫|"
    r"小舅子|大舅子|小姨子|连襟|舅舅|叔叔|伯伯|姑姑|姨妈|侄子|外甥|亲戚|弟弟|哥哥|姐姐|妹妹|弟媳|嫂子|前男友|前女友|前夫|前妻)"
)
_EN_PERSON = (
    r"(?:former |old |ex-|business |best )*(?:friend|colleague|co-?worker|classmate|neighbou?r|tenant|partner|client|"
    r"customer|employee|cousin|brother|sister|brother-in-law|sister-in-law|uncle|aunt|nephew|niece|ex|relative)"
)
_EN_CREDITOR = frozenset({"i", "my", "i'm", "i've", "i'd", "myself"})
_EN_DEBTOR = frozenset({"he", "she", "they", "his", "her", "their", "him", "them", "he's", "she's", "borrower", "debtor"})


@lru_cache(maxsize=1)
def _person_res() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    refs = compile_regex(r"我(?!" + _PERSON + r")|他|她|对方|借款人|债务人|此人|这人|被告|被申请人", "subject refs")
    en_person = compile_regex(r"\bmy " + _EN_PERSON + r"\b", "subject refs (en)")
    return refs, en_person, compile_regex(r"[a-z']+", "words")


_THIRD_PARTY = re.compile(r"(?:他|她)(?:的)?(?:老公|丈夫|老婆|妻子|前夫|前妻|儿子|女儿|爸|妈|父亲|母亲|弟弟|哥哥|朋友|合伙人)")


def _someone_else_acted(text: str, start: int) -> bool:
    """她老公赌博欠债跑了: the debtor's relative did it; the debtor's own conduct is not shown."""
    lo = segments(text).clause_start(start)
    seg = text[lo:start]
    matches = list(_THIRD_PARTY.finditer(seg))
    m = matches[-1] if matches else None
    return m is not None and not re.search(r"他|她", seg[m.end() :])


def _creditor_is_subject(text: str, start: int, end: int, english: bool) -> bool:
    """我去年失业了 / I lost my job too: the creditor's own circumstances say nothing about the debtor.

    The debtor named inside the hit settles it (每次联系他，他都说); otherwise the last person named
    in the clause before the hit decides.
    """
    refs_rx, en_person, words = _person_res()
    lo = segments(text).clause_start(start)
    inside = text[start:end]
    if english:
        if any(w in _EN_DEBTOR for w in words.findall(inside.lower())):
            return False
        seg = en_person.sub(" he ", text[lo:start].lower())  # "my friend's shop" is the debtor's
        for word in reversed(words.findall(seg)):
            if word in _EN_CREDITOR:
                return True
            if word in _EN_DEBTOR:
                return False
        return False
    if any(m.group() != "我" for m in refs_rx.finditer(inside)):
        return False
    seg = text[lo:start]
    refs = list(refs_rx.finditer(seg))
    if not refs or refs[-1].group() != "我":
        return False
    before = seg[refs[-1].start() - 1] if refs[-1].start() > 0 else ""
    return before not in _OBJECT_MARKERS and "被" not in seg[refs[-1].end() :]


def _reported(text: str, start: int, c: CompiledBook) -> bool:
    """A reporting verb earlier in the sentence, with no contrast or own-observation word in between."""
    sent_start = segments(text).sentence_start(start)
    cues = list(c.cue["reported"].finditer(text, sent_start, start))
    if not cues:
        return False
    after = cues[-1].end()
    return not (c.cue["contrast"].search(text, after, start) or c.cue["observed"].search(text, after, start))


def _time_factor(text: str, hit: Hit, c: CompiledBook, hit_starts: list[int]) -> str | None:
    """'old', 'recent' or None from the nearest time word in the hit's clause (or a bare clause after it)."""
    clause_start = segments(text).clause_start(hit.start)
    clause_end = segments(text).clause_end(hit.end)
    found: list[tuple[int, str]] = []
    for kind in ("old", "current", "recent"):
        found += [(m.start(), kind) for m in c.cue[kind].finditer(text, clause_start, clause_end)]
    before = [f for f in found if f[0] < hit.start]
    if before:
        return max(before)[1]
    if found:
        return min(found)[1]
    # an afterthought clause such as "，不过那是三年前的事了" dates the clause before it
    nxt_start = clause_end + 1
    if nxt_start < len(text) and not SENTENCE_END.match(text, clause_end):
        nxt_end = segments(text).clause_end(nxt_start)
        if not any(nxt_start <= s < nxt_end for s in hit_starts):
            m = c.cue["old"].search(text, nxt_start, nxt_end)
            if m:
                return "old"
    return None


def find_hits(text: str, c: CompiledBook, english: bool) -> list[Hit]:
    """Regex signals, each adjusted for negation, hedges, whose act, reported speech and time."""
    return adjust_hits(text, match_signals(text, c), c, english)


def match_signals(text: str, c: CompiledBook) -> list[Hit]:
    """Raw regex matches, longest first where they overlap, before any cue is applied."""
    raw: list[Hit] = []
    has_zh, has_latin = bool(CJK.search(text)), bool(LATIN.search(text))
    for rule, zh_rx, latin_rx in c.rules:
        for rx in (zh_rx if has_zh else None, latin_rx if has_latin else None):
            for m in rx.finditer(text) if rx is not None else ():
                if m.end() > m.start():
                    raw.append(Hit(rule, m.start(), m.end(), rule.weight))
    # longest match wins where signals overlap (低价卖房给表哥 is undervalue_sale, not a purchase)
    raw.sort(key=lambda h: (-(h.end - h.start), -abs(h.rule.weight), h.start))
    taken: list[Hit] = []
    for h in raw:
        if all(h.end <= t.start or h.start >= t.end for t in taken):
            taken.append(h)
    taken.sort(key=lambda h: h.start)
    return taken


def adjust_hits(text: str, taken: list[Hit], c: CompiledBook, english: bool) -> list[Hit]:
    m = c.book.modifiers
    starts = [h.start for h in taken]
    for h in taken:
        if (
            not_a_fact(text, h.start, c, "suspicion")
            or (h.rule.discount_when_reported and not_a_fact(text, h.start, c, "irrealis"))
            or (h.rule.subject_check and _creditor_is_subject(text, h.start, h.end, english))
            or (h.rule.axis is Axis.willingness and h.weight < 0 and not english and _someone_else_acted(text, h.start))
        ):
            h.negated, h.weight = True, 0.0
            continue
        if negated(text, h.start, c, english):
            h.negated = True
            h.weight = h.rule.negated_weight
            h.modifiers.append("negated_flip")
            continue
        if h.rule.claim or (h.rule.discount_when_reported and _reported(text, h.start, c)):
            h.modifiers.append("reported")
            if h.rule.discount_when_reported or h.rule.claim:
                h.weight *= m.reported_factor
        when = _time_factor(text, h, c, starts)
        if when == "old":
            h.modifiers.append("old")
            h.weight *= m.old_factor_ability if h.rule.axis is Axis.ability else m.old_factor
        elif when == "recent":
            h.modifiers.append("recent")
            h.weight *= m.recent_factor
    return [h for h in taken if not (h.negated and h.weight == 0)]
