"""Text helpers for intake: clauses, sentences, negation scope, language."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from assistant.intake.lexicon import Negation, Terms
from assistant.text.segment import segments


def is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def detect_language(text: str) -> Literal["zh", "en"]:
    """Chinese when Chinese characters are at least as many as English words."""
    cjk = sum(1 for ch in text if is_cjk(ch))
    words = len(re.findall(r"[A-Za-z]{2,}", text))
    return "zh" if cjk and cjk >= words else "en"


def clause_bounds(text: str, pos: int) -> tuple[int, int]:
    seg = segments(text)
    return seg.clause_start(pos), seg.clause_end(pos)


def sentence_bounds(text: str, pos: int) -> tuple[int, int]:
    seg = segments(text)
    return seg.sentence_start(pos), seg.sentence_end(pos)


def clause_breaks_between(text: str, a: int, b: int) -> int:
    """How many clause boundaries lie between two positions."""
    return segments(text).clause_breaks_between(a, b)


def scope_start(text: str, pos: int, negation: Negation) -> int:
    """Where a fact word's scope begins: its clause start, moved past any 但/but before it."""
    start, _ = clause_bounds(text, pos)
    for m in negation.scope_breakers.finditer(text, start, pos):
        start = max(start, m.end())
    return start


def negation_span(text: str, start: int, end: int, negation: Negation) -> tuple[int, int] | None:
    """The words negated together with their cue ("没有借条", "借条也没有", "not reachable"), or None."""
    window = negation.window_zh if is_cjk(text[start]) else negation.window_en
    lo = max(scope_start(text, start, negation), start - window)
    cues = [m for m in negation.pre.finditer(text, lo, start) if m.end() <= start]
    if cues:
        return cues[-1].start(), end
    adjacent = [m for m in negation.adjacent.finditer(text, max(0, start - 1), start) if m.end() == start]
    if adjacent:
        return adjacent[-1].start(), end
    post = negation.post.match_at(text, end)
    return (start, post.end()) if post else None


def is_negated(text: str, start: int, end: int, negation: Negation) -> bool:
    return negation_span(text, start, end, negation) is not None


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    text: str
    negated: bool


def find_terms(terms: Terms, text: str, negation: Negation) -> list[Hit]:
    """Each match; a negated one spans its negation too, so its source shows "没有借条", not "借条"."""
    hits = []
    for m in terms.finditer(text):
        neg = negation_span(text, m.start(), m.end(), negation)
        start, end = neg if neg else m.span()
        hits.append(Hit(start, end, text[start:end], neg is not None))
    return hits
