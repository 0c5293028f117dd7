"""Classify the debtor before anything is drafted: hardship, bad_faith or unclear.

Transparent rule layer. Signals (``knowledge/signals.yaml``) score two axes, ability and willingness.
Each hit is adjusted for negation (没有失联), reported speech (他说失业了), contradiction by an observed
fact or a debunking finding (……可朋友圈天天在旅游), hedges and suspicion (我以为), whose act it is
(我失业了 is the creditor's) and time (两年前 vs 上周), and carries its exact evidence span. The verdict
follows thresholds in the same file; thin or balanced evidence gives ``unclear``, never a guess.

Beside the patterns, assistant/assess_semantic.py fires a signal from a clause whose meaning is close to
the signal's prototypes (他一直躲着我 without the word 失联), with the same cues applied to the clause.
It is capped so that one paraphrase never decides on its own, and it is skipped (patterns only, with a
logged warning) when the embedding model cannot load.
"""

from __future__ import annotations

import logging
import math
import re
from pathlib import Path

from assistant.assess.learned import Fusion, load_assess_config, narrative_model
from assistant.assess.rules import (
    CJK,
    SIGNALS_FILE,
    CompiledBook,
    SignalBook,
    SignalRule,
    compiled_book,
    load_signal_book,
)
from assistant.assess.semantic import get_matcher, semantic_hits
from assistant.assess.text import (
    Hit,
    adjust_hits,
    match_signals,
    negated,
    not_a_fact,
)
from assistant.errors import RuleError
from assistant.intake import missing_facts
from assistant.models import Assessment, Axis, Case, Category, ContactStatus, Signal, Span
from assistant.settings import Settings
from assistant.text.money import find_approximate_amounts
from assistant.text.segment import segments

log = logging.getLogger(__name__)

__all__ = ["classify", "load_signal_book", "SignalBook", "SignalRule", "SIGNALS_FILE"]

# --------------------------------------------------------------------------- adjusting across hits


def _debunked(text: str, claim: Hit, c: CompiledBook, english: bool) -> re.Match[str] | None:
    """他说得了重病……根本没住过院: a debunking word after the claim, in its sentence or the next."""
    sent_end = segments(text).sentence_end(claim.end)
    nxt_end = segments(text).sentence_end(min(sent_end + 1, len(text)))
    for m in c.cue["debunk"].finditer(text, claim.end, nxt_end):
        if not negated(text, m.start(), c, english):
            return m
    return None


def _contradict(text: str, hits: list[Hit], c: CompiledBook, english: bool) -> None:
    """A hardship the debtor only claims, against an observed ability fact or a debunking finding."""
    claims = [h for h in hits if h.rule.axis is Axis.ability and h.weight < 0 and "reported" in h.modifiers]
    # a paraphrase found by meaning is too soft to call the debtor a liar: only pattern facts contradict
    facts = [h for h in hits if h.rule.axis is Axis.ability and h.weight >= 1.5 and h.observed and "semantic" not in h.modifiers]
    debunks = [m for m in (_debunked(text, h, c, english) for h in claims) if m]
    if not claims or not (facts or debunks):
        return
    for h in claims:
        h.weight *= c.book.modifiers.contradicted_factor
        h.modifiers.append("contradicted")
    credibility = _derived(c, "claim_contradicted")
    start, end = (facts[0].start, facts[0].end) if facts else debunks[0].span()
    hits.append(Hit(credibility, start, end, credibility.weight, ["contradicted"]))


def _sentence(text: str, pos: int) -> tuple[int, int]:
    return segments(text).sentence_start(pos), segments(text).sentence_end(pos)


def _undervalue_by_price(text: str, hits: list[Hit], c: CompiledBook, english: bool) -> list[Hit]:
    """以5万卖给朋友（市价二十多万）: compare a sale price with the stated market price (民法典第五百三十九条).

    Both amounts are read at their lower bound; at or below undervalue_ratio the sale is an undervalue
    sale, above it a pattern's undervalue hit in that sentence is withdrawn (a fair price is no stripping).
    """
    rule = _derived(c, "undervalue_sale")
    found: list[Hit] = []
    fair: list[tuple[int, int]] = []
    for cue in c.cue["market_price"].finditer(text):
        lo, hi = _sentence(text, cue.start())
        sale = c.cue["sale"].search(text, lo, hi)
        if sale is None:
            continue
        after = [a for a in find_approximate_amounts(text, cue.end(), min(hi, cue.end() + 24))]
        if not after or after[0].start - cue.end() > 12:
            continue
        market = after[0]
        others = [a for a in find_approximate_amounts(text, lo, hi) if a.start != market.start]
        if not others:
            continue
        price = min(others, key=lambda a: abs(a.start - sale.start()))
        if price.value >= market.value * 1.01 or price.value <= 0:
            continue
        if price.value / market.value > c.book.thresholds.undervalue_ratio:
            fair.append((lo, hi))
            continue
        start, end = min(price.start, sale.start()), max(market.end, sale.end())
        if not any(h.rule.code == "undervalue_sale" and h.start < end and h.end > start for h in hits + found):
            found += adjust_hits(text, [Hit(rule, start, end, rule.weight, ["price_compared"])], c, english)
    hits = [h for h in hits if not (h.rule.code == "undervalue_sale" and any(lo <= h.start < hi for lo, hi in fair))]
    return sorted(hits + found, key=lambda h: (h.start, h.end))


