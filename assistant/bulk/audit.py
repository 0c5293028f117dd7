"""Audit of a log of sent collection messages: each message through the checker, and the log as a whole
for contact at night, too many contacts per debtor per day and per week, and debts disclosed to third parties.

Thresholds and legal bases are data: the daily window from the settings, the daily bound from
knowledge/rules/contact_time.yaml, the weekly bound and the cross-message rules from knowledge/bulk/audit.yaml.
A message text repeated across the log (templates are) is checked once.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from pathlib import Path

import pandas as pd
from pydantic import Field

from assistant.bulk.portfolio import ColumnMapping, MessageRow, read_messages
from assistant.checker import check
from assistant.checker.rules import get_registry
from assistant.errors import KnowledgeError
from assistant.models import Basis, LegalityReport, Model, ViolationCode
from assistant.settings import KNOWLEDGE_DIR, get_settings
from assistant.text.datafiles import load_model

__all__ = ["AuditResult", "AuditRules", "audit_log", "audit_messages"]

AUDIT_FILE = KNOWLEDGE_DIR / "bulk" / "audit.yaml"


class CrossRule(Model):
    title: str
    basis: list[Basis]


class AuditRules(Model):
    max_per_week: int = Field(ge=1)
    rules: dict[str, CrossRule]
    debtor_recipients: list[str]
    debt_words: list[str]


@lru_cache(maxsize=4)
def load_audit_rules(path: Path = AUDIT_FILE) -> AuditRules:
    rules = load_model(path, AuditRules, error=KnowledgeError)
    missing = {"NIGHT_CONTACT", "DAILY_FREQUENCY", "WEEKLY_FREQUENCY", "THIRD_PARTY"} - set(rules.rules)
    if missing:
        raise KnowledgeError(f"{path} 缺少规则 / lacks rules: {', '.join(sorted(missing))}")
    return rules


class AuditResult(Model):
    messages: int
    distinct_texts: int
    row_errors: int
    findings: int
    messages_with_findings: int
    by_rule: dict[str, int]
    workbook: Path | None = None


def _labels(basis: list[Basis]) -> str:
    return "；".join(b.label() for b in basis)


def _max_per_day() -> int:
    contact = get_registry().rule(ViolationCode.CONTACT_TIME).contact
    return contact.max_per_day if contact else 3


def audit_messages(messages: list[MessageRow], rules: AuditRules | None = None) -> pd.DataFrame:
    """One row a finding: the message's row, account, time, agent, the rule, what was found and the law."""
    rules = rules or load_audit_rules()
    settings = get_settings()
    columns = ["row", "account", "time", "agent", "channel", "rule", "severity", "detail", "basis"]
    if not messages:
        return pd.DataFrame(columns=columns)
    reports: dict[str, LegalityReport] = {}
    found: list[dict] = []

    def add(m: MessageRow, rule: str, severity: str, detail: str, basis: str) -> None:
        found.append({"row": m.row, "account": m.account, "time": m.time, "agent": m.agent, "channel": m.channel,
                      "rule": rule, "severity": severity, "detail": detail, "basis": basis})

    # message by message: the same checker every draft passes
    for m in messages:
        report = reports.get(m.text)
        if report is None:
            report = reports[m.text] = check(m.text)
        for v in report.violations:
            add(m, v.code.value, v.severity.value, f"{v.matched}: {v.explanation}", _labels(v.basis))

    frame = pd.DataFrame({"i": range(len(messages)), "account": [m.account for m in messages],
                          "time": pd.to_datetime([m.time for m in messages])}).sort_values(["account", "time", "i"])

    # night: outside the daily window (民法典第一千零三十三条: the peace of private life)
    minutes = frame["time"].dt.hour * 60 + frame["time"].dt.minute
    night = (minutes < settings.contact_window_start * 60) | (minutes > settings.contact_window_end * 60)
    night_rule = rules.rules["NIGHT_CONTACT"]
    for i in frame.loc[night, "i"]:
        m = messages[i]
        add(m, "NIGHT_CONTACT", "medium", f"{m.time:%H:%M} 不在 {settings.contact_window_start}:00-{settings.contact_window_end}:00 之内",
            _labels(night_rule.basis))

    # frequency: the contacts beyond the bound on one day, and within any seven days, per debtor
    per_day = _max_per_day()
    nth_today = frame.groupby([frame["account"], frame["time"].dt.date]).cumcount() + 1
    day_rule = rules.rules["DAILY_FREQUENCY"]
    for i, n in zip(frame.loc[nth_today > per_day, "i"], nth_today[nth_today > per_day]):
        m = messages[i]
        add(m, "DAILY_FREQUENCY", "medium", f"当日第{n}次联系（上限{per_day}次）/ contact {n} that day (limit {per_day})",
            _labels(day_rule.basis))
    ones = pd.Series(1, index=pd.DatetimeIndex(frame["time"]))
    in_week = ones.groupby(frame["account"].to_numpy()).transform(lambda s: s.rolling("7D").sum()).to_numpy()
    week_rule = rules.rules["WEEKLY_FREQUENCY"]
    over = in_week > rules.max_per_week
    for i, n in zip(frame["i"].to_numpy()[over], in_week[over]):
        m = messages[i]
        add(m, "WEEKLY_FREQUENCY", "medium", f"7日内第{int(n)}次联系（上限{rules.max_per_week}次）/ contact {int(n)} in 7 days",
            _labels(week_rule.basis))

    # disclosure: a message to anyone but the debtor that names the debt (个人信息保护法第十条)
    debtor_words = {w.strip().lower() for w in rules.debtor_recipients}
    debt_words = [w.lower() for w in rules.debt_words]
    third_rule = rules.rules["THIRD_PARTY"]
    for m in messages:
        if m.recipient.strip().lower() not in debtor_words:
            text = m.text.lower()
            hit = next((w for w in debt_words if w in text), None)
            if hit:
                add(m, "THIRD_PARTY", "high", f"发给{m.recipient}的消息提到“{hit}” / a message to {m.recipient} names the debt",
                    _labels(third_rule.basis))

    out = pd.DataFrame(found, columns=columns)
    return out.sort_values(["row", "rule"], kind="stable").reset_index(drop=True)


