"""The rewrite step: act on a legality report - fix the violating sentences or refuse the message.

Detecting and acting are separate (the checker only reports). Here each violation is handled by its
rule's policy (knowledge/rules/*.yaml): `refuse` and every critical finding refuse the whole message
(a threat cannot be rephrased into a lawful demand); `rewrite` replaces the violating sentence by the
rule's lawful equivalent, removes only the offending words (insults), or swaps an invalid citation for
its successor. The result is re-checked; only a text whose report is legal is ever returned.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from pydantic import ConfigDict, Field

from assistant.checker.check import Segments, check
from assistant.checker.rules import RULES_DIR, RuleRegistry, get_registry
from assistant.errors import RuleError
from assistant.law.citations import verify_citations
from assistant.models import Case, LegalityReport, Model, Severity, Violation, ViolationCode
from assistant.settings import get_settings
from assistant.text.datafiles import load_model

__all__ = ["RewriteResult", "RewritePolicy", "rewrite"]

_CJK = re.compile(r"[\u4e00-\u9fff]")
_CITE_LEAD = re.compile(r"(?:根据|依据|依照|按照|参照|under|pursuant to|according to)\s*$", re.IGNORECASE)
# what is left dangling when an insult is cut out: 你这个[老赖]，/ you [deadbeat],
_INSULT_LEAD = re.compile(r"(?:(?:你|您)?(?:这个|这种|这)?|\byou\s+)$", re.IGNORECASE)


class RewritePolicy(Model):
    model_config = ConfigDict(frozen=True)
    max_violating_sentences: int = Field(ge=1)
    max_rounds: int = Field(ge=1, le=10)


class RewriteResult(Model):
    text: str  # the lawful text; empty when refused
    report: LegalityReport  # of `text`; when refused, of the input (it says why)
    refused: bool
    reason: str = ""
    changes: list[tuple[ViolationCode, str, str]] = Field(default_factory=list)  # (code, before, after)


@lru_cache(maxsize=4)
def load_policy(directory: str | None = None) -> RewritePolicy:
    path = Path(directory or RULES_DIR) / "_rewrite.yaml"
    return load_model(path, RewritePolicy, error=RuleError)


def _refusal(report: LegalityReport, reg: RuleRegistry, policy: RewritePolicy, seg: Segments) -> str:
    for v in report.violations:
        spec = reg.pattern(v.code, v.rule.split(":", 1)[-1])
        on_fail = (spec.on_fail if spec and spec.on_fail else None) or reg.rule(v.code).on_fail
        if v.severity == Severity.critical or on_fail == "refuse":
            return (f"无法改写：{v.code.value}（“{v.matched}”）属于不能通过改写变为合法的内容。{v.explanation} / "
                    f"Refused: {v.code.value} ('{v.matched}') cannot be made lawful by rewording.")  # fmt: skip
    sentences = {seg.sentence(*v.span) for v in report.violations}
    if len(sentences) > policy.max_violating_sentences:
        return (f"无法改写：{len(sentences)}个句子存在违法内容，整条消息以施压为目的。/ Refused: {len(sentences)} "
                "sentences are unlawful; the message is built on pressure.")  # fmt: skip
    return ""


def _replacement(reg: RuleRegistry, v: Violation, sentence: str) -> str:
    rule = reg.rule(v.code)
    if rule.replacement is None:
        return ""
    text = rule.replacement.zh if _CJK.search(sentence) else rule.replacement.en
    s = get_settings()
    params = rule.contact
    return text.format(start=s.contact_window_start, end=s.contact_window_end, max_per_day=params.max_per_day if params else 3)


def _successor_label(text: str, v: Violation) -> str | None:
    for c in verify_citations(text):
        if c.span.start == v.span[0] and c.span.end == v.span[1] and c.successor is not None:
            return c.successor.label()
    return None


def _tidy(text: str) -> str:
    text = re.sub(r"([，,])(?:\s*[，,])+", r"\1", text)
    text = re.sub(r"[，,]\s*([。！？!?.])", r"\1", text)
    text = re.sub(r"([。！？!?])[，,、]+", r"\1", text)
    text = re.sub(r"^[\s，,、。.]+", "", text)
    text = re.sub(r"[ \t]{2,}", " ", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _one_pass(text: str, report: LegalityReport, reg: RuleRegistry) -> tuple[str, list[tuple[ViolationCode, str, str]]]:
    """Apply every violation's fix once, right to left so that earlier offsets stay valid."""
    seg = Segments(text)
    edits: dict[tuple[int, int], tuple[ViolationCode, str]] = {}  # span -> (code, new text)
    for v in report.violations:
        rule = reg.rule(v.code)
        if v.code == ViolationCode.CITATION_INVALID:
            successor = _successor_label(text, v)
            start = v.span[0]
            if successor is None:  # drop the citation and its lead-in (根据…，)
                lead = _CITE_LEAD.search(text, max(0, start - 12), start)
                start = lead.start() if lead else start
            end = v.span[1] + (1 if successor is None and text[v.span[1] : v.span[1] + 1] in "，," else 0)
            edits[(start, end)] = (v.code, successor or "")
        elif rule.rewrite_scope == "span":
            lead = _INSULT_LEAD.search(text, max(0, v.span[0] - 6), v.span[0])
            start = lead.start() if lead and lead.start() < v.span[0] else v.span[0]
            edits[(start, v.span[1])] = (v.code, "")
        else:
            lo, hi = seg.sentence(*v.span)
            edits[(lo, hi)] = (v.code, _replacement(reg, v, text[lo:hi]))
    # a sentence-wide edit swallows the smaller edits inside it
    spans = sorted(edits, key=lambda s: (s[0], -(s[1] - s[0])))
    kept: list[tuple[int, int]] = []
    for s in spans:
        if not kept or s[0] >= kept[-1][1]:
            kept.append(s)
    out, changes, used = text, [], set()
    for start, end in reversed(kept):
        code, new = edits[(start, end)]
        before = text[start:end]
        new_text = new.strip()
        if new_text and (new_text in used or new_text in text):
            new_text = ""  # the lawful sentence is already there once
        if new_text:
            used.add(new_text)
            if code != ViolationCode.CITATION_INVALID:  # keep the sentence's own surrounding whitespace
                new_text = before[: len(before) - len(before.lstrip())] + new_text + before[len(before.rstrip()) :]
        out = out[:start] + new_text + out[end:]
        changes.append((code, before.strip(), new_text.strip()))
    return _tidy(out), list(reversed(changes))


