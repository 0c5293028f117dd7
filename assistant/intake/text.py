"""Text helpers for intake: clauses, sentences, negation scope, language."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from assistant.intake.lexicon import Negation, Terms

# a clause ends at Chinese punctuation, at an ASCII comma that is not a thousands separator,
# or at a full stop followed by space; a sentence ends at a full stop, ; ! ? or a new line
_CLAUSE_END = re.compile(r"[，；;。！？!?\n、]|,(?!\d{3})|(?<!\d),|\.(?=\s|$)|\s[-–—]\s")
_SENTENCE_END = re.compile(r"[；;。！？!?\n]|\.(?=\s|$)")


def is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def detect_language(text: str) -> Literal["zh", "en"]:
    """Chinese when Chinese characters are at least as many as English words."""
    cjk = sum(1 for ch in text if is_cjk(ch))
    words = len(re.findall(r"[A-Za-z]{2,}", text))
    return "zh" if cjk and cjk >= words else "en"


@lru_cache(maxsize=16)
def _breaks(pattern: re.Pattern[str], text: str) -> tuple[list[int], list[int]]:
    """Start and end offsets of every boundary in the text, computed once per text."""
    found = list(pattern.finditer(text))
    return [m.start() for m in found], [m.end() for m in found]


def _bounds(pattern: re.Pattern[str], text: str, pos: int) -> tuple[int, int]:
    starts, ends = _breaks(pattern, text)
    before = bisect_right(ends, pos) - 1  # the last boundary ending at or before pos
    start = ends[before] if before >= 0 else 0
    after = bisect_left(starts, pos)  # the first boundary starting at or after pos
    return start, (starts[after] if after < len(starts) else len(text))


def clause_bounds(text: str, pos: int) -> tuple[int, int]:
    return _bounds(_CLAUSE_END, text, pos)


def sentence_bounds(text: str, pos: int) -> tuple[int, int]:
    return _bounds(_SENTENCE_END, text, pos)


def clause_breaks_between(text: str, a: int, b: int) -> int:
    """How many clause boundaries lie between two positions."""
    lo, hi = min(a, b), max(a, b)
    starts, ends = _breaks(_CLAUSE_END, text)
    return max(0, bisect_right(ends, hi) - bisect_left(starts, lo))


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
