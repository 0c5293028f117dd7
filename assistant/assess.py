"""Classify the debtor before anything is drafted: hardship, bad_faith or unclear.

Transparent rule layer. Signals (``knowledge/signals.yaml``) score two axes, ability and willingness.
Each hit is adjusted for negation (没有失联), reported speech (他说失业了), contradiction by an observed
fact (……可朋友圈天天在旅游) and time (两年前 vs 上周), and carries its exact evidence span. The verdict
follows thresholds in the same file; thin or balanced evidence gives ``unclear``, never a guess.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import RuleError
from .models import Assessment, Axis, Case, Category, ContactStatus, Signal, Span
from .settings import KNOWLEDGE_DIR

__all__ = ["classify", "load_signal_book", "SignalBook", "SignalRule"]

SIGNALS_FILE = KNOWLEDGE_DIR / "signals.yaml"
LEXICON_DIR = KNOWLEDGE_DIR / "lexicons"
_ARTICLE_RE = re.compile(r"^第[零一二三四五六七八九十百千]+条(?:之[一二三四五六七八九十]+)?$")
_LEX_RE = re.compile(r"\{lex:([a-z_]+)\}")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")


# --------------------------------------------------------------------------- the rule file


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


class RuleBasis(_Strict):
    law: str = Field(pattern=r"^中华人民共和国")
    article: str
    note: str = ""

    @field_validator("article")
    @classmethod
    def _article_form(cls, v: str) -> str:
        if not _ARTICLE_RE.match(v):
            raise ValueError(f"article must be written 第…条 in Chinese numerals, got {v!r}")
        return v

    def label(self) -> str:
        return f"《{self.law.removeprefix('中华人民共和国')}》{self.article}"


class SignalRule(_Strict):
    code: str = Field(pattern=r"^[a-z][a-z_]*$")
    axis: Axis
    weight: float = Field(ge=-5, le=5)
    negated_weight: float = Field(default=0.0, ge=-5, le=5)
    reportable: bool | None = None  # default: ability claims are discounted when only reported
    claim: bool = False
    decisive: bool = False
    documents: bool = False
    cancels: list[str] = Field(default_factory=list)  # signals this one subsumes (a broken promise is no promise)
    subject_check: bool = True  # false: the creditor experiences it (我联系不上他, 我被拉黑), so 我 may be the subject
    derived: bool = False  # produced by the classifier itself (e.g. claim_contradicted), no patterns
    patterns: list[str] = Field(default_factory=list)
    explanation: Text
    reason: Text | None = None
    basis: list[RuleBasis] = Field(default_factory=list)

    @model_validator(mode="after")
    def _sane(self) -> SignalRule:
        if not self.derived and not self.patterns:
            raise ValueError(f"{self.code}: a signal needs at least one pattern")
        if self.weight == 0:
            raise ValueError(f"{self.code}: weight must not be 0")
        if self.decisive and (self.axis is not Axis.willingness or self.weight > 0):
            raise ValueError(f"{self.code}: only negative willingness signals can be decisive")
        return self

    @property
    def discount_when_reported(self) -> bool:
        return self.axis is Axis.ability if self.reportable is None else self.reportable


class Thresholds(_Strict):
    bad_faith_willingness: float = Field(lt=0)
    able_ability: float = Field(gt=0)
    able_max_willingness: float
    unable_ability: float = Field(lt=0)
    hardship_min_willingness: float
    cooperative_willingness: float = Field(gt=0)
    cooperative_unable_ability: float = Field(lt=0)
    credible_willingness: float = Field(gt=0)


class Modifiers(_Strict):
    reported_factor: float = Field(ge=0, le=1)
    contradicted_factor: float = Field(ge=0, le=1)
    documented_factor: float = Field(ge=1, le=2)
    case_fact_factor: float = Field(ge=0, le=1)
    old_factor: float = Field(ge=0, le=1)
    old_factor_ability: float = Field(ge=0, le=1)
    recent_factor: float = Field(ge=1, le=2)
    repeat_decay: float = Field(ge=0, le=1)
    negation_window_zh: int = Field(ge=1, le=20)
    negation_window_en: int = Field(ge=1, le=60)


class Cues(_Strict):
    negation_zh: str
    negation_en: str
    reported: str
    contrast: str
    suspicion: str
    irrealis: str
    observed: str
    debunk: str
    corroboration: str
    old: str
    current: str
    recent: str


class VerdictTexts(_Strict):
    no_signals: Text
    rationale: dict[str, Text]
    would_change: dict[str, Text]

    @model_validator(mode="after")
    def _complete(self) -> VerdictTexts:
        need_r = {c.value for c in Category}
        need_w = {"bad_faith", "bad_faith_decisive", "hardship", "unclear_reported", "unclear_ability", "unclear_willingness", "unclear_balanced"}
        if set(self.rationale) != need_r or set(self.would_change) != need_w:
            raise ValueError(f"texts need rationale keys {sorted(need_r)} and would_change keys {sorted(need_w)}")
        return self


class SignalBook(_Strict):
    version: int
    thresholds: Thresholds
    modifiers: Modifiers
    cues: Cues
    texts: VerdictTexts
    signals: list[SignalRule] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_codes(self) -> SignalBook:
        codes = [s.code for s in self.signals]
        dupes = sorted({c for c in codes if codes.count(c) > 1})
        if dupes:
            raise ValueError(f"duplicate signal codes: {', '.join(dupes)}")
        unknown = sorted({x for s in self.signals for x in s.cancels} - set(codes))
        if unknown:
            raise ValueError(f"cancels names unknown signals: {', '.join(unknown)}")
        return self


@dataclass(frozen=True)
class _Compiled:
    book: SignalBook
    # per rule: (rule, Chinese patterns, Latin-script patterns); a text is only run against its scripts
    rules: tuple[tuple[SignalRule, re.Pattern[str] | None, re.Pattern[str] | None], ...]
    cue: dict[str, re.Pattern[str]]


def _lexicon(name: str, where: str) -> str:
    path = LEXICON_DIR / f"{name}.txt"
    if not path.is_file():
        raise RuleError(f"{where}: lexicon {name} not found at {path}")
    words = [w.strip() for w in path.read_text(encoding="utf-8").splitlines() if w.strip() and not w.startswith("#")]
    return "(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + ")"


def _compile(regex: str, where: str) -> re.Pattern[str]:
    regex = _LEX_RE.sub(lambda m: _lexicon(m.group(1), where), regex)
    try:
        return re.compile(regex, re.IGNORECASE)
    except re.error as exc:
        raise RuleError(f"{where}: bad regex {regex!r}: {exc}") from exc


def _compile_rule(rule: SignalRule, where: str) -> tuple[SignalRule, re.Pattern[str] | None, re.Pattern[str] | None]:
    for p in rule.patterns:  # each pattern must compile on its own, so errors name the culprit
        _compile(p, where)
    expanded = [_LEX_RE.sub(lambda m: _lexicon(m.group(1), where), p) for p in rule.patterns]
    zh = [p for p in expanded if _CJK.search(p)]
    latin = [p for p in expanded if not _CJK.search(p)]
    join = lambda ps: _compile("|".join(f"(?:{p})" for p in ps), where) if ps else None  # noqa: E731
    return rule, join(zh), join(latin)


def load_signal_book(path: Path | str = SIGNALS_FILE) -> _Compiled:
    """Read, validate and compile a signal file; RuleError on any bad key, value or regex."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        book = SignalBook.model_validate(raw)
    except OSError as exc:
        raise RuleError(f"cannot read {path}: {exc}") from exc
    except (yaml.YAMLError, ValidationError) as exc:
        raise RuleError(f"{path.name} is invalid: {exc}") from exc
    rules = tuple(_compile_rule(r, f"{path.name}:{r.code}") for r in book.signals)
    cue = {name: _compile(rx, f"{path.name}:cues.{name}") for name, rx in book.cues.model_dump().items()}
    return _Compiled(book=book, rules=rules, cue=cue)


