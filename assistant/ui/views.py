"""What the web app shows beside the shared Markdown views (`render.py`): the chat reply, the legal
position headline, the dated timeline, highlighted spans, one full article, the contact log.

Pure functions of the pipeline's models; no Gradio import, so they are tested without a server.
"""

from __future__ import annotations

from assistant.models import Advice, Citation
from assistant.store.trail import CaseRecord
from assistant.ui.render import CATEGORY_LABELS, STAGE_LABELS, render_position

DRAFT_PREVIEW_CHARS = 600


def _zh(label: str) -> str:
    """The Chinese half of a shared bilingual label such as '困难型（确实无力偿还）/ hardship'."""
    return label.rpartition("/")[0].strip() or label


def _en(label: str) -> str:
    return label.rpartition("/")[2].strip()


def highlight_spans(text: str, spans: list[tuple[int, int, str, str]]) -> list[tuple[str, str | None]]:
    """Cut `text` into (segment, label) pairs for gr.HighlightedText.

    A span whose offsets do not match its words (an upstream offset slip) is re-found by its words;
    overlapping spans keep the first, so every character is shown exactly once.
    """
    placed: list[tuple[int, int, str]] = []
    for start, end, words, label in spans:
        if text[start:end] != words:
            found = text.find(words) if words else -1
            if found < 0:
                continue
            start, end = found, found + len(words)
        placed.append((start, end, label))
    segments: list[tuple[str, str | None]] = []
    cursor = 0
    for start, end, label in sorted(placed):
        if start < cursor or end <= start:
            continue
        if start > cursor:
            segments.append((text[cursor:start], None))
        segments.append((text[start:end], label))
        cursor = end
    if cursor < len(text):
        segments.append((text[cursor:], None))
    return segments


def reply_summary(advice: Advice) -> str:
    """The chat reply: category, stage, next step, deadline and the first draft, in the case's language."""
    a, p = advice.assessment, advice.position
    en = advice.case.language == "en"
    lines = []
    category = CATEGORY_LABELS[a.category.value]
    stage = STAGE_LABELS[advice.stage.value]
    if en:
        lines.append(f"**Debtor**: {_en(category)} (confidence {a.confidence:.0%})")
        lines.append(f"**Recommended stage**: {_en(stage)}" + (f": {advice.stage_reason}" if advice.stage_reason else ""))
    else:
        lines.append(f"**债务人类型**：{_zh(category)}（置信度 {a.confidence:.0%}）")
        lines.append(f"**建议阶段**：{_zh(stage)}" + (f"——{advice.stage_reason}" if advice.stage_reason else ""))
    if advice.plan:
        step = advice.plan[0]
        lines.append(f"**{'Next step' if en else '下一步'}** ({step.when.isoformat()}): {step.action}")
    lim = p.limitation
    if lim.deadline is not None:
        if lim.expired:
            lines.append(f"⚠️ {'Limitation period expired on' if en else '诉讼时效已于'} {lim.deadline.isoformat()}"
                         + ("" if en else " 届满"))
        else:
            lines.append(f"**Limitation deadline**: {lim.deadline.isoformat()} ({lim.days_left} days left)" if en
                         else f"**诉讼时效截止**：{lim.deadline.isoformat()}（剩余 {lim.days_left} 天）")
    if not p.protected:
        lines.append(f"⚠️ {'Not protected by law' if en else '该债务不受法律保护'}: {p.unprotected_reason}")
    if a.missing:
        lines.append(f"**{'Please tell me' if en else '还需了解'}**: " + " ".join(m.question for m in a.missing[:3]))
    if advice.drafts:
        d = advice.drafts[0]
        verdict = ("✅ passed the legality check" if en else "✅ 已通过合法性审查") if d.report.legal else (
            "❌ failed the legality check" if en else "❌ 未通过合法性审查")
        preview = d.text if len(d.text) <= DRAFT_PREVIEW_CHARS else d.text[:DRAFT_PREVIEW_CHARS] + "……"
        lines.append(f"\n**{'First draft' if en else '首份文书'}: {d.title}** ({verdict})\n\n" + _quote(preview))
        more = len(advice.drafts) - 1
        if more:
            lines.append(f"{more} more draft(s) in the Drafts tab, with Word download." if en
                         else f"另有 {more} 份文书见“文书”栏，可下载 Word。")
    return "\n".join(lines)


def _quote(text: str) -> str:
    return "\n".join(f"> {line}" if line.strip() else ">" for line in text.splitlines())


