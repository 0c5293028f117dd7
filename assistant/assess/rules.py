"""The debtor-signal rule file (knowledge/signals.yaml): strict models, loading and compiling.

A bad key, value or regex fails at start-up with a RuleError naming the signal (see STYLE.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pydantic import ConfigDict, Field, field_validator, model_validator

from assistant.errors import RuleError
from assistant.models import Axis, Category, Model
from assistant.settings import KNOWLEDGE_DIR
from assistant.text.datafiles import load_model

__all__ = ["SIGNALS_FILE", "SignalBook", "SignalRule", "CompiledBook", "load_signal_book", "compiled_book", "compile_regex", "CJK", "LATIN"]

SIGNALS_FILE = KNOWLEDGE_DIR / "signals.yaml"
LEXICON_DIR = KNOWLEDGE_DIR / "lexicons"
_ARTICLE_RE = re.compile(r"^第[零一二三四五六七八九十百千]+条(?:之[一二三四五六七八九十]+)?$")
_LEX_RE = re.compile(r"\{lex:([a-z_]+)\}")
CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")


# --------------------------------------------------------------------------- the rule file


class _Strict(Model):
    model_config = ConfigDict(frozen=True)


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
    # an outright refusal or dare (你去告吧, sue me): with any sign of means it is bad faith, whatever the manners
    defiant: bool = False
    payment: bool = False  # a payment or offer whose size can be weighed against the debt (token or real)
    spending: bool = False  # money visibly spent (purchases, trips): beside it a pittance repaid is a token payment
    documents: bool = False
    cancels: list[str] = Field(default_factory=list)  # signals this one subsumes (a broken promise is no promise)
    subject_check: bool = True  # false: the creditor experiences it (我联系不上他, 我被拉黑), so 我 may be the subject
    derived: bool = False  # produced by the classifier itself (e.g. claim_contradicted), no patterns
    patterns: list[str] = Field(default_factory=list)
    # example phrasings of the same fact for the semantic matcher (assistant/assess_semantic.py)
    prototypes: list[str] = Field(default_factory=list)
    semantic_threshold: float | None = Field(default=None, gt=0, lt=1)  # overrides semantic.threshold
    explanation: Text
    reason: Text | None = None
    basis: list[RuleBasis] = Field(default_factory=list)

    @model_validator(mode="after")
    def _sane(self) -> SignalRule:
        if not self.derived and not self.patterns:
            raise ValueError(f"{self.code}: a signal needs at least one pattern")
        if self.weight == 0:
            raise ValueError(f"{self.code}: weight must not be 0")
        if self.derived and self.prototypes:
            raise ValueError(f"{self.code}: a derived signal has no prototypes")
        if len(set(self.prototypes)) != len(self.prototypes):
            raise ValueError(f"{self.code}: duplicate prototypes")
        if (self.decisive or self.defiant) and (self.axis is not Axis.willingness or self.weight > 0):
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
    # a sale at or below this share of the stated market price is an undervalue sale (民法典第五百三十九条)
    undervalue_ratio: float = Field(gt=0, lt=1)
    # a payment at or below this share of the debt, while the debtor is seen spending, is a token payment
    token_payment_ratio: float = Field(gt=0, lt=1)


class Modifiers(_Strict):
    reported_factor: float = Field(ge=0, le=1)
    contradicted_factor: float = Field(ge=0, le=1)
    documented_factor: float = Field(ge=1, le=2)
    case_fact_factor: float = Field(ge=0, le=1)
    old_factor: float = Field(ge=0, le=1)
    old_factor_ability: float = Field(ge=0, le=1)
    recent_factor: float = Field(ge=1, le=2)
    repeat_decay: float = Field(ge=0, le=1)
    token_factor: float = Field(ge=-1, le=0)  # a token payment counts this share of partial_payment (<= 0)
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
    token: str  # the creditor calls a payment a mere gesture (敷衍, 应付, token amounts)
    market_price: str  # 市价, 值, worth: the price a sale is measured against
    sale: str  # 卖, 转让, 过户, sold: a disposal whose price may be compared


class SemanticSettings(_Strict):
    """How a clause close in meaning to a signal's prototypes fires that signal (assess_semantic.py)."""

    prefix: str  # e5 wants "query: " or "passage: "; the same on both sides makes similarity symmetric
    threshold: float = Field(gt=0, lt=1)  # cosine a clause must reach against a signal's nearest prototype
    background_margin: float = Field(ge=0, lt=1)  # and by this much above the nearest neutral sentence
    runner_up_margin: float = Field(ge=0, lt=1)  # and above the best signal of the opposite sign
    top_k: int = Field(ge=1, le=5)  # a signal's similarity: mean of its top_k prototypes (one stray neighbour is not enough)
    weight_factor: float = Field(gt=0, le=1)  # a semantic hit is less certain than a pattern
    weight_cap: float = Field(gt=0, le=5)  # and never weighs more than this: one paraphrase alone decides nothing
    min_clause_chars: int = Field(ge=1, le=40)  # shorter clauses are joined to the next one
    decisive: bool  # may one semantic hit of a decisive signal decide bad_faith on its own?
    background: list[str] = Field(min_length=1)  # neutral story sentences (the loan itself, the question)


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
    semantic: SemanticSettings | None = None
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
class CompiledBook:
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


def compile_regex(regex: str, where: str) -> re.Pattern[str]:
    regex = _LEX_RE.sub(lambda m: _lexicon(m.group(1), where), regex)
    try:
        return re.compile(regex, re.IGNORECASE)
    except re.error as exc:
        raise RuleError(f"{where}: bad regex {regex!r}: {exc}") from exc


def _compile_rule(rule: SignalRule, where: str) -> tuple[SignalRule, re.Pattern[str] | None, re.Pattern[str] | None]:
    for p in rule.patterns:  # each pattern must compile on its own, so errors name the culprit
        compile_regex(p, where)
    expanded = [_LEX_RE.sub(lambda m: _lexicon(m.group(1), where), p) for p in rule.patterns]
    zh = [p for p in expanded if CJK.search(p)]
    latin = [p for p in expanded if not CJK.search(p)]
    join = lambda ps: compile_regex("|".join(f"(?:{p})" for p in ps), where) if ps else None  # noqa: E731
    return rule, join(zh), join(latin)


def load_signal_book(path: Path | str = SIGNALS_FILE) -> CompiledBook:
    """Read, validate and compile a signal file; RuleError on any bad key, value or regex."""
    path = Path(path)
    book = load_model(path, SignalBook, error=RuleError)
    rules = tuple(_compile_rule(r, f"{path.name}:{r.code}") for r in book.signals)
    cue = {name: compile_regex(rx, f"{path.name}:cues.{name}") for name, rx in book.cues.model_dump().items()}
    return CompiledBook(book=book, rules=rules, cue=cue)


@lru_cache(maxsize=4)
def compiled_book(path: str) -> CompiledBook:
    return load_signal_book(path)
