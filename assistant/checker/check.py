"""The legality checker: every draft vetted under PRC law, deterministically.

Patterns propose, checks confirm, context adjusts (the rules are data in knowledge/rules/*.yaml):
1. each rule's compiled patterns propose matches with a weight;
2. context cues cancel a match (negation before it in the same clause, someone else's threat being
   reported, a quoted word, a lawful court route) or confirm it (a non-payment condition);
3. named validators look at the case (a licensed lender may report to 征信, a private one may not);
4. structural checks (checker_structural) compare rates and amounts with the case and the 4×LPR cap,
   verify every citation, and read contact times against the configured window;
5. learned models (statistical.py per sentence, message_model.py per message) propose what the patterns
   missed, and the message model vetoes imprecise patterns on messages that read as lawful collection.
The checker only reports; assistant.checker.rewrite acts on the report.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np

from assistant.checker.rules import CompiledPattern, Rule, RuleRegistry, get_registry
from assistant.checker.segments import (
    CJK,
    CLAUSE_BREAK,
    LATIN,
    Finding,
    Segments,
    cue_present,
    negated_within,
    sentence_cue,
)
from assistant.checker.statistical import proposer_for, sentence_spans
from assistant.checker.structural import structural_findings
from assistant.errors import RuleError
from assistant.models import Case, LegalityReport, PartyKind, Severity, Violation

__all__ = ["check", "Segments", "Finding", "make_violation"]

_SEVERITY_RANK = {Severity.critical: 0, Severity.high: 1, Severity.medium: 2, Severity.warning: 3}

# --------------------------------------------------------------------------- validators (named in YAML)


def _credit_report_claim(seg: Segments, start: int, end: int, case: Case | None) -> bool:
    """Only financial institutions report to 征信; a private creditor's "report" is a false consequence."""
    lo, hi = seg.sentence(start, end)
    sentence = seg.text[lo:hi]
    blacklist = re.search(r"黑名单|blacklist", sentence, re.IGNORECASE) is not None
    kind = case.creditor.kind if case is not None else PartyKind.unknown
    if kind == PartyKind.licensed_lender:
        return blacklist
    if kind in (PartyKind.individual, PartyKind.company, PartyKind.sole_trader):
        return True
    return blacklist or re.search(r"(?:让|把|将|给)(?:你|您)", sentence) is not None


def _not_company_debtor(seg: Segments, start: int, end: int, case: Case | None) -> bool:
    """For a company debtor 贵单位 is the debtor itself, not its employer."""
    if case is not None and case.debtor.kind == PartyKind.company:
        return "单位" not in seg.text[start:end]
    return True


_VALIDATORS: dict[str, Callable[[Segments, int, int, Case | None], bool]] = {
    "credit_report_claim": _credit_report_claim,
    "not_company_debtor": _not_company_debtor,
}


# --------------------------------------------------------------------------- patterns


def _judge(reg: RuleRegistry, rule: Rule, cp: CompiledPattern, seg: Segments, start: int, end: int,
           case: Case | None) -> Finding | None:  # fmt: skip
    spec = cp.spec
    # the cheapest test that usually fails goes first
    if spec.requires and not any(cue_present(reg, name, seg, start, end) for name in spec.requires):
        return None
    cancel = spec.cancel if spec.cancel is not None else rule.context.cancel
    if any(cue_present(reg, name, seg, start, end) for name in cancel):
        return None
    if spec.negation_inside and "negation" in reg.cues and reg.cues["negation"][1].search(seg.text, start, end):
        return None
    # 不会上门，也不会联系您的家人: a match that runs over coordinated clauses is negated by a negation inside it
    if "negation" in cancel and CLAUSE_BREAK.search(seg.text, start, end) and negated_within(reg, seg, start, end):
        return None
    if spec.validator and not _VALIDATORS[spec.validator](seg, start, end, case):
        return None
    score = spec.weight
    if any(cue_present(reg, name, seg, start, end) for name in rule.context.confirm):
        score += rule.context.confirm_boost
    if score < rule.threshold:
        return None
    lang = "zh" if CJK.search(seg.text) else "en"
    explanation = getattr(spec.explanation, lang) if spec.explanation else None
    found = Finding(rule.code, start, end, score, f"{rule.code.value.lower()}:{spec.name}",
                    spec.severity or rule.severity, fix=spec.fix, explanation=explanation)  # fmt: skip
    found.backstop = spec.backstop
    return found