@lru_cache(maxsize=4)
def _book(path: str) -> _Compiled:
    return load_signal_book(path)


# --------------------------------------------------------------------------- finding signals

_SENTENCE_END = re.compile(r"[。！？!?；;\n]|\.(?=\s|$)")
_CLAUSE_END = re.compile(r"[，,、：:。！？!?；;\n—]|\.(?=\s|$)")


@dataclass
class _Hit:
    rule: SignalRule
    start: int
    end: int
    weight: float
    modifiers: list[str] = field(default_factory=list)
    negated: bool = False

    @property
    def observed(self) -> bool:
        return not ({"reported", "negated_flip", "old"} & set(self.modifiers))


@lru_cache(maxsize=16)
def _boundaries(text: str, rx: re.Pattern[str]) -> tuple[list[int], list[int]]:
    found = list(rx.finditer(text))
    return [m.start() for m in found], [m.end() for m in found]


def _boundary_before(text: str, pos: int, rx: re.Pattern[str]) -> int:
    """End of the last boundary that ends at or before pos (0 if none)."""
    ends = _boundaries(text, rx)[1]
    i = bisect_right(ends, pos)
    return ends[i - 1] if i else 0


def _boundary_after(text: str, pos: int, rx: re.Pattern[str]) -> int:
    """Start of the first boundary at or after pos (len(text) if none)."""
    starts = _boundaries(text, rx)[0]
    i = bisect_left(starts, pos)
    return starts[i] if i < len(starts) else len(text)


