"""The message-log audit: each message through the checker, and the log as a whole (night, frequency, third parties)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
import pytest

from assistant.bulk.audit import audit_log, audit_messages
from assistant.bulk.portfolio import MessageRow
from assistant.checker import check
from assistant.cli import main
from assistant.errors import InputError

LAWFUL = "您好，您的借款已逾期，请于本月底前还款，如有困难可联系我们协商分期。"


def _msg(row: int, when: datetime, text: str = LAWFUL, account: str = "A1", agent: str = "agent01", recipient: str = "本人") -> MessageRow:
    return MessageRow(row=row, account=account, time=when, channel="sms", text=text, agent=agent, recipient=recipient)


def _rules(findings: pd.DataFrame, row: int) -> set[str]:
    return set(findings.loc[findings["row"] == row, "rule"])


def test_a_lawful_message_in_the_daytime_has_no_finding():
    assert audit_messages([_msg(2, datetime(2026, 10, 1, 10, 0))]).empty


def test_a_message_outside_the_daily_window_is_night_contact_with_its_legal_basis():
    findings = audit_messages([_msg(2, datetime(2026, 10, 1, 22, 30)), _msg(3, datetime(2026, 10, 2, 6, 59)), _msg(4, datetime(2026, 10, 2, 21, 0))])
    assert _rules(findings, 2) == _rules(findings, 3) == {"NIGHT_CONTACT"} and _rules(findings, 4) == set()
    assert "第一千零三十三条" in findings["basis"].iloc[0]


def test_the_contacts_beyond_three_in_a_day_are_flagged_per_debtor():
    day = datetime(2026, 10, 1, 9, 0)
    log = [_msg(i + 2, day + timedelta(hours=i)) for i in range(5)] + [_msg(7, day, account="A2")]
    findings = audit_messages(log)
    assert sorted(findings.loc[findings["rule"] == "DAILY_FREQUENCY", "row"]) == [5, 6]


def test_the_contacts_beyond_ten_in_seven_days_are_flagged():
    start = datetime(2026, 10, 1, 10, 0)
    log = [_msg(i + 2, start + timedelta(days=i // 2, hours=4 * (i % 2))) for i in range(12)]
    log.append(_msg(14, start + timedelta(days=20)))  # a fortnight later the count starts again
    findings = audit_messages(log)
    assert sorted(findings.loc[findings["rule"] == "WEEKLY_FREQUENCY", "row"]) == [12, 13]


def test_a_message_to_a_third_party_that_names_the_debt_is_disclosure():
    findings = audit_messages([
        _msg(2, datetime(2026, 10, 1, 10), "请提醒他尽快还款，他的借款已逾期。", recipient="同事"),
        _msg(3, datetime(2026, 10, 1, 11), "您好，请问王先生在吗？", recipient="同事"),
    ])
    assert "THIRD_PARTY" in _rules(findings, 2) and _rules(findings, 3) == set()


def test_each_message_gets_the_checkers_verdict_on_its_own_words():
    threat = "再不还钱就去你单位找你领导，让你同事都知道你是老赖。"
    findings = audit_messages([_msg(2, datetime(2026, 10, 1, 10), threat)])
    assert check(threat).codes() <= _rules(findings, 2) and check(threat).codes()


def test_the_audit_workbook_summarises_per_agent_and_per_rule(tmp_path):
    path = tmp_path / "messages.csv"
    pd.DataFrame([
        {"account": "A1", "time": "2026-10-01 23:10", "channel": "sms", "text": LAWFUL, "agent": "agent01"},
        {"account": "A1", "time": "2026-10-02 10:00", "channel": "sms", "text": LAWFUL, "agent": "agent02"},
        {"account": "A2", "time": "not a time", "channel": "sms", "text": LAWFUL, "agent": "agent02"},
    ]).to_csv(path, index=False)
    result = audit_log(path, tmp_path / "out")
    assert (result.messages, result.row_errors, result.by_rule) == (2, 1, {"NIGHT_CONTACT": 1})
    sheets = pd.read_excel(result.workbook, sheet_name=None)
    assert set(sheets) == {"summary", "by_agent", "by_rule", "findings", "row_errors"}
    agents = sheets["by_agent"].set_index("agent")
    assert agents.loc["agent01", "NIGHT_CONTACT"] == 1 and agents.loc["agent02", "messages_with_findings"] == 0
    assert list(sheets["row_errors"]["row"]) == [4]


def test_a_log_without_a_text_column_is_an_input_error(tmp_path):
    path = tmp_path / "messages.csv"
    pd.DataFrame([{"account": "A1", "time": "2026-10-01 10:00"}]).to_csv(path, index=False)
    with pytest.raises(InputError, match="text"):
        audit_log(path)


def test_the_audit_command_writes_the_workbook_and_prints_the_rules(tmp_path, capsys):
    path = tmp_path / "messages.csv"
    pd.DataFrame([{"account": "A1", "time": "2026-10-01 23:10", "text": LAWFUL}]).to_csv(path, index=False)
    assert main(["audit", str(path), "-o", str(tmp_path / "out")]) == 0
    assert "NIGHT_CONTACT 1" in capsys.readouterr().out
    assert (tmp_path / "out" / "audit.xlsx").is_file()