def _pattern_findings(reg: RuleRegistry, seg: Segments, case: Case | None) -> list[Finding]:
    found: list[Finding] = []
    scripts = {s for s, rx in (("zh", CJK), ("en", LATIN)) if rx.search(seg.text)}
    lowered = seg.lowered or ""
    same_length = seg.lowered is not None  # lower() may change lengths (İ); then fold case in the regex
    for code, compiled in reg.patterns.items():
        rule = reg.rules[code]
        for cp in compiled:
            if cp.script not in scripts:
                continue
            matches = cp.lower.finditer(lowered) if cp.lower is not None and same_length else cp.regex.finditer(seg.text)
            for m in matches:
                if m.end() > m.start():
                    f = _judge(reg, rule, cp, seg, m.start(), m.end(), case)
                    if f is not None:
                        found.append(f)
    return found


def _drop_backstops(findings: list[Finding], seg: Segments) -> list[Finding]:
    """A backstop finding stands only where no specific rule found anything in its sentence."""
    specific = {seg.sentence(f.start, f.end) for f in findings if not f.backstop}
    return [f for f in findings if not f.backstop or seg.sentence(f.start, f.end) not in specific]


def _merge(findings: list[Finding]) -> list[Finding]:
    """One finding per code and overlapping span: the most severe, then the longest, then the first."""
    ranked = sorted(findings, key=lambda f: (f.code.value, _SEVERITY_RANK[f.severity], -(f.end - f.start), f.start))
    kept: list[Finding] = []
    for f in ranked:
        if not any(k.code == f.code and k.start < f.end and f.start < k.end for k in kept):
            kept.append(f)
    return sorted(kept, key=lambda f: (f.start, f.end, f.code.value, f.rule_name))


def make_violation(rule: Rule, f: Finding, text: str) -> Violation:
    lang = "zh" if CJK.search(text) else "en"
    explanation = f.explanation or getattr(rule.explanation, lang)
    if f.detail:
        explanation = f"{explanation}（{f.detail}）" if lang == "zh" else f"{explanation} ({f.detail})"
    return Violation(
        code=f.code,
        span=(f.start, f.end),
        matched=text[f.start : f.end],
        explanation=explanation,
        basis=list(rule.legal_basis),
        fix=f.fix or rule.fix,
        severity=f.severity,
        rule=f.rule_name,
    )


# --------------------------------------------------------------------------- statistical proposals

def _statistical_findings(reg: RuleRegistry, seg: Segments, found: list[Finding], proposer=None,
                          spans: list[tuple[int, int]] | None = None, probs: np.ndarray | None = None) -> list[Finding]:  # fmt: skip
    """Sentences the statistical proposer flags, confirmed by context, where no pattern found the code.

    `proposer`, `spans` and `probs` when the caller already has them (the message layer scores once)."""
    if proposer is None:
        proposer = proposer_for(reg.directory) if reg.directory else None
        if proposer is None:
            return []
    if spans is None:
        spans = sentence_spans(seg.text, seg.sentence_ends)
    unknown = proposer.cue_names - reg.cues.keys()
    if unknown:
        raise RuleError(f"_statistical.yaml: unknown context cue(s) {sorted(unknown)}")
    out: list[Finding] = []
    cues: dict[tuple[int, str], bool] = {}  # one sentence's cues are shared by all codes proposed there
    for i, code, prob in proposer.propose(seg.text, spans, probs):
        lo, hi = spans[i]
        rule = reg.rules.get(code)
        if rule is None or any(f.code == code and f.start < hi and lo < f.end for f in found):
            continue
        cancelled = False
        for name in proposer.cfg.codes[code].cancel:
            if (i, name) not in cues:
                cues[(i, name)] = sentence_cue(reg, name, seg, lo, hi)
            if cues[(i, name)]:
                cancelled = True
                break
        if cancelled:
            continue
        out.append(Finding(code, lo, hi, prob, f"statistical:{code.value}", rule.severity,
                           detail=f"统计模型判断，置信度{prob:.2f}" if CJK.search(seg.text) else f"statistical model, p={prob:.2f}"))  # fmt: skip
    return out


