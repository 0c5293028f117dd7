"""The one segmenter: where sentences and clauses end, in Chinese and English.

Every step that asks "which sentence / clause is this word in" uses these two boundary patterns
and `Segments`, so the intake, the classifier and the checker agree on what a clause is.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

__all__ = ["SENTENCE_END", "CLAUSE_END", "Segments", "segments", "sentence_spans"]

# An English full stop ends a sentence unless it closes a title or a common abbreviation (Mr. Li, No. 5).
# (The dot is matched first and the look-behinds checked after it: far cheaper than testing them everywhere.)
_EN_STOP = (
    r"\.(?<!\bMr\.)(?<!\bMs\.)(?<!\bMrs\.)(?<!\bDr\.)(?<!\bNo\.)(?<!\bSt\.)(?<!\bArt\.)(?<!\bArts\.)(?<!\bvs\.)"
    r"(?<!\be\.g\.)(?<!\bi\.e\.)(?=\s|$)"
)
SENTENCE_END = re.compile(rf"[。！？!?\n；;]|{_EN_STOP}")
# A clause also ends at a comma (not a thousands separator: 100,000), 、, a colon or a dash between words.
CLAUSE_END = re.compile(rf"[。！？!?\n；;，、：:—]|,(?!\d{{3}})|(?<!\d),|{_EN_STOP}|\s[-–]\s")


class Segments:
    """Sentence and clause boundaries of one text, computed once."""

    __slots__ = ("text", "_sent_starts", "_sent_ends", "_clause_starts", "_clause_ends")

    def __init__(self, text: str) -> None:
        self.text = text
        sent = list(SENTENCE_END.finditer(text))
        clause = list(CLAUSE_END.finditer(text))
        self._sent_starts, self._sent_ends = [m.start() for m in sent], [m.end() for m in sent]
        self._clause_starts, self._clause_ends = [m.start() for m in clause], [m.end() for m in clause]

    @property
    def sentence_ends(self) -> list[int]:
        return self._sent_ends

    @staticmethod
    def _before(ends: list[int], pos: int) -> int:
        i = bisect.bisect_right(ends, pos)
        return ends[i - 1] if i else 0

    def _after(self, starts: list[int], pos: int) -> int:
        i = bisect.bisect_left(starts, pos)
        return starts[i] if i < len(starts) else len(self.text)

    def sentence_start(self, pos: int) -> int:
        return self._before(self._sent_ends, pos)

    def sentence_end(self, pos: int) -> int:
        """Start of the first sentence boundary at or after pos (the sentence's last character + 1)."""
        return self._after(self._sent_starts, pos)

    def clause_start(self, pos: int) -> int:
        return self._before(self._clause_ends, pos)

    def clause_end(self, pos: int) -> int:
        return self._after(self._clause_starts, pos)

    def sentence(self, start: int, end: int) -> tuple[int, int]:
        """The sentence around [start, end), its closing punctuation included."""
        i = bisect.bisect_left(self._sent_ends, end)
        hi = self._sent_ends[i] if i < len(self._sent_ends) else len(self.text)
        return self.sentence_start(start), hi

    def clause_breaks_between(self, a: int, b: int) -> int:
        lo, hi = min(a, b), max(a, b)
        return max(0, bisect.bisect_right(self._clause_ends, hi) - bisect.bisect_left(self._clause_starts, lo))


@lru_cache(maxsize=32)
def segments(text: str) -> Segments:
    """The segments of a text, cached: the steps ask about the same narrative many times."""
    return Segments(text)


_WORD_CHAR = re.compile(r"\w")


def sentence_spans(text: str, sentence_ends: list[int] | None = None) -> list[tuple[int, int]]:
    """Sentences as (start, end) with surrounding whitespace trimmed; those without a word character dropped."""
    ends = segments(text).sentence_ends if sentence_ends is None else sentence_ends
    spans, lo = [], 0
    for hi in [*ends, len(text)]:
        piece = text[lo:hi]
        a = lo + len(piece) - len(piece.lstrip())
        b = lo + len(piece.rstrip())
        if b > a and _WORD_CHAR.search(text, a, b):
            spans.append((a, b))
        lo = hi
    return spans