def _token_payments(case: Case, text: str, hits: list[Hit], c: CompiledBook) -> None:
    """每次两三百 on a debt of 二十万, called 敷衍 or paid while buying a car: a gesture, not goodwill."""
    payments = [h for h in hits if h.rule.payment and h.weight > 0 and not h.negated]
    if not payments:
        return
    spending = any(h.rule.spending and h.weight > 0 and h.observed for h in hits)
    debt = float(case.principal.value) if case.principal and case.principal.value else 0.0
    amounts = find_approximate_amounts(text)
    for h in payments:
        lo, hi = _sentence(text, h.start)
        called_token = c.cue["token"].search(text, lo, hi) is not None
        paid = [a for a in amounts if segments(text).clause_start(h.start) <= a.start < segments(text).clause_end(h.end)]
        owed = debt or max((a.value for a in amounts if not paid or a.start != paid[0].start), default=0.0)
        tiny = bool(paid and owed and paid[0].value / owed <= c.book.thresholds.token_payment_ratio)
        if called_token or (tiny and spending):
            h.weight = h.rule.weight * c.book.modifiers.token_factor
            h.modifiers.append("token")


def _corroborate(text: str, hits: list[Hit], c: CompiledBook) -> None:
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
        sent_end = segments(text).sentence_end(h.end)
        nxt_end = segments(text).sentence_end(min(sent_end + 1, len(text)))
        checked = any(
            not negated(text, m.start(), c, not CJK.search(text)) for m in c.cue["corroboration"].finditer(text, h.end, nxt_end)
        )
        if documented or checked or conduct >= c.book.thresholds.credible_willingness:
            h.weight /= m.reported_factor if m.reported_factor else 1
            h.modifiers.append("corroborated")


def _from_case_facts(case: Case, hits: list[Hit], c: CompiledBook) -> None:
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
        lo, hi = segments(text).clause_start(src.start), segments(text).clause_end(src.end)
        if any(h.start < hi and h.end > lo for h in hits):
            continue
        rule = by_code[code]
        if negated(text, src.start, c, not CJK.search(text)) or not_a_fact(text, src.start, c, "suspicion"):
            continue
        hits.append(Hit(rule, src.start, src.end, rule.weight * c.book.modifiers.case_fact_factor, ["case_fact"]))


def _derived(c: CompiledBook, code: str) -> SignalRule:
    for rule, _, _ in c.rules:
        if rule.code == code:
            return rule
    raise RuleError(f"signals.yaml lacks the derived signal {code}")


def _combine_repeats(hits: list[Hit], c: CompiledBook) -> list[Hit]:
    """Drop what a firing signal subsumes; a repeated signal counts less each time (repeat_decay)."""
    cancelled = {x for h in hits if h.weight and not h.negated for x in h.rule.cancels}
    groups: dict[str, list[Hit]] = {}
    for h in hits:
        if h.rule.code not in cancelled:
            groups.setdefault(h.rule.code, []).append(h)
    out: list[Hit] = []
    for group in groups.values():
        group.sort(key=lambda h: -abs(h.weight))
        for i, h in enumerate(group):
            if i:
                h.weight *= c.book.modifiers.repeat_decay**i
                h.modifiers.append("repeated")
            out.append(h)
    return sorted(out, key=lambda h: h.start)


# --------------------------------------------------------------------------- the verdict


def _decide(ability: float, willingness: float, hits: list[Hit], c: CompiledBook) -> tuple[Category, float, bool]:
    t = c.book.thresholds
    # one semantic hit decides only if the book allows it: a near paraphrase is not proof of asset stripping
    trust_semantic = bool(c.book.semantic and c.book.semantic.decisive)
    decisive = any(h.rule.decisive and h.observed and h.weight < 0 and (trust_semantic or "semantic" not in h.modifiers) for h in hits)
    unwilling = any(h.rule.axis is Axis.willingness and h.weight < 0 for h in hits)
    # 你去告吧，告赢了我也没钱 from someone with any visible means: courtesy elsewhere does not soften a refusal
    defiant = any(h.rule.defiant and h.observed and h.weight < 0 for h in hits)
    means = any(h.rule.axis is Axis.ability and h.weight > 0 and h.observed for h in hits)
    if decisive or willingness <= t.bad_faith_willingness:
        margin = (2.0 if decisive else 0.0) + max(0.0, t.bad_faith_willingness - willingness)
        return Category.bad_faith, margin, decisive
    if defiant and means:
        return Category.bad_faith, max(0.5, ability) + max(0.0, -willingness), False
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