def _negated(text: str, start: int, c: _Compiled, english: bool) -> bool:
    clause_start = _boundary_before(text, start, _CLAUSE_END)
    contrast = [m.end() for m in c.cue["contrast"].finditer(text, clause_start, start)]
    lo = max([clause_start, *contrast])
    window = c.book.modifiers.negation_window_en if english else c.book.modifiers.negation_window_zh
    lo = max(lo, start - window)
    return any(m.end() <= start for m in c.cue["negation_en" if english else "negation_zh"].finditer(text, lo, start))


def _not_a_fact(text: str, start: int, c: _Compiled, cue: str) -> bool:
    """等找到工作再还 (irrealis) or 我以为他要赖账 (suspicion): a hoped-for or feared event is no fact."""
    lo = max(_boundary_before(text, start, _CLAUSE_END), start - 12)
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
    refs = _compile(r"我(?!" + _PERSON + r")|他|她|对方|借款人|债务人|此人|这人|被告|被申请人", "subject refs")
    en_person = _compile(r"\bmy " + _EN_PERSON + r"\b", "subject refs (en)")
    return refs, en_person, _compile(r"[a-z']+", "words")


_THIRD_PARTY = re.compile(r"(?:他|她)(?:的)?(?:老公|丈夫|老婆|妻子|前夫|前妻|儿子|女儿|爸|妈|父亲|母亲|弟弟|哥哥|朋友|合伙人)")


def _someone_else_acted(text: str, start: int) -> bool:
    """她老公赌博欠债跑了: the debtor's relative did it; the debtor's own conduct is not shown."""
    lo = _boundary_before(text, start, _CLAUSE_END)
    seg = text[lo:start]
    m = None
    for m in _THIRD_PARTY.finditer(seg):
        pass
    return m is not None and not re.search(r"他|她", seg[m.end() :])


def _creditor_is_subject(text: str, start: int, end: int, english: bool) -> bool:
    """我去年失业了 / I lost my job too: the creditor's own circumstances say nothing about the debtor.

    The debtor named inside the hit settles it (每次联系他，他都说); otherwise the last person named
    in the clause before the hit decides.
    """
    refs_rx, en_person, words = _person_res()
    lo = _boundary_before(text, start, _CLAUSE_END)
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


def _reported(text: str, start: int, c: _Compiled) -> bool:
    """A reporting verb earlier in the sentence, with no contrast or own-observation word in between."""
    sent_start = _boundary_before(text, start, _SENTENCE_END)
    cues = list(c.cue["reported"].finditer(text, sent_start, start))
    if not cues:
        return False
    after = cues[-1].end()
    return not (c.cue["contrast"].search(text, after, start) or c.cue["observed"].search(text, after, start))