def rewrite(text: str, case: Case | None = None, *, registry: RuleRegistry | None = None) -> RewriteResult:
    """Return a lawful version of `text` with the changes made, or a refusal that says why."""
    reg = registry or get_registry()
    policy = load_policy()
    report = check(text, case, registry=reg)
    if report.legal:
        return RewriteResult(text=text, report=report, refused=False)
    reason = _refusal(report, reg, policy, Segments(text))
    if reason:
        return RewriteResult(text="", report=report, refused=True, reason=reason)
    current, changes = text, []
    for _ in range(policy.max_rounds):
        current, made = _one_pass(current, report, reg)
        changes += made
        if not any(ch.isalnum() for ch in current):
            return RewriteResult(text="", report=report, refused=True, changes=changes,
                                 reason="无法改写：删除违法内容后没有剩余内容。/ Refused: nothing lawful remains.")  # fmt: skip
        report = check(current, case, registry=reg)
        if report.legal:
            return RewriteResult(text=current, report=report, refused=False, changes=changes)
        reason = _refusal(report, reg, policy, Segments(current))
        if reason:
            break
    return RewriteResult(text="", report=report, refused=True, changes=changes,
                         reason=reason or "无法改写：多轮改写后仍不合法。/ Refused: still unlawful after rewriting.")  # fmt: skip