def _explain(h: Hit, lang: str) -> str:
    expl = getattr(h.rule.explanation, lang)
    parts = [expl]
    if h.rule.reason:
        parts.append(getattr(h.rule.reason, lang))
    if h.rule.basis:
        labels = "、".join(b.label() for b in h.rule.basis)
        parts.append(f"依据：{labels}" if lang == "zh" else f"basis: {labels}")
    return ("；" if lang == "zh" else "; ").join(parts)


def _texts(category: Category, decisive: bool, ability: float, willingness: float, hits: list[Hit], c: CompiledBook, lang: str) -> tuple[str, list[str]]:
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
    return list(missing_facts(case))


def _find_hits(text: str, c: CompiledBook, english: bool, semantic: bool, settings: Settings | None) -> list[Hit]:
    """Pattern signals, then signals found by meaning in the clauses no pattern of that axis judged."""
    raw = match_signals(text, c)
    hits = adjust_hits(text, raw, c, english)
    matcher = get_matcher(c, settings) if semantic and text.strip() else None
    if matcher is None:
        return hits
    try:
        extra = semantic_hits(text, raw, c, english, matcher)
    except Exception as exc:  # noqa: BLE001 - the semantic layer may fail; the patterns still answer
        log.warning("semantic debtor signals failed, patterns only: %s", exc)
        return hits
    return sorted(hits + extra, key=lambda h: (h.start, h.end))


def _fuse(category: Category, decisive: bool, probabilities: dict[str, float], fusion: Fusion,
          axes: tuple[float, float] = (0.0, 0.0)) -> Category:  # fmt: skip
    """The rules' verdict, or the learned model's where the rules found too little or the model is sure enough.

    `axes` are the rules' (ability, willingness) scores: below `against_evidence` the model may not call bad
    faith where the willingness evidence is good (a part payment from the proceeds of a sale), nor hardship
    where the ability evidence says he can pay."""
    best = max(probabilities, key=probabilities.get)
    sure = probabilities[best]
    ability, willingness = axes
    if best == category.value or decisive:
        return category  # a decisive rule (asset stripping, a judgment ignored) is never overturned
    contradicted = (best == Category.bad_faith.value and willingness > 0) or (best == Category.hardship.value and ability > 0)
    if contradicted and sure < fusion.against_evidence:
        return category
    if category == Category.unclear and best != Category.unclear.value and sure >= fusion.decide_when_unclear:
        return Category(best)
    if category != Category.unclear and sure >= fusion.overrule and sure - probabilities[category.value] >= fusion.margin:
        return Category(best)
    return category


def _model_rationale(category: Category, probabilities: dict[str, float], rules_said: str, lang: str) -> str:
    p = f"{probabilities[category.value]:.2f}"
    if lang == "zh":
        return f"学习模型（依据盲写案例训练）判断为{category.value}（概率{p}）；规则层的分析：{rules_said}"
    return f"The learned model (trained on narratives written blind to the rules) reads this as {category.value} (p={p}); the rules said: {rules_said}"


def classify(
    case: Case, *, signals_path: Path | str | None = None, semantic: bool = True, settings: Settings | None = None,
    learned: bool = True,
) -> Assessment:
    """Score ability and willingness from the narrative (and intake facts) and decide the category.

    ``semantic=False`` uses the regex patterns only (also the fallback when no embedding model loads);
    ``learned=False`` leaves out the learned narrative model (for measuring the rules alone).
    """
    assessment, decisive = rules_verdict(case, signals_path=signals_path, semantic=semantic, settings=settings)
    model = narrative_model() if learned and case.narrative.strip() else None
    if model is None:
        return assessment
    probabilities = model.probabilities(case.narrative)
    fused = _fuse(assessment.category, decisive, probabilities, load_assess_config().fusion,
                  (assessment.ability, assessment.willingness))  # fmt: skip
    update: dict = {"model_probabilities": probabilities}
    if fused != assessment.category:
        lang = "en" if case.language == "en" or not CJK.search(case.narrative) else "zh"
        update |= {"category": fused, "decided_by": "model",
                   "rationale": _model_rationale(fused, probabilities, assessment.rationale, lang)}  # fmt: skip
    return assessment.model_copy(update=update)


def rules_verdict(
    case: Case, *, signals_path: Path | str | None = None, semantic: bool = True, settings: Settings | None = None
) -> tuple[Assessment, bool]:
    """The signal rules' assessment alone, and whether a decisive rule settled it (never overturned)."""
    c = compiled_book(str(signals_path or SIGNALS_FILE))
    text = case.narrative or ""
    english = case.language == "en" or not CJK.search(text)
    lang = "en" if english else "zh"
    hits = _find_hits(text, c, english, semantic, settings)
    hits = _undervalue_by_price(text, hits, c, english)
    _token_payments(case, text, hits, c)
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
    ), decisive