def _time_factor(text: str, hit: _Hit, c: _Compiled, hit_starts: list[int]) -> str | None:
    """'old', 'recent' or None from the nearest time word in the hit's clause (or a bare clause after it)."""
    clause_start = _boundary_before(text, hit.start, _CLAUSE_END)
    clause_end = _boundary_after(text, hit.end, _CLAUSE_END)
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
    if nxt_start < len(text) and not _SENTENCE_END.match(text, clause_end):
        nxt_end = _boundary_after(text, nxt_start, _CLAUSE_END)
        if not any(nxt_start <= s < nxt_end for s in hit_starts):
            m = c.cue["old"].search(text, nxt_start, nxt_end)
            if m:
                return "old"
    return None


def _find_hits(text: str, c: _Compiled, english: bool) -> list[_Hit]:
    raw: list[_Hit] = []
    has_zh, has_latin = bool(_CJK.search(text)), bool(_LATIN.search(text))
    for rule, zh_rx, latin_rx in c.rules:
        for rx in (zh_rx if has_zh else None, latin_rx if has_latin else None):
            for m in rx.finditer(text) if rx is not None else ():
                if m.end() > m.start():
                    raw.append(_Hit(rule, m.start(), m.end(), rule.weight))
    # longest match wins where signals overlap (低价卖房给表哥 is undervalue_sale, not a purchase)
    raw.sort(key=lambda h: (-(h.end - h.start), -abs(h.rule.weight), h.start))
    taken: list[_Hit] = []
    for h in raw:
        if all(h.end <= t.start or h.start >= t.end for t in taken):
            taken.append(h)
    taken.sort(key=lambda h: h.start)
    m = c.book.modifiers
    starts = [h.start for h in taken]
    for h in taken:
        if (
            _not_a_fact(text, h.start, c, "suspicion")
            or (h.rule.discount_when_reported and _not_a_fact(text, h.start, c, "irrealis"))
            or (h.rule.subject_check and _creditor_is_subject(text, h.start, h.end, english))
            or (h.rule.axis is Axis.willingness and h.weight < 0 and not english and _someone_else_acted(text, h.start))
        ):
            h.negated, h.weight = True, 0.0
            continue
        if _negated(text, h.start, c, english):
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


# --------------------------------------------------------------------------- adjusting across hits


def _debunked(text: str, claim: _Hit, c: _Compiled, english: bool) -> re.Match[str] | None:
    """他说得了重病……根本没住过院: a debunking word after the claim, in its sentence or the next."""
    sent_end = _boundary_after(text, claim.end, _SENTENCE_END)
    nxt_end = _boundary_after(text, min(sent_end + 1, len(text)), _SENTENCE_END)
    for m in c.cue["debunk"].finditer(text, claim.end, nxt_end):
        if not _negated(text, m.start(), c, english):
            return m
    return None


def _contradict(text: str, hits: list[_Hit], c: _Compiled, english: bool) -> None:
    """A hardship the debtor only claims, against an observed ability fact or a debunking finding."""
    claims = [h for h in hits if h.rule.axis is Axis.ability and h.weight < 0 and "reported" in h.modifiers]
    facts = [h for h in hits if h.rule.axis is Axis.ability and h.weight >= 1.5 and h.observed]
    debunks = [m for m in (_debunked(text, h, c, english) for h in claims) if m]
    if not claims or not (facts or debunks):
        return
    for h in claims:
        h.weight *= c.book.modifiers.contradicted_factor
        h.modifiers.append("contradicted")
    credibility = _derived(c, "claim_contradicted")
    start, end = (facts[0].start, facts[0].end) if facts else debunks[0].span()
    hits.append(_Hit(credibility, start, end, credibility.weight, ["contradicted"]))


def _corroborate(text: str, hits: list[_Hit], c: _Compiled) -> None:
    """Documents, conduct or the creditor's own check make a reported hardship believable."""
    m = c.book.modifiers
    documented = any(h.rule.documents and not h.negated for h in hits)
    conduct = sum(h.weight for h in hits if h.rule.axis is Axis.willingness and h.weight > 0 and not h.negated)
    for h in hits:
        if h.rule.axis is not Axis.ability or h.weight >= 0:
            continue
        if documented:
            h.modifiers.append("documented")
        if "reported" not in h.modifiers or "contradicted" in h.modifiers:
            if documented:
                h.weight *= m.documented_factor
            continue
        sent_end = _boundary_after(text, h.end, _SENTENCE_END)
        nxt_end = _boundary_after(text, min(sent_end + 1, len(text)), _SENTENCE_END)
        checked = any(
            not _negated(text, m.start(), c, not _CJK.search(text)) for m in c.cue["corroboration"].finditer(text, h.end, nxt_end)
        )
        if documented or checked or conduct >= c.book.thresholds.credible_willingness:
            h.weight /= m.reported_factor if m.reported_factor else 1
            h.modifiers.append("corroborated")