def position_markdown(advice: Advice) -> str:
    """The numbers a lawyer looks for first, then the full reasoning with its basis."""
    p = advice.position
    head = []
    lim = p.limitation
    if lim.deadline is not None:
        state = "已届满 / EXPIRED" if lim.expired else f"剩余 {lim.days_left} 天 / days left"
        warn = " ⚠️" if lim.warning or lim.expired else ""
        head.append(f"| 诉讼时效截止 limitation deadline | {lim.deadline.isoformat()}（{state}）{warn} |")
    else:
        head.append("| 诉讼时效 limitation | 无法计算：缺少到期日 / no due date |")
    if p.interest is not None:
        i = p.interest
        agreed = f"{i.agreed_percent}%" if i.agreed_percent is not None else "未约定 / none"
        cap = f"{i.cap_percent}%（4×LPR {i.lpr_one_year}%，{i.lpr_effective.isoformat()}）" if i.cap_applies else "不适用 / n/a"
        head.append(f"| 约定利率 agreed rate | {agreed}{' ⚠️ 超过上限 above cap' if i.above_cap else ''} |")
        head.append(f"| 利率上限 interest cap | {cap} |")
        if i.protected_interest_to_date is not None:
            head.append(f"| 受保护利息至今 protected interest to date | ¥{i.protected_interest_to_date:,.2f} |")
    for label, e in (("支付令 payment order", p.payment_order), ("小额诉讼 small claims", p.small_claims)):
        verdict = {True: "✅ 可以 eligible", False: "❌ 不适用 not eligible", None: "❔ 待确认 to confirm"}[e.eligible]
        head.append(f"| {label} | {verdict} |")
    if p.fees is not None:
        f = p.fees
        head.append(f"| 诉讼费 court fee (¥{f.claim_amount:,.2f}) | 普通 ¥{f.litigation:,.2f} · 简易 ¥{f.simple_procedure:,.2f}"
                    f" · 支付令 ¥{f.payment_order:,.2f} · 保全 ¥{f.preservation:,.2f} |")
    table = "| 项目 item | 结论 result |\n|---|---|\n" + "\n".join(head)
    return table + "\n\n" + render_position(p)


def stage_markdown(advice: Advice, version: int) -> str:
    stage = STAGE_LABELS[advice.stage.value]
    category = CATEGORY_LABELS[advice.assessment.category.value]
    lines = [f"### 建议阶段：{_zh(stage)}", f"*{_en(stage)}* · 第 {version} 版分析 / analysis v{version}",
             f"**债务人类型 / debtor**：{category}（置信度 {advice.assessment.confidence:.0%}）"]
    if advice.stage_reason:
        lines.append(advice.stage_reason)
    if advice.plan:
        step = advice.plan[0]
        lines.append(f"**下一步 / next** {step.when.isoformat()}：{step.action}")
    if advice.negotiation is not None:
        n = advice.negotiation
        lines.append(f"**分期方案 / instalments**：合计 ¥{n.total:,.2f}，首付 ¥{n.down_payment:,.2f}，"
                     f"共 {len(n.instalments)} 期")
    lines.extend(f"> ⚠️ {w}" for w in advice.warnings)
    return "\n\n".join(lines)


def timeline_rows(advice: Advice) -> list[list[str]]:
    today = advice.case.today
    return [
        [
            step.when.isoformat(),
            "今天 today" if step.when == today else f"{(step.when - today).days:+d} 天",
            _zh(STAGE_LABELS[step.stage.value]),
            step.action,
            step.channel,
            "、".join(step.evidence_to_keep),
            "、".join(b.label() for b in step.basis),
        ]
        for step in sorted(advice.plan, key=lambda s: s.when)
    ]


def citation_markdown(c: Citation) -> str:
    meta = []
    if c.version:
        meta.append(c.version)
    if c.effective_date:
        meta.append(f"施行 effective {c.effective_date.isoformat()}")
    if c.status != "current":
        meta.append(f"⚠️ {c.status}")
    if c.source == "knowledge":
        meta.append("本项目转述，非原文 / our summary, not the official text")
    if c.secondary:
        meta.append("二手来源 / secondary source")
    parts = [f"### {c.label()}"]
    if meta:
        parts.append("*" + " · ".join(meta) + "*")
    parts.append(c.text)
    if c.gloss:
        parts.append(f"**通俗解释 / in plain words**：{c.gloss}")
    return "\n\n".join(parts)


def contact_rows(record: CaseRecord) -> list[list[str]]:
    return [
        [c.when.isoformat(sep=" ", timespec="minutes") if hasattr(c.when, "hour") else c.when.isoformat(),
         c.channel, c.summary, c.logged_at.strftime("%Y-%m-%d %H:%M")]
        for c in record.contacts
    ]
