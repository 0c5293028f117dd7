"""Readable Markdown views of the pipeline's results, shared by the CLI and the web app."""

from __future__ import annotations

from assistant.models import Advice, Assessment, Citation, LegalityReport, LegalPosition

CATEGORY_LABELS = {
    "hardship": "困难型（确实无力偿还）/ hardship",
    "bad_faith": "恶意型（有能力不还或逃避）/ bad faith",
    "unclear": "待查明（事实不足）/ unclear",
}

STAGE_LABELS = {
    "reminder": "友好提醒 / friendly reminder",
    "formal_notice": "书面催告 / formal written demand",
    "lawyer_letter": "律师函 / lawyer's letter",
    "negotiation": "协商分期 / negotiation and instalments",
    "payment_order": "申请支付令 / payment order",
    "litigation": "起诉并申请保全 / lawsuit with preservation",
    "decline": "不建议催收（法律不保护）/ decline: not protected by law",
}


def render_assessment(a: Assessment) -> str:
    lines = [f"**债务人类型 / debtor**: {CATEGORY_LABELS[a.category.value]}（置信度 {a.confidence:.0%}）"]
    if a.rationale:
        lines.append(a.rationale)
    if a.signals:
        lines.append("")
        lines.append("**依据的信号 / signals**")
        for s in a.signals:
            mods = f" [{', '.join(s.modifiers)}]" if s.modifiers else ""
            lines.append(f"- {s.explanation}（{s.axis.value} {s.weight:+.1f}）：「{s.evidence.text}」{mods}")
    if a.would_change:
        lines.append("")
        lines.append("**什么事实会改变结论 / what would change the verdict**")
        lines.extend(f"- {w}" for w in a.would_change)
    if a.missing:
        lines.append("")
        lines.append("**还需要了解 / questions**")
        lines.extend(f"- {m.question}" for m in a.missing)
    return "\n".join(lines)


def render_position(p: LegalPosition) -> str:
    lines = ["**法律分析 / legal position**"]
    if p.outstanding is not None:
        lines.append(f"- 未还本金 / outstanding principal: ¥{p.outstanding:,.2f}")
    if not p.protected:
        lines.append(f"- ⚠ 该债务不受法律保护 / not protected: {p.unprotected_reason}")
    if p.interest is not None:
        lines.append(f"- 利率上限 / interest cap: {p.interest.explanation}")
    lines.append(f"- 诉讼时效 / limitation: {p.limitation.explanation}")
    for label, e in (("支付令 / payment order", p.payment_order), ("小额诉讼 / small claims", p.small_claims)):
        verdict = {True: "可以 / eligible", False: "不适用 / not eligible", None: "待确认 / to confirm"}[e.eligible]
        reasons = "；".join(e.reasons)
        lines.append(f"- {label}: {verdict}{'（' + reasons + '）' if reasons else ''}")
    if p.fees is not None:
        f = p.fees
        lines.append(
            f"- 诉讼费 / court fees on ¥{f.claim_amount:,.2f}: 普通程序 ¥{f.litigation:,.2f}，简易程序 ¥{f.simple_procedure:,.2f}，"
            f"支付令 ¥{f.payment_order:,.2f}，财产保全申请费 ¥{f.preservation:,.2f}"
        )
    lines.extend(f"- {n}" for n in p.notes)
    return "\n".join(lines)


def render_citations(citations: list[Citation]) -> str:
    if not citations:
        return "（没有找到相关条文 / no matching articles）"
    out = []
    for c in citations:
        tag = "（本项目转述 / our summary）" if c.source == "knowledge" else ""
        if c.secondary:
            tag += "（二手来源，条文号未核实 / secondary source）"
        out.append(f"**{c.label()}**{tag}\n{c.text}")
    return "\n\n".join(out)


def render_report(r: LegalityReport) -> str:
    if r.legal:
        return "✅ 合法 / legal: 未发现违规内容 / no violations found"
    lines = ["❌ 不合法 / not legal"]
    for v in r.violations:
        basis = "、".join(b.label() for b in v.basis)
        lines.append(f"- [{v.code.value}] 「{v.matched}」({v.span[0]}–{v.span[1]}): {v.explanation}")
        if basis:
            lines.append(f"  依据 / basis: {basis}")
        lines.append(f"  修改建议 / fix: {v.fix}")
    return "\n".join(lines)


def render_advice(a: Advice) -> str:
    parts = [
        render_assessment(a.assessment),
        render_position(a.position),
        f"**建议阶段 / recommended stage**: {STAGE_LABELS[a.stage.value]}" + (f"\n{a.stage_reason}" if a.stage_reason else ""),
    ]
    if a.plan:
        steps = [f"- {s.when.isoformat()} · {s.action}" + (f"（{s.channel}）" if s.channel else "") for s in a.plan]
        parts.append("**行动计划 / plan**\n" + "\n".join(steps))
    if a.negotiation is not None:
        n = a.negotiation
        rows = [f"- 首付 / down payment ¥{n.down_payment:,.2f}"] + [f"- {i.due.isoformat()} ¥{i.amount:,.2f}" for i in n.instalments]
        parts.append(f"**分期方案 / instalment plan**（合计 ¥{n.total:,.2f}）\n" + "\n".join(rows))
    if a.citations:
        parts.append("**法律依据 / law**\n" + "\n".join(f"- {c.label()}" for c in a.citations))
    for d in a.drafts:
        parts.append(f"**{d.title}**（{'✅ 已通过合法性审查' if d.report.legal else '❌ 未通过'}）\n\n{d.text}")
    if a.warnings:
        parts.append("**提示 / warnings**\n" + "\n".join(f"- {w}" for w in a.warnings))
    return "\n\n".join(parts)