def _from_case_facts(case: Case, hits: list[_Hit], c: _Compiled) -> None:
    """Structured facts from intake count only when they point into the narrative and add something new."""
    text = case.narrative
    wanted: list[tuple[str, object]] = []
    if case.contact_status and case.contact_status.value is ContactStatus.unreachable:
        wanted.append(("disappeared", case.contact_status))
    elif case.contact_status and case.contact_status.value is ContactStatus.evasive:
        wanted.append(("ignores_calls", case.contact_status))
    if case.repaid and case.repaid.value > 0:
        wanted.append(("partial_payment", case.repaid))
    if case.debtor_has_assets and case.debtor_has_assets.value:
        wanted.append(("has_assets", case.debtor_has_assets))
    codes = {h.rule.code for h in hits}
    by_code = {r.code: r for r, _, _ in c.rules}
    for code, fact in wanted:
        src = getattr(fact, "source", None)
        if code in codes or src is None or text[src.start : src.end] != src.text or src.end <= src.start:
            continue
        # only where the narrative's own signals are silent: same clause means already judged
        lo, hi = _boundary_before(text, src.start, _CLAUSE_END), _boundary_after(text, src.end, _CLAUSE_END)
        if any(h.start < hi and h.end > lo for h in hits):
            continue
        rule = by_code[code]
        if _negated(text, src.start, c, not _CJK.search(text)) or _not_a_fact(text, src.start, c, "suspicion"):
            continue
        hits.append(_Hit(rule, src.start, src.end, rule.weight * c.book.modifiers.case_fact_factor, ["case_fact"]))


def _derived(c: _Compiled, code: str) -> SignalRule:
    for rule, _, _ in c.rules:
        if rule.code == code:
            return rule
    raise RuleError(f"signals.yaml lacks the derived signal {code}")


def _combine_repeats(hits: list[_Hit], c: _Compiled) -> list[_Hit]:
    """Drop what a firing signal subsumes; a repeated signal counts less each time (repeat_decay)."""
    cancelled = {x for h in hits if h.weight and not h.negated for x in h.rule.cancels}
    groups: dict[str, list[_Hit]] = {}
    for h in hits:
        if h.rule.code not in cancelled:
            groups.setdefault(h.rule.code, []).append(h)
    out: list[_Hit] = []
    for group in groups.values():
        group.sort(key=lambda h: -abs(h.weight))
        for i, h in enumerate(group):
            if i:
                h.weight *= c.book.modifiers.repeat_decay**i
                h.modifiers.append("repeated")
            out.append(h)
    return sorted(out, key=lambda h: h.start)


# --------------------------------------------------------------------------- the verdict


def _decide(ability: float, willingness: float, hits: list[_Hit], c: _Compiled) -> tuple[Category, float, bool]:
    t = c.book.thresholds
    decisive = any(h.rule.decisive and h.observed and h.weight < 0 for h in hits)
    unwilling = any(h.rule.axis is Axis.willingness and h.weight < 0 for h in hits)
    if decisive or willingness <= t.bad_faith_willingness:
        margin = (2.0 if decisive else 0.0) + max(0.0, t.bad_faith_willingness - willingness)
        return Category.bad_faith, margin, decisive
    if ability >= t.able_ability and willingness <= t.able_max_willingness and unwilling:
        return Category.bad_faith, (ability - t.able_ability) + (t.able_max_willingness - willingness) + 0.5, False
    cooperative = willingness >= t.cooperative_willingness and ability <= t.cooperative_unable_ability
    if (ability <= t.unable_ability and willingness > t.hardship_min_willingness) or cooperative:
        return Category.hardship, (t.unable_ability - ability) + 0.5 * min(willingness - t.hardship_min_willingness, 3.0), False
    return Category.unclear, 0.0, False