# Beside codes the patterns found, a code of the message model's own must be near certain: its per-code
# probabilities run high on rare codes (balanced class weights), and an extra code is an extra rewrite.
EXTRA_CODE_PROBABILITY = 0.8


def _message_layer(reg: RuleRegistry, seg: Segments, pattern: list[Finding], structural: list[Finding],
                   statistical: bool) -> list[Finding]:  # fmt: skip
    """Patterns and sentence proposals, vetoed or joined by the message-level model (message_model.py)."""
    proposer = proposer_for(reg.directory) if statistical and reg.directory else None
    findings = pattern + structural
    if proposer is None:
        return findings
    spans = sentence_spans(seg.text, seg.sentence_ends)
    sentence_probs = proposer.probabilities(seg.text, spans) if spans else None  # scored once, used twice
    findings += _statistical_findings(reg, seg, findings, proposer, spans, sentence_probs)
    model = proposer.message
    if model is None:
        return findings
    worst = model.worst_window(seg.text, spans)
    if worst is None:
        return findings
    (lo, hi), probs = worst
    p_any = float(probs[model.any])
    if p_any < model.setting.veto:  # reads as lawful collection: imprecise patterns and proposals give way
        soft, fixed = set(model.setting.vetoable), {id(f) for f in structural}
        return [f for f in findings if id(f) in fixed or f.severity == Severity.warning
                or not (f.rule_name.startswith("statistical:") or f.rule_name in soft)]
    if p_any < model.setting.threshold or len(spans) < 2:  # one sentence is the sentence proposer's to judge
        return findings
    zh = CJK.search(seg.text) is not None
    blocking = [f for f in findings if f.severity != Severity.warning]
    for code, p in model.codes_of(probs):
        rule = reg.rules.get(code)
        if rule is None or any(f.code == code for f in blocking) or (blocking and p < EXTRA_CODE_PROBABILITY):
            continue
        a, b = _carrier(proposer, spans, sentence_probs, (lo, hi), code) or (lo, hi)
        setting = proposer.cfg.codes.get(code)
        if setting is not None and any(sentence_cue(reg, name, seg, a, b) for name in setting.cancel):
            continue  # the carrying sentence denies, reports, quotes or condemns the act, as for a proposal
        findings.append(Finding(code, a, b, p, f"message_model:{code.value}", rule.severity,
                                detail=f"整条消息的模型判断，置信度{p:.2f}" if zh else f"whole-message model, p={p:.2f}"))  # fmt: skip
    return findings


def _carrier(proposer, spans: list[tuple[int, int]], probs: np.ndarray | None, window: tuple[int, int],
             code) -> tuple[int, int] | None:  # fmt: skip
    """The sentence of the window that the sentence model finds most likely to carry `code`."""
    inside = [i for i, (a, b) in enumerate(spans) if window[0] <= a and b <= window[1]]
    if not inside or probs is None or code not in proposer.codes:
        return None
    column = probs[inside, proposer.codes.index(code)]
    return spans[inside[int(np.argmax(column))]]


def check(text: str, case: Case | None = None, *, registry: RuleRegistry | None = None,
          statistical: bool = True) -> LegalityReport:  # fmt: skip
    """Vet a draft under PRC law. Deterministic, no LLM; violations ordered by position then code.

    `statistical=False` runs the patterns and structural checks only (for measuring the proposer).
    """
    reg = registry or get_registry()
    seg = Segments(text)
    structural = structural_findings(reg, seg, case)
    kept = _drop_backstops(_pattern_findings(reg, seg, case) + structural, seg)
    pattern = [f for f in kept if not any(f is s for s in structural)]
    findings = _message_layer(reg, seg, pattern, structural, statistical)
    merged = [make_violation(reg.rules[f.code], f, text) for f in _merge(findings)]
    violations = [v for v in merged if v.severity != Severity.warning]
    # a warning where the same code is already a violation in that place adds nothing
    warnings = [w for w in merged if w.severity == Severity.warning
                and not any(v.code == w.code and v.span[0] < w.span[1] and w.span[0] < v.span[1] for v in violations)]
    return LegalityReport(legal=not violations, violations=violations, warnings=warnings, checked_chars=len(text))
