"""What the checker reads a text as: its sentences and clauses, and a proposed finding.

Shared by the pattern, structural and statistical layers of the checker, so none of them imports another.
"""

from __future__ import annotations

import re

from assistant.checker.rules import RuleRegistry
from assistant.models import Severity, ViolationCode
from assistant.text.segment import Segments as TextSegments

__all__ = ["Segments", "Finding", "cue_present", "negated_within", "sentence_cue", "CJK", "LATIN", "CLAUSE_BREAK"]

CLAUSE_BREAK = re.compile(r"[，,；;、]|\b(?:and|nor|or)\b")
CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")
# a negation immediately followed by paying is the condition, not a denial: 如果你没有还款 / if you do not pay
_NEGATED_PAYMENT = re.compile(r"\s*(?:按时|按期|及时)?(?:还|付|偿|pay|repay)", re.IGNORECASE)
_CLOSE_QUOTES = {"“": "”", "‘": "’", "「": "」", "『": "』", "\"": "\"", "'": "'"}


class Segments(TextSegments):
    """The shared sentence and clause boundaries of one text, plus what the checker's cues read: the
    lower-cased text and whether a span is quoted."""

    __slots__ = ("lowered",)

    def __init__(self, text: str) -> None:
        super().__init__(text)
        low = text.lower()
        # lower() can change the length of some letters (İ); offsets must stay valid, so keep it only if not
        self.lowered: str | None = low if len(low) == len(text) else None

    def quoted(self, start: int, end: int) -> bool:
        """True when [start, end) lies inside a pair of quotation marks within its sentence."""
        lo, hi = self.sentence(start, end)
        before = self.text[lo:start]
        for open_q in "“‘「『\"'":
            if open_q == "'" and not CJK.search(self.text[start:end]):
                continue  # in English ' is mostly an apostrophe
            close_q = _CLOSE_QUOTES[open_q]
            pos = before.rfind(open_q)
            if pos < 0:
                continue
            if open_q != close_q and close_q in before[pos + 1 :]:
                continue
            if open_q == close_q and before.count(open_q) % 2 == 0:
                continue
            if close_q in self.text[end:hi]:
                return True
        return False


class Finding:
    """A proposed violation before it becomes a Violation: which rule, where, how strong, why."""

    __slots__ = ("code", "start", "end", "score", "rule_name", "severity", "detail", "fix", "explanation", "backstop")

    def __init__(self, code: ViolationCode, start: int, end: int, score: float, rule_name: str, severity: Severity,
                 detail: str = "", fix: str | None = None, explanation: str | None = None) -> None:  # fmt: skip
        self.code, self.start, self.end, self.score = code, start, end, score
        self.rule_name, self.severity, self.detail = rule_name, severity, detail
        self.fix, self.explanation = fix, explanation
        self.backstop = False


def cue_present(reg: RuleRegistry, name: str, seg: Segments, start: int, end: int) -> bool:
    cue, rx = reg.cues[name]
    text = seg.text
    if seg.lowered is not None and name in reg.cues_lower:
        rx, text = reg.cues_lower[name], seg.lowered
    if cue.scope == "quoted":
        return seg.quoted(start, end)
    if cue.scope == "before":
        lo = max(seg.clause_start(start), start - cue.window)
        for m in rx.finditer(text, lo, start):
            if not _NEGATED_PAYMENT.match(text, m.end()) or name != "negation":
                return True
        return False
    lo, hi = seg.sentence(start, end)
    return rx.search(text, lo, hi) is not None


def negated_within(reg: RuleRegistry, seg: Segments, start: int, end: int) -> bool:
    """A negation inside [start, end) that is not the condition "if you do not pay"."""
    rx, text = reg.cues["negation"][1], seg.text
    if seg.lowered is not None and "negation" in reg.cues_lower:
        rx, text = reg.cues_lower["negation"], seg.lowered
    return any(not _NEGATED_PAYMENT.match(text, m.end()) for m in rx.finditer(text, start, end))


_QUOTED_PASSAGE = re.compile(r"“[^”]{2,}”|「[^」]{2,}」|『[^』]{2,}』|\"[^\"]{2,}\"")


def sentence_cue(reg: RuleRegistry, name: str, seg: Segments, lo: int, hi: int) -> bool:
    """A context cue anywhere in the sentence [lo, hi): the scope of a whole-sentence proposal."""
    cue, rx = reg.cues[name]
    if cue.scope == "quoted":
        return _QUOTED_PASSAGE.search(seg.text, lo, hi) is not None
    text = seg.text
    if seg.lowered is not None and name in reg.cues_lower:
        rx, text = reg.cues_lower[name], seg.lowered
    if name != "negation":
        return rx.search(text, lo, hi) is not None
    # 如果你不还 / if you don't pay is the condition of a threat, not a denial of the act
    return negated_within(reg, seg, lo, hi)