def _confidence(category: Category, margin: float, n: int) -> float:
    if category is Category.unclear:
        return 0.6 if n == 0 else 0.45
    return round(min(0.95, 0.45 + 0.5 * (1 - math.exp(-margin / 1.5)) * (1 - 0.5**n)), 2)


def _explain(h: _Hit, lang: str) -> str:
    expl = getattr(h.rule.explanation, lang)
    parts = [expl]
    if h.rule.reason:
        parts.append(getattr(h.rule.reason, lang))
    if h.rule.basis:
        labels = "、".join(b.label() for b in h.rule.basis)
        parts.append(f"依据：{labels}" if lang == "zh" else f"basis: {labels}")
    return ("；" if lang == "zh" else "; ").join(parts)


def _texts(category: Category, decisive: bool, ability: float, willingness: float, hits: list[_Hit], c: _Compiled, lang: str) -> tuple[str, list[str]]:
    tx = c.book.texts
    top = sorted((h for h in hits if h.weight), key=lambda h: -abs(h.weight))[:3]
    sep = "、" if lang == "zh" else ", "
    reasons = sep.join(getattr(h.rule.explanation, lang) for h in top) or getattr(tx.no_signals, lang)
    rationale = getattr(tx.rationale[category.value], lang).format(reasons=reasons, ability=f"{ability:+.1f}", willingness=f"{willingness:+.1f}")
    keys: list[str]
    if category is Category.bad_faith:
        keys = ["bad_faith_decisive"] if decisive else ["bad_faith"]
    elif category is Category.hardship:
        keys = ["hardship"]
    else:
        keys = []
        if any("reported" in h.modifiers and "corroborated" not in h.modifiers and "contradicted" not in h.modifiers for h in hits):
            keys.append("unclear_reported")
        if not any(h.rule.axis is Axis.ability and h.weight for h in hits) or abs(ability) < 2:
            keys.append("unclear_ability")
        if not any(h.rule.axis is Axis.willingness and h.weight for h in hits) or abs(willingness) < 1.5:
            keys.append("unclear_willingness")
        keys = keys or ["unclear_balanced"]
    return rationale, [getattr(tx.would_change[k], lang) for k in keys]


def _missing(case: Case) -> list:
    try:
        from .intake import missing_facts  # written by the intake step; optional here
    except ImportError:
        return []
    return list(missing_facts(case))


def classify(case: Case, *, signals_path: Path | str | None = None) -> Assessment:
    """Score ability and willingness from the narrative (and intake facts) and decide the category."""
    c = _book(str(signals_path or SIGNALS_FILE))
    text = case.narrative or ""
    english = case.language == "en" or not _CJK.search(text)
    lang = "en" if english else "zh"
    hits = _find_hits(text, c, english)
    _contradict(text, hits, c, english)
    _corroborate(text, hits, c)
    _from_case_facts(case, hits, c)
    hits = _combine_repeats(hits, c)
    ability = round(sum(h.weight for h in hits if h.rule.axis is Axis.ability), 2)
    willingness = round(sum(h.weight for h in hits if h.rule.axis is Axis.willingness), 2)
    category, margin, decisive = _decide(ability, willingness, hits, c)
    n = sum(1 for h in hits if h.weight)
    rationale, would_change = _texts(category, decisive, ability, willingness, hits, c, lang)
    signals = [
        Signal(
            code=h.rule.code,
            axis=h.rule.axis,
            weight=round(h.weight, 2) + 0.0,  # no -0.0 for a claim weighed to nothing
            explanation=_explain(h, lang),
            evidence=Span(start=h.start, end=h.end, text=text[h.start : h.end]),
            modifiers=list(dict.fromkeys(h.modifiers)),
        )
        for h in hits
    ]
    return Assessment(
        category=category,
        confidence=_confidence(category, margin, n),
        ability=ability,
        willingness=willingness,
        signals=signals,
        missing=_missing(case),
        would_change=would_change,
        rationale=rationale,
    )