def _by_agent(messages: list[MessageRow], findings: pd.DataFrame) -> pd.DataFrame:
    sent = Counter(m.agent or "(none)" for m in messages)
    agents = findings.assign(agent=findings["agent"].replace("", "(none)"))
    table = pd.crosstab(agents["agent"], agents["rule"]) if len(agents) else pd.DataFrame()
    flagged = agents.groupby("agent")["row"].nunique() if len(agents) else pd.Series(dtype=int)
    rows = []
    for agent in sorted(sent):
        row = {"agent": agent, "messages": sent[agent], "messages_with_findings": int(flagged.get(agent, 0))}
        row["share_flagged"] = round(row["messages_with_findings"] / row["messages"], 4)
        if agent in table.index:
            row.update({rule: int(n) for rule, n in table.loc[agent].items()})
        rows.append(row)
    return pd.DataFrame(rows).fillna(0)


def _by_rule(findings: pd.DataFrame) -> pd.DataFrame:
    if not len(findings):
        return pd.DataFrame(columns=["rule", "findings", "messages", "accounts", "agents", "basis"])
    grouped = findings.groupby("rule")
    return pd.DataFrame({
        "findings": grouped.size(), "messages": grouped["row"].nunique(), "accounts": grouped["account"].nunique(),
        "agents": grouped["agent"].nunique(), "basis": grouped["basis"].first(),
    }).reset_index().sort_values("findings", ascending=False)


def audit_log(path: Path, output_dir: Path | None = None, *, mapping: ColumnMapping | None = None) -> AuditResult:
    """Audit a message log file; with output_dir, write audit.xlsx (summary, per agent, per rule, findings, row errors)."""
    messages, errors = read_messages(path, mapping)
    findings = audit_messages(messages)
    by_rule = _by_rule(findings)
    result = AuditResult(
        messages=len(messages), distinct_texts=len({m.text for m in messages}), row_errors=len(errors),
        findings=len(findings), messages_with_findings=int(findings["row"].nunique()) if len(findings) else 0,
        by_rule={str(r): int(n) for r, n in zip(by_rule["rule"], by_rule["findings"])},
    )
    if output_dir is not None:
        output_dir = Path(output_dir)
        output_dir.mkdir(parents=True, exist_ok=True)
        workbook = output_dir / "audit.xlsx"
        summary = pd.DataFrame([
            ("messages audited", result.messages), ("distinct texts checked", result.distinct_texts),
            ("rows with errors", result.row_errors), ("findings", result.findings),
            ("messages with findings", result.messages_with_findings),
        ], columns=["measure", "value"])
        with pd.ExcelWriter(workbook, engine="openpyxl") as writer:
            summary.to_excel(writer, sheet_name="summary", index=False)
            _by_agent(messages, findings).to_excel(writer, sheet_name="by_agent", index=False)
            by_rule.to_excel(writer, sheet_name="by_rule", index=False)
            findings.to_excel(writer, sheet_name="findings", index=False)
            pd.DataFrame([e.model_dump() for e in errors], columns=["row", "account", "message"]).to_excel(
                writer, sheet_name="row_errors", index=False)
        result.workbook = workbook
    return result
